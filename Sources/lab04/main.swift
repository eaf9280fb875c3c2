// Lab 04 — Contractive autoencoder.
//
// Rifai, Vincent, Muller, Glorot & Bengio, "Contractive auto-encoders: explicit invariance
// during feature extraction", ICML (2011).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab04/Lab04Contractive.swift (exercises 4.1–4.3).
//
//   swift run lab04 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab04 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Lab04Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

enum Lab04: LabProgram {
    static let info = LabInfo(
        number: 4, sections: 5,
        reference: "Rifai, Vincent, Muller, Glorot & Bengio (2011)",
        summary: """
            A contractive autoencoder adds λ‖J_f(x)‖²_F, the squared Frobenius norm of the encoder's Jacobian, to \
            the reconstruction error, so codes change little when the input moves — except along directions the \
            data need. We implement the closed-form penalty for a sigmoid encoder, verify it against a \
            finite-difference Jacobian, and measure how λ trades reconstruction for contraction, in random \
            directions and along the data.
            """)

    static let defaultLearningRate: Float = 2e-3

    struct Knobs: LabKnobs {
        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "Penalty weights λ to compare (default 0 1e-4 1e-3 1e-2; 0 1e-3 with --quick). Try 0 0.1 1.",
                valueName: "λ"))
        var lambda: [Float] = []
        @Option(help: "Hidden units of the sigmoid encoder. Try 32 or 1024.")
        var hidden = 256

        func validate() throws {
            try requireKnob(
                lambda.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 100 },
                "--lambda takes weights in [0, 100], got \(lambda)")
            try requireKnob((2...4096).contains(hidden), "--hidden must be between 2 and 4096, got \(hidden)")
        }
    }

    static func notebook(_ run: LabRun<Lab04>) throws {
        let data = try run.dataSection(explanation: "Images x ∈ [0, 1]^D, training and held-out test splits.")
        var rng = SeededGenerator(seed: run.options.seed)
        try run.checkTheClosedForm(data, &rng)
        let models = try run.train(data, &rng)
        let measured = try run.measureContraction(models, data)
        try run.figures(models, measured, data)
    }
}

/// A contractive autoencoder trained with one λ.
struct ContractiveModel {
    let lambda: Float
    let encoder: Dense, decoder: Dense
    let history: TrainingHistory
    var name: String { "λ = \(Format.number(lambda))" }
}

/// How far the code moves, per unit of input, for steps of each size in random directions and
/// towards each test image's nearest training image.
struct Contraction {
    let steps: [Double]
    let random: [Double], alongData: [Double]
    /// The test images probed.
    let probes: Tensor
}

extension Lab04 {
    /// The Jacobian norms of 1,000 test images, one at a time, after training (19 % measured).
    static var evaluationShare: Double { 0.2 }

    /// The contractive penalty's Jacobian costs about as much as the reconstruction again.
    static func plannedWork(_ run: LabRun<Lab04>, _ data: Dataset) -> [PlannedWork] {
        run.lambdas.map {
            .dense(
                LabRun<Lab04>.label($0), [data.pixels, run.hidden, data.pixels], epochs: run.epochs,
                examples: data.train.count, factor: 2)
        }
    }
}

extension LabRun where Lab == Lab04 {
    var lambdas: [Float] {
        knobs.lambda.isEmpty ? (options.quick ? [0, 1e-3] : [0, 1e-4, 1e-3, 1e-2]) : Array(Set(knobs.lambda)).sorted()
    }
    var hidden: Int { knobs.hidden }

    func checkTheClosedForm(_ data: Dataset, _ rng: inout SeededGenerator) throws {
        nb.section(
            "The penalty in closed form (exercises 4.1, 4.3)",
            """
            For h = σ(xW + b), J_f(x) = diag(h(1 − h)) Wᵀ and ‖J_f(x)‖²_F = Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ². Your closed \
            form (4.1) on single test images, against the squared Frobenius norm of your finite-difference \
            Jacobian (4.3) of a freshly initialised encoder:
            """)
        let probe = Dense(data.pixels, hidden, activation: .sigmoid, name: "probe", using: &rng)
        var rows: [[String]] = []
        var worst = 0.0
        for index in [0, 1, 2] {
            let x = data.test.images.row(index)
            let h = Variable(probe.evaluate(x.reshaped([1, data.pixels])))
            let closed = Double(try contractivePenalty(hidden: h, weight: probe.weight).value.scalar)
            func f(_ x: Tensor) -> Tensor { probe.evaluate(x.reshaped([1, data.pixels])).reshaped([hidden]) }
            let jacobian = try numericalJacobian(of: f, at: x, epsilon: 1e-2)
            let numeric = jacobian.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
            let error = Swift.abs(closed - numeric) / Swift.max(numeric, 1e-12)
            worst = Swift.max(worst, error)
            rows.append([
                "test image \(index)", Format.shape(jacobian.shape), Format.number(closed),
                Format.number(numeric), Format.number(error, digits: 2),
            ])
        }
        nb.table(["input", "Jacobian shape", "closed form ‖J‖²_F", "finite differences", "relative error"], rows)
        let largest = "The largest relative error is \(Format.number(worst, digits: 2))"
        if worst < 1e-2 {
            nb.say(
                """
                \(largest), at the level of Float32 finite differences: the closed form and the definition agree.
                """)
        } else {
            nb.say(
                """
                \(largest), far above Float32 finite-difference error (≈1e-4): your closed form (4.1) and your \
                numerical Jacobian (4.3) disagree. Check the square on h(1 − h), the axis W is summed over, and \
                the division by N.
                """)
        }
        nb.metric("closed_form_vs_finite_difference_relative_error", worst)
    }

    var epochs: Int { options.epochs(default: 15, quick: 2) }
    static func label(_ lambda: Float) -> String { "CAE λ=\(Format.number(lambda))" }

    func train(_ data: Dataset, _ rng: inout SeededGenerator) throws -> [ContractiveModel] {
        let values = lambdas.map { Format.number($0) }.joined(separator: ", ")
        nb.section(
            "Train with λ ∈ {\(values)} (exercise 4.2)",
            """
            \(data.pixels)→\(hidden) sigmoid→\(data.pixels) sigmoid, Adam (learning rate \
            \(Format.number(training.learningRate))), batch \(training.batchSize), \(epochs) epochs, your loss: \
            MSE + λ · mean ‖J_f‖²_F. λ = 0 is a plain autoencoder.
            """)
        var models: [ContractiveModel] = []
        for (i, lambda) in lambdas.enumerated() {
            let encoder = Dense(data.pixels, hidden, activation: .sigmoid, name: "encoder", using: &rng)
            let decoder = Dense(hidden, data.pixels, activation: .sigmoid, name: "decoder", using: &rng)
            let λ = Format.number(lambda)
            let history = try trainWithAdam(
                "cae-lambda-\(λ)", encoder.parameters + decoder.parameters,
                on: data.train.images, epochs: epochs, label: Self.label(lambda),
                seed: options.seed &+ UInt64(i)
            ) { batch, _ in
                let loss = try contractiveLoss(batch: batch, encoder: encoder, decoder: decoder, lambda: lambda)
                return LossTerms(
                    loss.total,
                    parts: [
                        ("reconstruction", loss.reconstruction.value.scalar),
                        ("penalty", loss.penalty.value.scalar),
                    ])
            }
            models.append(ContractiveModel(lambda: lambda, encoder: encoder, decoder: decoder, history: history))
        }
        return models
    }

    func measureContraction(_ models: [ContractiveModel], _ data: Dataset) throws -> [Contraction] {
        nb.section(
            "What λ buys",
            """
            Test reconstruction error and the mean Frobenius norm ‖J_f(x)‖_F over the first 1,000 test images \
            (from your penalty, 4.1, one image at a time). The contraction ratio ‖f(x + εu) − f(x)‖ / ε (ε = 1) \
            is measured for random unit directions u and for unit directions towards each test image's nearest \
            training image — a direction along the data.
            """)
        let (train, test) = (data.train.images, data.test.images)
        let probes = test.rows(0..<Swift.min(40, test.rowCount))
        var directionGenerator = SeededGenerator(seed: options.seed &+ 5)
        let randomDirections = Lab04.unitRows(Tensor.randomNormal(probes.shape, using: &directionGenerator))
        let neighbours = train.gatherRows(Lab04.nearestNeighbours(of: probes, in: train))
        let dataDirections = Lab04.unitRows(neighbours - probes)
        let steps: [Double] = [0.25, 0.5, 1, 2, 4]
        var rows: [[String]] = [], meanNorms: [Double] = []
        let measured = try models.map { model -> Contraction in
            let hidden = Evaluation.inChunks(test) { model.encoder.evaluate($0) }
            let mse = Evaluation.meanSquaredError(of: model.decoder.evaluate, from: hidden, to: test)
            let norms = try Lab04.jacobianNorms(
                hidden: hidden.rows(0..<Swift.min(1000, hidden.rowCount)),
                weight: model.encoder.weight.value)
            let meanNorm = norms.reduce(0, +) / Double(norms.count)
            let random = steps.map { Lab04.ratio(model.encoder, probes, randomDirections, step: $0) }
            let along = steps.map { Lab04.ratio(model.encoder, probes, dataDirections, step: $0) }
            meanNorms.append(meanNorm)
            rows.append([
                Format.number(model.lambda), Format.number(mse), Format.number(meanNorm),
                Format.number(random[2]), Format.number(along[2]),
                Format.fixed(along[2] / random[2], 1) + "×",
            ])
            let key = "lambda_\(Format.number(model.lambda))"
            for (name, value) in [
                ("test_mse", mse), ("mean_jacobian_norm", meanNorm),
                ("contraction_random", random[2]), ("contraction_along_data", along[2]),
            ] {
                nb.metric("\(key)_\(name)", value)
            }
            return Contraction(steps: steps, random: random, alongData: along, probes: probes)
        }
        nb.table(
            ["λ", "test MSE", "mean ‖J_f‖_F", "ratio, random u", "ratio, towards neighbour", "along / random"],
            rows)
        conclusions(models, measured, meanNorms)
        return measured
    }

    /// The two effects, stated only as far as the table supports them.
    func conclusions(_ models: [ContractiveModel], _ measured: [Contraction], _ meanNorms: [Double]) {
        let contracts = meanNorms.count > 1 && zip(meanNorms, meanNorms.dropFirst()).allSatisfy { $1 <= $0 }
        let largest = measured.last!, alongOverRandom = largest.alongData[2] / Swift.max(largest.random[2], 1e-12)
        if contracts {
            nb.say(
                """
                Larger λ gives a smaller ‖J_f‖_F at every step of the table (\(Format.number(meanNorms.first!)) → \
                \(Format.number(meanNorms.last!))): the code contracts.
                """)
        } else if meanNorms.count > 1 {
            nb.say(
                """
                ‖J_f‖_F does not fall steadily as λ grows \
                (\(meanNorms.map { Format.number($0) }.joined(separator: " → "))). \
                Train longer, or check that your loss (4.2) adds λ times the penalty and that the penalty \
                (4.1) stays in the autodiff graph.
                """)
        }
        let lambda = Format.number(models.last!.lambda)
        if alongOverRandom > 1.5 {
            nb.say(
                """
                At λ = \(lambda) the code moves \(Format.fixed(alongOverRandom, 1))× more towards a neighbouring \
                training image than in a random direction of the same size: the encoder stays sensitive where \
                images actually vary.
                """)
        } else {
            nb.say(
                """
                At λ = \(lambda) the code moves about as much along the data as in random directions (ratio \
                \(Format.fixed(alongOverRandom, 1))): with this training the contraction is not yet selective.
                """)
        }
        nb.say(
            """
            (JAX reference on the full set, 20 epochs — test MSE and mean ‖J_f‖_F: λ = 0: 0.0042, 12.8; 1e-4: \
            0.0066, 3.9; 1e-3: 0.0113, 1.4; 1e-2: 0.0181, 0.50.)
            """)
    }

    func figures(_ models: [ContractiveModel], _ measured: [Contraction], _ data: Dataset) throws {
        nb.section("Figures", "The spectrum of J_f shows how many directions the encoder still responds to.")
        let points = measured[0].probes.rows(0..<10), shown = Swift.min(60, hidden)
        let spectra: [LinePlot.Series] = models.enumerated().map { i, model in
            let h = model.encoder.evaluate(points)
            var sum = [Double](repeating: 0, count: hidden)
            for n in 0..<points.rowCount {
                let values = Lab04.singularValues(hidden: h.row(n), weight: model.encoder.weight.value)
                for (k, s) in values.enumerated() { sum[k] += s / 10 }
            }
            return .init(
                model.name, x: (1...shown).map(Double.init), y: Array(sum.prefix(shown)),
                color: .category(i))
        }
        let figureSpectra = Figure(
            title: "Singular values of the encoder's Jacobian J_f(x)",
            subtitle: """
                averaged over 10 test images; the CAE keeps a few large ones (directions along the data) and \
                shrinks the rest
                """)
        figureSpectra.add(
            LinePlot(
                title: "", xLabel: "index k", yLabel: "k-th singular value", series: spectra,
                logY: true))
        try nb.figure(
            figureSpectra, name: "jacobian-spectra",
            caption: "Singular-value spectra of J_f at test points for each λ")

        let displacement = Figure(
            title: "Code displacement against perturbation size", width: 1300, height: 560,
            columns: 2)
        for (panel, title) in ["random directions", "towards the nearest training image"].enumerated() {
            let series = zip(models, measured).enumerated().map { i, pair in
                let (model, m) = pair
                let moved = zip(m.steps, panel == 0 ? m.random : m.alongData).map { $0 * $1 }
                return LinePlot.Series(model.name, x: m.steps, y: moved, color: .category(i), markers: true)
            }
            displacement.add(
                LinePlot(
                    title: title, xLabel: "perturbation size ε (pixel-space norm)",
                    yLabel: "‖f(x + εu) − f(x)‖", series: series, logY: true,
                    legend: .bottomRight),
                column: panel)
        }
        try nb.figure(
            displacement, name: "displacement",
            caption: """
                How far the code moves for a perturbation of size ε, in random directions and along the data
                """)
        try weightFigures(models, data)
    }

    /// Filters, reconstructions and losses of the models.
    func weightFigures(_ models: [ContractiveModel], _ data: Dataset) throws {
        let count = Swift.min(48, hidden)
        let filters = Figure(title: "First-layer filters (\(count) units, signed weights)", columns: 2)
        for (column, model) in [models.first!, models[Swift.min(2, models.count - 1)]].enumerated() {
            let incoming = model.encoder.weight.value.columns(0..<count).transposed
            filters.add(
                ImageGrid(
                    title: model.name, imageShape: data.imageShape, images: incoming, columns: 8, scaling: .signed),
                column: column)
        }
        try nb.figure(filters, name: "filters", caption: "Encoder filters without and with the contractive penalty")

        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples)
        let reconstructions = Figure(title: "Reconstructions of one test image per class")
        let rows =
            [("original", originals)]
            + models.map { ($0.name, $0.decoder.evaluate($0.encoder.evaluate(originals))) }
        reconstructions.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(reconstructions, name: "reconstructions", caption: "Reconstructions for each λ")

        let loss = Figure(title: "Training loss, by part", columns: 2)
        let panels = [
            ("reconstruction", "reconstruction (MSE)", "MSE"),
            ("penalty", "penalty mean ‖J_f‖²_F (before λ)", "‖J_f‖²_F"),
        ]
        for (column, (part, title, axis)) in panels.enumerated() {
            let series = models.map { LinePlot.Series($0.name, y: $0.history.parts[part] ?? []) }
            loss.add(
                LinePlot(title: title, xLabel: "epoch", yLabel: axis, series: series, logY: true),
                column: column)
        }
        try nb.figure(loss, name: "loss", caption: "Reconstruction error and Jacobian penalty per epoch")
    }
}

extension Lab04 {
    /// ‖J_f(x)‖_F per example: the square root of your penalty (4.1) on a batch of one.
    static func jacobianNorms(hidden: Tensor, weight: Tensor) throws -> [Double] {
        let w = Variable(weight)
        return try withoutGradients {
            try (0..<hidden.rowCount).map { n in
                let one = Variable(hidden.rows(n..<(n + 1)))
                return Double(try contractivePenalty(hidden: one, weight: w).value.scalar).squareRoot()
            }
        }
    }

    /// Singular values of J = diag(s) Wᵀ, s = h(1 − h): square roots of the eigenvalues of J Jᵀ.
    static func singularValues(hidden h: Tensor, weight: Tensor) -> [Double] {
        let s = h * (1 - h)  // [H]
        let gram = Tensor.matmul(weight, weight, transposeA: true)  // WᵀW [H, H]
        let jjt = gram * s.reshaped([s.count, 1]) * s
        return SymmetricEigen(jjt).values.map { Swift.max(0, $0).squareRoot() }
    }

    static func unitRows(_ x: Tensor) -> Tensor { x / x.squared().sum(alongAxis: 1, keepingDimension: true).sqrt() }

    /// ‖f(x + εu) − f(x)‖ / ε averaged over the rows.
    static func ratio(_ encoder: Dense, _ x: Tensor, _ u: Tensor, step: Double) -> Double {
        let moved = encoder.evaluate(x + u * Float(step)) - encoder.evaluate(x)
        let norms = moved.squared().sum(alongAxis: 1).sqrt()
        return Double(norms.mean()) / step
    }

    /// The index of each row's nearest row of `pool` (Euclidean).
    static func nearestNeighbours(of x: Tensor, in pool: Tensor) -> [Int] {
        let dots = Tensor.matmul(x, pool, transposeB: true)  // [n, M]
        let poolNorms = pool.squared().sum(alongAxis: 1)  // [M]
        return (poolNorms - 2 * dots).argmin(alongAxis: 1)
    }
}

LabCommand<Lab04>.main()
