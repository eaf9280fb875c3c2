/// A point in pixel coordinates (x to the right, y down), fractional for antialiasing.
package struct Point: Equatable, Sendable {
    package var x: Double, y: Double
    package init(_ x: Double, _ y: Double) { (self.x, self.y) = (x, y) }
}

/// A rectangle in pixel coordinates.
package struct Rect: Equatable, Sendable {
    package var x: Double, y: Double, width: Double, height: Double
    package init(x: Double, y: Double, width: Double, height: Double) {
        (self.x, self.y, self.width, self.height) = (x, y, width, height)
    }
    package var maxX: Double { x + width }
    package var maxY: Double { y + height }
    package var midX: Double { x + width / 2 }
    package var midY: Double { y + height / 2 }
    /// The rectangle shrunk by the given margins.
    package func inset(left: Double = 0, top: Double = 0, right: Double = 0, bottom: Double = 0) -> Rect {
        Rect(
            x: x + left, y: y + top, width: Swift.max(1, width - left - right),
            height: Swift.max(1, height - top - bottom))
    }
}

/// An RGB drawing surface with antialiased shapes and text.
///
/// Every shape is drawn by coverage: a pixel's share of the shape (from its distance to
/// the shape's edge) blends the colour in, so lines and markers have smooth edges. Pixels
/// are kept as Float and rounded once when the image is made, so drawing is deterministic.
package final class Canvas {
    package let width: Int, height: Int
    private var rgb: [Float]

    package init(width: Int, height: Int, background: Color = .white) {
        precondition(width > 0 && height > 0, "canvas size \(width)×\(height) must be positive")
        self.width = width
        self.height = height
        rgb = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            rgb[3 * i] = background.red; rgb[3 * i + 1] = background.green; rgb[3 * i + 2] = background.blue
        }
    }

    /// Blends `color` into pixel (x, y) with opacity `alpha` ∈ [0, 1].
    @inline(__always)
    package func blend(_ x: Int, _ y: Int, _ color: Color, _ alpha: Float) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let a = Swift.min(alpha, 1), i = 3 * (y * width + x)
        rgb[i] += (color.red - rgb[i]) * a
        rgb[i + 1] += (color.green - rgb[i + 1]) * a
        rgb[i + 2] += (color.blue - rgb[i + 2]) * a
    }

    /// The colour at (x, y) (for tests).
    package func color(atX x: Int, y: Int) -> Color {
        let i = 3 * (y * width + x)
        return Color(red: rgb[i], green: rgb[i + 1], blue: rgb[i + 2])
    }

    /// Fills a rectangle; fractional edges get partial coverage.
    package func fill(_ r: Rect, _ color: Color, alpha: Float = 1) {
        let x0 = Swift.max(0, Int(r.x.rounded(.down))), x1 = Swift.min(width - 1, Int(r.maxX.rounded(.up)) - 1)
        let y0 = Swift.max(0, Int(r.y.rounded(.down))), y1 = Swift.min(height - 1, Int(r.maxY.rounded(.up)) - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            let cy = Swift.min(Double(y + 1), r.maxY) - Swift.max(Double(y), r.y)
            for x in x0...x1 {
                let cx = Swift.min(Double(x + 1), r.maxX) - Swift.max(Double(x), r.x)
                blend(x, y, color, alpha * Float(Swift.max(0, cx) * Swift.max(0, cy)))
            }
        }
    }

    /// Strokes a rectangle's outline.
    package func stroke(_ r: Rect, _ color: Color, width lineWidth: Double = 1) {
        polyline(
            [Point(r.x, r.y), Point(r.maxX, r.y), Point(r.maxX, r.maxY), Point(r.x, r.maxY), Point(r.x, r.y)],
            color, width: lineWidth)
    }

    /// A straight line of the given width with round caps; `dash` (on, off) in pixels.
    package func line(
        from a: Point, to b: Point, _ color: Color, width lineWidth: Double = 1.5,
        dash: (Double, Double)? = nil, alpha: Float = 1
    ) {
        guard let (on, off) = dash else { return polyline([a, b], color, width: lineWidth, alpha: alpha) }
        let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        guard length > 0 else { return }
        var t = 0.0
        while t < length {
            let t1 = Swift.min(length, t + on)
            polyline(
                [
                    Point(a.x + (b.x - a.x) * t / length, a.y + (b.y - a.y) * t / length),
                    Point(a.x + (b.x - a.x) * t1 / length, a.y + (b.y - a.y) * t1 / length),
                ], color, width: lineWidth, alpha: alpha)
            t = t1 + off
        }
    }

    /// A connected line through `points` with round joins. Coverage is the maximum over the
    /// segments, so joins are not drawn twice (no dark dots where segments meet).
    package func polyline(_ points: [Point], _ color: Color, width lineWidth: Double = 1.5, alpha: Float = 1) {
        let points = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = points.first else { return }
        let half = lineWidth / 2
        let pad = half + 1
        var minX = first.x, maxX = first.x, minY = first.y, maxY = first.y
        for p in points {
            minX = Swift.min(minX, p.x); maxX = Swift.max(maxX, p.x); minY = Swift.min(minY, p.y);
            maxY = Swift.max(maxY, p.y)
        }
        let x0 = Swift.max(0, Int(minX - pad)), x1 = Swift.min(width - 1, Int(maxX + pad))
        let y0 = Swift.max(0, Int(minY - pad)), y1 = Swift.min(height - 1, Int(maxY + pad))
        guard x0 <= x1, y0 <= y1 else { return }
        let w = x1 - x0 + 1
        var coverage = [Float](repeating: 0, count: w * (y1 - y0 + 1))
        let segments = points.count == 1 ? [(first, first)] : Array(zip(points, points.dropFirst()))
        for (a, b) in segments {
            let sx0 = Swift.max(x0, Int(Swift.min(a.x, b.x) - pad)), sx1 = Swift.min(x1, Int(Swift.max(a.x, b.x) + pad))
            let sy0 = Swift.max(y0, Int(Swift.min(a.y, b.y) - pad)), sy1 = Swift.min(y1, Int(Swift.max(a.y, b.y) + pad))
            guard sx0 <= sx1, sy0 <= sy1 else { continue }
            let (dx, dy) = (b.x - a.x, b.y - a.y)
            let lengthSquared = dx * dx + dy * dy
            for y in sy0...sy1 {
                for x in sx0...sx1 {
                    let (px, py) = (Double(x) + 0.5 - a.x, Double(y) + 0.5 - a.y)
                    let t = lengthSquared > 0 ? Swift.min(1, Swift.max(0, (px * dx + py * dy) / lengthSquared)) : 0
                    let (ex, ey) = (px - t * dx, py - t * dy)
                    let c = Float(Swift.min(1, Swift.max(0, half + 0.5 - (ex * ex + ey * ey).squareRoot())))
                    let k = (y - y0) * w + (x - x0)
                    if c > coverage[k] { coverage[k] = c }
                }
            }
        }
        for y in y0...y1 { for x in x0...x1 { blend(x, y, color, alpha * coverage[(y - y0) * w + (x - x0)]) } }
    }

    /// A filled disc with an antialiased edge.
    package func fillCircle(center c: Point, radius r: Double, _ color: Color, alpha: Float = 1) {
        let x0 = Swift.max(0, Int(c.x - r - 1)), x1 = Swift.min(width - 1, Int(c.x + r + 1))
        let y0 = Swift.max(0, Int(c.y - r - 1)), y1 = Swift.min(height - 1, Int(c.y + r + 1))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let (dx, dy) = (Double(x) + 0.5 - c.x, Double(y) + 0.5 - c.y)
                let coverage = Swift.min(1, Swift.max(0, r + 0.5 - (dx * dx + dy * dy).squareRoot()))
                blend(x, y, color, alpha * Float(coverage))
            }
        }
    }

    /// A circle's outline.
    package func strokeCircle(
        center c: Point, radius r: Double, _ color: Color, width lineWidth: Double = 1, alpha: Float = 1
    ) {
        let pad = r + lineWidth + 1
        let x0 = Swift.max(0, Int(c.x - pad)), x1 = Swift.min(width - 1, Int(c.x + pad))
        let y0 = Swift.max(0, Int(c.y - pad)), y1 = Swift.min(height - 1, Int(c.y + pad))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let (dx, dy) = (Double(x) + 0.5 - c.x, Double(y) + 0.5 - c.y)
                let d = Swift.abs((dx * dx + dy * dy).squareRoot() - r)
                blend(x, y, color, alpha * Float(Swift.min(1, Swift.max(0, lineWidth / 2 + 0.5 - d))))
            }
        }
    }

    /// Draws grayscale values (0 = black, 1 = white) as a w×h image, each value a
    /// `scale`×`scale` block, with its top-left corner at (x, y).
    package func drawGray(_ values: [Float], width w: Int, height h: Int, atX x: Int, y: Int, scale: Int) {
        drawPixels(width: w, height: h, atX: x, y: y, scale: scale) { i in
            let v = values[i].isFinite ? Swift.min(1, Swift.max(0, values[i])) : 0
            return Color(red: v, green: v, blue: v)
        }
    }

    /// Draws a w×h grid of colours, each a `scale`×`scale` block.
    package func drawPixels(width w: Int, height h: Int, atX x: Int, y: Int, scale: Int, color: (Int) -> Color) {
        for row in 0..<h {
            for column in 0..<w {
                let c = color(row * w + column)
                for dy in 0..<scale {
                    let py = y + row * scale + dy
                    guard py >= 0 && py < height else { continue }
                    for dx in 0..<scale {
                        let px = x + column * scale + dx
                        guard px >= 0 && px < width else { continue }
                        let i = 3 * (py * width + px)
                        rgb[i] = c.red; rgb[i + 1] = c.green; rgb[i + 2] = c.blue
                    }
                }
            }
        }
    }

    /// The canvas as an 8-bit RGB image.
    package func image() -> Image {
        Image(
            width: width, height: height, format: .rgb,
            pixels: rgb.map { UInt8(Swift.min(255, Swift.max(0, ($0 * 255).rounded()))) })
    }

    /// Renders and writes the canvas as a PNG (atomically; see `PNGFile.write`).
    package func save(to path: String) throws { try PNGFile.write(image(), to: path) }
}
