/// Many small grayscale images tiled in a grid: reconstructions, filters, decoded manifolds.
package struct ImageGrid: Panel {
    package var nonFiniteCount: Int { tiles.reduce(0) { $0 + countNonFinite($1) } }
    /// How tile intensities map to black…white.
    package enum Scaling: Sendable {
        /// Values are already in [0, 1] (pixels).
        case unit
        /// Each tile stretched to its own 2nd…98th percentile, so a few extreme weights do not
        /// wash out the pattern (filters of hidden units).
        case perTile
        /// One min…max over all tiles.
        case global
        /// Symmetric around 0 with a diverging map: blue < 0 < red (signed weights), each tile
        /// scaled to its own largest |value|.
        case signed
        /// Symmetric around 0 with one bound for every tile (the 99.5th percentile of |value|,
        /// so one outlier cannot wash out the rest): magnitudes compare across tiles, and the
        /// colour bar (see `colorbarLabel`) reads in the data's units.
        case signedShared
    }

    package var title: String
    /// Each tile's tileWidth·tileHeight values, row-major.
    package var tiles: [[Float]]
    package var tileWidth: Int, tileHeight: Int
    package var columns: Int
    package var rowLabels: [String], columnLabels: [String]
    /// A caption above each tile (e.g. "input", "filter 3"), for grids whose tiles are all different.
    package var tileLabels: [String] = []
    package var scaling: Scaling
    /// Pixels between tiles (in screen pixels).
    package var spacing: Int
    /// When not empty, a colour bar with this label is drawn on the right (for `.signedShared`
    /// and `.global`, whose colours mean the same value in every tile).
    package var colorbarLabel = ""

    /// The tile shape for tiles of `count` values: `imageShape` if it fits, else a square, else a row.
    static func inferredShape(_ count: Int, imageShape: (height: Int, width: Int)?) -> (height: Int, width: Int) {
        if let imageShape, count == imageShape.height * imageShape.width { return imageShape }
        let side = Int(Double(count).squareRoot().rounded())
        if side * side == count { return (side, side) }
        return (1, count)
    }

    /// `imageShape` (height, width) is the shape of the dataset's images: tiles of that many
    /// values take it (20 × 24 images tile as 20 × 24), unless `tileWidth` and `tileHeight` say otherwise.
    package init(
        title: String, imageShape: (height: Int, width: Int)? = nil, tiles: [[Float]], tileWidth: Int? = nil,
        tileHeight: Int? = nil, columns: Int,
        rowLabels: [String] = [], columnLabels: [String] = [], tileLabels: [String] = [], scaling: Scaling = .unit,
        spacing: Int = 3, colorbarLabel: String = ""
    ) {
        let inferred = Self.inferredShape(tiles.first?.count ?? 0, imageShape: imageShape)
        let (tileWidth, tileHeight) = (tileWidth ?? inferred.width, tileHeight ?? inferred.height)
        precondition(
            tiles.allSatisfy { $0.count == tileWidth * tileHeight },
            "every tile needs \(tileWidth)×\(tileHeight) values")
        (self.title, self.tiles, self.tileWidth, self.tileHeight, self.columns) = (
            title, tiles, tileWidth, tileHeight, Swift.max(1, columns)
        )
        (self.rowLabels, self.columnLabels, self.scaling, self.spacing) = (rowLabels, columnLabels, scaling, spacing)
        (self.colorbarLabel, self.tileLabels) = (colorbarLabel, tileLabels)
    }

    /// The band above each row of tiles that holds their captions (0 without `tileLabels`).
    private var captionHeight: Int { tileLabels.isEmpty ? 0 : Int(Fonts.face(.small)?.lineHeight ?? 12) + 4 }

    /// Tiles are shown at most this many pixels on a side (28 px tiles at zoom 5; a 3 × 3
    /// filter may be zoomed up to 46×).
    static let maximumTileSide = 140
    private var maximumZoom: Int { Swift.max(1, Self.maximumTileSide / Swift.max(tileWidth, tileHeight, 1)) }

    private var rows: Int { (tiles.count + columns - 1) / columns }
    private var labelWidth: Double {
        rowLabels.isEmpty ? 0 : (rowLabels.compactMap { Fonts.face(.regular)?.width($0) }.max() ?? 0) + 12
    }
    /// Room for the colour bar: only where one colour means one value in every tile.
    private var colorbarWidth: Double {
        colorbarLabel.isEmpty || scaling == .signed || scaling == .perTile ? 0 : ColorBar.space
    }
    private var headerHeight: Double {
        (title.isEmpty ? 4 : Double(Fonts.face(.bold)?.lineHeight ?? 14) + 14)
            + (columnLabels.isEmpty ? 0 : Double(Fonts.face(.small)?.lineHeight ?? 12) + 6)
    }
    /// The largest integer zoom that fits the width, so pixels stay crisp squares.
    private func zoom(forWidth width: Double) -> Int {
        Swift.max(
            1,
            Swift.min(
                maximumZoom, (Int(width - labelWidth - colorbarWidth) - spacing * (columns - 1)) / (columns * tileWidth)
            ))
    }

    package func preferredHeight(forWidth width: Double) -> Double? {
        let z = zoom(forWidth: width)
        return headerHeight + Double(rows * (tileHeight * z + captionHeight) + (rows - 1) * spacing) + 10
    }

    package func draw(on canvas: Canvas, in rect: Rect) {
        guard !tiles.isEmpty else { return }
        let rows = self.rows
        let area = rect.inset(left: labelWidth, top: headerHeight, right: colorbarWidth, bottom: 2)
        let zoomY = (Int(area.height) - spacing * (rows - 1) - rows * captionHeight) / (rows * tileHeight)
        let zoom = Swift.max(1, Swift.min(self.zoom(forWidth: rect.width), zoomY))
        let gridWidth = columns * tileWidth * zoom + (columns - 1) * spacing
        let x0 = Int(area.x + (area.width - Double(gridWidth)) / 2), y0 = Int(area.y)
        if !title.isEmpty {
            canvas.text(
                title, at: Point(Double(x0 + gridWidth / 2), rect.y + 8), style: .bold, anchor: .center, baseline: .top)
        }
        let everything = tiles.flatMap { $0 }.filter(\.isFinite)
        let (globalLow, globalHigh) = (everything.min() ?? 0, everything.max() ?? 1)
        let magnitudes = everything.map { Swift.abs($0) }.sorted()
        let sharedBound = Swift.max(
            magnitudes.isEmpty ? 0 : magnitudes[Swift.min(magnitudes.count - 1, magnitudes.count * 995 / 1000)], 1e-12)
        for (i, tile) in tiles.enumerated() {
            let (r, c) = (i / columns, i % columns)
            let x = x0 + c * (tileWidth * zoom + spacing)
            let y = y0 + r * (tileHeight * zoom + captionHeight + spacing) + captionHeight
            if i < tileLabels.count {
                canvas.text(
                    tileLabels[i], at: Point(Double(x) + Double(tileWidth * zoom) / 2, Double(y) - 3),
                    style: .small, color: .lightText, anchor: .center, baseline: .bottom)
            }
            switch scaling {
            case .unit:
                canvas.drawGray(tile, width: tileWidth, height: tileHeight, atX: x, y: y, scale: zoom)
            case .perTile, .global:
                let finite = tile.filter(\.isFinite).sorted()
                let robust =
                    finite.isEmpty
                    ? (Float(0), Float(1))
                    : (finite[finite.count * 2 / 100], finite[Swift.min(finite.count - 1, finite.count * 98 / 100)])
                let (lo, hi) = scaling == .global ? (globalLow, globalHigh) : robust
                let span = Swift.max(hi - lo, 1e-12)
                canvas.drawGray(
                    tile.map { Swift.min(1, Swift.max(0, ($0 - lo) / span)) }, width: tileWidth, height: tileHeight,
                    atX: x, y: y, scale: zoom)
            case .signed:
                let tileBound = Swift.max(tile.map { Swift.abs($0) }.filter(\.isFinite).max() ?? 0, 1e-12)
                canvas.drawPixels(width: tileWidth, height: tileHeight, atX: x, y: y, scale: zoom) { k in
                    Colormap.diverging.color(0.5 + 0.5 * tile[k] / tileBound)
                }
            case .signedShared:
                canvas.drawPixels(width: tileWidth, height: tileHeight, atX: x, y: y, scale: zoom) { k in
                    Colormap.diverging.color(0.5 + 0.5 * tile[k] / sharedBound)
                }
            }
        }
        if colorbarWidth > 0 {
            let gridHeight = Double(rows * (tileHeight * zoom + captionHeight) + (rows - 1) * spacing)
            let bar = Rect(x: Double(x0 + gridWidth) + 16, y: Double(y0), width: 16, height: gridHeight)
            switch scaling {
            case .signedShared:
                ColorBar(
                    colormap: .diverging, low: -Double(sharedBound), high: Double(sharedBound), label: colorbarLabel
                ).draw(on: canvas, in: bar)
            case .global:
                ColorBar(colormap: .gray, low: Double(globalLow), high: Double(globalHigh), label: colorbarLabel).draw(
                    on: canvas, in: bar)
            case .unit: ColorBar(colormap: .gray, low: 0, high: 1, label: colorbarLabel).draw(on: canvas, in: bar)
            case .perTile, .signed: break  // each tile has its own scale: no single bar is true
            }
        }
        for (r, label) in rowLabels.enumerated() where r < rows {
            let top = y0 + r * (tileHeight * zoom + captionHeight + spacing) + captionHeight
            canvas.text(
                label, at: Point(Double(x0) - 10, Double(top) + Double(tileHeight * zoom) / 2),
                style: .regular, anchor: .right)
        }
        for (c, label) in columnLabels.enumerated() where c < columns {
            canvas.text(
                label,
                at: Point(Double(x0 + c * (tileWidth * zoom + spacing)) + Double(tileWidth * zoom) / 2, Double(y0) - 4),
                style: .small, color: .lightText, anchor: .center, baseline: .bottom)
        }
    }
}
