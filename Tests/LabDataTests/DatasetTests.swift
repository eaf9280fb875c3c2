import Foundation
import LabKit
import XCTest

@testable import LabData

final class DatasetTests: XCTestCase {
    func testEmbeddedSampleIsClassBalancedAndScaled() throws {
        let data = try DatasetSource.sample.load()
        XCTAssertEqual(data.train.count, 6000)
        XCTAssertEqual(data.test.count, 2000)
        XCTAssertEqual(data.train.images.shape, [6000, 784])
        XCTAssertEqual([data.height, data.width, data.pixels], [28, 28, 784])
        XCTAssertEqual(data.classNames.count, 10)
        XCTAssertEqual(data.classNames[9], "Ankle boot")
        for c in 0..<10 {
            XCTAssertEqual(data.train.labels.filter { $0 == c }.count, 600)
            XCTAssertEqual(data.test.labels.filter { $0 == c }.count, 200)
        }
        XCTAssertEqual(data.train.images.min(), 0)
        XCTAssertEqual(data.train.images.max(), 1)
        // The first training image of Fashion-MNIST is an ankle boot.
        XCTAssertEqual(data.train.labels[0], 9)
    }

    func testLimitsKeepTheFirstImagesOfEachSplit() throws {
        let full = try DatasetSource.sample.load()
        let data = try DatasetSource.sample.load(trainLimit: 1000, testLimit: 300)
        XCTAssertEqual(data.train.count, 1000)
        XCTAssertEqual(data.test.count, 300)
        XCTAssertEqual(data.train.labels, Array(full.train.labels.prefix(1000)))
        XCTAssertEqual(data.test.images.rows(0..<1), full.test.images.rows(0..<1))
    }

    func testMissingDatasetsSayWhereTheyLookedAndHowToInstall() {
        XCTAssertThrowsError(try DatasetSource.folder("/nonexistent/mnist").load()) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/mnist"))
            XCTAssertTrue("\(error)".contains("train-images-idx3-ubyte"))
        }
        // LABKIT_DATA_DIR that is not a folder is an error naming it, not a silent fallback.
        XCTAssertThrowsError(try DatasetSource.fashionMNIST.load(environment: ["LABKIT_DATA_DIR": "/nope"])) { error in
            XCTAssertTrue("\(error)".contains("LABKIT_DATA_DIR is set to /nope"), "\(error)")
        }
        XCTAssertThrowsError(try DatasetSource.from(name: "cifar", dataDirectory: nil))
        // A folder missing one file names that file.
        let partial = NSTemporaryDirectory() + "partial-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: partial) }
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"] {
            FileManager.default.createFile(atPath: "\(partial)/\(name)", contents: Data())
        }
        XCTAssertThrowsError(try DatasetSource.folder(partial).load()) { error in
            XCTAssertTrue(
                "\(error)".contains("t10k-labels-idx1-ubyte") && "\(error)".contains("does not exist"), "\(error)")
        }
    }

    func testAnyIDXFolderAndTheDataDirEnvironmentVariable() throws {
        // A copy of the embedded sample's folder stands in for a user's MNIST folder.
        let sample = try XCTUnwrap(DatasetSource.sampleFolder)
        let copy = NSTemporaryDirectory() + "idx-folder-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: sample, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let viaFolder = try DatasetSource.folder(copy).load()
        XCTAssertEqual(viaFolder.train.count, 6000)
        XCTAssertEqual(
            viaFolder.classNames, (0..<10).map { "\($0)" },
            "a folder not named for Fashion-MNIST gets digit class names")
        let viaEnvironment = try DatasetSource.fashionMNIST.load(environment: ["LABKIT_DATA_DIR": copy])
        XCTAssertEqual(viaEnvironment.location, copy)
        XCTAssertEqual(viaEnvironment.classNames[0], "T-shirt/top")
    }

    /// Training files whose headers claim 10⁹ images and labels (sparse files of that size): a run
    /// that keeps 300 reads 300 images and at most 10,000 labels, and is done at once.
    func testAHugeDeclaredTrainingSetCostsNothingWhenFewImagesAreKept() throws {
        let sample = try XCTUnwrap(DatasetSource.sampleFolder)
        let folder = NSTemporaryDirectory() + "idx-huge-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: sample, toPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let count = 1_000_000_000
        func header(_ rank: UInt8, _ dimensions: [Int]) -> Data {
            Data([0, 0, 8, rank] + dimensions.flatMap { d in (0..<4).reversed().map { UInt8(d >> (8 * $0) & 0xFF) } })
        }
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"] {
            for existing in [name, name + ".gz"] {
                try? FileManager.default.removeItem(atPath: "\(folder)/\(existing)")
            }
        }
        let images = "\(folder)/train-images-idx3-ubyte", labels = "\(folder)/train-labels-idx1-ubyte"
        FileManager.default.createFile(atPath: images, contents: header(3, [count, 28, 28]))
        FileManager.default.createFile(atPath: labels, contents: header(1, [count]))
        XCTAssertEqual(truncate(images, off_t(16 + count * 784)), 0)
        XCTAssertEqual(truncate(labels, off_t(8 + count)), 0)
        let start = Date()
        let data = try DatasetSource.folder(folder).load(trainLimit: 300, testLimit: 100)
        XCTAssertEqual(data.train.count, 300)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "neither file should be read to its end")
    }

    func testFullFashionMNISTWhenInstalled() throws {
        guard (try? DatasetSource.standardFiles(in: DatasetSource.systemFashionMNIST)) != nil else {
            throw XCTSkip(
                "full Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist); .ci/run installs it")
        }
        let data = try DatasetSource.fashionMNIST.load(environment: [:])
        XCTAssertEqual(data.train.count, 60000)
        XCTAssertEqual(data.test.count, 10000)
        XCTAssertEqual(Set(data.train.labels), Set(0..<10))
        XCTAssertEqual(data.train.labels.filter { $0 == 3 }.count, 6000)
        // Recognised by its test labels in a folder of any name, and trimmed while reading.
        let folder = NSTemporaryDirectory() + "digits-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in try FileManager.default.contentsOfDirectory(atPath: DatasetSource.systemFashionMNIST) {
            try FileManager.default.createSymbolicLink(
                atPath: "\(folder)/\(name)", withDestinationPath: "\(DatasetSource.systemFashionMNIST)/\(name)")
        }
        let renamed = try DatasetSource.folder(folder).load(trainLimit: 100, testLimit: 50)
        XCTAssertEqual(renamed.classNames, DatasetSource.fashionClassNames)
        XCTAssertEqual([renamed.train.count, renamed.test.count], [100, 50])
        XCTAssertEqual(renamed.train.labels, Array(data.train.labels.prefix(100)))
    }
}
