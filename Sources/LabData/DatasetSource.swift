import Foundation
import LabKit

/// Where a lab's images come from (`--dataset NAME`, `--data-dir DIR`).
public enum DatasetSource: Equatable, Sendable {
    /// The class-balanced Fashion-MNIST sample embedded in the package (6,000 train, 2,000 test).
    case sample
    /// The full Fashion-MNIST: `$LABKIT_DATA_DIR`, else /usr/share/datasets/fashion-mnist.
    case fashionMNIST
    /// Any folder with the four standard IDX file names (MNIST, KMNIST, …), gzipped or not.
    case folder(String)

    /// The folder of the embedded sample inside the package's resources.
    public static var sampleFolder: String? { Bundle.module.url(forResource: "fashion-sample", withExtension: nil)?.path }

    /// The Debian package's folder.
    public static let systemFashionMNIST = "/usr/share/datasets/fashion-mnist"
    public static let installHint = "Install the full Fashion-MNIST with:  sudo apt-get install dataset-fashion-mnist\n"
        + "or point LABKIT_DATA_DIR (or --data-dir) at a folder with train-images-idx3-ubyte(.gz) and the other three IDX files."

    /// Parses `--dataset` and `--data-dir`.
    public static func from(name: String, dataDirectory: String?) throws -> DatasetSource {
        if let dataDirectory { return .folder(dataDirectory) }
        switch name.lowercased() {
        case "sample": return .sample
        case "fashion-mnist", "fashion_mnist", "fashionmnist", "full": return .fashionMNIST
        default:
            throw DataError.invalidArgument("unknown dataset \"\(name)\": use sample, fashion-mnist, or --data-dir DIR")
        }
    }

    public static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Loads the dataset.
    /// - Throws: `DataError.missingDataset` saying where it looked and how to install it, or
    ///   `DataError.corruptFile` naming a damaged file.
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Dataset {
        switch self {
        case .sample:
            guard let folder = Self.sampleFolder else {
                throw DataError.missingDataset(name: "embedded sample", looked: [Bundle.module.bundlePath], hint: "The package resources are missing; rebuild with `swift build`.")
            }
            return try Self.loadFolder(folder, name: "Fashion-MNIST sample", classNames: Self.fashionClassNames)
        case .fashionMNIST:
            var candidates: [String] = []
            if let custom = environment["LABKIT_DATA_DIR"], !custom.isEmpty { candidates.append(custom) }
            candidates.append(Self.systemFashionMNIST)
            for folder in candidates where Self.standardFiles(in: folder) != nil {
                return try Self.loadFolder(folder, name: "Fashion-MNIST", classNames: Self.fashionClassNames)
            }
            throw DataError.missingDataset(name: "full Fashion-MNIST", looked: candidates, hint: Self.installHint)
        case .folder(let folder):
            guard Self.standardFiles(in: folder) != nil else {
                throw DataError.missingDataset(name: "IDX", looked: [folder],
                    hint: "The folder needs train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz).")
            }
            let isFashion = folder.lowercased().contains("fashion")
            return try Self.loadFolder(folder, name: URL(fileURLWithPath: folder).lastPathComponent,
                                       classNames: isFashion ? Self.fashionClassNames : nil)
        }
    }

    /// The paths of the four standard files in a folder (each raw or .gz), if all exist.
    static func standardFiles(in folder: String) -> [String]? {
        let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        let found = names.compactMap { name in
            [name + ".gz", name].map { "\(folder)/\($0)" }.first { FileManager.default.isReadableFile(atPath: $0) }
        }
        return found.count == names.count ? found : nil
    }

    /// Loads the four IDX files of a folder; labels are digits unless class names are given.
    public static func loadFolder(_ folder: String, name: String, classNames: [String]?) throws -> Dataset {
        guard let paths = standardFiles(in: folder) else {
            throw DataError.missingDataset(name: name, looked: [folder], hint: installHint)
        }
        // The four files are independent: read them on all cores.
        nonisolated(unsafe) var results = [Result<IDXFile, Error>?](repeating: nil, count: 4)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: 4) { i in slots[i] = Result { try IDXFile.read(paths[i]) } }
        }
        let files = try results.map { try $0!.get() }
        let train = try split(images: files[0], labels: files[1], paths: (paths[0], paths[1]))
        let test = try split(images: files[2], labels: files[3], paths: (paths[2], paths[3]))
        let side = files[0].dimensions.count == 3 ? files[0].dimensions[1] : 0
        guard files[2].dimensions.count == 3, files[2].dimensions[1...] == files[0].dimensions[1...] else {
            throw DataError.mismatch("train images are \(files[0].dimensions.dropFirst()) but test images are \(files[2].dimensions.dropFirst()) in \(folder)")
        }
        let classCount = (train.labels + test.labels).max().map { $0 + 1 } ?? 0
        let names = classNames ?? (0..<Swift.max(classCount, 10)).map { "\($0)" }
        guard classCount <= names.count else {
            throw DataError.corruptFile(path: paths[1], reason: "label \(classCount - 1) is out of range for \(names.count) classes")
        }
        return Dataset(name: name, location: folder, train: train, test: test, classNames: names, side: side)
    }

    private static func split(images: IDXFile, labels: IDXFile, paths: (String, String)) throws -> DataSplit {
        guard images.dimensions.count == 3, images.dimensions[1] == images.dimensions[2] else {
            throw DataError.corruptFile(path: paths.0, reason: "expected N×side×side images, found dimensions \(images.dimensions)")
        }
        guard labels.dimensions.count == 1 else {
            throw DataError.corruptFile(path: paths.1, reason: "expected one dimension of labels, found \(labels.dimensions)")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DataError.mismatch("\(paths.0) holds \(images.dimensions[0]) images but \(paths.1) holds \(labels.dimensions[0]) labels")
        }
        let pixels = images.dimensions[1] * images.dimensions[2]
        var scaled = [Float](repeating: 0, count: images.bytes.count)
        images.bytes.withUnsafeBufferPointer { src in
            scaled.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count { dst[i] = Float(src[i]) / 255 }
            }
        }
        return DataSplit(images: Tensor(shape: [images.dimensions[0], pixels], scalars: scaled), labels: labels.bytes.map(Int.init))
    }
}
