import XCTest

@testable import LabKit

final class AutodiffTests: XCTestCase {
    func testValueUsedTwiceAccumulatesBothPaths() throws {
        let x = Variable(Tensor([3]), requiresGradient: true)
        try (x * x + x).sum().backward()  // d/dx (x² + x) = 2x + 1 = 7
        XCTAssertEqual(x.grad?.scalars, [7])
        try (x * 2).sum().backward()  // accumulates until zeroed
        XCTAssertEqual(x.grad?.scalars, [9])
        x.zeroGradient()
        XCTAssertNil(x.grad)
    }

    func testBackwardOnNonScalarIsAClearError() {
        let x = Variable(Tensor([1, 2]), requiresGradient: true)
        XCTAssertThrowsError(try (x * 2).backward()) { error in
            XCTAssertEqual(error as? AutodiffError, .nonScalarOutput(shape: [2]))
            XCTAssertTrue("\(error)".contains("scalar"))
        }
    }

    func testEvaluationModeRecordsNothing() {
        let w = Variable(Tensor([[1, 2], [3, 4]]), requiresGradient: true)
        let y = withoutGradients { matmul(w, w).sum() }
        XCTAssertFalse(y.requiresGradient)
        XCTAssertThrowsError(try y.backward())
    }

    func testGraphIsReleasedAfterBackward() throws {
        let w = Variable(Tensor([[1, 2], [3, 4]]), requiresGradient: true)
        weak var intermediate: Variable?
        var loss: Variable?
        do {
            let h = matmul(w, w).sigmoid()
            intermediate = h
            loss = h.sum()
        }
        XCTAssertNotNil(intermediate, "the graph is alive before backward")
        try loss!.backward()
        XCTAssertNil(intermediate, "backward() must release the tape even while the loss is still referenced")
        _ = loss
    }

    func testTrainingIsBitIdenticalForTheSameSeed() throws {
        func train() throws -> (Tensor, [Float]) {
            var rng = SeededGenerator(seed: 42)
            let data = Tensor.randomUniform([300, 20], using: &rng)
            let model = Autoencoder(sizes: [20, 12, 4], using: &rng)
            var loop = TrainingLoop(epochs: 3, batchSize: 32, label: "determinism", seed: 9, silent: true)
            let history = try loop.run(on: data, optimizer: Adam(parameters: model.parameters)) { batch, _ in
                LossTerms(meanSquaredError(predictions: model(Variable(batch)), targets: batch))
            }
            return (model.encoder.denseLayers[0].weight.value, history.loss)
        }
        let (w1, h1) = try train(), (w2, h2) = try train()
        XCTAssertEqual(w1.scalars, w2.scalars)
        XCTAssertEqual(h1, h2)
        XCTAssertLessThan(h1.last!, h1.first!)
    }

    func testNonFiniteLossStopsTrainingWithAHelpfulMessage() {
        var rng = SeededGenerator(seed: 1)
        let data = Tensor.randomUniform([64, 4], using: &rng)
        let model = Sequential.mlp([4, 4], using: &rng)
        var loop = TrainingLoop(epochs: 2, batchSize: 16, label: "nan", seed: 1, silent: true)
        XCTAssertThrowsError(
            try loop.run(on: data, optimizer: SGD(parameters: model.parameters, learningRate: 0.1)) { batch, _ in
                let out = model(Variable(batch))
                // The log of a negative number.
                return LossTerms((out - out.value.max() - 1).log().mean(), parts: [("log", .nan)])
            }
        ) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("epoch 1, step 1"), message)
            XCTAssertTrue(message.contains("learning rate") && message.contains("log of 0"), message)
        }
    }
}
