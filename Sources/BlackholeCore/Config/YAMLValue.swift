import Yams

/// One problem in a configuration file, located the way editors and compilers do.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Collects every problem of one file so `config validate` can list them all at once; holds the
/// environment that `${NAME}` in settings refers to.
final class ProblemList {
    let file: String
    let environment: [String: String]
    private(set) var items: [ConfigProblem] = []

    init(file: String, environment: [String: String] = [:]) {
        self.file = file
        self.environment = environment
    }

    func add(_ message: String, at mark: Mark?) {
        items.append(ConfigProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }
}

/// A YAML node with its path in the document (`health.services.identity.timeout`): typed
/// accessors record a located problem and return `nil` instead of throwing.
struct YAMLValue {
    let node: Node
    let path: String
    let problems: ProblemList

    var mark: Mark? { node.mark }

    func problem(_ message: String) {
        problems.add(path.isEmpty ? message : "\(path): \(message)", at: mark)
    }

    private var scalar: String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }

    /// The entries of a mapping, in file order; keys outside `known` are reported with a
    /// suggestion when one is close.
    func mapping(known: [String]? = nil) -> [(key: String, value: YAMLValue)]? {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else {
            problem("expected a mapping of keys to values")
            return nil
        }
        var seen = Set<String>()
        var entries: [(key: String, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            if !seen.insert(key).inserted {
                problems.add("\(childPath): duplicate key", at: keyNode.mark)
                continue
            }
            if let known, !known.contains(key) {
                var message = "unknown key \"\(key)\"" + (path.isEmpty ? "" : " in \(path)")
                if let suggestion = Suggestion.closest(to: key, in: known) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                problems.add(message, at: keyNode.mark)
                continue
            }
            entries.append((key, YAMLValue(node: valueNode, path: childPath, problems: problems)))
        }
        return entries
    }

    func sequence() -> [YAMLValue]? {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else {
            problem("expected a list")
            return nil
        }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(path)[\($0)]", problems: problems) }
    }

    func string() -> String? {
        guard let scalar, !isNull else {
            problem("expected a string")
            return nil
        }
        return scalar
    }

    func double() -> Double? {
        guard let scalar, let value = Double(scalar), value.isFinite else {
            problem("must be a number")
            return nil
        }
        return value
    }

    func int() -> Int? {
        guard let scalar, let value = Int(scalar) else {
            problem("must be a whole number")
            return nil
        }
        return value
    }

    func bool() -> Bool? {
        switch scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem("must be true or false")
            return nil
        }
    }

    func duration() -> Double? {
        guard let scalar, let seconds = try? DurationText.parse(scalar) else {
            problem("must be a duration like 30s, 2m, 1h or 7d")
            return nil
        }
        return seconds
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_: T.Type) -> T? where T.RawValue == String {
        guard let text = string() else { return nil }
        guard let value = T(rawValue: text) else {
            problem("\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    func strings() -> [String]? {
        guard let items = sequence() else { return nil }
        let values = items.compactMap { $0.string() }
        return values.count == items.count ? values : nil
    }

    func stringMap() -> [String: String]? {
        guard let entries = mapping() else { return nil }
        var result: [String: String] = [:]
        for (key, value) in entries { result[key] = value.string() }
        return result
    }

    /// A channel's map of settings (headers), each with `${NAME}` expanded.
    func settingMap() -> [String: String]? {
        guard let entries = mapping() else { return nil }
        var result: [String: String] = [:]
        for (key, value) in entries { result[key] = value.setting() }
        return result
    }

    /// A string with every `${NAME}` replaced by that environment variable, so secrets can stay
    /// out of the file; a variable that is not set is a problem. A value is taken as it is: a
    /// secret may itself hold `${`, and is not read again (one naming itself would never end).
    func setting() -> String? {
        guard let text = string() else { return nil }
        var expanded = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let name = String(rest[start.upperBound..<end])
            guard let value = problems.environment[name] else {
                problem("environment variable \(name) is not set")
                return nil
            }
            expanded += rest[..<start.lowerBound] + value
            rest = rest[rest.index(after: end)...]
        }
        return expanded + rest
    }
}

enum Suggestion {
    /// The known word within two edits of `word`, if any.
    static func closest(to word: String, in candidates: [String]) -> String? {
        candidates
            .map { ($0, distance(word, $0)) }
            .filter { $0.1 <= max(1, min(2, word.count / 3)) }
            .min { $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
