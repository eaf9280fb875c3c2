import Foundation
import XCTest

@testable import LabKit

final class SafeTensorsTests: XCTestCase {
    func testTheBytesFollowTheFormat() throws {
        let data = SafeTensors(tensors: ["a": Tensor([1, -2])]).encoded()
        let unsealed = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let unsealedPadded = unsealed + String(repeating: " ", count: (8 - unsealed.utf8.count % 8) % 8)
        var unsealedFile = Data(withUnsafeBytes(of: UInt64(unsealedPadded.utf8.count).littleEndian) { Array($0) })
        unsealedFile += Data(unsealedPadded.utf8) + Data([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        let checksum = SafeTensors.hex(fnv1a(unsealedFile))
        let header =
            #"{"__metadata__":{"fnv1a64":""# + checksum + #""},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        XCTAssertEqual(Array(data.prefix(8)), [UInt8(padded.utf8.count), 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(String(decoding: data[8..<(8 + padded.utf8.count)], as: UTF8.self), padded)
        // 1.0 = 0x3F800000 and −2.0 = 0xC0000000, little-endian.
        XCTAssertEqual(Array(data.suffix(8)), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testRoundTripKeepsEveryBitShapeAndMetadata() throws {
        let special: [Float] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-30, .pi,
        ]
        let original = SafeTensors(
            tensors: [
                "encoder.weight": Tensor(shape: [2, 4], scalars: special),
                "scalar": Tensor(3.5),
                "empty": Tensor(shape: [0, 3], scalars: []),
                "ünïcode name": Tensor([7]),
            ], metadata: ["flags": "--beta 3 --rho \"0.05\"\nnext line", "exercises": "Labs/ (your code)"])
        let path = NSTemporaryDirectory() + "/roundtrip-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try original.write(to: path)
        let read = try SafeTensors(contentsOf: path)
        XCTAssertEqual(read.metadata, original.metadata)
        XCTAssertEqual(Set(read.tensors.keys), Set(original.tensors.keys))
        for (name, tensor) in original.tensors {
            XCTAssertEqual(read.tensors[name]?.shape, tensor.shape, name)
            XCTAssertEqual(read.tensors[name]?.scalars.map(\.bitPattern), tensor.scalars.map(\.bitPattern), name)
        }
        XCTAssertEqual(
            try SafeTensors(contentsOf: path).encoded(), original.encoded(), "the same tensors give the same bytes")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
    }

    func testNaNSurvivesTheRoundTrip() throws {
        let read = try SafeTensors(data: SafeTensors(tensors: ["x": Tensor([.nan])]).encoded())
        XCTAssertTrue(read.tensors["x"]!.scalars[0].isNaN)
    }

    func testBrokenFilesAreClearErrors() throws {
        let good = SafeTensors(tensors: ["w": Tensor([[1, 2], [3, 4]])]).encoded()
        func reason(_ data: Data) -> String {
            do { _ = try SafeTensors(data: data, path: "m.safetensors"); return "read without error" } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(reason(Data([1, 2, 3])).contains("shorter than"))
        XCTAssertTrue(reason(good.prefix(good.count - 4)).contains("data_offsets"), reason(good.prefix(good.count - 4)))
        var flipped = good
        flipped[flipped.count - 1] ^= 0x01
        XCTAssertTrue(reason(flipped).contains("checksum"), reason(flipped))
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])
        XCTAssertTrue(reason(huge).contains("header length"))
        let float16 = Data(SafeTensors(tensors: ["w": Tensor([1, 2])]).encoded()).replacing(
            Data("F32".utf8), with: Data("F16".utf8))
        XCTAssertTrue(reason(float16).contains("only F32"))
        XCTAssertTrue(
            reason(good.prefix(8) + Data(repeating: 0x20, count: good.count - 8)).contains("not a JSON object"))
        XCTAssertTrue("\(try? SafeTensors(contentsOf: "/nonexistent/m.safetensors") as Any)".contains("nil"))
        // Shapes whose element count (or four times it) overflows, or exceeds the file: an error, not a crash.
        for shape in [
            "[2147483647,2147483647,2147483647]", "[1073741824,1073741824,8]", "[4611686018427387904]",
            "[3,0,2147483647]",
        ] {
            let header = "{\"w\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[0,16]}}"
            var bytes = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
            bytes += Data(header.utf8) + Data(repeating: 0, count: 16)
            XCTAssertTrue(
                reason(bytes).contains("data_offsets") || reason(bytes).contains("shape"), "\(shape): \(reason(bytes))")
        }
    }

    /// Hand-written headers (no checksum): the format's rules, one by one.
    func testHeadersMustFollowTheFormat() {
        func file(_ header: String, dataBytes: Int) -> Data {
            var bytes = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
            return bytes + Data(header.utf8) + Data(repeating: 0, count: dataBytes)
        }
        func reason(_ data: Data) -> String {
            do { _ = try SafeTensors(data: data, path: "m.safetensors"); return "read without error" } catch {
                return "\(error)"
            }
        }
        let fine =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        XCTAssertEqual(reason(file(fine, dataBytes: 12)), "read without error")
        XCTAssertTrue(reason(file(fine, dataBytes: 12)).contains("read without error"))
        XCTAssertTrue(
            reason(file(fine, dataBytes: 16)).contains("after the last tensor"), reason(file(fine, dataBytes: 16)))
        let overlap =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        XCTAssertTrue(reason(file(overlap, dataBytes: 8)).contains("overlaps"), reason(file(overlap, dataBytes: 8)))
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        XCTAssertTrue(reason(file(gap, dataBytes: 8)).contains("no tensor claims"), reason(file(gap, dataBytes: 8)))
        for shape in [#"[2.5]"#, #"[true]"#, #"["2"]"#, #"[2, null]"#, #"{"0": 2}"#] {
            let header = #"{"a":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,8]}}"#
            XCTAssertTrue(
                reason(file(header, dataBytes: 8)).contains("lists of integers"),
                "\(shape): \(reason(file(header, dataBytes: 8)))")
        }
        let noChecksum = file(fine, dataBytes: 12)
        XCTAssertThrowsError(try SafeTensors(data: noChecksum, requireChecksum: true))
    }

    /// 10,000 damaged copies of a model file — bytes flipped, replaced, inserted or deleted
    /// anywhere (the length, the JSON header, the values), or cut short: each is refused with a
    /// FormatError or, if it is read, holds exactly the original tensors and metadata. Never a
    /// crash, never a changed value used.
    func testDamagedFilesAreRefusedNeverMisread() {
        var rng = SeededGenerator(seed: 32)
        let original = SafeTensors(
            tensors: [
                "encoder.weight": Tensor.randomNormal([3, 4], using: &rng), "encoder.bias": Tensor([0.5, -1, 2, 0]),
                "scale": Tensor(2.5),
            ],
            metadata: ["flags": "--latent 5", "record": #"{"losses":[0.5,0.25]}"#])
        let good = [UInt8](original.encoded())
        let headerEnd = 8 + Int(good[0]) + Int(good[1]) << 8
        var refused = 0, readBack = 0
        for trial in 0..<10_000 {
            var bytes = good
            let edits = 1 + Int(rng.nextInt(below: 3))
            for _ in 0..<edits {
                // Half the edits land in the header (length and JSON), where parsing is decided.
                let inHeader = trial % 2 == 0
                let position = inHeader ? Int(rng.nextInt(below: headerEnd)) : Int(rng.nextInt(below: bytes.count))
                guard position < bytes.count else { continue }
                switch rng.nextInt(below: 5) {
                case 0: bytes[position] ^= UInt8(1 << rng.nextInt(below: 8))
                case 1: bytes[position] = UInt8(truncatingIfNeeded: rng.next())
                case 2: bytes.insert(Array("0123456789,:[]{}\" -e.".utf8)[rng.nextInt(below: 17)], at: position)
                case 3: bytes.remove(at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            do {
                let read = try SafeTensors(data: Data(bytes), requireChecksum: true)
                XCTAssertEqual(read, original, "trial \(trial): a damaged file was read with other contents")
                readBack += 1
            } catch is SafeTensors.FormatError {
                refused += 1
            } catch {
                XCTFail("trial \(trial): \(error) is not a FormatError")
            }
        }
        XCTAssertEqual(refused + readBack, 10_000)
        XCTAssertGreaterThan(refused, 9_000, "nearly every damage is detected")
    }
}
