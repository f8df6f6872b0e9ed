import Foundation
import Testing
import TestSupport

/// The built `blackhole` binary, run as an operator or a script would run it.
struct CLI {
    static let binary: String = {
        // The test bundle sits beside the products of the same build.
        let bundle = URL(fileURLWithPath: try! FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        return bundle.deletingLastPathComponent().appendingPathComponent("blackhole").path
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// A sandbox: its own HOME, config and state folders, so no test sees another's files.
    let home: String
    var environment: [String: String]

    init() {
        home = NSTemporaryDirectory() + "blackhole-cli-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        environment = ["HOME": home, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "XDG_CONFIG_HOME": home + "/config",
                       "XDG_STATE_HOME": home + "/state", "LANG": "C.UTF-8"]
        // A sanitized build's binary reads its sanitizer's settings (scripts/sanitize sets them).
        for name in ["ASAN_OPTIONS", "TSAN_OPTIONS"] { environment[name] = ProcessInfo.processInfo.environment[name] }
    }

    func path(_ name: String) -> String { home + "/" + name }

    func write(_ name: String, _ text: String) -> String {
        let target = path(name)
        try! FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Starts the binary with `arguments`; inside a network namespace when one is given.
    func start(_ arguments: [String], inside namespace: NetworkNamespace? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        if let namespace {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = namespace.inside([Self.binary] + arguments)
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = arguments
        }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Result {
        try run(arguments)
    }

    func run(_ arguments: [String], inside namespace: NetworkNamespace? = nil) throws -> Result {
        let (process, out, err) = try start(arguments, inside: namespace)
        return Self.finish(process, out, err)
    }

    /// Runs another program of the tests (a fixture, promtool, sqlite3, df) to its end, found on
    /// the tests' own PATH (where the Python tools' environment comes first), with `input` (a
    /// few KiB at most) on its standard input.
    static func program(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        return finish(process, out, err)
    }

    static func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> Result {
        // Read before waiting: a full pipe would block the child forever.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A certificate for 127.0.0.1 and localhost (server and client use), one day valid, signed by
    /// a CA of its own, both made by openssl now: a client trusts it by being given `ca`.
    func certificate(_ name: String) throws -> (cert: String, key: String, ca: String) {
        let ca = path("\(name)-ca.pem"), caKey = path("\(name)-ca-key.pem"), request = path("\(name).csr")
        let cert = path("\(name)-cert.pem"), key = path("\(name)-key.pem")
        let extensions = write("\(name).ext", """
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth, clientAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost
            """)
        for step in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "1", "-subj", "/CN=\(name) test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=\(name)"],
            ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "1", "-extfile", extensions],
        ] {
            let made = try Self.program(["openssl"] + step)
            guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: made.stderr]) }
        }
        return (cert, key, ca)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: home) }
}

/// One line, no stack trace, no Swift type names: what an operator should see on failure.
func expectOneLineError(_ result: CLI.Result, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status != 0, "exit status", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("Error Domain") && !result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
}
