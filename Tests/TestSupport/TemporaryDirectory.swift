import Foundation

/// A fresh folder per test, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "blackhole-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        try! FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Where the repository's test fixtures are.
public enum Fixtures {
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    public static func path(_ name: String) -> String { directory + "/" + name }
}

/// A small disk of the test's own: a tmpfs of `size` (e.g. "8m") mounted at `path` (needs root,
/// as the tests' network namespaces do), filled to the last byte by `fill()` and emptied by
/// `free()`. Unmounted when the value goes away.
public final class SmallDisk: @unchecked Sendable {
    public let path: String
    private var filler: String { path + "/filler" }

    public init(_ path: String, size: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run(["mount", "-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
    }

    /// Takes every byte left: the next write that needs space fails with ENOSPC.
    public func fill() throws {
        try Self.run(["sh", "-c", "cat /dev/zero >> \(filler) 2>/dev/null; test -s \(filler)"])
    }

    public func free() throws {
        try FileManager.default.removeItem(atPath: filler)
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
        }
    }

    deinit { try? Self.run(["umount", "-l", path]) }
}
