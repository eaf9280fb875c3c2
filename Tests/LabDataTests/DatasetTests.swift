import Foundation
import XCTest
@testable import LabData
import LabKit

final class DatasetTests: XCTestCase {
    func testEmbeddedSampleIsClassBalancedAndScaled() throws {
        let data = try DatasetSource.sample.load()
        XCTAssertEqual(data.train.count, 6000)
        XCTAssertEqual(data.test.count, 2000)
        XCTAssertEqual(data.train.images.shape, [6000, 784])
        XCTAssertEqual(data.side, 28)
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

    func testPrefixShuffleAndBatches() throws {
        let data = try DatasetSource.sample.load().prefix(train: 1000, test: 300)
        XCTAssertEqual(data.train.count, 1000)
        XCTAssertEqual(data.test.count, 300)
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        XCTAssertEqual(data.train.shuffled(using: &a).labels, data.train.shuffled(using: &b).labels)
        XCTAssertNotEqual(data.train.shuffled(using: &a).labels, data.train.labels)
        let batches = data.test.batches(of: 128)
        XCTAssertEqual(batches.map(\.count), [128, 128, 44])
    }

    func testMissingDatasetsSayWhereTheyLookedAndHowToInstall() {
        XCTAssertThrowsError(try DatasetSource.folder("/nonexistent/mnist").load()) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/mnist"))
            XCTAssertTrue("\(error)".contains("train-images-idx3-ubyte"))
        }
        let source = DatasetSource.fashionMNIST
        if DatasetSource.standardFiles(in: DatasetSource.systemFashionMNIST) == nil {
            XCTAssertThrowsError(try source.load(environment: ["LABKIT_DATA_DIR": "/nope"])) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("/nope") && message.contains(DatasetSource.systemFashionMNIST), message)
                XCTAssertTrue(message.contains("apt-get install dataset-fashion-mnist"), message)
            }
        }
        XCTAssertThrowsError(try DatasetSource.from(name: "cifar", dataDirectory: nil))
    }

    func testAnyIDXFolderAndTheDataDirEnvironmentVariable() throws {
        // A copy of the embedded sample's folder stands in for a user's MNIST folder.
        let sample = try XCTUnwrap(DatasetSource.sampleFolder)
        let copy = NSTemporaryDirectory() + "idx-folder-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: sample, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let viaFolder = try DatasetSource.folder(copy).load()
        XCTAssertEqual(viaFolder.train.count, 6000)
        XCTAssertEqual(viaFolder.classNames, (0..<10).map { "\($0)" }, "a folder not named for Fashion-MNIST gets digit class names")
        let viaEnvironment = try DatasetSource.fashionMNIST.load(environment: ["LABKIT_DATA_DIR": copy])
        XCTAssertEqual(viaEnvironment.location, copy)
        XCTAssertEqual(viaEnvironment.classNames[0], "T-shirt/top")
    }

    func testFullFashionMNISTWhenInstalled() throws {
        guard DatasetSource.standardFiles(in: DatasetSource.systemFashionMNIST) != nil else {
            throw XCTSkip("full Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist); .ci/run installs it")
        }
        let data = try DatasetSource.fashionMNIST.load(environment: [:])
        XCTAssertEqual(data.train.count, 60000)
        XCTAssertEqual(data.test.count, 10000)
        XCTAssertEqual(Set(data.train.labels), Set(0..<10))
        XCTAssertEqual(data.train.labels.filter { $0 == 3 }.count, 6000)
    }
}

