// Hidden checks for Lab 01: kept out of the student release (swift run release), run by the
// instructor's grader and the Gradescope bundle. They test the same exercises on inputs the
// students never saw, so code that special-cases the visible checks' data still fails.
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.centred
import func ExerciseCalls.linearAutoencoderLoss
import func ExerciseCalls.pcaCodes
import func ExerciseCalls.pcaReconstruction
import func ExerciseCalls.principalComponents
import func ExerciseCalls.tiedAutoencoderLoss

final class Lab01HiddenChecks: GradedTestCase {
    func test_1_2_hidden_componentsOfAHighDimensionalDatasetAreOrthonormalAndSorted() {
        var rng = SeededGenerator(seed: 2718)
        let scales = Tensor((0..<12).map { Float(12 - $0) })
        let data = Tensor.randomNormal([400, 12], using: &rng) * scales + 3
        guard let (w, variances) = graded({ try principalComponents(of: data, k: 5) }) else { return }
        guard w.shape == [12, 5], variances.count == 5 else {
            return XCTFail("expected [12, 5] components and 5 variances, got \(w.shape) and \(variances.count)")
        }
        expectClose(
            Tensor.matmul(w, w, transposeA: true), .identity(5), tolerance: 1e-4, "WᵀW",
            hint: "components must be orthonormal.")
        expect(
            zip(variances, variances.dropFirst()).allSatisfy { $0 >= $1 }, "variances should decrease: \(variances)",
            hint: "largest eigenvalue first.")
        expectClose(
            Double(variances[0]), 144, tolerance: 30, "the largest variance (σ = 12 along one axis)",
            hint: "eigenvalues of the covariance of centred data.")
    }

    func test_1_3_hidden_reconstructionOfARandomSubspaceIsAProjection() {
        var rng = SeededGenerator(seed: 31)
        let w = orthonormalizedColumns(Tensor.randomNormal([6, 2], using: &rng))
        let mean = Tensor.randomNormal([6], using: &rng)
        let x = Tensor.randomNormal([20, 6], using: &rng)
        guard let codes = graded({ try pcaCodes(of: x, mean: mean, components: w) }),
            let once = graded({ try pcaReconstruction(codes: codes, mean: mean, components: w) }),
            let codesAgain = graded({ try pcaCodes(of: once, mean: mean, components: w) }),
            let twice = graded({ try pcaReconstruction(codes: codesAgain, mean: mean, components: w) })
        else { return }
        expectClose(
            twice, once, tolerance: 1e-4, "reconstructing a reconstruction",
            hint: "x ↦ (x − μ)WWᵀ + μ is a projection: applying it twice changes nothing.")
    }
}
