import Foundation
import Testing
@testable import BlackholeCore

/// The mail as it goes on the wire, and the SMTP replies as they come back.
@Suite struct MailTests {
    func message(subject: String = "[FIRING critical] Service Down: storage", body: String) -> MailMessage {
        MailMessage(from: "blackhole@node1.example", to: ["ops@example.org", "oncall@example.org"], subject: subject,
                    date: Date(timeIntervalSince1970: 1_796_000_000), messageID: "abc@node1.example", body: body)
    }

    func text(_ message: MailMessage, eightBit: Bool = true) -> String {
        String(decoding: message.rendered(eightBitAllowed: eightBit), as: UTF8.self)
    }

    @Test func headersAndBodyEndInCRLF() {
        let rendered = text(message(body: "line one\nline two"))
        #expect(rendered.hasPrefix("Date: Mon, 30 Nov 2026 00:53:20 +0000\r\nFrom: blackhole@node1.example\r\n"
                                   + "To: ops@example.org, oncall@example.org\r\nSubject: [FIRING critical] Service Down: storage\r\n"
                                   + "Message-ID: <abc@node1.example>\r\n"), "\(rendered)")
        #expect(rendered.contains("Content-Transfer-Encoding: 7bit\r\n\r\nline one\r\nline two\r\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func aSubjectCannotStartAHeaderOfItsOwn() {
        let rendered = text(message(subject: "down\r\nBcc: victim@example.org", body: "x"))
        #expect(rendered.contains("Subject: down  Bcc: victim@example.org\r\n"))
        #expect(!rendered.contains("\r\nBcc:"))
    }

    @Test func longSubjectsFoldAndOthersAreEncodedWords() {
        let long = text(message(subject: Array(repeating: "storage", count: 20).joined(separator: " "), body: "x"))
        let subject = long.components(separatedBy: "\r\nMessage-ID")[0].components(separatedBy: "Subject:")[1]
        #expect(subject.components(separatedBy: "\r\n").allSatisfy { $0.count <= 78 } && subject.contains("\r\n "))
        let accented = MailMessage.header("Subject", "Dienst ausgefallen: Speicher größer")
        #expect(accented == "Subject: =?utf-8?B?" + Data("Dienst ausgefallen: Speicher größer".utf8).base64EncodedString() + "?=")
    }

    @Test func bodiesAreSevenBitEightBitOrQuotedPrintable() {
        #expect(message(body: "ok").bodyEncoding(eightBitAllowed: false) == .sevenBit)
        #expect(message(body: "größer").bodyEncoding(eightBitAllowed: true) == .eightBit)
        #expect(message(body: "größer").bodyEncoding(eightBitAllowed: false) == .quotedPrintable)
        #expect(MailMessage.quotedPrintable("a=b größer ") == ["a=3Db gr=C3=B6=C3=9Fer=20"])
        let long = MailMessage.quotedPrintable(String(repeating: "x", count: 200))
        #expect(long.count == 3 && long.dropLast().allSatisfy { $0.hasSuffix("=") && $0.count <= 76 })
    }

    @Test func dataIsDotStuffedAndEnded() {
        let sent = smtpData(Array("a\r\n.\r\n..b\r\n".utf8))
        #expect(String(decoding: sent, as: UTF8.self) == "a\r\n..\r\n...b\r\n.\r\n")
    }

    @Test func repliesAreReassembledFromAnyChunks() throws {
        var reader = SMTPReplyReader()
        reader.append(Array("250-smtp.test\r\n250-AUTH PLAIN LO".utf8))
        #expect(try reader.next() == nil)
        reader.append(Array("GIN\r\n250-8BITMIME\r\n250 STARTTLS\r\n220 go ahead\r\n".utf8))
        let ehlo = try #require(try reader.next())
        #expect(ehlo.code == 250 && ehlo.extensions == ["AUTH": ["PLAIN", "LOGIN"], "8BITMIME": [], "STARTTLS": []])
        #expect(try reader.next() == SMTPReply(code: 220, lines: ["go ahead"]))
        reader.append(Array("HTTP/1.1 400 Bad Request\r\n".utf8))
        #expect(throws: SMTPProtocolError.self) { try reader.next() }
    }

    @Test func aGroupIsOneMailNamingEveryAlert() {
        let titles = AlertTitles(ruleNames: ["service_down": "Service Down", "cpu": "High CPU"])
        func alert(_ rule: String, _ service: String, _ severity: AlertSeverity, _ state: AlertTransition.Kind) -> AlertPayload {
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            let active = ActiveAlert(id: ActiveAlert.fingerprint(ruleID: rule, labels: ["service": service]), ruleID: rule, metric: "m",
                                     labels: ["service": service], severity: severity, phase: .firing, value: 0, activeSince: now,
                                     firedAt: now, lastSeen: now, count: 1, message: "\(rule) on \(service)", lastNotifiedAt: nil,
                                     acknowledgedAt: nil, escalatedAt: nil)
            return AlertPayload(NotificationPlanner.Message(alert: active, state: state, resolvedAt: state == .resolved ? now : nil,
                                                            escalation: false, channels: []), now: now)
        }
        let alerts = [alert("service_down", "storage", .critical, .firing), alert("service_down", "identity", .critical, .firing),
                      alert("cpu", "", .warning, .resolved)]
        #expect(titles.title(alerts, length: 120) == "[FIRING critical, RESOLVED warning] 3 alerts: Service Down: storage, identity; High CPU")
        let mail = AlertMail(from: "a@node1.example", to: ["b@example.org"], titles: titles, instance: "node1", link: nil)
        let body = mail.body(alerts)
        #expect(body.hasPrefix("3 alerts changed state on node1: 2 firing, 1 resolved."))
        #expect(body.contains("Service:  storage") && body.contains("Service:  identity"), "\(body)")
    }
}
