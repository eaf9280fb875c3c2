import Foundation
import LabKit

/// Images and labels of one split. Shape legend: N images of height × width pixels.
public struct DataSplit: Sendable {
    /// [N, height · width], pixels scaled to [0, 1].
    public let images: Tensor
    /// N labels in 0..<classCount.
    public let labels: [Int]

    public var count: Int { labels.count }

    public init(images: Tensor, labels: [Int]) {
        precondition(images.rowCount == labels.count, "\(images.rowCount) images but \(labels.count) labels")
        self.images = images
        self.labels = labels
    }

    /// The first n examples (all of them when n is nil or larger).
    public func prefix(_ n: Int?) -> DataSplit {
        guard let n, n < count else { return self }
        return DataSplit(images: images.rows(0..<n), labels: Array(labels.prefix(n)))
    }

    /// The examples at `indices`, in that order.
    public func gather(_ indices: [Int]) -> DataSplit {
        DataSplit(images: images.gatherRows(indices), labels: indices.map { labels[$0] })
    }

    /// A seeded shuffle of the examples.
    public func shuffled(using generator: inout SeededGenerator) -> DataSplit { gather(generator.permutation(count)) }

    /// Minibatches of `size` examples in order (the last one may be smaller).
    public func batches(of size: Int) -> [DataSplit] {
        stride(from: 0, to: count, by: size).map { gather(Array($0..<Swift.min(count, $0 + size))) }
    }

    /// The index of the first example of each class (handy for figures).
    public func firstIndex(ofEachClassIn classes: Int) -> [Int] {
        (0..<classes).compactMap { c in labels.firstIndex(of: c) }
    }
}

/// A labelled image dataset with a training and a held-out test split.
public struct Dataset: Sendable {
    public let name: String
    /// Where it was read from (a folder), for reports.
    public let location: String
    public let train: DataSplit
    public let test: DataSplit
    public let classNames: [String]
    /// The image shape: every row of `images` is one height × width image, row by row.
    public let height: Int, width: Int

    public var classCount: Int { classNames.count }
    /// Pixels per image, the input dimension D = height · width.
    public var pixels: Int { height * width }

    /// A class name short enough for a column label ("T-shirt/top" → "T-shirt").
    public func shortClassName(_ c: Int) -> String {
        String(classNames[c].split(separator: "/").first ?? "").prefix(10).description
    }

    /// A class name of at most 8 characters, for narrow cells ("Ankle boot" → "Boot").
    public func abbreviatedClassName(_ c: Int) -> String {
        let name = shortClassName(c)
        if name.count <= 8 { return name }
        if let last = name.split(separator: " ").last, last.count < name.count { return last.prefix(1).uppercased() + last.dropFirst() }
        return String(name.prefix(7)) + "."
    }

    public init(name: String, location: String, train: DataSplit, test: DataSplit, classNames: [String], height: Int, width: Int) {
        (self.name, self.location, self.train, self.test, self.classNames) = (name, location, train, test, classNames)
        (self.height, self.width) = (height, width)
    }

    /// The same dataset keeping the first `trainSize` / `testSize` examples of each split.
    public func prefix(train trainSize: Int?, test testSize: Int?) -> Dataset {
        Dataset(name: name, location: location, train: train.prefix(trainSize), test: test.prefix(testSize),
                classNames: classNames, height: height, width: width)
    }
}
