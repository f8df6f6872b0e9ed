/// `key=value` arguments (`--labels service=identity,path=/`, `--attr http.method=GET`).
public enum KeyValue {
    public static func parse(_ items: [String], option: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: true) }) {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw BlackholeError(.usage, "\(option): \"\(item)\" is not key=value")
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }
}
