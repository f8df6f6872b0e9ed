import Foundation
import Testing
@testable import BlackholeCore

/// Builds `ExportMetricsServiceRequest`s with the generated types, one resource and scope.
private enum Build {
    static let nanos: UInt64 = 1_700_000_000_000_000_000

    static func request(service: String? = "ledger", _ metrics: [OTLPMetric]) throws -> Data {
        var scope = OTLPScopeMetrics()
        scope.metrics = metrics
        var resource = OTLPResourceMetrics()
        if let service { resource.resource.attributes = [attribute("service.name", service)] }
        resource.scopeMetrics = [scope]
        var request = OTLPExportMetricsServiceRequest()
        request.resourceMetrics = [resource]
        return try request.serializedData()
    }

    static func attribute(_ key: String, _ text: String) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = key
        pair.value.stringValue = text
        return pair
    }

    static func number(_ value: OTLPNumberDataPoint.OneOf_Value?, attributes: [OTLPKeyValue] = [], flags: UInt32 = 0,
                       time: UInt64 = nanos) -> OTLPNumberDataPoint {
        var point = OTLPNumberDataPoint()
        point.value = value
        point.attributes = attributes
        point.flags = flags
        point.timeUnixNano = time
        return point
    }

    static func gauge(_ name: String, _ points: [OTLPNumberDataPoint]) -> OTLPMetric {
        var metric = OTLPMetric()
        metric.name = name
        metric.gauge.dataPoints = points
        return metric
    }

    static func histogram(_ name: String, bounds: [Double], counts: [UInt64], count: UInt64, sum: Double?) -> OTLPMetric {
        var point = OTLPHistogramDataPoint()
        point.explicitBounds = bounds
        point.bucketCounts = counts
        point.count = count
        if let sum { point.sum = sum }
        point.timeUnixNano = nanos
        var metric = OTLPMetric()
        metric.name = name
        metric.histogram.aggregationTemporality = .cumulative
        metric.histogram.dataPoints = [point]
        return metric
    }
}

@Suite struct OTLPMetricsTests {
    let time = Date(timeIntervalSince1970: 1_700_000_000)
    let receivedAt = Date(timeIntervalSince1970: 1_800_000_000)

    func decode(_ data: Data, json: Bool = false) throws -> DecodedSamples {
        try OTLPMetrics.decode(data, json: json, receivedAt: receivedAt)
    }

    @Test func gaugesAndSumsMakeOneSamplePerPoint() throws {
        var sum = OTLPMetric()
        sum.name = "requests"
        sum.sum.isMonotonic = true
        sum.sum.aggregationTemporality = .cumulative
        sum.sum.dataPoints = [Build.number(.asInt(1234), attributes: [Build.attribute("route", "/pay")])]
        let data = try Build.request([
            Build.gauge("queue.depth", [Build.number(.asInt(42))]),
            Build.gauge("cpu.load", [Build.number(.asDouble(0.25), attributes: [Build.attribute("core", "0")])]),
            sum,
        ])
        let decoded = try decode(data)
        #expect(decoded.rejected == 0 && decoded.firstProblem == nil)
        #expect(decoded.samples == [
            Sample("queue.depth", 42, labels: ["service": "ledger"], time: time),
            Sample("cpu.load", 0.25, labels: ["service": "ledger", "core": "0"], time: time),
            Sample("requests", 1234, labels: ["service": "ledger", "route": "/pay"], time: time),
        ])
    }

    @Test func histogramBucketsBecomeCumulative() throws {
        let data = try Build.request(service: nil, [Build.histogram("latency", bounds: [0.1, 0.5, 1], counts: [1, 2, 3, 4], count: 10, sum: 12.5)])
        let samples = try decode(data).samples
        #expect(samples.filter { $0.name == "latency.bucket" }.map { "\($0.labels["le"]!)=\($0.value)" }
            == ["0.1=1.0", "0.5=3.0", "1=6.0", "+Inf=10.0"])
        #expect(samples.filter { $0.name != "latency.bucket" } == [
            Sample("latency.count", 10, time: time), Sample("latency.sum", 12.5, time: time),
        ])
        // No sum sent, no sum sample; no buckets sent, only the count.
        let bare = try decode(Build.request(service: nil, [Build.histogram("h", bounds: [1], counts: [], count: 3, sum: nil)])).samples
        #expect(bare == [Sample("h.count", 3, time: time)])
    }

    @Test func summariesAndExponentialHistograms() throws {
        var summaryPoint = OTLPSummaryDataPoint()
        summaryPoint.count = 4
        summaryPoint.sum = 8
        summaryPoint.timeUnixNano = Build.nanos
        summaryPoint.quantileValues = [(0.5, 1.5), (0.99, 3.0)].map { quantile, value in
            var pair = OTLPSummaryDataPoint.ValueAtQuantile()
            pair.quantile = quantile
            pair.value = value
            return pair
        }
        var summary = OTLPMetric()
        summary.name = "rpc.duration"
        summary.summary.dataPoints = [summaryPoint]
        var exponentialPoint = OTLPExponentialHistogramDataPoint()
        exponentialPoint.count = 7
        exponentialPoint.sum = 2.5
        exponentialPoint.scale = 3
        exponentialPoint.positive.bucketCounts = [3, 4]
        exponentialPoint.timeUnixNano = Build.nanos
        var exponential = OTLPMetric()
        exponential.name = "size"
        exponential.exponentialHistogram.dataPoints = [exponentialPoint]

        let samples = try decode(Build.request(service: nil, [summary, exponential])).samples
        #expect(samples == [
            Sample("rpc.duration", 1.5, labels: ["quantile": "0.5"], time: time),
            Sample("rpc.duration", 3, labels: ["quantile": "0.99"], time: time),
            Sample("rpc.duration.count", 4, time: time), Sample("rpc.duration.sum", 8, time: time),
            Sample("size.count", 7, time: time), Sample("size.sum", 2.5, time: time),
        ])
    }

    @Test func serviceComesFromTheResourceUnlessThePointSaysOtherwise() throws {
        let data = try Build.request(service: "ledger", [Build.gauge("up", [
            Build.number(.asInt(1)), Build.number(.asInt(1), attributes: [Build.attribute("service", "own")]),
        ])])
        #expect(try decode(data).samples.map { $0.labels["service"] } == ["ledger", "own"])
    }

    @Test func jsonReadsLikeProtobuf() throws {
        // OTLP/JSON: int64s as strings, enums as integers, and fields this decoder does not know,
        // exemplars with their hex ids among them.
        let document = #"""
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"ledger"}}]},
              "scopeMetrics":[{"scope":{"name":"ledger.meter"},"metrics":[
                {"name":"queue.depth","unit":"1","gauge":{"dataPoints":[{"asInt":"42","timeUnixNano":"1700000000000000000"}]}},
                {"name":"cpu.load","gauge":{"dataPoints":[{"asDouble":0.25,"timeUnixNano":"1700000000000000000",
                  "attributes":[{"key":"core","value":{"stringValue":"0"}}]}]}},
                {"name":"requests","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"1234",
                  "timeUnixNano":"1700000000000000000","attributes":[{"key":"route","value":{"stringValue":"/pay"}}],
                  "exemplars":[{"asInt":"1","traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173"}]}]}},
                {"name":"latency","someFutureField":{"x":[1,2]},"histogram":{"aggregationTemporality":2,"dataPoints":[{
                  "count":"10","sum":12.5,"bucketCounts":["1","2","3","4"],"explicitBounds":[0.1,0.5,1],
                  "timeUnixNano":"1700000000000000000"}]}}]}]}]}
            """#
        let fromJSON = try decode(Data(document.utf8), json: true)
        var sum = OTLPMetric()
        sum.name = "requests"
        sum.sum.isMonotonic = true
        sum.sum.aggregationTemporality = .cumulative
        sum.sum.dataPoints = [Build.number(.asInt(1234), attributes: [Build.attribute("route", "/pay")])]
        let fromProtobuf = try decode(Build.request([
            Build.gauge("queue.depth", [Build.number(.asInt(42))]),
            Build.gauge("cpu.load", [Build.number(.asDouble(0.25), attributes: [Build.attribute("core", "0")])]),
            sum,
            Build.histogram("latency", bounds: [0.1, 0.5, 1], counts: [1, 2, 3, 4], count: 10, sum: 12.5),
        ]))
        #expect(fromJSON.rejected == 0 && fromJSON.samples.count == 9)
        #expect(fromJSON.samples == fromProtobuf.samples)
    }

    @Test func undecodableInputThrows() throws {
        let garbage = Data([0x0A, 0x10, 0x01])
        #expect {
            try decode(garbage)
        } throws: { error in
            error is BlackholeError && "\(error)".hasPrefix("not an OTLP protobuf ExportMetricsServiceRequest (")
        }
        #expect {
            try decode(Data(#"{"resourceMetrics":["#.utf8), json: true)
        } throws: { error in
            error is BlackholeError && "\(error)".hasPrefix("not an OTLP JSON ExportMetricsServiceRequest (")
        }
        #expect(throws: BlackholeError.self) { try decode(garbage, json: true) }
    }

    @Test func badPointsAreRejectedWithTheirPath() throws {
        let nameless = Build.gauge("", [Build.number(.asInt(1)), Build.number(.asInt(2))])
        var noData = OTLPMetric()
        noData.name = "empty"
        var request = OTLPExportMetricsServiceRequest()
        var resource = OTLPResourceMetrics()
        var first = OTLPScopeMetrics()
        first.metrics = [Build.gauge("fine", [Build.number(.asInt(1))])]
        var second = OTLPScopeMetrics()
        second.metrics = [
            Build.gauge("fine", [Build.number(.asInt(2))]),
            Build.gauge("nan", [Build.number(.asDouble(.nan))]),
            Build.gauge("valueless", [Build.number(nil), Build.number(.asInt(3))]),
            Build.histogram("uneven", bounds: [1, 2], counts: [1, 2], count: 3, sum: 1),
            nameless, noData,
        ]
        resource.scopeMetrics = [first, second]
        request.resourceMetrics = [resource]

        let decoded = try decode(try request.serializedData())
        #expect(decoded.samples.map(\.value) == [1, 2, 3])
        #expect(decoded.rejected == 6, "one NaN, one valueless, one histogram, two nameless points, one metric without data")
        #expect(decoded.firstProblem == "resourceMetrics[0].scopeMetrics[1].metrics[1].gauge.dataPoints[0]: value is not finite")

        // Each alone, for its own message.
        let problems = try second.metrics.dropFirst(2).map { metric in
            var alone = request
            alone.resourceMetrics[0].scopeMetrics[1].metrics = [metric]
            return try decode(try alone.serializedData()).firstProblem
        }
        #expect(problems == [
            "resourceMetrics[0].scopeMetrics[1].metrics[0].gauge.dataPoints[0]: no value",
            "resourceMetrics[0].scopeMetrics[1].metrics[0].histogram.dataPoints[0]: 2 bucket counts for 2 bounds, need 3",
            "resourceMetrics[0].scopeMetrics[1].metrics[0]: metric has no name",
            "resourceMetrics[0].scopeMetrics[1].metrics[0]: no data",
        ])
    }

    @Test func pointsWithoutARecordedValueAreSkippedAndMissingTimesFilledIn() throws {
        let data = try Build.request(service: nil, [Build.gauge("up", [
            Build.number(nil, flags: 1), Build.number(.asInt(1), time: 0),
        ])])
        let decoded = try decode(data)
        #expect(decoded.rejected == 0 && decoded.firstProblem == nil)
        #expect(decoded.samples == [Sample("up", 1, time: receivedAt)])
    }
}
