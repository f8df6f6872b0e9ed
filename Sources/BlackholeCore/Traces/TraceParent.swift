import Foundation

/// A W3C Trace Context `traceparent`: `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`,
/// as carried by the `TRACEPARENT` environment variable between processes.
public struct TraceParent: Sendable, Equatable {
    public let traceID: Data
    public let spanID: Data
    public let flags: UInt8

    public init(traceID: Data, spanID: Data, flags: UInt8 = 1) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// Parses a header; nil when it is not a valid one (the trace then starts afresh, as the
    /// specification asks). Versions after 00 are read for their first four fields.
    public init?(header: String) {
        let text = header.trimmed()
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[1].count == 32, fields[2].count == 16, fields[3].count == 2,
              let version = UInt8(fields[0], radix: 16), version != 0xff, version != 0 || fields.count == 4,
              text == text.lowercased(),
              let traceID = Data(hex: String(fields[1])), let spanID = Data(hex: String(fields[2])),
              let flags = UInt8(fields[3], radix: 16),
              traceID.contains(where: { $0 != 0 }), spanID.contains(where: { $0 != 0 })
        else { return nil }
        self.init(traceID: traceID, spanID: spanID, flags: flags)
    }

    public var header: String {
        "00-\(traceID.hex)-\(spanID.hex)-" + String(format: "%02x", flags)
    }
}
