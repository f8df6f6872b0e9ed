import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension FileHandle {
    /// Reads until the first newline (or the end) and returns that first line: what a helper
    /// program or `serve --json` prints once it is ready.
    public func firstLine() -> String {
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        return String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }
}

/// One HTTP request from a test. URLSession answers on its own queue; nothing here blocks a
/// thread of the cooperative pool, which on two cores would starve the code under test.
public struct HTTPAnswer: Sendable {
    public let status: Int
    /// Names in lowercase.
    public let headers: [String: String]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }

    public static func fetch(_ url: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let http = response as! HTTPURLResponse
                let headers = Dictionary(http.allHeaderFields.map { ("\($0.key)".lowercased(), "\($0.value)") }, uniquingKeysWith: { $1 })
                continuation.resume(returning: HTTPAnswer(status: http.statusCode, headers: headers, body: data ?? Data()))
            }.resume()
        }
    }
}

/// Another process (the sqlite3 shell) holding a database's write lock until `release()`.
public final class DatabaseLock {
    private let shell = Process()
    private let input = Pipe()

    public init(_ path: String) throws {
        let output = Pipe()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", path]
        shell.standardInput = input
        shell.standardOutput = output
        try shell.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        _ = output.fileHandleForReading.firstLine()  // the lock is held once the shell answers
    }

    public func release() {
        input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        shell.waitUntilExit()
    }
}
