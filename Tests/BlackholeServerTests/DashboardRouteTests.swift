@testable import BlackholeServer
import Foundation
import HummingbirdTesting
import Testing

/// The dashboard's files, as written in Sources/BlackholeServer/Dashboard, come out of the
/// binary byte for byte with their media types.
@Suite struct DashboardRouteTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/BlackholeServer/Dashboard")

    @Test(arguments: [("/", "index.html", "text/html; charset=utf-8"), ("/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
                      ("/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8")])
    func servedAsWritten(path: String, file: String, contentType: String) async throws {
        let written = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
        try await ServeFixture().app().test(.router) { client in
            let answer = try await client.get(path)
            #expect(answer.status == .ok && answer.headers[.contentType] == contentType)
            #expect(answer.text == written)
        }
    }

    @Test func thePageLoadsTheFilesServedBesideIt() throws {
        let page = try String(contentsOf: Self.sources.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(page.contains(#"<link rel="stylesheet" href="dashboard.css">"#) && page.contains(#"<script src="dashboard.js"></script>"#))
        #expect(DashboardRoute.paths == ["/", "/dashboard.css", "/dashboard.js"])
    }
}
