/// Where a text's anchor point sits relative to the text.
package enum TextAnchor: Sendable {
    case left, center, right
}

/// The vertical position of a text's anchor point.
package enum TextBaseline: Sendable {
    case top, middle, bottom
}

extension Canvas {
    /// The width of `text` in pixels in a font style.
    package func textWidth(_ text: String, style: FontStyle = .regular) -> Double {
        Fonts.face(style)?.width(text) ?? 0
    }

    /// The height of a line of text (ascent + descent) in a font style.
    package func lineHeight(_ style: FontStyle = .regular) -> Double { Double(Fonts.face(style)?.lineHeight ?? 12) }

    /// Draws one line of text. `rotated` turns it 90° counter-clockwise (for y-axis labels);
    /// the anchor then refers to the text's own direction.
    package func text(
        _ text: String, at point: Point, style: FontStyle = .regular, color: Color = .text,
        anchor: TextAnchor = .left, baseline: TextBaseline = .middle, rotated: Bool = false
    ) {
        guard let face = Fonts.face(style), !text.isEmpty else { return }
        let w = face.width(text)
        let along: Double = anchor == .left ? 0 : (anchor == .center ? -w / 2 : -w)
        let across: Double
        switch baseline {
        case .top: across = 0
        case .middle: across = -Double(face.ascent + face.descent) / 2
        case .bottom: across = -Double(face.ascent + face.descent)
        }
        // The text's own frame: u along the line, v down from the top of the line.
        let (u0, v0) = (along.rounded(), across.rounded())
        var pen = 0.0
        var previous: (start: Double, advance: Double) = (0, 0)
        // Unicode scalars, not Characters: "ρ̂" is one Character but two glyphs.
        for scalar in text.unicodeScalars {
            guard let g = face.glyph(scalar) else { continue }
            let isCombining = (0x300...0x36F).contains(scalar.value)
            // A combining mark's ink is centred over the previous character.
            let origin =
                isCombining
                ? (previous.start + previous.advance / 2 - Double(g.w) / 2 + Double(g.originX)).rounded()
                : pen.rounded()
            for gy in 0..<g.h {
                for gx in 0..<g.w {
                    let coverage = Float(face.atlas.pixels[(g.y + gy) * face.atlas.width + g.x + gx]) / 255
                    guard coverage > 0 else { continue }
                    let u = u0 + origin + Double(gx - g.originX), v = v0 + Double(gy - g.originY)
                    let (x, y) = rotated ? (point.x + v, point.y - u) : (point.x + u, point.y + v)
                    blend(Int(x.rounded(.down)), Int(y.rounded(.down)), color, coverage)
                }
            }
            if !isCombining {
                previous = (pen, g.advance)
                pen += g.advance
            }
        }
    }
}
