import LabKit
import LabPlot

extension ImageGrid {
    /// A grid from the rows of an [N, height · width] tensor of images (`imageShape` unless given).
    public init(
        title: String, images: Tensor, columns: Int, rowLabels: [String] = [], columnLabels: [String] = [],
        scaling: Scaling = .unit, spacing: Int = 3, tileWidth: Int? = nil, tileHeight: Int? = nil,
        colorbarLabel: String = ""
    ) {
        self.init(
            title: title, tiles: images.arrayRows, tileWidth: tileWidth, tileHeight: tileHeight, columns: columns,
            rowLabels: rowLabels, columnLabels: columnLabels, scaling: scaling, spacing: spacing,
            colorbarLabel: colorbarLabel)
    }
}
