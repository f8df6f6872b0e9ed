import ArgumentParser

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Firing and pending alerts, their history, rules, silences and acknowledgements.",
        subcommands: [AlertsList.self, AlertsHistory.self, AlertsRules.self, AlertsSilence.self, AlertsUnsilence.self,
                      AlertsAck.self, AlertsTest.self, AlertsChannels.self],
        defaultSubcommand: AlertsList.self)
}
