import BlackholeCore
import Foundation
import Hummingbird

/// Without a token serve trusts this machine only: a request must name a loopback host, and a
/// browser's request must come from a page served here. Otherwise any web page could read the
/// stream (browsers let pages open WebSockets anywhere) or reach the API by DNS rebinding.
struct LocalOnly<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        guard ListenAddress.isLoopbackName(Self.hostName(host)) else {
            return .problem(.forbidden, "Host \(host): without --auth-token only loopback names are served")
        }
        if let origin = request.headers[.origin], origin != "null",
           URL(string: origin).map({ "\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" }) != host {
            return .problem(.forbidden, "Origin \(origin) is not this server; without --auth-token only its own pages may call it")
        }
        return try await next(request, context)
    }

    /// `127.0.0.1:4318` → `127.0.0.1`, `[::1]:4318` → `::1`.
    static func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<end]) }
        return host.split(separator: ":").first.map(String.init) ?? host
    }
}
