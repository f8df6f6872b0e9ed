import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Hands one message to an SMTP server (RFC 5321): the greeting, EHLO, STARTTLS (RFC 3207) and
/// EHLO again over TLS, AUTH PLAIN or LOGIN (RFC 4954), MAIL FROM, RCPT TO for each recipient,
/// DATA, QUIT. The server's certificate is checked against the system's roots and `ca_file`. A
/// password goes over TLS only, unless `tls: none` says otherwise; a server that does not offer
/// STARTTLS gets nothing. Every failure is one line naming the step and the server's reply, and
/// the whole send is bounded by its timeout.
struct SMTPClient: Sendable {
    let settings: EmailSettings
    /// Who this side says it is in EHLO: the host's name.
    let clientName: String
    let group: any EventLoopGroup

    func send(_ message: MailMessage, timeout: TimeInterval) async throws {
        let progress = SMTPProgress()
        do {
            let tls = try settings.tls == .none ? nil : tlsContext()
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    try await converse(message, tls: tls, timeout: timeout, progress: progress)
                    return true
                }
                tasks.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1e9))
                    return false
                }
                defer { tasks.cancelAll() }
                if try await tasks.next() == false {
                    progress.channel?.close(promise: nil)
                    throw SMTPTimeout()
                }
            }
        } catch {
            // Once the server has taken the message, nothing after (QUIT) makes it undelivered:
            // sending it again would be a duplicate.
            if progress.delivered { return }
            throw BlackholeError(.environment, "\(settings.host):\(settings.port): \(describe(error, progress: progress, timeout: timeout))")
        }
    }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile = settings.caFile { configuration.additionalTrustRoots = [.file(caFile)] }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPRefusal("cannot load the trusted certificates\(settings.caFile.map { " (ca_file \($0))" } ?? ""): \(error)")
        }
    }

    private func converse(_ message: MailMessage, tls: NIOSSLContext?, timeout: TimeInterval, progress: SMTPProgress) async throws {
        // The certificate must name the host; an address is matched against its IP addresses
        // instead, and is not sent as SNI.
        let serverName = (try? SocketAddress(ipAddress: settings.host, port: 0)) == nil ? settings.host : nil
        let implicit = settings.tls == .implicit
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(timeout * 1e9)))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicit, let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        progress.channel = channel.channel
        try await channel.executeThenClose { inbound, outbound in
            var smtp = SMTPConversation(replies: inbound.makeAsyncIterator(), outbound: outbound, progress: progress)
            do {
                try require(await smtp.reply(step: "greeting"), 220, else: "refused the connection")
                var extensions = try await smtp.hello(clientName)
                if settings.tls == .starttls {
                    guard extensions["STARTTLS"] != nil else {
                        throw SMTPRefusal("the server does not offer STARTTLS: nothing sent (tls: none would send in plain text)")
                    }
                    try require(await smtp.command("STARTTLS"), 220, else: "STARTTLS refused")
                    try await smtp.startTLS(channel.channel, context: tls!, serverName: serverName)
                    extensions = try await smtp.hello(clientName)
                }
                if let username = settings.username, let password = settings.password {
                    try await smtp.authenticate(username: username, password: password, offered: extensions["AUTH"] ?? [])
                }
                let eightBit = extensions["8BITMIME"] != nil
                let body = message.bodyEncoding(eightBitAllowed: eightBit) == .eightBit ? " BODY=8BITMIME" : ""
                try require(await smtp.command("MAIL FROM:<\(message.from)>\(body)"), 250, else: "MAIL FROM refused")
                for recipient in message.to {
                    // One recipient refused fails the whole send before DATA, so that the retry
                    // does not mail the others twice.
                    try require(await smtp.command("RCPT TO:<\(recipient)>"), 250, 251, else: "RCPT TO <\(recipient)> refused")
                }
                try require(await smtp.command("DATA"), 354, else: "DATA refused")
                try await outbound.write(ByteBuffer(bytes: smtpData(message.rendered(eightBitAllowed: eightBit))))
                try require(await smtp.reply(step: "the end of the message"), 250, else: "message refused")
                progress.delivered = true
                _ = try? await smtp.command("QUIT")
            } catch let refusal as SMTPRefusal {
                // The server is still talking: say goodbye rather than drop the line.
                try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
                throw refusal
            }
        }
    }

    /// One line for the operator: the server's own words, or what went wrong on the way.
    private func describe(_ error: any Error, progress: SMTPProgress, timeout: TimeInterval) -> String {
        switch error {
        case let refusal as SMTPRefusal: refusal.reason
        case is SMTPTimeout: "timed out after \(DurationText.format(timeout)) at \(progress.step)"
        case is SMTPClosed: "the server closed the connection at \(progress.step)"
        case let problem as SMTPProtocolError: "not an SMTP server: \(problem)"
        case NIOSSLError.handshakeFailed(.sslError(let stack)):
            // BoringSSL's `error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at ...`
            "TLS handshake failed: " + stack.map { reason in
                let text = "\(reason)".components(separatedBy: " at ").first ?? ""
                return (text.split(separator: ":").last.map(String.init) ?? text).replacingOccurrences(of: "_", with: " ").lowercased()
            }.joined(separator: ", ")
        case let extra as NIOSSLExtraError:
            "TLS handshake failed: " + ("\(extra)".split(separator: ":", maxSplits: 1).last.map { $0.trimmed() } ?? "")
        case is NIOSSLError: "TLS failed at \(progress.step): \(error)"
        default: ServiceProber.describe(error, timeout: timeout)
        }
    }
}

/// Commands out, replies in, over one connection.
private struct SMTPConversation {
    var replies: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let progress: SMTPProgress
    var reader = SMTPReplyReader()

    mutating func reply(step: String) async throws -> SMTPReply {
        progress.step = step
        while true {
            if let reply = try reader.next() { return reply }
            guard let chunk = try await replies.next() else { throw SMTPClosed() }
            reader.append(chunk.readableBytesView)
        }
    }

    /// Sends one command and reads its reply. `step` names it in errors, so a secret sent as a
    /// command never appears in one.
    mutating func command(_ line: String, step: String? = nil) async throws -> SMTPReply {
        progress.step = step ?? String(line.prefix { $0 != ":" })
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await reply(step: progress.step)
    }

    /// EHLO, or HELO from a server that does not know EHLO (then without extensions).
    mutating func hello(_ name: String) async throws -> [String: [String]] {
        let ehlo = try await command("EHLO \(name)", step: "EHLO")
        if ehlo.code == 250 { return ehlo.extensions }
        guard [500, 502].contains(ehlo.code) else { throw SMTPRefusal("EHLO refused: \(ehlo.text)") }
        try require(await command("HELO \(name)", step: "HELO"), 250, else: "HELO refused")
        return [:]
    }

    /// Puts TLS under the conversation, after the server's 220 to STARTTLS.
    mutating func startTLS(_ channel: any Channel, context: NIOSSLContext, serverName: String?) async throws {
        // Bytes that came before the handshake may have been put there by someone on the path
        // (RFC 3207 §6): a server sends nothing until it hears the client's hello.
        guard !reader.hasUnreadBytes else { throw SMTPRefusal("STARTTLS: the server sent more before the TLS handshake") }
        progress.step = "the TLS handshake"
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName),
                                                           position: .first)
        }.get()
    }

    /// AUTH PLAIN, or LOGIN when the server offers only that (RFC 4954).
    mutating func authenticate(username: String, password: String, offered: [String]) async throws {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let answer: SMTPReply
        if offered.contains("PLAIN") {
            answer = try await command("AUTH PLAIN " + base64("\u{0}\(username)\u{0}\(password)"), step: "AUTH")
        } else if offered.contains("LOGIN") {
            var step = try await command("AUTH LOGIN", step: "AUTH")
            if step.code == 334 { step = try await command(base64(username), step: "AUTH") }
            if step.code == 334 { step = try await command(base64(password), step: "AUTH") }
            answer = step
        } else {
            throw SMTPRefusal(offered.isEmpty ? "the server does not offer AUTH"
                              : "the server offers no AUTH PLAIN or LOGIN (only \(offered.joined(separator: " ")))")
        }
        try require(answer, 235, else: "AUTH failed")
    }
}

/// A reply with one of `codes`, or the failure with the server's words.
private func require(_ reply: SMTPReply, _ codes: Int..., else failure: String) throws {
    guard codes.contains(reply.code) else { throw SMTPRefusal("\(failure): \(reply.text)") }
}

/// How far a send got, for the message when a deadline cuts it short.
private final class SMTPProgress: Sendable {
    private struct State {
        var step = "connect"
        var delivered = false
        var channel: (any Channel)?
    }

    private let state = Mutex(State())

    var step: String {
        get { state.withLock { $0.step } }
        set { state.withLock { $0.step = newValue } }
    }

    /// The server said 250 to the message.
    var delivered: Bool {
        get { state.withLock { $0.delivered } }
        set { state.withLock { $0.delivered = newValue } }
    }

    var channel: (any Channel)? {
        get { state.withLock { $0.channel } }
        set { state.withLock { $0.channel = newValue } }
    }
}

/// The server said no, or cannot do what this send needs.
private struct SMTPRefusal: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

private struct SMTPTimeout: Error {}

private struct SMTPClosed: Error {}
