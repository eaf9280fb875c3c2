// Lab 03 — Denoising autoencoder.
//
// Vincent, Larochelle, Bengio & Manzagol, "Extracting and composing robust features with
// denoising autoencoders", ICML (2008); Vincent et al., "Stacked denoising autoencoders",
// JMLR 11 (2010).
//
// Read top to bottom: each numbered section explains a step, then runs it. The student's
// code is in Labs/Lab03/Lab03Denoising.swift (exercises 3.1–3.4).
//
//   swift run lab03 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab03 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Lab03Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

/// The lab's three corruption processes.
enum CorruptionKind: String, CaseIterable {
    case masking
    case gaussian = "Gaussian"
    case saltAndPepper = "salt & pepper"

    /// The prefix of its metrics and saved models ("salt_pepper").
    var key: String { self == .saltAndPepper ? "salt_pepper" : rawValue.lowercased() }
    var axisLabel: String { self == .gaussian ? "noise σ" : "corruption probability p" }
}

/// One corruption process at one level, drawing from the generator it is given.
struct Corruption {
    let kind: CorruptionKind
    let level: Float

    var name: String { "\(kind.rawValue) \(levelText)" }
    /// A label short enough for a 28-pixel tile's column.
    var shortName: String {
        switch kind {
        case .gaussian: levelText
        case .masking: "mask \(levelText)"
        case .saltAndPepper: "s&p \(levelText)"
        }
    }
    /// "σ = 0.3" for Gaussian noise, "50 %" for the probabilities.
    var levelText: String { kind == .gaussian ? "σ = \(Format.number(level))" : "\(Int((level * 100).rounded())) %" }

    /// Your corruption (3.1–3.3) of `x`.
    func callAsFunction(_ x: Tensor, _ rng: inout SeededGenerator) throws -> Tensor {
        switch kind {
        case .masking: try maskingNoise(x, probability: level, using: &rng)
        case .gaussian: try gaussianNoise(x, standardDeviation: level, clip: true, using: &rng)
        case .saltAndPepper: try saltAndPepperNoise(x, probability: level, using: &rng)
        }
    }
    func at(_ level: Float) -> Corruption { Corruption(kind: kind, level: level) }

    /// Every kind at its levels, in the order masking, Gaussian, salt and pepper.
    static func grid(_ levels: [CorruptionKind: [Double]]) -> [Corruption] {
        CorruptionKind.allCases.flatMap { kind in
            (levels[kind] ?? []).map { Corruption(kind: kind, level: Float($0)) }
        }
    }
}

/// An autoencoder trained on clean images (`corruption` nil) or as a denoiser.
struct TrainedDenoiser {
    let corruption: Corruption?
    let model: Autoencoder
    let history: TrainingHistory
    /// The first layer's weights before training, to show what training changed.
    let initialFilters: Tensor

    var name: String { Self.name(trainedOn: corruption) }
    static func name(trainedOn corruption: Corruption?) -> String {
        corruption.map { "denoiser (\($0.name))" } ?? "plain autoencoder"
    }
    /// The saved model's file name ("plain", "denoiser-salt-pepper-0.2").
    static func file(trainedOn corruption: Corruption?) -> String {
        guard let corruption else { return "plain" }
        let kind = corruption.kind.key.replacingOccurrences(of: "_", with: "-")
        return "denoiser-\(kind)-\(Format.number(corruption.level))"
    }
}

/// The test error at one corruption level: of the corrupted input itself, the plain
/// autoencoder's output and the denoiser's.
struct DenoisingError {
    let corruption: Corruption
    let input: Double, plain: Double, denoiser: Double
}

enum Lab03: LabProgram {
    static let info = LabInfo(
        number: 3, sections: 5,
        reference: "Vincent, Larochelle, Bengio & Manzagol (2008)",
        summary: """
            A denoising autoencoder receives a corrupted copy x̃ of each image — Gaussian noise, masking or \
            salt-and-pepper, drawn fresh for every minibatch — and learns to give back the clean x. To do that it \
            must learn what images look like, not just copy pixels. We implement the corruptions and the \
            objective, train a 784-256-64-256-784 autoencoder on clean and on corrupted inputs, and measure how \
            well each removes noise it has and has not seen.
            """)

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(help: "Masking probability its denoiser trains at. Try 0.2, 0.8.")
        var maskingP: Float = 0.5
        @Option(help: "Noise σ the Gaussian denoiser trains at. Try 0.1 or 0.5.")
        var gaussianSigma: Float = 0.3
        @Option(help: "Salt-and-pepper probability its denoiser trains at.")
        var saltPepperP: Float = 0.2

        func validate() throws {
            try requireKnob((0...0.95).contains(maskingP), "--masking-p must be in [0, 0.95], got \(maskingP)")
            try requireKnob((0...2).contains(gaussianSigma), "--gaussian-sigma must be in [0, 2], got \(gaussianSigma)")
            try requireKnob(
                (0...0.95).contains(saltPepperP),
                "--salt-pepper-p must be in [0, 0.95], got \(saltPepperP)")
        }
    }

    static func notebook(_ run: LabRun<Lab03>) throws {
        let data = try run.dataSection(
            explanation: """
                Images x ∈ [0, 1]^D. Models train on the training split; every number below is measured on the \
                held-out test split.
                """)
        try run.corruptionProcesses(data)
        let models = try run.train(data)
        let errors = try run.measureDenoising(models, data)
        try run.figures(models, errors, data)
    }
}

extension Lab03 {
    static func plannedWork(_ run: LabRun<Lab03>, _ data: Dataset) -> [PlannedWork] {
        run.trainingCorruptions.map {
            .dense(
                TrainedDenoiser.name(trainedOn: $0), [data.pixels, 256, 64, 256, data.pixels], epochs: run.epochs,
                examples: data.train.count)
        }
    }
}

extension LabRun where Lab == Lab03 {
    /// The level each of the three denoisers trains at (masking, Gaussian, salt and pepper).
    var trainedOn: [Corruption] {
        [
            Corruption(kind: .masking, level: knobs.maskingP), Corruption(kind: .gaussian, level: knobs.gaussianSigma),
            Corruption(kind: .saltAndPepper, level: knobs.saltPepperP),
        ]
    }

    func corruptionProcesses(_ data: Dataset) throws {
        nb.section(
            "Corruption processes (exercises 3.1–3.3)",
            """
            Each corruption draws from the seeded generator: the same seed gives the same noise, and every call \
            draws new noise. Measured on a flat gray image (every pixel 0.5), where each effect is easy to count:
            """)
        var probe = SeededGenerator(seed: options.seed &+ 1)
        let gray = Tensor(repeating: 0.5, shape: [200, data.pixels])
        let gaussianSample = try gaussianNoise(gray, standardDeviation: 0.3, clip: false, using: &probe)
        let maskedSample = try maskingNoise(gray, probability: 0.5, using: &probe)
        let changed = try saltAndPepperNoise(gray, probability: 0.2, using: &probe).scalars.filter { $0 != 0.5 }
        func fraction(_ count: Int, of total: Int) -> String {
            Format.number(Double(count) / Double(Swift.max(1, total)))
        }
        let spread = Double((gaussianSample - gray).squared().mean().squareRoot())
        nb.table(
            ["corruption of a gray image (x = 0.5)", "expected", "measured"],
            [
                ["Gaussian σ = 0.3: std of x̃ − x", "0.3", Format.number(spread)],
                [
                    "masking p = 0.5: fraction set to 0", "0.5",
                    fraction(maskedSample.scalars.filter { $0 == 0 }.count, of: gray.count),
                ],
                ["salt & pepper p = 0.2: fraction changed", "0.2", fraction(changed.count, of: gray.count)],
                [
                    "salt & pepper p = 0.2: share of changes to 1", "0.5",
                    fraction(changed.filter { $0 == 1 }.count, of: changed.count),
                ],
            ])
        let levels = Corruption.grid([
            .masking: [0.25, 0.5, 0.75], .gaussian: [0.1, 0.3, 0.5],
            .saltAndPepper: [0.1, 0.2, 0.4],
        ])
        var showcase = SeededGenerator(seed: options.seed &+ 2)
        let one = data.test.images.gatherRows(Evaluation.showcase(data.test.labels, preferredClasses: [0, 1, 7]))
        var tiles: [[Float]] = []
        for row in 0..<3 {
            let image = one.rows(row..<(row + 1))
            tiles += [image.scalars] + (try levels.map { try $0(image, &showcase).scalars })
        }
        let figure = Figure(title: "The three corruption processes at three levels")
        figure.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, tiles: tiles, columns: levels.count + 1,
                columnLabels: ["clean"] + levels.map(\.shortName)))
        try nb.figure(
            figure, name: "corruptions",
            caption: "Masking, Gaussian and salt-and-pepper corruption at three levels")
    }

    var epochs: Int { options.epochs(default: 15, quick: 8) }
    /// What each of the five models trains on: clean images (the plain autoencoder), masking at
    /// 0.3, and the three denoisers' own levels.
    var trainingCorruptions: [Corruption?] { [nil, trainedOn[0].at(0.3)] + trainedOn }

    func train(_ data: Dataset) throws -> [TrainedDenoiser] {
        nb.section(
            "Train a plain and four denoising autoencoders (exercise 3.4)",
            """
            Architecture 784-256-64-256-784 (ReLU, sigmoid output), Adam (learning rate \
            \(Format.number(training.learningRate))), \(epochs) epochs, batch \(training.batchSize). The plain \
            autoencoder sees clean images; each denoiser sees images corrupted afresh in every minibatch and is \
            scored against the clean ones with your loss: L = mean (g(f(x̃)) − x)².
            """)
        var rng = SeededGenerator(seed: options.seed)
        return try trainingCorruptions.enumerated().map { i, corruption in
            let model = Autoencoder(
                sizes: [data.pixels, 256, 64], hidden: .relu, code: .relu, output: .sigmoid,
                using: &rng)
            let initial = model.encoder.denseLayers[0].weight.value
            let history = try trainWithAdam(
                TrainedDenoiser.file(trainedOn: corruption), model.parameters,
                on: data.train.images, epochs: epochs,
                label: TrainedDenoiser.name(trainedOn: corruption),
                seed: options.seed &+ UInt64(10 + i)
            ) { batch, generator in
                let input = try corruption.map { try $0(batch, &generator) } ?? batch
                return LossTerms(try denoisingLoss(model: model, clean: batch, corrupted: input))
            }
            return TrainedDenoiser(corruption: corruption, model: model, history: history, initialFilters: initial)
        }
    }

    /// The denoiser for a corruption: for masking, whichever masking denoiser trained nearest its level.
    func denoiser(for corruption: Corruption, _ models: [TrainedDenoiser]) -> Autoencoder {
        let candidates = models.filter { $0.corruption?.kind == corruption.kind }
        func distance(_ model: TrainedDenoiser) -> Float { Swift.abs(model.corruption!.level - corruption.level) }
        let nearest = candidates.min { distance($0) < distance($1) }
        return (corruption.kind == .masking ? nearest : candidates.last)!.model
    }

    func measureDenoising(_ models: [TrainedDenoiser], _ data: Dataset) throws -> [DenoisingError] {
        nb.section(
            "How much noise is removed",
            """
            For each corruption, the test images are corrupted once (a fixed seed) and three outputs are compared \
            with the clean images: the corrupted input itself (doing nothing), the plain autoencoder, and the \
            denoiser trained on that corruption. MSE per pixel and PSNR = 10 log₁₀(1/MSE).
            """)
        let test = data.test.images, plain = models[0].model
        let evaluated = Corruption.grid([
            .masking: [0.1, 0.3, 0.5, 0.7], .gaussian: [0.1, 0.2, 0.3, 0.5],
            .saltAndPepper: [0.05, 0.1, 0.2, 0.4],
        ])
        let errors = try evaluated.map { corruption in
            var noise = SeededGenerator(seed: options.seed &+ 1000 &+ UInt64(corruption.level * 1000))
            let noisy = try corruption(test, &noise)
            let denoiser = denoiser(for: corruption, models)
            func error(_ f: (Tensor) -> Tensor) -> Double {
                Evaluation.meanSquaredError(of: f, from: noisy, to: test)
            }
            return DenoisingError(
                corruption: corruption, input: Evaluation.meanSquaredError(noisy, test),
                plain: error(plain.reconstruct), denoiser: error(denoiser.reconstruct))
        }
        let headers = ["corruption", "MSE: input", "plain AE", "denoiser", "PSNR dB: input", "plain AE", "denoiser"]
        nb.table(
            headers,
            errors.map { e in
                [e.corruption.name] + [e.input, e.plain, e.denoiser].map { Format.number($0) }
                    + [e.input, e.plain, e.denoiser].map { Format.fixed(Evaluation.psnr(mse: $0), 1) }
            })
        for e in errors {
            let key = "\(e.corruption.kind.key)_\(Format.number(e.corruption.level))"
            nb.metric("\(key)_mse_corrupted", e.input)
            nb.metric("\(key)_mse_plain_ae", e.plain)
            nb.metric("\(key)_mse_denoiser", e.denoiser)
        }
        try conclusions(errors, models, data)
        return errors
    }

    /// What the table shows, said only as far as the numbers go.
    func conclusions(_ errors: [DenoisingError], _ models: [TrainedDenoiser], _ data: Dataset) throws {
        let test = data.test.images
        let cleanPlain = Evaluation.meanSquaredError(of: models[0].model.reconstruct, from: test, to: test)
        nb.say(
            """
            On clean test images the plain autoencoder's error is \(Format.number(cleanPlain)): the floor a \
            64-dimensional code allows. Each masking level is handled by the masking denoiser trained nearest \
            to it (\(models[1].name) or \(models[2].name)).
            """)
        let strongest = CorruptionKind.allCases.compactMap { kind in errors.last { $0.corruption.kind == kind } }
        let helped = strongest.filter { $0.plain >= 1.25 * $0.denoiser }
        let beaten = strongest.filter { $0.plain < 1.25 * $0.denoiser }
        if !helped.isEmpty {
            let levels = helped.map { "\($0.corruption.kind.rawValue) (\($0.corruption.levelText))" }
            let ratios = helped.map { Format.fixed($0.plain / $0.denoiser, 1) + "×" }
            nb.say(
                """
                At the strongest level of \(levels.joined(separator: ", ")) the denoiser's error is \
                \(ratios.joined(separator: ", ")) smaller than the plain autoencoder's: it learned to remove noise \
                the plain one passes through.
                """)
        }
        if !beaten.isEmpty {
            nb.say(
                """
                For \(beaten.map(\.corruption.kind.rawValue).joined(separator: ", ")) the denoiser is not clearly \
                better than the plain autoencoder at the strongest level (less than 1.25× smaller error). Train \
                longer (--epochs), or check that your loss (3.4) compares the output for the corrupted input with \
                the clean images, and that each minibatch is corrupted afresh.
                """)
        }
        nb.metric("clean_mse_plain_ae", cleanPlain)
    }

    func figures(_ models: [TrainedDenoiser], _ errors: [DenoisingError], _ data: Dataset) throws {
        nb.section("Figures", "Seeing is believing.")
        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples), plain = models[0].model
        var rows = [("clean", originals)]
        var noise = SeededGenerator(seed: options.seed &+ 3)
        for (corruption, denoiser) in zip(trainedOn, models.suffix(3)) {
            let noisy = try corruption(originals, &noise)
            let label = corruption.kind == .gaussian ? "Gaussian \(corruption.levelText)" : corruption.shortName
            rows += [
                (label, noisy), ("plain AE", plain.reconstruct(noisy)),
                ("denoiser", denoiser.model.reconstruct(noisy)),
            ]
        }
        let denoising = Figure(
            title: "Clean, corrupted and denoised test images",
            subtitle: """
                for each corruption: the corrupted input, the plain autoencoder's output, the denoiser's output
                """)
        denoising.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(
            denoising, name: "denoising",
            caption: "Rows of clean, corrupted and denoised images for each corruption")

        let test = data.test.images
        let floor = [
            (
                Evaluation.meanSquaredError(of: plain.reconstruct, from: test, to: test), "clean-input floor",
                Color(hex: 0x888888)
            )
        ]
        let curves = Figure(title: "Test error against noise level", width: 1500, height: 560, columns: 3)
        for (i, kind) in CorruptionKind.allCases.enumerated() {
            let c = errors.filter { $0.corruption.kind == kind }, x = c.map { Double($0.corruption.level) }
            curves.add(
                LinePlot(
                    title: kind.rawValue, xLabel: kind.axisLabel, yLabel: "MSE against the clean image",
                    series: [
                        .init(
                            "corrupted input", x: x, y: c.map(\.input), color: .category(3), dashed: true, markers: true
                        ),
                        .init("plain autoencoder", x: x, y: c.map(\.plain), color: .category(1), markers: true),
                        .init("denoiser", x: x, y: c.map(\.denoiser), color: .category(0), markers: true),
                    ], logY: true, legend: .topLeft, references: floor), column: i)
        }
        try nb.figure(
            curves, name: "error-vs-noise",
            caption: """
                MSE of the corrupted input, the plain autoencoder and the denoiser against the noise level
                """)
        try filterAndLossFigures(models, data)
    }

    /// What training changed in the first layer (plain autoencoder and masking denoiser), and the losses.
    func filterAndLossFigures(_ models: [TrainedDenoiser], _ data: Dataset) throws {
        let filters = Figure(
            title: "What training wrote into the first layer: "
                + "W − W_init for the 48 most changed units",
            subtitle: "red > 0, blue < 0, one colour scale per panel; "
                + "the random initial weights are subtracted so the learned part shows",
            columns: 2)
        for (column, model) in [models[0], models[2]].enumerated() {
            let weights = model.model.encoder.denseLayers[0].weight.value
            let change = (weights - model.initialFilters).transposed  // [256, D]
            filters.add(
                ImageGrid(
                    title: model.name, imageShape: data.imageShape,
                    images: FigureHelpers.rowsWithLargestNorms(change, count: 48),
                    columns: 8, scaling: .signedShared, colorbarLabel: "change in weight W − W_init"),
                column: column)
        }
        try nb.figure(
            filters, name: "filters",
            caption: """
                The learned part of the first-layer filters of the plain autoencoder and of the \
                masking-\(trainedOn[0].levelText) denoiser
                """)

        let loss = Figure(title: "Training loss")
        loss.add(
            LinePlot(
                title: "", xLabel: "epoch", yLabel: "training MSE against the clean images",
                series: models.map { .init($0.name, y: $0.history.loss) }, logY: true))
        try nb.figure(loss, name: "loss", caption: "Training loss per epoch of the five models")
    }
}

LabCommand<Lab03>.main()
