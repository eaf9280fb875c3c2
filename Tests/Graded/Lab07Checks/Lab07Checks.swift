// Graded checks for Lab 07 (convolutional autoencoder): output sizes against known answers and
// their defining property, im2col, col2im and the convolution against hand-worked cases (never
// against a reference implementation), the loss by its value and finite differences. The hidden
// checks compare im2col with its definition and col2im by adjointness on many shapes. Images are
// rectangular, multi-channel and strided, so a swapped axis, a wrong padding split or a wrong patch
// order shows.
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

    func test_7_2_knownPatches() {
        // A 3 × 4 image with 2 channels, pixels numbered 1…24 in HWC order; a 3 × 3 kernel at
        // stride 2, "same": 2 × 2 positions, 2 rows of padding (1 on top, 1 below) and 1 column
        // (0 on the left, 1 on the right).
        let shape = ConvolutionShape(height: 3, width: 4, channels: 2, kernel: 3, stride: 2, padding: .same)
        let x = Tensor(shape: [1, 24], scalars: (1...24).map(Float.init))
        guard let got = graded({ try im2col(x, shape) }) else { return }
        let expected = Tensor([
            [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14],
            [0, 0, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0, 13, 14, 15, 16, 0, 0],
            [9, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 22, 0, 0, 0, 0, 0, 0],
            [13, 14, 15, 16, 0, 0, 21, 22, 23, 24, 0, 0, 0, 0, 0, 0, 0, 0],
        ])
        expectClose(
            got, expected, tolerance: 0, "im2col of a 3×4×2 image, 3×3 kernel, stride 2, same",
            hint: "one row per output position (n, i, j) in that order; columns in (ky, kx, c) order; pixel "
                + "(i·s + ky − top, j·s + kx − left); same padding puts the smaller half of the padding on top "
                + "and left."
        )
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
                "padding positions are 0; at stride 1 with same padding every pixel is under the kernel at each offset "
                + "that fits."
        )
    }

    // MARK: Exercise 7.3

    func test_7_3_knownFoldWithPaddingAndStride() {
        // The 3×4×2 image, 3×3 kernel, stride 2, same of 7.2's known case; the four patch rows hold
        // 1…72, so every pixel's sum says which patch entries were added onto it.
        let shape = ConvolutionShape(height: 3, width: 4, channels: 2, kernel: 3, stride: 2, padding: .same)
        let p = Tensor(shape: [4, 18], scalars: (1...72).map(Float.init))
        guard let got = graded({ try col2im(p, shape) }) else { return }
        let expected = Tensor([
            [7, 8, 9, 10, 36, 38, 27, 28, 50, 52, 54, 56, 144, 148, 90, 92, 43, 44, 45, 46, 108, 110, 63, 64]
        ])
        expectClose(
            got, expected, tolerance: 0, "col2im of patches 1…72 onto a 3×4×2 image (3×3 kernel, stride 2, same)",
            hint:
                "add (+=) every patch value onto the pixel it was read from — the same positions as your "
                + "im2col — and skip the entries that came from padding.")
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
                "each pixel receives the sum of all the patch entries read from it: the centre is in 4 patches, "
                + "corners in 1."
        )
    }

    // MARK: Exercise 7.4

    func test_7_4_knownConvolution() {
        // The four 2 × 2 patches of a 3 × 3 image numbered 1…9 (valid, stride 1), two filters.
        let shape = ConvolutionShape(height: 3, width: 3, channels: 1, kernel: 2, stride: 1, padding: .valid)
        let p = Tensor([[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])
        let w = Tensor([[1, 0], [0, 1], [-1, 2], [0.5, -0.5]]), b = Tensor([0.5, -1])
        guard let got = graded({ try convolution(patches: p, filters: w, bias: b, shape) }) else { return }
        expectClose(
            got, Tensor([[0, 6.5, 0.5, 9, 1.5, 14, 2, 16.5]]), tolerance: 1e-5,
            "the convolution of one 3×3 image with 2 filters and bias [0.5, −1]",
            hint: "P·W + b, one bias per filter (added to every row), then reshape [N·Ho·Wo, F] to [N, Ho·Wo·F].")
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
                        + "\(expected.first ?? 0)…\(expected.last ?? 0), "
                        + "got \(range.lowerBound)…\(range.upperBound)",
                    hint:
                        "all n with the output size of 7.1 equal to m: ⌊·⌋ and ⌈·⌉ send s consecutive sizes "
                        + "to the same m."
                )
            }
        }
    }

    // MARK: Exercise 7.6

    static func model() -> ConvAutoencoder {
        var rng = SeededGenerator(seed: 76)
        // One convolution and one transposed convolution: no ReLU kink for a finite step to cross.
        // 6 × 5 images, one 3 × 3 stride-2 "same" convolution: 3 × 3 positions.
        return ConvAutoencoder(height: 6, width: 5, filters: [3], outputSize: { _ in 3 }, using: &rng)
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
            hint:
                "mean over N·D of (g(f(input)) − clean)²: the output for the input, compared with the clean "
                + "images.")
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
