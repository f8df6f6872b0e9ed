// A config file as `config validate` and every command read it: YAML to a validated
// Configuration and its list of located problems.
@testable import BlackholeCore

/// `${NAME}` settings refer to these; a secret may itself contain `${` and is taken as it is.
let environment = [
    "HOME": "/nonexistent/home", "PATH": "/usr/bin:/bin", "TOKEN": "s3cret", "PASSWORD": "pa${PASSWORD}ss", "EMPTY": "",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let (config, problems) = ConfigDecoding.decode(yaml: text, file: "fuzz.yaml", environment: environment)
    _ = ConfigValidation(file: "fuzz.yaml", problems: problems).renderText(TextStyle())
    // A valid file is what `config show` prints and `alerts rules` exports.
    if problems.isEmpty {
        _ = ConfigReport(source: "fuzz.yaml", database: "/nonexistent/telemetry.db", config: config).renderText(TextStyle())
        _ = PrometheusRules.file(rules: config.alertRules, staleness: config.alerting.staleness, compositeFamilies: [])
    }
    return 0
}
