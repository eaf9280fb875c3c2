import Foundation
import LabKit
import XCTest

@testable import LabData

final class IDXFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "labdata-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    /// A valid raw IDX file of `count` images of side × side bytes.
    func idx(count: Int, side: Int) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, 3]
        for d in [count, side, side] {
            bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)]
        }
        return bytes + (0..<(count * side * side)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    }

    func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = "\(folder!)/\(name)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func gzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-kf", "-n", path]
        try process.run()
        process.waitUntilExit()
        return path + ".gz"
    }

    func testReadsRawAndGzipFiles() throws {
        let raw = write(idx(count: 5, side: 4), "five")
        let file = try IDXFile.read(raw)
        XCTAssertEqual(file.dimensions, [5, 4, 4])
        XCTAssertEqual(file.bytes.count, 80)
        XCTAssertEqual(try IDXFile.read(try gzip(raw)), file)
    }

    func testRejectsBadHeadersWithMessagesNamingTheFile() {
        let cases: [([UInt8], String)] = [
            ([1, 2, 8, 3], "magic"),
            ([0, 0, 0x0D, 1, 0, 0, 0, 1, 0], "element type"),
            ([0, 0, 8, 9], "dimensions"),
            ([0, 0, 8, 1, 0x7F, 0xFF, 0xFF, 0xFF], "memory budget"),
            ([0, 0, 8, 4, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 9, 0, 0, 0, 9], "implausible"),
            ([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2], "ends early"),
            ([0, 0, 8, 1, 0, 0, 0, 2, 7, 7, 7], "after the"),
            ([0, 0], "ends early"),
        ]
        for (i, (bytes, expected)) in cases.enumerated() {
            let path = write(bytes, "bad\(i)")
            XCTAssertThrowsError(try IDXFile.read(path)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(path) && message.contains(expected), "case \(i): \(message)")
            }
        }
    }

    func testBrokenGzipIsAClearError() throws {
        var gz = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try gzip(write(idx(count: 30, side: 8), "g")))))
        for i in stride(from: 20, to: gz.count - 10, by: 7) { gz[i] ^= 0x5A }
        let path = write(gz, "broken.gz")
        XCTAssertThrowsError(try IDXFile.read(path)) { XCTAssertTrue("\($0)".contains(path)) }
    }

    /// Thousands of randomly mutated and truncated files, raw and gzipped: each read must give
    /// a clean `DataError` or a valid array — never a crash, a hang or a huge allocation.
    func testMutatedAndTruncatedFilesGiveCleanErrorsOrValidResults() throws {
        var rng = SeededGenerator(seed: 77)
        let rawOriginal = idx(count: 12, side: 10)
        let gzOriginal = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try gzip(write(rawOriginal, "original")))))
        var errors = 0, valid = 0
        for trial in 0..<3000 {
            var bytes = trial % 2 == 0 ? rawOriginal : gzOriginal
            switch rng.nextInt(below: 4) {
            case 0: bytes = Array(bytes.prefix(rng.nextInt(below: bytes.count)))
            case 1:
                for _ in 0..<(1 + rng.nextInt(below: 6)) {
                    bytes[rng.nextInt(below: bytes.count)] = UInt8(rng.nextInt(below: 256))
                }
            case 2: bytes[rng.nextInt(below: Swift.min(16, bytes.count))] = UInt8(rng.nextInt(below: 256))
            default:
                bytes = Array(bytes.prefix(rng.nextInt(below: bytes.count)))
                if !bytes.isEmpty { bytes[rng.nextInt(below: bytes.count)] ^= 0xFF }
            }
            let path = write(bytes, trial % 2 == 0 ? "mutant" : "mutant.gz")
            do {
                let file = try IDXFile.read(path)
                XCTAssertEqual(file.bytes.count, file.dimensions.reduce(1, *), "trial \(trial)")
                XCTAssertLessThanOrEqual(file.bytes.count, IDXFile.maximumElements)
                valid += 1
            } catch let error as DataError {
                XCTAssertTrue(error.description.contains(path), "trial \(trial): \(error)")
                errors += 1
            }
        }
        XCTAssertEqual(errors + valid, 3000)
        XCTAssertGreaterThan(errors, 1000, "most mutants should be rejected")
    }

    /// Not a regular file, missing, a symlink loop: each names the file and the cause, and a
    /// FIFO is refused before it is opened (opening one would block).
    func testFilesThatAreNotRegularFilesAreRefusedWithTheirCause() throws {
        let fifo = "\(folder!)/fifo-idx"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let loop = "\(folder!)/loop"
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let cases: [(String, String)] = [
            (fifo, "a FIFO"), (folder!, "a folder"), ("\(folder!)/missing", "does not exist"),
            (loop, "loop of symbolic links"), ("/dev/zero", "a device"),
        ]
        for (path, cause) in cases {
            XCTAssertThrowsError(try IDXFile.read(path)) { error in
                XCTAssertTrue("\(error)".contains(path) && "\(error)".contains(cause), "\(path): \(error)")
            }
        }
        if getuid() != 0 {  // root reads anything
            let locked = write(idx(count: 2, side: 2), "locked")
            chmod(locked, 0)
            XCTAssertThrowsError(try IDXFile.read(locked)) {
                XCTAssertTrue("\($0)".contains("permission denied"), "\($0)")
            }
        }
    }

    /// The gzip trailer is checked: a wrong CRC-32, a wrong length, a stream cut anywhere in
    /// its last bytes, and bytes after the stream are all errors naming the file.
    func testGzipIntegrityIsChecked() throws {
        let gz = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try gzip(write(idx(count: 20, side: 6), "ok")))))
        XCTAssertNoThrow(try IDXFile.read(write(gz, "ok-again.gz")))
        var crc = gz; crc[crc.count - 6] ^= 0x01
        var length = gz; length[length.count - 2] ^= 0x01
        var cases: [([UInt8], String)] = [
            (crc, "CRC"), (length, "CRC-32 or length"),
            (gz + [0], "after the end of the gzip stream"),
            (gz + gz, "unexpected data after the 720 elements"),
        ]
        for cut in 1...12 { cases.append((Array(gz.dropLast(cut)), "cut off")) }
        for (i, (bytes, expected)) in cases.enumerated() {
            let path = write(bytes, "bad-\(i).gz")
            XCTAssertThrowsError(try IDXFile.read(path)) { error in
                XCTAssertTrue("\(error)".contains(path) && "\(error)".contains(expected), "case \(i): \(error)")
            }
        }
    }

    /// A gzip file of several members (RFC 1952: `cat a.gz b.gz`) holds their data one after another.
    func testGzipMembersFollowEachOther() throws {
        let bytes = idx(count: 9, side: 5)
        let first = try gzip(write(Array(bytes.prefix(100)), "part1")),
            second = try gzip(write(Array(bytes.dropFirst(100)), "part2"))
        let joined = try Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second))
        XCTAssertEqual(try IDXFile.read(write([UInt8](joined), "joined.gz")), try IDXFile.read(write(bytes, "whole")))
    }

    /// A plain file whose header announces 10⁷ images (a sparse file of that size): the first
    /// ones are read and the rest is checked by the file's size, not read.
    func testAHugeDeclaredCountCostsNoTime() throws {
        let count = 10_000_000, side = 28
        let path = write(Array(idx(count: 1, side: side).prefix(16)), "sparse")
        var header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        header.replaceSubrange(
            4..<8,
            with: [UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
        FileManager.default.createFile(atPath: path, contents: Data(header))
        XCTAssertEqual(truncate(path, off_t(16 + count * side * side)), 0)
        let start = Date()
        let file = try IDXFile.read(path, keepingFirst: 300)
        XCTAssertEqual(file.dimensions, [300, side, side])
        XCTAssertEqual(file.declaredCount, count)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "the rest of the file should not be read")
        XCTAssertEqual(truncate(path, off_t(16 + count * side * side - 1)), 0)
        XCTAssertThrowsError(try IDXFile.read(path, keepingFirst: 300)) {
            XCTAssertTrue("\($0)".contains("ends early"), "\($0)")
        }
    }

    /// A header that declares more than the budget is refused before anything is allocated,
    /// with the number of images that would fit; a limit keeps the first items only.
    func testSizeBombsAreRefusedBeforeAllocatingAndLimitsKeepTheFirstItems() throws {
        // 16384 × 16384 declared, a few bytes of data.
        let bomb = write(
            [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0] + [UInt8](repeating: 0, count: 100), "bomb")
        XCTAssertThrowsError(try IDXFile.read(bomb, maximumElements: 64 << 20)) { error in
            XCTAssertTrue("\(error)".contains(bomb) && "\(error)".contains("--train-size"), "\(error)")
        }
        let path = write(idx(count: 50, side: 3), "fifty")
        let all = try IDXFile.read(path)
        let first = try IDXFile.read(path, keepingFirst: 7)
        XCTAssertEqual(first.dimensions, [7, 3, 3])
        XCTAssertEqual(first.declaredCount, 50)
        XCTAssertEqual(first.bytes, Array(all.bytes.prefix(63)))
        XCTAssertThrowsError(try IDXFile.read(path, maximumElements: 100)) {
            XCTAssertTrue("\($0)".contains("at most 11"), "\($0)")
        }
    }

    /// Over 2,000 files made from a valid one, region by region: every header byte set to each of
    /// several values, truncation at every offset of the raw and the gzip file, single-byte
    /// corruption of the gzip stream, trailing bytes. Each must load correctly or throw a
    /// `DataError` naming the file.
    func testSystematicCorruptionOfEveryRegion() throws {
        let raw = idx(count: 10, side: 6)
        let gz = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try gzip(write(raw, "base")))))
        var variants: [([UInt8], String)] = []
        for offset in 0..<16 {
            for value: UInt8 in [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 0x0D, 0x10, 0x7F, 0x80, 0xFE, 0xFF] {
                var b = raw; b[offset] = value; variants.append((b, "h"))
            }
        }
        for cut in 0..<raw.count { variants.append((Array(raw.prefix(cut)), "t")) }
        for cut in 0..<gz.count { variants.append((Array(gz.prefix(cut)), "t.gz")) }
        for offset in 0..<gz.count {
            for mask: UInt8 in [0x01, 0x10, 0x80, 0xFF] { var b = gz; b[offset] ^= mask; variants.append((b, "c.gz")) }
        }
        for extra in 1...40 {
            variants.append((raw + [UInt8](repeating: UInt8(extra), count: extra), "x"));
            variants.append((gz + [UInt8](repeating: 0, count: extra), "x.gz"))
        }
        XCTAssertGreaterThanOrEqual(variants.count, 2000)
        var valid = 0, rejected = 0
        for (i, (bytes, kind)) in variants.enumerated() {
            let path = write(bytes, "v\(i)-\(kind)")
            do {
                let file = try IDXFile.read(path)
                XCTAssertEqual(file.bytes.count, file.dimensions.reduce(1, *))
                valid += 1
            } catch let error as DataError {
                XCTAssertTrue(error.description.contains(path), "\(i): \(error)")
                rejected += 1
            }
        }
        XCTAssertEqual(valid + rejected, variants.count)
        // Every truncation, every trailing byte and every corruption of the gzip trailer is caught.
        XCTAssertGreaterThan(rejected, variants.count / 2)
        print("systematic corruption: \(variants.count) files, \(rejected) clean errors, \(valid) valid")
    }
}
