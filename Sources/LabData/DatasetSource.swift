import Foundation
import LabKit

/// Where a lab's images come from (`--dataset NAME`, `--data-dir DIR`).
package enum DatasetSource: Equatable, Sendable {
    /// The class-balanced Fashion-MNIST sample embedded in the package (6,000 train, 2,000 test).
    case sample
    /// The full Fashion-MNIST: `$LABKIT_DATA_DIR`, else /usr/share/datasets/fashion-mnist.
    case fashionMNIST
    /// Any folder with the four standard IDX file names (MNIST, KMNIST, …), gzipped or not.
    case folder(String)

    /// The folder of the embedded sample inside the package's resources.
    package static var sampleFolder: String? {
        Bundle.module.url(forResource: "fashion-sample", withExtension: nil)?.path
    }

    /// The Debian package's folder.
    package static let systemFashionMNIST = "/usr/share/datasets/fashion-mnist"
    package static let installHint =
        "Install the full Fashion-MNIST with:  sudo apt-get install dataset-fashion-mnist\n"
        + "or point LABKIT_DATA_DIR (or --data-dir) at a folder with train-images-idx3-ubyte(.gz) "
        + "and the other three IDX files."

    /// Parses `--dataset` and `--data-dir`.
    package static func from(name: String, dataDirectory: String?) throws -> DatasetSource {
        if let dataDirectory { return .folder(dataDirectory) }
        switch name.lowercased() {
        case "sample": return .sample
        case "fashion-mnist", "fashion_mnist", "fashionmnist", "full": return .fashionMNIST
        default:
            throw DataError.invalidArgument("unknown dataset \"\(name)\": use sample, fashion-mnist, or --data-dir DIR")
        }
    }

    package static let fashionClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// How many images a load may hold as Float32 (256 Mi values = 1 GiB), across both splits.
    package static let memoryBudget = 256 << 20

    /// Loads the dataset, keeping the first `trainLimit` / `testLimit` images of each split.
    /// - Throws: `DataError.missingDataset` saying where it looked and how to install it,
    ///   `DataError.unreadableFile` / `.corruptFile` naming a damaged file and the cause, or
    ///   `DataError.tooLarge` (with the --train-size that would fit).
    package func load(
        trainLimit: Int? = nil, testLimit: Int? = nil, maximumPixels: Int? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Dataset {
        switch self {
        case .sample:
            guard let folder = Self.sampleFolder else {
                throw DataError.missingDataset(
                    name: "embedded sample", looked: [Bundle.module.bundlePath],
                    hint: "The package resources are missing; rebuild with `swift build`.")
            }
            return try Self.loadFolder(
                folder, name: "Fashion-MNIST sample", classNames: Self.fashionClassNames, trainLimit: trainLimit,
                testLimit: testLimit, maximumPixels: maximumPixels)
        case .fashionMNIST:
            // LABKIT_DATA_DIR (if set) or the Debian package's folder — one place, never a silent fallback.
            let folder: String
            if let custom = environment["LABKIT_DATA_DIR"], !custom.isEmpty {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: custom, isDirectory: &isFolder), isFolder.boolValue else {
                    throw DataError.invalidArgument(
                        "LABKIT_DATA_DIR is set to \(custom), which is not a folder. Unset it to use "
                            + "\(Self.systemFashionMNIST), or point it at a folder with the four IDX files."
                    )
                }
                folder = custom
            } else {
                folder = Self.systemFashionMNIST
            }
            guard FileManager.default.fileExists(atPath: folder) else {
                throw DataError.missingDataset(name: "full Fashion-MNIST", looked: [folder], hint: Self.installHint)
            }
            return try Self.loadFolder(
                folder, name: "Fashion-MNIST", classNames: Self.fashionClassNames, trainLimit: trainLimit,
                testLimit: testLimit, maximumPixels: maximumPixels)
        case .folder(let folder):
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw DataError.missingDataset(
                    name: "IDX", looked: [folder],
                    hint:
                        "--data-dir needs a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                        + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz)."
                )
            }
            return try Self.loadFolder(
                folder, name: URL(fileURLWithPath: folder).lastPathComponent, classNames: nil, trainLimit: trainLimit,
                testLimit: testLimit, maximumPixels: maximumPixels)
        }
    }

    static let standardNames = [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ]

    /// The path of each standard file in a folder: NAME.gz if that exists (as anything), else NAME.
    /// - Throws: `DataError.unreadableFile` naming the first file that exists in neither form.
    static func standardFiles(in folder: String) throws -> [String] {
        try standardNames.map { name in
            var info = stat()
            for candidate in ["\(folder)/\(name).gz", "\(folder)/\(name)"] where lstat(candidate, &info) == 0 {
                return candidate
            }
            throw DataError.unreadableFile(
                path: "\(folder)/\(name)(.gz)",
                reason:
                    "it does not exist (the folder needs \(standardNames.joined(separator: ", ")), each optionally .gz)"
            )
        }
    }

    /// FNV-1a of the 10,000 Fashion-MNIST test labels: a folder whose test labels hash to it
    /// is Fashion-MNIST, whatever its path, and gets its class names.
    static let fashionTestLabelsFingerprint: UInt64 = 0x25BD_F812_3F06_FAC3

    /// Loads the four IDX files of a folder. Class names are Fashion-MNIST's when the data
    /// is Fashion-MNIST (`classNames`, or recognised by its test labels), else the label values.
    package static func loadFolder(
        _ folder: String, name: String, classNames: [String]?, trainLimit: Int? = nil, testLimit: Int? = nil,
        maximumPixels: Int? = nil
    ) throws -> Dataset {
        let paths = try standardFiles(in: folder)
        let budget = memoryBudget
        // The four files are independent: read them on all cores.
        nonisolated(unsafe) var results = [Result<IDXFile, Error>?](repeating: nil, count: 4)
        // Labels as far as the images are kept, and at least 10,000 (all of Fashion-MNIST's test
        // labels, which identify it): a header that claims 10⁹ labels costs nothing when 1,000 are used.
        let labelLimit = { (images: Int?) in images.map { Swift.max($0, 10_000) } }
        let limits = [trainLimit, labelLimit(trainLimit), testLimit, labelLimit(testLimit)]
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: 4) { i in
                slots[i] = Result {
                    try IDXFile.read(
                        paths[i], keepingFirst: limits[i],
                        maximumElements: i % 2 == 0 ? budget / 2 : IDXFile.maximumElements,
                        maximumItemSize: i % 2 == 0 ? maximumPixels : nil)
                }
            }
        }
        // Report the first failing file in the standard order, so the message names the right one.
        let files = try results.map { try $0!.get() }
        guard files[0].dimensions.count == 3, files[2].dimensions.count == 3 else {
            let bad = files[0].dimensions.count == 3 ? 2 : 0
            throw DataError.corruptFile(
                path: paths[bad],
                reason: "expected N × height × width images, found dimensions \(files[bad].dimensions)")
        }
        guard files[2].dimensions[1...] == files[0].dimensions[1...] else {
            throw DataError.mismatch(
                "the training images are \(files[0].dimensions[1]) × \(files[0].dimensions[2]) but the test images "
                    + "are \(files[2].dimensions[1]) × \(files[2].dimensions[2]) (\(paths[0]), \(paths[2]))"
            )
        }
        let train = try split(images: files[0], labels: files[1], paths: (paths[0], paths[1]))
        let test = try split(images: files[2], labels: files[3], paths: (paths[2], paths[3]))
        let isFashion =
            classNames != nil
            || (files[3].dimensions == [10000] && fnv1a(files[3].bytes) == fashionTestLabelsFingerprint)
        let names: [String]
        if isFashion {
            names = classNames ?? fashionClassNames
            for (labels, path) in [(train.labels, paths[1]), (test.labels, paths[3])] {
                if let bad = labels.first(where: { $0 >= names.count }) {
                    throw DataError.corruptFile(
                        path: path, reason: "label \(bad) is out of range for the \(names.count) Fashion-MNIST classes")
                }
            }
        } else {
            let classCount = (train.labels + test.labels).max().map { $0 + 1 } ?? 1
            names = (0..<classCount).map { "\($0)" }
        }
        return Dataset(
            name: isFashion && classNames == nil ? "Fashion-MNIST" : name, location: folder, train: train, test: test,
            classNames: names,
            height: files[0].dimensions[1], width: files[0].dimensions[2])
    }

    private static func split(images: IDXFile, labels full: IDXFile, paths: (String, String)) throws -> DataSplit {
        guard full.dimensions.count == 1 else {
            throw DataError.corruptFile(
                path: paths.1, reason: "expected one dimension of labels, found \(full.dimensions)")
        }
        guard images.declaredCount == full.declaredCount else {
            throw DataError.mismatch(
                "\(paths.0) holds \(images.declaredCount) images but \(paths.1) holds \(full.declaredCount) labels")
        }
        let labels = full.bytes.prefix(images.dimensions[0])
        let pixels = images.dimensions[1] * images.dimensions[2]
        var scaled = [Float](repeating: 0, count: images.bytes.count)
        images.bytes.withUnsafeBufferPointer { src in
            scaled.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count { dst[i] = Float(src[i]) / 255 }
            }
        }
        return DataSplit(
            images: Tensor(shape: [images.dimensions[0], pixels], scalars: scaled), labels: labels.map(Int.init))
    }
}
