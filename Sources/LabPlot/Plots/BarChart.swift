/// Values for categories, one group per category and one mark per series (e.g. KL per latent
/// dimension, accuracy per representation), with optional error bars (e.g. the range over seeds).
///
/// `.bars` encode a value by a bar's length, so their axis starts at 0; `.points` encode it by
/// position only, so their axis fits the values and small differences show (accuracies of 0.71
/// against 0.72). The legend sits in a row above the plot, clear of every mark; `references` are
/// dashed horizontal lines (chance level), and `yRange` fixes the axis (an AUC ends at 1).
package struct BarChart: Panel {
    package enum Style: Sendable { case bars, points }

    package var nonFiniteCount: Int { series.reduce(0) { $0 + countNonFinite($1.values) } }
    package var title: String, xLabel: String, yLabel: String
    package var categories: [String]
    package var series: [(name: String, values: [Double])]
    package var logY: Bool
    /// For each series and category, the (low, high) ends of an error bar; empty for none.
    package var ranges: [[(low: Double, high: Double)]]
    package var style: Style
    package var yRange: (low: Double, high: Double)?
    package var references: [(value: Double, label: String)]

    package init(
        title: String, xLabel: String, yLabel: String, categories: [String],
        series: [(name: String, values: [Double])], logY: Bool = false,
        ranges: [[(low: Double, high: Double)]] = [], style: Style = .bars,
        yRange: (low: Double, high: Double)? = nil, references: [(value: Double, label: String)] = []
    ) {
        (self.title, self.xLabel, self.yLabel, self.categories, self.series, self.logY) = (
            title, xLabel, yLabel, categories, series, logY
        )
        (self.ranges, self.style, self.yRange, self.references) = (ranges, style, yRange, references)
    }

    package func draw(on canvas: Canvas, in rect: Rect) {
        let n = Double(categories.count)
        let legend = Legend(
            (series.count > 1 ? series.enumerated().map { (.box(.category($0.offset)), $0.element.name) } : [])
                + references.map { (.line(.lightText, dashed: true), $0.label) })
        let legendHeight = legend.rowsHeight(on: canvas, width: rect.width - 20)
        let plotRect = rect.inset(left: 0, top: legendHeight, right: 0, bottom: 0)
        let values = series.flatMap(\.values) + ranges.joined().flatMap { [$0.low, $0.high] } + references.map(\.value)
        let y =
            yRange.map { Scale(low: $0.low, high: $0.high, logarithmic: logY) }
            ?? Scale.fitting(values, logarithmic: logY, includeZero: !logY && style == .bars, padding: 0.06)
        var axes = Axes(title: title, xLabel: xLabel, yLabel: yLabel, x: Scale(low: -0.6, high: n - 0.4), y: y)
        let step = Swift.max(1, Int((Double(categories.count) * 40 / Swift.max(rect.width, 1)).rounded(.up)))
        axes.draw(
            on: canvas, in: plotRect,
            xTickLabels: categories.enumerated().filter { $0.offset % step == 0 }.map {
                (Double($0.offset), $0.element)
            })
        legend.drawRows(
            on: canvas, in: Rect(x: axes.plotArea.x, y: rect.y, width: axes.plotArea.width, height: legendHeight))
        for reference in references where reference.value >= axes.y.low && reference.value <= axes.y.high {
            canvas.line(
                from: axes.point(-0.6, reference.value), to: axes.point(n - 0.4, reference.value), .lightText,
                width: 1.5, dash: (6, 4))
        }
        let groupWidth = 0.8, barWidth = groupWidth / Double(Swift.max(1, series.count))
        let base = logY ? axes.y.low : Swift.max(axes.y.low, 0)
        for (s, (_, values)) in series.enumerated() {
            for (i, v) in values.enumerated() where v.isFinite {
                let x0 = Double(i) - groupWidth / 2 + Double(s) * barWidth, centre = x0 + barWidth / 2
                let range =
                    s < ranges.count && i < ranges[s].count && ranges[s][i].low.isFinite
                        && ranges[s][i].high.isFinite ? ranges[s][i] : nil
                switch style {
                case .bars:
                    let p0 = axes.point(x0, base),
                        p1 = axes.point(x0 + barWidth, Swift.min(Swift.max(v, axes.y.low), axes.y.high))
                    canvas.fill(
                        Rect(
                            x: p0.x + 0.5, y: Swift.min(p0.y, p1.y), width: Swift.max(1, p1.x - p0.x - 1),
                            height: Swift.abs(p1.y - p0.y)), .category(s))
                    if let range {
                        drawRange(range, at: centre, halfWidth: barWidth / 4, axes: axes, on: canvas, ink: .text)
                    }
                case .points:
                    if let range {
                        drawRange(range, at: centre, halfWidth: barWidth / 4, axes: axes, on: canvas, ink: .category(s))
                    }
                    canvas.fillCircle(center: axes.point(centre, v), radius: 5, .category(s))
                }
            }
        }
    }

    /// An error bar: a vertical line from low to high with a short cap at each end.
    private func drawRange(
        _ range: (low: Double, high: Double), at x: Double, halfWidth: Double, axes: Axes,
        on canvas: Canvas, ink: Color
    ) {
        canvas.line(from: axes.point(x, range.low), to: axes.point(x, range.high), ink, width: 1.5)
        for y in [range.low, range.high] {
            canvas.line(from: axes.point(x - halfWidth, y), to: axes.point(x + halfWidth, y), ink, width: 1.5)
        }
    }
}

/// Histograms of one or more samples on shared bins, drawn as translucent bars, with
/// optional vertical reference lines (e.g. the target sparsity ρ).
package struct Histogram: Panel {
    package var nonFiniteCount: Int { samples.reduce(0) { $0 + countNonFinite($1.values) } }
    package var title: String, xLabel: String, yLabel: String
    package var samples: [(name: String, values: [Double])]
    package var bins: Int
    package var range: (Double, Double)?
    package var markers: [(Double, String, Color)]
    package var logY: Bool
    /// Each sample scaled to unit area (count / (n · bin width)), so that samples of different
    /// sizes compare by shape: 50 anomalies against 450 normal images.
    package var density: Bool

    package init(
        title: String, xLabel: String, yLabel: String? = nil, samples: [(name: String, values: [Double])],
        bins: Int = 40, range: (Double, Double)? = nil, markers: [(Double, String, Color)] = [], logY: Bool = false,
        density: Bool = false
    ) {
        (self.title, self.xLabel, self.yLabel, self.samples, self.bins) = (
            title, xLabel, yLabel ?? (density ? "density" : "count"),
            samples, bins
        )
        (self.range, self.markers, self.logY, self.density) = (range, markers, logY, density)
    }

    /// Counts per bin for each sample (densities when `density`).
    package func counts() -> (edges: [Double], counts: [[Double]]) {
        let all = samples.flatMap(\.values).filter(\.isFinite)
        let (lo, hi) = range ?? ((all.min() ?? 0), Swift.max((all.max() ?? 1), (all.min() ?? 0) + 1e-9))
        let width = (hi - lo) / Double(bins)
        let edges = (0...bins).map { lo + Double($0) * width }
        let counts = samples.map { sample -> [Double] in
            var c = [Double](repeating: 0, count: bins)
            for v in sample.values where v.isFinite && v >= lo && v <= hi {
                c[Swift.min(bins - 1, Int((v - lo) / width))] += 1
            }
            let total = c.reduce(0, +)
            return density && total > 0 ? c.map { $0 / (total * width) } : c
        }
        return (edges, counts)
    }

    package func draw(on canvas: Canvas, in rect: Rect) {
        let (edges, counts) = counts()
        let top = counts.flatMap { $0 }.max() ?? 1
        var axes = Axes(
            title: title, xLabel: xLabel, yLabel: yLabel, x: Scale(low: edges.first!, high: edges.last!),
            y: logY
                ? Scale.fitting(counts.flatMap { $0 }.filter { $0 > 0 } + [1], logarithmic: true)
                : Scale(low: 0, high: top * 1.08))
        axes.draw(on: canvas, in: rect)
        for (s, c) in counts.enumerated() {
            for b in 0..<bins where c[b] > 0 {
                let p0 = axes.point(edges[b], logY ? axes.y.low : 0), p1 = axes.point(edges[b + 1], c[b])
                canvas.fill(
                    Rect(x: p0.x, y: p1.y, width: Swift.max(1, p1.x - p0.x - 0.6), height: p0.y - p1.y), .category(s),
                    alpha: 0.65)
            }
        }
        for (value, _, color) in markers {
            let p = axes.point(value, axes.y.low)
            canvas.line(
                from: Point(p.x, axes.plotArea.y), to: Point(p.x, axes.plotArea.maxY), color, width: 2, dash: (6, 4))
        }
        let entries: [(Legend.Swatch, String)] =
            samples.enumerated().map { (.box(.category($0.offset)), $0.element.name) }
            + markers.map { (.line($0.2, dashed: true), $0.1) }
        if entries.count > 1 { Legend(entries).draw(on: canvas, in: axes.plotArea) }
    }
}
