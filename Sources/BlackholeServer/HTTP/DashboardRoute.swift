import Hummingbird
import NIOCore

/// `GET /`: the dashboard. Its page, stylesheet and script are the files in `Dashboard/`, compiled
/// into the binary (SwiftPM's `embedInCode`), so nothing is installed beside it. They hold no
/// data: the page reads it from `/api` and the stream, as its visitor is allowed to.
struct DashboardRoute {
    private static let files: [(path: String, contentType: String, body: ByteBuffer)] = [
        ("/", "text/html; charset=utf-8", ByteBuffer(bytes: PackageResources.index_html)),
        ("/dashboard.css", "text/css; charset=utf-8", ByteBuffer(bytes: PackageResources.dashboard_css)),
        ("/dashboard.js", "text/javascript; charset=utf-8", ByteBuffer(bytes: PackageResources.dashboard_js)),
    ]

    static var paths: [String] { files.map(\.path) }

    func addRoutes(to router: some RouterMethods<ServeContext>) {
        for file in Self.files {
            router.get(RouterPath(file.path)) { _, _ in
                Response(status: .ok, headers: [.contentType: file.contentType], body: .init(byteBuffer: file.body))
            }
        }
    }
}
