import LabData
import LabKit
import LabPlot

/// Figure plumbing the labs share: picking the units worth showing, and grids of test images
/// with one labelled row per model.
package enum FigureHelpers {
    /// Indices of the `count` largest scores, largest first (ties: the lower index first) —
    /// e.g. the hidden units with the largest weight norms.
    package static func largest(_ scores: Tensor, count: Int) -> [Int] {
        let order = (0..<scores.count).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        return Array(order.prefix(count))
    }

    /// The rows of `matrix` with the largest squared norms, largest first.
    package static func rowsWithLargestNorms(_ matrix: Tensor, count: Int) -> Tensor {
        matrix.gatherRows(largest(matrix.squared().sum(alongAxis: 1), count: count))
    }

    /// Short class names of test images, for column labels.
    package static func classLabels(_ data: Dataset, testIndices: [Int]) -> [String] {
        testIndices.map { data.shortClassName(data.test.labels[$0]) }
    }

    /// One row of images per entry (its label on the left), the columns named by the class of
    /// each test image: originals, then each model's reconstructions of them.
    package static func labelledRows(
        _ rows: [(label: String, images: Tensor)], of data: Dataset, testIndices: [Int],
        title: String = ""
    ) -> ImageGrid {
        ImageGrid(
            title: title, imageShape: data.imageShape, tiles: rows.flatMap(\.images.arrayRows),
            columns: testIndices.count,
            rowLabels: rows.map(\.label), columnLabels: classLabels(data, testIndices: testIndices))
    }
}
