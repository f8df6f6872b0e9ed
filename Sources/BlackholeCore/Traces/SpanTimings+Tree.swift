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
    /// overlaps counted once. A trace's spans are in order of start, so each span's children
    /// come in that order too, and the time they cover is merged as they come: an interval
    /// open per parent, extended while the next child starts within it.
    func selfTimes() -> [Int64] {
        var selfTimes = spans.map { $0.end - $0.start }
        // The open interval of each span's children; none yet: empty, at the minimum.
        var open = [(start: Int64, end: Int64)](repeating: (.min, .min), count: spans.count)
        var parents = ParentFinder()
        for range in traceRanges {
            parents.index(self, range)
            for index in range where spans[index].parent != 0 {
                guard let parent = parents.find(spans[index].parent, self, range) else { continue }
                let start = max(spans[index].start, spans[parent].start), end = min(spans[index].end, spans[parent].end)
                guard start < end else { continue }
                if start <= open[parent].end {
                    open[parent].end = max(open[parent].end, end)
                } else {
                    selfTimes[parent] -= open[parent].end - open[parent].start
                    open[parent] = (start, end)
                }
            }
            for index in range { selfTimes[index] -= open[index].end - open[index].start }
        }
        return selfTimes
    }
}

/// A span's place in its trace from its span id: a look along a small trace (most have a few
/// dozen spans), a dictionary for a large one.
private struct ParentFinder {
    private static let largest = 32
    private var byID: [UInt64: Int] = [:]

    mutating func index(_ timings: SpanTimings, _ range: Range<Int>) {
        guard range.count > Self.largest else { return }
        byID.removeAll(keepingCapacity: true)
        for index in range { byID[timings.spans[index].spanID] = index }
    }

    func find(_ spanID: UInt64, _ timings: SpanTimings, _ range: Range<Int>) -> Int? {
        guard range.count <= Self.largest else { return byID[spanID] }
        return range.first { timings.spans[$0].spanID == spanID }
    }
}
