/// `config validate`: every problem of the file, or that it is fine.
public struct ConfigValidation: Report {
    public let file: String?
    public let problems: [ConfigProblem]

    public init(file: String?, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey { case file, valid, problems }
    enum ProblemKeys: String, CodingKey { case file, line, column, message }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(problems.isEmpty, forKey: .valid)
        var list = container.nestedUnkeyedContainer(forKey: .problems)
        for problem in problems {
            var entry = list.nestedContainer(keyedBy: ProblemKeys.self)
            try entry.encode(problem.file, forKey: .file)
            try entry.encode(problem.line, forKey: .line)
            try entry.encode(problem.column, forKey: .column)
            try entry.encode(problem.message, forKey: .message)
        }
    }

    public func renderText(_ style: TextStyle) -> String {
        guard let file else { return "No config file; the built-in defaults are in use ('blackhole config init' writes one)." }
        guard !problems.isEmpty else { return "\(file): valid" }
        let count = "\(problems.count) problem\(problems.count == 1 ? "" : "s")"
        return (problems.map(\.description) + [style.paint("\(file): \(count)", .red)]).joined(separator: "\n")
    }
}

/// `config init`'s answer.
public struct ConfigWritten: Report {
    public let path: String

    public init(path: String) { self.path = path }

    public func renderText(_ style: TextStyle) -> String {
        "Wrote \(path). Edit it, then run 'blackhole config validate'."
    }
}
