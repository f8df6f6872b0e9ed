import ArgumentParser
import BlackholeCore
import Foundation
import Logging

/// How log records are written (`--log-format`). Always on stderr: stdout carries a command's
/// output (and `--json`) alone.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// swift-log's own line: time, level, label, metadata, source module, message.
    case text
    /// One JSON object per line, for journald or Loki.
    case json

    func logger(level: Logger.Level, clock: any WallClock) -> Logger {
        var logger = Logger(label: "blackhole") { label -> any LogHandler in
            switch self {
            case .text: StreamLogHandler.standardError(label: label, metadataProvider: nil)
            case .json: JSONLogHandler(label: label, clock: clock)
            }
        }
        logger.logLevel = level
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--log-format json`: each record as one line holding `time` (RFC 3339 UTC), `level`, `label`,
/// `source` (the module that logged it), `message` and `metadata`, in `--json`'s encoding.
struct JSONLogHandler: LogHandler {
    let label: String
    let clock: any WallClock
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error, fields["error"] == nil { fields["error"] = "\(BlackholeError.line(error))" }
        let record = Record(time: clock.now(), level: event.level.rawValue, label: label, source: event.source,
                            message: "\(event.message)", metadata: fields.mapValues(MetadataJSON.init))
        guard let line = try? JSONOutput.encode(record, pretty: false) else { return }
        // One write per record, so records from several threads never interleave within a line.
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private struct Record: Encodable {
        let time: Date
        let level: String
        let label: String
        let source: String
        let message: String
        let metadata: [String: MetadataJSON]
    }

    /// A metadata value as JSON: text as strings, lists and dictionaries nested.
    private struct MetadataJSON: Encodable {
        let value: Logger.MetadataValue

        func encode(to encoder: any Encoder) throws {
            switch value {
            case .string(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .stringConvertible(let value):
                var container = encoder.singleValueContainer()
                try container.encode(value.description)
            case .array(let values):
                try values.map(MetadataJSON.init).encode(to: encoder)
            case .dictionary(let values):
                try values.mapValues(MetadataJSON.init).encode(to: encoder)
            }
        }
    }
}
