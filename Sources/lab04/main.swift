// Lab 04 — Contractive autoencoder.
//
// Rifai, Vincent, Muller, Glorot & Bengio, "Contractive auto-encoders: explicit invariance
// during feature extraction", ICML (2011).
//
// Read top to bottom: each numbered section explains a step, then runs it. The student's
// code is in Labs/Lab04/Lab04Contractive.swift (exercises 4.1–4.3).
//
//   swift run lab04 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab04 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Lab04Exercises
import LabData
import LabKit
import LabPlot
import LabNotebook

enum Lab04: LabProgram {
    static let info = LabInfo(
        number: 4, title: "Contractive autoencoder",
        reference: "Rifai, Vincent, Muller, Glorot & Bengio (2011)",
        summary: "A contractive autoencoder adds λ‖J_f(x)‖²_F, the squared Frobenius norm of the encoder's Jacobian, to the reconstruction error, so codes change little when the input moves — except along directions the data need. We implement the closed-form penalty for a sigmoid encoder, verify it against a finite-difference Jacobian, and measure how λ trades reconstruction for contraction, in random directions and along the data.")


    static let defaultLearningRate: Float = 2e-3

    struct Knobs: LabKnobs {
        @Option(name: .customLong("lambda"), parsing: .upToNextOption,
                help: ArgumentHelp("Penalty weights λ to compare (default 0 1e-4 1e-3 1e-2; 0 1e-3 with --quick). Try 0 0.1 1: when does the code stop carrying the image?", valueName: "λ"))
        var lambdas: [Float] = []
        @Option(help: "Hidden units of the sigmoid encoder. Try 32 or 1024.")
        var hidden = 256

        func validate() throws {
            try requireKnob(lambdas.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 100 }, "--lambda takes weights in [0, 100], got \(lambdas)")
            try requireKnob((2...4096).contains(hidden), "--hidden must be between 2 and 4096, got \(hidden)")
        }
        var flags: [String] { (lambdas.isEmpty ? [] : ["--lambda " + lambdas.map { "\($0)" }.joined(separator: " ")]) + ["--hidden \(hidden)"] }
    }

    static func notebook(_ nb: Notebook, _ options: LabOptions, _ training: TrainingKnobs<Lab04>, _ knobs: Knobs) throws {
        let epochs = options.epochs(default: 15, quick: 2)
        let hiddenUnits = knobs.hidden
        let lambdas: [Float] = knobs.lambdas.isEmpty ? (options.quick ? [0, 1e-3] : [0, 1e-4, 1e-3, 1e-2]) : Array(Set(knobs.lambdas)).sorted()
        var rng = SeededGenerator(seed: options.seed)

        // MARK: 1. The data
        let data = try nb.dataSection(options, explanation: "Images x ∈ [0, 1]^D, training and held-out test splits.")
        let (train, test) = (data.train.images, data.test.images)

        // MARK: 2. Closed form against finite differences (exercises 4.1 and 4.3)
        nb.section("The penalty in closed form (exercises 4.1, 4.3)", "For h = σ(xW + b), J_f(x) = diag(h(1 − h)) Wᵀ and ‖J_f(x)‖²_F = Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ². Your closed form (4.1) on single test images, against the squared Frobenius norm of your finite-difference Jacobian (4.3) of a freshly initialised encoder:")
        let probeEncoder = Dense(data.pixels, hiddenUnits, activation: .sigmoid, name: "probe", using: &rng)
        var checkRows: [[String]] = []
        var worst = 0.0
        for index in [0, 1, 2] {
            let x = test.row(index)
            let closed = Double(try contractivePenalty(hidden: Variable(probeEncoder.evaluate(x.reshaped([1, data.pixels]))), weight: probeEncoder.weight).value.scalar)
            let jacobian = try numericalJacobian(of: { probeEncoder.evaluate($0.reshaped([1, data.pixels])).reshaped([hiddenUnits]) }, at: x, epsilon: 1e-2)
            let numeric = jacobian.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
            let error = Swift.abs(closed - numeric) / Swift.max(numeric, 1e-12)
            worst = Swift.max(worst, error)
            checkRows.append(["test image \(index)", Format.shape(jacobian.shape), Format.number(closed), Format.number(numeric), Format.number(error, digits: 2)])
        }
        nb.table(["input", "Jacobian shape", "closed form ‖J‖²_F", "finite differences", "relative error"], checkRows)
        if worst < 1e-2 {
            nb.say("The largest relative error is \(Format.number(worst, digits: 2)), at the level of Float32 finite differences: the closed form and the definition agree.")
        } else {
            nb.say("The largest relative error is \(Format.number(worst, digits: 2)), far above Float32 finite-difference error (≈1e-4): your closed form (4.1) and your numerical Jacobian (4.3) disagree. Check the square on h(1 − h), the axis W is summed over, and the division by N.")
        }
        nb.metric("closed_form_vs_finite_difference_relative_error", worst)

        // MARK: 3. Training (exercise 4.2)
        nb.section("Train with λ ∈ {\(lambdas.map { Format.number($0) }.joined(separator: ", "))} (exercise 4.2)", "\(data.pixels)→\(hiddenUnits) sigmoid→\(data.pixels) sigmoid, Adam (learning rate \(Format.number(training.learningRate))), batch \(training.batchSize), \(epochs) epochs, your loss: MSE + λ · mean ‖J_f‖²_F. λ = 0 is a plain autoencoder.")
        var models: [(Float, Dense, Dense, TrainingHistory)] = []
        for (i, lambda) in lambdas.enumerated() {
            let encoder = Dense(data.pixels, hiddenUnits, activation: .sigmoid, name: "encoder", using: &rng)
            let decoder = Dense(hiddenUnits, data.pixels, activation: .sigmoid, name: "decoder", using: &rng)
            var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: "CAE λ=\(Format.number(lambda))", seed: options.seed &+ UInt64(i))
            let parameters = encoder.parameters + decoder.parameters
            let history = try nb.trained("cae-lambda-\(Format.number(lambda))", parameters: parameters) {
                try loop.run(on: train, optimizer: Adam(parameters: parameters, learningRate: training.learningRate)) { batch, _ in
                    let loss = try contractiveLoss(batch: batch, encoder: encoder, decoder: decoder, lambda: lambda)
                    return LossTerms(loss.total, parts: [("reconstruction", loss.reconstruction.value.scalar), ("penalty", loss.penalty.value.scalar)])
                }
            }
            models.append((lambda, encoder, decoder, history))
        }

        // MARK: 4. Reconstruction against contraction
        nb.section("What λ buys", "Test reconstruction error and the mean Frobenius norm ‖J_f(x)‖_F over the first 1,000 test images (from your penalty, 4.1, one image at a time). The contraction ratio ‖f(x + εu) − f(x)‖ / ε (ε = 1) is measured for random unit directions u and for unit directions towards each test image's nearest training image — a direction along the data.")
        let probes = test.rows(0..<Swift.min(40, test.rows))
        let neighbours = nearestNeighbours(of: probes, in: train)
        var directionGenerator = SeededGenerator(seed: options.seed &+ 5)
        let randomDirections = unitRows(Tensor.randomNormal(probes.shape, using: &directionGenerator))
        let dataDirections = unitRows(train.gatherRows(neighbours) - probes)
        var rows: [[String]] = []
        var displacement: [(Float, [Double], [Double])] = []
        var meanNorms: [Double] = []
        let steps: [Double] = [0.25, 0.5, 1, 2, 4]
        for (lambda, encoder, decoder, _) in models {
            let hidden = Evaluation.inChunks(test) { encoder.evaluate($0) }
            let mse = Evaluation.meanSquaredError(Evaluation.inChunks(hidden) { decoder.evaluate($0) }, test)
            let norms = try jacobianNorms(hidden: hidden.rows(0..<Swift.min(1000, hidden.rows)), weight: encoder.weight.value)
            let meanNorm = norms.reduce(0, +) / Double(norms.count)
            let random = steps.map { ratio(encoder, probes, randomDirections, step: $0) }
            let along = steps.map { ratio(encoder, probes, dataDirections, step: $0) }
            displacement.append((lambda, random, along))
            meanNorms.append(meanNorm)
            rows.append([Format.number(lambda), Format.number(mse), Format.number(meanNorm), Format.number(random[2]), Format.number(along[2]),
                         Format.fixed(along[2] / random[2], 1) + "×"])
            nb.metric("lambda_\(Format.number(lambda))_test_mse", mse)
            nb.metric("lambda_\(Format.number(lambda))_mean_jacobian_norm", meanNorm)
            nb.metric("lambda_\(Format.number(lambda))_contraction_random", random[2])
            nb.metric("lambda_\(Format.number(lambda))_contraction_along_data", along[2])
        }
        nb.table(["λ", "test MSE", "mean ‖J_f‖_F", "ratio, random u", "ratio, towards neighbour", "along / random"], rows)
        // State the two effects only as far as the table supports them.
        let contracts = meanNorms.count > 1 && zip(meanNorms, meanNorms.dropFirst()).allSatisfy { $1 <= $0 }
        let largest = displacement.last!, alongOverRandom = largest.2[2] / Swift.max(largest.1[2], 1e-12)
        if contracts {
            nb.say("Larger λ gives a smaller ‖J_f‖_F at every step of the table (\(Format.number(meanNorms.first!)) → \(Format.number(meanNorms.last!))): the code contracts.")
        } else if meanNorms.count > 1 {
            nb.say("‖J_f‖_F does not fall steadily as λ grows (\(meanNorms.map { Format.number($0) }.joined(separator: " → "))). Train longer, or check that your loss (4.2) adds λ times the penalty and that the penalty (4.1) stays in the autodiff graph.")
        }
        if alongOverRandom > 1.5 {
            nb.say("At λ = \(Format.number(largest.0)) the code moves \(Format.fixed(alongOverRandom, 1))× more towards a neighbouring training image than in a random direction of the same size: the encoder stays sensitive where images actually vary.")
        } else {
            nb.say("At λ = \(Format.number(largest.0)) the code moves about as much along the data as in random directions (ratio \(Format.fixed(alongOverRandom, 1))): with this training the contraction is not yet selective.")
        }
        nb.say("(JAX reference on the full set, 20 epochs — test MSE and mean ‖J_f‖_F: λ = 0: 0.0042, 12.8; 1e-4: 0.0066, 3.9; 1e-3: 0.0113, 1.4; 1e-2: 0.0181, 0.50.)")

        // MARK: 5. Figures
        nb.section("Figures", "The spectrum of J_f shows how many directions the encoder still responds to.")
        let spectraSeries: [LinePlot.Series] = models.enumerated().map { i, model in
            let points = probes.rows(0..<10)
            let h = model.1.evaluate(points)
            var sum = [Double](repeating: 0, count: hiddenUnits)
            for n in 0..<points.rows { for (k, s) in singularValues(hidden: h.row(n), weight: model.1.weight.value).enumerated() { sum[k] += s / 10 } }
            let shown = Swift.min(60, hiddenUnits)
            return .init("λ = \(Format.number(model.0))", x: (1...shown).map(Double.init), y: Array(sum.prefix(shown)), color: .category(i))
        }
        let figureSpectra = Figure(title: "Singular values of the encoder's Jacobian J_f(x)", subtitle: "averaged over 10 test images; the CAE keeps a few large ones (directions along the data) and shrinks the rest")
        figureSpectra.add(LinePlot(title: "", xLabel: "index k", yLabel: "k-th singular value", series: spectraSeries, logY: true))
        try nb.figure(figureSpectra, name: "jacobian-spectra", caption: "Singular-value spectra of J_f at test points for each λ")

        let figureDisplacement = Figure(title: "Code displacement against perturbation size", width: 1300, height: 560, columns: 2)
        for (panel, title) in ["random directions", "towards the nearest training image"].enumerated() {
            figureDisplacement.add(LinePlot(title: title, xLabel: "perturbation size ε (pixel-space norm)", yLabel: "‖f(x + εu) − f(x)‖",
                                            series: displacement.enumerated().map { i, d in
                                                .init("λ = \(Format.number(d.0))", x: steps, y: zip(steps, panel == 0 ? d.1 : d.2).map { $0 * $1 }, color: .category(i), markers: true)
                                            }, logY: true, legend: .bottomRight), column: panel)
        }
        try nb.figure(figureDisplacement, name: "displacement", caption: "How far the code moves for a perturbation of size ε, in random directions and along the data")

        let filterModels = [models.first!, models[Swift.min(2, models.count - 1)]]
        let filterCount = Swift.min(48, hiddenUnits)
        let figureFilters = Figure(title: "First-layer filters (\(filterCount) units, signed weights)", columns: 2)
        for (i, model) in filterModels.enumerated() {
            figureFilters.add(ImageGrid(title: "λ = \(Format.number(model.0))", images: model.1.weight.value.columns(0..<filterCount).transposed, columns: 8, scaling: .signed), column: i)
        }
        try nb.figure(figureFilters, name: "filters", caption: "Encoder filters without and with the contractive penalty")

        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = test.gatherRows(examples)
        let figureReconstructions = Figure(title: "Reconstructions of one test image per class")
        figureReconstructions.add(ImageGrid(title: "", tiles: originals.arrayRows + models.flatMap { $0.2.evaluate($0.1.evaluate(originals)).arrayRows },
                                            columns: examples.count, rowLabels: ["original"] + models.map { "λ = \(Format.number($0.0))" },
                                            columnLabels: examples.map { data.shortClassName(data.test.labels[$0]) }))
        try nb.figure(figureReconstructions, name: "reconstructions", caption: "Reconstructions for each λ")

        let figureLoss = Figure(title: "Training loss, by part", columns: 2)
        figureLoss.add(LinePlot(title: "reconstruction (MSE)", xLabel: "epoch", yLabel: "MSE",
                                series: models.map { .init("λ = \(Format.number($0.0))", y: $0.3.parts["reconstruction"] ?? []) }, logY: true), column: 0)
        figureLoss.add(LinePlot(title: "penalty mean ‖J_f‖²_F (before λ)", xLabel: "epoch", yLabel: "‖J_f‖²_F",
                                series: models.map { .init("λ = \(Format.number($0.0))", y: $0.3.parts["penalty"] ?? []) }, logY: true), column: 1)
        try nb.figure(figureLoss, name: "loss", caption: "Reconstruction error and Jacobian penalty per epoch")
    }

    /// ‖J_f(x)‖_F per example: the square root of your penalty (4.1) on a batch of one.
    static func jacobianNorms(hidden: Tensor, weight: Tensor) throws -> [Double] {
        let w = Variable(weight)
        return try withoutGradients {
            try (0..<hidden.rows).map { n in
                Double(try contractivePenalty(hidden: Variable(hidden.rows(n..<(n + 1))), weight: w).value.scalar).squareRoot()
            }
        }
    }

    /// Singular values of J = diag(s) Wᵀ, s = h(1 − h): square roots of the eigenvalues of J Jᵀ.
    static func singularValues(hidden h: Tensor, weight: Tensor) -> [Double] {
        let s = h * (1 - h)                                                   // [H]
        let gram = Tensor.matmul(weight, weight, transposeA: true)             // WᵀW [H, H]
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
        let dots = Tensor.matmul(x, pool, transposeB: true)                   // [n, M]
        let poolNorms = pool.squared().sum(alongAxis: 1)                        // [M]
        return (poolNorms - 2 * dots).argmin(alongAxis: 1)
    }
}

LabCommand<Lab04>.main()
