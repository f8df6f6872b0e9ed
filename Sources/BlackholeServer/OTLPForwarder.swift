import AsyncHTTPClient
import BlackholeCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `--forward-otlp`: what serve took is also exported to an upstream OTLP/HTTP endpoint (an
/// OpenTelemetry Collector), in batches, retried with exponential backoff. The queue is bounded:
/// what does not fit, or what upstream keeps refusing, is dropped and counted on `/metrics`.
final class OTLPForwarder: Service, Sendable {
    private struct Batch {
        var signal: OTLPSignal
        var body: Data
        var items: Int
    }

    private struct Queue {
        var batches: [Batch] = []
        var items = 0
        var bytes = 0
    }

    let endpoint: URL
    private let http: LazyHTTPClient
    private let metrics: ServeMetrics
    private let capacity: Int
    private let capacityBytes: Int
    private let retry: RetryPolicy
    private let logger: Logger
    private let queue = Mutex(Queue())
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    /// Requests merged into one export: protobuf messages concatenated are one message whose
    /// repeated fields are joined, so several export requests become one.
    static let maxBatchBytes = 4 << 20

    /// At shutdown, what is still queued gets this long; the rest is dropped and counted.
    static let finalDrain = Duration.seconds(10)

    init(endpoint: URL, http: LazyHTTPClient, metrics: ServeMetrics, capacity: Int = 100_000, capacityBytes: Int = 64 << 20,
         attempts: Int = 5, retryDelay: Duration = .milliseconds(500), logger: Logger) {
        self.endpoint = endpoint
        self.http = http
        self.metrics = metrics
        self.capacity = capacity
        self.capacityBytes = capacityBytes
        // Full jitter: every serve forwarding to one collector backs off from it at the same moment.
        retry = RetryPolicy(attempts: attempts, baseDelay: retryDelay / .seconds(1), maxDelay: 8, jitter: .full)
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Export requests waiting.
    var depth: Int { queue.withLock { $0.batches.count } }

    /// Queues one OTLP/protobuf export request of `items` spans or data points, or drops it when full.
    func enqueue(_ signal: OTLPSignal, _ body: Data, items: Int) {
        let taken = queue.withLock { queue in
            guard queue.items + items <= capacity, queue.bytes + body.count <= capacityBytes else { return false }
            queue.batches.append(Batch(signal: signal, body: body, items: items))
            queue.items += items
            queue.bytes += body.count
            return true
        }
        if taken { wake.yield() } else { metrics.forwardDropped(signal, items: items) }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wakes { await drain() }
        } onGracefulShutdown: { [wake] in
            wake.finish()
        }
        // Receivers have stopped: what is left gets one attempt each, for a while.
        await drain(until: ContinuousClock.now + Self.finalDrain)
        while let batch = next() { metrics.forwardDropped(batch.signal, items: batch.items) }
    }

    private func drain(until deadline: ContinuousClock.Instant? = nil) async {
        while deadline.map({ ContinuousClock.now < $0 }) ?? true, let batch = next() { await send(batch) }
    }

    /// The first waiting request merged with those after it of the same signal.
    private func next() -> Batch? {
        queue.withLock { queue in
            guard var batch = queue.batches.first else { return nil }
            var taken = 1
            while taken < queue.batches.count, queue.batches[taken].signal == batch.signal,
                  batch.body.count + queue.batches[taken].body.count <= Self.maxBatchBytes {
                batch.body += queue.batches[taken].body
                batch.items += queue.batches[taken].items
                taken += 1
            }
            queue.batches.removeFirst(taken)
            queue.items -= batch.items
            queue.bytes -= batch.body.count
            return batch
        }
    }

    private func send(_ batch: Batch) async {
        let url = endpoint.appendingPathComponent("v1").appendingPathComponent(batch.signal.rawValue)
        let post = { [self] (_: Int) async throws(ForwardFailure) in
            let outcome: String
            // OTLP: only these answers, or no answer, are worth retrying; others will not change.
            var retryable = true
            do {
                var request = HTTPClientRequest(url: url.absoluteString)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: OTLPEncoding.protobuf.contentType)
                request.body = .bytes(ByteBuffer(bytes: batch.body))
                let response = try await http.client.execute(request, timeout: .seconds(Task.isShuttingDownGracefully ? 2 : 10))
                _ = try? await response.body.collect(upTo: 1 << 20)
                if (200..<300).contains(response.status.code) {
                    metrics.forwarded(batch.signal, items: batch.items)
                    return
                }
                outcome = "answered \(response.status.code)"
                retryable = [429, 502, 503, 504].contains(response.status.code)
            } catch {
                outcome = "failed: \(BlackholeError.line(error))"
            }
            metrics.forwardFailed()
            throw ForwardFailure(outcome: outcome, retryable: retryable)
        }
        do throws(ForwardFailure) {
            try await retry.run(sleep: { try? await Task.sleep(for: .seconds($0)) }, post) { [logger] failure, pause in
                guard failure.retryable && !Task.isShuttingDownGracefully else { return false }
                logger.debug("forwarding will retry: \(url.absoluteString) \(failure.outcome)",
                             metadata: ["pause_seconds": "\(pause)"])
                return true
            }
        } catch {
            logger.warning("forwarding dropped \(batch.items) \(batch.signal.items): \(url.absoluteString) \(error.outcome)",
                           metadata: ["upstream": "\(url.absoluteString)"])
            metrics.forwardDropped(batch.signal, items: batch.items)
        }
    }

    /// A try that did not deliver: what happened, and whether another could go differently.
    private struct ForwardFailure: Error {
        let outcome: String
        let retryable: Bool
    }
}
