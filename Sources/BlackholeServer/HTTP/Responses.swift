import BlackholeCore
import Hummingbird
import NIOCore

extension Response {
    /// `text` as the body, of this media type.
    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `value` in `--json`'s encoding, on one line.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        .text(try JSONOutput.encode(value, pretty: false), contentType: "application/json", status: status)
    }

    /// A refusal: `{"error": "..."}`, one line saying why.
    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        .text((try? JSONOutput.encode(["error": message], pretty: false)) ?? "{}", contentType: "application/json", status: status)
    }
}

/// A command's error in an API handler: the operator-readable line, 400 when the request was wrong.
extension BlackholeError: HTTPResponseError {
    public var status: HTTPResponse.Status { kind == .usage ? .badRequest : .internalServerError }
    public var headers: HTTPFields { [:] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        .problem(status, message)
    }
}
