import Foundation

/// A data range mapped onto a pixel range, linear or log₁₀.
package struct Scale: Sendable {
    package var low: Double, high: Double
    package var logarithmic: Bool
    /// Ticks only at whole numbers (for counts such as epochs or k).
    package var integerTicks = false

    package init(low: Double, high: Double, logarithmic: Bool = false) {
        (self.low, self.high, self.logarithmic) = (low, high, logarithmic)
    }

    /// A scale around the given values with 4 % padding (log scales pad by a factor).
    package static func fitting(
        _ values: [Double], logarithmic: Bool = false, includeZero: Bool = false, padding: Double = 0.04
    ) -> Scale {
        var finite = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        if includeZero && !logarithmic { finite.append(0) }
        guard var lo = finite.min(), var hi = finite.max() else {
            return Scale(low: logarithmic ? 1 : 0, high: logarithmic ? 10 : 1, logarithmic: logarithmic)
        }
        if logarithmic {
            if hi / lo < 1.5 { lo /= 1.25; hi *= 1.25 }
            let span = log10(hi) - log10(lo)
            return Scale(
                low: pow(10, log10(lo) - span * padding), high: pow(10, log10(hi) + span * padding), logarithmic: true)
        }
        if hi - lo < 1e-12 * Swift.max(1, Swift.abs(hi)) {
            lo -= 0.5 * Swift.max(1e-6, Swift.abs(lo)); hi += 0.5 * Swift.max(1e-6, Swift.abs(hi))
        }
        let pad = (hi - lo) * padding
        return Scale(low: includeZero && lo == 0 ? 0 : lo - pad, high: hi + pad)
    }

    /// Position of v as a fraction of the range (0 at low, 1 at high).
    package func fraction(_ v: Double) -> Double {
        logarithmic ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
    }

    package var ticks: [Double] {
        logarithmic ? Ticks.logarithmic(low, high) : Ticks.linear(low, high, integers: integerTicks)
    }
    package var tickLabels: [String] { logarithmic ? Ticks.logLabels(ticks) : Ticks.labels(ticks) }
}

/// The frame of a 2-D plot: title, axis labels, ticks, grid lines, and the map from data
/// coordinates to pixels. Line, scatter and bar plots draw inside it.
package struct Axes {
    package var title: String
    package var xLabel: String, yLabel: String
    package var x: Scale, y: Scale
    /// The plotting area in pixels (inside the labels and ticks).
    package private(set) var plotArea = Rect(x: 0, y: 0, width: 1, height: 1)

    package init(title: String, xLabel: String, yLabel: String, x: Scale, y: Scale) {
        (self.title, self.xLabel, self.yLabel, self.x, self.y) = (title, xLabel, yLabel, x, y)
    }

    /// The pixel position of a data point.
    package func point(_ dx: Double, _ dy: Double) -> Point {
        Point(plotArea.x + x.fraction(dx) * plotArea.width, plotArea.maxY - y.fraction(dy) * plotArea.height)
    }

    /// Lays the axes out in `rect` and draws the title, grid, ticks and labels.
    package mutating func draw(on canvas: Canvas, in rect: Rect, xTickLabels: [(Double, String)]? = nil) {
        let tickLabelWidth = y.tickLabels.map { canvas.textWidth($0, style: .small) }.max() ?? 20
        let left = 14 + (yLabel.isEmpty ? 0 : canvas.lineHeight(.regular) + 6) + tickLabelWidth + 8
        let top = title.isEmpty ? 12 : canvas.lineHeight(.bold) + 16
        let bottom = 10 + canvas.lineHeight(.small) + 6 + (xLabel.isEmpty ? 0 : canvas.lineHeight(.regular) + 6)
        plotArea = rect.inset(left: left, top: top, right: 18, bottom: bottom)
        let area = plotArea
        canvas.fill(area, Color(hex: 0xFBFBFB))
        for (v, label) in zip(y.ticks, y.tickLabels) {
            let py = point(x.low, v).y
            guard py >= area.y - 0.5 && py <= area.maxY + 0.5 else { continue }
            canvas.line(from: Point(area.x, py), to: Point(area.maxX, py), .grid, width: 1)
            canvas.line(from: Point(area.x - 5, py), to: Point(area.x, py), .axis, width: 1)
            canvas.text(label, at: Point(area.x - 8, py), style: .small, color: .lightText, anchor: .right)
        }
        let xTicks = xTickLabels ?? Array(zip(x.ticks, x.tickLabels))
        for (v, label) in xTicks {
            let px = point(v, y.low).x
            guard px >= area.x - 0.5 && px <= area.maxX + 0.5 else { continue }
            if xTickLabels == nil { canvas.line(from: Point(px, area.y), to: Point(px, area.maxY), .grid, width: 1) }
            canvas.line(from: Point(px, area.maxY), to: Point(px, area.maxY + 5), .axis, width: 1)
            canvas.text(
                label, at: Point(px, area.maxY + 8), style: .small, color: .lightText, anchor: .center, baseline: .top)
        }
        canvas.line(from: Point(area.x, area.maxY), to: Point(area.maxX, area.maxY), .axis, width: 1.2)
        canvas.line(from: Point(area.x, area.y), to: Point(area.x, area.maxY), .axis, width: 1.2)
        if !title.isEmpty {
            canvas.text(title, at: Point(area.midX, rect.y + 8), style: .bold, anchor: .center, baseline: .top)
        }
        if !xLabel.isEmpty {
            canvas.text(
                xLabel, at: Point(area.midX, rect.maxY - 8), style: .regular, anchor: .center, baseline: .bottom)
        }
        if !yLabel.isEmpty {
            canvas.text(
                yLabel, at: Point(rect.x + 10, area.midY), style: .regular, anchor: .center, baseline: .top,
                rotated: true)
        }
    }
}

/// A legend: a box of (swatch, label) rows in a corner of the plot area.
package struct Legend {
    package enum Swatch {
        case line(Color, dashed: Bool)
        case marker(Color)
        case box(Color)
    }
    package enum Corner: Sendable { case topRight, topLeft, bottomRight, bottomLeft }

    package var entries: [(Swatch, String)]
    package var corner: Corner

    package init(_ entries: [(Swatch, String)], corner: Corner = .topRight) {
        self.entries = entries
        self.corner = corner
    }

    /// The entries laid out in rows of at most `width` points: each row's entries, left to right.
    private func rows(on canvas: Canvas, width: Double) -> [[(Swatch, String, Double)]] {
        var rows: [[(Swatch, String, Double)]] = [[]], used = 0.0
        for (swatch, label) in entries {
            let w = 44 + canvas.textWidth(label, style: .small)
            if used + w > width && !rows[rows.count - 1].isEmpty { rows.append([]); used = 0 }
            rows[rows.count - 1].append((swatch, label, w))
            used += w
        }
        return entries.isEmpty ? [] : rows
    }

    /// The height `drawRows` takes above a plot `width` points wide (0 without entries).
    package func rowsHeight(on canvas: Canvas, width: Double) -> Double {
        let count = rows(on: canvas, width: width).count
        return count == 0 ? 0 : Double(count) * (canvas.lineHeight(.small) + 6) + 6
    }

    /// The entries in rows centred in `area` (a band `rowsHeight` tall, above the plot), so the
    /// legend never covers what is plotted.
    package func drawRows(on canvas: Canvas, in area: Rect) {
        let laidOut = rows(on: canvas, width: area.width)
        let rowHeight = canvas.lineHeight(.small) + 6
        var y = area.y + 6 + rowHeight / 2
        for row in laidOut {
            var x = area.midX - row.reduce(0) { $0 + $1.2 } / 2
            for (swatch, label, width) in row {
                drawSwatch(swatch, at: Point(x, y), on: canvas)
                canvas.text(label, at: Point(x + 38, y), style: .small, color: .text)
                x += width
            }
            y += rowHeight
        }
    }

    /// A swatch whose left edge is at `x`, centred on `y`.
    private func drawSwatch(_ swatch: Swatch, at point: Point, on canvas: Canvas) {
        let (x, cy) = (point.x, point.y)
        switch swatch {
        case let .line(color, dashed):
            canvas.line(from: Point(x + 8, cy), to: Point(x + 32, cy), color, width: 2.5, dash: dashed ? (5, 3) : nil)
        case let .marker(color):
            canvas.fillCircle(center: Point(x + 20, cy), radius: 4.5, color)
        case let .box(color):
            canvas.fill(Rect(x: x + 12, y: cy - 6, width: 16, height: 12), color)
        }
    }

    package func draw(on canvas: Canvas, in area: Rect) {
        guard !entries.isEmpty else { return }
        let rowHeight = canvas.lineHeight(.small) + 4
        let width = 44 + (entries.map { canvas.textWidth($0.1, style: .small) }.max() ?? 0)
        let height = rowHeight * Double(entries.count) + 10
        let x = (corner == .topRight || corner == .bottomRight) ? area.maxX - width - 10 : area.x + 10
        let y = (corner == .topRight || corner == .topLeft) ? area.y + 10 : area.maxY - height - 10
        let box = Rect(x: x, y: y, width: width, height: height)
        canvas.fill(box, .white, alpha: 0.88)
        canvas.stroke(box, Color(hex: 0xCCCCCC), width: 1)
        for (i, (swatch, label)) in entries.enumerated() {
            let cy = y + 5 + rowHeight * (Double(i) + 0.5)
            drawSwatch(swatch, at: Point(x, cy), on: canvas)
            canvas.text(label, at: Point(x + 38, cy), style: .small, color: .text)
        }
    }
}
