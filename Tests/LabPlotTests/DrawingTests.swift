import XCTest

@testable import LabPlot

final class DrawingTests: XCTestCase {
    /// Figures are shown at about 60 % in report.md: text must be at least 12 px at the
    /// figure's own size. DejaVu Sans' line height is 1.16 em, so 12 px needs 14 px lines.
    func testEveryTextStyleIsAtLeastTwelvePixels() throws {
        for style in FontStyle.allCases {
            let face = try XCTUnwrap(Fonts.face(style), "\(style) font missing")
            XCTAssertGreaterThanOrEqual(face.lineHeight, 14, "\(style) text is smaller than 12 px")
            XCTAssertGreaterThanOrEqual(
                face.glyph("H")!.h, 9, "\(style): capital letters under 9 px are hard to read at 60 %")
        }
    }

    func testASharedSignedImageGridDrawsItsColourBarAndAPerTileOneDoesNot() {
        /// Non-white pixels of a small grid, with or without a colour-bar label.
        func ink(_ scaling: ImageGrid.Scaling, _ label: String = "weight") -> Int {
            let figure = Figure(title: "", width: 400, height: 200)
            figure.add(
                ImageGrid(
                    title: "", tiles: [[-1, 0, 0.5, 1], [0.2, -0.2, 0.1, 0]], columns: 2, scaling: scaling,
                    colorbarLabel: label))
            let image = figure.render().image()
            var ink = 0
            for y in 0..<image.height {
                for x in 0..<image.width
                where image.pixels[3 * (y * image.width + x)..<3 * (y * image.width + x) + 3].contains(where: {
                    $0 < 250
                }) {
                    ink += 1
                }
            }
            return ink
        }
        // The bar beside the grid is 16 px wide and as tall as the grid, plus ticks and labels.
        XCTAssertGreaterThan(ink(.signedShared) - ink(.signedShared, ""), 150, "no colour bar drawn")
        XCTAssertEqual(
            ink(.signed), ink(.signed, ""), "a per-tile scale must not get a colour bar that reads as one scale")
    }

    func isDark(_ c: Color) -> Bool { c.luminance < 0.5 }

    func testALineColoursThePixelsBetweenItsEndsAndNothingFarAway() {
        let canvas = Canvas(width: 100, height: 60)
        canvas.line(from: Point(10, 10), to: Point(90, 50), .black, width: 2)
        for t in stride(from: 0.0, through: 1.0, by: 0.05) {
            let (x, y) = (10 + 80 * t, 10 + 40 * t)
            XCTAssertTrue(isDark(canvas.color(atX: Int(x), y: Int(y))), "pixel at (\(x), \(y)) on the line is not dark")
        }
        XCTAssertEqual(canvas.color(atX: 80, y: 15), .white)
        XCTAssertEqual(canvas.color(atX: 20, y: 45), .white)
    }

    func testEdgesAreAntialiased() {
        let canvas = Canvas(width: 40, height: 40)
        canvas.fillCircle(center: Point(20, 20), radius: 10.3, .black)
        let edgeValues = (0..<40).map { canvas.color(atX: $0, y: 20).red }
        XCTAssertTrue(
            edgeValues.contains { $0 > 0.05 && $0 < 0.95 },
            "a circle's edge should have intermediate values: \(edgeValues)")
    }

    func testTextRendersInk() {
        let canvas = Canvas(width: 200, height: 40)
        canvas.text("Loss ρ̂ = 0.05", at: Point(10, 20), style: .regular, color: .black)
        let image = canvas.image()
        let inked = stride(from: 0, to: image.pixels.count, by: 3).filter { image.pixels[$0] < 128 }.count
        XCTAssertGreaterThan(inked, 50, "text should put ink on the canvas (are the font resources bundled?)")
        XCTAssertGreaterThan(canvas.textWidth("Loss ρ̂ = 0.05"), 60)
        XCTAssertEqual(canvas.textWidth("ρ̂"), canvas.textWidth("ρ"), "a combining mark takes no width")
    }

    func testAScatterPointLandsAtItsDataCoordinate() {
        let canvas = Canvas(width: 600, height: 400)
        let plot = ScatterPlot(
            title: "", xLabel: "x", yLabel: "y", x: [0, 10, 3], y: [0, 10, 7], classes: [0, 0, 2],
            classNames: ["a", "b", "c"], alpha: 1)
        plot.draw(on: canvas, in: Rect(x: 0, y: 0, width: 600, height: 400))
        // Recompute the same axes to find where (3, 7) must be.
        var axes = Axes(
            title: "", xLabel: "x", yLabel: "y", x: Scale.fitting([0, 10, 3]), y: Scale.fitting([0, 10, 7]))
        axes.draw(
            on: Canvas(width: 600, height: 400),
            in: Rect(x: 0, y: 0, width: 600 - (30 + canvas.textWidth("c", style: .small)) - 4, height: 400))
        let p = axes.point(3, 7)
        let c = canvas.color(atX: Int(p.x), y: Int(p.y))
        let expected = Color.category(2)
        XCTAssertEqual(c.red, expected.red, accuracy: 0.15)
        XCTAssertEqual(c.green, expected.green, accuracy: 0.15)
        XCTAssertEqual(c.blue, expected.blue, accuracy: 0.15)
    }

    func testNiceTicks() {
        XCTAssertEqual(Ticks.linear(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1.0].map { $0 })
        XCTAssertEqual(Ticks.labels([0, 0.25, 0.5]), ["0.00", "0.25", "0.50"])
        XCTAssertEqual(Ticks.labels([0, 5, 10]), ["0", "5", "10"])
        XCTAssertEqual(Ticks.logarithmic(1e-4, 1), [1e-4, 1e-3, 1e-2, 1e-1, 1])
        XCTAssertEqual(Ticks.logLabels([1e-4, 0.01, 100]), ["1e-4", "0.01", "100"])
    }

    func testFiguresAreDeterministic() {
        func make() -> Image {
            let figure = Figure(title: "t", width: 400, height: 300)
            figure.add(LinePlot(title: "loss", xLabel: "epoch", yLabel: "MSE", series: [.init("a", y: [3, 2, 1.5])]))
            return figure.render().image()
        }
        XCTAssertEqual(make().pixelHash, make().pixelHash)
    }
}
