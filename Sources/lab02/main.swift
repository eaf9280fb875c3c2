// Lab 02 — Sparse autoencoder with a KL sparsity penalty.
//
// Ng, "Sparse autoencoder", CS294A lecture notes (2011); Lee, Ekanadham & Ng, "Sparse deep
// belief net model for visual area V2", NIPS (2008).
//
// Read top to bottom: each numbered section explains a step, then runs it. The student's
// code is in Labs/Lab02/Lab02Sparse.swift (exercises 2.1–2.4).
//
//   swift run lab02 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab02 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Lab02Exercises
import LabData
import LabKit
import LabPlot
import LabNotebook

enum Lab02: LabProgram {
    static let info = LabInfo(
        number: 2, title: "Sparse autoencoder with a KL sparsity penalty",
        reference: "Ng, Sparse autoencoder (CS294A notes, 2011); Lee, Ekanadham & Ng (2008)",
        summary: "An overcomplete autoencoder 784→1024→784 could simply copy its input. A penalty β Σⱼ KL(ρ ‖ ρ̂ⱼ) on the mean activation ρ̂ⱼ of each hidden unit keeps most units off, so each unit must learn a useful feature. We derive and check the penalty's gradient, train with β = 0 and β = 3, and compare with an L1 activity penalty.")

    static let defaultLearningRate: Float = 3e-3

    struct Knobs: LabKnobs {
        @Option(help: "Weight β of the KL sparsity penalty. Try 0.3 (weak: ρ̂ stays far from ρ) or 10 (strong: worse reconstructions).")
        var beta: Float = 3
        @Option(help: "Target mean activation ρ of each hidden unit. Try 0.01 (sparser, fewer features per image) or 0.2.")
        var rho: Float = 0.05
        @Option(help: "Hidden units (784→H→784). Try 256 (undercomplete) or 2048.")
        var hidden = 1024

        func validate() throws {
            try requireKnob(beta.isFinite && beta >= 0 && beta <= 1000, "--beta must be in [0, 1000], got \(beta)")
            try requireKnob(rho > 0 && rho < 1, "--rho must be strictly between 0 and 1, got \(rho)")
            try requireKnob((8...8192).contains(hidden), "--hidden must be between 8 and 8192, got \(hidden)")
        }
        var flags: [String] { ["--beta \(beta)", "--rho \(rho)", "--hidden \(hidden)"] }
    }

    static func notebook(_ nb: Notebook, _ options: LabOptions, _ training: TrainingKnobs<Lab02>, _ knobs: Knobs) throws {
        let (rho, beta, hiddenUnits) = (knobs.rho, knobs.beta, knobs.hidden)
        let epochs = options.epochs(default: 12, quick: 2)
        var rng = SeededGenerator(seed: options.seed)

        // MARK: 1. The data
        let data = try nb.dataSection(options, explanation: "Images as vectors x ∈ [0, 1]^D; the model is trained on the training split and measured on the test split.")
        let (train, test) = (data.train.images, data.test.images)

        // MARK: 2. The penalty (exercise 2.2)
        nb.section("The sparsity penalty (exercise 2.2)", "KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)) is 0 at ρ̂ = ρ and grows steeply as ρ̂ → 0 or 1. The L1 activity penalty grows linearly with ρ̂ and the squared penalty (ρ̂ − ρ)² is symmetric and gentle.")
        let grid = (1...240).map { Float($0) / 400 }                       // ρ̂ ∈ (0, 0.6]
        let kl = try grid.map { try klDivergence(target: rho, meanActivations: Variable(Tensor([$0]))).value.scalar }
        nb.table(["ρ̂", "KL(ρ ‖ ρ̂)", "|ρ̂|", "(ρ̂ − ρ)²"], try [0.0, 0.01, 0.05, 0.2, 0.5, 1.0].map { (v: Float) in
            let k = try klDivergence(target: rho, meanActivations: Variable(Tensor([v]))).value.scalar
            return [Format.fixed(Double(v), 2), Format.number(k), Format.number(v), Format.number((v - rho) * (v - rho))]
        })
        nb.say("At ρ̂ = 0 and ρ̂ = 1 the clamp keeps the penalty finite: a dead or saturated unit is pushed back, not turned into NaN.")
        let figurePenalty = Figure(title: "Sparsity penalties as functions of the mean activation ρ̂ (target ρ = \(Format.number(rho)))")
        let highest = Double(kl.filter(\.isFinite).max() ?? 1)
        figurePenalty.add(LinePlot(title: "", xLabel: "mean activation ρ̂", yLabel: "penalty", series: [
            .init("KL(ρ ‖ ρ̂)", x: grid.map(Double.init), y: kl.map(Double.init)),
            .init("L1: ρ̂", x: grid.map(Double.init), y: grid.map(Double.init)),
            .init("L2: (ρ̂ − ρ)²", x: grid.map(Double.init), y: grid.map { Double(($0 - rho) * ($0 - rho)) }),
            .init("target ρ = \(Format.number(rho))", x: [Double(rho), Double(rho)], y: [0, highest], dashed: true),
        ], logY: false, legend: .bottomRight))
        try nb.figure(figurePenalty, name: "penalties", caption: "The KL, L1 and squared sparsity penalties against ρ̂")

        // MARK: 3. The hand-derived gradient (exercise 2.4)
        nb.section("Check a derivation (exercise 2.4)", "Your formula β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)) against central finite differences of your penalty — the way to trust a gradient you derived by hand.")
        let probe = Tensor([0.01, 0.05, 0.2, 0.5, 0.9])
        let analytic = try klPenaltyGradient(target: rho, meanActivations: probe, beta: beta)
        let numeric = try checkGradients(at: [probe], step: 1e-3) { v in try klDivergence(target: rho, meanActivations: v[0]) * beta }
        nb.table(["ρ̂", "your formula", "finite differences", "|difference|"], (0..<probe.count).map { i in
            let n = numeric.entries[i].numeric
            return [Format.fixed(Double(probe[i]), 2), Format.number(analytic[i]), Format.number(n),
                    Format.number(Swift.abs(Double(analytic[i]) - n), digits: 2)]
        })
        // Relative to the gradient's own scale: at ρ̂ = ρ the derivative is 0 and only noise is left.
        let scale = numeric.entries.map { Swift.abs($0.numeric) }.max() ?? 1
        let worstRelative = (0..<probe.count).map { i -> Double in
            let n = numeric.entries[i].numeric
            return Swift.abs(Double(analytic[i]) - n) / Swift.max(Swift.abs(n), 1e-2 * scale, 1e-9)
        }.max() ?? 0
        if worstRelative < 1e-2 {
            nb.say("The largest relative difference is \(Format.number(worstRelative, digits: 2)), at the level of the finite-difference error: the derivation agrees with the penalty.")
        } else {
            nb.say("The largest relative difference is \(Format.number(worstRelative, digits: 2)) — far above finite-difference error (about 1e-3). Your formula (2.4) and your penalty (2.2) disagree: check the signs, the (1 − ρ) term and β, in both.")
        }

        // MARK: 4. Training (exercises 2.1 and 2.3)
        nb.section("Train with β = 0 and β = \(Format.number(beta))", "\(data.pixels)→\(hiddenUnits) sigmoid→\(data.pixels) sigmoid, Adam (learning rate \(Format.number(training.learningRate))), batch \(training.batchSize), \(epochs) epochs. With β = 0 nothing stops the units from all being half on; with β = \(Format.number(beta)) the penalty pushes every ρ̂ⱼ towards ρ = \(Format.number(rho)). The L1 activity penalty λ·mean Σⱼ hⱼ is the common alternative: it makes activations small without a target.")
        var models: [(String, Dense, Dense, TrainingHistory)] = []
        for (name, beta, l1) in [("β = 0", Float(0), Float(0)), ("β = \(Format.number(beta))", beta, Float(0)), ("L1, λ = 0.05", Float(0), Float(0.05))] {
            let encoder = Dense(data.pixels, hiddenUnits, activation: .sigmoid, name: "encoder", using: &rng)
            let decoder = Dense(hiddenUnits, data.pixels, activation: .sigmoid, name: "decoder", using: &rng)
            let adam = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: training.learningRate)
            var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: "sparse AE \(name)", seed: options.seed &+ UInt64(models.count))
            let file = l1 > 0 ? "l1-\(Format.number(l1))" : "kl-beta-\(Format.number(beta))"
            let history = try nb.trained(file, parameters: encoder.parameters + decoder.parameters) { try loop.run(on: train, optimizer: adam) { batch, _ in
                let hidden = encoder(Variable(batch))
                let reconstruction = decoder(hidden)
                let loss = try sparseLoss(batch: batch, reconstruction: reconstruction, hidden: hidden, rho: rho, beta: beta)
                if l1 > 0 {
                    let activity = hidden.sum() * (l1 / Float(batch.rows))
                    return LossTerms(loss.reconstruction + activity, parts: [("reconstruction", loss.reconstruction.value.scalar), ("penalty", activity.value.scalar)])
                }
                return LossTerms(loss.total, parts: [("reconstruction", loss.reconstruction.value.scalar), ("penalty", loss.penalty.value.scalar * beta)])
            } }
            models.append((name, encoder, decoder, history))
        }

        // MARK: 5. What sparsity did
        nb.section("Sparsity and reconstruction on the test set", "ρ̂ⱼ over the test images for each model, and the test reconstruction error (mean squared error per pixel).")
        var rows: [[String]] = []
        var rhoHats: [(String, [Double])] = []
        var hiddenSamples: [String: Tensor] = [:]
        for (name, encoder, decoder, _) in models {
            let hidden = Evaluation.inChunks(test) { encoder.evaluate($0) }
            let rhoHat = try meanActivations(Variable(hidden)).value
            let reconstruction = Evaluation.inChunks(hidden) { decoder.evaluate($0) }
            let mse = Evaluation.meanSquaredError(reconstruction, test)
            let deviation = (rhoHat - rho).abs().mean()
            let below = Double(hidden.scalars.filter { $0 < 0.1 }.count) / Double(hidden.count)
            rows.append([name, Format.number(rhoHat.mean()), Format.number(rhoHat.max()), Format.number(deviation), Format.percent(below), Format.number(mse)])
            rhoHats.append((name, rhoHat.scalars.map(Double.init)))
            hiddenSamples[name] = hidden
            let key = name.hasPrefix("L1") ? "l1" : (name == "β = 0" ? "beta0" : "beta\(Format.number(beta))")
            nb.metric("\(key)_mean_abs_rhohat_minus_rho", Double(deviation))
            nb.metric("\(key)_fraction_activations_below_0.1", below)
            nb.metric("\(key)_test_mse", mse)
        }
        nb.table(["model", "mean ρ̂", "max ρ̂", "mean |ρ̂ − ρ|", "activations < 0.1", "test MSE"], rows)
        let deviations = rhoHats.map { name, values in (name, values.reduce(0.0) { $0 + Swift.abs($1 - Double(rho)) } / Double(Swift.max(1, values.count))) }
        if let sparse = deviations.first(where: { $0.0 != "β = 0" && !$0.0.hasPrefix("L1") }), let plain = deviations.first(where: { $0.0 == "β = 0" }) {
            if sparse.1 < 0.5 * plain.1 && sparse.1 < 0.1 {
                nb.say("With \(sparse.0) the units' mean activations sit near ρ (mean |ρ̂ − ρ| = \(Format.number(sparse.1)), against \(Format.number(plain.1)) with β = 0), at a price in reconstruction error.")
            } else {
                nb.say("Here the KL penalty did not bring ρ̂ near ρ (mean |ρ̂ − ρ| = \(Format.number(sparse.1)) with \(sparse.0), \(Format.number(plain.1)) with β = 0). Train longer (--epochs), or check that your loss (2.3) adds β times the penalty and that ρ̂ (2.1) stays in the autodiff graph.")
            }
        }

        // MARK: 6. Figures
        nb.section("Figures", "Where the numbers come from.")
        let figureHistogram = Figure(title: "Mean activations ρ̂ⱼ of the \(hiddenUnits) hidden units on the test set")
        figureHistogram.add(Histogram(title: "", xLabel: "mean activation ρ̂ⱼ", yLabel: "hidden units", samples: rhoHats.prefix(2).map { ($0.0, $0.1) },
                                      bins: 60, range: (0, Swift.max(0.6, (rhoHats[0].1.max() ?? 0.6) + 0.02)), markers: [(Double(rho), "target ρ = \(rho)", .black)]))
        try nb.figure(figureHistogram, name: "rho-hat-histogram", caption: "Histograms of ρ̂ⱼ with and without the KL penalty; the dashed line is the target ρ")

        let figureFilters = Figure(title: "Hidden units' filters: incoming weights of the \(Swift.min(48, hiddenUnits)) most used units",
                                   subtitle: "units ranked by the norm of their decoder weights; each tile scaled to its own range", columns: 2)
        for (i, index) in [0, 1].enumerated() {
            let usage = models[index].2.weight.value.squared().sum(alongAxis: 1)
            let ranked = (0..<usage.count).sorted { usage[$0] > usage[$1] || (usage[$0] == usage[$1] && $0 < $1) }
            let w = models[index].1.weight.value.transposed.gatherRows(Array(ranked.prefix(48)))
            figureFilters.add(ImageGrid(title: models[index].0, images: w, columns: 8, scaling: .perTile), column: i)
        }
        try nb.figure(figureFilters, name: "filters", caption: "Filters of the \(Swift.min(48, hiddenUnits)) most used hidden units, β = 0 (left) and β = \(Format.number(beta)) (right)")

        let figureActivations = Figure(title: "Activations of \(Swift.min(64, hiddenUnits)) hidden units on 48 test images", columns: 2)
        for (i, index) in [0, 1].enumerated() {
            let h = hiddenSamples[models[index].0]!.rows(0..<Swift.min(48, test.rows)).columns(0..<Swift.min(64, hiddenUnits)).transposed
            figureActivations.add(Heatmap(title: models[index].0, xLabel: "test image", yLabel: "hidden unit", values: h.arrayRows.map { $0.map(Double.init) },
                                          range: (0, 1), colorbarLabel: "activation hⱼ"), column: i)
        }
        try nb.figure(figureActivations, name: "activations", caption: "Hidden activations (units × examples): dense without the penalty, sparse with it")

        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = test.gatherRows(examples)
        let reconstructions = models.map { $0.2.evaluate($0.1.evaluate(originals)) }
        let figureReconstructions = Figure(title: "Reconstructions of one test image per class")
        figureReconstructions.add(ImageGrid(title: "", tiles: ([originals] + reconstructions).flatMap(\.arrayRows), columns: examples.count,
                                            rowLabels: ["original"] + models.map(\.0), columnLabels: examples.map { data.shortClassName(data.test.labels[$0]) }))
        try nb.figure(figureReconstructions, name: "reconstructions", caption: "Originals and reconstructions by the three models")

        let figureLoss = Figure(title: "Training loss, by part", columns: 2)
        figureLoss.add(LinePlot(title: "reconstruction (1/N) Σ‖x̂ − x‖²", xLabel: "epoch", yLabel: "per image",
                                series: models.map { .init($0.0, y: $0.3.parts["reconstruction"] ?? []) }, logY: true), column: 0)
        figureLoss.add(LinePlot(title: "penalty (β·KL or λ·L1)", xLabel: "epoch", yLabel: "per batch",
                                series: models.enumerated().dropFirst().map { i, model in
                                    LinePlot.Series(model.0, y: model.3.parts["penalty"] ?? [], color: .category(i)) }, logY: true), column: 1)
        try nb.figure(figureLoss, name: "loss", caption: "Reconstruction error and penalty per epoch")
    }
}

LabCommand<Lab02>.main()
