/// The span tree inside `SpanTimings`, as the bottleneck summary and the advice walk it.
extension SpanTimings {
    /// Fills `children` (emptied first, its storage kept) with the spans of one trace by their
    /// parent's span id, each list in storage order.
    func children(in range: Range<Int>, into children: inout [UInt64: [Int]]) {
        children.removeAll(keepingCapacity: true)
        for index in range where spans[index].parent != 0 {
            children[spans[index].parent, default: []].append(index)
        }
    }

    /// Each span's self time in nanoseconds: its duration less the time its children cover,
    /// overlaps counted once.
    func selfTimes() -> [Int64] {
        var selfTimes = [Int64](repeating: 0, count: spans.count)
        var children: [UInt64: [Int]] = [:]
        for range in traceRanges {
            self.children(in: range, into: &children)
            for index in range {
                let span = spans[index]
                selfTimes[index] = span.end - span.start - covered(children[span.spanID] ?? [], within: span)
            }
        }
        return selfTimes
    }

    /// How much of `span` its children cover, overlaps counted once.
    private func covered(_ children: [Int], within span: SpanTiming) -> Int64 {
        guard !children.isEmpty else { return 0 }
        let intervals = children.map { (max(spans[$0].start, span.start), min(spans[$0].end, span.end)) }
            .filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        var total: Int64 = 0
        var current: (Int64, Int64)?
        for interval in intervals {
            if let open = current, interval.0 <= open.1 {
                current = (open.0, max(open.1, interval.1))
            } else {
                if let open = current { total += open.1 - open.0 }
                current = interval
            }
        }
        if let open = current { total += open.1 - open.0 }
        return total
    }
}
