import Foundation

/// A matrix of values as coloured cells with a colour bar, optionally with the numbers in
/// the cells (confusion matrices, activations of units × examples).
package struct Heatmap: Panel {
    package var nonFiniteCount: Int { values.reduce(0) { $0 + countNonFinite($1) } }
    package var title: String, xLabel: String, yLabel: String
    /// [rows][columns].
    package var values: [[Double]]
    package var rowLabels: [String], columnLabels: [String]
    package var colormap: Colormap
    /// printf format for cell annotations ("%.0f" for counts), or nil for none.
    package var annotationFormat: String?
    package var range: (Double, Double)?
    package var colorbarLabel: String

    package init(
        title: String, xLabel: String, yLabel: String, values: [[Double]], rowLabels: [String] = [],
        columnLabels: [String] = [],
        colormap: Colormap = .viridis, annotationFormat: String? = nil, range: (Double, Double)? = nil,
        colorbarLabel: String = ""
    ) {
        (self.title, self.xLabel, self.yLabel, self.values, self.rowLabels, self.columnLabels) = (
            title, xLabel, yLabel, values, rowLabels, columnLabels
        )
        (self.colormap, self.annotationFormat, self.range, self.colorbarLabel) = (
            colormap, annotationFormat, range, colorbarLabel
        )
    }

    package func draw(on canvas: Canvas, in rect: Rect) {
        let rows = values.count, columns = values.first?.count ?? 0
        guard rows > 0, columns > 0 else { return }
        let flat = values.flatMap { $0 }.filter(\.isFinite)
        let (lo, hi) = range ?? (flat.min() ?? 0, Swift.max(flat.max() ?? 1, (flat.min() ?? 0) + 1e-12))
        let rowLabelWidth = (rowLabels.map { canvas.textWidth($0, style: .small) }.max() ?? 0)
        let left = 12 + (yLabel.isEmpty ? 0 : canvas.lineHeight() + 6) + rowLabelWidth + 8
        let top = title.isEmpty ? 10 : canvas.lineHeight(.bold) + 16
        let colorbarSpace = 84.0
        let longestColumnLabel = columnLabels.map { canvas.textWidth($0, style: .small) }.max() ?? 0
        let squareCells = annotationFormat != nil || rows == columns
        /// The matrix area and cell size for a given height of the column labels.
        func layout(_ columnLabelHeight: Double) -> (Rect, Double, Double) {
            let bottom = 10 + columnLabelHeight + (xLabel.isEmpty ? 0 : canvas.lineHeight() + 6)
            let area = rect.inset(left: left, top: top, right: colorbarSpace, bottom: bottom)
            let cell = Swift.min(area.width / Double(columns), area.height / Double(rows))
            let cellW = squareCells ? cell : area.width / Double(columns),
                cellH = squareCells ? cell : area.height / Double(rows)
            return (
                Rect(x: area.x, y: area.y, width: cellW * Double(columns), height: cellH * Double(rows)), cellW, cellH
            )
        }
        // Column labels that do not fit side by side are turned to read upwards.
        var columnLabelHeight = columnLabels.isEmpty ? 0 : canvas.lineHeight(.small) + 8
        var (area, cellW, cellH) = layout(columnLabelHeight)
        let rotateColumnLabels =
            !columnLabels.isEmpty && longestColumnLabel + 4 > cellW && canvas.lineHeight(.small) < cellW
        if rotateColumnLabels {
            columnLabelHeight = longestColumnLabel + 8
            (area, cellW, cellH) = layout(columnLabelHeight)
        }
        for r in 0..<rows {
            for c in 0..<columns {
                let v = values[r][c]
                let t = Float((v - lo) / (hi - lo))
                let color = v.isFinite ? colormap.color(t) : Color(hex: 0xFF00FF)
                let cellRect = Rect(
                    x: area.x + Double(c) * cellW, y: area.y + Double(r) * cellH, width: cellW, height: cellH)
                canvas.fill(cellRect, color)
                if let format = annotationFormat, cellW >= 24, cellH >= 14 {
                    canvas.text(
                        String(format: format, v), at: Point(cellRect.midX, cellRect.midY),
                        style: cellW > 44 ? .regular : .small,
                        color: color.luminance > 0.45 ? .text : .white, anchor: .center)
                }
            }
        }
        canvas.stroke(area, .axis, width: 1)
        if !title.isEmpty {
            canvas.text(title, at: Point(area.midX, rect.y + 8), style: .bold, anchor: .center, baseline: .top)
        }
        let rowStep = Swift.max(1, Int((canvas.lineHeight(.small) / cellH).rounded(.up)))
        for (r, label) in rowLabels.enumerated() where r % rowStep == 0 {
            canvas.text(
                label, at: Point(area.x - 6, area.y + (Double(r) + 0.5) * cellH), style: .small, color: .text,
                anchor: .right)
        }
        let columnStep = rotateColumnLabels ? 1 : Swift.max(1, Int((longestColumnLabel + 2) / cellW + 0.999))
        for (c, label) in columnLabels.enumerated() where c % columnStep == 0 {
            let x = area.x + (Double(c) + 0.5) * cellW
            if rotateColumnLabels {
                canvas.text(
                    label, at: Point(x, area.maxY + 6), style: .small, color: .text, anchor: .right, baseline: .middle,
                    rotated: true)
            } else {
                canvas.text(
                    label, at: Point(x, area.maxY + 6), style: .small, color: .text, anchor: .center, baseline: .top)
            }
        }
        if !xLabel.isEmpty {
            canvas.text(
                xLabel, at: Point(area.midX, area.maxY + 4 + columnLabelHeight), anchor: .center, baseline: .top)
        }
        if !yLabel.isEmpty {
            canvas.text(yLabel, at: Point(rect.x + 8, area.midY), anchor: .center, baseline: .top, rotated: true)
        }
        // The colour bar with its own ticks.
        ColorBar(colormap: colormap, low: lo, high: hi, label: colorbarLabel)
            .draw(on: canvas, in: Rect(x: area.maxX + 16, y: area.y, width: 16, height: area.height))
    }
}
