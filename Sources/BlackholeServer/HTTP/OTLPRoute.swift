import BlackholeCore
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/traces` and `POST /v1/metrics`: OTLP/HTTP export requests (protobuf or JSON, gzip
/// or not), answered once their data is committed. One route for both signals: they differ only
/// in what the receiver decodes.
struct OTLPRoute {
    let state: ServeState

    func addRoutes(to router: some RouterMethods<ServeContext>) {
        for signal in OTLPSignal.allCases {
            router.post("/v1/\(signal.rawValue)") { request, _ in await export(signal, request) }
        }
    }

    func export(_ signal: OTLPSignal, _ request: Request) async -> Response {
        guard let encoding = OTLPEncoding(contentType: request.headers[.contentType]) else {
            return .problem(.unsupportedMediaType,
                            "Content-Type \(request.headers[.contentType] ?? "missing"): OTLP/HTTP takes application/x-protobuf or application/json")
        }
        let contentEncoding = request.headers[.contentEncoding]?.lowercased() ?? "identity"
        guard contentEncoding == "gzip" || contentEncoding == "identity" else {
            return .problem(.unsupportedMediaType, "Content-Encoding \(contentEncoding): only gzip is supported")
        }
        let limit = state.receiver.maxBodyBytes
        var body: ByteBuffer
        do {
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw ReceiveError.tooLarge(limit: limit) }
            var request = request
            body = try await request.collectBody(upTo: limit)
        } catch is ReceiveError, is NIOTooManyBytesError {
            return failure(signal, .tooLarge(limit: limit), encoding)
        } catch {
            return failure(signal, .undecodable("request body not read: \(error)"), encoding)
        }
        let receipt: OTLPReceipt
        do {
            receipt = try await state.receiver.receive(signal, body: Data(body.readableBytesView), encoding: encoding, gzip: contentEncoding == "gzip")
        } catch {
            return failure(signal, error, encoding)
        }
        state.received(signal, receipt)
        return Response(status: .ok, headers: [.contentType: encoding.contentType],
                        body: .init(byteBuffer: ByteBuffer(bytes: OTLPReceiver.response(signal, receipt, encoding: encoding))))
    }

    /// A refused request: the status OTLP/HTTP names, with `Retry-After` when retrying will help.
    private func failure(_ signal: OTLPSignal, _ error: ReceiveError, _ encoding: OTLPEncoding) -> Response {
        state.refused(signal, error, transport: "http")
        let (status, code, retryAfter): (HTTPResponse.Status, Int32, Int?) = switch error {
        case .tooLarge: (.contentTooLarge, 3, nil)
        case .undecodable: (.badRequest, 3, nil)
        case .overloaded: (.tooManyRequests, 8, 1)
        case .unavailable: (.serviceUnavailable, 14, 5)
        }
        var headers: HTTPFields = [.contentType: encoding.contentType]
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: OTLPReceiver.status(error, code: code, encoding: encoding))))
    }
}
