// Multiaddrs as the config, `p2p` commands and /dnsaddr TXT records give them, and
// multistream-select frames as a peer sends them: the same bytes are read as both.
import BlackholeCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let address = try? Multiaddr(String(decoding: bytes, as: UTF8.self)) {
        // The canonical text is what is stored and shown: it must parse back to the same address.
        let again = try! Multiaddr(address.description)
        precondition(again == address, "\(address) does not parse back to itself")
        // Addresses from the network (/dnsaddr TXT records) end up in the store and in C calls.
        precondition(!address.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                     "\(address.description.debugDescription) has control characters")
        _ = (address.tcpTarget, address.socket, address.unprobeableReason, address.peerID)
    }
    // Frame after frame, as the probe reads what a peer sent.
    var offset = 0
    while offset < bytes.count {
        switch Multistream.decode(bytes[offset...]) {
        case .message(_, let consumed):
            precondition(consumed > 0 && offset + consumed <= bytes.count, "consumed \(consumed) of \(bytes.count - offset) bytes")
            offset += consumed
        case .incomplete, .invalid: return 0
        }
    }
    return 0
}
