import BlackholeCore
import Foundation
import Hummingbird

/// Every request but those to `exempt` paths must carry the token: `Authorization: Bearer TOKEN`,
/// or `?token=TOKEN` where a header cannot be set (a browser opening the dashboard or a WebSocket).
struct BearerAuth<Context: RequestContext>: RouterMiddleware {
    let token: String
    let exempt: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if exempt.contains(request.uri.path) { return try await next(request, context) }
        let header = request.headers[.authorization]
        let query = request.uri.queryParameters["token"].map(String.init)
        guard BearerToken.matches(header: header, token) || BearerToken.matches(query, token) else {
            var response = Response.problem(.unauthorized, header == nil && query == nil ? "missing bearer token" : "wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}

/// The token check both transports share.
enum BearerToken {
    /// `Authorization: Bearer TOKEN`, the scheme in any case (RFC 7235).
    static func matches(header: String?, _ expected: String) -> Bool {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "bearer" else { return false }
        return matches(String(header[header.index(after: space)...]).trimmed(), expected)
    }

    /// Compares every byte of the longer of the two, so timing tells nothing of the token.
    static func matches(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
