import Foundation
import XCTest
@testable import LabData
import LabKit

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
        for d in [count, side, side] { bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
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
            ([0, 0, 8, 1, 0x7F, 0xFF, 0xFF, 0xFF], "implausible"),
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
            case 1: for _ in 0..<(1 + rng.nextInt(below: 6)) { bytes[rng.nextInt(below: bytes.count)] = UInt8(rng.nextInt(below: 256)) }
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
}
