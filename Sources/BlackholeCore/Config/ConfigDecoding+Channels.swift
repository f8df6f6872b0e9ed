import Foundation

/// `notification_channels`: each channel type's settings, and the secrets they may hold.
extension ConfigDecoding {
    static func decodeChannel(_ value: YAMLValue) -> NotificationChannel? {
        guard let entries = value.mapping(known: ["name", "type", "config", "fallback", "fallback_after"]) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        guard let name = fields["name"]?.string() else {
            if fields["name"] == nil { value.problem("name is required") }
            return nil
        }
        guard let typeNode = fields["type"] else {
            value.problem("type is required (\(channelTypes.joined(separator: ", ")))")
            return nil
        }
        guard let type = typeNode.string() else { return nil }
        let common = ["min_severity", "group"]
        let known: [String]
        switch type {
        case "webhook": known = ["url", "url_file", "timeout", "headers", "headers_file"] + common
        case "log": known = ["path"] + common
        case "alertmanager": known = ["urls", "timeout", "headers", "headers_file", "min_severity"]
        case "email":
            known = ["host", "port", "tls", "ca_file", "username", "password", "password_file", "from", "to", "timeout"] + common
        case "slack": known = ["url", "url_file", "timeout"] + common
        // PagerDuty keeps one incident per alert: nothing to group.
        case "pagerduty": known = ["routing_key", "routing_key_file", "url", "timeout", "min_severity"]
        default:
            typeNode.problem("\"\(type)\" is not a channel type (\(channelTypes.joined(separator: ", ")))")
            return nil
        }
        let config = fields["config"]
        let settings = Dictionary(config?.mapping(known: known) ?? [], uniquingKeysWith: { first, _ in first })
        var channel = NotificationChannel(name: name, kind: .log(path: nil))
        channel.minSeverity = settings["min_severity"]?.oneOf(AlertSeverity.self) ?? .info
        channel.group = settings["group"]?.bool() ?? false
        channel.fallback = fields["fallback"]?.string()
        if let after = fields["fallback_after"]?.duration() { channel.fallbackAfter = after }
        let timeout = settings["timeout"].flatMap(positive) ?? 10
        let headers = decodeHeaders(settings)
        switch type {
        case "log":
            channel.kind = .log(path: settings["path"]?.string())
        case "webhook":
            // The URL may carry a token (Slack's do): it can come from a file or the environment.
            guard let urlNode = settings["url"] ?? settings["url_file"] else {
                (config ?? value).problem("webhook channel \"\(name)\" needs config.url (or url_file)")
                return nil
            }
            guard let url = secret(settings, "url") else { return nil }
            channel.kind = .webhook(url: checkedHTTPURL(url, at: urlNode), timeout: timeout, headers: headers)
        case "email":
            channel.kind = .email(decodeEmail(settings, at: config ?? value, name: name, timeout: timeout))
        case "slack":
            // The URL is the credential: anyone who has it can post to the channel.
            guard let urlNode = settings["url"] ?? settings["url_file"] else {
                (config ?? value).problem("slack channel \"\(name)\" needs config.url (or url_file), the incoming webhook's URL")
                return nil
            }
            guard let url = secret(settings, "url") else { return nil }
            if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false {
                channel.kind = .slack(url: url, timeout: timeout)
            } else {
                urlNode.problem("the Slack webhook URL is not an http(s) URL")
                return nil
            }
        case "pagerduty":
            guard settings["routing_key"] != nil || settings["routing_key_file"] != nil else {
                (config ?? value).problem("pagerduty channel \"\(name)\" needs config.routing_key (or routing_key_file), the integration key")
                return nil
            }
            guard let key = secret(settings, "routing_key") else { return nil }
            let url = settings["url"].flatMap(httpURL) ?? PagerDutySender.enqueueURL
            channel.kind = .pagerduty(routingKey: key, url: url, timeout: timeout)
        default:
            guard let urlsNode = settings["urls"] else {
                (config ?? value).problem("alertmanager channel \"\(name)\" needs config.urls (each Alertmanager of the cluster)")
                return nil
            }
            let urls = urlsNode.sequence()?.compactMap(httpURL) ?? []
            guard !urls.isEmpty else {
                urlsNode.problem("needs at least one http(s) URL")
                return nil
            }
            channel.kind = .alertmanager(urls: urls, timeout: timeout, headers: headers)
        }
        return channel
    }

    static let channelTypes = ["webhook", "log", "alertmanager", "email", "slack", "pagerduty"]

    /// An email channel's server, sender and recipients. The password comes from `password`
    /// (`${NAME}` expanded) or `password_file`, and goes with a username. Whatever is wrong is
    /// reported and the channel kept, so that the rules naming it are not reported as well.
    private static func decodeEmail(_ settings: [String: YAMLValue], at node: YAMLValue, name: String,
                                    timeout: TimeInterval) -> EmailSettings {
        for required in ["host", "from", "to"] where settings[required] == nil {
            node.problem("email channel \"\(name)\" needs config.\(required)")
        }
        let host = settings["host"]?.setting() ?? ""
        var ipv6 = in6_addr()
        if let node = settings["host"],
           host.isEmpty || host.contains(where: { $0.isWhitespace || $0 == "/" }) || (host.contains(":") && inet_pton(AF_INET6, host, &ipv6) != 1) {
            node.problem("\"\(host)\" is not a host name or address (the port goes in config.port)")
        }
        var port = settings["port"]?.int()
        if let node = settings["port"], let number = port, !(1...65535).contains(number) {
            node.problem("must be a port number (1 to 65535)")
            port = nil
        }
        let tls = settings["tls"]?.oneOf(EmailSettings.TLS.self) ?? (port == 465 ? .implicit : .starttls)
        var caFile: String?
        if let node = settings["ca_file"], let path = node.setting() {
            caFile = Paths.expand(path, environment: node.problems.environment)
            if !FileManager.default.isReadableFile(atPath: caFile!) { node.problem("cannot read \(path)") }
        }
        let username = settings["username"]?.setting()
        let password = secret(settings, "password")
        if let node = settings["username"], settings["password"] == nil && settings["password_file"] == nil {
            node.problem("a username needs password (or password_file)")
        }
        if let node = settings["password"] ?? settings["password_file"], settings["username"] == nil {
            node.problem("a password needs a username")
        }
        let from = settings["from"].flatMap(address) ?? ""
        let to = settings["to"]?.sequence()?.compactMap(address) ?? []
        if let node = settings["to"], node.sequence()?.isEmpty == true { node.problem("needs at least one address") }
        return EmailSettings(host: host, port: port ?? (tls == .implicit ? 465 : 587), tls: tls, caFile: caFile, username: username,
                             password: password, from: from, to: to, timeout: timeout)
    }

    /// A plain address (`${NAME}` expanded), or a located problem.
    private static func address(_ value: YAMLValue) -> String? {
        guard let text = value.setting() else { return nil }
        guard MailMessage.isAddress(text) else {
            value.problem("\"\(text)\" is not an email address like user@example.org")
            return nil
        }
        return text
    }

    /// `headers` (values with `${NAME}` expanded) and `headers_file`, a file of `Name: value`
    /// lines (blank lines and `#` comments skipped) for headers that hold secrets; the file's
    /// win. A bad line is named by its number, never shown: it may hold a token.
    static func decodeHeaders(_ settings: [String: YAMLValue]) -> [String: String] {
        var headers = settings["headers"]?.settingMap() ?? [:]
        guard let node = settings["headers_file"], let path = node.setting() else { return headers }
        let text: String
        do {
            text = try String(contentsOfFile: Paths.expand(path, environment: node.problems.environment), encoding: .utf8)
        } catch {
            node.problem("cannot read \(path): \(FileErrors.reason(error))")
            return headers
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmed()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex,
                  !trimmed[..<colon].contains(where: \.isWhitespace) else {
                node.problem("line \(number + 1) of \(path) is not a header (Name: value)")
                continue
            }
            headers[String(trimmed[..<colon])] = trimmed[trimmed.index(after: colon)...].trimmed()
        }
        return headers
    }

    /// A secret setting: `key` itself (`${NAME}` expanded from the environment) or `key_file`, a
    /// file holding it (its trailing newline dropped), never both. Both are in the keys a channel
    /// type knows.
    static func secret(_ settings: [String: YAMLValue], _ key: String) -> String? {
        switch (settings[key], settings[key + "_file"]) {
        case (let inline?, nil):
            return inline.setting()
        case (nil, let file?):
            guard let path = file.setting() else { return nil }
            let text: String
            do {
                text = try String(contentsOfFile: Paths.expand(path, environment: file.problems.environment), encoding: .utf8)
            } catch {
                file.problem("cannot read \(path): \(FileErrors.reason(error))")
                return nil
            }
            let secret = text.trimmed(\.isNewline)
            if secret.isEmpty { file.problem("\(path) is empty") }
            return secret
        case (_?, let file?):
            file.problem("give \(key) or \(key)_file, not both")
            return nil
        case (nil, nil):
            return nil
        }
    }
}
