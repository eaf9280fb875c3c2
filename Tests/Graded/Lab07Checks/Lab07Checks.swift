// Graded checks for Lab 07 (convolutional autoencoder): output sizes against known answers and
// their defining property, im2col and the convolution against loops written here from the
// definitions (never against a reference implementation), col2im by adjointness, the loss by its value and
// finite differences. Images are rectangular, multi-channel and strided, so a swapped axis, a
// wrong padding split or a wrong patch order shows.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.col2im
import func ExerciseCalls.convAutoencoderLoss
import func ExerciseCalls.convolution
import func ExerciseCalls.convolutionOutputSize
import func ExerciseCalls.im2col
import func ExerciseCalls.transposedOutputSizes

final class Lab07Checks: GradedTestCase {
    /// The patch matrix from its definition: row (n·Ho + i)·Wo + j, column (ky·k + kx)·C + c holds
    /// pixel (i·s + ky − top, j·s + kx − left), channel c, of image n (0 outside the image).
    static func definitionPatches(_ x: Tensor, _ s: ConvolutionShape) -> Tensor {
        let (ho, wo) = (outputSize(s.height, s), outputSize(s.width, s))
        let top = s.padding == .same ? max(0, (ho - 1) * s.stride + s.kernel - s.height) / 2 : 0
        let left = s.padding == .same ? max(0, (wo - 1) * s.stride + s.kernel - s.width) / 2 : 0
        var out = Tensor.zeros([x.rowCount * ho * wo, s.patchSize])
        for n in 0..<x.rowCount {
            for i in 0..<ho {
                for j in 0..<wo {
                    for ky in 0..<s.kernel {
                        for kx in 0..<s.kernel {
                            let (y, z) = (i * s.stride + ky - top, j * s.stride + kx - left)
                            guard y >= 0, y < s.height, z >= 0, z < s.width else { continue }
                            for c in 0..<s.channels {
                                out[(n * ho + i) * wo + j, (ky * s.kernel + kx) * s.channels + c] =
                                    x[n, (y * s.width + z) * s.channels + c]
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static func outputSize(_ n: Int, _ s: ConvolutionShape) -> Int {
        s.padding == .valid ? (n - s.kernel) / s.stride + 1 : (n + s.stride - 1) / s.stride
    }

    /// Rectangular, multi-channel, strided shapes in both paddings (odd sizes where "same" pads unevenly).
    static let shapes = [
        ConvolutionShape(height: 5, width: 7, channels: 2, kernel: 3, stride: 2, padding: .same),
        ConvolutionShape(height: 6, width: 4, channels: 3, kernel: 2, stride: 1, padding: .valid),
        ConvolutionShape(height: 7, width: 6, channels: 1, kernel: 4, stride: 3, padding: .same),
        ConvolutionShape(height: 8, width: 9, channels: 2, kernel: 3, stride: 2, padding: .valid),
        // A stride larger than the kernel: "same" needs (2 − 1)·6 + 2 − 11 = −3 rows of padding, i.e. none.
        ConvolutionShape(height: 11, width: 13, channels: 2, kernel: 2, stride: 6, padding: .same),
    ]

    /// Distinct values (no two pixels alike), so a moved value cannot go unnoticed.
    static func images(_ count: Int, _ s: ConvolutionShape) -> Tensor {
        Tensor(
            shape: [count, s.imageSize],
            scalars: (0..<(count * s.imageSize)).map { Float($0 % 97) / 97 + Float($0 / 97) })
    }

    // MARK: Exercise 7.1

    func test_7_1_knownOutputSizes() {
        let cases: [(Int, Int, Int, ConvolutionShape.Padding, Int)] = [
            (28, 3, 1, .valid, 26), (28, 5, 2, .valid, 12), (7, 3, 2, .valid, 3), (10, 4, 3, .valid, 3),
            (5, 5, 1, .valid, 1),
            (28, 3, 2, .same, 14), (7, 3, 2, .same, 4), (8, 3, 2, .same, 4), (5, 3, 1, .same, 5), (10, 5, 3, .same, 4),
            (2, 3, 5, .same, 1),
            // Even kernels: "same" does not depend on k (padding ⌊k/2⌋ on both sides would give 6 and 4).
            (10, 4, 2, .same, 5), (9, 2, 3, .same, 3),
        ]
        for (n, k, s, padding, expected) in cases {
            guard let got = graded({ try convolutionOutputSize(inputSize: n, kernel: k, stride: s, padding: padding) })
            else { return }
            expect(
                got == expected, "n = \(n), k = \(k), s = \(s), \(padding): expected \(expected) positions, got \(got)",
                hint: padding == .valid
                    ? "valid: ⌊(n − k)/s⌋ + 1 — the kernel's first position counts too."
                    : "same: ⌈n/s⌉ — it does not depend on k; round up, (n + s − 1)/s.")
        }
    }

    // MARK: Exercise 7.2

    func test_7_2_patchesFollowTheDefinition() {
        for shape in Self.shapes {
            let x = Self.images(2, shape)
            guard let got = graded({ try im2col(x, shape) }) else { return }
            expectClose(
                got, Self.definitionPatches(x, shape), tolerance: 0,
                "im2col of two \(shape.height)×\(shape.width)×\(shape.channels) "
                    + "images, \(shape.kernel)×\(shape.kernel) kernel, stride \(shape.stride), \(shape.padding)",
                hint: "one row per output position (n, i, j) in that order; columns in (ky, kx, c) order; pixel "
                    + "(i·s + ky − top, j·s + kx − left); same padding puts the smaller half of the padding on top and left."
            )
        }
    }

    func test_7_2_paddingIsZeroAndEveryPixelIsSeenByAStrideOneSameConvolution() {
        let shape = ConvolutionShape(height: 4, width: 5, channels: 2, kernel: 3, stride: 1, padding: .same)
        let x = Tensor(shape: [1, shape.imageSize], scalars: [Float](repeating: 1, count: shape.imageSize))
        guard let got = graded({ try im2col(x, shape) }) else { return }
        guard got.shape == [20, 18] else {
            return XCTFail("im2col of a 4×5×2 image, 3×3 same: expected shape [20, 18], got \(got.shape)")
        }
        // A pixel is in as many patches as kernel positions cover it: along the 4 rows 2, 3, 3, 2
        // (edges are covered less), along the 5 columns 2, 3, 3, 3, 2 — (10 · 13) ones per channel.
        expect(
            Int(got.sum()) == 10 * 13 * 2 && got.scalars.allSatisfy { $0 == 0 || $0 == 1 },
            "a 4×5×2 image of ones: expected 260 ones and zeros for the padding, got a sum of \(got.sum())",
            hint:
                "padding positions are 0; at stride 1 with same padding every pixel is under the kernel at each offset that fits."
        )
    }

    // MARK: Exercise 7.3

    func test_7_3_col2imIsTheAdjointOfIm2col() {
        var rng = SeededGenerator(seed: 73)
        for shape in Self.shapes {
            let x = Tensor.randomNormal([2, shape.imageSize], using: &rng)
            let p = Tensor.randomNormal(
                [2 * Self.outputSize(shape.height, shape) * Self.outputSize(shape.width, shape), shape.patchSize],
                using: &rng)
            guard let folded = graded({ try col2im(p, shape) }) else { return }
            guard folded.shape == x.shape else {
                return XCTFail(
                    "col2im of \(p.shape) patches for \(shape): expected shape \(x.shape), got \(folded.shape)")
            }
            // ⟨P_def(x), P⟩ computed from the definition, against ⟨x, col2im(P)⟩.
            let left = zip(Self.definitionPatches(x, shape).scalars, p.scalars).reduce(0.0) {
                $0 + Double($1.0) * Double($1.1)
            }
            let right = zip(x.scalars, folded.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            expectClose(
                right, left, tolerance: 1e-3 * max(1, abs(left)), "⟨x, col2im(P)⟩ against ⟨im2col(x), P⟩ for \(shape)",
                hint:
                    "add (+=) every patch value onto the pixel it was read from; skip padding; where patches overlap, a pixel collects them all."
            )
        }
    }

    func test_7_3_overlapsAddUp() {
        // A 3×3 image, 2×2 kernel, stride 1, valid: 4 patches; the centre pixel is in all four.
        let shape = ConvolutionShape(height: 3, width: 3, channels: 1, kernel: 2, stride: 1, padding: .valid)
        let ones = Tensor(shape: [4, 4], scalars: [Float](repeating: 1, count: 16))
        guard let got = graded({ try col2im(ones, shape) }) else { return }
        expectClose(
            got, Tensor([[1, 2, 1, 2, 4, 2, 1, 2, 1]]), tolerance: 0,
            "col2im of all-one patches (3×3 image, 2×2 kernel)",
            hint:
                "each pixel receives the sum of all the patch entries read from it: the centre is in 4 patches, corners in 1."
        )
    }

    // MARK: Exercise 7.4

    func test_7_4_convolutionMatchesTheDefinition() {
        var rng = SeededGenerator(seed: 74)
        for shape in Self.shapes {
            let f = 3
            let x = Tensor.randomNormal([2, shape.imageSize], using: &rng)
            let w = Tensor.randomNormal([shape.patchSize, f], using: &rng), b = Tensor([0.5, -1, 2])
            let p = Self.definitionPatches(x, shape)
            let (ho, wo) = (Self.outputSize(shape.height, shape), Self.outputSize(shape.width, shape))
            var expected = Tensor.zeros([2, ho * wo * f])
            for row in 0..<p.rowCount {
                for filter in 0..<f {
                    var sum = Double(b[filter])
                    for q in 0..<shape.patchSize { sum += Double(p[row, q]) * Double(w[q, filter]) }
                    expected[row / (ho * wo), (row % (ho * wo)) * f + filter] = Float(sum)
                }
            }
            guard let got = graded({ try convolution(patches: p, filters: w, bias: b, shape) }) else { return }
            expectClose(
                got, expected, tolerance: 1e-4,
                "the convolution of two images with 3 filters and bias [0.5, −1, 2], \(shape)",
                hint: "P·W + b, one bias per filter (added to every row), then reshape [N·Ho·Wo, F] to [N, Ho·Wo·F].")
        }
    }

    // MARK: Exercise 7.5

    func test_7_5_everyInputSizeThatGivesTheOutputAndNoOther() {
        // Strides below, equal to and above the kernel.
        for (k, s, padding) in [
            (3, 2, ConvolutionShape.Padding.same), (3, 2, .valid), (5, 3, .valid), (4, 3, .same), (3, 1, .valid),
            (2, 1, .same),
            (1, 3, .valid), (2, 4, .same), (2, 2, .valid),
        ] {
            for m in [1, 4, 7] {
                guard
                    let range = graded({
                        try transposedOutputSizes(outputSize: m, kernel: k, stride: s, padding: padding)
                    })
                else { return }
                let expected = (1...60).filter { n in
                    padding == .same ? (n + s - 1) / s == m : n >= k && (n - k) / s + 1 == m
                }
                expect(
                    Array(range) == expected,
                    "k = \(k), s = \(s), \(padding), output \(m): expected input sizes "
                        + "\(expected.first ?? 0)…\(expected.last ?? 0), got \(range.lowerBound)…\(range.upperBound)",
                    hint:
                        "all n with the output size of 7.1 equal to m: ⌊·⌋ and ⌈·⌉ send s consecutive sizes to the same m."
                )
            }
        }
    }

    // MARK: Exercise 7.6

    static func model() -> ConvAutoencoder {
        var rng = SeededGenerator(seed: 76)
        // One convolution and one transposed convolution: no ReLU kink for a finite step to cross.
        return ConvAutoencoder(height: 6, width: 5, filters: [3], using: &rng)
    }

    func test_7_6_lossIsTheMeanSquaredErrorAgainstTheCleanImages() {
        let model = Self.model()
        var rng = SeededGenerator(seed: 760)
        let clean = Tensor.randomUniform([3, 30], using: &rng), input = Tensor.randomUniform([3, 30], using: &rng)
        let output = model.reconstruct(input)
        let expected =
            zip(output.scalars, clean.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / 90
        guard let loss = graded({ try convAutoencoderLoss(model: model, clean: clean, input: input) }) else { return }
        expect(
            loss.value.count == 1, "the loss must be a scalar, got shape \(loss.shape)",
            hint: "average over all N·D values.")
        expectClose(
            Double(loss.value.scalars.first ?? .nan), expected, tolerance: 1e-6, "loss of a 6×5 model on 3 images",
            hint: "mean over N·D of (g(f(input)) − clean)²: the output for the input, compared with the clean images.")
    }

    func test_7_6_gradientsReachEveryLayer() {
        let model = Self.model()
        var rng = SeededGenerator(seed: 761)
        let clean = Tensor.randomUniform([2, 30], using: &rng), input = Tensor.randomUniform([2, 30], using: &rng)
        expectParameterGradientsMatchFiniteDifferences(
            model.parameters.map { ($0.name, $0) }, step: 1e-2,
            "the loss's gradient for every layer of a small model",
            hint: "build the loss from the model's Variable output so backward() reaches every filter."
        ) {
            try convAutoencoderLoss(model: model, clean: clean, input: input)
        }
    }
}
