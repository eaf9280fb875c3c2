import XCTest

@testable import LabKit

final class ConvolutionTests: XCTestCase {
    func testOutputSizesFollowTheFormulas() {
        typealias S = ConvolutionShape
        // valid: ⌊(n − k)/s⌋ + 1;  same: ⌈n/s⌉
        XCTAssertEqual(S.outputSize(28, kernel: 3, stride: 1, padding: .valid), 26)
        XCTAssertEqual(S.outputSize(28, kernel: 5, stride: 2, padding: .valid), 12)
        XCTAssertEqual(S.outputSize(7, kernel: 3, stride: 2, padding: .valid), 3)
        XCTAssertEqual(S.outputSize(28, kernel: 3, stride: 2, padding: .same), 14)
        XCTAssertEqual(S.outputSize(7, kernel: 3, stride: 2, padding: .same), 4)
        XCTAssertEqual(S.outputSize(5, kernel: 3, stride: 1, padding: .same), 5)
        let shape = S(height: 7, width: 8, channels: 2, kernel: 3, stride: 2, padding: .same)
        XCTAssertEqual([shape.outputHeight, shape.outputWidth, shape.padTop, shape.padLeft], [4, 4, 1, 0])
    }

    /// conv2d against the definition, a loop over every output value:
    /// y[n, i, j, f] = b[f] + Σ_{ky, kx, c} x[n, i·s + ky − top, j·s + kx − left, c] · W[(ky·k + kx)·C + c, f].
    func testConvolutionMatchesANaiveLoop() {
        var rng = SeededGenerator(seed: 11)
        for (h, w, c, f, k, s, padding) in [
            (5, 6, 3, 4, 3, 1, ConvolutionShape.Padding.same), (7, 7, 2, 3, 3, 2, .same),
            (6, 5, 1, 2, 2, 2, .valid), (8, 9, 2, 5, 5, 2, .same), (4, 4, 3, 2, 1, 1, .valid),
        ] {
            let shape = ConvolutionShape(height: h, width: w, channels: c, kernel: k, stride: s, padding: padding)
            let x = Tensor.randomNormal([3, h * w * c], using: &rng)
            let weights = Tensor.randomNormal([k * k * c, f], using: &rng), bias = Tensor.randomNormal([f], using: &rng)
            let y = conv2d(Variable(x), filters: Variable(weights), bias: Variable(bias), shape).value
            let (ho, wo, top, left) = (shape.outputHeight, shape.outputWidth, shape.padTop, shape.padLeft)
            XCTAssertEqual(y.shape, [3, ho * wo * f])
            var worst: Float = 0
            for n in 0..<3 {
                for i in 0..<ho {
                    for j in 0..<wo {
                        for filter in 0..<f {
                            var sum = Double(bias[filter])
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    for channel in 0..<c {
                                        let (iy, ix) = (i * s + ky - top, j * s + kx - left)
                                        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                        sum +=
                                            Double(x[n, (iy * w + ix) * c + channel])
                                            * Double(weights[(ky * k + kx) * c + channel, filter])
                                    }
                                }
                            }
                            worst = max(worst, abs(Float(sum) - y[n, (i * wo + j) * f + filter]))
                        }
                    }
                }
            }
            XCTAssertLessThan(worst, 1e-4, "\(shape)")
        }
    }

    /// foldPatches is the adjoint of patches, and convTranspose2d of conv2d:
    /// ⟨patches(x), P⟩ = ⟨x, fold(P)⟩ and ⟨conv(u; W), v⟩ = ⟨u, convᵀ(v; W)⟩.
    func testTransposesAreAdjoints() {
        var rng = SeededGenerator(seed: 12)
        for shape in [
            ConvolutionShape(height: 7, width: 7, channels: 2, kernel: 3, stride: 2, padding: .same),
            ConvolutionShape(height: 6, width: 9, channels: 3, kernel: 4, stride: 3, padding: .valid),
        ] {
            let x = Tensor.randomNormal([2, shape.imageSize], using: &rng)
            let p = Tensor.randomNormal([2 * shape.outputHeight * shape.outputWidth, shape.patchSize], using: &rng)
            XCTAssertEqual(
                Double((Tensor.patches(of: x, shape) * p).sum()), Double((x * Tensor.foldPatches(p, shape)).sum()),
                accuracy: 1e-3)
            let f = 4, w = Tensor.randomNormal([shape.patchSize, f], using: &rng)
            let v = Tensor.randomNormal([2, shape.outputHeight * shape.outputWidth * f], using: &rng)
            let forward = conv2d(Variable(x), filters: Variable(w), bias: Variable(.zeros([f])), shape).value
            let back = convTranspose2d(
                Variable(v), filters: Variable(w), bias: Variable(.zeros([shape.channels])), shape
            ).value
            XCTAssertEqual(back.shape, x.shape)
            XCTAssertEqual(Double((forward * v).sum()), Double((x * back).sum()), accuracy: 1e-3)
        }
    }

    /// Each op's pullback against central differences of L = Σ op(…) ⊙ R for a fixed random R
    /// (linear in each input, so a large step is exact and keeps Float32 rounding small).
    func testGradientsMatchFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 13)
        let shape = ConvolutionShape(height: 5, width: 4, channels: 2, kernel: 3, stride: 2, padding: .same)
        let positions = shape.outputHeight * shape.outputWidth
        let x = Tensor.randomNormal([2, shape.imageSize], using: &rng)
        let w = Tensor.randomNormal([shape.patchSize, 3], using: &rng), b = Tensor.randomNormal([3], using: &rng)
        let r = Variable(Tensor.randomNormal([2, positions * 3], using: &rng))
        let forward = try checkGradients(at: [x, w, b], step: 1e-2) { v in
            (conv2d(v[0], filters: v[1], bias: v[2], shape) * r).sum()
        }
        XCTAssertLessThan(forward.maxRelativeError, 1e-2, forward.summary)

        let y = Tensor.randomNormal([2, positions * 3], using: &rng)
        let wt = Tensor.randomNormal([shape.patchSize, 3], using: &rng),
            bt = Tensor.randomNormal([shape.channels], using: &rng)
        let rt = Variable(Tensor.randomNormal([2, shape.imageSize], using: &rng))
        let transposed = try checkGradients(at: [y, wt, bt], step: 1e-2) { v in
            (convTranspose2d(v[0], filters: v[1], bias: v[2], shape) * rt).sum()
        }
        XCTAssertLessThan(transposed.maxRelativeError, 1e-2, transposed.summary)

        // Distinct values, so no window has a tie that a finite step could flip.
        let pooled = Tensor(shape: [2, 5 * 4 * 2], scalars: (0..<80).map { Float(($0 * 37) % 80) / 10 })
        let rp = Variable(Tensor.randomNormal([2, 2 * 2 * 2], using: &rng))
        let pool = try checkGradients(at: [pooled], step: 1e-2) { v in
            (maxPool2d(v[0], height: 5, width: 4, channels: 2) * rp).sum()
        }
        XCTAssertLessThan(pool.maxRelativeError, 1e-2, pool.summary)
    }

    func testMaxPoolKeepsEachWindowsLargestValuePerChannel() {
        // One 2×4 image with 2 channels (HWC): channel 0 is 1…8, channel 1 is −1…−8.
        let x = Tensor(shape: [1, 16], scalars: (1...8).flatMap { [Float($0), -Float($0)] })
        let y = maxPool2d(Variable(x), height: 2, width: 4, channels: 2).value
        // Windows: columns 0–1 hold 1, 2, 5, 6; columns 2–3 hold 3, 4, 7, 8.
        XCTAssertEqual(y.scalars, [6, -1, 8, -3])
    }

    /// The images of a batch are split over the cores: any split gives the same bits.
    func testBatchesGiveTheSameBitsAsSingleImages() {
        var rng = SeededGenerator(seed: 14)
        let shape = ConvolutionShape(height: 9, width: 9, channels: 3, kernel: 3, stride: 2, padding: .same)
        let x = Tensor.randomNormal([11, shape.imageSize], using: &rng)
        let whole = Tensor.patches(of: x, shape)
        let oneByOne = Tensor.concatenate(
            (0..<11).map { Tensor.patches(of: x.rows($0..<($0 + 1)), shape) }, alongAxis: 0)
        XCTAssertEqual(whole, oneByOne)
        let folded = Tensor.foldPatches(whole, shape)
        let foldedOne = Tensor.concatenate(
            (0..<11).map { i in
                Tensor.foldPatches(whole.rows((i * 25)..<((i + 1) * 25)), shape)
            }, alongAxis: 0)
        XCTAssertEqual(folded, foldedOne)
    }

    func testLayersInitialiseAndChainShapes() {
        var rng = SeededGenerator(seed: 15)
        let first = ConvolutionShape(height: 28, width: 28, channels: 1, kernel: 3, stride: 2)
        let encoder = Conv2D(first, filters: 16, activation: .relu, using: &rng)
        let second = ConvolutionShape(height: 14, width: 14, channels: 16, kernel: 3, stride: 2)
        let decoder = ConvTranspose2D(second, inputChannels: 8, using: &rng)
        XCTAssertEqual(encoder.filters.shape, [9, 16])
        XCTAssertEqual(decoder.filters.shape, [144, 8])
        let x = Tensor.randomUniform([4, 784], low: 0, high: 1, using: &rng)
        XCTAssertEqual(encoder.evaluate(x).shape, [4, 14 * 14 * 16])
        XCTAssertEqual(decoder.evaluate(Tensor.zeros([4, 7 * 7 * 8])).shape, [4, 14 * 14 * 16])
        // He initialisation: std ≈ √(2 / fan_in) = √(2/9).
        let std = (encoder.filters.value.squared().mean()).squareRoot()
        XCTAssertEqual(Double(std), (2.0 / 9).squareRoot(), accuracy: 0.15)
    }
}
