import XCTest

@testable import LabKit

final class ConvolutionTests: XCTestCase {
    /// "same" pads (Ho − 1)·s + k − H rows in total, the smaller half on top, and likewise columns.
    func testSamePaddingPutsTheSmallerHalfOnTopAndLeft() {
        let grid = ConvolutionGrid(
            ConvolutionShape(height: 7, width: 8, channels: 2, kernel: 3, stride: 2, padding: .same),
            outputHeight: 4, outputWidth: 4)
        XCTAssertEqual([grid.paddedHeight, grid.paddedWidth, grid.top, grid.left], [9, 9, 1, 0])
        // A stride larger than the kernel: no padding, and the last rows are never under the kernel.
        let sparse = ConvolutionGrid(
            ConvolutionShape(height: 11, width: 13, channels: 1, kernel: 2, stride: 6, padding: .same),
            outputHeight: 2, outputWidth: 3)
        XCTAssertEqual([sparse.paddedHeight, sparse.paddedWidth, sparse.top, sparse.left], [8, 14, 0, 0])
    }

    /// Grids of every kind: stride 1 and 2, "same" with even and odd padding, "valid", a kernel of
    /// 1, a kernel larger than the stride on both sides, and a stride larger than the kernel.
    static let grids: [ConvolutionGrid] = [
        (5, 6, 3, 3, 1, ConvolutionShape.Padding.same, 5, 6), (7, 7, 2, 3, 2, .same, 4, 4),
        (6, 5, 1, 2, 2, .valid, 3, 2),
        (8, 9, 2, 5, 2, .same, 4, 5), (4, 4, 3, 1, 1, .valid, 4, 4), (8, 8, 2, 5, 3, .same, 3, 3),
        (11, 13, 2, 2, 6, .same, 2, 3), (6, 9, 3, 4, 3, .valid, 1, 2),
    ].map { h, w, c, k, s, padding, ho, wo in
        ConvolutionGrid(
            ConvolutionShape(height: h, width: w, channels: c, kernel: k, stride: s, padding: padding),
            outputHeight: ho, outputWidth: wo)
    }

    /// conv2d against the definition, a loop over every output value:
    /// y[n, i, j, f] = b[f] + Σ_{ky, kx, c} x[n, i·s + ky − top, j·s + kx − left, c] · W[(ky·k + kx)·C + c, f].
    func testConvolutionMatchesANaiveLoop() {
        var rng = SeededGenerator(seed: 11)
        for grid in Self.grids {
            let shape = grid.shape, f = 4
            let (h, w, c, k, s) = (shape.height, shape.width, shape.channels, shape.kernel, shape.stride)
            let x = Tensor.randomNormal([3, h * w * c], using: &rng)
            let weights = Tensor.randomNormal([k * k * c, f], using: &rng), bias = Tensor.randomNormal([f], using: &rng)
            let y = conv2d(Variable(x), filters: Variable(weights), bias: Variable(bias), grid).value
            let (ho, wo, top, left) = (grid.outputHeight, grid.outputWidth, grid.top, grid.left)
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
            XCTAssertLessThan(worst, 1e-4, "\(grid)")
        }
    }

    /// The convolution's gathered products sum in the kernels' order, on geometries that take
    /// every packing path: 16 channels (runs of 16 taps, packed by transposing in registers), 8
    /// and 1 channels, and a filters' gradient with 9 tap rows (shared over the cores by k-blocks).
    func testGatheredProductsSumInTheKernelsOrder() throws {
        try XCTSkipIf(Tensor.matmulKernelName.hasPrefix("portable"), "the portable kernel need not fuse its adds")
        var rng = SeededGenerator(seed: 17)
        for (side, channels, images, filters) in [(14, 16, 16, 8), (7, 8, 24, 8), (28, 1, 16, 16), (15, 17, 6, 3)] {
            let shape = ConvolutionShape(height: side, width: side, channels: channels, kernel: 3, stride: 2)
            let grid = ConvolutionGrid(shape, outputHeight: (side + 1) / 2, outputWidth: (side + 1) / 2)
            let batch = Tensor.PaddedBatch(Tensor.randomNormal([images, shape.imageSize], using: &rng), grid)
            // The gathered matrix written out: a row per position, a column per tap.
            let gathered = Tensor(
                shape: [batch.positions.count, batch.taps.count],
                scalars: batch.positions.flatMap { position in batch.taps.map { batch.padded[position + $0] } })
            let w = Tensor.randomNormal([batch.taps.count, filters], using: &rng)
            let g = Tensor.randomNormal([batch.positions.count, filters], using: &rng)
            XCTAssertEqual(
                Tensor.convolve(batch, w).scalars, productInTheKernelsOrder(gathered, w), "\(shape): forward")
            XCTAssertEqual(
                Tensor.convolutionFilterGradient(batch, g).scalars,
                productInTheKernelsOrder(gathered, g, transposeA: true), "\(shape): filters' gradient")
        }
    }

    /// convTranspose2d is the adjoint of conv2d: ⟨conv(u; W), v⟩ = ⟨u, convᵀ(v; W)⟩, on every grid.
    func testTheTransposeIsTheAdjoint() {
        var rng = SeededGenerator(seed: 12)
        for grid in Self.grids {
            let shape = grid.shape, f = 4
            let x = Tensor.randomNormal([2, shape.imageSize], using: &rng)
            let w = Tensor.randomNormal([shape.patchSize, f], using: &rng)
            let v = Tensor.randomNormal([2, grid.positions * f], using: &rng)
            let forward = conv2d(Variable(x), filters: Variable(w), bias: Variable(.zeros([f])), grid).value
            let back = convTranspose2d(
                Variable(v), filters: Variable(w), bias: Variable(.zeros([shape.channels])), grid
            ).value
            XCTAssertEqual(back.shape, x.shape)
            XCTAssertEqual(Double((forward * v).sum()), Double((x * back).sum()), accuracy: 1e-3, "\(grid)")
        }
    }

    /// Each op's pullback against central differences of L = Σ op(…) ⊙ R for a fixed random R
    /// (linear in each input, so a large step is exact and keeps Float32 rounding small).
    func testGradientsMatchFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 13)
        let shape = ConvolutionShape(height: 5, width: 4, channels: 2, kernel: 3, stride: 2, padding: .same)
        let grid = ConvolutionGrid(shape, outputHeight: 3, outputWidth: 2), positions = grid.positions
        let x = Tensor.randomNormal([2, shape.imageSize], using: &rng)
        let w = Tensor.randomNormal([shape.patchSize, 3], using: &rng), b = Tensor.randomNormal([3], using: &rng)
        let r = Variable(Tensor.randomNormal([2, positions * 3], using: &rng))
        let forward = try checkGradients(at: [x, w, b], step: 1e-2) { v in
            (conv2d(v[0], filters: v[1], bias: v[2], grid) * r).sum()
        }
        XCTAssertLessThan(forward.maxRelativeError, 1e-2, forward.summary)

        let y = Tensor.randomNormal([2, positions * 3], using: &rng)
        let wt = Tensor.randomNormal([shape.patchSize, 3], using: &rng),
            bt = Tensor.randomNormal([shape.channels], using: &rng)
        let rt = Variable(Tensor.randomNormal([2, shape.imageSize], using: &rng))
        let transposed = try checkGradients(at: [y, wt, bt], step: 1e-2) { v in
            (convTranspose2d(v[0], filters: v[1], bias: v[2], grid) * rt).sum()
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

    /// The rows of a batch are split over the cores: any split, and a batch of one, gives the same bits.
    func testBatchesGiveTheSameBitsAsSingleImages() {
        var rng = SeededGenerator(seed: 14)
        let shape = ConvolutionShape(height: 9, width: 9, channels: 3, kernel: 3, stride: 2, padding: .same)
        let grid = ConvolutionGrid(shape, outputHeight: 5, outputWidth: 5)
        let x = Tensor.randomNormal([11, shape.imageSize], using: &rng), w = Tensor.randomNormal([27, 4], using: &rng)
        let z = Tensor.randomNormal([11, 25 * 4], using: &rng)
        let (zeros4, zeros3) = (Variable(Tensor.zeros([4])), Variable(Tensor.zeros([3])))
        let whole = conv2d(Variable(x), filters: Variable(w), bias: zeros4, grid).value
        let oneByOne = Tensor.concatenate(
            (0..<11).map { conv2d(Variable(x.rows($0..<($0 + 1))), filters: Variable(w), bias: zeros4, grid).value },
            alongAxis: 0)
        XCTAssertEqual(whole, oneByOne)
        let back = convTranspose2d(Variable(z), filters: Variable(w), bias: zeros3, grid).value
        let backOne = Tensor.concatenate(
            (0..<11).map {
                convTranspose2d(Variable(z.rows($0..<($0 + 1))), filters: Variable(w), bias: zeros3, grid).value
            }, alongAxis: 0)
        XCTAssertEqual(back, backOne)
    }

    func testLayersInitialiseAndChainShapes() {
        var rng = SeededGenerator(seed: 15)
        let first = ConvolutionShape(height: 28, width: 28, channels: 1, kernel: 3, stride: 2)
        let encoder = Conv2D(
            ConvolutionGrid(first, outputHeight: 14, outputWidth: 14), filters: 16, activation: .relu, using: &rng)
        let second = ConvolutionShape(height: 14, width: 14, channels: 16, kernel: 3, stride: 2)
        let decoder = ConvTranspose2D(
            ConvolutionGrid(second, outputHeight: 7, outputWidth: 7), inputChannels: 8, using: &rng)
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
