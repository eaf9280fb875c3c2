import Foundation
import XCTest
@testable import LabKit

final class SafeTensorsTests: XCTestCase {
    func testTheBytesFollowTheFormat() throws {
        let data = SafeTensors(tensors: ["a": Tensor([1, -2])]).encoded()
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        XCTAssertEqual(Array(data.prefix(8)), [UInt8(padded.utf8.count), 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(String(decoding: data[8..<(8 + padded.utf8.count)], as: UTF8.self), padded)
        // 1.0 = 0x3F800000 and −2.0 = 0xC0000000, little-endian.
        XCTAssertEqual(Array(data.suffix(8)), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testRoundTripKeepsEveryBitShapeAndMetadata() throws {
        let special: [Float] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-30, .pi]
        let original = SafeTensors(tensors: [
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
        XCTAssertEqual(try SafeTensors(contentsOf: path).encoded(), original.encoded(), "the same tensors give the same bytes")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
    }

    func testNaNSurvivesTheRoundTrip() throws {
        let read = try SafeTensors(data: SafeTensors(tensors: ["x": Tensor([.nan])]).encoded())
        XCTAssertTrue(read.tensors["x"]!.scalars[0].isNaN)
    }

    func testBrokenFilesAreClearErrors() throws {
        let good = SafeTensors(tensors: ["w": Tensor([[1, 2], [3, 4]])]).encoded()
        func reason(_ data: Data) -> String {
            do { _ = try SafeTensors(data: data, path: "m.safetensors"); return "read without error" } catch { return "\(error)" }
        }
        XCTAssertTrue(reason(Data([1, 2, 3])).contains("shorter than"))
        XCTAssertTrue(reason(good.prefix(good.count - 4)).contains("data_offsets"), reason(good.prefix(good.count - 4)))
        var huge = good
        huge.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])
        XCTAssertTrue(reason(huge).contains("header length"))
        let float16 = Data(SafeTensors(tensors: ["w": Tensor([1, 2])]).encoded()).replacing(Data("F32".utf8), with: Data("F16".utf8))
        XCTAssertTrue(reason(float16).contains("only F32"))
        XCTAssertTrue(reason(good.prefix(8) + Data(repeating: 0x20, count: good.count - 8)).contains("not a JSON object"))
        XCTAssertTrue("\(try? SafeTensors(contentsOf: "/nonexistent/m.safetensors") as Any)".contains("nil"))
        // Shapes whose element count (or four times it) overflows, or exceeds the file: an error, not a crash.
        for shape in ["[2147483647,2147483647,2147483647]", "[1073741824,1073741824,8]", "[4611686018427387904]", "[3,0,2147483647]"] {
            let header = "{\"w\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[0,16]}}"
            var bytes = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
            bytes += Data(header.utf8) + Data(repeating: 0, count: 16)
            XCTAssertTrue(reason(bytes).contains("data_offsets") || reason(bytes).contains("shape"), "\(shape): \(reason(bytes))")
        }
    }
}
