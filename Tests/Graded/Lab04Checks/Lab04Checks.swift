// Graded checks for Lab 04 (contractive autoencoder): the closed form against values worked
// out beforehand in double precision, finite differences, and Jacobians of known functions.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.contractiveLoss
import func ExerciseCalls.contractivePenalty
import func ExerciseCalls.numericalJacobian

final class Lab04Checks: GradedTestCase {
    static let h = Tensor([[0.2, 0.5, 0.9], [0.7, 0.1, 0.4]])  // N = 2, H = 3
    static let w = Tensor([[1, -2, 0.5], [0.3, 1, -1], [2, 0, 0.2], [-0.5, 0.4, 1]])  // D = 4, H = 3

    // MARK: Exercise 4.1

    func test_4_1_penaltyMatchesTheClosedFormAveragedOverTheBatch() {
        guard let value = graded({ try contractivePenalty(hidden: Variable(Self.h), weight: Variable(Self.w)) }) else {
            return
        }
        expect(
            value.value.count == 1, "the penalty must be a scalar, got shape \(value.shape)",
            hint: "sum over units and average over examples.")
        expectClose(
            Double(value.value.scalars.first ?? .nan), 0.4434735124716165, tolerance: 1e-5,
            "penalty for N = 2, H = 3, D = 4",
            hint:
                "Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ²: square the slope h(1 − h), sum W² over the inputs i (axis 0 of W [D, H]), and divide by N."
        )
    }

    func test_4_1_penaltyEqualsTheSquaredFrobeniusNormOfTheJacobian() throws {
        // A sigmoid encoder h = σ(xW + b) at x = (0.3, −0.2, 0.8, 0.1), b = (0.1, −0.3, 0.2): its
        // activations, and ‖J_f(x)‖²_F worked out beforehand by central differences in double precision.
        let h = Tensor([[0.8687555302896333, 0.25730945481121953, 0.6921095048098437]])
        let frobenius = 0.36185056872331073
        guard let value = graded({ try contractivePenalty(hidden: Variable(h), weight: Variable(Self.w)) }) else {
            return
        }
        expectClose(
            Double(value.value.scalars.first ?? .nan), frobenius, tolerance: 1e-4 * frobenius,
            "‖J_f(x)‖²_F of a sigmoid encoder",
            hint: "J_f(x) = diag(h(1 − h)) Wᵀ, so ‖J‖²_F = Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ².")
    }

    func test_4_1_gradientsMatchFiniteDifferences() throws {
        guard graded({ try contractivePenalty(hidden: Variable(Self.h), weight: Variable(Self.w)) }) != nil else {
            return
        }
        let report = try checkGradients(at: [Self.h, Self.w], step: 1e-3) { v in
            try contractivePenalty(hidden: v[0], weight: v[1])
        }
        expect(
            report.maxRelativeError < 2e-2,
            "the penalty's gradients disagree with finite differences: \(report.summary)",
            hint: "build the penalty from Variable operations on h and W so training can shrink it.")
    }

    // MARK: Exercise 4.2

    func test_4_2_lossIsReconstructionPlusLambdaTimesPenaltyOfTheActivations() {
        var rng = SeededGenerator(seed: 8)
        let encoder = Dense(4, 3, activation: .sigmoid, using: &rng),
            decoder = Dense(3, 4, activation: .sigmoid, using: &rng)
        encoder.bias.value = Tensor([0.5, -0.5, 1])
        let batch = Tensor([[0.1, 0.9, 0.4, 0.0], [1, 0.2, 0.3, 0.8]])
        guard let loss = graded({ try contractiveLoss(batch: batch, encoder: encoder, decoder: decoder, lambda: 0.3) })
        else { return }
        let h = encoder.evaluate(batch)
        let reconstruction = decoder.evaluate(h)
        let mse =
            zip(reconstruction.scalars, batch.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            / 8
        let penalty = 0.10030613973877692  // 4.1's penalty of these activations, worked out beforehand
        expectClose(
            Double(loss.reconstruction.value.scalars.first ?? .nan), mse, tolerance: 1e-6, "reconstruction part",
            hint: "the mean squared error between decoder(h) and the batch, over all N·D entries.")
        expectClose(
            Double(loss.penalty.value.scalars.first ?? .nan), penalty, tolerance: 1e-5, "penalty part (without λ)",
            hint: "apply 4.1 to the activations h = σ(xW + b), not to the pre-activations xW + b.")
        expectClose(
            Double(loss.total.value.scalars.first ?? .nan), mse + 0.3 * penalty, tolerance: 1e-5, "total with λ = 0.3",
            hint: "L = MSE + λ · penalty: λ multiplies the penalty only.")
    }

    func test_4_2_gradientsMatchFiniteDifferencesForBothLayers() {
        // N = 3, D = 5, H = 2, λ = 0.7: the penalty's gradient must reach W and b through h.
        var rng = SeededGenerator(seed: 42)
        let encoder = Dense(5, 2, activation: .sigmoid, using: &rng),
            decoder = Dense(2, 5, activation: .sigmoid, using: &rng)
        encoder.weight.value = encoder.weight.value * 3
        encoder.bias.value = Tensor([0.4, -0.6])
        decoder.bias.value = Tensor([0.1, -0.1, 0.2, 0, 0.3])
        let batch = Tensor.randomUniform([3, 5], using: &rng)
        let parameters = [
            ("encoder.weight", encoder.weight), ("encoder.bias", encoder.bias), ("decoder.weight", decoder.weight),
            ("decoder.bias", decoder.bias),
        ]
        expectParameterGradientsMatchFiniteDifferences(
            parameters, step: 1e-2, "the contractive loss (λ = 0.7)",
            hint:
                "use encoder(Variable(batch)) and encoder.weight (the Variable) so the penalty's gradient reaches W and b; don't use .value or evaluate."
        ) {
            try contractiveLoss(batch: batch, encoder: encoder, decoder: decoder, lambda: 0.7).total
        }
    }

    // MARK: Exercise 4.3

    func test_4_3_jacobianOfAKnownFunctionHasOneRowPerOutput() {
        // f(x) = (x₀x₁, x₁ + 3x₂): J = [[x₁, x₀, 0], [0, 1, 3]], a 2×3 matrix.
        let f: (Tensor) throws -> Tensor = { x in Tensor([x[0] * x[1], x[1] + 3 * x[2]]) }
        guard let j = graded({ try numericalJacobian(of: f, at: Tensor([2, -1, 0.5]), epsilon: 1e-2) }) else { return }
        expectClose(
            j, Tensor([[-1, 2, 0], [0, 1, 3]]), tolerance: 1e-3, "Jacobian of (x₀x₁, x₁ + 3x₂) at (2, −1, 0.5)",
            hint: "J has shape [outputs, inputs]: Jⱼᵢ = ∂fⱼ/∂xᵢ, one column per perturbed input.")
    }

    func test_4_3_centralDifferencesAreExactForQuadratics() {
        // For f(x) = x² a central difference is exact; a forward difference is off by ε.
        let f: (Tensor) throws -> Tensor = { x in Tensor([x[0] * x[0], x[0] * x[1]]) }
        guard let j = graded({ try numericalJacobian(of: f, at: Tensor([1.5, 2]), epsilon: 0.25) }) else { return }
        expectClose(
            j, Tensor([[3, 0], [2, 1.5]]), tolerance: 2e-4, "Jacobian of (x₀², x₀x₁) at (1.5, 2) with ε = 0.25",
            hint:
                "use central differences (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε: their error is O(ε²), a forward difference's O(ε)."
        )
    }

    func test_4_3_theStepSizeIsTheEpsilonPassedIn() {
        // For cubic terms a central difference is off by exactly ε² (∂x³: 3x² + ε²), so the ε
        // used shows in the answer: (x₀³ + x₁, x₁x₂²) at (1, 2, −1) with ε = 0.5.
        let f: (Tensor) throws -> Tensor = { x in Tensor([x[0] * x[0] * x[0] + x[1], x[1] * x[2] * x[2]]) }
        guard let j = graded({ try numericalJacobian(of: f, at: Tensor([1, 2, -1]), epsilon: 0.5) }) else { return }
        expectClose(
            j, Tensor([[3.25, 1, 0], [0, 1, -4]]), tolerance: 1e-4,
            "central differences with ε = 0.5 of (x₀³ + x₁, x₁x₂²) at (1, 2, −1)",
            hint:
                "use the epsilon argument as the step: Jⱼᵢ = (fⱼ(x + εeᵢ) − fⱼ(x − εeᵢ)) / 2ε, perturbing one input at a time."
        )
    }

    func test_4_3_theSameStepAtEveryCoordinate() {
        // Cubes at coordinates 0, 2 and −0.5 (not ±1, where a step scaled by |xᵢ| is ε itself):
        // a central difference of x³ is 3x² + ε², so J = [[ε², 0, 0], [1, 12 + ε², 0], [0, 0, 3/4 + ε²]].
        let f: (Tensor) throws -> Tensor = { x in
            Tensor([x[0] * x[0] * x[0], x[1] * x[1] * x[1] + x[0], x[2] * x[2] * x[2]])
        }
        guard let j = graded({ try numericalJacobian(of: f, at: Tensor([0, 2, -0.5]), epsilon: 0.5) }) else { return }
        expectClose(
            j, Tensor([[0.25, 0, 0], [1, 12.25, 0], [0, 0, 1]]), tolerance: 1e-4,
            "central differences with ε = 0.5 of (x₀³, x₁³ + x₀, x₂³) at (0, 2, −0.5)",
            hint: "step every input by the same ε (not by ε·|xᵢ|): Jⱼᵢ = (fⱼ(x + εeᵢ) − fⱼ(x − εeᵢ)) / 2ε.")
    }

    func test_4_3_moreOutputsThanInputs() {
        // f: ℝ² → ℝ⁴, linear, so any ε gives J = A exactly: a [4, 2] matrix.
        let a: [[Float]] = [[1, -2], [0.5, 3], [4, 0], [-1, -1]]
        let f: (Tensor) throws -> Tensor = { x in Tensor(a.map { $0[0] * x[0] + $0[1] * x[1] }) }
        guard let j = graded({ try numericalJacobian(of: f, at: Tensor([0.3, -0.7]), epsilon: 1e-2) }) else { return }
        expectClose(
            j, Tensor(a), tolerance: 2e-3, "Jacobian [4, 2] of a linear map ℝ² → ℝ⁴",
            hint: "one row per output (4) and one column per input (2).")
    }
}
