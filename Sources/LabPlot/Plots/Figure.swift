/// Anything that can draw itself into a rectangle of a figure.
package protocol Panel {
    func draw(on canvas: Canvas, in rect: Rect)
    /// The height the panel needs at a given width, if it has a natural one (image grids).
    func preferredHeight(forWidth width: Double) -> Double?
    /// How many of the values it would draw are NaN or infinite.
    var nonFiniteCount: Int { get }
}

extension Panel {
    package func preferredHeight(forWidth width: Double) -> Double? { nil }
}

/// The number of NaN or infinite entries.
func countNonFinite<S: Sequence>(_ values: S) -> Int where S.Element: BinaryFloatingPoint {
    values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
}

/// A figure: a title and a grid of panels, rendered to a PNG.
///
/// ```
/// let figure = Figure(title: "Loss curves", rows: 1, columns: 2)
/// figure.add(LinePlot(title: "Reconstruction", …), row: 0, column: 0)
/// try figure.save(to: "out/lab03/loss.png")
/// ```
/// Figures default to 1200 px wide, large enough to read on a laptop screen.
package final class Figure {
    package let width: Int
    private let fixedHeight: Int?
    package var title: String
    package var subtitle: String
    package let rows: Int, columns: Int
    private var panels: [(Panel, Int, Int, Int, Int)] = []

    package init(
        title: String = "", subtitle: String = "", width: Int = 1200, height: Int? = nil, rows: Int = 1,
        columns: Int = 1
    ) {
        self.width = width
        self.fixedHeight = height
        self.title = title
        self.subtitle = subtitle
        self.rows = rows
        self.columns = columns
    }

    /// Places a panel in a cell (spanning several cells if asked).
    /// Panel titles (or positions) with NaN or infinite values, and how many: a lab stops
    /// instead of drawing them as black tiles or missing lines.
    package var nonFiniteValues: [(panel: String, count: Int)] {
        panels.enumerated().compactMap { i, entry in
            let count = entry.0.nonFiniteCount
            return count > 0 ? ("panel \(i + 1)", count) : nil
        }
    }

    package func add(_ panel: Panel, row: Int = 0, column: Int = 0, rowSpan: Int = 1, columnSpan: Int = 1) {
        precondition(
            row >= 0 && column >= 0 && row + rowSpan <= rows && column + columnSpan <= columns,
            "panel at (\(row), \(column)) span \(rowSpan)×\(columnSpan) outside a \(rows)×\(columns) figure")
        panels.append((panel, row, column, rowSpan, columnSpan))
    }

    /// The height in pixels: as given, or what the panels need (image grids), or a default.
    package var height: Int {
        if let fixedHeight { return fixedHeight }
        let cellWidth = (Double(width) - 20) / Double(columns) - 12
        let needed = panels.compactMap { panel, _, _, rowSpan, columnSpan in
            panel.preferredHeight(forWidth: cellWidth * Double(columnSpan)).map { $0 / Double(rowSpan) }
        }
        let header = (title.isEmpty ? 10.0 : 40) + (subtitle.isEmpty ? 0 : 24)
        if let tallest = needed.max(), needed.count == panels.count {
            return Int((header + 30 + tallest * Double(rows)).rounded())
        }
        return rows == 1 ? 640 : 420 * rows
    }

    /// Draws the figure.
    package func render() -> Canvas {
        let height = self.height
        let canvas = Canvas(width: width, height: height)
        var top = 10.0
        if !title.isEmpty {
            canvas.text(title, at: Point(Double(width) / 2, top + 4), style: .title, anchor: .center, baseline: .top)
            top += canvas.lineHeight(.title) + 8
        }
        if !subtitle.isEmpty {
            canvas.text(
                subtitle, at: Point(Double(width) / 2, top), style: .regular, color: .lightText, anchor: .center,
                baseline: .top)
            top += canvas.lineHeight(.regular) + 6
        }
        let cellWidth = (Double(width) - 20) / Double(columns)
        let cellHeight = (Double(height) - top - 10) / Double(rows)
        for (panel, row, column, rowSpan, columnSpan) in panels {
            let rect = Rect(
                x: 10 + Double(column) * cellWidth, y: top + Double(row) * cellHeight,
                width: cellWidth * Double(columnSpan), height: cellHeight * Double(rowSpan))
            panel.draw(on: canvas, in: rect.inset(left: 6, top: 4, right: 6, bottom: 4))
        }
        return canvas
    }

    /// Renders the figure and writes it as a PNG (atomically).
    package func save(to path: String) throws { try render().save(to: path) }
}
