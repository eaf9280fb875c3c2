/// A vertical colour bar: the colormap from `low` (bottom) to `high` (top), with ticks and
/// an optional label read upwards on its right. Heatmaps and image grids draw one beside them.
struct ColorBar {
    var colormap: Colormap
    var low: Double, high: Double
    var label: String

    /// The width it takes beside a plot, including the gap before it, ticks and label.
    static let space = 84.0

    /// Draws the bar into `bar` (about 16 px wide); ticks and label go to its right.
    func draw(on canvas: Canvas, in bar: Rect) {
        let steps = Swift.max(2, Int(bar.height))
        for i in 0..<steps {
            let t = 1 - Double(i) / Double(steps - 1)
            canvas.fill(
                Rect(
                    x: bar.x, y: bar.y + bar.height * Double(i) / Double(steps), width: bar.width,
                    height: bar.height / Double(steps) + 0.5),
                colormap.color(Float(t)))
        }
        canvas.stroke(bar, .axis, width: 1)
        let scale = Scale(low: low, high: Swift.max(high, low + 1e-12))
        for (v, text) in zip(scale.ticks, scale.tickLabels) {
            let y = bar.maxY - scale.fraction(v) * bar.height
            canvas.line(from: Point(bar.maxX, y), to: Point(bar.maxX + 4, y), .axis, width: 1)
            canvas.text(text, at: Point(bar.maxX + 7, y), style: .small, color: .lightText)
        }
        if !label.isEmpty {
            canvas.text(
                label, at: Point(bar.maxX + 44, bar.midY), style: .small, color: .lightText, anchor: .center,
                baseline: .top, rotated: true)
        }
    }
}
