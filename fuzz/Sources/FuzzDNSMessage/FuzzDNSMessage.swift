// DNS answers as a resolver or an mDNS responder on the network sends them.
import BlackholeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let message = try? DNSMessage(parsing: bytes) {
        precondition(message.records.count <= 1000, "\(message.records.count) records")
        precondition(!message.isTruncated || message.records.isEmpty, "records read from a truncated answer")
    }
    return 0
}
