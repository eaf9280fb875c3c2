// Graded checks for Lab 02 (sparse autoencoder). Known answers (worked out beforehand in
// double precision from the handout's formulas), finite differences, and properties — never
// a reference implementation.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.klDivergence
import func ExerciseCalls.klPenaltyGradient
import func ExerciseCalls.meanActivations
import func ExerciseCalls.sparseLoss

final class Lab02Checks: GradedTestCase {
    // MARK: Exercise 2.1

    func test_2_1_meanActivationIsAveragedOverExamples() {
        let hidden = Variable(Tensor([[0.1, 0.9, 0.0], [0.3, 0.5, 1.0]]))
        guard let rhoHat = graded({ try meanActivations(hidden) }) else { return }
        expectClose(
            rhoHat.value.reshaped([rhoHat.value.count]), Tensor([0.2, 0.7, 0.5]), tolerance: 1e-6,
            "ρ̂ for 2 examples × 3 units",
            hint: "ρ̂ⱼ averages unit j over the examples (the rows): one value per unit, not per example.")
    }

    func test_2_1_gradientFlowsBackToTheActivations() throws {
        let hidden = Variable(Tensor([[0.1, 0.9], [0.3, 0.5], [0.2, 0.2], [0.4, 0.6]]), requiresGradient: true)
        guard let rhoHat = graded({ try meanActivations(hidden) }) else { return }
        guard rhoHat.requiresGradient else {
            return XCTFail(
                "ρ̂ does not depend on the activations in the autodiff graph. Hint: compute it with Variable operations (.mean(alongAxis:)), not from .value."
            )
        }
        try (rhoHat * Tensor([1, 2]).reshaped(rhoHat.shape)).sum().backward()
        expectClose(
            hidden.grad ?? .zeros([4, 2]), Tensor([[0.25, 0.5], [0.25, 0.5], [0.25, 0.5], [0.25, 0.5]]),
            tolerance: 1e-6,
            "∂(Σ wⱼ ρ̂ⱼ)/∂h", hint: "each example contributes 1/N to its unit's mean.")
    }

    func test_2_1_rectangularActivationsGiveOneMeanPerUnit() {
        // N = 3 examples, H = 5 units: summing, averaging the wrong axis or dividing by H shows.
        let hidden = Variable(
            Tensor([[0.1, 0.2, 0.9, 0.0, 0.6], [0.4, 0.2, 0.3, 1.0, 0.6], [0.7, 0.8, 0.3, 0.5, 0.0]]))
        guard let rhoHat = graded({ try meanActivations(hidden) }) else { return }
        guard rhoHat.value.count == 5 else {
            return XCTFail(
                "ρ̂ should hold one value per hidden unit (H = 5), got shape \(rhoHat.shape).\nHint: average over the examples (axis 0)."
            )
        }
        expectClose(
            rhoHat.value.reshaped([5]), Tensor([0.4, 0.4, 0.5, 0.5, 0.4]), tolerance: 1e-6,
            "ρ̂ for 3 examples × 5 units",
            hint: "ρ̂ⱼ = (1/N) Σₙ hₙⱼ: divide by the number of examples N = 3.")
        let weights = Tensor([1, -2, 0.5, 3, -1])
        expectGradientsMatchFiniteDifferences(
            at: [hidden.value], names: ["h"], step: 1e-2, "Σⱼ wⱼ ρ̂ⱼ for uneven weights w",
            hint:
                "compute ρ̂ with Variable operations on h (.mean(alongAxis: 0)), so the penalty's gradient reaches the activations."
        ) { v in
            (try meanActivations(v[0]).reshaped([5]) * weights).sum()
        }
    }

    // MARK: Exercise 2.2

    func test_2_2_klMatchesTheFormulaIncludingTheInactiveTerm() {
        let values: [Float] = [0.5, 0.05, 0.2, 0.01]
        guard let value = graded({ try klDivergence(target: 0.05, meanActivations: Variable(Tensor(values))) }) else {
            return
        }
        let expected = 0.62986605194983  // Σⱼ KL(0.05 ‖ ρ̂ⱼ) over the four values as Float32
        expectClose(
            Double(value.value.scalars.first ?? .nan), expected, tolerance: 1e-4 * Swift.max(1, expected),
            "Σⱼ KL(0.05 ‖ ρ̂ⱼ) for ρ̂ = \(values)",
            hint: "KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)): both terms, ρ first, summed over units.")
    }

    func test_2_2_klIsNotSymmetricTargetComesFirst() {
        // KL(0.05 ‖ 0.6) = 0.6975 but KL(0.6 ‖ 0.05) = 1.1449: a swapped order is caught.
        guard let value = graded({ try klDivergence(target: 0.05, meanActivations: Variable(Tensor([0.6]))) }) else {
            return
        }
        let right = 0.697502233122874, swapped = 1.1449450148781584
        expect(
            Swift.abs(Double(value.value.scalars.first ?? .nan) - right) < 1e-4,
            "KL(0.05 ‖ 0.6) should be \(right), got \(value.value.scalars.first ?? .nan) (KL(0.6 ‖ 0.05) would be \(swapped))",
            hint: "the target ρ is the first argument: ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)).")
    }

    func test_2_2_deadAndSaturatedUnitsGiveAFiniteLargePenalty() throws {
        let rhoHat = Variable(Tensor([0, 1]), requiresGradient: true)
        guard let value = graded({ try klDivergence(target: 0.05, meanActivations: rhoHat) }) else { return }
        let v = value.value.scalars.first ?? .nan
        expect(
            v.isFinite && v > 5, "Σ KL for ρ̂ = (0, 1) should be large but finite, got \(v)",
            hint: "log(0) is −∞: clamp ρ̂ into [1e-6, 1 − 1e-6] before the logs.")
        expect(
            rhoHat.value == Tensor([0, 1]),
            "klDivergence changed the caller's ρ̂ from (0, 1) to \(rhoHat.value.scalars)",
            hint: "clamp into a new Variable (rhoHat.clamped(…)); never write into an input's value.")
        if value.requiresGradient {
            try value.backward()
            // Below 1e-6 and above 1 − 1e-6 the clamped penalty is constant in ρ̂: its derivative is 0.
            expect(
                rhoHat.grad.map { $0.isFinite && $0.abs().max() <= 1e-6 } ?? true,
                "the gradient at ρ̂ = 0 and 1, where the clamped penalty is flat, should be 0, got \(rhoHat.grad!.scalars)",
                hint:
                    "clamp with a differentiable operation (rhoHat.clamped(…)), so no gradient flows where ρ̂ was clamped."
            )
        }
    }

    func test_2_2_gradientMatchesFiniteDifferences() throws {
        guard graded({ try klDivergence(target: 0.1, meanActivations: Variable(Tensor([0.3]))) }) != nil else { return }
        let report = try checkGradients(at: [Tensor([0.02, 0.1, 0.3, 0.7, 0.95])], step: 1e-4) { v in
            try klDivergence(target: 0.1, meanActivations: v[0])
        }
        expect(
            report.maxRelativeError < 2e-2,
            "the KL penalty's autodiff gradient disagrees with finite differences: \(report.summary)",
            hint: "build the penalty from Variable operations on ρ̂ so backward() can reach the activations.")
    }

    func test_2_2_anyTargetAndTheClampValues() {
        // ρ = 0.3 on 7 units, two of them dead or saturated: the value with ρ̂ clamped to
        // [1e-6, 1 − 1e-6] (Float32 rounding of 1 − 1e-6 allowed for by a 1 % tolerance).
        let values: [Double] = [0.3, 0.1, 0.6, 0.9, 0.45, 0, 1]
        guard
            let value = graded({
                try klDivergence(target: 0.3, meanActivations: Variable(Tensor(values.map(Float.init))))
            })
        else { return }
        let expected = 14.010960763103128
        expectClose(
            Double(value.value.scalars.first ?? .nan), expected, tolerance: 1e-2 * expected,
            "Σⱼ KL(0.3 ‖ ρ̂ⱼ) for ρ̂ = \(values)",
            hint:
                "use the target ρ passed in (not a fixed 0.05), sum over the units, and clamp ρ̂ into [1e-6, 1 − 1e-6] exactly as the handout says."
        )
    }

    // MARK: Exercise 2.3

    func test_2_3_totalIsReconstructionPlusBetaTimesPenalty() {
        let batch = Tensor([[1, 0, 0.5], [0, 1, 0.5]])
        let reconstruction = Variable(Tensor([[0.8, 0.1, 0.5], [0.2, 0.7, 0.4]]))
        let hidden = Variable(Tensor([[0.2, 0.6], [0.4, 0.2]]))
        guard
            let loss = graded({
                try sparseLoss(batch: batch, reconstruction: reconstruction, hidden: hidden, rho: 0.1, beta: 2.5)
            })
        else { return }
        // (1/N) Σₙ ‖x̂ − x‖² = (0.04 + 0.01 + 0 + 0.04 + 0.09 + 0.01) / 2 = 0.095
        let recon = 0.095
        let penalty = 0.3426109177713635  // KL(0.1 ‖ 0.3) + KL(0.1 ‖ 0.4)
        expectClose(
            Double(loss.reconstruction.value.scalars.first ?? .nan), recon, tolerance: 1e-5, "reconstruction part",
            hint:
                "squared error summed over the pixels of each image, averaged over the N images (not over all N·D entries)."
        )
        expectClose(
            Double(loss.penalty.value.scalars.first ?? .nan), penalty, tolerance: 1e-4, "penalty part (without β)",
            hint: "Σⱼ KL(ρ ‖ ρ̂ⱼ) with ρ̂ from meanActivations; return it before multiplying by β.")
        expectClose(
            Double(loss.total.value.scalars.first ?? .nan), recon + 2.5 * penalty, tolerance: 1e-4,
            "total loss with β = 2.5",
            hint: "L = reconstruction + β · penalty: β multiplies the penalty only.")
    }

    func test_2_3_gradientsReachTheReconstructionAndTheActivations() {
        // N = 3, D = 4, H = 5: the total's gradient must reach x̂ (the error) and h (the penalty).
        var rng = SeededGenerator(seed: 23)
        let batch = Tensor.randomUniform([3, 4], using: &rng)
        let reconstruction = Tensor.randomUniform([3, 4], using: &rng)
        let hidden = Tensor.randomUniform([3, 5], low: 0.05, high: 0.6, using: &rng)
        expectGradientsMatchFiniteDifferences(
            at: [reconstruction, hidden], names: ["x̂", "h"], step: 1e-3,
            "the total sparse loss (β = 3, ρ = 0.1)",
            hint:
                "the penalty must stay in the graph: compute ρ̂ and the KL with Variable operations on h, never through .value."
        ) { v in
            try sparseLoss(batch: batch, reconstruction: v[0], hidden: v[1], rho: 0.1, beta: 3).total
        }
    }

    func test_2_3_rectangularValuesOfEachPart() {
        // N = 3, D = 2, H = 4, β = 0.5.
        let batch = Tensor([[1, 0], [0.5, 0.5], [0, 1]])
        let reconstruction = Variable(Tensor([[0.7, 0.2], [0.5, 0.1], [0.3, 0.6]]))
        let hidden = Variable(Tensor([[0.1, 0.5, 0.2, 0.9], [0.3, 0.1, 0.2, 0.3], [0.2, 0.3, 0.5, 0.3]]))
        guard
            let loss = graded({
                try sparseLoss(batch: batch, reconstruction: reconstruction, hidden: hidden, rho: 0.2, beta: 0.5)
            })
        else { return }
        let recon = (0.09 + 0.04 + 0 + 0.16 + 0.09 + 0.16) / 3
        let penalty = 0.24420894197772824  // Σⱼ KL(0.2 ‖ ρ̂ⱼ), ρ̂ = (0.2, 0.3, 0.3, 0.5)
        expectClose(
            Double(loss.reconstruction.value.scalars.first ?? .nan), recon, tolerance: 1e-5,
            "reconstruction part, N = 3",
            hint: "Σ over the D pixels of each image, then the mean over the N images.")
        expectClose(
            Double(loss.penalty.value.scalars.first ?? .nan), penalty, tolerance: 1e-4, "penalty part, ρ = 0.2, H = 4",
            hint: "Σⱼ KL(ρ ‖ ρ̂ⱼ) with ρ̂ the mean of each unit over the batch.")
        expectClose(
            Double(loss.total.value.scalars.first ?? .nan), recon + 0.5 * penalty, tolerance: 1e-4, "total, β = 0.5",
            hint: "L = reconstruction + β · penalty.")
    }

    // MARK: Exercise 2.4

    func test_2_4_handGradientMatchesFiniteDifferences() {
        let rho = 0.05, beta = 3.0
        let points: [Double] = [0.01, 0.04, 0.05, 0.2, 0.5, 0.93]
        guard
            let analytic = graded({
                try klPenaltyGradient(
                    target: Float(rho), meanActivations: Tensor(points.map(Float.init)), beta: Float(beta))
            })
        else { return }
        guard analytic.count == points.count else {
            return XCTFail("expected one derivative per unit (\(points.count)), got shape \(analytic.shape)")
        }
        // The derivative of β Σ KL(ρ ‖ ρ̂ₖ) at each point, by central differences in double precision.
        let numeric = [-12.12121, -0.78125, 0, 2.8125, 5.4, 40.553]
        for (i, p) in points.enumerated() {
            expectClose(
                Double(analytic[i]), numeric[i], tolerance: 1e-3 * Swift.max(1, Swift.abs(numeric[i])),
                "∂(β KL)/∂ρ̂ at ρ̂ = \(p)",
                hint:
                    "differentiate ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)) term by term: β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)); check the signs and keep β."
            )
        }
    }

    func test_2_4_handGradientIsZeroAtTheTargetAndSignsAreRight() {
        guard let g = graded({ try klPenaltyGradient(target: 0.2, meanActivations: Tensor([0.1, 0.2, 0.4]), beta: 1) })
        else { return }
        guard g.count == 3 else { return XCTFail("expected 3 derivatives, got \(g.shape)") }
        expect(
            g[0] < 0 && Swift.abs(g[1]) < 1e-5 && g[2] > 0,
            "the penalty falls towards ρ̂ = ρ and rises after it: expected (−, 0, +) at ρ̂ = (0.1, 0.2, 0.4), got \(g.scalars)",
            hint: "the gradient is β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)).")
    }
}
