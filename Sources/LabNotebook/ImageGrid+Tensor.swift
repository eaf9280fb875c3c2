import LabKit
import LabPlot

extension ImageGrid {
    /// A grid from the rows of an [N, height · width] tensor of images (of `imageShape`, unless
    /// `tileWidth` and `tileHeight` are given).
    package init(
        title: String, imageShape: (height: Int, width: Int)? = nil, images: Tensor, columns: Int,
        rowLabels: [String] = [], columnLabels: [String] = [],
        scaling: Scaling = .unit, spacing: Int = 3, tileWidth: Int? = nil, tileHeight: Int? = nil,
        colorbarLabel: String = ""
    ) {
        self.init(
            title: title, imageShape: imageShape, tiles: images.arrayRows, tileWidth: tileWidth, tileHeight: tileHeight,
            columns: columns,
            rowLabels: rowLabels, columnLabels: columnLabels, scaling: scaling, spacing: spacing,
            colorbarLabel: colorbarLabel)
    }
}
