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

    public init(
        name: String, location: String, train: DataSplit, test: DataSplit, classNames: [String], height: Int, width: Int
    ) {
        (self.name, self.location, self.train, self.test, self.classNames) = (name, location, train, test, classNames)
        (self.height, self.width) = (height, width)
    }
}
