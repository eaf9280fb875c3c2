import CZlib
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An IDX array (the MNIST file format): a big-endian header of magic number, element type
/// and dimensions, then the elements.
///
/// ```
/// magic: 0x00 0x00 <type> <number of dimensions>     (type 0x08 = unsigned byte)
/// dimensions: one big-endian UInt32 each
/// data: the product of the dimensions, one byte each
/// ```
/// Files may be raw or one gzip stream (RFC 1952). A gzip file is inflated with zlib and its
/// trailer checked: a wrong CRC-32 or length, a stream cut off before its trailer, or any
/// byte after it is an error — as is any byte after the elements of a raw file.
package struct IDXFile: Equatable, Sendable {
    /// The dimensions of what was kept (the first one trimmed by `keepingFirst`).
    package let dimensions: [Int]
    package let bytes: [UInt8]
    /// The first dimension the header declares (before `keepingFirst`).
    package var declaredCount: Int

    package init(dimensions: [Int], bytes: [UInt8], declaredCount: Int? = nil) {
        (self.dimensions, self.bytes, self.declaredCount) = (dimensions, bytes, declaredCount ?? dimensions.first ?? 0)
    }

    /// The largest array the reader accepts by default (256 Mi elements, 5× the full MNIST
    /// training images), so a hostile header cannot ask for a huge allocation.
    package static let maximumElements = 256 << 20

    /// Reads and validates an IDX file of unsigned bytes (`.gz` or raw).
    /// - Parameters:
    ///   - keepingFirst: keep only the first n items along the first dimension (the rest is
    ///     still read and checked, but not stored).
    ///   - maximumElements: refuse, before allocating, a file whose kept elements exceed this.
    /// - Throws: `DataError.unreadableFile` (not found, permission denied, symbolic-link loop,
    ///   not a regular file), `DataError.corruptFile` (naming the byte where it went wrong) or
    ///   `DataError.tooLarge`.
    ///   - maximumItemSize: refuse, before reading the data, items (images) larger than this.
    package static func read(
        _ path: String, keepingFirst limit: Int? = nil, maximumElements budget: Int = maximumElements,
        maximumItemSize: Int? = nil
    ) throws -> IDXFile {
        var source = try ByteSource(path: path)
        defer { source.close() }
        func corrupt(_ reason: String) -> DataError { .corruptFile(path: path, reason: reason) }

        var header = [UInt8]()
        try source.read(4, into: &header, what: "the magic number")
        guard header[0] == 0, header[1] == 0 else {
            throw corrupt(
                String(
                    format: "wrong magic number 0x%02X%02X%02X%02X (expected 0x0000 then type and rank)", header[0],
                    header[1], header[2], header[3]))
        }
        guard header[2] == 0x08 else {
            throw corrupt(
                String(format: "element type 0x%02X is not supported (the kit reads unsigned bytes, 0x08)", header[2]))
        }
        let rank = Int(header[3])
        guard (1...4).contains(rank) else { throw corrupt("\(rank) dimensions (expected 1 to 4)") }
        var dimensionBytes = [UInt8]()
        try source.read(4 * rank, into: &dimensionBytes, what: "the dimensions")
        let dimensions = (0..<rank).map { d in dimensionBytes[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var elements = 1
        for d in dimensions {
            guard d > 0 else { throw corrupt("a dimension is 0 (dimensions \(dimensions))") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, product <= 1 << 40 else {
                throw corrupt("implausible dimensions \(dimensions) (more than 2⁴⁰ elements)")
            }
            elements = product
        }
        let itemSize = elements / dimensions[0]
        if let maximumItemSize, itemSize > maximumItemSize {
            throw DataError.imagesTooLarge(path: path, dimensions: dimensions, maximumPixels: maximumItemSize)
        }
        let kept = Swift.min(dimensions[0], limit ?? dimensions[0])
        guard kept * itemSize <= budget else {
            throw DataError.tooLarge(path: path, dimensions: dimensions, elements: kept * itemSize, budget: budget)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Swift.min(kept * itemSize, 1 << 24))
        try source.read(kept * itemSize, into: &bytes, what: "the data of dimensions \(dimensions)")
        try source.skip(elements - kept * itemSize, what: "the data of dimensions \(dimensions)")
        try source.expectEnd(after: elements)
        var keptDimensions = dimensions
        keptDimensions[0] = kept
        return IDXFile(dimensions: keptDimensions, bytes: bytes, declaredCount: dimensions[0])
    }
}

/// The bytes of a raw or gzip file, read with plain `read(2)` and zlib's inflate, so that
/// every byte is accounted for and every error names its offset.
struct ByteSource {
    let path: String
    private var descriptor: Int32
    private var gzip: UnsafeMutablePointer<z_stream>?
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var inputCount = 0, inputStart = 0
    /// Bytes read from the file so far.
    private var fileOffset = 0
    /// The file's size when it was opened.
    private var fileSize = 0
    private var streamEnded = false

    init(path: String) throws {
        self.path = path
        // Refuse anything that is not a regular file before opening it: a FIFO would block.
        var info = stat()
        if stat(path, &info) != 0 { throw DataError.unreadableFile(path: path, reason: Self.explain(errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw DataError.unreadableFile(path: path, reason: "it is not a regular file (\(Self.kind(info.st_mode)))")
        }
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 { throw DataError.unreadableFile(path: path, reason: Self.explain(errno)) }
        // It could have been swapped for something else between stat and open.
        if fstat(descriptor, &info) != 0 || info.st_mode & S_IFMT != S_IFREG {
            Glibc.close(descriptor)
            throw DataError.unreadableFile(path: path, reason: "it is not a regular file")
        }
        fileSize = Int(info.st_size)
        try fill()
        if inputCount >= 2 && input[0] == 0x1F && input[1] == 0x8B {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 16 + 15: a gzip wrapper (header and CRC-32/length trailer) and a 32 KiB window.
            guard inflateInit2_(stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                Glibc.close(descriptor)
                throw DataError.corruptFile(path: path, reason: "zlib could not start")
            }
            gzip = stream
        }
    }

    mutating func close() {
        if let gzip { inflateEnd(gzip); gzip.deallocate(); self.gzip = nil }
        if descriptor >= 0 { Glibc.close(descriptor); descriptor = -1 }
    }

    static func explain(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "it does not exist"
        case EACCES, EPERM: return "permission denied"
        case ELOOP: return "a loop of symbolic links"
        case ENOTDIR: return "a folder on its path is not a folder"
        case EISDIR: return "it is a folder"
        default: return String(cString: strerror(code))
        }
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }

    func corrupt(_ reason: String) -> DataError { .corruptFile(path: path, reason: reason) }

    /// Refills the input buffer from the file when it is empty; false at the end of the file.
    @discardableResult
    private mutating func fill() throws -> Bool {
        guard inputStart == inputCount else { return true }
        while true {
            let got = input.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw corrupt("reading failed at byte \(fileOffset): \(Self.explain(errno))")
            }
            (inputStart, inputCount) = (0, got)
            fileOffset += got
            return got > 0
        }
    }

    /// Produces up to `count` decoded bytes into `destination`; 0 at the end of the data.
    private mutating func produce(_ destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let stream = gzip else {
            guard try fill() else { return 0 }
            let n = Swift.min(destination.count, inputCount - inputStart)
            input.withUnsafeBytes {
                destination.baseAddress!.copyMemory(from: $0.baseAddress! + inputStart, byteCount: n)
            }
            inputStart += n
            return n
        }
        guard !streamEnded else { return 0 }
        while true {
            guard try fill() else {
                throw corrupt(
                    "the gzip stream is cut off at byte \(fileOffset) (before its end and its CRC-32/length trailer)")
            }
            let consumedBefore = inputCount - inputStart
            let status: Int32 = input.withUnsafeMutableBytes { buffer in
                stream.pointee.next_in = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputStart
                stream.pointee.avail_in = uInt(consumedBefore)
                stream.pointee.next_out = destination.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(destination.count)
                return inflate(stream, Z_NO_FLUSH)
            }
            inputStart = inputCount - Int(stream.pointee.avail_in)
            let produced = destination.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                // A gzip file may hold several members one after another (RFC 1952, 2.2): their
                // data follow each other. Anything else after the last one is an error (expectEnd).
                if try (inputStart < inputCount || fill()) && inputCount - inputStart >= 2
                    && input[inputStart] == 0x1F && input[inputStart + 1] == 0x8B
                {
                    guard inflateReset(stream) == Z_OK else {
                        throw corrupt("zlib could not start the next gzip member")
                    }
                    if produced > 0 { return produced }
                    continue
                }
                streamEnded = true
                return produced
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                let offset = fileOffset - (inputCount - inputStart)
                let reason =
                    message.contains("check")
                    ? "the gzip CRC-32 or length does not match the data (\(message))" : message
                throw corrupt("corrupt gzip data at byte \(offset): \(reason)")
            }
        }
    }

    /// Appends exactly `count` bytes to `buffer`, or explains why it could not.
    mutating func read(_ count: Int, into buffer: inout [UInt8], what: String) throws {
        var chunk = [UInt8](repeating: 0, count: Swift.max(1, Swift.min(count, 1 << 20)))
        var remaining = count
        while remaining > 0 {
            let want = Swift.min(remaining, chunk.count)
            let got = try chunk.withUnsafeMutableBytes {
                try produce(UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
            }
            if got == 0 {
                throw corrupt("the file ends early: \(what) needs \(count) bytes, found \(count - remaining)")
            }
            buffer.append(contentsOf: chunk[0..<got])
            remaining -= got
        }
    }

    /// Reads and discards exactly `count` bytes; in a plain file, checks that they are there and
    /// moves past them without reading (a header that announces 10⁹ images costs no time).
    mutating func skip(_ count: Int, what: String) throws {
        if gzip == nil {
            let buffered = inputCount - inputStart, available = buffered + (fileSize - fileOffset)
            guard count <= available else {
                throw corrupt("the file ends early: \(what) needs \(count) more bytes, found \(available)")
            }
            if count <= buffered { inputStart += count; return }
            let jump = count - buffered
            guard lseek(descriptor, off_t(jump), SEEK_CUR) >= 0 else {
                throw corrupt("reading failed at byte \(fileOffset): \(Self.explain(errno))")
            }
            (inputStart, inputCount) = (0, 0)
            fileOffset += jump
            return
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var remaining = count
        while remaining > 0 {
            let want = Swift.min(remaining, chunk.count)
            let got = try chunk.withUnsafeMutableBytes {
                try produce(UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
            }
            if got == 0 {
                throw corrupt("the file ends early: \(what) needs \(count) more bytes, found \(count - remaining)")
            }
            remaining -= got
        }
    }

    /// Checks that nothing follows the data: no more decoded bytes, a complete gzip stream
    /// with a matching trailer, and no bytes after it.
    mutating func expectEnd(after elements: Int) throws {
        var probe = [UInt8](repeating: 0, count: 1)
        let extra = try probe.withUnsafeMutableBytes { try produce($0) }
        if extra > 0 { throw corrupt("unexpected data after the \(elements) elements the header announces") }
        let trailing = try gzip != nil && (inputStart < inputCount || fill())
        if trailing {
            throw corrupt(
                "unexpected bytes after the end of the gzip stream, at byte \(fileOffset - (inputCount - inputStart))")
        }
    }
}
