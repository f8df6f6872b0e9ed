import Foundation

/// One JSON line per alert, to a file (appended) or to stderr.
public struct LogSender: NotificationSender {
    let path: String?

    public init(path: String?) { self.path = path }

    public func send(_ payload: Data, timeout: TimeInterval) async throws {
        let object = try JSONSerialization.jsonObject(with: payload) as? [String: Any] ?? [:]
        let alerts = object["alerts"] as? [[String: Any]] ?? [object]
        let lines = try alerts.map { alert in
            String(decoding: try JSONSerialization.data(withJSONObject: alert, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        guard let path else {
            FileHandle.standardError.write(Data(lines.utf8))
            return
        }
        guard let handle = FileHandle(forWritingAtPath: path)
                ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
        else { throw BlackholeError(.environment, "\(path): cannot open log file") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.utf8))
    }
}
