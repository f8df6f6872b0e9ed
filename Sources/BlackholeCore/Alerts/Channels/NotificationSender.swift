import AsyncHTTPClient
import Foundation
import NIOCore

/// Sends one notification from the outbox (blackhole's alert JSON, one alert or a run's group)
/// to a channel, in the channel's own terms. Adding a channel type is adding one of these and a
/// case of `NotificationChannel.Kind`.
public protocol NotificationSender: Sendable {
    func send(_ payload: Data, timeout: TimeInterval) async throws
}

/// The sender of each configured channel and its timeout, sharing one HTTP client (and its
/// event loops, for mail).
public func notificationSenders(_ config: Configuration, http: HTTPClient) -> [String: (any NotificationSender, TimeInterval)] {
    let hostName = ProcessInfo.processInfo.hostName
    let instance = config.alerting.instance ?? hostName
    let link = config.serve.publicURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    let ruleNames = Dictionary(config.alertRules.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    return Dictionary(config.notificationChannels.map { channel in
        switch channel.kind {
        case .webhook(let url, let timeout, let headers):
            (channel.name, (WebhookSender(url: url, headers: headers, http: http) as any NotificationSender, timeout))
        case .log(let path):
            (channel.name, (LogSender(path: path) as any NotificationSender, 5))
        case .alertmanager(let urls, let timeout, let headers):
            (channel.name, (AlertmanagerSender(urls: urls, headers: headers, instance: instance, generatorURL: link, http: http)
                as any NotificationSender, timeout))
        case .email(let settings):
            (channel.name, (EmailSender(settings: settings, ruleNames: ruleNames, instance: instance, link: link,
                                        clientName: hostName, group: http.eventLoopGroup) as any NotificationSender, settings.timeout))
        }
    }, uniquingKeysWith: { first, _ in first })
}

/// POSTs a JSON body; any 2xx is accepted. The one way notifications go out over HTTP.
/// `receiver` names the other end in the error when it answers with another status.
func postJSON(_ body: Data, to url: String, headers: [String: String], timeout: TimeInterval, http: HTTPClient,
              receiver: String) async throws {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: "User-Agent", value: "blackhole-alerts")
    for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response: HTTPClientResponse
    do {
        response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout * 1e9)))
    } catch {
        throw BlackholeError(.environment, ServiceProber.describe(error, timeout: timeout))
    }
    _ = try? await response.body.collect(upTo: 64 * 1024)
    guard (200..<300).contains(response.status.code) else {
        throw BlackholeError(.environment, "\(receiver) answered HTTP \(response.status.code)")
    }
}
