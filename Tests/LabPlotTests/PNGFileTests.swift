import Foundation
import XCTest

@testable import LabPlot

final class PNGFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "labplot-tests-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func pattern(_ format: Image.Format, width: Int = 37, height: Int = 23) -> Image {
        Image(
            width: width, height: height, format: format,
            pixels: (0..<(width * height * format.channels)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 5) })
    }

    func testRoundTripForEveryColourType() throws {
        for format in [Image.Format.gray, .rgb, .rgba] {
            let image = pattern(format)
            let path = "\(folder!)/round-trip-\(format).png"
            try PNGFile.write(image, to: path)
            let back = try PNGFile.read(from: path)
            XCTAssertEqual(back, image, "\(format) pixels changed in a write/read round trip")
        }
    }

    func testMissingFoldersAreCreatedAndNoTemporaryFileRemains() throws {
        let path = "\(folder!)/a/b/c/figure.png"
        try PNGFile.write(pattern(.rgb), to: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(folder!)/a/b/c"), ["figure.png"])
    }

    func testSamePixelsGiveSameBytesAndHash() throws {
        try PNGFile.write(pattern(.rgb), to: "\(folder!)/one.png")
        try PNGFile.write(pattern(.rgb), to: "\(folder!)/two.png")
        XCTAssertEqual(
            FileManager.default.contents(atPath: "\(folder!)/one.png"),
            FileManager.default.contents(atPath: "\(folder!)/two.png"))
        XCTAssertEqual(pattern(.rgb).pixelHash, try PNGFile.read(from: "\(folder!)/two.png").pixelHash)
        XCTAssertNotEqual(pattern(.rgb).pixelHash, pattern(.rgb, width: 23, height: 37).pixelHash)
    }

    func testSHA256KnownAnswers() {
        XCTAssertEqual(
            SHA256.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hexDigest([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testLibpngErrorsBecomeSwiftErrors() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let notPNG = "\(folder!)/not-a.png"
        try Data("this is not a PNG file".utf8).write(to: URL(fileURLWithPath: notPNG))
        XCTAssertThrowsError(try PNGFile.read(from: notPNG)) { error in
            guard case .libpng(let path, let message)? = error as? PNGError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, notPNG)
            XCTAssertFalse(message.isEmpty)
        }
        // A truncated PNG: the header is fine, the data is cut off.
        let good = "\(folder!)/good.png"
        try PNGFile.write(pattern(.rgb, width: 200, height: 200), to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = "\(folder!)/truncated.png"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try PNGFile.read(from: truncated))
        XCTAssertThrowsError(try PNGFile.read(from: "\(folder!)/does-not-exist.png"))
    }

    func testUnwritablePathIsAClearError() throws {
        // A regular file where a folder should be: the folder cannot be created.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let blocker = "\(folder!)/blocker"
        try Data().write(to: URL(fileURLWithPath: blocker))
        XCTAssertThrowsError(try PNGFile.write(pattern(.gray), to: "\(blocker)/figure.png")) { error in
            XCTAssertTrue("\(error)".contains(blocker), "the error should name the path: \(error)")
        }
        if getuid() != 0 {  // root may write anywhere, so only check permissions as a normal user
            let readOnly = "\(folder!)/read-only"
            try FileManager.default.createDirectory(
                atPath: readOnly, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o555])
            XCTAssertThrowsError(try PNGFile.write(pattern(.gray), to: "\(readOnly)/figure.png"))
        }
    }
}
