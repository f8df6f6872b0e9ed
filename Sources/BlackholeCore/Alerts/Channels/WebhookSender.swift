import AsyncHTTPClient
import Foundation

/// POSTs blackhole's alert JSON as it is.
public struct WebhookSender: NotificationSender {
    let url: String
    let headers: [String: String]
    let http: LazyHTTPClient

    public init(url: String, headers: [String: String], http: LazyHTTPClient) {
        self.url = url
        self.headers = headers
        self.http = http
    }

    public func send(_ payload: Data, timeout: TimeInterval) async throws {
        try await postJSON(payload, to: url, headers: headers, timeout: timeout, http: http, receiver: "webhook")
    }
}
