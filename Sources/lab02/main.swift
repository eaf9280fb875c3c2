// Lab 02 — Sparse autoencoder with a KL sparsity penalty.
//
// Ng, "Sparse autoencoder", CS294A lecture notes (2011); Lee, Ekanadham & Ng, "Sparse deep
// belief net model for visual area V2", NIPS (2008).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab02/Lab02Sparse.swift (exercises 2.1–2.4).
//
//   swift run lab02 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab02 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Lab02Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

enum Lab02: LabProgram {
    static let info = LabInfo(
        number: 2, sections: 6,
        reference: "Ng, Sparse autoencoder (CS294A notes, 2011); Lee, Ekanadham & Ng (2008)",
        summary: """
            An overcomplete autoencoder 784→1024→784 could simply copy its input. A penalty \
            β Σⱼ KL(ρ ‖ ρ̂ⱼ) on the mean activation ρ̂ⱼ of each hidden unit keeps most units off, so \
            each unit must learn a useful feature. We derive and check the penalty's gradient, train \
            with β = 0 and β = 3, and compare with an L1 activity penalty.
            """)

    static let defaultLearningRate: Float = 3e-3

    struct Knobs: LabKnobs {
        @Option(help: "Weight β of the KL penalty. Try 0.3 (ρ̂ stays far from ρ) or 10 (worse reconstructions).")
        var beta: Float = 3
        @Option(help: "Target mean activation ρ of each hidden unit. Try 0.01 (sparser) or 0.2.")
        var rho: Float = 0.05
        @Option(help: "Hidden units (784→H→784). Try 256 (undercomplete) or 2048.")
        var hidden = 1024

        func validate() throws {
            try requireKnob(beta.isFinite && beta >= 0 && beta <= 1000, "--beta must be in [0, 1000], got \(beta)")
            try requireKnob(rho > 0 && rho < 1, "--rho must be strictly between 0 and 1, got \(rho)")
            try requireKnob((8...8192).contains(hidden), "--hidden must be between 8 and 8192, got \(hidden)")
        }
    }

    static func notebook(_ run: LabRun<Lab02>) throws {
        let data = try run.dataSection(
            explanation: """
                Images as vectors x ∈ [0, 1]^D; the model is trained on the training split and measured on the test \
                split.
                """)
        try run.thePenalty()
        try run.checkTheDerivation()
        let models = try run.train(data)
        let measured = try run.measureSparsity(models, data)
        try run.figures(models, measured, data)
    }
}

/// An autoencoder trained with one penalty: its name in tables, the layers and the loss history.
struct SparseModel {
    let name: String
    /// The metric prefix in metrics.json ("beta0", "beta3", "l1").
    let key: String
    let encoder: Dense, decoder: Dense
    let history: TrainingHistory
}

/// What a model does on the test set: each unit's mean activation ρ̂ⱼ and the activations.
struct Sparsity {
    let rhoHat: [Double]
    let hidden: Tensor
}

extension Lab02 {
    static func plannedWork(_ run: LabRun<Lab02>, _ data: Dataset) -> [PlannedWork] {
        run.variants.map {
            .dense(
                LabRun<Lab02>.label($0.name), [data.pixels, run.hidden, data.pixels], epochs: run.epochs,
                examples: data.train.count)
        }
    }
}

extension LabRun where Lab == Lab02 {
    var rho: Float { knobs.rho }
    var beta: Float { knobs.beta }
    var hidden: Int { knobs.hidden }

    func thePenalty() throws {
        nb.section(
            "The sparsity penalty (exercise 2.2)",
            """
            KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)) is 0 at ρ̂ = ρ and grows steeply as \
            ρ̂ → 0 or 1. The L1 activity penalty grows linearly with ρ̂ and the squared penalty (ρ̂ − ρ)² \
            is symmetric and gentle.
            """)
        func kl(_ v: Float) throws -> Float {
            try klDivergence(target: rho, meanActivations: Variable(Tensor([v]))).value.scalar
        }
        func squared(_ v: Float) -> Float { (v - rho) * (v - rho) }
        nb.table(
            ["ρ̂", "KL(ρ ‖ ρ̂)", "|ρ̂|", "(ρ̂ − ρ)²"],
            try [0.0, 0.01, 0.05, 0.2, 0.5, 1.0].map { (v: Float) in
                [Format.fixed(Double(v), 2), Format.number(try kl(v)), Format.number(v), Format.number(squared(v))]
            })
        nb.say(
            """
            At ρ̂ = 0 and ρ̂ = 1 the clamp keeps the penalty finite: a dead or saturated unit is pushed back, \
            not turned into NaN.
            """)
        let points = (1...240).map { Float($0) / 400 }  // ρ̂ ∈ (0, 0.6]
        let grid = points.map(Double.init), curve = try points.map { Double(try kl($0)) }
        let r = Double(rho)
        let target = "target ρ = \(Format.number(rho))"
        let figure = Figure(title: "Sparsity penalties as functions of the mean activation ρ̂ (\(target))")
        figure.add(
            LinePlot(
                title: "", xLabel: "mean activation ρ̂", yLabel: "penalty",
                series: [
                    .init("KL(ρ ‖ ρ̂)", x: grid, y: curve),
                    .init("L1: ρ̂", x: grid, y: grid),
                    .init("L2: (ρ̂ − ρ)²", x: grid, y: points.map { Double(squared($0)) }),
                    .init(target, x: [r, r], y: [0, curve.filter(\.isFinite).max() ?? 1], dashed: true),
                ], logY: false, legend: .bottomRight))
        try nb.figure(figure, name: "penalties", caption: "The KL, L1 and squared sparsity penalties against ρ̂")
    }

    func checkTheDerivation() throws {
        nb.section(
            "Check a derivation (exercise 2.4)",
            """
            Your formula β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)) against central finite differences of your penalty — \
            the way to trust a gradient you derived by hand.
            """)
        let probe = Tensor([0.01, 0.05, 0.2, 0.5, 0.9])
        let analytic = try klPenaltyGradient(target: rho, meanActivations: probe, beta: beta)
        let numeric = try checkGradients(at: [probe], step: 1e-3) { v in
            try klDivergence(target: rho, meanActivations: v[0]) * beta
        }.entries.map(\.numeric)
        let differences = (0..<probe.count).map { Swift.abs(Double(analytic[$0]) - numeric[$0]) }
        nb.table(
            ["ρ̂", "your formula", "finite differences", "|difference|"],
            (0..<probe.count).map { i in
                [
                    Format.fixed(Double(probe[i]), 2), Format.number(analytic[i]), Format.number(numeric[i]),
                    Format.number(differences[i], digits: 2),
                ]
            })
        // Relative to the gradient's own scale: at ρ̂ = ρ the derivative is 0 and only noise is left.
        let scale = numeric.map(Swift.abs).max() ?? 1
        let worst = zip(differences, numeric).map { $0 / Swift.max(Swift.abs($1), 1e-2 * scale, 1e-9) }.max() ?? 0
        let largest = "The largest relative difference is \(Format.number(worst, digits: 2))"
        if worst < 1e-2 {
            nb.say(
                """
                \(largest), at the level of the finite-difference error: the derivation agrees with the penalty.
                """)
        } else {
            nb.say(
                """
                \(largest) — far above finite-difference error (about 1e-3). Your formula (2.4) and your penalty \
                (2.2) disagree: check the signs, the (1 − ρ) term and β, in both.
                """)
        }
    }

    var epochs: Int { options.epochs(default: 12, quick: 2) }

    /// The three models trained: no penalty, the KL penalty at β, and an L1 activity penalty.
    var variants: [(name: String, key: String, file: String, beta: Float, l1: Float)] {
        let b = Format.number(beta)
        return [
            ("β = 0", "beta0", "kl-beta-0", 0, 0), ("β = \(b)", "beta\(b)", "kl-beta-\(b)", beta, 0),
            ("L1, λ = 0.05", "l1", "l1-0.05", 0, 0.05),
        ]
    }

    static func label(_ variant: String) -> String { "sparse AE \(variant)" }

    func train(_ data: Dataset) throws -> [SparseModel] {
        let b = Format.number(beta)
        nb.section(
            "Train with β = 0 and β = \(b)",
            """
            \(data.pixels)→\(hidden) sigmoid→\(data.pixels) sigmoid, Adam (learning rate \
            \(Format.number(training.learningRate))), batch \(training.batchSize), \(epochs) epochs. With β = 0 \
            nothing stops the units from all being half on; with β = \(b) the penalty pushes every ρ̂ⱼ towards \
            ρ = \(Format.number(rho)). The L1 activity penalty λ·mean Σⱼ hⱼ is the common alternative: it makes \
            activations small without a target.
            """)
        var rng = SeededGenerator(seed: options.seed)
        return try variants.enumerated().map { i, variant in
            let encoder = Dense(data.pixels, hidden, activation: .sigmoid, name: "encoder", using: &rng)
            let decoder = Dense(hidden, data.pixels, activation: .sigmoid, name: "decoder", using: &rng)
            let history = try trainWithAdam(
                variant.file, encoder.parameters + decoder.parameters,
                on: data.train.images, epochs: epochs, label: Self.label(variant.name),
                seed: options.seed &+ UInt64(i)
            ) { batch, _ in
                try Self.loss(batch, encoder, decoder, rho: rho, beta: variant.beta, l1: variant.l1)
            }
            return SparseModel(
                name: variant.name, key: variant.key, encoder: encoder, decoder: decoder,
                history: history)
        }
    }

    /// Your sparse loss (2.3), or reconstruction + λ·mean Σⱼ hⱼ for the L1 variant.
    static func loss(
        _ batch: Tensor, _ encoder: Dense, _ decoder: Dense,
        rho: Float, beta: Float, l1: Float
    ) throws -> LossTerms {
        let hidden = encoder(Variable(batch))
        let loss = try sparseLoss(
            batch: batch, reconstruction: decoder(hidden), hidden: hidden,
            rho: rho, beta: beta)
        let reconstruction = ("reconstruction", loss.reconstruction.value.scalar)
        guard l1 > 0 else {
            return LossTerms(loss.total, parts: [reconstruction, ("penalty", loss.penalty.value.scalar * beta)])
        }
        let activity = hidden.sum() * (l1 / Float(batch.rowCount))
        return LossTerms(
            loss.reconstruction + activity,
            parts: [reconstruction, ("penalty", activity.value.scalar)])
    }

    func measureSparsity(_ models: [SparseModel], _ data: Dataset) throws -> [Sparsity] {
        nb.section(
            "Sparsity and reconstruction on the test set",
            """
            ρ̂ⱼ over the test images for each model, and the test reconstruction error (mean squared error \
            per pixel).
            """)
        let test = data.test.images
        var rows: [[String]] = []
        let measured = try models.map { model -> Sparsity in
            let hidden = Evaluation.inChunks(test) { model.encoder.evaluate($0) }
            let rhoHat = try meanActivations(Variable(hidden)).value
            let mse = Evaluation.meanSquaredError(Evaluation.inChunks(hidden) { model.decoder.evaluate($0) }, test)
            let deviation = (rhoHat - rho).abs().mean()
            let below = Double(hidden.scalars.filter { $0 < 0.1 }.count) / Double(hidden.count)
            rows.append([
                model.name, Format.number(rhoHat.mean()), Format.number(rhoHat.max()),
                Format.number(deviation), Format.percent(below), Format.number(mse),
            ])
            nb.metric("\(model.key)_mean_abs_rhohat_minus_rho", Double(deviation))
            nb.metric("\(model.key)_fraction_activations_below_0.1", below)
            nb.metric("\(model.key)_test_mse", mse)
            return Sparsity(rhoHat: rhoHat.scalars.map(Double.init), hidden: hidden)
        }
        nb.table(["model", "mean ρ̂", "max ρ̂", "mean |ρ̂ − ρ|", "activations < 0.1", "test MSE"], rows)
        let deviations = measured.map { m in
            m.rhoHat.reduce(0.0) { $0 + Swift.abs($1 - Double(rho)) } / Double(Swift.max(1, m.rhoHat.count))
        }
        let (plain, sparse) = (Format.number(deviations[0]), Format.number(deviations[1]))
        if deviations[1] < 0.5 * deviations[0] && deviations[1] < 0.1 {
            nb.say(
                """
                With \(models[1].name) the units' mean activations sit near ρ (mean |ρ̂ − ρ| = \(sparse), against \
                \(plain) with β = 0), at a price in reconstruction error.
                """)
        } else {
            nb.say(
                """
                Here the KL penalty did not bring ρ̂ near ρ (mean |ρ̂ − ρ| = \(sparse) with \(models[1].name), \
                \(plain) with β = 0). Train longer (--epochs), or check that your loss (2.3) adds β times the \
                penalty and that ρ̂ (2.1) stays in the autodiff graph.
                """)
        }
        return measured
    }

    func figures(_ models: [SparseModel], _ measured: [Sparsity], _ data: Dataset) throws {
        nb.section("Figures", "Where the numbers come from.")
        let histogram = Figure(title: "Mean activations ρ̂ⱼ of the \(hidden) hidden units on the test set")
        histogram.add(
            Histogram(
                title: "", xLabel: "mean activation ρ̂ⱼ", yLabel: "hidden units",
                samples: zip(models, measured).prefix(2).map { ($0.name, $1.rhoHat) }, bins: 60,
                range: (0, Swift.max(0.6, (measured[0].rhoHat.max() ?? 0.6) + 0.02)),
                markers: [(Double(rho), "target ρ = \(rho)", .black)]))
        try nb.figure(
            histogram, name: "rho-hat-histogram",
            caption: "Histograms of ρ̂ⱼ with and without the KL penalty; the dashed line is the target ρ")
        try unitFigures(models, measured, data)

        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples)
        let rows =
            [("original", originals)]
            + models.map { ($0.name, $0.decoder.evaluate($0.encoder.evaluate(originals))) }
        let reconstructions = Figure(title: "Reconstructions of one test image per class")
        reconstructions.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(
            reconstructions, name: "reconstructions",
            caption: "Originals and reconstructions by the three models")

        let loss = Figure(title: "Training loss, by part", columns: 2)
        loss.add(
            LinePlot(
                title: "reconstruction (1/N) Σ‖x̂ − x‖²", xLabel: "epoch", yLabel: "per image",
                series: models.map { .init($0.name, y: $0.history.parts["reconstruction"] ?? []) },
                logY: true), column: 0)
        let penalties = models.enumerated().dropFirst().map { i, model in
            LinePlot.Series(model.name, y: model.history.parts["penalty"] ?? [], color: .category(i))
        }
        loss.add(
            LinePlot(
                title: "penalty (β·KL or λ·L1)", xLabel: "epoch", yLabel: "per batch",
                series: penalties, logY: true), column: 1)
        try nb.figure(loss, name: "loss", caption: "Reconstruction error and penalty per epoch")
    }

    /// The filters and activations of the hidden units, without (left) and with the KL penalty.
    func unitFigures(_ models: [SparseModel], _ measured: [Sparsity], _ data: Dataset) throws {
        let shown = Swift.min(48, hidden)
        let filters = Figure(
            title: "Hidden units' filters: incoming weights of the \(shown) most used units",
            subtitle: "units ranked by the norm of their decoder weights; "
                + "each tile scaled to its own range", columns: 2)
        for (column, model) in models.prefix(2).enumerated() {
            let usage = model.decoder.weight.value.squared().sum(alongAxis: 1)
            let mostUsed = FigureHelpers.largest(usage, count: shown)
            let incoming = model.encoder.weight.value.transposed.gatherRows(mostUsed)
            filters.add(
                ImageGrid(
                    title: model.name, imageShape: data.imageShape, images: incoming, columns: 8, scaling: .perTile),
                column: column)
        }
        try nb.figure(
            filters, name: "filters",
            caption: """
                Filters of the \(shown) most used hidden units, β = 0 (left) and β = \(Format.number(beta)) (right)
                """)

        let units = Swift.min(64, hidden)
        let activations = Figure(title: "Activations of \(units) hidden units on 48 test images", columns: 2)
        for (column, (model, sparsity)) in zip(models, measured).prefix(2).enumerated() {
            let h = sparsity.hidden.rows(0..<Swift.min(48, data.test.count)).columns(0..<units).transposed
            activations.add(
                Heatmap(
                    title: model.name, xLabel: "test image", yLabel: "hidden unit",
                    values: h.arrayRows.map { $0.map(Double.init) }, range: (0, 1),
                    colorbarLabel: "activation hⱼ"), column: column)
        }
        try nb.figure(
            activations, name: "activations",
            caption: "Hidden activations (units × examples): dense without the penalty, sparse with it")
    }
}

LabCommand<Lab02>.main()
