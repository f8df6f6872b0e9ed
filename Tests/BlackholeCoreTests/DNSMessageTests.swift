import Testing
@testable import BlackholeCore

/// The DNS wire format as discovery writes and reads it, hostile answers included.
@Suite struct DNSMessageTests {
    /// A response header: id 7, QR set, the flags given, no question, `records` answers.
    func header(flags: UInt16 = 0x8180, records: UInt16 = 0) -> [UInt8] {
        [0, 7] + DNSMessage.be(flags) + [0, 0] + DNSMessage.be(records) + [0, 0, 0, 0]
    }

    @Test func aQueryOffersEDNS0() {
        let plain = DNSMessage.query(id: 1, name: "_dnsaddr.a.test", type: .txt)
        let edns = DNSMessage.query(id: 1, name: "_dnsaddr.a.test", type: .txt, edns: true)
        #expect(Array(plain[10..<12]) == [0, 0] && Array(edns[10..<12]) == [0, 1], "one additional record")
        #expect(Array(edns.suffix(11)) == [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0], "OPT, 1232 bytes, no options")
    }

    @Test func truncationIsSeenAndHostileAnswersRefused() throws {
        #expect(try DNSMessage(parsing: header(flags: 0x8380)).isTruncated)
        // Truncated with its records cut short, as a resolver may send it: still just "truncated".
        let cut = try DNSMessage(parsing: header(flags: 0x8380, records: 3) + [1, 0x61, 0, 0, 16])
        #expect(cut.isTruncated && cut.records.isEmpty)
        #expect(try !DNSMessage(parsing: header()).isTruncated)
        // A name whose pointer points at itself.
        let loop = header(records: 1) + [0xC0, 12] + [0, 16, 0, 1, 0, 0, 0, 60, 0, 0]
        #expect(throws: DNSError.self) { try DNSMessage(parsing: loop) }
        #expect(throws: DNSError.self) { try DNSMessage(parsing: header(records: 60_000)) }
        #expect(throws: DNSError.self) { try DNSMessage(parsing: header(records: 1) + [3, 0x61]) }
        let txt = header(records: 1) + [1, 0x61, 0] + [0, 16, 0, 1, 0, 0, 0, 60, 0, 4, 3] + Array("x=1".utf8)
        #expect(try DNSMessage(parsing: txt).records == [DNSMessage.Record(name: "a", type: 16, data: .txt(["x=1"]))])
    }
}
