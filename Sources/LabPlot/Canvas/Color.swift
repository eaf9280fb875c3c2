/// An sRGB colour with components in [0, 1].
package struct Color: Equatable, Sendable {
    package var red: Float, green: Float, blue: Float

    package init(red: Float, green: Float, blue: Float) {
        (self.red, self.green, self.blue) = (red, green, blue)
    }

    /// A colour from a 0xRRGGBB literal.
    package init(hex: UInt32) {
        self.init(
            red: Float((hex >> 16) & 0xFF) / 255, green: Float((hex >> 8) & 0xFF) / 255, blue: Float(hex & 0xFF) / 255)
    }

    /// The colour a fraction t of the way from self to other.
    package func mixed(with other: Color, _ t: Float) -> Color {
        Color(
            red: red + (other.red - red) * t, green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t)
    }

    /// Relative luminance (for choosing black or white text on a coloured cell).
    package var luminance: Float { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    package static let black = Color(hex: 0x000000)
    package static let white = Color(hex: 0xFFFFFF)
    package static let text = Color(hex: 0x222222)
    package static let axis = Color(hex: 0x444444)
    package static let grid = Color(hex: 0xE3E3E3)
    package static let lightText = Color(hex: 0x666666)

    /// Ten distinguishable colours for classes and series (Tableau 10), in a fixed order.
    package static let categorical: [Color] = [
        0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC,
    ].map { Color(hex: $0) }

    /// The i-th categorical colour (wrapping around after ten).
    package static func category(_ i: Int) -> Color { categorical[((i % 10) + 10) % 10] }
}

/// A perceptually uniform colour map: equal steps in value look like equal steps in colour.
package enum Colormap: Sendable {
    /// viridis (van der Walt & Smith, 2015; CC0), 17 control points, linearly interpolated.
    case viridis
    /// white → blue, for counts where 0 should look empty (e.g. confusion matrices).
    case blues
    /// blue → white → red, for signed values centred at 0 (weights, filters).
    case diverging
    /// black → white, for images.
    case gray

    private static let viridisPoints: [(Float, Float, Float)] = [
        (0.2670, 0.0049, 0.3294), (0.2823, 0.0950, 0.4173), (0.2788, 0.1755, 0.4834), (0.2590, 0.2515, 0.5247),
        (0.2297, 0.3224, 0.5457), (0.1994, 0.3876, 0.5546), (0.1727, 0.4488, 0.5579), (0.1490, 0.5081, 0.5573),
        (0.1276, 0.5669, 0.5506), (0.1206, 0.6258, 0.5335), (0.1579, 0.6838, 0.5017), (0.2461, 0.7389, 0.4520),
        (0.3692, 0.7889, 0.3829), (0.5160, 0.8312, 0.2943), (0.6785, 0.8637, 0.1895), (0.8456, 0.8873, 0.0997),
        (0.9932, 0.9062, 0.1439),
    ]

    /// The colour of t ∈ [0, 1] (clamped).
    package func color(_ t: Float) -> Color {
        let t = t.isFinite ? Swift.min(1, Swift.max(0, t)) : 0
        switch self {
        case .viridis:
            let x = t * Float(Self.viridisPoints.count - 1)
            let i = Swift.min(Int(x), Self.viridisPoints.count - 2)
            let (a, b) = (Self.viridisPoints[i], Self.viridisPoints[i + 1])
            return Color(red: a.0, green: a.1, blue: a.2).mixed(
                with: Color(red: b.0, green: b.1, blue: b.2), x - Float(i))
        case .blues:
            return Color(hex: 0xF7FBFF).mixed(with: Color(hex: 0x08306B), t)
        case .diverging:
            return t < 0.5
                ? Color(hex: 0x2166AC).mixed(with: Color(hex: 0xF7F7F7), t * 2)
                : Color(hex: 0xF7F7F7).mixed(with: Color(hex: 0xB2182B), (t - 0.5) * 2)
        case .gray:
            return Color(red: t, green: t, blue: t)
        }
    }
}
