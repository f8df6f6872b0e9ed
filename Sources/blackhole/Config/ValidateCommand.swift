import ArgumentParser
import BlackholeCore

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "List every problem in the config file as FILE:LINE:COL: message.",
        discussion: """
            Exits 0 when the file is valid, 1 when it has problems.

            Examples:
              blackhole config validate
              blackhole config validate --config ./staging.yaml
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = global.context
        let location = context.configLocation
        let (_, problems) = try ConfigLoader.check(location, environment: context.environment)
        let report = ConfigValidation(file: location.path, problems: problems)
        try context.emit(report)
        if !problems.isEmpty { throw ExitCode.failure }
    }
}
