import XCTest

@testable import LabKit

final class NNTests: XCTestCase {
    func testLossesOnKnownValues() {
        let p = Variable(Tensor([[0.5, 0.25]])), t = Tensor([[1, 0]])
        XCTAssertEqual(meanSquaredError(predictions: p, targets: t).value.scalar, (0.25 + 0.0625) / 2, accuracy: 1e-7)
        XCTAssertEqual(
            meanSquaredError(predictions: p, targets: t, reduction: .sumPerExample).value.scalar, 0.3125, accuracy: 1e-7
        )
        let bce = -(log(0.5) + log(0.75)) / 2
        XCTAssertEqual(binaryCrossEntropy(probabilities: p, targets: t).value.scalar, Float(bce), accuracy: 1e-6)
        // Logits of 0.5 and 0.25 give the same loss.
        let z = Variable(Tensor([[0, Float(log(0.25 / 0.75))]]))
        XCTAssertEqual(binaryCrossEntropy(logits: z, targets: t).value.scalar, Float(bce), accuracy: 1e-6)
        // Probabilities of exactly 0 and 1 stay finite.
        XCTAssertTrue(binaryCrossEntropy(probabilities: Variable(Tensor([[0, 1]])), targets: t).value.scalar.isFinite)
        // Huge logits stay finite and exact.
        XCTAssertEqual(
            binaryCrossEntropy(logits: Variable(Tensor([[200, -200]])), targets: Tensor([[1, 0]])).value.scalar, 0)
    }

    func testDenseInitialisationScales() {
        var rng = SeededGenerator(seed: 3)
        let glorot = Dense(400, 200, activation: .sigmoid, using: &rng).weight.value
        let a = Float((6.0 / 600).squareRoot())
        XCTAssertLessThanOrEqual(glorot.abs().max(), a)
        XCTAssertEqual((glorot * glorot).mean(), a * a / 3, accuracy: a * a / 30)
        let he = Dense(400, 200, activation: .relu, using: &rng).weight.value
        XCTAssertEqual((he * he).mean(), 2.0 / 400, accuracy: 2e-4)
        XCTAssertEqual(Dense(3, 2, using: &rng).bias.value, .zeros([2]))
    }

    func testParametersAreCollectedInOrder() {
        var rng = SeededGenerator(seed: 3)
        let model = Autoencoder(sizes: [10, 6, 2], using: &rng)
        XCTAssertEqual(
            model.parameters.map(\.name),
            [
                "encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias",
                "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias",
            ])
        XCTAssertEqual(model.parameterCount, 10 * 6 + 6 + 6 * 2 + 2 + 2 * 6 + 6 + 6 * 10 + 10)
        XCTAssertEqual(model.reconstruct(.zeros([3, 10])).shape, [3, 10])
    }

    func testSGDAndAdamFollowTheirFormulas() {
        let p = Variable(Tensor([1, -2]), requiresGradient: true)
        p.grad = Tensor([0.5, -1])
        SGD(parameters: [p], learningRate: 0.1).step()
        XCTAssertEqual(p.value.scalars, [0.95, -1.9])
        let momentum = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        momentum.step(); momentum.step()  // v = g, then v = 0.9g + g
        XCTAssertEqual(p.value[0], 0.95 - 0.1 * 0.5 - 0.1 * 1.9 * 0.5, accuracy: 1e-6)
        // Adam's first step moves each parameter by ≈ η·sign(g).
        let q = Variable(Tensor([1, -2]), requiresGradient: true)
        q.grad = Tensor([0.5, -1])
        Adam(parameters: [q], learningRate: 0.01).step()
        XCTAssertEqual(q.value[0], 0.99, accuracy: 1e-6)
        XCTAssertEqual(q.value[1], -1.99, accuracy: 1e-6)
    }

    func testAdamFitsALinearRegression() throws {
        var rng = SeededGenerator(seed: 8)
        let x = Tensor.randomNormal([256, 3], using: &rng)
        let trueW = Tensor([[1], [-2], [0.5]])
        let y = Tensor.matmul(x, trueW) + 0.3
        let layer = Dense(3, 1, using: &rng)
        var loop = TrainingLoop(epochs: 60, batchSize: 32, label: "regression", seed: 1, silent: true)
        _ = try loop.run(
            on: Tensor.concatenate([x, y], alongAxis: 1),
            optimizer: Adam(parameters: layer.parameters, learningRate: 0.05)
        ) { batch, _ in
            LossTerms(
                meanSquaredError(predictions: layer(Variable(batch.columns(0..<3))), targets: batch.columns(3..<4)))
        }
        for (a, b) in zip(layer.weight.value.scalars, trueW.scalars) { XCTAssertEqual(a, b, accuracy: 0.01) }
        XCTAssertEqual(layer.bias.value[0], 0.3, accuracy: 0.01)
    }
}
