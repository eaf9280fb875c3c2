/// Curves of y against x: loss curves, error against noise level, MSE against k.
package struct LinePlot: Panel {
    package var nonFiniteCount: Int { series.reduce(0) { $0 + countNonFinite($1.x) + countNonFinite($1.y) } }
    package struct Series {
        package var name: String
        package var x: [Double], y: [Double]
        package var color: Color?
        package var dashed: Bool
        package var markers: Bool
        package init(
            _ name: String, x: [Double], y: [Double], color: Color? = nil, dashed: Bool = false, markers: Bool = false
        ) {
            precondition(x.count == y.count, "series \(name): \(x.count) x values but \(y.count) y values")
            (self.name, self.x, self.y, self.color, self.dashed, self.markers) = (name, x, y, color, dashed, markers)
        }
        /// y against 1, 2, 3, … (e.g. a loss per epoch).
        package init(_ name: String, y: [Float], color: Color? = nil, dashed: Bool = false, markers: Bool = false) {
            self.init(
                name, x: (0..<y.count).map { Double($0 + 1) }, y: y.map(Double.init), color: color, dashed: dashed,
                markers: markers)
        }
    }

    package var title: String, xLabel: String, yLabel: String
    package var series: [Series]
    package var logY: Bool
    package var includeZero: Bool
    package var legend: Legend.Corner
    /// Horizontal reference lines (value, label, colour), drawn dashed.
    package var references: [(Double, String, Color)]

    package init(
        title: String, xLabel: String, yLabel: String, series: [Series], logY: Bool = false,
        includeZero: Bool = false, legend: Legend.Corner = .topRight, references: [(Double, String, Color)] = []
    ) {
        (self.title, self.xLabel, self.yLabel, self.series) = (title, xLabel, yLabel, series)
        (self.logY, self.includeZero, self.legend, self.references) = (logY, includeZero, legend, references)
    }

    package func draw(on canvas: Canvas, in rect: Rect) {
        let xs = series.flatMap(\.x), ys = series.flatMap(\.y) + references.map(\.0)
        var xScale = Scale.fitting(xs, padding: 0.02)
        xScale.integerTicks = xs.allSatisfy { $0 == $0.rounded() }
        var axes = Axes(
            title: title, xLabel: xLabel, yLabel: yLabel,
            x: xScale, y: Scale.fitting(ys, logarithmic: logY, includeZero: includeZero))
        axes.draw(on: canvas, in: rect)
        for (value, _, color) in references {
            let p = axes.point(axes.x.low, value)
            canvas.line(
                from: Point(axes.plotArea.x, p.y), to: Point(axes.plotArea.maxX, p.y), color, width: 1.5, dash: (6, 4))
        }
        for (i, s) in series.enumerated() {
            let color = s.color ?? .category(i)
            let points = zip(s.x, s.y).filter { $0.1.isFinite && (!logY || $0.1 > 0) }.map { axes.point($0.0, $0.1) }
            if s.dashed {
                for (a, b) in zip(points, points.dropFirst()) {
                    canvas.line(from: a, to: b, color, width: 2.2, dash: (7, 4))
                }
            } else {
                canvas.polyline(points, color, width: 2.4)
            }
            if s.markers || points.count == 1 {
                for p in points {
                    canvas.fillCircle(center: p, radius: 4, .white)
                    canvas.strokeCircle(center: p, radius: 3.6, color, width: 2)
                }
            }
        }
        var entries: [(Legend.Swatch, String)] = series.enumerated().map {
            (.line($1.color ?? .category($0), dashed: $1.dashed), $1.name)
        }
        entries += references.filter { !$0.1.isEmpty }.map { (.line($0.2, dashed: true), $0.1) }
        if entries.count > 1 || !references.isEmpty {
            Legend(entries, corner: legend).draw(on: canvas, in: axes.plotArea)
        }
    }
}
