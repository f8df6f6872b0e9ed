import Foundation
import NIOCore

/// Mails each notification (one alert, or a run's group as one mail) through an SMTP server.
public struct EmailSender: NotificationSender {
    let mail: AlertMail
    let smtp: SMTPClient

    /// `clientName` is this host in EHLO.
    init(settings: EmailSettings, titles: AlertTitles, instance: String, link: String?, clientName: String,
         group: any EventLoopGroup) {
        mail = AlertMail(from: settings.from, to: settings.to, titles: titles, instance: instance, link: link)
        smtp = SMTPClient(settings: settings, clientName: clientName, group: group)
    }

    public func send(_ payload: Data, timeout: TimeInterval) async throws {
        let id = UUID().uuidString.lowercased() + "@" + MailMessage.domain(of: mail.from)
        try await smtp.send(mail.message(try AlertPayload.decode(payload), messageID: id), timeout: timeout)
    }
}
