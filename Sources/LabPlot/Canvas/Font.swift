import Foundation

/// The kit's built-in fonts: DejaVu Sans glyphs pre-rendered (antialiased) into atlases that
/// ship as resources (see scripts/make_font_atlas.py), so no font needs to be installed.
package enum FontStyle: String, CaseIterable, Sendable {
    case small, regular, bold, title
}

struct Glyph: Decodable {
    let x: Int, y: Int, w: Int, h: Int
    let originX: Int, originY: Int
    let advance: Double
}

struct FontFace {
    let ascent: Int, descent: Int, lineHeight: Int
    let glyphs: [String: Glyph]
    let atlas: Image

    /// The glyph to draw for a character (a box-less "?" for characters the atlas lacks).
    func glyph(_ c: Unicode.Scalar) -> Glyph? { glyphs[String(c)] ?? glyphs["?"] }

    /// Width in pixels of a string (pen positions are rounded, as when drawing).
    func width(_ text: String) -> Double {
        text.unicodeScalars.reduce(0.0) { $0 + (glyph($1)?.advance ?? 0) }
    }
}

/// Loads the fonts once. A missing or damaged resource is a packaging error, reported once.
enum Fonts {
    private struct Metrics: Decodable {
        let ascent: Int, descent: Int, lineHeight: Int
        let glyphs: [String: Glyph]
    }

    static let faces: [FontStyle: FontFace] = {
        var faces: [FontStyle: FontFace] = [:]
        do {
            guard
                let metricsURL = Bundle.module.url(forResource: "metrics", withExtension: "json", subdirectory: "font")
            else {
                throw PNGError.libpng(path: "font/metrics.json", message: "resource missing from the LabPlot bundle")
            }
            let all = try JSONDecoder().decode([String: Metrics].self, from: Data(contentsOf: metricsURL))
            for style in FontStyle.allCases {
                guard let m = all[style.rawValue],
                    let url = Bundle.module.url(forResource: style.rawValue, withExtension: "png", subdirectory: "font")
                else { continue }
                faces[style] = FontFace(
                    ascent: m.ascent, descent: m.descent, lineHeight: m.lineHeight,
                    glyphs: m.glyphs, atlas: try PNGFile.read(from: url.path))
            }
        } catch {
            FileHandle.standardError.write(
                "warning: the plot fonts could not be loaded (\(error)); figures will have no text\n".data(
                    using: .utf8)!)
        }
        return faces
    }()

    static func face(_ style: FontStyle) -> FontFace? { faces[style] }
}
