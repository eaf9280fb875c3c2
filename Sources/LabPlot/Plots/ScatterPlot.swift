/// Points coloured by class, with a legend of class names (e.g. 2-D codes of test images).
package struct ScatterPlot: Panel {
    package var nonFiniteCount: Int { countNonFinite(x) + countNonFinite(y) }
    package var title: String, xLabel: String, yLabel: String
    package var x: [Double], y: [Double]
    /// The class of each point (an index into `classNames` and the categorical palette).
    package var classes: [Int]
    package var classNames: [String]
    package var markerRadius: Double
    package var alpha: Float
    /// Extra points drawn on top as large outlined markers (e.g. centroids).
    package var highlights: [(Double, Double, Int)]

    package init(
        title: String, xLabel: String, yLabel: String, x: [Double], y: [Double], classes: [Int],
        classNames: [String], markerRadius: Double = 2.6, alpha: Float = 0.7, highlights: [(Double, Double, Int)] = []
    ) {
        precondition(
            x.count == y.count && x.count == classes.count,
            "scatter: \(x.count) x, \(y.count) y, \(classes.count) classes")
        (self.title, self.xLabel, self.yLabel, self.x, self.y, self.classes) = (title, xLabel, yLabel, x, y, classes)
        (self.classNames, self.markerRadius, self.alpha, self.highlights) = (
            classNames, markerRadius, alpha, highlights
        )
    }

    package func draw(on canvas: Canvas, in rect: Rect) {
        let legendWidth = 30 + (classNames.map { canvas.textWidth($0, style: .small) }.max() ?? 0)
        var axes = Axes(
            title: title, xLabel: xLabel, yLabel: yLabel,
            x: Scale.fitting(x + highlights.map(\.0)), y: Scale.fitting(y + highlights.map(\.1)))
        axes.draw(on: canvas, in: rect.inset(right: legendWidth + 4))
        for i in 0..<x.count where x[i].isFinite && y[i].isFinite {
            canvas.fillCircle(center: axes.point(x[i], y[i]), radius: markerRadius, .category(classes[i]), alpha: alpha)
        }
        for (hx, hy, c) in highlights {
            let p = axes.point(hx, hy)
            canvas.fillCircle(center: p, radius: 8, .category(c))
            canvas.strokeCircle(center: p, radius: 8, .black, width: 2)
        }
        // The legend sits beside the plot so it never hides points.
        let area = axes.plotArea
        let rowHeight = canvas.lineHeight(.small) + 5
        for (i, name) in classNames.enumerated() {
            let cy = area.y + 8 + rowHeight * (Double(i) + 0.5)
            canvas.fillCircle(center: Point(area.maxX + 26, cy), radius: 5, .category(i))
            canvas.text(name, at: Point(area.maxX + 36, cy), style: .small)
        }
    }
}
