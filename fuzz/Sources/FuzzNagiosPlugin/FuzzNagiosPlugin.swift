// What blackhole reads and writes as a Nagios plugin: the `exec:` line of a plugin it runs,
// split as a shell would quote it, and the performance data of its own `check --nagios` line,
// which a monitoring system parses. Blackhole takes only a plugin's first output line as its
// message and parses no perfdata of others, so the perfdata is checked the other way round:
// whatever it writes must parse back, per the plugin guidelines, to what was written.
//
// Input: 1 byte (unit, rule count), the value (8 bytes), up to 3 rules of 9 bytes (condition and
// severity, threshold), then the label; the whole input is also the `exec:` line.
@testable import BlackholeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let words = try? ShellWords.split(String(decoding: bytes, as: UTF8.self)) {
        precondition(!words.contains { $0.isEmpty && !bytes.contains(UInt8(ascii: "\"")) && !bytes.contains(UInt8(ascii: "'")) },
                     "an empty word without quotes")
    }

    var reader = ByteReader(bytes: bytes[...])
    guard let header = reader.byte(), let value = reader.double(), value.isFinite else { return 0 }
    let unit = ["", "%", "ms", ""][Int(header & 3)]
    var rules: [AlertRule] = []
    for _ in 0..<Int(header >> 2 & 3) {
        guard let kind = reader.byte(), let threshold = reader.double(), threshold.isFinite else { return 0 }
        var rule = AlertRule(id: "r\(rules.count)", name: "r", metric: "fuzz.metric",
                             condition: [.gt, .lt, .eq, .ne][Int(kind & 3)], threshold: threshold)
        rule.severity = kind & 4 == 0 ? .warning : .critical
        rules.append(rule)
    }
    let label = String(decoding: reader.rest, as: UTF8.self)
    let text = PerfdataValue(label, value, unit: unit, series: SeriesKey("fuzz.metric")).text(rules: rules)
    let parsed = Perfdata(Array(text.utf8))
    precondition(parsed != nil, "perfdata \(text.debugDescription) does not follow the plugin guidelines")
    // What the guidelines do not allow in a label is written as a space.
    var allowed = ""
    for scalar in label.unicodeScalars {
        let refused = scalar == "=" || [.control, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory)
        allowed.unicodeScalars.append(refused ? " " : scalar)
    }
    precondition(parsed?.label == Array(allowed.utf8),
                 "label \(label.debugDescription) reads back as \(String(decoding: parsed!.label, as: UTF8.self).debugDescription)")
    precondition(parsed?.unit == unit, "unit \(unit) reads back as \(parsed!.unit)")
    return 0
}

struct ByteReader {
    var rest: ArraySlice<UInt8>

    init(bytes: ArraySlice<UInt8>) { rest = bytes }

    mutating func byte() -> UInt8? { rest.popFirst() }

    mutating func double() -> Double? {
        guard rest.count >= 8 else { return nil }
        let bits = rest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        rest = rest.dropFirst(8)
        return Double(bitPattern: bits)
    }
}

/// One perfdata value read byte by byte, as a monitoring system's C or Perl parser reads it, per
/// the guidelines: `'label'=value[UOM];[warn];[crit];[min];[max]`, a label without `=` or a line
/// break, a quote in a quoted label doubled, numbers in `[-0-9.]`, ranges `[@][start:]end` with
/// `~` for minus infinity.
struct Perfdata {
    var label: [UInt8] = []
    var unit = ""

    init?(_ text: [UInt8]) {
        let quote = UInt8(ascii: "'"), equals = UInt8(ascii: "=")
        guard !text.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) else { return nil }
        var rest = text[...]
        if rest.first == quote {
            rest = rest.dropFirst()
            while true {
                guard let end = rest.firstIndex(of: quote) else { return nil }
                label += rest[..<end]
                rest = rest[(end + 1)...]
                guard rest.first == quote else { break }
                label.append(quote)
                rest = rest.dropFirst()
            }
        } else {
            label = Array(rest.prefix { $0 != equals })
            guard !label.contains(UInt8(ascii: " ")), !label.contains(quote) else { return nil }
            rest = rest.dropFirst(label.count)
        }
        guard rest.first == equals, !label.contains(equals) else { return nil }
        let fields = String(decoding: rest.dropFirst(), as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false)
        guard (1...5).contains(fields.count) else { return nil }
        let number = fields[0].prefix { "-0123456789.".contains($0) }
        unit = String(fields[0].dropFirst(number.count))
        guard Self.isNumber(number), ["", "%", "s", "ms", "us", "B", "KB", "MB", "TB", "c"].contains(unit) else { return nil }
        for (index, field) in fields.enumerated().dropFirst() {
            guard index <= 2 ? Self.isRange(field) : field.isEmpty || Self.isNumber(field) else { return nil }
        }
    }

    static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { "-0123456789.".contains($0) } && Double(text) != nil
    }

    static func isRange(_ text: Substring) -> Bool {
        var range = text
        if range.first == "@" { range = range.dropFirst() }
        guard !range.isEmpty else { return text.isEmpty }
        guard let colon = range.firstIndex(of: ":") else { return isNumber(range) }
        let start = range[..<colon], end = range[range.index(after: colon)...]
        return (start == "~" || start.isEmpty || isNumber(start)) && (end.isEmpty || isNumber(end))
    }
}
