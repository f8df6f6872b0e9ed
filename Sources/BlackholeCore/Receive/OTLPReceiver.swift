import Foundation
import SwiftProtobuf

public enum OTLPSignal: String, Sendable, CaseIterable {
    case traces, metrics

    /// What OTLP counts in a partial success.
    public var items: String { self == .traces ? "spans" : "data points" }
}

/// How an OTLP request body is encoded, from its media type.
public enum OTLPEncoding: Sendable {
    case protobuf, json

    /// nil for any media type OTLP does not define (parameters such as `charset` are ignored).
    public init?(contentType: String?) {
        let mediaType = contentType?.split(separator: ";").first?.trimmed().lowercased()
        switch mediaType {
        case "application/x-protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    public var contentType: String { self == .protobuf ? "application/x-protobuf" : "application/json" }
}

/// Why a request was not taken, in terms both OTLP transports map to their own status codes.
public enum ReceiveError: Error, Sendable, Equatable {
    /// The body, or what it inflates to, is over the limit.
    case tooLarge(limit: Int)
    /// Not an OTLP export request of the signal.
    case undecodable(String)
    /// Too much is waiting to be committed: retry later.
    case overloaded
    /// The store failed or is shutting down: retry later.
    case unavailable(String)

    public var message: String {
        switch self {
        case .tooLarge(let limit): "request body over \(ByteText.format(UInt64(limit)))"
        case .undecodable(let reason): reason
        case .overloaded: "too much data waiting to be stored; retry later"
        case .unavailable(let reason): "cannot store now: \(reason)"
        }
    }
}

/// What one export request did.
public struct OTLPReceipt: Sendable, Equatable {
    /// Spans or data points committed (duplicates of stored spans included).
    public var accepted = 0
    /// Spans or data points refused as invalid.
    public var rejected = 0
    public var problem: String?
    /// Traces whose root span this request brought.
    public var completedTraces: [Data] = []
    /// What was taken, as an OTLP/protobuf request to pass upstream (when forwarding).
    public var forward: Data?
}

/// One OTLP export request, whichever transport brought it: inflate, decode, validate, sample,
/// commit, answer. OTLP/HTTP and OTLP/gRPC both call this, so both take the same data the same way.
public struct OTLPReceiver: Sendable {
    public let queue: CommitQueue
    public let maxBodyBytes: Int
    let sampler: TraceSampler
    let clock: any WallClock
    /// Whether receipts carry what was taken for forwarding.
    let forwarding: Bool

    public init(queue: CommitQueue, sampleRate: Double, maxBodyBytes: Int, clock: any WallClock, forwarding: Bool = false) {
        self.queue = queue
        self.maxBodyBytes = maxBodyBytes
        sampler = TraceSampler(rate: sampleRate)
        self.clock = clock
        self.forwarding = forwarding
    }

    public func receive(_ signal: OTLPSignal, body: Data, encoding: OTLPEncoding, gzip: Bool) async throws(ReceiveError) -> OTLPReceipt {
        guard body.count <= maxBodyBytes else { throw .tooLarge(limit: maxBodyBytes) }
        var body = body
        if gzip {
            let inflated: Data?
            do {
                inflated = try Gunzip.inflated(body, limit: maxBodyBytes)
            } catch {
                throw .undecodable(BlackholeError.line(error))
            }
            guard let inflated else { throw .tooLarge(limit: maxBodyBytes) }
            body = inflated
        }
        var receipt = OTLPReceipt()
        var spans = SpanBatch()
        // What is passed upstream, when forwarding: the spans taken.
        var forwarded: [Span] = []
        var samples: [Sample] = []
        do {
            switch signal {
            case .traces where !forwarding:
                // Straight into stored rows, as `ingest` reads files.
                let outcome = encoding == .json
                    ? try OTLPJSON.decode(body, sampler: sampler, into: &spans)
                    : try OTLPSpanRows.decode(body, sampler: sampler, into: &spans)
                (receipt.rejected, receipt.problem) = (outcome.rejected, outcome.firstProblem)
            case .traces:
                var decoded = encoding == .json ? try OTLPJSON.decodeTraces(body) : try OTLPProtobuf.decodeTraces(body)
                _ = sampler.apply(to: &decoded.spans)
                (receipt.rejected, receipt.problem, forwarded) = (decoded.rejected, decoded.firstProblem, decoded.spans)
                spans = SpanBatch(decoded.spans)
            case .metrics:
                let decoded = try OTLPMetrics.decode(body, json: encoding == .json, receivedAt: clock.now())
                (receipt.rejected, receipt.problem, samples) = (decoded.rejected, decoded.firstProblem, decoded.samples)
            }
        } catch {
            throw .undecodable(BlackholeError.line(error))
        }
        receipt.completedTraces = spans.rootTraceIDs
        do {
            _ = try await queue.commit(spans: spans, samples: samples)
            receipt.accepted = spans.count + samples.count
        } catch is CommitQueue.Full {
            throw .overloaded
        } catch {
            throw .unavailable(BlackholeError.line(error))
        }
        if forwarding && receipt.accepted > 0 {
            receipt.forward = switch signal {
            case .traces: OTLPProtobuf.encodeTraces(forwarded)
            case .metrics: encoding == .protobuf ? body : try? OTLPMetrics.protobuf(fromJSON: body)
            }
        }
        return receipt
    }

    /// The export response: empty, or a partial success naming what was rejected.
    public static func response(_ signal: OTLPSignal, _ receipt: OTLPReceipt, encoding: OTLPEncoding) -> Data {
        let message: any SwiftProtobuf.Message
        switch signal {
        case .traces:
            var response = OTLPExportTraceServiceResponse()
            if receipt.rejected > 0 {
                response.partialSuccess.rejectedSpans = Int64(receipt.rejected)
                response.partialSuccess.errorMessage = receipt.problem ?? ""
            }
            message = response
        case .metrics:
            var response = OTLPExportMetricsServiceResponse()
            if receipt.rejected > 0 {
                response.partialSuccess.rejectedDataPoints = Int64(receipt.rejected)
                response.partialSuccess.errorMessage = receipt.problem ?? ""
            }
            message = response
        }
        return encode(message, encoding)
    }

    /// The body of a refused request: a `google.rpc.Status` carrying the reason.
    public static func status(_ error: ReceiveError, code: Int32, encoding: OTLPEncoding) -> Data {
        var status = GoogleStatus()
        status.code = code
        status.message = error.message
        return encode(status, encoding)
    }

    private static func encode(_ message: any SwiftProtobuf.Message, _ encoding: OTLPEncoding) -> Data {
        switch encoding {
        case .protobuf: (try? message.serializedData()) ?? Data()
        case .json: (try? message.jsonUTF8Data()) ?? Data("{}".utf8)
        }
    }
}
