import Foundation
import LabKit

/// Images and labels of one split. Shape legend: N images of height × width pixels.
package struct DataSplit: Sendable {
    /// [N, height · width], pixels scaled to [0, 1].
    package let images: Tensor
    /// N labels in 0..<classCount.
    package let labels: [Int]

    package var count: Int { labels.count }

    package init(images: Tensor, labels: [Int]) {
        precondition(images.rowCount == labels.count, "\(images.rowCount) images but \(labels.count) labels")
        self.images = images
        self.labels = labels
    }
}

/// A labelled image dataset with a training and a held-out test split.
package struct Dataset: Sendable {
    package let name: String
    /// Where it was read from (a folder), for reports.
    package let location: String
    package let train: DataSplit
    package let test: DataSplit
    package let classNames: [String]
    /// The image shape: every row of `images` is one height × width image, row by row.
    package let height: Int, width: Int

    package var classCount: Int { classNames.count }
    /// (height, width), for figures that tile the images.
    package var imageShape: (height: Int, width: Int) { (height, width) }
    /// Pixels per image, the input dimension D = height · width.
    package var pixels: Int { height * width }

    /// A class name short enough for a column label ("T-shirt/top" → "T-shirt").
    package func shortClassName(_ c: Int) -> String {
        String(classNames[c].split(separator: "/").first ?? "").prefix(10).description
    }

    package init(
        name: String, location: String, train: DataSplit, test: DataSplit, classNames: [String], height: Int, width: Int
    ) {
        (self.name, self.location, self.train, self.test, self.classNames) = (name, location, train, test, classNames)
        (self.height, self.width) = (height, width)
    }
}
