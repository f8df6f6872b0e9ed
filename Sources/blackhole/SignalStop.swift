import Dispatch
import Foundation

/// Runs a long operation until SIGINT or SIGTERM, then lets it unwind instead of dying mid-write.
enum SignalStop {
    static func run(onStop: @Sendable () -> Void, _ operation: @escaping @Sendable () async throws -> Void) async throws {
        let task = Task { try await operation() }
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            try await task.value
        } catch is CancellationError {
            onStop()
        }
    }
}
