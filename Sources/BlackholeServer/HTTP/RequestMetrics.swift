import Hummingbird

/// Counts and times every request by endpoint and status code.
struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let endpoint = ServeMetrics.endpoint(path: request.uri.path)
        func record(_ code: Int) {
            metrics.request(transport: "http", endpoint: endpoint, code: "\(code)", since: started)
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            record(error.status.code)
            throw error
        } catch {
            record(500)
            throw error
        }
    }
}
