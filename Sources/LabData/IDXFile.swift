import CZlib
import Foundation

/// An IDX array (the MNIST file format): a big-endian header of magic number, element type
/// and dimensions, then the elements.
///
/// ```
/// magic: 0x00 0x00 <type> <number of dimensions>     (type 0x08 = unsigned byte)
/// dimensions: one big-endian UInt32 each
/// data: the product of the dimensions, one byte each
/// ```
/// Files may be gzip-compressed or raw; zlib's gz reader handles both.
public struct IDXFile: Equatable, Sendable {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    /// The largest array the reader accepts (256 MiB, 5× the full MNIST training images), so
    /// a hostile header cannot ask for a huge allocation.
    public static let maximumElements = 256 << 20

    /// Reads and validates an IDX file of unsigned bytes (`.gz` or raw).
    /// - Throws: `DataError.corruptFile` naming the file and the problem.
    public static func read(_ path: String) throws -> IDXFile {
        func corrupt(_ reason: String) -> DataError { .corruptFile(path: path, reason: reason) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw corrupt("the file cannot be read") }
        guard let file = gzopen(path, "rb") else { throw corrupt("the file cannot be opened") }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 17)

        /// Reads exactly `count` bytes into `buffer` (appending), or explains why it could not.
        func readExactly(_ count: Int, into buffer: inout [UInt8], what: String) throws {
            var remaining = count
            var chunk = [UInt8](repeating: 0, count: Swift.min(count, 1 << 20))
            while remaining > 0 {
                let want = Swift.min(remaining, chunk.count)
                let got = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(want)) }
                if got < 0 {
                    var code: Int32 = 0
                    let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
                    throw corrupt("broken gzip data (\(message))")
                }
                if got == 0 {
                    throw corrupt("the file ends early: \(what) needs \(count) bytes, found \(count - remaining)")
                }
                buffer.append(contentsOf: chunk[0..<Int(got)])
                remaining -= Int(got)
            }
        }

        var header: [UInt8] = []
        try readExactly(4, into: &header, what: "the magic number")
        guard header[0] == 0, header[1] == 0 else {
            throw corrupt(String(format: "wrong magic number 0x%02X%02X%02X%02X (expected 0x0000 then type and rank)", header[0], header[1], header[2], header[3]))
        }
        guard header[2] == 0x08 else {
            throw corrupt(String(format: "element type 0x%02X is not supported (the kit reads unsigned bytes, 0x08)", header[2]))
        }
        let rank = Int(header[3])
        guard (1...4).contains(rank) else { throw corrupt("\(rank) dimensions (expected 1 to 4)") }
        var dimensionBytes: [UInt8] = []
        try readExactly(4 * rank, into: &dimensionBytes, what: "the dimensions")
        let dimensions = (0..<rank).map { d in
            dimensionBytes[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        var elements = 1
        for d in dimensions {
            guard d > 0 else { throw corrupt("a dimension is 0 (dimensions \(dimensions))") }
            elements = elements.multipliedReportingOverflow(by: d).partialValue
            guard elements <= maximumElements else {
                throw corrupt("implausible dimensions \(dimensions) (more than \(maximumElements) elements)")
            }
        }
        // Grow as data arrives instead of trusting the header with one big allocation.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Swift.min(elements, 1 << 24))
        try readExactly(elements, into: &bytes, what: "the data of dimensions \(dimensions)")
        var probe: UInt8 = 0
        let extra = gzread(file, &probe, 1)
        if extra < 0 { throw corrupt("broken gzip data after the array") }
        if extra > 0 { throw corrupt("unexpected data after the \(elements) elements the header announces") }
        return IDXFile(dimensions: dimensions, bytes: bytes)
    }
}
