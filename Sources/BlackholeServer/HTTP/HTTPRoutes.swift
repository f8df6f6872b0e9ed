import Hummingbird
import HummingbirdWebSocket

typealias ServeContext = BasicWebSocketRequestContext

/// The HTTP side of serve: every route, each in a file of its own, behind the request counter and
/// the access check.
enum HTTPRoutes {
    /// `localOnly`: listening on loopback without a token, so only this machine's clients may come.
    static func router(_ state: ServeState, authToken: String?, localOnly: Bool) -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        router.add(middleware: RequestMetrics(metrics: state.metrics))
        if let authToken {
            // Monitors probe /health without credentials; the dashboard's own files hold no data,
            // and a browser fetches its stylesheet and script without the page's ?token=.
            router.add(middleware: BearerAuth(token: authToken, exempt: Set([HealthRoute.path] + DashboardRoute.paths)))
        } else if localOnly {
            router.add(middleware: LocalOnly())
        }
        OTLPRoute(state: state).addRoutes(to: router)
        HealthRoute(state: state).addRoutes(to: router)
        MetricsRoute(state: state).addRoutes(to: router)
        StreamRoute(events: state.events).addRoutes(to: router)
        DashboardRoute().addRoutes(to: router)
        APIRoutes(state: state).addRoutes(to: router.group("/api"))
        return router
    }
}
