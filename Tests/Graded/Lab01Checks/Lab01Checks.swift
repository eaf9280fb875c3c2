// Graded checks for Lab 01. Each test's name starts with its exercise (test_1_2_…); the
// points per exercise are in the lab registry (Sources/LabRegistry/labs.json). The checks use
// known answers, finite differences and properties of the maths — never a reference implementation.
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.centred
import func ExerciseCalls.linearAutoencoderLoss
import func ExerciseCalls.pcaCodes
import func ExerciseCalls.pcaReconstruction
import func ExerciseCalls.principalComponents
import func ExerciseCalls.tiedAutoencoderLoss

final class Lab01Checks: GradedTestCase {
    /// 200 points of a 3-D Gaussian with standard deviations 3, 1, 0.3 along a rotated frame,
    /// shifted far from the origin (so forgetting to centre shows).
    static func knownData(seed: UInt64 = 5) -> (data: Tensor, axes: Tensor, offset: Tensor) {
        var rng = SeededGenerator(seed: seed)
        let c = Float(cos(0.5)), s = Float(sin(0.5))
        // Orthonormal axes (columns): a rotation about z, then about x.
        let axes = Tensor([[c, -s, 0], [s * 0.8, c * 0.8, -0.6], [s * 0.6, c * 0.6, 0.8]])
        let latent = Tensor.randomNormal([200, 3], using: &rng) * Tensor([3, 1, 0.3])
        let offset = Tensor([20, -10, 5])
        return (offset + Tensor.matmul(latent, axes.transposed), axes, offset)
    }

    /// The sample covariance in Double, computed independently of the student's code.
    static func covariance(_ x: Tensor) -> [[Double]] {
        let (n, d) = (x.rowCount, x.columnCount)
        let means = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + Double(x[$1, j]) } / Double(n) }
        return (0..<d).map { a in
            (0..<d).map { b in
                (0..<n).reduce(0.0) { $0 + (Double(x[$1, a]) - means[a]) * (Double(x[$1, b]) - means[b]) }
                    / Double(n - 1)
            }
        }
    }

    // MARK: Exercise 1.1

    func test_1_1_meanIsTheColumnMeanAndCentredDataIsDataMinusMean() {
        let data = Tensor([[1, 2, 3], [3, 6, 9]])
        guard let (centredData, mean) = graded({ try centred(data) }) else { return }
        expectClose(
            mean.reshaped([3]), Tensor([2, 4, 6]), tolerance: 1e-6, "mean of [[1,2,3],[3,6,9]]",
            hint: "μ averages over the examples (the rows), giving one value per pixel: data.mean(alongAxis: 0).")
        expectClose(
            centredData, Tensor([[-1, -2, -3], [1, 2, 3]]), tolerance: 1e-6, "centred data",
            hint: "subtract the mean image from every row.")
    }

    func test_1_1_centredColumnsHaveZeroMean() {
        let (data, _, _) = Self.knownData()
        guard let (centredData, _) = graded({ try centred(data) }) else { return }
        expect(
            centredData.shape == data.shape,
            "centred data should keep the shape \(data.shape), got \(centredData.shape)",
            hint: "return an [N, D] matrix, not a reduced one.")
        let columnMeans = centredData.mean(alongAxis: 0)
        expect(
            columnMeans.abs().max() < 1e-4,
            "after centring every column should average 0; largest |mean| is \(columnMeans.abs().max())",
            hint: "subtract the per-pixel mean over examples (axis 0), not the mean over pixels (axis 1).")
    }

    func test_1_1_unevenRectangularDataIsCentredColumnByColumn() {
        // 5 examples × 3 pixels on very different scales, with skewed columns (mean ≠ median),
        // so averaging the wrong axis, standardising or taking medians cannot pass.
        let data = Tensor([[1, 100, -3], [2, 300, -3], [3, 200, 9], [10, 100, -3], [4, 800, 0]])
        guard let (centredData, mean) = graded({ try centred(data) }) else { return }
        expect(
            mean.count == 3, "the mean should hold one value per pixel (D = 3), got shape \(mean.shape)",
            hint: "average over the examples (axis 0) and keep one value per pixel.")
        if mean.count == 3 {
            expectClose(
                mean.reshaped([3]), Tensor([4, 300, 0]), tolerance: 1e-4, "mean of a 5 × 3 matrix",
                hint: "μⱼ = (1/N) Σₙ xₙⱼ — the arithmetic mean of each column.")
        }
        expectClose(
            centredData, Tensor([[-3, -200, -3], [-2, 0, -3], [-1, -100, 9], [6, -200, -3], [0, 500, 0]]),
            tolerance: 1e-4,
            "centred 5 × 3 matrix",
            hint: "only subtract the mean: don't divide by the standard deviation or change the scale.")
    }

    // MARK: Exercise 1.2

    func test_1_2_smallSampleCovarianceDividesByNMinusOne() {
        // Four points of a 2 × 1 rectangle shifted to (7, −3): the covariance is diag(4/3, 1/3),
        // so the first component is ±(1, 0) with variance 4/3 (dividing by N would give 1).
        let data = Tensor([[7, -3], [9, -3], [7, -2], [9, -2]])
        guard let (w, variances) = graded({ try principalComponents(of: data, k: 1) }) else { return }
        guard w.shape == [2, 1], variances.count == 1 else {
            return XCTFail(
                "for D = 2, k = 1 expected [2, 1] components and 1 variance, got \(w.shape) and \(variances.count).\nHint: one component per column, only the first k."
            )
        }
        expectClose(
            Double(Swift.abs(w[0, 0])), 1, tolerance: 1e-4, "|first component · (1, 0)|",
            hint: "the widest direction of the centred rectangle is along x.")
        expectClose(
            Double(variances[0]), 4.0 / 3, tolerance: 1e-4, "the largest variance of 4 points",
            hint:
                "C = (X − μ)ᵀ(X − μ) / (N − 1): the sample covariance divides by N − 1 = 3, and variances are eigenvalues (not their square roots)."
        )
    }

    func test_1_2_componentsAreOrthonormal() {
        let (data, _, _) = Self.knownData()
        guard let (w, _) = graded({ try principalComponents(of: data, k: 3) }) else { return }
        guard w.shape == [3, 3] else {
            return XCTFail("components should be [D, k] = [3, 3], got \(w.shape). Hint: one component per column.")
        }
        let gram = Tensor.matmul(w, w, transposeA: true)
        expectClose(
            gram, Tensor.identity(3), tolerance: 1e-4, "WᵀW for the components",
            hint: "components must be unit vectors and mutually orthogonal: take the eigenvectors of the covariance.")
    }

    func test_1_2_componentsAreSortedByVarianceAndVariancesAreEigenvalues() {
        let (data, _, _) = Self.knownData()
        guard let (w, variances) = graded({ try principalComponents(of: data, k: 3) }) else { return }
        guard variances.count == 3, w.shape == [3, 3] else {
            return XCTFail("expected 3 variances and [3, 3] components, got \(variances.count) and \(w.shape)")
        }
        expect(
            variances[0] >= variances[1] && variances[1] >= variances[2], "variances should decrease, got \(variances)",
            hint: "sort eigenpairs from the largest eigenvalue down (SymmetricEigen already does).")
        // The variance along each component is its Rayleigh quotient wᵀCw.
        let c = Self.covariance(data)
        for j in 0..<3 {
            var q = 0.0
            for a in 0..<3 { for b in 0..<3 { q += Double(w[a, j]) * c[a][b] * Double(w[b, j]) } }
            expectClose(
                Double(variances[j]), q, tolerance: 1e-3 * Swift.max(1, q),
                "variance \(j + 1) vs wᵀCw along its component",
                hint: "variances are eigenvalues of C = (X − μ)ᵀ(X − μ)/(N − 1): divide by N − 1, and centre first.")
        }
    }

    func test_1_2_dataIsCentredAndComponentsFindTheKnownAxes() {
        let (data, axes, _) = Self.knownData()
        guard let (w, variances) = graded({ try principalComponents(of: data, k: 2) }) else { return }
        guard w.shape == [3, 2], variances.count == 2 else {
            return XCTFail("expected [3, 2] components and 2 variances, got \(w.shape) and \(variances.count)")
        }
        for j in 0..<2 {
            let cosine = Swift.abs((0..<3).reduce(0.0) { $0 + Double(w[$1, j] * axes[$1, j]) })
            expect(
                cosine > 0.99,
                "component \(j + 1) should point along the data's axis \(j + 1) (|cos| > 0.99), got |cos| = \(cosine)",
                hint:
                    "the data sit far from the origin: without centring, the first direction points at the mean instead of along the spread."
            )
        }
        expectClose(
            Double(variances[0]), 9, tolerance: 2.5, "variance along the first axis (σ = 3)",
            hint: "the eigenvalue of the covariance, not its square root, and of centred data.")
    }

    // MARK: Exercise 1.3

    func test_1_3_codesAreCoordinatesOfCentredData() {
        let data = Tensor([[3, 4], [1, 0]])
        let mean = Tensor([1, 2])
        let w = Tensor([[0.6], [0.8]])  // one unit component
        guard let codes = graded({ try pcaCodes(of: data, mean: mean, components: w) }) else { return }
        expectClose(
            codes, Tensor([[2.8], [-1.6]]), tolerance: 1e-5, "codes z = (x − μ)W",
            hint: "subtract the mean before projecting: (3−1)·0.6 + (4−2)·0.8 = 2.8.")
    }

    func test_1_3_reconstructionAddsTheMeanBack() {
        let (data, _, offset) = Self.knownData()
        let w = Tensor.identity(3)  // a complete basis: reconstruction must be exact
        guard let codes = graded({ try pcaCodes(of: data, mean: offset, components: w) }),
            let back = graded({ try pcaReconstruction(codes: codes, mean: offset, components: w) })
        else { return }
        expectClose(
            back, data, tolerance: 1e-3, "reconstruction with a complete orthonormal basis",
            hint: "x̂ = zWᵀ + μ: with k = D nothing is lost, so x̂ must equal x — did you add the mean back?")
        let single = graded({
            try pcaReconstruction(codes: Tensor([[2]]), mean: Tensor([1, 1]), components: Tensor([[0.6], [0.8]]))
        })
        if let single {
            expectClose(
                single, Tensor([[2.2, 2.6]]), tolerance: 1e-5, "x̂ for z = 2, W = (0.6, 0.8), μ = (1, 1)",
                hint: "multiply by Wᵀ (matmul(z, w, transposeB: true)) and add μ.")
        }
    }

    func test_1_3_rectangularCodesAndReconstructionsMatchTheFormulas() {
        // N = 3, D = 5, k = 2 with a mean far from 0: a wrong transpose, a forgotten mean or
        // the pseudo-inverse's shape cannot coincide with the answer here.
        var rng = SeededGenerator(seed: 13)
        let w = orthonormalizedColumns(Tensor.randomNormal([5, 2], using: &rng))
        let mean = Tensor([3, -1, 2, 0.5, -4])
        let x = Tensor.randomNormal([3, 5], using: &rng) + mean
        guard let codes = graded({ try pcaCodes(of: x, mean: mean, components: w) }),
            let back = graded({ try pcaReconstruction(codes: codes, mean: mean, components: w) })
        else { return }
        var expectedCodes = [Float](), expectedBack = [Float]()
        for n in 0..<3 {
            let z = (0..<2).map { j in
                (0..<5).reduce(0.0) { $0 + (Double(x[n, $1]) - Double(mean[$1])) * Double(w[$1, j]) }
            }
            expectedCodes += z.map(Float.init)
            expectedBack += (0..<5).map { i in Float((0..<2).reduce(Double(mean[i])) { $0 + z[$1] * Double(w[i, $1]) })
            }
        }
        expectClose(
            codes, Tensor(shape: [3, 2], scalars: expectedCodes), tolerance: 1e-4, "codes [N, k] = [3, 2]",
            hint: "z = (x − μ)W with W [D, k]: subtract μ from every row, then multiply by W (not Wᵀ).")
        expectClose(
            back, Tensor(shape: [3, 5], scalars: expectedBack), tolerance: 1e-4, "reconstructions [N, D] = [3, 5]",
            hint: "x̂ = zWᵀ + μ: multiply by the transpose of W [D, k] and add the mean to every row.")
    }

    // MARK: Exercise 1.4

    func makeLayers() -> (Dense, Dense) {
        var rng = SeededGenerator(seed: 3)
        let encoder = Dense(4, 2, using: &rng), decoder = Dense(2, 4, using: &rng)
        encoder.bias.value = Tensor([0.1, -0.2])
        decoder.bias.value = Tensor([0.05, 0, -0.05, 0.3])
        return (encoder, decoder)
    }

    func test_1_4_lossIsTheMeanSquaredErrorOverAllPixels() {
        let (encoder, decoder) = makeLayers()
        var rng = SeededGenerator(seed: 4)
        let batch = Tensor.randomUniform([5, 4], using: &rng)
        guard let loss = graded({ try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder) }) else {
            return
        }
        // The expected value, computed by hand in Double.
        var total = 0.0
        for n in 0..<5 {
            let z = (0..<2).map { j in
                (0..<4).reduce(Double(encoder.bias.value[j])) {
                    $0 + Double(batch[n, $1] * encoder.weight.value[$1, j])
                }
            }
            for i in 0..<4 {
                let xhat = (0..<2).reduce(Double(decoder.bias.value[i])) {
                    $0 + z[$1] * Double(decoder.weight.value[$1, i])
                }
                total += (xhat - Double(batch[n, i])) * (xhat - Double(batch[n, i]))
            }
        }
        expect(
            loss.value.count == 1, "the loss must be a scalar, got shape \(loss.shape)", hint: "reduce with .mean().")
        expectClose(
            Double(loss.value.scalars.first ?? .nan), total / 20, tolerance: 1e-5 * Swift.max(1, total / 20),
            "loss on a 5×4 batch",
            hint:
                "L = (1/(N·D)) Σ (x̂ − x)²: square the error, include both biases, and average over all N·D entries (not N, not D)."
        )
    }

    func test_1_4_gradientsMatchFiniteDifferencesForAllParameters() throws {
        let (encoder, decoder) = makeLayers()
        var rng = SeededGenerator(seed: 6)
        let batch = Tensor.randomUniform([6, 4], using: &rng)
        let parameters = encoder.parameters + decoder.parameters
        guard graded({ try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder) }) != nil else {
            return
        }
        // Each parameter must receive a gradient, matching central differences.
        for p in parameters { p.zeroGradient() }
        let loss = try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder)
        try loss.backward()
        for p in parameters {
            guard let g = p.grad else {
                XCTFail(
                    "\(p.name) received no gradient. Hint: use the layers' weight and bias Variables themselves (affine(x, encoder.weight, encoder.bias)), not copies of their values."
                )
                continue
            }
            for index in [0, p.value.count / 2, p.value.count - 1] {
                let original = p.value[index]
                p.value[index] = original + 1e-2
                let up = Double(
                    try withoutGradients { try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder) }
                        .value.scalar)
                p.value[index] = original - 1e-2
                let down = Double(
                    try withoutGradients { try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder) }
                        .value.scalar)
                p.value[index] = original
                let numeric = (up - down) / 2e-2
                expectClose(
                    Double(g[index]), numeric, tolerance: 1e-3 + 2e-2 * Swift.abs(numeric), "∂L/∂\(p.name)[\(index)]",
                    hint:
                        "build the loss only from autodiff operations on Variables, so backward() reaches every parameter."
                )
            }
        }
    }

    // MARK: Exercise 1.5

    func test_1_5_tiedLossUsesTheTransposedEncoderWeight() throws {
        let w = Variable(Tensor([[1, 0], [0, 1], [1, 1]]), requiresGradient: true)
        let b1 = Variable(Tensor([0, 0.5]), requiresGradient: true)
        let b2 = Variable(Tensor([0.1, 0, 0]), requiresGradient: true)
        let batch = Tensor([[1, 0, 1]])
        // z = x W + b₁ = (2, 1.5); x̂ = z Wᵀ + b₂ = (2.1, 1.5, 3.5); errors (1.1, 1.5, 2.5).
        guard let loss = graded({ try tiedAutoencoderLoss(batch: batch, weight: w, encoderBias: b1, decoderBias: b2) })
        else { return }
        expectClose(
            Double(loss.value.scalars.first ?? .nan), (1.21 + 2.25 + 6.25) / 3, tolerance: 1e-5,
            "tied loss on a known example",
            hint: "decode with Wᵀ (matmul(z, w, transposeB: true)), add b₂, and take the mean squared error.")
        try loss.backward()
        // ∂L/∂W has an encoder and a decoder part; the checker finds both by finite differences.
        let report = try checkGradients(at: [w.value, b1.value, b2.value], step: 1e-2) { v in
            try tiedAutoencoderLoss(batch: batch, weight: v[0], encoderBias: v[1], decoderBias: v[2])
        }
        expect(
            report.maxRelativeError < 2e-2,
            "gradients of the tied loss disagree with finite differences: \(report.summary)",
            hint: "use the same Variable W for encoding and decoding, so both paths add into its gradient.")
    }

    func test_1_5_rectangularTiedLossAndItsGradientsMatch() {
        // N = 4, D = 5, k = 2, biases non-zero: the value in Double, then every gradient.
        var rng = SeededGenerator(seed: 15)
        let batch = Tensor.randomUniform([4, 5], using: &rng)
        let w = Tensor.randomNormal([5, 2], standardDeviation: 0.7, using: &rng)
        let b1 = Tensor([0.3, -0.4]), b2 = Tensor([0.1, -0.2, 0.05, 0, 0.4])
        guard
            let loss = graded({
                try tiedAutoencoderLoss(
                    batch: batch, weight: Variable(w), encoderBias: Variable(b1), decoderBias: Variable(b2))
            })
        else { return }
        var total = 0.0
        for n in 0..<4 {
            let z = (0..<2).map { j in (0..<5).reduce(Double(b1[j])) { $0 + Double(batch[n, $1]) * Double(w[$1, j]) } }
            for i in 0..<5 {
                let e = (0..<2).reduce(Double(b2[i])) { $0 + z[$1] * Double(w[i, $1]) } - Double(batch[n, i])
                total += e * e
            }
        }
        expectClose(
            Double(loss.value.scalars.first ?? .nan), total / 20, tolerance: 1e-5 * Swift.max(1, total / 20),
            "tied loss, N = 4, D = 5, k = 2",
            hint: "z = xW + b₁, x̂ = zWᵀ + b₂, L = mean of (x̂ − x)² over all N·D entries.")
        expectGradientsMatchFiniteDifferences(
            at: [w, b1, b2], names: ["W", "b₁", "b₂"], "tied loss",
            hint: "one Variable W used in both directions; both biases as Variables."
        ) { v in
            try tiedAutoencoderLoss(batch: batch, weight: v[0], encoderBias: v[1], decoderBias: v[2])
        }
    }
}
