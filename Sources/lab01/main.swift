// Lab 01 — PCA as a linear autoencoder.
//
// Baldi & Hornik, "Neural networks and principal component analysis: learning from examples
// without local minima", Neural Networks 2 (1989); Hinton & Salakhutdinov, "Reducing the
// dimensionality of data with neural networks", Science 313 (2006).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab01/Lab01PCA.swift (exercises 1.1–1.5).
//
//   swift run lab01 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab01 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab01Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

/// PCA fitted on the training images with your exercises (1.1–1.3): the mean image, the
/// components as columns (by decreasing variance) and the variances along them.
struct PCAFit {
    let mean: Tensor
    let components: Tensor
    let variances: [Float]

    func basis(_ k: Int) -> Tensor { components.columns(0..<k) }
    /// Your reconstruction (1.3) of the rows of `x` from their first k codes.
    func reconstruct(_ x: Tensor, k: Int) throws -> Tensor {
        let codes = try pcaCodes(of: x, mean: mean, components: basis(k))
        return try pcaReconstruction(codes: codes, mean: mean, components: basis(k))
    }
    /// The mean squared reconstruction error over `x` with k components.
    func error(_ x: Tensor, k: Int) throws -> Double { Evaluation.meanSquaredError(try reconstruct(x, k: k), x) }
}

/// The linear autoencoders, one per code size: test error, loss history and decoder columns.
struct LinearAutoencoders {
    var testError: [Int: Double] = [:]
    var histories: [(k: Int, loss: [Float])] = []
    /// Each decoder's weights as columns [D, k]: a basis of the subspace it learned.
    var decoders: [Int: Tensor] = [:]
}

/// The deep autoencoders and their test errors, by code size.
struct DeepAutoencoders {
    var models: [Int: Autoencoder] = [:]
    var testError: [Int: Double] = [:]
}

enum Lab01: LabProgram {
    static let info = LabInfo(
        number: 1, sections: 8,
        reference: "Baldi & Hornik (1989); Hinton & Salakhutdinov (2006)",
        summary: """
            A linear autoencoder 784→k→784 trained with squared error learns the same subspace as the top-k principal \
            components. We compute PCA, train linear autoencoders with autodiff, compare them, and set a deep \
            nonlinear autoencoder against PCA at the same code size.
            """,
        // A full eigendecomposition of the D × D covariance: 48² takes ~20 s, 64² ~2 min.
        requirements: (train: 10, test: 10, pixels: 48 * 48))

    static let defaultLearningRate: Float = 3e-3

    struct Knobs: LabKnobs {
        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "Code sizes k to compare (default 2 8 16 32; 2 8 with --quick). Try 1 3 50 100.",
                valueName: "k"))
        var codeSizes: [Int] = []

        func validate() throws {
            try requireKnob(
                codeSizes.allSatisfy { (1...200).contains($0) },
                "--code-sizes takes sizes between 1 and 200, got \(codeSizes)")
        }
    }

    static func notebook(_ run: LabRun<Lab01>) throws {
        let data = try run.dataSection(
            explanation: """
                Images are flattened to vectors x ∈ [0, 1]^D. PCA and the autoencoders are fitted on the training \
                split and scored on the held-out test split.
                """)
        var rng = SeededGenerator(seed: run.options.seed)
        let centring = try run.centre(data)
        let pca = try run.principalComponents(data, centring)
        var pcaError = try run.pcaReconstructions(pca, data)
        let linear = try run.linearAutoencoders(pca, pcaError, data, &rng)
        try run.tiedWeights(pca, pcaError, linear, data)
        let deep = try run.deepAutoencoder(pca, &pcaError, data, &rng)
        try run.figures(pca, pcaError, linear, deep, data)
    }
}

extension Lab01 {
    static func plannedWork(_ run: LabRun<Lab01>, _ data: Dataset) -> [PlannedWork] {
        let d = data.pixels, n = data.train.count, k = run.tiedK, deepEpochs = max(1, run.epochs / 2)
        return run.codeSizes.map { .dense("linear AE k=\($0)", [d, $0, d], epochs: run.epochs, examples: n) }
            + [.dense("tied AE k=\(k)", [d, k, d], epochs: run.epochs, examples: n)]
            + run.deepK.map {
                .dense("deep AE k=\($0)", [d, 256, 64, $0, 64, 256, d], epochs: deepEpochs, examples: n)
            }
    }
}

extension LabRun where Lab == Lab01 {
    var codeSizes: [Int] {
        knobs.codeSizes.isEmpty ? (options.quick ? [2, 8] : [2, 8, 16, 32]) : Array(Set(knobs.codeSizes)).sorted()
    }
    var epochs: Int { options.epochs(default: 40, quick: 4) }
    /// The code size of the tied and deep comparisons: 16 when compared, else the largest.
    var tiedK: Int { codeSizes.contains(16) ? 16 : codeSizes.last! }
    /// The code sizes of the deep autoencoders: 2 and the tied comparison's.
    var deepK: [Int] { Array(Set([2, tiedK])).sorted() }

    func centre(_ data: Dataset) throws -> (centred: Tensor, mean: Tensor) {
        nb.section(
            "Centre the data (exercise 1.1)",
            """
            PCA describes variation around the mean image μ, so every image is replaced by x − μ.
            """)
        let (centredTrain, mean) = try centred(data.train.images)
        nb.table(
            ["quantity", "value"],
            [
                ["mean image shape", Format.shape(mean.shape)],
                [
                    "largest |column mean| after centring",
                    Format.number(Double(centredTrain.mean(alongAxis: 0).abs().max())),
                ],
            ])
        return (centredTrain, mean)
    }

    func principalComponents(_ data: Dataset, _ centring: (centred: Tensor, mean: Tensor)) throws -> PCAFit {
        nb.section(
            "Principal components (exercise 1.2)",
            """
            The eigenvectors of the covariance C = (X − μ)ᵀ(X − μ)/(N − 1), sorted by eigenvalue, are the \
            directions of largest variance.
            """)
        let train = data.train.images
        let maxK = codeSizes.max()!
        // k components and the eigengap after the k-th need k + 1 directions.
        guard maxK + 1 <= data.pixels else {
            throw DataError.invalidArgument(
                "lab01 needs at least \(maxK + 1) pixels per image for code sizes up to \(maxK); "
                    + "\(data.name) has \(data.pixels). Choose smaller --code-sizes.")
        }
        let (components, variances) = try Lab01Exercises.principalComponents(of: train, k: maxK + 1)
        let totalVariance = Double(centring.centred.squared().sum()) / Double(train.rowCount - 1)
        nb.table(
            ["k", "λ_k", "explained variance (first k)", "eigengap λ_k − λ_{k+1}"],
            codeSizes.map { k in
                let explained = variances.prefix(k).reduce(0.0) { $0 + Double($1) } / totalVariance
                return [
                    "\(k)", Format.number(variances[k - 1]), Format.percent(explained),
                    Format.number(variances[k - 1] - variances[k]),
                ]
            })
        let shown = min(16, maxK)
        let figure = Figure(
            title: "The first \(shown) principal components",
            subtitle: "signed pixel weights: red > 0, blue < 0")
        figure.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, images: components.columns(0..<shown).transposed, columns: 8,
                columnLabels: (1...shown).map { "PC \($0)" }, scaling: .signed))
        try nb.figure(figure, name: "principal-components", caption: "The first principal components as images")
        return PCAFit(mean: centring.mean, components: components, variances: variances)
    }

    /// Returns PCA's test error for each code size.
    func pcaReconstructions(_ pca: PCAFit, _ data: Dataset) throws -> [Int: Double] {
        nb.section(
            "Reconstruct from k components (exercise 1.3)",
            """
            Codes z = (x − μ)W and reconstructions x̂ = zWᵀ + μ. The test error falls as k grows.
            """)
        let errors = Dictionary(
            uniqueKeysWithValues: try codeSizes.map {
                ($0, try pca.error(data.test.images, k: $0))
            })
        nb.table(["k", "PCA test MSE"], codeSizes.map { ["\($0)", Format.number(errors[$0]!)] })
        return errors
    }

    func linearAutoencoders(
        _ pca: PCAFit, _ pcaError: [Int: Double], _ data: Dataset,
        _ rng: inout SeededGenerator
    ) throws -> LinearAutoencoders {
        nb.section(
            "Train linear autoencoders (exercise 1.4)",
            """
            Encoder x W_e + b_e, decoder z W_d + b_d, no nonlinearity, trained by Adam on your loss (learning rate \
            with a cosine decay). If the theory holds, each reaches PCA's error and its decoder spans PCA's \
            subspace: principal angles near 0°. Where two eigenvalues nearly coincide (a small eigengap) the last \
            direction is ill-determined, so we also report the median angle.
            """)
        var linear = LinearAutoencoders(), rows: [[String]] = []
        for k in codeSizes {
            let encoder = Dense(data.pixels, k, name: "encoder", using: &rng)
            let decoder = Dense(k, data.pixels, name: "decoder", using: &rng)
            let history = try fit(
                "linear-k\(k)", encoder.parameters + decoder.parameters, on: data.train.images,
                epochs: epochs, label: "linear AE k=\(k)",
                seed: options.seed &+ UInt64(k)
            ) { batch in
                try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder)
            }
            linear.histories.append((k, history.loss))
            let test = data.test.images
            let error = Evaluation.meanSquaredError(
                of: { decoder.evaluate(encoder.evaluate($0)) },
                from: test, to: test)
            linear.testError[k] = error
            linear.decoders[k] = decoder.weight.value.transposed  // [D, k]
            let angles = principalAngles(between: linear.decoders[k]!, and: pca.basis(k))
            let (largest, median) = (angles.last!, angles[angles.count / 2])
            let gap = Double(pca.variances[k - 1] - pca.variances[k]) / Double(pca.variances[k - 1])
            rows.append([
                "\(k)", Format.number(pcaError[k]!), Format.number(error),
                Format.fixed(error / pcaError[k]!, 4), Format.fixed(largest, 2) + "°",
                Format.fixed(median, 2) + "°", Format.percent(gap),
            ])
            for (name, value) in [
                ("pca_test_mse", pcaError[k]!), ("linear_ae_test_mse", error),
                ("linear_ae_over_pca", error / pcaError[k]!), ("largest_angle_deg", largest),
                ("median_angle_deg", median),
            ] { nb.metric("\(name)_k\(k)", value) }
        }
        nb.table(
            ["k", "PCA MSE", "linear AE MSE", "ratio", "largest angle", "median angle", "relative eigengap"],
            rows)
        conclusions(linear, pcaError)
        return linear
    }

    /// The theory's prediction, stated only where this run's numbers bear it out.
    func conclusions(_ linear: LinearAutoencoders, _ pcaError: [Int: Double]) {
        let ratios = codeSizes.map { ($0, linear.testError[$0]! / pcaError[$0]!) }
        let matched = ratios.filter { $0.1 < 1.02 }.map(\.0), missed = ratios.filter { $0.1 >= 1.02 }
        if !matched.isEmpty {
            nb.say(
                """
                At k = \(matched.map(String.init).joined(separator: ", ")) the linear autoencoder is within 2 % of \
                PCA's test error, as the theory predicts; the median angles show how closely its subspace matches.
                """)
        }
        if !missed.isEmpty {
            nb.say(
                """
                At k = \(missed.map { "\($0.0) (ratio \(Format.fixed($0.1, 2)))" }.joined(separator: ", ")) the \
                linear autoencoder is more than 2 % above PCA: training has not reached the optimum. Train longer \
                (--epochs), or check your loss (1.4): the mean over images of the squared error summed over \
                pixels, with both biases.
                """)
        }
    }

    func tiedWeights(
        _ pca: PCAFit, _ pcaError: [Int: Double], _ linear: LinearAutoencoders,
        _ data: Dataset
    ) throws {
        let k = tiedK, d = data.pixels
        nb.section(
            "Tied weights (exercise 1.5)",
            """
            The basic autoencoder ties the decoder to the encoder, W_d = W_eᵀ: half the parameters, the same \
            optimum (the columns of W become orthonormal at the minimum).
            """)
        var initial = SeededGenerator(seed: options.seed &+ 999)
        let weight = Variable(
            Tensor.randomNormal([d, k], standardDeviation: 0.05, using: &initial),
            requiresGradient: true, name: "tied.weight")
        let encoderBias = Variable(Tensor.zeros([k]), requiresGradient: true, name: "tied.encoderBias")
        let decoderBias = Variable(Tensor.zeros([d]), requiresGradient: true, name: "tied.decoderBias")
        _ = try fit(
            "tied-k\(k)", [weight, encoderBias, decoderBias], on: data.train.images, epochs: epochs,
            label: "tied AE k=\(k)", seed: options.seed &+ 7
        ) { batch in
            try tiedAutoencoderLoss(
                batch: batch, weight: weight, encoderBias: encoderBias,
                decoderBias: decoderBias)
        }
        let test = data.test.images
        let (w, be, bd) = (weight.value, encoderBias.value, decoderBias.value)
        let tiedError = Evaluation.meanSquaredError(
            of: { x in
                Tensor.matmul(Tensor.matmul(x, w) + be, w, transposeB: true) + bd
            }, from: test, to: test)
        let gram = Tensor.matmul(weight.value, weight.value, transposeA: true)
        let angles = principalAngles(between: weight.value, and: pca.basis(k))
        let orthonormality = Double((gram - Tensor.identity(k)).abs().max())
        nb.table(
            ["model (k = \(k))", "parameters", "test MSE", "median angle to PCA", "max |WᵀW − I|"],
            [
                ["PCA", "—", Format.number(pcaError[k]!), "0°", "—"],
                ["linear AE (untied)", "\(2 * d * k + k + d)", Format.number(linear.testError[k]!), "—", "—"],
                [
                    "linear AE (tied)", "\(d * k + k + d)", Format.number(tiedError),
                    Format.fixed(angles[angles.count / 2], 2) + "°", Format.number(orthonormality),
                ],
            ])
        nb.metric("tied_ae_test_mse_k\(k)", tiedError)
        tiedConclusion(tiedError, pcaError[k]!, orthonormality)
    }

    func tiedConclusion(_ tiedError: Double, _ pcaError: Double, _ orthonormality: Double) {
        if orthonormality < 0.1 && tiedError < 1.05 * pcaError {
            nb.say(
                """
                Tied weights reach PCA's error within 5 % with half the parameters, and WᵀW is within \
                \(Format.number(orthonormality, digits: 2)) of the identity: the columns are nearly orthonormal, \
                as at the optimum.
                """)
        } else {
            nb.say(
                """
                The tied autoencoder is \(Format.percent(tiedError / pcaError - 1)) above PCA's error and WᵀW \
                is \(Format.number(orthonormality, digits: 2)) away from the identity: it has not reached the \
                optimum yet. Train longer, or check your tied loss (1.5): x̂ = (xW + b_e)Wᵀ + b_d.
                """)
        }
    }

    func deepAutoencoder(
        _ pca: PCAFit, _ pcaError: inout [Int: Double], _ data: Dataset,
        _ rng: inout SeededGenerator
    ) throws -> DeepAutoencoders {
        let test = data.test.images
        nb.section(
            "A deep nonlinear autoencoder",
            """
            Hinton & Salakhutdinov (2006): a deep autoencoder (\(data.pixels)-256-64-k-64-256-\(data.pixels), \
            ReLU, sigmoid output) can beat PCA at the same code size, because its codes are a nonlinear function \
            of the image.
            """)
        var deep = DeepAutoencoders(), rows: [[String]] = []
        for k in deepK {
            let model = Autoencoder(
                sizes: [data.pixels, 256, 64, k], hidden: .relu, code: .identity,
                output: .sigmoid, using: &rng)
            // A third of the linear models' step size: deep ReLU networks diverge at 3e-3.
            _ = try fit(
                "deep-k\(k)", model.parameters, on: data.train.images, epochs: max(1, epochs / 2),
                learningRateScale: 1.0 / 3, label: "deep AE k=\(k)",
                seed: options.seed &+ 100 &+ UInt64(k)
            ) { batch in
                meanSquaredError(predictions: model(Variable(batch)), targets: batch)
            }
            deep.models[k] = model
            let error = Evaluation.meanSquaredError(of: model.reconstruct, from: test, to: test)
            deep.testError[k] = error
            if pcaError[k] == nil { pcaError[k] = try pca.error(test, k: k) }
            rows.append([
                "\(k)", Format.number(pcaError[k]!), Format.number(error),
                Format.percent(1 - error / pcaError[k]!),
            ])
            nb.metric("deep_ae_test_mse_k\(k)", error)
        }
        nb.table(["k", "PCA test MSE", "deep AE test MSE", "error reduction"], rows)
        let beats = deepK.filter { deep.testError[$0]! < pcaError[$0]! }
        let loses = deepK.filter { deep.testError[$0]! >= pcaError[$0]! }
        if !beats.isEmpty {
            nb.say(
                """
                The deep autoencoder beats PCA at k = \(beats.map(String.init).joined(separator: ", ")): a \
                nonlinear code keeps more of the image than the best linear one.
                """)
        }
        if !loses.isEmpty {
            nb.say(
                """
                At k = \(loses.map(String.init).joined(separator: ", ")) the deep autoencoder does not beat PCA in \
                this run — it trains for half the linear models' epochs and needs more data and epochs than a \
                linear map. Try --epochs or the full dataset.
                """)
        }
        return deep
    }

    func figures(
        _ pca: PCAFit, _ pcaError: [Int: Double], _ linear: LinearAutoencoders, _ deep: DeepAutoencoders,
        _ data: Dataset
    ) throws {
        nb.section("Figures", "What the numbers look like.")
        let k = tiedK, columns = min(8, k), decoder = linear.decoders[k]!
        // The projection of each principal component onto the decoder's column space: if the
        // subspaces agree, these look exactly like the components themselves.
        let q = orthonormalizedColumns(decoder)
        let projected = Tensor.matmul(q, Tensor.matmul(q, pca.basis(columns), transposeA: true)).transposed
        let weights = Figure(
            title: "Principal components vs the linear autoencoder's decoder (k = \(k))",
            subtitle: """
                the decoder's columns are another basis of the same subspace; projecting each component onto that \
                subspace recovers it
                """)
        let tiles =
            pca.basis(columns).transposed.arrayRows + decoder.columns(0..<columns).transposed.arrayRows
            + projected.arrayRows
        weights.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, tiles: tiles, columns: columns,
                rowLabels: ["PCA components", "decoder columns", "PCs projected on decoder span"],
                scaling: .signed))
        try nb.figure(
            weights, name: "components-vs-decoder",
            caption: """
                Principal components, raw decoder columns, and the components projected onto the decoder's column space
                """)

        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples)
        let linearRows = Tensor.matmul(Tensor.matmul(originals - pca.mean, q), q, transposeB: true) + pca.mean
        let reconstructions = Figure(
            title: "Reconstructions from a \(k)-dimensional code",
            subtitle: "one test image per class")
        let rows = [
            ("original", originals), ("PCA", try pca.reconstruct(originals, k: k)),
            ("linear AE", linearRows), ("deep AE", deep.models[k]!.reconstruct(originals)),
        ]
        reconstructions.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(
            reconstructions, name: "reconstructions",
            caption: "Original, PCA, linear-autoencoder and deep-autoencoder reconstructions")
        try errorAndCodeFigures(pca, pcaError, linear, deep, data)
    }

    /// Test error against k, the 2-D codes of PCA and the deep autoencoder, and the training losses.
    func errorAndCodeFigures(
        _ pca: PCAFit, _ pcaError: [Int: Double], _ linear: LinearAutoencoders,
        _ deep: DeepAutoencoders, _ data: Dataset
    ) throws {
        let deepK = deep.testError.keys.sorted(), sizes = codeSizes.map(Double.init)
        let errors = Figure(title: "Test error against code size")
        errors.add(
            LinePlot(
                title: "", xLabel: "code size k", yLabel: "test MSE",
                series: [
                    .init("PCA", x: sizes, y: codeSizes.map { pcaError[$0]! }, markers: true),
                    .init(
                        "linear autoencoder", x: sizes, y: codeSizes.map { linear.testError[$0]! }, dashed: true,
                        markers: true),
                    .init(
                        "deep autoencoder", x: deepK.map(Double.init), y: deepK.map { deep.testError[$0]! },
                        markers: true),
                ], logY: true))
        try nb.figure(
            errors, name: "mse-vs-k",
            caption: "Test MSE of PCA, the linear autoencoder and the deep autoencoder against k")

        let test = data.test.images
        let pca2 = try pcaCodes(of: test, mean: pca.mean, components: pca.basis(2))
        let deep2 = deep.models[2]!.encode(test)
        let codes = Figure(title: "2-D codes of the test images", width: 1400, height: 640, columns: 2)
        let panels = [("PCA (first two components)", pca2), ("deep autoencoder (k = 2)", deep2)]
        for (column, (title, z)) in panels.enumerated() {
            codes.add(
                ScatterPlot(
                    title: title, xLabel: "z₁", yLabel: "z₂", x: z.column(0), y: z.column(1),
                    classes: data.test.labels, classNames: data.classNames, markerRadius: 2.2,
                    alpha: 0.6), column: column)
        }
        try nb.figure(
            codes, name: "codes-2d",
            caption: "Test images in the 2-D code spaces of PCA and of a deep autoencoder, "
                + "coloured by class")

        let loss = Figure(
            title: "Training loss of the linear autoencoders",
            subtitle: "dashed: PCA's training-set optimum for the same k")
        let optimum = try codeSizes.enumerated().map { i, k in
            (try pca.error(data.train.images, k: k), "", Color.category(i))
        }
        let series = linear.histories.enumerated().map { i, h in
            LinePlot.Series("k = \(h.k)", y: h.loss, color: .category(i))
        }
        loss.add(
            LinePlot(
                title: "", xLabel: "epoch", yLabel: "training MSE", series: series, logY: true,
                references: optimum))
        try nb.figure(loss, name: "loss", caption: "Training loss per epoch, with PCA's optimum for each k")
    }

    /// Minibatch Adam with a cosine learning-rate decay to 5 % over the run, saved with the
    /// run as `name` (and reused by `--from-section`).
    func fit(
        _ name: String, _ parameters: [Variable], on data: Tensor, epochs: Int, learningRateScale: Float = 1,
        label: String, seed: UInt64, loss: @escaping (Tensor) throws -> Variable
    ) throws -> TrainingHistory {
        let learningRate = training.learningRate * learningRateScale
        let adam = Adam(parameters: parameters, learningRate: learningRate)
        var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: label, seed: seed)
        return try nb.trained(
            name, parameters: parameters, progressLabel: label, isUsable: { $0.covers(epochs: epochs) }
        ) {
            try loop.run(
                on: data, optimizer: adam,
                afterEpoch: { epoch, _ in
                    let progress = Float(epoch) / Float(epochs)
                    let cosine = 0.5 * (1 + Float(cos(Double.pi * Double(progress))))
                    adam.learningRate = learningRate * (0.05 + 0.95 * cosine)
                }
            ) { batch, _ in LossTerms(try loss(batch)) }
        }
    }
}

extension Tensor {
    /// Column j of a matrix as Doubles (for scatter plots).
    func column(_ j: Int) -> [Double] { (0..<rowCount).map { Double(self[$0, j]) } }
}

LabCommand<Lab01>.main()
