import CZlib
import Foundation

/// Streaming gzip decompression (concatenated members too), so a compressed file is read in
/// bounded memory.
final class Gunzip {
    private var stream = z_stream()
    private var finished = false

    init() throws {
        let status = inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw BlackholeError(.environment, "gzip: cannot start decompression (zlib \(status))") }
    }

    deinit { inflateEnd(&stream) }

    /// One whole gzip body, or nil once it inflates past `limit` bytes: a request body's
    /// compressed size says nothing of what it expands to.
    static func inflated(_ data: Data, limit: Int) throws -> Data? {
        let gunzip = try Gunzip()
        do {
            let output = try gunzip.decompress(data, limit: limit)
            try gunzip.finish()
            return output
        } catch Overflow.limit {
            return nil
        }
    }

    private enum Overflow: Error { case limit }

    static func isGzip(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.count >= 2 && prefix.first == 0x1F && prefix.dropFirst().first == 0x8B
    }

    /// Decompresses `input` and returns what it yields; call `finish()` after the last chunk.
    func decompress(_ input: Data, limit: Int = .max) throws -> Data {
        var output = Data()
        guard !input.isEmpty else { return output }
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        try input.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                if finished {
                    guard stream.avail_in > 0 else { break }
                    // Another member follows the previous one's trailer.
                    inflateReset(&stream)
                    finished = false
                }
                var outputFull = false
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                    if output.count > limit { return Z_MEM_ERROR }
                    outputFull = stream.avail_out == 0
                    return status
                }
                switch status {
                case Z_STREAM_END: finished = true
                case Z_OK: if stream.avail_in == 0 && !outputFull { return }
                case Z_BUF_ERROR: if !outputFull { return }
                case Z_MEM_ERROR where output.count > limit:
                    throw Overflow.limit
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib \(status)"
                    throw BlackholeError(.usage, "gzip: corrupt data (\(reason))")
                }
            }
        }
        stream.next_in = nil
        return output
    }

    /// Throws when the compressed data stopped in the middle of a member.
    func finish() throws {
        guard finished else { throw BlackholeError(.usage, "gzip: truncated data") }
    }
}
