"""Attribute values as OTLP/JSON writes them, for the fixtures that say what they sent."""


def any_value(value):
    """An AnyValue; 64-bit integers as strings."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    return {"arrayValue": {"values": [any_value(v) for v in value]}}


def attributes(mapping):
    return {k: any_value(v) for k, v in (mapping or {}).items()}
