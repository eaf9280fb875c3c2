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
import LabPlot
import LabNotebook

/// One corruption process at one level, drawing from the generator it is given.
struct Corruption: Sendable {
    let kind: String
    let level: Float
    let apply: @Sendable (Tensor, Float, inout SeededGenerator) throws -> Tensor

    var name: String { "\(kind) \(levelText)" }
    /// A label short enough for a 28-pixel tile's column.
    var shortName: String { kind == "Gaussian" ? levelText : (kind == "masking" ? "mask \(levelText)" : "s&p \(levelText)") }
    var levelText: String { Self.levelText(kind: kind, level) }
    static func levelText(kind: String, _ level: Float) -> String { kind == "Gaussian" ? "σ = \(Format.number(level))" : "\(Int((level * 100).rounded())) %" }
    func callAsFunction(_ x: Tensor, _ rng: inout SeededGenerator) throws -> Tensor { try apply(x, level, &rng) }
    func at(_ level: Float) -> Corruption { Corruption(kind: kind, level: level, apply: apply) }
}

enum Lab03: LabProgram {
    static let info = LabInfo(
        number: 3, title: "Denoising autoencoder",
        reference: "Vincent, Larochelle, Bengio & Manzagol (2008)",
        summary: "A denoising autoencoder receives a corrupted copy x̃ of each image — Gaussian noise, masking or salt-and-pepper, drawn fresh for every minibatch — and learns to give back the clean x. To do that it must learn what images look like, not just copy pixels. We implement the corruptions and the objective, train a 784-256-64-256-784 autoencoder on clean and on corrupted inputs, and measure how well each removes noise it has and has not seen.")

    static let masking = Corruption(kind: "masking", level: 0.5) { x, p, rng in try maskingNoise(x, probability: p, using: &rng) }
    static let gaussian = Corruption(kind: "Gaussian", level: 0.3) { x, s, rng in try gaussianNoise(x, standardDeviation: s, clip: true, using: &rng) }
    static let saltAndPepper = Corruption(kind: "salt & pepper", level: 0.2) { x, p, rng in try saltAndPepperNoise(x, probability: p, using: &rng) }

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(name: .customLong("masking-p"), help: "Masking probability the masking denoiser trains at. Try 0.2 or 0.8: which test levels does it then remove best?")
        var maskingProbability: Float = 0.5
        @Option(name: .customLong("gaussian-sigma"), help: "Noise σ the Gaussian denoiser trains at. Try 0.1 or 0.5.")
        var gaussianSigma: Float = 0.3
        @Option(name: .customLong("salt-pepper-p"), help: "Salt-and-pepper probability the third denoiser trains at. Try 0.05 or 0.4.")
        var saltAndPepperProbability: Float = 0.2

        func validate() throws {
            try requireKnob((0...0.95).contains(maskingProbability), "--masking-p must be in [0, 0.95], got \(maskingProbability)")
            try requireKnob((0...2).contains(gaussianSigma), "--gaussian-sigma must be in [0, 2], got \(gaussianSigma)")
            try requireKnob((0...0.95).contains(saltAndPepperProbability), "--salt-pepper-p must be in [0, 0.95], got \(saltAndPepperProbability)")
        }
        var flags: [String] { ["--masking-p \(maskingProbability)", "--gaussian-sigma \(gaussianSigma)", "--salt-pepper-p \(saltAndPepperProbability)"] }
    }

    static func notebook(_ nb: Notebook, _ options: LabOptions, _ training: TrainingKnobs<Lab03>, _ knobs: Knobs) throws {
        let masking = Self.masking.at(knobs.maskingProbability), gaussian = Self.gaussian.at(knobs.gaussianSigma)
        let saltAndPepper = Self.saltAndPepper.at(knobs.saltAndPepperProbability)
        let epochs = options.epochs(default: 15, quick: 2)
        var rng = SeededGenerator(seed: options.seed)

        // MARK: 1. The data
        let data = try nb.dataSection(options, explanation: "Images x ∈ [0, 1]^D. Models train on the training split; every number below is measured on the held-out test split.")
        let (train, test) = (data.train.images, data.test.images)

        // MARK: 2. Corruption processes (exercises 3.1–3.3)
        nb.section("Corruption processes (exercises 3.1–3.3)", "Each corruption draws from the seeded generator: the same seed gives the same noise, and every call draws new noise. Measured on the test images:")
        var probe = SeededGenerator(seed: options.seed &+ 1)
        // Measured on a flat gray image (every pixel 0.5), where each effect is easy to count.
        let gray = Tensor(repeating: 0.5, shape: [200, data.pixels])
        let gaussianSample = try gaussianNoise(gray, standardDeviation: 0.3, clip: false, using: &probe)
        let maskedSample = try maskingNoise(gray, probability: 0.5, using: &probe)
        let saltSample = try saltAndPepperNoise(gray, probability: 0.2, using: &probe)
        let changed = saltSample.scalars.filter { $0 != 0.5 }
        nb.table(["corruption of a gray image (x = 0.5)", "expected", "measured"], [
            ["Gaussian σ = 0.3: std of x̃ − x", "0.3", Format.number(Double((gaussianSample - gray).squared().mean().squareRoot()))],
            ["masking p = 0.5: fraction set to 0", "0.5", Format.number(Double(maskedSample.scalars.filter { $0 == 0 }.count) / Double(gray.count))],
            ["salt & pepper p = 0.2: fraction changed", "0.2", Format.number(Double(changed.count) / Double(gray.count))],
            ["salt & pepper p = 0.2: share of changes to 1", "0.5", Format.number(Double(changed.filter { $0 == 1 }.count) / Double(Swift.max(1, changed.count)))],
        ])
        let levels: [Corruption] = [masking.at(0.25), masking.at(0.5), masking.at(0.75), gaussian.at(0.1), gaussian.at(0.3), gaussian.at(0.5),
                                    saltAndPepper.at(0.1), saltAndPepper.at(0.2), saltAndPepper.at(0.4)]
        var showcase = SeededGenerator(seed: options.seed &+ 2)
        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let one = test.gatherRows(Evaluation.showcase(data.test.labels, preferredClasses: [0, 1, 7]))
        var tiles: [[Float]] = []
        for row in 0..<3 { tiles += [one.row(row).scalars] + (try levels.map { try $0(one.rows(row..<(row + 1)), &showcase).scalars }) }
        let figureCorruptions = Figure(title: "The three corruption processes at three levels")
        figureCorruptions.add(ImageGrid(title: "", tiles: tiles, columns: levels.count + 1,
                                        columnLabels: ["clean"] + levels.map { $0.shortName }))
        try nb.figure(figureCorruptions, name: "corruptions", caption: "Masking, Gaussian and salt-and-pepper corruption at three levels")

        // MARK: 3. Training (exercise 3.4)
        let trainedOn: [Corruption?] = [nil, masking.at(0.3), masking, gaussian, saltAndPepper]
        nb.section("Train a plain and four denoising autoencoders (exercise 3.4)", "Architecture 784-256-64-256-784 (ReLU, sigmoid output), Adam (learning rate \(Format.number(training.learningRate))), \(epochs) epochs, batch \(training.batchSize). The plain autoencoder sees clean images; each denoiser sees images corrupted afresh in every minibatch and is scored against the clean ones with your loss: L = mean (g(f(x̃)) − x)².")
        var models: [(String, Autoencoder, TrainingHistory)] = []
        var initialFilters: [Tensor] = []
        for (i, corruption) in trainedOn.enumerated() {
            let name = corruption.map { "denoiser (\($0.name))" } ?? "plain autoencoder"
            let model = Autoencoder(sizes: [data.pixels, 256, 64], hidden: .relu, code: .relu, output: .sigmoid, using: &rng)
            initialFilters.append(model.encoder.denseLayers[0].weight.value)
            var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: name, seed: options.seed &+ UInt64(10 + i))
            let file = corruption.map { "denoiser-\($0.kind == "salt & pepper" ? "salt-pepper" : $0.kind.lowercased())-\(Format.number($0.level))" } ?? "plain"
            let history = try nb.trained(file, parameters: model.parameters) {
                try loop.run(on: train, optimizer: Adam(parameters: model.parameters, learningRate: training.learningRate)) { batch, generator in
                    let input = try corruption.map { try $0(batch, &generator) } ?? batch
                    return LossTerms(try denoisingLoss(model: model, clean: batch, corrupted: input))
                }
            }
            models.append((name, model, history))
        }
        let plain = models[0].1

        // MARK: 4. Denoising the test set
        nb.section("How much noise is removed", "For each corruption, the test images are corrupted once (a fixed seed) and three outputs are compared with the clean images: the corrupted input itself (doing nothing), the plain autoencoder, and the denoiser trained on that corruption. MSE per pixel and PSNR = 10 log₁₀(1/MSE).")
        var rows: [[String]] = []
        var curves: [String: [(Float, Double, Double, Double)]] = [:]
        let denoiserFor: [String: Autoencoder] = ["masking": models[2].1, "Gaussian": models[3].1, "salt & pepper": models[4].1]
        let evaluated: [Corruption] = [masking.at(0.1), masking.at(0.3), masking.at(0.5), masking.at(0.7),
                                       gaussian.at(0.1), gaussian.at(0.2), gaussian.at(0.3), gaussian.at(0.5),
                                       saltAndPepper.at(0.05), saltAndPepper.at(0.1), saltAndPepper.at(0.2), saltAndPepper.at(0.4)]
        for corruption in evaluated {
            var noise = SeededGenerator(seed: options.seed &+ 1000 &+ UInt64(corruption.level * 1000))
            let noisy = try corruption(test, &noise)
            // Masking levels use whichever masking denoiser trained nearest to them.
            let denoiser = corruption.kind == "masking" && Swift.abs(corruption.level - 0.3) < Swift.abs(corruption.level - masking.level)
                ? models[1].1 : denoiserFor[corruption.kind]!
            let identity = Evaluation.meanSquaredError(noisy, test)
            let plainError = Evaluation.meanSquaredError(Evaluation.inChunks(noisy) { plain.reconstruct($0) }, test)
            let denoised = Evaluation.meanSquaredError(Evaluation.inChunks(noisy) { denoiser.reconstruct($0) }, test)
            curves[corruption.kind, default: []].append((corruption.level, identity, plainError, denoised))
            rows.append([corruption.name, Format.number(identity), Format.number(plainError), Format.number(denoised),
                         Format.fixed(Evaluation.psnr(mse: identity), 1), Format.fixed(Evaluation.psnr(mse: plainError), 1), Format.fixed(Evaluation.psnr(mse: denoised), 1)])
            let key = corruption.kind.replacingOccurrences(of: " & ", with: "_").lowercased() + "_" + Format.number(corruption.level)
            nb.metric("\(key)_mse_corrupted", identity)
            nb.metric("\(key)_mse_plain_ae", plainError)
            nb.metric("\(key)_mse_denoiser", denoised)
        }
        nb.table(["corruption", "MSE: input", "plain AE", "denoiser", "PSNR dB: input", "plain AE", "denoiser"], rows)
        let cleanPlain = Evaluation.meanSquaredError(Evaluation.inChunks(test) { plain.reconstruct($0) }, test)
        nb.say("On clean test images the plain autoencoder's error is \(Format.number(cleanPlain)): the floor a 64-dimensional code allows. Each masking level is handled by the masking denoiser trained nearest to it (\(models[1].0) or \(models[2].0)).")
        // What the table shows at the strongest level of each corruption, said only as far as the numbers go.
        let strongest = ["masking", "Gaussian", "salt & pepper"].compactMap { kind in curves[kind]?.last.map { (kind, $0) } }
        let helped = strongest.filter { $0.1.2 >= 1.25 * $0.1.3 }, beaten = strongest.filter { $0.1.2 < 1.25 * $0.1.3 }
        if !helped.isEmpty {
            nb.say("At the strongest level of " + helped.map { "\($0.0) (\(Corruption.levelText(kind: $0.0, $0.1.0)))" }.joined(separator: ", ")
                   + " the denoiser's error is " + helped.map { Format.fixed($0.1.2 / $0.1.3, 1) + "×" }.joined(separator: ", ")
                   + " smaller than the plain autoencoder's: it learned to remove noise the plain one passes through.")
        }
        if !beaten.isEmpty {
            nb.say("For " + beaten.map(\.0).joined(separator: ", ") + " the denoiser is not clearly better than the plain autoencoder at the strongest level (less than 1.25× smaller error). Train longer (--epochs), or check that your loss (3.4) compares the output for the corrupted input with the clean images, and that each minibatch is corrupted afresh.")
        }
        nb.metric("clean_mse_plain_ae", cleanPlain)

        // MARK: 5. Figures
        nb.section("Figures", "Seeing is believing.")
        var denoiseRows: [[Float]] = []
        var labels: [String] = []
        var noise = SeededGenerator(seed: options.seed &+ 3)
        let originals = test.gatherRows(examples)
        denoiseRows += originals.arrayRows
        labels.append("clean")
        for (corruption, model) in [(masking, models[2].1), (gaussian, models[3].1), (saltAndPepper, models[4].1)] {
            let noisy = try corruption(originals, &noise)
            denoiseRows += noisy.arrayRows + plain.reconstruct(noisy).arrayRows + model.reconstruct(noisy).arrayRows
            labels += [corruption.kind == "Gaussian" ? "Gaussian \(corruption.levelText)" : corruption.shortName, "plain AE", "denoiser"]
        }
        let figureDenoising = Figure(title: "Clean, corrupted and denoised test images", subtitle: "for each corruption: the corrupted input, the plain autoencoder's output, the denoiser's output")
        figureDenoising.add(ImageGrid(title: "", tiles: denoiseRows, columns: examples.count, rowLabels: labels,
                                      columnLabels: examples.map { data.shortClassName(data.test.labels[$0]) }))
        try nb.figure(figureDenoising, name: "denoising", caption: "Rows of clean, corrupted and denoised images for each corruption")

        let figureCurves = Figure(title: "Test error against noise level", width: 1500, height: 560, columns: 3)
        for (i, kind) in ["masking", "Gaussian", "salt & pepper"].enumerated() {
            let c = curves[kind]!
            figureCurves.add(LinePlot(title: kind, xLabel: kind == "Gaussian" ? "noise σ" : "corruption probability p", yLabel: "MSE against the clean image", series: [
                .init("corrupted input", x: c.map { Double($0.0) }, y: c.map(\.1), color: .category(3), dashed: true, markers: true),
                .init("plain autoencoder", x: c.map { Double($0.0) }, y: c.map(\.2), color: .category(1), markers: true),
                .init("denoiser", x: c.map { Double($0.0) }, y: c.map(\.3), color: .category(0), markers: true),
            ], logY: true, legend: .topLeft, references: [(cleanPlain, "clean-input floor", Color(hex: 0x888888))]), column: i)
        }
        try nb.figure(figureCurves, name: "error-vs-noise", caption: "MSE of the corrupted input, the plain autoencoder and the denoiser against the noise level")

        let figureFilters = Figure(title: "What training wrote into the first layer: W − W_init for the 48 most changed units",
                                   subtitle: "red > 0, blue < 0, one colour scale per panel; the random initial weights are subtracted so the learned part shows", columns: 2)
        for (i, index) in [0, 2].enumerated() {
            let change = (models[index].1.encoder.denseLayers[0].weight.value - initialFilters[index]).transposed     // [256, 784]
            let norms = change.squared().sum(alongAxis: 1)
            let ranked = (0..<norms.count).sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
            figureFilters.add(ImageGrid(title: models[index].0, images: change.gatherRows(Array(ranked.prefix(48))), columns: 8,
                                        scaling: .signedShared, colorbarLabel: "change in weight W − W_init"), column: i)
        }
        try nb.figure(figureFilters, name: "filters", caption: "The learned part of the first-layer filters of the plain autoencoder and of the masking-50 % denoiser")

        let figureLoss = Figure(title: "Training loss")
        figureLoss.add(LinePlot(title: "", xLabel: "epoch", yLabel: "training MSE against the clean images",
                                series: models.map { .init($0.0, y: $0.2.loss) }, logY: true))
        try nb.figure(figureLoss, name: "loss", caption: "Training loss per epoch of the five models")
    }
}

LabCommand<Lab03>.main()
