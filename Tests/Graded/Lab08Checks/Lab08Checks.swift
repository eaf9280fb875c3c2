// Graded checks for Lab 08 (stacked autoencoders, few labels): log-softmax and cross-entropy
// against values worked out beforehand in double precision (never against a reference
// implementation), with logits large enough to overflow a naive exponential; the greedy
// procedure watched by a spy that "trains" each layer, so stale or wrongly stacked codes show;
// the fine-tuning step against one SGD step computed here from your own 8.2; the labelled
// subset by its counts, and by the frequencies of indices and pairs over many draws.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.fineTuningStep
import func ExerciseCalls.greedyLayerwisePretraining
import func ExerciseCalls.labelledSubset
import func ExerciseCalls.logSoftmax
import func ExerciseCalls.softmaxCrossEntropy

final class Lab08Checks: GradedTestCase {
    // MARK: Exercise 8.1

    func test_8_1_rowsAreLogProbabilities() {
        // Non-square, so a softmax over the wrong axis cannot pass; the expected rows were worked
        // out beforehand in double precision.
        let cases: [(Tensor, Tensor)] = [
            (
                Tensor([[0, 0, 0, 0], [1, 2, 3, 4], [-1, 0, 4, 0.5]]),
                Tensor([
                    [-1.386294, -1.386294, -1.386294, -1.386294], [-3.44019, -2.44019, -1.44019, -0.4401897],
                    [-5.053779, -4.053779, -0.05377862, -3.553779],
                ])
            ),
            (
                Tensor([[3.1, -4.2, 0.7, 5.5, -1.3], [-2.8, 6.4, 0.0, -0.9, 2.2]]),
                Tensor([
                    [-2.495422, -9.795422, -4.895422, -0.09542176, -6.895422],
                    [-9.217284, -0.01728349, -6.417284, -7.317284, -4.217284],
                ])
            ),
        ]
        for (logits, expected) in cases {
            guard let got = graded({ try logSoftmax(logits) }) else { return }
            expectClose(
                got, expected, tolerance: 1e-5, "log-softmax of \(logits.arrayRows)",
                hint: "each row: zₖ − log Σⱼ e^{zⱼ}, over the K entries of that row (axis 1).")
        }
    }

    func test_8_1_largeLogitsDoNotOverflow() {
        // The largest logit first, in the middle, last, and tied (first and middle, middle and last).
        let logits = Tensor([
            [1000, 0, -1000], [-1000, 1000, 0], [0, -500, 500], [-1000, -1000, -1000],
            [200, 200, 0], [0, 300, 300],
        ])
        guard let got = graded({ try logSoftmax(logits) }) else { return }
        let ln2 = Float(log(2.0)), ln3 = Float(log(3.0))
        let expected = Tensor([
            [0, -1000, -2000], [-2000, 0, -1000], [-500, -1000, 0], [-ln3, -ln3, -ln3],
            [-ln2, -ln2, -200 - ln2], [-300 - ln2, -ln2, -ln2],
        ])
        expectClose(
            got, expected, tolerance: 1e-3,
            "log-softmax of [[1000, 0, −1000], [−1000, 1000, 0], [0, −500, 500], [−1000, −1000, −1000], [200, 200, 0], [0, 300, 300]]",
            hint:
                "e^1000 overflows and e^−1000 underflows in Float: subtract the row's maximum m before exp, then add nothing "
                + "back but the log of the sum — (zₖ − m) − log Σⱼ e^{zⱼ − m}.")
    }

    // MARK: Exercise 8.2

    func test_8_2_lossOfKnownCases() {
        // The expected losses were worked out beforehand in double precision.
        let cases: [(Tensor, [Int], Double)] = [
            (Tensor([[0, 0, 0, 0]]), [2], 1.3862943611198906),  // log 4
            // One label per row, averaged.
            (Tensor([[2, 0, -1], [0.5, 0.5, 3], [1, 1, 1]]), [0, 2, 1], 0.4734888975385103),
            (Tensor([[1000, -1000, 0], [0, 50, -50]]), [1, 1], 1000),  // (2000 + 0) / 2, without overflow
            // The largest logit last, in the middle, and tied at both ends: (2000 + 0 + log 2) / 3.
            (Tensor([[-1000, 0, 1000], [0, 1000, -1000], [500, 0, 500]]), [0, 1, 2], 666.8977157268533),
        ]
        for (logits, labels, expected) in cases {
            guard let got = graded({ try softmaxCrossEntropy(logits: logits, labels: labels) }) else { return }
            expectClose(
                Double(got.loss), expected, tolerance: 1e-4 * max(1, abs(expected)),
                "cross-entropy of \(logits.arrayRows) with labels \(labels)",
                hint: "the mean over the N rows of −log softmax(zₙ)_{yₙ}: each row its own label, divided by N, "
                    + "computed stably (your 8.1).")
        }
    }

    func test_8_2_gradientOfAKnownBatch() {
        let logits = Tensor([
            [1.5, -0.4, 2.9, 0.3, -2.2], [0.8, 3.3, -1.7, 0.1, 1.2], [-0.6, 0.2, 0.9, -3.1, 2.4],
            [2.0, 2.0, -0.5, 1.1, -1.4],
        ])
        let labels = [3, 0, 4, 0]
        guard let got = graded({ try softmaxCrossEntropy(logits: logits, labels: labels) }) else { return }
        // ∂L/∂z, worked out beforehand in double precision.
        let numeric = Tensor([
            [0.04520234, 0.006760852, 0.1833046, -0.2363853, 0.001117561],
            [-0.2336098, 0.1996739, 0.001345392, 0.008139148, 0.02445135],
            [0.008968657, 0.01996011, 0.04019473, 0.0007361923, -0.06985969],
            [-0.1508734, 0.09912658, 0.008136805, 0.04030186, 0.003308178],
        ])
        expectClose(
            got.gradient, numeric, tolerance: 1e-4, "∂L/∂z of a [4, 5] batch",
            hint: "∂L/∂zₙₖ = (softmax(zₙ)ₖ − [k = yₙ]) / N: predicted minus one-hot, divided by the batch size.")
    }

    func test_8_2_gradientOfSaturatedLogits() {
        guard let got = graded({ try softmaxCrossEntropy(logits: Tensor([[1000, -1000, 0]]), labels: [1]) }) else {
            return
        }
        expectClose(
            got.gradient, Tensor([[1, -1, 0]]), tolerance: 1e-5, "∂L/∂z of logits [1000, −1000, 0] with label 1",
            hint: "softmax is [1, 0, 0] here (computed stably, not NaN), minus the one-hot [0, 1, 0].")
    }

    // MARK: Exercise 8.3

    /// A three-layer stack with distinct sizes and a spy "training" that changes each layer it is
    /// given, so codes computed before a layer was trained differ from those computed after.
    func test_8_3_eachLayerLearnsFromTheTrainedLayersBelow() {
        var rng = SeededGenerator(seed: 83)
        let layers = [
            Dense(6, 5, activation: .tanh, using: &rng), Dense(5, 4, activation: .relu, using: &rng),
            Dense(4, 3, activation: .sigmoid, using: &rng),
        ]
        let data = Tensor.randomNormal([7, 6], using: &rng)
        var calls: [(index: Int?, inputs: Tensor)] = []
        let done: Void? = graded {
            try greedyLayerwisePretraining(layers: layers, data: data) { layer, inputs in
                calls.append((layers.firstIndex { $0 === layer }, inputs))
                layer.weight.value = layer.weight.value * -0.5 + 0.25  // the "training"
                layer.bias.value = layer.bias.value + 0.1
            }
        }
        guard done != nil else { return }
        expect(
            calls.map(\.index) == [0, 1, 2],
            "trainLayer was called for layers \(calls.map { $0.index.map(String.init) ?? "?" }), "
                + "expected 0, 1, 2 — once each, bottom first",
            hint: "one call per layer, in order, with the layer object itself.")
        guard calls.count == 3 else { return }
        var expected = data
        for (k, call) in calls.enumerated() {
            expectClose(
                call.inputs, expected, tolerance: 1e-5, "the inputs layer \(k) was trained on",
                hint: k == 0
                    ? "layer 0 learns from the data itself."
                    : "layer k learns from the codes of layers 0…k−1 as they are after their own training (compute them "
                        + "after training the layer below, not all at the start), without applying layer k itself.")
            expected = layers[k].evaluate(expected)
        }
    }

    func test_8_3_leavesTheStackTrainableAndUnchanged() {
        var rng = SeededGenerator(seed: 830)
        let layers = [Dense(4, 3, activation: .relu, using: &rng), Dense(3, 2, activation: .relu, using: &rng)]
        let before = layers.flatMap(\.parameters).map(\.value)
        var stateDuringTraining: [Bool] = []
        let done: Void? = graded {
            try greedyLayerwisePretraining(layers: layers, data: Tensor.randomNormal([5, 4], using: &rng)) { layer, _ in
                stateDuringTraining.append(layer.parameters.allSatisfy(\.requiresGradient))
            }
        }
        guard done != nil else { return }
        expect(
            layers.flatMap(\.parameters).map(\.value) == before, "the procedure changed the layers' weights itself",
            hint: "only trainLayer trains; computing the next layer's inputs must not modify any layer.")
        expect(
            stateDuringTraining == [true, true],
            "a layer was frozen while trainLayer trained it (trainable: \(stateDuringTraining))",
            hint:
                "the layer being trained must stay trainable; the layers below need no freezing when their codes are computed "
                + "without gradients (evaluate).")
        expect(
            layers.allSatisfy { !$0.isFrozen }, "after pretraining some layers are still frozen",
            hint: "leave every layer trainable: fine-tuning trains them all afterwards.")
    }

    // MARK: Exercise 8.4

    static func smallClassifier(seed: UInt64) -> Classifier {
        var rng = SeededGenerator(seed: seed)
        return Classifier(copying: [Dense(5, 4, activation: .tanh, using: &rng)], classes: 3, using: &rng)
    }

    func test_8_4_oneStepDescendsTheCrossEntropy() {
        let classifier = Self.smallClassifier(seed: 84)
        var rng = SeededGenerator(seed: 840)
        let images = Tensor.randomNormal([6, 5], using: &rng), labels = [0, 2, 1, 1, 0, 2]
        // The step the function should take, from your own 8.2: θ − η·(∂L/∂θ).
        let logits = classifier(Variable(images))
        guard let (loss, gradient) = graded({ try softmaxCrossEntropy(logits: logits.value, labels: labels) }),
            graded({ try logits.backward(gradient: gradient) }) != nil
        else { return }
        let learningRate: Float = 0.5
        let expected = classifier.parameters.map { $0.value - $0.grad! * learningRate }
        // Left-over gradients from an earlier step that must not be added in.
        for p in classifier.parameters { p.grad = Tensor(repeating: 1, shape: p.shape) }
        let sgd = SGD(parameters: classifier.parameters, learningRate: learningRate)
        guard
            let returned = graded({
                try fineTuningStep(classifier: classifier, optimizer: sgd, images: images, labels: labels)
            })
        else { return }
        expectClose(
            Double(returned), Double(loss), tolerance: 1e-6, "the loss returned by the step",
            hint: "return the minibatch's cross-entropy from before the update.")
        for (p, e) in zip(classifier.parameters, expected) {
            expectClose(
                p.value, e, tolerance: 1e-5, "\(p.name) after one SGD step (η = 0.5)",
                hint: "zero the gradients first (the optimizer's were not empty), backpropagate +∂L/∂z with "
                    + "logits.backward(gradient:), then optimizer.step() once.")
        }
    }

    func test_8_4_aFrozenEncoderStaysPut() {
        let classifier = Self.smallClassifier(seed: 841)
        classifier.encoder.freeze()
        var rng = SeededGenerator(seed: 842)
        let images = Tensor.randomNormal([6, 5], using: &rng), labels = [1, 0, 2, 2, 1, 0]
        let encoderBefore = classifier.encoder.parameters.map(\.value),
            headBefore = classifier.head.parameters.map(\.value)
        let adam = Adam(parameters: classifier.parameters, learningRate: 0.01)
        for _ in 0..<3 {
            guard
                graded({ try fineTuningStep(classifier: classifier, optimizer: adam, images: images, labels: labels) })
                    != nil
            else { return }
        }
        expect(
            classifier.encoder.parameters.map(\.value) == encoderBefore && classifier.encoder.isFrozen,
            "a frozen encoder changed (or was unfrozen) during three fine-tuning steps",
            hint: "leave freezing to the caller: a frozen parameter gets no gradient, and the optimizer skips it.")
        expect(
            classifier.head.parameters.map(\.value) != headBefore, "the head did not change in three steps",
            hint: "backpropagate the loss's gradient and call optimizer.step().")
    }

    // MARK: Exercise 8.5

    /// Interleaved labels with uneven class sizes: class c at every index n with n mod 5 = c,
    /// until the class has its size.
    static let unevenLabels: [Int] = {
        var labels: [Int] = [], left = [12, 9, 15, 10, 8]
        while left.contains(where: { $0 > 0 }) {
            for c in 0..<5 where left[c] > 0 { labels.append(c); left[c] -= 1 }
        }
        return labels
    }()

    func test_8_5_countsAreBalancedAndDistinct() {
        var rng = SeededGenerator(seed: 85)
        for count in [10, 23, 40] {
            guard
                let got = graded({
                    try labelledSubset(labels: Self.unevenLabels, count: count, classes: 5, using: &rng)
                })
            else { return }
            let valid = got.allSatisfy { Self.unevenLabels.indices.contains($0) }
            expect(
                got.count == count && Set(got).count == count && valid,
                "\(count) labels asked for: got \(got.count) indices, \(Set(got).count) distinct, all valid: \(valid)",
                hint: "draw without replacement, within each class: no index twice.")
            guard valid else { return }
            let perClass = (0..<5).map { c in got.filter { Self.unevenLabels[$0] == c }.count }
            let (share, extra) = (count / 5, count % 5)
            expect(
                perClass.allSatisfy { $0 == share || $0 == share + 1 }
                    && perClass.filter { $0 == share + 1 }.count == extra
                    && perClass.reduce(0, +) == count,
                "\(count) labels over 5 classes: got \(perClass) per class, expected \(share) each and \(extra) classes with one more",
                hint: "⌊count/K⌋ from every class, and one more from count mod K of them.")
        }
    }

    func test_8_5_everySubsetOfAClassIsEquallyLikely() {
        // Two classes of six; two labels from each: all 15 pairs of a class are equally likely.
        let labels = (0..<12).map { $0 % 2 }
        var rng = SeededGenerator(seed: 850)
        let draws = 3000
        var pairs = [Int](repeating: 0, count: 15)
        let members = (0..<12).filter { labels[$0] == 0 }
        var pairIndex: [Set<Int>: Int] = [:]
        for a in 0..<6 { for b in (a + 1)..<6 { pairIndex[[members[a], members[b]]] = pairIndex.count } }
        // The same pair of positions in both classes: probability 1/15 when the classes are drawn independently.
        var samePositions = 0
        for _ in 0..<draws {
            guard let got = graded({ try labelledSubset(labels: labels, count: 4, classes: 2, using: &rng) }) else {
                return
            }
            let valid = got.filter { labels.indices.contains($0) }
            guard let pair = pairIndex[Set(valid.filter { labels[$0] == 0 })] else {
                return XCTFail(
                    "4 labels from two classes of 6: expected 2 of class 0, got \(got)\nHint: ⌊count/K⌋ from every class."
                )
            }
            pairs[pair] += 1
            if Set(valid.filter { labels[$0] == 0 }.map { $0 / 2 })
                == Set(valid.filter { labels[$0] == 1 }.map { $0 / 2 })
            {
                samePositions += 1
            }
        }
        let region = StatisticalTest.binomialAcceptance(
            trials: draws, probability: 1.0 / 15,
            falseFailureRate: StatisticalTest.defaultFalseFailureRate)
        expect(
            region.contains(samePositions),
            "in \(samePositions) of \(draws) draws both classes chose the examples at the same "
                + "positions (\(region.lowerBound)…\(region.upperBound) expected by chance)",
            hint: "draw each class's examples independently: a new random order for every class, not one order reused.")
        let statistic = StatisticalTest.chiSquaredStatistic(
            observed: pairs, probabilities: [Double](repeating: 1.0 / 15, count: 15))
        let critical = StatisticalTest.chiSquaredCritical(
            degreesOfFreedom: 14, falseFailureRate: StatisticalTest.defaultFalseFailureRate)
        expect(
            statistic <= critical,
            "over \(draws) draws of 2 of a class's 6 examples, the 15 possible pairs came up \(pairs) times "
                + "(χ² = \(Int(statistic)), at most \(Int(critical)) expected by chance)",
            hint:
                "choose uniformly without replacement: shuffle the class's indices with the generator and take the first ones, "
                + "not the first ones in data order nor a random run of neighbours.")
    }

    func test_8_5_drawsOnlyFromTheGivenGenerator() {
        let labels = (0..<200).map { ($0 * 7) % 10 }
        // 30 of 200 balanced: log₂ C(20, 3)¹⁰ ≈ 101 bits of choice, so at least 2 draws.
        expectRandomnessContract("labelledSubset of 30 labels from 10 classes of 20", minimumDraws: 2) { generator in
            let indices = try labelledSubset(labels: labels, count: 30, classes: 10, using: &generator)
            return Tensor(indices.sorted().map(Float.init))
        }
    }
}
