import Foundation

/// Where the configuration comes from, in the documented order of precedence.
public struct ConfigLocation: Sendable, Equatable {
    public enum Origin: String, Sendable { case flag, environment, user, system, none }

    /// The file to read; `nil` when no file exists and the built-in defaults apply.
    public let path: String?
    public let origin: Origin
    /// Where `config init` writes when no path was given.
    public let writablePath: String

    /// `--config`, then `BLACKHOLE_CONFIG`, then `$XDG_CONFIG_HOME/blackhole/config.yaml`,
    /// then `/etc/blackhole/config.yaml`. Only the first two must exist.
    public static func resolve(flag: String?, environment: [String: String],
                               systemPath: String = "/etc/blackhole/config.yaml") -> ConfigLocation {
        if let flag { return ConfigLocation(path: flag, origin: .flag, writablePath: flag) }
        if let env = environment["BLACKHOLE_CONFIG"], !env.isEmpty {
            return ConfigLocation(path: env, origin: .environment, writablePath: env)
        }
        let user = Paths.xdg("XDG_CONFIG_HOME", fallback: ".config", environment: environment) + "/blackhole/config.yaml"
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: user) { return ConfigLocation(path: user, origin: .user, writablePath: user) }
        if fileManager.fileExists(atPath: systemPath) {
            return ConfigLocation(path: systemPath, origin: .system, writablePath: user)
        }
        return ConfigLocation(path: nil, origin: .none, writablePath: user)
    }
}

public enum ConfigLoader {
    /// Every problem in the file, for `config validate`. `environment` is what `${NAME}` in a
    /// setting refers to.
    public static func check(_ location: ConfigLocation, environment: [String: String]) throws -> (Configuration, [ConfigProblem]) {
        guard let path = location.path else { return (Configuration(), []) }
        return ConfigDecoding.decode(yaml: try read(path), file: path, environment: environment)
    }

    /// The configuration every other command runs with; the first problem is an error.
    public static func load(_ location: ConfigLocation, environment: [String: String]) throws -> Configuration {
        let (config, problems) = try check(location, environment: environment)
        if let first = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more; run 'blackhole config validate')" : ""
            throw BlackholeError(.config, first.description + more)
        }
        return config
    }

    private static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw BlackholeError(.config, "\(path): config file not found (run 'blackhole config init' to create one)")
        }
        if isDirectory.boolValue { throw BlackholeError(.config, "\(path): is a directory, not a config file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BlackholeError(.config, "\(path): cannot read config file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw BlackholeError(.config, "\(path):1:1: config file is not UTF-8 text")
        }
        return text
    }
}

public enum Paths {
    /// `$NAME`, or `~/fallback` when unset, as the XDG base directory specification says.
    public static func xdg(_ name: String, fallback: String, environment: [String: String]) -> String {
        if let value = environment[name], value.hasPrefix("/") { return value }
        return home(environment) + "/" + fallback
    }

    public static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? NSHomeDirectory()
    }

    /// `~/x` to an absolute path.
    public static func expand(_ path: String, environment: [String: String]) -> String {
        path == "~" || path.hasPrefix("~/") ? home(environment) + path.dropFirst() : path
    }

    /// `--db`, then `BLACKHOLE_DB`, then `storage.path`, then `$XDG_STATE_HOME/blackhole/telemetry.db`.
    public static func database(flag: String?, environment: [String: String], config: Configuration) -> String {
        let chosen = flag ?? environment["BLACKHOLE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? config.storage.path
        return expand(
            chosen ?? xdg("XDG_STATE_HOME", fallback: ".local/state", environment: environment) + "/blackhole/telemetry.db",
            environment: environment)
    }
}
