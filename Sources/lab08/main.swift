// Lab 08 — Stacked autoencoders and learning from few labels.
//
// Hinton & Salakhutdinov, Science (2006); Bengio, Lamblin, Popovici & Larochelle, NIPS (2007);
// Vincent, Larochelle, Lajoie, Bengio & Manzagol, JMLR (2010).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab08/Lab08Pretraining.swift (8.1–8.5).
//
//   swift run lab08 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab08 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab08Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

enum Lab08: LabProgram {
    static let info = LabInfo(
        number: 8, sections: 6,
        reference: "Hinton & Salakhutdinov (2006); Bengio et al. (2007); Vincent et al. (2010)",
        summary: """
            Autoencoders first mattered as unsupervised pretraining: train a deep encoder one layer at a time on \
            unlabelled images, then fine-tune it as a classifier with few labels. We write the classifier's loss \
            (a stable log-softmax and the cross-entropy's gradient), the greedy layer-wise procedure, a fine-tuning \
            step and the few-label subsets, and measure — over several seeds — what pretraining buys with 100, \
            1,000 and all labels against a classifier trained from random initialisation.
            """,
        requirements: (train: 10, test: 10, pixels: 64 * 64))

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "Widths of the encoder's layers, bottom first (default 256 64). Try 512 128 32.",
                valueName: "H"))
        var sizes: [Int] = []
        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "Numbers of labelled examples to compare, or all (default 100 1000 all; "
                    + "100 all with --quick). Try 20 50 100 200.", valueName: "L"))
        var labels: [String] = []
        @Option(help: "Seeds per number of labels: each draws its own labels, head and minibatch order. Try 5.")
        var seeds = 3
        @Option(help: "Masking noise of each layer's denoising autoencoder (0: plain autoencoders). Try 0 or 0.5.")
        var maskingP: Float = 0.25
        @Option(
            help: ArgumentHelp(
                "Least fine-tuning steps per classifier (default 300; 40 with --quick). Try 1000.",
                valueName: "S"))
        var steps: Int?

        func validate() throws {
            try requireKnob(
                sizes.count <= 4 && sizes.allSatisfy { (2...4096).contains($0) },
                "--sizes takes up to 4 widths between 2 and 4096, got \(sizes)")
            try requireKnob(
                labels.allSatisfy { $0 == "all" || (Int($0) ?? 0) >= 1 },
                "--labels takes positive counts or all, got \(labels.joined(separator: " "))")
            try requireKnob((1...20).contains(seeds), "--seeds must be between 1 and 20, got \(seeds)")
            try requireKnob((0..<1).contains(maskingP), "--masking-p must be in [0, 1), got \(maskingP)")
            try requireKnob(steps.map { (1...100_000).contains($0) } ?? true, "--steps must be between 1 and 100000")
        }
    }

    static func notebook(_ run: LabRun<Lab08>) throws {
        let data = try run.dataSection(
            explanation: """
                Images x ∈ [0, 1]^D with their class labels. Pretraining sees the training images without labels; the \
                classifiers see only the few labels each experiment allows, and are scored on the test set.
                """)
        try run.checkTheLoss()
        let stack = try run.pretrainGreedily(data)
        let deep = try run.trainDeepAutoencoder(data, stack)
        let results = try run.learnFromFewLabels(data, stack, deep)
        try run.figures(data, stack, deep, results)
    }
}

extension Lab08 {
    /// The stack's layers, the deep autoencoder, and each few-label experiment: four classifiers
    /// trained on L images (at least `steps` minibatches) and scored on the test set.
    static func plannedWork(_ run: LabRun<Lab08>, _ data: Dataset) -> [PlannedWork] {
        let widths = [data.pixels] + run.sizes, n = data.train.count
        let layers = (0..<run.sizes.count).map {
            PlannedWork.dense("layer \($0)", [widths[$0], widths[$0 + 1], widths[$0]], epochs: run.epochs, examples: n)
        }
        let deep = PlannedWork.dense("deep AE", widths + widths.reversed().dropFirst(), epochs: run.epochs, examples: n)
        let classifier = widths + [data.classCount]
        let experiments = run.labelCounts(data).counts.flatMap { count in
            let labels = count ?? n, batch = Swift.min(run.training.batchSize, labels)
            let perEpoch = (labels + batch - 1) / batch
            let epochs = Swift.max(run.epochs, (run.steps + perEpoch - 1) / perEpoch)
            let training = PlannedWork.dense("", classifier, epochs: epochs, examples: labels).weight
            let scoring = PlannedWork.dense("", classifier, epochs: 1, examples: data.test.count).weight / 3
            return (0..<run.knobs.seeds).map {
                PlannedWork(LabRun<Lab08>.fewLabelsLabel(count, seed: $0, of: data), weight: 4 * (training + scoring))
            }
        }
        return layers + [deep] + experiments
    }
}

extension LabRun where Lab == Lab08 {
    static func fewLabelsLabel(_ count: Int?, seed: Int, of data: Dataset) -> String {
        "L = \(count.map(String.init) ?? "all \(data.train.count)"), seed \(seed + 1)"
    }

    var sizes: [Int] { knobs.sizes.isEmpty ? [256, 64] : knobs.sizes }
    var epochs: Int { options.epochs(default: 10, quick: 2) }
    var steps: Int { knobs.steps ?? (options.quick ? 40 : 300) }

    func checkTheLoss() throws {
        nb.section(
            "The classifier's loss (exercises 8.1, 8.2)",
            """
            A classifier outputs logits z ∈ ℝ^K; softmax turns them into probabilities and the cross-entropy \
            L = −(1/N) Σₙ log softmax(zₙ)_{yₙ} scores the true classes. Its gradient is predicted minus true \
            probabilities, (softmax(z) − onehot(y))/N. Your loss and gradient where the answer is known — equal \
            logits (L = log K) and logits of ±1000, where a naive e^z overflows (L = 2000) — and your gradient \
            against central differences of your own loss on random logits:
            """)
        let extreme = Tensor([[1000, -1000, 0, 0, 0, 0, 0, 0, 0, 0]])
        // 8.1 first: the log-probabilities of the saturated row, which a naive e^z turns into NaN.
        let logProbabilities = try logSoftmax(extreme)
        nb.say(
            "Your log-softmax of [1000, −1000, 0, …, 0]: "
                + (0..<3).map { Format.number(logProbabilities[0, $0]) }
                .joined(separator: ", ") + ", … (exactly: 0, −2000, −1000, …).")
        // Known answers: softmax of equal logits is 1/K; of the saturated row, the first class.
        var uniformGradient = Tensor(repeating: 0.1, shape: [1, 10]), extremeGradient = Tensor.zeros([1, 10])
        uniformGradient[0, 3] -= 1
        extremeGradient[0, 0] = 1
        extremeGradient[0, 1] = -1
        var rows: [[String]] = [], agree = true
        for (name, z, y, loss, gradient) in [
            ("equal logits (1 × 10)", Tensor.zeros([1, 10]), [3], Float(log(10.0)), uniformGradient),
            ("logits of ±1000", extreme, [1], Float(2000), extremeGradient),
        ] {
            let mine = try softmaxCrossEntropy(logits: z, labels: y)
            let gap = mine.gradient.shape == z.shape ? Double((mine.gradient - gradient).abs().max()) : .infinity
            agree = agree && Swift.abs(mine.loss - loss) <= 1e-4 * Swift.max(1, loss) && gap <= 1e-5
            rows.append([name, Format.number(mine.loss), Format.number(loss), Format.number(gap, digits: 2)])
        }
        let (numericGap, randomLoss) = try finiteDifferenceGap()
        agree = agree && numericGap <= 1e-3
        rows.append(["random logits (16 × 10)", Format.number(randomLoss), "—", Format.number(numericGap, digits: 2)])
        nb.table(["logits", "your loss", "exact", "max |gradient error|"], rows)
        nb.say(
            agree
                ? "They agree, the saturated logits included: your log-softmax subtracts the maximum."
                : "They disagree: check the maximum shift in 8.1, the mean over N, and the gradient's 1/N in 8.2.")
    }

    /// The largest difference between your gradient (8.2) and central differences of your loss,
    /// (L(z + h eᵢ) − L(z − h eᵢ)) / 2h with h = 10⁻², over every entry of 16 × 10 random logits.
    func finiteDifferenceGap() throws -> (gap: Double, loss: Float) {
        var rng = SeededGenerator(seed: options.seed &+ 8)
        let z = Tensor.randomNormal([16, 10], standardDeviation: 3, using: &rng)
        let y = (0..<16).map { _ in rng.nextInt(below: 10) }
        let mine = try softmaxCrossEntropy(logits: z, labels: y)
        guard mine.gradient.shape == z.shape else { return (.infinity, mine.loss) }
        var gap = 0.0
        let h: Float = 1e-2
        for i in 0..<z.count {
            var up = z, down = z
            up[i] += h
            down[i] -= h
            let numeric =
                (Double(try softmaxCrossEntropy(logits: up, labels: y).loss)
                    - Double(try softmaxCrossEntropy(logits: down, labels: y).loss)) / Double(2 * h)
            gap = Swift.max(gap, Swift.abs(numeric - Double(mine.gradient[i])))
        }
        return (gap, mine.loss)
    }
}

/// The greedily pretrained stack: its layers, each layer's shallow decoder, and their training.
struct PretrainedStack {
    let layers: [Dense]
    /// Copies of the layers before training: the deep autoencoder's encoder starts from them too.
    let initialLayers: [Dense]
    let decoders: [Dense]
    let histories: [TrainingHistory]

    /// The image rebuilt through every layer and back through every shallow decoder.
    func reconstruct(_ x: Tensor) -> Tensor {
        let code = layers.reduce(x) { $1.evaluate($0) }
        return decoders.reversed().reduce(code) { $1.evaluate($0) }
    }
    /// The image through the first layer's own shallow autoencoder.
    func reconstructFirstLayer(_ x: Tensor) -> Tensor { decoders[0].evaluate(layers[0].evaluate(x)) }
}

extension LabRun where Lab == Lab08 {
    func pretrainGreedily(_ data: Dataset) throws -> PretrainedStack {
        let widths = [data.pixels] + sizes
        nb.section(
            "Greedy layer-wise pretraining (exercise 8.3)",
            """
            The encoder \(widths.map(String.init).joined(separator: "-")) (ReLU) is trained one layer at a time, \
            without labels: layer k is the encoder of a shallow denoising autoencoder on the codes of layers \
            0…k−1, which stay frozen. Each uses masking noise p = \(Format.number(knobs.maskingP)), a fresh decoder \
            (sigmoid onto pixels for the first layer, linear onto codes above), the squared error, Adam and \
            \(epochs) epochs of all \(data.train.count) training images.
            """)
        var rng = SeededGenerator(seed: options.seed)
        let layers = (0..<sizes.count).map { k in
            Dense(widths[k], widths[k + 1], activation: .relu, name: "stack.\(k)", using: &rng)
        }
        var decoders: [Dense] = [], histories: [TrainingHistory] = []
        let p = knobs.maskingP, initial = layers.enumerated().map { $1.copy(name: "encoder.\($0)") }
        try greedyLayerwisePretraining(layers: layers, data: data.train.images) { layer, inputs in
            let k = decoders.count
            let decoder = Dense(
                layer.outputSize, layer.inputSize, activation: k == 0 ? .sigmoid : .identity,
                name: "decoder.\(k)", using: &rng)
            let seed = options.seed &+ UInt64(10 + k)
            histories.append(
                try trainWithAdam(
                    "stack-layer-\(k)", layer.parameters + decoder.parameters, on: inputs,
                    epochs: epochs, label: "layer \(k)", seed: seed
                ) { batch, generator in
                    let kept = Tensor.randomUniform(batch.shape, using: &generator).map { $0 >= p ? 1 : 0 }
                    return LossTerms(
                        meanSquaredError(predictions: decoder(layer(Variable(batch * kept))), targets: batch))
                })
            decoders.append(decoder)
        }
        let stack = PretrainedStack(layers: layers, initialLayers: initial, decoders: decoders, histories: histories)
        try reportStack(stack, data)
        return stack
    }

    func reportStack(_ stack: PretrainedStack, _ data: Dataset) throws {
        guard stack.decoders.count == stack.layers.count else {
            throw LabError.unusableResult(
                exercise: "8.3",
                problem: "trained \(stack.decoders.count) of "
                    + "\(stack.layers.count) layers: call trainLayer once per layer")
        }
        var inputs = data.test.images, rows: [[String]] = []
        for (k, (layer, decoder)) in zip(stack.layers, stack.decoders).enumerated() {
            let error = Evaluation.meanSquaredError(decoder.evaluate(layer.evaluate(inputs)), inputs)
            let variance = Double(inputs.squared().mean()) - Double(inputs.mean()) * Double(inputs.mean())
            rows.append([
                "\(k)", "\(layer.inputSize) → \(layer.outputSize)",
                k == 0 ? "pixels" : "codes of layer \(k - 1)", Format.number(error),
                Format.percent(error / Swift.max(variance, 1e-12)),
            ])
            nb.metric("stack_layer\(k)_test_mse", error)
            inputs = layer.evaluate(inputs)
        }
        nb.table(["layer", "shape", "reconstructs", "test MSE", "of the inputs' variance"], rows)
        nb.say(
            """
            Each layer is judged on its own inputs, so the numbers are not comparable across layers: the last column \
            puts each error against the variance of what it reconstructs.
            """)
    }

    func trainDeepAutoencoder(_ data: Dataset, _ stack: PretrainedStack) throws -> Autoencoder {
        let widths = [data.pixels] + sizes
        nb.section(
            "An end-to-end deep autoencoder",
            """
            The alternative to greedy training: the whole \(widths.map(String.init).joined(separator: "-"))-… \
            autoencoder at once (the same ReLU encoder from the same initial weights, a mirrored decoder with a \
            sigmoid output), with the same loss, \
            optimiser and \(epochs) epochs. Its encoder will initialise a third classifier. Reconstruction error on \
            the test images, against the greedy stack decoded through its shallow decoders:
            """)
        var rng = SeededGenerator(seed: options.seed &+ 20)
        let deep = Autoencoder(
            encoder: Sequential(stack.initialLayers.map { $0.copy() }),
            decoder: .mlp(
                widths.reversed(), hidden: .relu, output: .sigmoid, name: "decoder",
                using: &rng))
        let history = try trainWithAdam(
            "deep-ae", deep.parameters, on: data.train.images, epochs: epochs,
            label: "deep AE", seed: options.seed &+ 21
        ) { batch, _ in
            LossTerms(meanSquaredError(predictions: deep(Variable(batch)), targets: batch))
        }
        let test = data.test.images
        let stacked = Evaluation.meanSquaredError(of: stack.reconstruct, from: test, to: test)
        let endToEnd = Evaluation.meanSquaredError(of: deep.reconstruct, from: test, to: test)
        nb.table(
            ["autoencoder", "final training loss", "test MSE"],
            [
                ["greedy stack, decoded layer by layer", "—", Format.number(stacked)],
                [
                    "deep autoencoder, trained end to end", Format.number(history.loss.last ?? .nan),
                    Format.number(endToEnd),
                ],
            ])
        nb.metric("stacked_test_mse", stacked)
        nb.metric("deep_ae_test_mse", endToEnd)
        nb.say(
            endToEnd < stacked
                ? "Training end to end reconstructs better: the greedy layers never saw each other's errors."
                : "The greedy stack reconstructs at least as well as the deep autoencoder here.")
        return deep
    }
}

/// The ways a classifier can start, compared at every number of labels.
enum Start: Int, CaseIterable {
    case random, probe, fineTuned, deepAutoencoder

    var name: String {
        switch self {
        case .random: return "random initialisation"
        case .probe: return "greedy stack, frozen (linear probe)"
        case .fineTuned: return "greedy stack, fine-tuned"
        case .deepAutoencoder: return "deep autoencoder, fine-tuned"
        }
    }
    var shortName: String { ["random init", "probe", "stack fine-tuned", "deep AE fine-tuned"][rawValue] }
    var key: String { ["random", "probe", "stack_fine_tuned", "deep_ae_fine_tuned"][rawValue] }
}

/// Test accuracies of every start, for one number of labels, one per seed.
struct FewLabelResult {
    let labels: Int
    let isAll: Bool
    var accuracies: [[Double]]  // [start][seed]

    var name: String { isAll ? "all \(labels)" : "\(labels)" }
    func mean(_ start: Start) -> Double {
        accuracies[start.rawValue].reduce(0, +) / Double(accuracies[start.rawValue].count)
    }
    func range(_ start: Start) -> (low: Double, high: Double) {
        (accuracies[start.rawValue].min() ?? .nan, accuracies[start.rawValue].max() ?? .nan)
    }
    /// The sample standard deviation over seeds (0 for one seed).
    func spread(_ start: Start) -> Double {
        let values = accuracies[start.rawValue], m = mean(start)
        guard values.count > 1 else { return 0 }
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
}

extension LabRun where Lab == Lab08 {
    /// The numbers of labels to compare (nil: all), and those the training set cannot balance.
    func labelCounts(_ data: Dataset) -> (counts: [Int?], skipped: [String]) {
        let asked = knobs.labels.isEmpty ? (options.quick ? ["100", "all"] : ["100", "1000", "all"]) : knobs.labels
        let perClass = (0..<data.classCount).map { c in data.train.labels.filter { $0 == c }.count }
        var counts: [Int?] = [], skipped: [String] = []
        for word in asked {
            guard let count = Int(word) else { counts.append(nil); continue }
            let needed = (count + data.classCount - 1) / data.classCount
            if count >= data.train.count {
                skipped.append(
                    "L = \(count) is not fewer than the \(data.train.count) training images; "
                        + "\"all\" uses every one")
            } else if let smallest = perClass.min(), smallest < needed {
                skipped.append("L = \(count) needs \(needed) images of every class; the smallest class has \(smallest)")
            } else {
                counts.append(count)
            }
        }
        return (counts, skipped)
    }

    func learnFromFewLabels(_ data: Dataset, _ stack: PretrainedStack, _ deep: Autoencoder) throws -> [FewLabelResult] {
        let (counts, skipped) = labelCounts(data)
        nb.section(
            "Learning from few labels (exercises 8.4, 8.5)",
            """
            Four classifiers with the same \([data.pixels] + sizes + [data.classCount]) network: from random \
            initialisation; from the greedy stack with the encoder frozen (a linear probe of its codes) and \
            fine-tuned; and from the deep autoencoder's encoder, fine-tuned. Each sees L labelled training images, \
            balanced over the classes (8.5), and trains by your fine-tuning step (8.4) with Adam (the probe's head \
            at 10× the learning rate) for at least \(steps) steps and \(epochs) epochs of its labels. \
            \(knobs.seeds) seeds per L: each draws its own \
            labels, head and minibatch order (the pretrained weights are the same). Test accuracy, mean ± standard \
            deviation over the seeds:
            """)
        if !skipped.isEmpty { nb.say("Left out: " + skipped.joined(separator: "; ") + ".") }
        var results: [FewLabelResult] = []
        for (i, count) in counts.enumerated() {
            var result = FewLabelResult(
                labels: count ?? data.train.count, isAll: count == nil,
                accuracies: Array(repeating: [], count: Start.allCases.count))
            for seed in 0..<knobs.seeds {
                let label = Self.fewLabelsLabel(count, seed: seed, of: data)
                ProgressDisplay.shared.update(label, fraction: 0)
                let base = options.seed &+ 1000 &* UInt64(i + 1) &+ 10 &* UInt64(seed)
                var generator = SeededGenerator(seed: base)
                let subset =
                    try count.map {
                        try labelledSubset(
                            labels: data.train.labels, count: $0,
                            classes: data.classCount, using: &generator)
                    }
                    ?? Array(0..<data.train.count)
                try checkSubset(subset, count: result.labels, data)
                let images = data.train.images.gatherRows(subset), labels = subset.map { data.train.labels[$0] }
                for way in Start.allCases {
                    ProgressDisplay.shared.update(
                        label, fraction: Double(way.rawValue) / Double(Start.allCases.count),
                        detail: way.shortName)
                    let classifier = makeClassifier(way, data, stack, deep, seed: base &+ 1)
                    result.accuracies[way.rawValue].append(
                        try fineTune(classifier, images, labels, data, seed: base &+ 2))
                }
                let accuracies = Start.allCases.map { Format.percent(result.accuracies[$0.rawValue].last ?? .nan) }
                ProgressDisplay.shared.finish(
                    label, summary: "  \(label): test accuracy " + accuracies.joined(separator: " / "))
            }
            results.append(result)
        }
        try reportFewLabels(results)
        return results
    }

    func checkSubset(_ subset: [Int], count: Int, _ data: Dataset) throws {
        let valid = subset.allSatisfy { (0..<data.train.count).contains($0) }
        guard subset.count == count, Set(subset).count == count, valid else {
            throw LabError.unusableResult(
                exercise: "8.5",
                problem: "returned \(subset.count) indices "
                    + "(\(Set(subset).count) distinct) for \(count) labels")
        }
    }

    func makeClassifier(
        _ way: Start, _ data: Dataset, _ stack: PretrainedStack, _ deep: Autoencoder,
        seed: UInt64
    ) -> Classifier {
        var generator = SeededGenerator(seed: seed)
        switch way {
        case .random:
            return Classifier(sizes: [data.pixels] + sizes, classes: data.classCount, using: &generator)
        case .probe, .fineTuned:
            let classifier = Classifier(copying: stack.layers, classes: data.classCount, using: &generator)
            if way == .probe { classifier.encoder.freeze() }
            return classifier
        case .deepAutoencoder:
            return Classifier(copying: deep.encoder.denseLayers, classes: data.classCount, using: &generator)
        }
    }

    /// Trains with the student's fine-tuning step for at least `steps` steps and `epochs` epochs
    /// of the labelled images; returns the test accuracy.
    func fineTune(
        _ classifier: Classifier, _ images: Tensor, _ labels: [Int], _ data: Dataset,
        seed: UInt64
    ) throws -> Double {
        // A probe trains only the linear head, a convex problem that takes a 10× larger step.
        let adam = Adam(
            parameters: classifier.parameters,
            learningRate: training.learningRate * (classifier.encoder.isFrozen ? 10 : 1))
        let batch = Swift.min(training.batchSize, images.rowCount)
        let perEpoch = (images.rowCount + batch - 1) / batch
        var loop = TrainingLoop(
            epochs: Swift.max(epochs, (steps + perEpoch - 1) / perEpoch), batchSize: batch,
            label: "classifier", seed: seed, silent: true)
        _ = try loop.run(examples: images.rowCount) { indices, _ in
            let loss = try fineTuningStep(
                classifier: classifier, optimizer: adam, images: images.gatherRows(indices),
                labels: indices.map { labels[$0] })
            return TrainingLoop.StepResult(loss: loss)
        }
        return accuracy(predictions: classifier.predict(data.test.images), labels: data.test.labels)
    }
}

extension LabRun where Lab == Lab08 {
    func reportFewLabels(_ results: [FewLabelResult]) throws {
        func cell(_ r: FewLabelResult, _ way: Start) -> String {
            Format.percent(r.mean(way)) + (knobs.seeds > 1 ? " ± " + Format.fixed(100 * r.spread(way), 1) : "")
        }
        nb.table(
            ["L"] + Start.allCases.map(\.shortName),
            results.map { r in [r.name] + Start.allCases.map { cell(r, $0) } })
        for r in results {
            let name = r.isAll ? "all" : "\(r.labels)"
            for way in Start.allCases { nb.metric("accuracy_L\(name)_\(way.key)", r.mean(way)) }
        }
        nb.say(results.map(conclusion).joined(separator: " "))
    }

    /// What one number of labels shows: the gain of the fine-tuned stack over random
    /// initialisation, judged against the seeds' spread: a gain within two standard errors of
    /// the difference of the means, 2·√((s₁² + s₂²)/n) over n seeds, is no clear difference.
    func conclusion(_ r: FewLabelResult) -> String {
        let gain = r.mean(.fineTuned) - r.mean(.random)
        let n = Double(knobs.seeds)
        let (a, b) = (r.spread(.fineTuned), r.spread(.random))
        let noise = 2 * ((a * a + b * b) / n).squareRoot()
        let points = Format.fixed(100 * Swift.abs(gain), 1) + " points"
        let sign = Format.fixed(100 * Swift.abs(gain), 1) == "0.0" ? "±" : gain > 0 ? "+" : "−"
        let verdict: String
        if knobs.seeds < 2 {
            verdict = "pretraining changes test accuracy by \(sign)\(points) (one seed: no spread to judge it by)"
        } else if Swift.abs(gain) <= noise {
            verdict =
                "pretraining makes no clear difference (\(sign)\(points), less than two standard errors "
                + "of the difference over the seeds, \(Format.fixed(100 * noise, 1)) points)"
        } else {
            verdict =
                (gain > 0
                    ? "pretraining helps: +\(points) over random initialisation"
                    : "pretraining hurts: −\(points) against random initialisation")
                + " (more than two standard errors over the seeds, \(Format.fixed(100 * noise, 1)) points)"
        }
        let probe =
            r.mean(.probe) >= r.mean(.fineTuned)
            ? "the frozen probe does as well as fine-tuning"
            : "fine-tuning beats the frozen probe by "
                + Format.fixed(100 * (r.mean(.fineTuned) - r.mean(.probe)), 1) + " points"
        return "With L = \(r.name): \(verdict); \(probe)."
    }
}

extension LabRun where Lab == Lab08 {
    func figures(_ data: Dataset, _ stack: PretrainedStack, _ deep: Autoencoder, _ results: [FewLabelResult]) throws {
        nb.section(
            "Figures",
            """
            Accuracy against the number of labels, what each stage reconstructs, and what training wrote into the \
            first layer.
            """)
        if !results.isEmpty {
            let chart = Figure(
                title: "Test accuracy with few labels",
                subtitle: "mean over \(knobs.seeds) seeds (dots); whiskers span the lowest to the "
                    + "highest seed")
            chart.add(
                BarChart(
                    title: "", xLabel: "labelled training images L", yLabel: "test accuracy",
                    categories: results.map { "L = " + $0.name },
                    series: Start.allCases.map { way in (way.shortName, results.map { $0.mean(way) }) },
                    ranges: Start.allCases.map { way in results.map { $0.range(way) } }, style: .points))
            try nb.figure(
                chart, name: "accuracy",
                caption: "Test accuracy of the four classifiers per number of labels")
        }
        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples)
        let stages = Figure(title: "What each stage reconstructs")
        let rows = [
            ("original", originals), ("layer 0 alone", stack.reconstructFirstLayer(originals)),
            ("greedy stack", stack.reconstruct(originals)), ("deep AE", deep.reconstruct(originals)),
        ]
        stages.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(
            stages, name: "reconstructions",
            caption: "Test images through the first shallow autoencoder, the whole greedy stack and the "
                + "deep autoencoder")

        try trainingFigures(data, stack, deep)
    }

    /// What training wrote into the first layer, and the pretraining losses.
    func trainingFigures(_ data: Dataset, _ stack: PretrainedStack, _ deep: Autoencoder) throws {
        let filters = Figure(
            title: "What pretraining wrote into the first layer",
            subtitle: "W − W₀ of the 16 units that changed most; each tile is one unit's weights "
                + "on the pixels",
            rows: 1, columns: 2)
        let firstLayers = [("greedy stack", stack.layers[0]), ("deep autoencoder", deep.encoder.denseLayers[0])]
        for (column, (name, layer)) in firstLayers.enumerated() {
            let change = (layer.weight.value - stack.initialLayers[0].weight.value).transposed
            let largest = FigureHelpers.rowsWithLargestNorms(change, count: 16)
            filters.add(
                ImageGrid(
                    title: name + ", layer 0", images: largest, columns: 4, scaling: .signedShared,
                    tileWidth: data.width, tileHeight: data.height, colorbarLabel: "weight change"),
                column: column)
        }
        try nb.figure(
            filters, name: "filters",
            caption: "Change of the first-layer weights in the greedy stack's and the deep "
                + "autoencoder's training")

        let loss = Figure(title: "Pretraining loss")
        loss.add(
            LinePlot(
                title: "", xLabel: "epoch", yLabel: "training MSE (of each layer's inputs)",
                series: stack.histories.enumerated().map {
                    LinePlot.Series(
                        "layer \($0.offset)",
                        y: $0.element.loss)
                },
                logY: true))
        try nb.figure(loss, name: "loss", caption: "Training loss per epoch of each layer's shallow autoencoder")
    }
}

LabCommand<Lab08>.main()
