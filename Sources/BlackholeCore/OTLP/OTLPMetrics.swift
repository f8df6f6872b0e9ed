import Foundation
import SwiftProtobuf

/// Samples out of one OTLP `ExportMetricsServiceRequest`, with the data points that could not be
/// taken counted and the first reason kept (OTLP's partial success counts data points).
public struct DecodedSamples: Sendable {
    public var samples: [Sample] = []
    public var rejected = 0
    public var firstProblem: String?

    mutating func reject(_ problem: String, points: Int = 1) {
        rejected += points
        if firstProblem == nil { firstProblem = problem }
    }
}

/// OTLP metrics as samples, named and labelled the way Prometheus would have them: a histogram
/// becomes cumulative `NAME.bucket{le=...}` series with `NAME.count` and `NAME.sum`, a summary
/// `NAME{quantile=...}` with the same two.
public enum OTLPMetrics {
    /// `json` picks OTLP/JSON, else binary protobuf. `receivedAt` stands in for a point's missing time.
    public static func decode(_ data: Data, json: Bool, receivedAt: Date) throws -> DecodedSamples {
        let request = try self.request(data, json: json)
        var decoded = DecodedSamples()
        for (resourceIndex, resourceMetrics) in request.resourceMetrics.enumerated() {
            var resourceLabels: [String: String] = [:]
            if let service = OTLPProtobuf.attributes(resourceMetrics.resource.attributes)["service.name"]?.text, !service.isEmpty {
                resourceLabels["service"] = service
            }
            for (scopeIndex, scopeMetrics) in resourceMetrics.scopeMetrics.enumerated() {
                for (metricIndex, metric) in scopeMetrics.metrics.enumerated() {
                    let points = PointReader(metric: metric.name, labels: resourceLabels, receivedAt: receivedAt,
                                             path: "resourceMetrics[\(resourceIndex)].scopeMetrics[\(scopeIndex)].metrics[\(metricIndex)]")
                    switch metric.data {
                    case .gauge(let gauge)?: points.read(gauge.dataPoints, field: "gauge", into: &decoded)
                    case .sum(let sum)?: points.read(sum.dataPoints, field: "sum", into: &decoded)
                    case .histogram(let histogram)?: points.read(histogram.dataPoints, field: "histogram", into: &decoded)
                    case .exponentialHistogram(let histogram)?: points.read(histogram.dataPoints, field: "exponentialHistogram", into: &decoded)
                    case .summary(let summary)?: points.read(summary.dataPoints, field: "summary", into: &decoded)
                    case nil: decoded.reject("\(points.path): no data")
                    }
                }
            }
        }
        return decoded
    }

    /// A JSON request as OTLP/protobuf, as serve forwards it.
    public static func protobuf(fromJSON data: Data) throws -> Data {
        try request(data, json: true).serializedData()
    }

    private static func request(_ data: Data, json: Bool) throws -> OTLPExportMetricsServiceRequest {
        do {
            if json {
                // OTLP/JSON is proto3's JSON mapping but for hex ids, and only exemplars (not
                // declared, so skipped) carry ids in metrics.
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                return try OTLPExportMetricsServiceRequest(jsonUTF8Data: data, options: options)
            }
            return try OTLPExportMetricsServiceRequest(serializedBytes: data)
        } catch {
            throw BlackholeError(.usage, "not an OTLP \(json ? "JSON" : "protobuf") ExportMetricsServiceRequest (\(OTLPProtobuf.describe(error)))")
        }
    }

    /// The data points of one metric, turned into samples.
    private struct PointReader {
        let metric: String
        let labels: [String: String]
        let receivedAt: Date
        let path: String

        func read<Point: MetricDataPoint>(_ points: [Point], field: String, into decoded: inout DecodedSamples) {
            guard !metric.isEmpty else {
                decoded.reject("\(path): metric has no name", points: max(1, points.count))
                return
            }
            let noRecordedValue = UInt32(OTLPDataPointFlags.noRecordedValueMask.rawValue)
            for (index, point) in points.enumerated() where point.flags & noRecordedValue == 0 {
                let values: [PointValue]
                do throws(PointProblem) {
                    values = try point.values()
                    if let bad = values.first(where: { !$0.value.isFinite }) { throw PointProblem("\(bad.what) is not finite") }
                } catch {
                    decoded.reject("\(path).\(field).dataPoints[\(index)]: \(error.message)")
                    continue
                }
                // A point's own `service` attribute wins over the resource's.
                var pointLabels = labels
                for (key, value) in OTLPProtobuf.attributes(point.attributes) { pointLabels[key] = value.text }
                let time = point.timeUnixNano == 0 ? receivedAt : Span.date(nanos: point.timeUnixNano)
                for value in values {
                    var sampleLabels = pointLabels
                    if let label = value.label { sampleLabels[label.key] = label.value }
                    decoded.samples.append(Sample(metric + value.suffix, value.value, labels: sampleLabels, time: time))
                }
            }
        }
    }
}

/// One sample a data point makes: `suffix` added to the metric's name, `label` added to its labels.
fileprivate struct PointValue {
    var value: Double
    var suffix = ""
    var label: (key: String, value: String)?

    /// What the value is, for a problem: `value`, `sum`, `quantile 0.5`.
    var what: String { suffix.isEmpty ? label.map { "\($0.key) \($0.value)" } ?? "value" : String(suffix.dropFirst()) }
}

fileprivate struct PointProblem: Error {
    let message: String

    init(_ message: String) { self.message = message }
}

/// What every kind of OTLP data point has; the generated types conform as they are.
fileprivate protocol MetricDataPoint {
    var attributes: [OTLPKeyValue] { get }
    var timeUnixNano: UInt64 { get }
    var flags: UInt32 { get }

    func values() throws(PointProblem) -> [PointValue]
}

extension OTLPNumberDataPoint: MetricDataPoint {
    fileprivate func values() throws(PointProblem) -> [PointValue] {
        switch value {
        case .asDouble(let number)?: [PointValue(value: number)]
        case .asInt(let number)?: [PointValue(value: Double(number))]
        case nil: throw PointProblem("no value")
        }
    }
}

extension OTLPHistogramDataPoint: MetricDataPoint {
    /// OTLP counts each bucket on its own; Prometheus buckets are cumulative, the last `+Inf`.
    fileprivate func values() throws(PointProblem) -> [PointValue] {
        guard bucketCounts.isEmpty || bucketCounts.count == explicitBounds.count + 1 else {
            throw PointProblem("\(bucketCounts.count) bucket counts for \(explicitBounds.count) bounds, need \(explicitBounds.count + 1)")
        }
        var cumulative: UInt64 = 0
        var values = zip(bucketCounts, explicitBounds + [.infinity]).map { count, bound in
            cumulative &+= count
            return PointValue(value: Double(cumulative), suffix: ".bucket", label: ("le", PrometheusText.format(bound)))
        }
        values.append(PointValue(value: Double(count), suffix: ".count"))
        if hasSum { values.append(PointValue(value: sum, suffix: ".sum")) }
        return values
    }
}

extension OTLPExponentialHistogramDataPoint: MetricDataPoint {
    /// Only the count and sum: exponential buckets have no Prometheus text form.
    fileprivate func values() throws(PointProblem) -> [PointValue] {
        [PointValue(value: Double(count), suffix: ".count")] + (hasSum ? [PointValue(value: sum, suffix: ".sum")] : [])
    }
}

extension OTLPSummaryDataPoint: MetricDataPoint {
    fileprivate func values() throws(PointProblem) -> [PointValue] {
        quantileValues.map { PointValue(value: $0.value, label: ("quantile", PrometheusText.format($0.quantile))) }
            + [PointValue(value: Double(count), suffix: ".count"), PointValue(value: sum, suffix: ".sum")]
    }
}
