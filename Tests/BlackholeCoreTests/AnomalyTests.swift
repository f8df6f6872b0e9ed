import Foundation
import Testing
@testable import BlackholeCore

/// Made-up histories, the clock a parameter: the `anomaly` rule on shifted, noisy, constant and
/// spiky series, and its false-alarm rate on stationary noise over many seeds.
@Suite struct AnomalyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let rule = AlertRule(id: "queue_unusual", name: "Queue unusual", metric: "app.queue.depth", condition: .anomaly,
                         threshold: 0, duration: 600, window: 6 * 3600, minSamples: 30)

    /// One sample a minute over the `span` before `end`, valued `value(minutes before end)`.
    func series(span: TimeInterval = 6 * 3600, end: Date? = nil, _ value: (Int) -> Double) -> [Point] {
        let end = end ?? now
        return stride(from: Int(span / 60) - 1, through: 0, by: -1).map { ago in Point(time: end - Double(ago * 60), value: value(ago)) }
    }

    func evaluate(_ points: [Point], at time: Date, active: [ActiveAlert] = [], rule: AlertRule? = nil) -> AlertEvaluator.Result {
        AlertEvaluator.evaluate(rules: [rule ?? self.rule], latest: [], history: [SeriesKey("app.queue.depth"): points.filter { $0.time <= time }],
                                active: active, now: time, staleness: 300)
    }

    @Test func aSustainedLevelShiftFires() throws {
        var generator = SeededGenerator(seed: 7)
        // 50 give or take 2 for hours, then 65 for the last quarter hour.
        let points = series { ago in (ago < 15 ? 65 : 50) + 2 * generator.gaussian() }
        var result = evaluate(points, at: now - 600)
        #expect(result.active.map(\.phase) == [.pending])
        result = evaluate(points, at: now, active: result.active)
        let alert = try #require(result.active.first)
        #expect(alert.phase == .firing && result.transitions.map(\.kind) == [.firing])
        #expect(abs(alert.value - 65) < 8)
        #expect(alert.message.hasPrefix("Queue unusual: app.queue.depth = "), "\(alert.message)")
        #expect(alert.message.contains("above its normal range") && alert.message.contains("6h median 5"), "\(alert.message)")
        var down = rule
        down.direction = .down
        #expect(evaluate(points, at: now, rule: down).active.isEmpty)
    }

    @Test func gaussianNoiseASingleSpikeAndAThinHistoryDoNot() {
        var generator = SeededGenerator(seed: 8)
        var points = series { _ in 50 + 2 * generator.gaussian() }
        #expect(evaluate(points, at: now).active.isEmpty)
        // Two wild samples among the newest five: the latest level is still normal.
        points[points.count - 2].value = 90
        points[points.count - 4].value = 95
        #expect(evaluate(points, at: now).active.isEmpty)
        // Twenty samples of a 6-hour window: not judged.
        #expect(evaluate(series(span: 1200) { ago in ago < 5 ? 500 : 1 }, at: now).active.isEmpty)
    }

    @Test func aConstantSeriesIsAbnormalAtItsFirstChange() throws {
        let steady = series { _ in 0 }
        #expect(evaluate(steady, at: now).active.isEmpty)
        let changed = try #require(evaluate(series { ago in ago < 3 ? 1 : 0 }, at: now).active.first)
        #expect(changed.message.contains("above its normal range 0 to 0") && changed.message.contains("∞ robust SDs"), "\(changed.message)")
        // Mostly equal: the mean absolute deviation gives the spread.
        let judged = try #require(Anomaly(rule: rule, history: SeriesHistory(series { ago in ago % 3 == 0 ? 1 : 0 }, window: rule.window, now: now)))
        #expect(judged.median == 0 && judged.scale > 0 && !judged.holds)
    }

    /// The figures in the README: stationary noise sampled every minute and judged every minute
    /// over six hours; shifts of 5 and 8 standard deviations at a random minute. Ten seeds each
    /// unless BLACKHOLE_MEASURE_SEEDS says more (the README's figures are from 100).
    @Test func falseAlarmsAndDetectionOverManySeeds() {
        let seeds = ProcessInfo.processInfo.environment["BLACKHOLE_MEASURE_SEEDS"].flatMap { Int($0) } ?? 10
        /// For each minute of the last six hours of a 12-hour series: whether the rule holds.
        func judged(_ points: [Point]) -> [Bool] {
            (360..<points.count).map { index in
                let history = SeriesHistory(Array(points[(index - 360)...index]), window: rule.window, now: points[index].time)
                return Anomaly(rule: rule, history: history)?.holds == true
            }
        }
        /// Where runs of holding evaluations start, and where they reach the rule's 10 minutes.
        func alerts(_ holds: [Bool]) -> (starts: [Int], fired: [Int]) {
            var run = 0, starts: [Int] = [], fired: [Int] = []
            for (index, held) in holds.enumerated() {
                run = held ? run + 1 : 0
                if run == 1 { starts.append(index) }
                if run == 11 { fired.append(index) }
            }
            return (starts, fired)
        }
        let noises: [(String, (inout SeededGenerator) -> Double)] = [
            ("gaussian", { $0.gaussian() }),
            ("gaussian, 2% of samples at 5 SDs", { generator in generator.unit() < 0.02 ? 5 * generator.gaussian() : generator.gaussian() }),
        ]
        var lines: [String] = []
        for (name, noise) in noises {
            var holding = 0, instant = 0, sustained = 0
            for seed in 1...seeds {
                var generator = SeededGenerator(seed: UInt64(seed))
                let holds = judged(series(span: 12 * 3600) { _ in 50 + noise(&generator) })
                holding += holds.filter { $0 }.count
                let found = alerts(holds)
                instant += found.starts.count
                sustained += found.fired.count
            }
            #expect(sustained == 0, "\(name)")
            lines.append("\(name): held at \(holding) of \(seeds * 360) evaluations; alerts with duration 0: \(instant), with 10m: \(sustained)")
        }
        for shift in [5.0, 8.0] {
            var delays: [Double] = [], lasted: [Double] = []
            for seed in 1...seeds {
                var generator = SeededGenerator(seed: UInt64(1000 + seed))
                // Between 3 and 5 hours before the end: from 1 to 3 hours into the judged six.
                let shiftAgo = 180 + Int(generator.unit() * 120)
                let holds = judged(series(span: 12 * 3600) { ago in 50 + (ago < shiftAgo ? shift : 0) + generator.gaussian() })
                let start = 360 - shiftAgo
                guard let fired = alerts(holds).fired.first(where: { $0 >= start }) else { continue }
                delays.append(Double(fired - start))
                lasted.append(Double((holds[fired...].firstIndex(of: false) ?? holds.count) - start))
            }
            if shift == 8 { #expect(delays.count == seeds) }
            let timing = delays.isEmpty ? "" : ", \(Int(Summary.median(delays))) minutes after it began (median); "
                + "normal again \(Int(Summary.median(lasted))) minutes after it began (median)"
            lines.append("shift of \(NumberText.format(shift)) SDs: fired (10m) for \(delays.count) of \(seeds)" + timing)
        }
        print("anomaly:\n" + lines.joined(separator: "\n"))
    }
}
