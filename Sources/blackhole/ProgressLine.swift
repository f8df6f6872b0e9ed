import BlackholeCore
import Foundation

/// A progress line on standard error for long work, redrawn at most ten times a second, only
/// on a terminal, and erased when done.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDrawn: ContinuousClock.Instant?
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: IngestProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        // Only a rate limit for the eye: monotonic time, nothing recorded.
        let now = ContinuousClock.now
        if let lastDrawn, now - lastDrawn < .milliseconds(100) { return }
        lastDrawn = now
        var text = "ingesting \(IngestReport.displayName(progress.path)): \(progress.spans) spans"
        if let total = progress.totalBytes, total > 0 {
            text += String(format: ", %.0f%%", min(100, Double(progress.bytesRead) / Double(total) * 100))
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        drawn = true
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
