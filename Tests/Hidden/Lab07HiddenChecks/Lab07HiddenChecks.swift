// Hidden checks for Lab 07: kept out of the student release (swift run release), run by the
// instructor's grader and the Gradescope bundle. im2col and the convolution against their
// definitions, and col2im by adjointness, on rectangular, multi-channel, strided shapes in both
// paddings, so a swapped axis, a wrong padding split or a wrong patch order shows.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.col2im
import func ExerciseCalls.convolution
import func ExerciseCalls.im2col

final class Lab07HiddenChecks: GradedTestCase {
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

    func test_7_2_hidden_patchesFollowTheDefinition() {
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

    func test_7_3_hidden_col2imIsTheAdjointOfIm2col() {
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

    func test_7_4_hidden_convolutionMatchesTheDefinition() {
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
}
