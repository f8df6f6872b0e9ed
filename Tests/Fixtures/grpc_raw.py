"""Sends raw bytes as one unary gRPC request, as a hostile or broken client would.

    python3 grpc_raw.py HOST:PORT /package.Service/Method (--zeros N | --bytes HEX) [--gzip] [--token T]

Prints the call's status code name and details on one line (OK with the response size on
success); exits 0 whatever the status, 1 when the call could not be made at all.
"""
import argparse
import sys

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("method")
    parser.add_argument("--zeros", type=int, help="send this many zero bytes")
    parser.add_argument("--bytes", help="send these bytes (hex)")
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--token")
    args = parser.parse_args()
    payload = bytes(args.zeros) if args.zeros is not None else bytes.fromhex(args.bytes or "")
    options = [("grpc.max_send_message_length", -1)]
    with grpc.insecure_channel(args.target, options=options) as channel:
        call = channel.unary_unary(args.method, request_serializer=None, response_deserializer=None)
        metadata = [("authorization", f"Bearer {args.token}")] if args.token else None
        compression = grpc.Compression.Gzip if args.gzip else None
        try:
            response = call(payload, timeout=30, metadata=metadata, compression=compression)
            print(f"OK {len(response)}")
        except grpc.RpcError as error:
            print(f"{error.code().name} {error.details()}")
        except Exception as error:  # noqa: BLE001 - any failure to call is reported as such
            print(f"call failed: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
