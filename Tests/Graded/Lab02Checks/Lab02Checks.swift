// Graded checks for Lab 02 (sparse autoencoder). Known answers computed here in Double,
// finite differences, and properties — never Solutions/.
import Foundation
import LabKit
import LabTesting
import func Lab02Exercises.meanActivations
import func Lab02Exercises.klDivergence
import func Lab02Exercises.sparseLoss
import func Lab02Exercises.klPenaltyGradient
import XCTest

final class Lab02Checks: GradedTestCase {
    /// KL(ρ ‖ ρ̂) in Double, the formula from the handout.
    static func kl(_ rho: Double, _ rhoHat: Double) -> Double {
        rho * log(rho / rhoHat) + (1 - rho) * log((1 - rho) / (1 - rhoHat))
    }

    // MARK: Exercise 2.1

    func test_2_1_meanActivationIsAveragedOverExamples() {
        let hidden = Variable(Tensor([[0.1, 0.9, 0.0], [0.3, 0.5, 1.0]]))
        guard let rhoHat = graded({ try meanActivations(hidden) }) else { return }
        expectClose(rhoHat.value.reshaped([rhoHat.value.count]), Tensor([0.2, 0.7, 0.5]), tolerance: 1e-6, "ρ̂ for 2 examples × 3 units",
                    hint: "ρ̂ⱼ averages unit j over the examples (the rows): one value per unit, not per example.")
    }

    func test_2_1_gradientFlowsBackToTheActivations() throws {
        let hidden = Variable(Tensor([[0.1, 0.9], [0.3, 0.5], [0.2, 0.2], [0.4, 0.6]]), requiresGradient: true)
        guard let rhoHat = graded({ try meanActivations(hidden) }) else { return }
        guard rhoHat.requiresGradient else {
            return XCTFail("ρ̂ does not depend on the activations in the autodiff graph. Hint: compute it with Variable operations (.mean(alongAxis:)), not from .value.")
        }
        try (rhoHat * Tensor([1, 2]).reshaped(rhoHat.shape)).sum().backward()
        expectClose(hidden.grad ?? .zeros([4, 2]), Tensor([[0.25, 0.5], [0.25, 0.5], [0.25, 0.5], [0.25, 0.5]]), tolerance: 1e-6,
                    "∂(Σ wⱼ ρ̂ⱼ)/∂h", hint: "each example contributes 1/N to its unit's mean.")
    }

    // MARK: Exercise 2.2

    func test_2_2_klMatchesTheFormulaIncludingTheInactiveTerm() {
        let values: [Float] = [0.5, 0.05, 0.2, 0.01]
        guard let value = graded({ try klDivergence(target: 0.05, meanActivations: Variable(Tensor(values))) }) else { return }
        let expected = values.reduce(0.0) { $0 + Self.kl(0.05, Double($1)) }
        expectClose(Double(value.value.scalars.first ?? .nan), expected, tolerance: 1e-4 * Swift.max(1, expected), "Σⱼ KL(0.05 ‖ ρ̂ⱼ) for ρ̂ = \(values)",
                    hint: "KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)): both terms, ρ first, summed over units.")
    }

    func test_2_2_klIsNotSymmetricTargetComesFirst() {
        // KL(0.05 ‖ 0.6) = 0.80 but KL(0.6 ‖ 0.05) = 1.04: a swapped order is caught.
        guard let value = graded({ try klDivergence(target: 0.05, meanActivations: Variable(Tensor([0.6]))) }) else { return }
        let right = Self.kl(0.05, 0.6), swapped = Self.kl(0.6, 0.05)
        expect(Swift.abs(Double(value.value.scalars.first ?? .nan) - right) < 1e-4,
               "KL(0.05 ‖ 0.6) should be \(right), got \(value.value.scalars.first ?? .nan) (KL(0.6 ‖ 0.05) would be \(swapped))",
               hint: "the target ρ is the first argument: ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)).")
    }

    func test_2_2_deadAndSaturatedUnitsGiveAFiniteLargePenalty() throws {
        let rhoHat = Variable(Tensor([0, 1]), requiresGradient: true)
        guard let value = graded({ try klDivergence(target: 0.05, meanActivations: rhoHat) }) else { return }
        let v = value.value.scalars.first ?? .nan
        expect(v.isFinite && v > 5, "Σ KL for ρ̂ = (0, 1) should be large but finite, got \(v)",
               hint: "log(0) is −∞: clamp ρ̂ into [1e-6, 1 − 1e-6] before the logs.")
        if value.requiresGradient {
            try value.backward()
            expect(rhoHat.grad?.isFinite ?? true, "the gradient at ρ̂ = 0 or 1 should be finite, got \(rhoHat.grad!)", hint: "clamp ρ̂ before dividing by it.")
        }
    }

    func test_2_2_gradientMatchesFiniteDifferences() throws {
        guard graded({ try klDivergence(target: 0.1, meanActivations: Variable(Tensor([0.3]))) }) != nil else { return }
        let report = try checkGradients(at: [Tensor([0.02, 0.1, 0.3, 0.7, 0.95])], step: 1e-4) { v in
            try klDivergence(target: 0.1, meanActivations: v[0])
        }
        expect(report.maxRelativeError < 2e-2, "the KL penalty's autodiff gradient disagrees with finite differences: \(report.summary)",
               hint: "build the penalty from Variable operations on ρ̂ so backward() can reach the activations.")
    }

    // MARK: Exercise 2.3

    func test_2_3_totalIsReconstructionPlusBetaTimesPenalty() {
        let batch = Tensor([[1, 0, 0.5], [0, 1, 0.5]])
        let reconstruction = Variable(Tensor([[0.8, 0.1, 0.5], [0.2, 0.7, 0.4]]))
        let hidden = Variable(Tensor([[0.2, 0.6], [0.4, 0.2]]))
        guard let loss = graded({ try sparseLoss(batch: batch, reconstruction: reconstruction, hidden: hidden, rho: 0.1, beta: 2.5) }) else { return }
        // (1/N) Σₙ ‖x̂ − x‖² = (0.04 + 0.01 + 0 + 0.04 + 0.09 + 0.01) / 2 = 0.095
        let recon = 0.095
        let penalty = Self.kl(0.1, 0.3) + Self.kl(0.1, 0.4)
        expectClose(Double(loss.reconstruction.value.scalars.first ?? .nan), recon, tolerance: 1e-5, "reconstruction part",
                    hint: "squared error summed over the pixels of each image, averaged over the N images (not over all N·D entries).")
        expectClose(Double(loss.penalty.value.scalars.first ?? .nan), penalty, tolerance: 1e-4, "penalty part (without β)",
                    hint: "Σⱼ KL(ρ ‖ ρ̂ⱼ) with ρ̂ from meanActivations; return it before multiplying by β.")
        expectClose(Double(loss.total.value.scalars.first ?? .nan), recon + 2.5 * penalty, tolerance: 1e-4, "total loss with β = 2.5",
                    hint: "L = reconstruction + β · penalty: β multiplies the penalty only.")
    }

    // MARK: Exercise 2.4

    func test_2_4_handGradientMatchesFiniteDifferences() {
        let rho = 0.05, beta = 3.0
        let points: [Double] = [0.01, 0.04, 0.05, 0.2, 0.5, 0.93]
        guard let analytic = graded({ try klPenaltyGradient(target: Float(rho), meanActivations: Tensor(points.map(Float.init)), beta: Float(beta)) }) else { return }
        guard analytic.count == points.count else { return XCTFail("expected one derivative per unit (\(points.count)), got shape \(analytic.shape)") }
        for (i, p) in points.enumerated() {
            let h = 1e-6
            let numeric = beta * (Self.kl(rho, p + h) - Self.kl(rho, p - h)) / (2 * h)
            expectClose(Double(analytic[i]), numeric, tolerance: 1e-3 * Swift.max(1, Swift.abs(numeric)), "∂(β KL)/∂ρ̂ at ρ̂ = \(p)",
                        hint: "differentiate ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)) term by term: β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)); check the signs and keep β.")
        }
    }

    func test_2_4_handGradientIsZeroAtTheTargetAndSignsAreRight() {
        guard let g = graded({ try klPenaltyGradient(target: 0.2, meanActivations: Tensor([0.1, 0.2, 0.4]), beta: 1) }) else { return }
        guard g.count == 3 else { return XCTFail("expected 3 derivatives, got \(g.shape)") }
        expect(g[0] < 0 && Swift.abs(g[1]) < 1e-5 && g[2] > 0,
               "the penalty falls towards ρ̂ = ρ and rises after it: expected (−, 0, +) at ρ̂ = (0.1, 0.2, 0.4), got \(g.scalars)",
               hint: "the gradient is β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)).")
    }
}
