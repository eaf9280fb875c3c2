import XCTest

@testable import LabKit

/// The classification parts of the core: accuracy, freezing, backward from a given gradient,
/// classifiers built on encoders, and the training loop over example indices. (The
/// cross-entropy is lab 8's exercise, not the core's; a squared size of the logits stands in.)
final class ClassificationTests: XCTestCase {
    /// A loss that reaches every parameter: the mean squared logit.
    static func loss(_ logits: Variable) -> Variable {
        meanSquaredError(predictions: logits, targets: Tensor.zeros(logits.shape))
    }

    func testAccuracyAndPredictions() {
        XCTAssertEqual(predictedClasses(Tensor([[0.1, 0.9], [2, -1], [0, 0]])), [1, 0, 0])
        XCTAssertEqual(accuracy(predictions: [1, 0, 0, 2], labels: [1, 1, 0, 2]), 0.75)
    }

    func testBackwardFromAGivenGradientIsAVectorJacobianProduct() throws {
        let w = Variable(Tensor([[1, 2], [3, 4]]), requiresGradient: true)
        let y = matmul(Variable(Tensor([[1, -1]])), w)  // y = [−2, −2]
        try y.backward(gradient: Tensor([[1, 10]]))
        XCTAssertEqual(w.grad, Tensor([[1, 10], [-1, -10]]))
        XCTAssertThrowsError(try matmul(Variable(Tensor([[1, 1]])), w).backward(gradient: Tensor([[1]]))) { error in
            XCTAssertEqual(error as? AutodiffError, .gradientShapeMismatch(expected: [1, 2], got: [1, 1]))
        }
    }

    func testAFrozenLayerGetsNoGradientAndDoesNotMove() throws {
        var rng = SeededGenerator(seed: 5)
        let classifier = Classifier(sizes: [6, 4], classes: 3, using: &rng)
        classifier.encoder.freeze()
        XCTAssertTrue(classifier.encoder.isFrozen)
        XCTAssertFalse(classifier.head.isFrozen)
        let before = classifier.encoder.parameters.map(\.value)
        let adam = Adam(parameters: classifier.parameters, learningRate: 0.1)
        for _ in 0..<3 {
            adam.zeroGradients()
            try Self.loss(classifier(Variable(.randomNormal([5, 6], using: &rng)))).backward()
            XCTAssertTrue(classifier.encoder.parameters.allSatisfy { $0.grad == nil })
            adam.step()
        }
        XCTAssertEqual(classifier.encoder.parameters.map(\.value), before)
        classifier.encoder.unfreeze()
        XCTAssertFalse(classifier.encoder.isFrozen)
    }

    func testAClassifierCopiesTheEncoderItStartsFrom() throws {
        var rng = SeededGenerator(seed: 7)
        let encoder = Sequential.mlp([5, 3], hidden: .relu, output: .relu, using: &rng)
        let original = encoder.denseLayers[0].weight.value
        let classifier = Classifier(copying: encoder.denseLayers, classes: 2, using: &rng)
        XCTAssertEqual(classifier.encoder.denseLayers[0].weight.value, original)
        let sgd = SGD(parameters: classifier.parameters, learningRate: 1)
        try Self.loss(classifier(Variable(.randomNormal([4, 5], using: &rng)))).backward()
        sgd.step()
        XCTAssertNotEqual(classifier.encoder.denseLayers[0].weight.value, original)
        XCTAssertEqual(
            encoder.denseLayers[0].weight.value, original, "training the copy must leave the encoder as it was")
    }

    func testTheLoopOverExampleIndicesVisitsEveryExampleOncePerEpochAndStopsOnNaN() throws {
        var loop = TrainingLoop(epochs: 2, batchSize: 4, label: "indices", seed: 1, silent: true)
        var seen: [Int] = []
        let history = try loop.run(examples: 10) { indices, _ in
            seen += indices
            return TrainingLoop.StepResult(loss: Float(indices.count))
        }
        XCTAssertEqual(seen.count, 20)
        XCTAssertEqual(Set(seen.prefix(10)), Set(0..<10))
        XCTAssertEqual(history.loss.count, 2)
        var failing = TrainingLoop(epochs: 1, batchSize: 4, label: "nan", seed: 1, silent: true)
        XCTAssertThrowsError(try failing.run(examples: 10) { _, _ in TrainingLoop.StepResult(loss: .nan) })
    }
}
