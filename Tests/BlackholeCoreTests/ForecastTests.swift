import Foundation
import Testing
@testable import BlackholeCore

/// Made-up histories, the clock a parameter: the `forecast` rule on falling, flat, thin and
/// gapped series, and its false alarms on noisy ones measured against least squares.
@Suite struct ForecastTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let rule = AlertRule(id: "disk_fills_soon", name: "Disk fills soon", metric: "system.disk.free_percent", condition: .forecast,
                         threshold: 5, duration: 600, window: 6 * 3600, horizon: 4 * 3600)

    /// One sample every `step` seconds over the `span` before `end`, valued `value(hours before end)`.
    func series(span: TimeInterval = 6 * 3600, step: TimeInterval = 60, end: Date? = nil, _ value: (Double) -> Double) -> [Point] {
        let end = end ?? now
        return stride(from: span - step, through: 0, by: -step).map { ago in
            Point(time: end - ago, value: value(ago / 3600))
        }
    }

    func evaluate(_ points: [Point], at time: Date, active: [ActiveAlert] = [], rule: AlertRule? = nil) -> AlertEvaluator.Result {
        let key = SeriesKey("system.disk.free_percent", labels: ["path": "/"])
        return AlertEvaluator.evaluate(rules: [rule ?? self.rule], latest: [], history: [key: points.filter { $0.time <= time }],
                                       active: active, now: time, staleness: 300)
    }

    @Test func aFallingSeriesFiresWithTheCrossingInItsMessage() throws {
        var generator = SeededGenerator(seed: 1)
        // 15% now, losing 3 points an hour: 5% in 3h20m.
        let points = series(end: now + 600) { hoursAgo in 15 + 3 * (hoursAgo - 1.0 / 6) + generator.gaussian() * 0.5 }
        var result = evaluate(points, at: now)
        #expect(result.active.map(\.phase) == [.pending])
        result = evaluate(points, at: now + 600, active: result.active)
        let alert = try #require(result.active.first)
        #expect(alert.phase == .firing && result.transitions.map(\.kind) == [.firing])
        #expect(abs(alert.value - 12_000) < 900, "\(alert.value)")
        #expect(alert.message.hasPrefix("Disk fills soon: system.disk.free_percent{path=\"/\"} reaches 5 in about 3h"), "\(alert.message)")
        #expect(alert.message.contains("trend -3"), "\(alert.message)")
    }

    @Test func aFlatNoisySeriesDoesNot() {
        var generator = SeededGenerator(seed: 2)
        let points = series { _ in 40 + generator.gaussian() * 3 }
        #expect(evaluate(points, at: now).active.isEmpty)
    }

    @Test func aNewSeriesAGapOrTooFewSamplesJudgeNothing() {
        let falling: (Double) -> Double = { hoursAgo in 15 + 3 * hoursAgo }
        #expect(!evaluate(series(falling), at: now).active.isEmpty)
        // Forty minutes old: 2 of the window's 12 slices.
        #expect(evaluate(series(span: 2400, falling), at: now).active.isEmpty)
        // Back after three hours without samples: 6 slices of 12.
        let gapped = series(falling).filter { now.timeIntervalSince($0.time) < 3600 || now.timeIntervalSince($0.time) > 4 * 3600 }
        #expect(SeriesHistory(gapped, window: 6 * 3600, now: now).coverage == 0.5)
        #expect(evaluate(gapped, at: now).active.isEmpty)
        // Every 45 minutes covers 8 slices, but with 8 samples, under the default minimum of 10.
        #expect(evaluate(series(step: 2700, falling), at: now).active.isEmpty)
        var lenient = rule
        lenient.minSamples = 3
        let sparse = series(step: 1800, falling)
        #expect(SeriesHistory(sparse, window: 6 * 3600, now: now).coverage == 11.0 / 12)
        #expect(!evaluate(sparse, at: now, rule: lenient).active.isEmpty)
        // A series gone stale resolves like any other.
        #expect(evaluate(series(falling), at: now + 600).active.isEmpty)
    }

    @Test func aDirectionIncludesAlreadyPastWithoutOneTheTrendDecides() throws {
        let low = series { hoursAgo in 3 + 0.1 * hoursAgo }
        #expect(evaluate(low, at: now).active.isEmpty, "inferred: already past is a threshold rule's business")
        var down = rule
        down.direction = .down
        let alert = try #require(evaluate(low, at: now, rule: down).active.first)
        #expect(alert.value == 0 && alert.message.contains("is already below 5"), "\(alert.message)")
        // Rising toward a ceiling, inferred.
        var ceiling = rule
        ceiling.threshold = 90
        let rising = try #require(evaluate(series { hoursAgo in 80 - 4 * hoursAgo }, at: now, rule: ceiling).active.first)
        #expect(rising.message.contains("reaches 90 in about 2h30m"), "\(rising.message)")
        var up = ceiling
        up.direction = .down
        #expect(evaluate(series { hoursAgo in 80 - 4 * hoursAgo }, at: now, rule: up).active.isEmpty)
    }

    @Test func theilSenIgnoresAFewWildSamples() throws {
        var points = series(step: 300) { hoursAgo in 50 - 2 * hoursAgo }
        for index in stride(from: 3, to: points.count, by: 12) { points[index].value = 0 }
        let fit = try #require(TrendFit.theilSen(points, origin: now))
        #expect(abs(fit.slope * 3600 - 2) < 0.01 && abs(fit.level - 50) < 0.1, "\(fit)")
        #expect(TrendFit.theilSen([Point(time: now, value: 1), Point(time: now, value: 2)], origin: now) == nil)
        // Thinned beyond 200 samples, the newest kept.
        let dense = series(step: 10) { hoursAgo in 50 - 2 * hoursAgo }
        let thinned = try #require(TrendFit.theilSen(dense, origin: now))
        #expect(abs(thinned.slope * 3600 - 2) < 1e-6 && abs(thinned.level - 50) < 1e-6)
    }

    /// History is read from the store for these rules only, over their windows, in the same cycle.
    @Test func theCycleReadsTheWindowFromTheStore() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("t.db"))
        let clock = ManualClock(now)
        var config = BlackholeCore.Configuration()
        var immediate = rule
        immediate.duration = 0
        config.alertRules = [immediate]
        let samples = series(span: 8 * 3600) { hoursAgo in hoursAgo > 6 ? 90 : 15 + 3 * hoursAgo }
            .map { Sample("system.disk.free_percent", $0.value, labels: ["path": "/"], time: $0.time) }
        try MetricStore(store).record(samples)
        let result = try AlertCycle(store: store, config: config, clock: clock).run()
        #expect(result.active.map(\.phase) == [.firing], "\(result.active)")
        let history = try store.read { db in try MetricStore.history(db, rules: config.rules, now: now) }
        #expect(history.values.first?.count == 361 && history.values.first?.first?.time == now - 6 * 3600)
        #expect(try store.read { db in try MetricStore.history(db, rules: [], now: now) }.isEmpty)
    }

    /// The figures in the README: how often a flat series is forecast to cross a threshold below
    /// it, sampled every 5 minutes over the 6-hour window, 500 seeds each. On pure Gaussian noise
    /// the two fits are alike; where some samples are wild, least squares follows them.
    @Test func falseAlarmsOnNoisySeriesTheilSenAgainstLeastSquares() {
        let seeds = 500
        let scenarios: [(name: String, level: Double, wild: Bool, noise: (inout SeededGenerator, Int) -> [Double])] = [
            ("3 above, gaussian sd 1", 8, false, { generator, count in (0..<count).map { _ in generator.gaussian() } }),
            ("1 above, gaussian sd 2", 6, false, { generator, count in (0..<count).map { _ in 2 * generator.gaussian() } }),
            ("1 above, sd 1 and 5% glitches 4-8 down", 6, true, { generator, count in
                (0..<count).map { _ in generator.gaussian() - (generator.unit() < 0.05 ? 4 + 4 * generator.unit() : 0) }
            }),
            ("3 above, sd 1 and one 30-minute dip of 7", 8, true, { generator, count in
                let start = Int(generator.unit() * Double(count - 6))
                return (0..<count).map { index in generator.gaussian() - ((start..<start + 6).contains(index) ? 7 : 0) }
            }),
        ]
        var lines: [String] = []
        for scenario in scenarios {
            var alarms = (theilSen: 0, leastSquares: 0)
            for seed in 1...seeds {
                var generator = SeededGenerator(seed: UInt64(seed))
                let offsets = scenario.noise(&generator, 72)
                let points = series(step: 300) { _ in scenario.level }.enumerated().map { Point(time: $1.time, value: $1.value + offsets[$0]) }
                let history = SeriesHistory(points, window: rule.window, now: now)
                if Forecast(rule: rule, history: history)?.holds == true { alarms.theilSen += 1 }
                if let fit = leastSquares(points), Forecast(fit: fit, threshold: 5, horizon: rule.horizon, direction: nil).holds {
                    alarms.leastSquares += 1
                }
            }
            if scenario.wild {
                #expect(alarms.theilSen * 2 < alarms.leastSquares, "\(scenario.name)")
            } else {
                #expect(abs(alarms.theilSen - alarms.leastSquares) <= seeds / 50, "\(scenario.name)")
            }
            lines.append("\(scenario.name): Theil-Sen \(alarms.theilSen)/\(seeds), least squares \(alarms.leastSquares)/\(seeds)")
        }
        print("forecast false alarms:\n" + lines.joined(separator: "\n"))
    }

    /// Prometheus' `predict_linear`: ordinary least squares, level at `now`.
    func leastSquares(_ points: [Point]) -> TrendFit? {
        let xs = points.map { $0.time.timeIntervalSince(now) }, ys = points.map(\.value)
        let meanX = xs.reduce(0, +) / Double(xs.count), meanY = ys.reduce(0, +) / Double(ys.count)
        let sxx = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        guard sxx > 0 else { return nil }
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / sxx
        return TrendFit(slope: slope, level: meanY - slope * meanX, origin: now)
    }
}
