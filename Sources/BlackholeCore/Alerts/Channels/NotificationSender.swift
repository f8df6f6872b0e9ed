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
public func notificationSenders(_ config: Configuration, http: LazyHTTPClient) -> [String: (any NotificationSender, TimeInterval)] {
    let hostName = ProcessInfo.processInfo.hostName
    let instance = config.alerting.instance ?? hostName
    let link = config.serve.publicURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    let titles = AlertTitles(ruleNames: Dictionary(config.alertRules.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }))
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
            (channel.name, (EmailSender(settings: settings, titles: titles, instance: instance, link: link,
                                        clientName: hostName, group: HTTPClient.defaultEventLoopGroup) as any NotificationSender, settings.timeout))
        case .slack(let url, let timeout):
            (channel.name, (SlackSender(url: url, titles: titles, instance: instance, link: link, http: http) as any NotificationSender,
                            timeout))
        case .pagerduty(let routingKey, let url, let timeout):
            (channel.name, (PagerDutySender(routingKey: routingKey, url: url, titles: titles, instance: instance, link: link, http: http)
                as any NotificationSender, timeout))
        }
    }, uniquingKeysWith: { first, _ in first })
}

/// A notification the receiver will never take as it is (PagerDuty's 400 to a malformed event):
/// not tried again, given up and reported at once.
struct PermanentDeliveryFailure: Error, CustomStringConvertible {
    let description: String
}

/// The receiver answered, with a status other than 2xx.
struct HTTPRefusal: Error, CustomStringConvertible {
    let receiver: String
    let status: UInt
    /// The start of what it said, for the channels whose receivers explain themselves.
    let body: Data

    var description: String { "\(receiver) answered HTTP \(status)" }
}

/// POSTs a JSON body; any 2xx is accepted, another status is an `HTTPRefusal`. The one way
/// notifications go out over HTTP. `receiver` names the other end in errors.
func postJSON(_ body: Data, to url: String, headers: [String: String], timeout: TimeInterval, http: LazyHTTPClient,
              receiver: String) async throws {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: "User-Agent", value: "blackhole-alerts")
    for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response: HTTPClientResponse
    do {
        response = try await http.client.execute(request, timeout: .nanoseconds(Int64(timeout * 1e9)))
    } catch {
        throw BlackholeError(.environment, ServiceProber.describe(error, timeout: timeout))
    }
    let answer = (try? await response.body.collect(upTo: 64 * 1024)).map { Data($0.readableBytesView) } ?? Data()
    guard (200..<300).contains(response.status.code) else {
        throw HTTPRefusal(receiver: receiver, status: response.status.code, body: answer.prefix(4096))
    }
}
