import Foundation
import Testing
@testable import BlackholeCore

@Suite struct DurationTextTests {
    static let parsed: [(String, Double)] = [
        ("500ms", 0.5), ("30s", 30), ("5m", 300), ("1h", 3600), ("2d", 172_800), ("1w", 604_800),
        ("1h30m", 5400), ("1.5s", 1.5), ("0", 0), ("250µs", 0.00025),
    ]

    @Test(arguments: parsed)
    func parses(text: String, seconds: Double) throws {
        #expect(abs(try DurationText.parse(text) - seconds) < 1e-9)
    }

    @Test(arguments: ["" as String, "5", "abc", "5x", "m5", "1h-", "-5s", "1..5s"])
    func rejects(text: String) {
        #expect(throws: BlackholeError.self) { try DurationText.parse(text) }
    }

    static let formatted: [(Double, String)] = [
        (0.00085, "850µs"), (0.0015, "1.5ms"), (0.34, "340ms"), (1.2, "1.2s"), (30, "30s"), (125, "2m5s"),
        (5400, "1h30m"), (86_400, "1d"), (615_605, "7d3h"), (0, "0s"),
    ]

    @Test(arguments: formatted)
    func formats(seconds: Double, text: String) {
        #expect(DurationText.format(seconds) == text)
    }

    @Test func formattedDurationsParseBack() throws {
        for seconds in [0.5, 30, 120, 5400, 86_400, 259_200] {
            #expect(try DurationText.parse(DurationText.format(seconds)) == seconds)
        }
    }

    /// Found by fuzzing the config: `check_interval: 99999999999999999999s` was read, then
    /// crashed `config show` writing it as whole milliseconds.
    @Test func refusesDurationsLongerThanACentury() throws {
        #expect(try DurationText.parse("36500d") == DurationText.maximum)
        for text in ["36501d", "99999999999999999999s", "1\(String(repeating: "0", count: 305))w"] {
            let error = #expect(throws: BlackholeError.self) { try DurationText.parse(text) }
            #expect(error?.message == "invalid duration \"\(text)\": longer than 100 years (36500d)")
        }
        #expect(DurationText.exact(DurationText.maximum) == "36500d")
    }
}

@Suite struct TimeTextTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func durationsCountBackFromNow() throws {
        #expect(try TimeText.parseInstant("1h", now: now) == now - 3600)
        #expect(try TimeText.parseInstant("30s", now: now) == now - 30)
    }

    @Test func rfc3339InstantsAreAbsolute() throws {
        #expect(try TimeText.parseInstant("2027-01-15T08:00:00Z", now: .distantPast) == now)
        #expect(try TimeText.parseInstant("2027-01-15T09:00:00.500+01:00", now: .distantPast) == now + 0.5)
        #expect(TimeText.rfc3339(now + 0.25) == "2027-01-15T08:00:00.250Z")
    }

    @Test func rejectsOtherText() {
        #expect(throws: BlackholeError.self) { try TimeText.parseInstant("yesterday", now: now) }
        #expect(throws: BlackholeError.self) { try TimeText.parseInstant("2027-13-45T00:00:00Z", now: now) }
    }
}

@Suite struct StatisticsTests {
    @Test func summaryOfValues() throws {
        let summary = try #require(Summary([4, 1, 3, 2, 5]))
        #expect(summary.count == 5 && summary.min == 1 && summary.max == 5 && summary.avg == 3)
        #expect(abs(summary.p95 - 4.8) < 1e-9)
        #expect(Summary([]) == nil)
    }

    /// Selecting a rank leaves there what sorting would, nothing larger before and nothing
    /// smaller after; ranks selected in ascending order, each above the last, all hold.
    @Test func selectingARankLeavesWhatSortingWould() {
        for count in [1, 2, 3, 10, 1000] {
            for spread in [1, 3, 1_000_000] {
                var values = (0..<count).map { _ in Int64.random(in: 0..<Int64(spread)) }
                let sorted = values.sorted()
                var from = 0
                for rank in Set([0, count / 2, count * 95 / 100, count - 1]).sorted() {
                    values.select(rank: rank, within: from..<count)
                    #expect(values[rank] == sorted[rank], "rank \(rank) of \(count), values below \(spread)")
                    #expect(values[..<rank].allSatisfy { $0 <= values[rank] } && values[(rank + 1)...].allSatisfy { $0 >= values[rank] })
                    from = rank
                }
                #expect(values.sorted() == sorted, "the same values")
            }
        }
    }

    @Test func sparklineFollowsTheValues() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([3, 3, 3]) == "▄▄▄")
        #expect(Sparkline.render(Array(repeating: 1.0, count: 500), width: 40).count == 40)
        #expect(Sparkline.render([]) == "")
    }

    @Test func keyValueArguments() throws {
        #expect(try KeyValue.parse(["a=1,b=2", "c=x=y"], option: "--labels") == ["a": "1", "b": "2", "c": "x=y"])
        #expect(throws: BlackholeError.self) { try KeyValue.parse(["novalue"], option: "--labels") }
        #expect(throws: BlackholeError.self) { try KeyValue.parse(["=v"], option: "--labels") }
    }

    @Test func tableAlignsColumnsIgnoringColour() {
        var table = Table([("NAME", .left), ("VALUE", .right)])
        table.append(["cpu", Table.Cell("9.5%", .red)])
        table.append(["memory", "12.0%"])
        let plain = table.render(TextStyle())
        #expect(plain == "NAME    VALUE\ncpu      9.5%\nmemory  12.0%")
        let coloured = table.render(TextStyle(color: true))
        #expect(coloured.contains("\u{1B}[31m9.5%\u{1B}[0m"))
    }
}
