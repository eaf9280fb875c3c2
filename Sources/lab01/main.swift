// Lab 01 — PCA as a linear autoencoder.
//
// Baldi & Hornik, "Neural networks and principal component analysis: learning from examples
// without local minima", Neural Networks 2 (1989); Hinton & Salakhutdinov, "Reducing the
// dimensionality of data with neural networks", Science 313 (2006).
//
// Read top to bottom: each numbered section explains a step, then runs it. The student's
// code is in Labs/Lab01/Lab01PCA.swift (exercises 1.1–1.5).
//
//   swift run lab01 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab01 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Lab01Exercises
import LabData
import LabKit
import LabPlot
import LabNotebook

enum Lab01: LabProgram {
    static let info = LabInfo(
        number: 1, title: "PCA as a linear autoencoder",
        reference: "Baldi & Hornik (1989); Hinton & Salakhutdinov (2006)",
        summary: "A linear autoencoder 784→k→784 trained with squared error learns the same subspace as the top-k principal components. We compute PCA, train linear autoencoders with autodiff, compare them, and set a deep nonlinear autoencoder against PCA at the same code size.",
        requirements: (train: 10, test: 10, pixels: 48 * 48))  // a full eigendecomposition of the D × D covariance: 48² takes ~20 s, 64² ~2 min

    static let defaultLearningRate: Float = 3e-3

    struct Knobs: LabKnobs {
        @Option(name: .customLong("code-sizes"), parsing: .upToNextOption,
                help: ArgumentHelp("Code sizes k to compare (default 2 8 16 32; 2 8 with --quick). Try 1 3 50 100: how fast does the error fall?", valueName: "k"))
        var codeSizes: [Int] = []

        func validate() throws {
            try requireKnob(codeSizes.allSatisfy { (1...200).contains($0) }, "--code-sizes takes sizes between 1 and 200, got \(codeSizes)")
        }
        var flags: [String] { codeSizes.isEmpty ? [] : ["--code-sizes " + codeSizes.map(String.init).joined(separator: " ")] }
    }

    static func notebook(_ nb: Notebook, _ options: LabOptions, _ training: TrainingKnobs<Lab01>, _ knobs: Knobs) throws {
        let codeSizes = knobs.codeSizes.isEmpty ? (options.quick ? [2, 8] : [2, 8, 16, 32]) : Array(Set(knobs.codeSizes)).sorted()
        let epochs = options.epochs(default: 40, quick: 4)
        var rng = SeededGenerator(seed: options.seed)

        // MARK: 1. The data
        let data = try nb.dataSection(options, explanation: "Images are flattened to vectors x ∈ [0, 1]^D. PCA and the autoencoders are fitted on the training split and scored on the held-out test split.")
        let (train, test) = (data.train.images, data.test.images)

        // MARK: 2. Centring (exercise 1.1)
        nb.section("Centre the data (exercise 1.1)", "PCA describes variation around the mean image μ, so every image is replaced by x − μ.")
        let (centredTrain, mean) = try centred(train)
        nb.table(["quantity", "value"], [
            ["mean image shape", Format.shape(mean.shape)],
            ["largest |column mean| after centring", Format.number(Double(centredTrain.mean(alongAxis: 0).abs().max()))],
        ])

        // MARK: 3. Principal components (exercise 1.2)
        nb.section("Principal components (exercise 1.2)", "The eigenvectors of the covariance C = (X − μ)ᵀ(X − μ)/(N − 1), sorted by eigenvalue, are the directions of largest variance.")
        let maxK = codeSizes.max()!
        let (components, variances) = try principalComponents(of: train, k: maxK + 1)
        let totalVariance = Double(centredTrain.squared().sum()) / Double(train.rows - 1)
        nb.table(["k", "λ_k", "explained variance (first k)", "eigengap λ_k − λ_{k+1}"], codeSizes.map { k in
            let explained = variances.prefix(k).reduce(0.0) { $0 + Double($1) } / totalVariance
            return ["\(k)", Format.number(variances[k - 1]), Format.percent(explained), Format.number(variances[k - 1] - variances[k])]
        })
        let figureComponents = Figure(title: "The first \(min(16, maxK)) principal components", subtitle: "signed pixel weights: red > 0, blue < 0")
        figureComponents.add(ImageGrid(title: "", images: components.columns(0..<min(16, maxK)).transposed, columns: 8,
                                       columnLabels: (1...min(16, maxK)).map { "PC \($0)" }, scaling: .signed))
        try nb.figure(figureComponents, name: "principal-components", caption: "The first principal components as images")

        // MARK: 4. PCA reconstructions (exercise 1.3)
        nb.section("Reconstruct from k components (exercise 1.3)", "Codes z = (x − μ)W and reconstructions x̂ = zWᵀ + μ. The test error falls as k grows.")
        var pcaMSE: [Int: Double] = [:]
        for k in codeSizes {
            let w = components.columns(0..<k)
            let codes = try pcaCodes(of: test, mean: mean, components: w)
            pcaMSE[k] = Evaluation.meanSquaredError(try pcaReconstruction(codes: codes, mean: mean, components: w), test)
        }
        nb.table(["k", "PCA test MSE"], codeSizes.map { ["\($0)", Format.number(pcaMSE[$0]!)] })

        // MARK: 5. Linear autoencoders (exercise 1.4)
        nb.section("Train linear autoencoders (exercise 1.4)", "Encoder x W_e + b_e, decoder z W_d + b_d, no nonlinearity, trained by Adam on your loss (learning rate with a cosine decay). If the theory holds, each reaches PCA's error and its decoder spans PCA's subspace: principal angles near 0°. Where two eigenvalues nearly coincide (a small eigengap) the last direction is ill-determined, so we also report the median angle.")
        var linearMSE: [Int: Double] = [:]
        var histories: [(Int, [Float])] = []
        var angleRows: [[String]] = []
        var decoders: [Int: Tensor] = [:]
        for k in codeSizes {
            let encoder = Dense(data.pixels, k, name: "encoder", using: &rng)
            let decoder = Dense(k, data.pixels, name: "decoder", using: &rng)
            let history = try fit(nb, "linear-k\(k)", encoder.parameters + decoder.parameters, on: train, epochs: epochs, training: training,
                                  label: "linear AE k=\(k)", seed: options.seed &+ UInt64(k)) { batch in
                try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder)
            }
            histories.append((k, history.loss))
            let reconstruction = Evaluation.inChunks(test) { decoder.evaluate(encoder.evaluate($0)) }
            linearMSE[k] = Evaluation.meanSquaredError(reconstruction, test)
            let decoderColumns = decoder.weight.value.transposed                  // [784, k]
            decoders[k] = decoderColumns
            let angles = principalAngles(between: decoderColumns, and: components.columns(0..<k))
            let gap = Double(variances[k - 1] - variances[k]) / Double(variances[k - 1])
            angleRows.append(["\(k)", Format.number(pcaMSE[k]!), Format.number(linearMSE[k]!),
                              Format.fixed(linearMSE[k]! / pcaMSE[k]!, 4), Format.fixed(angles.last!, 2) + "°",
                              Format.fixed(angles[angles.count / 2], 2) + "°", Format.percent(gap)])
            nb.metric("pca_test_mse_k\(k)", pcaMSE[k]!)
            nb.metric("linear_ae_test_mse_k\(k)", linearMSE[k]!)
            nb.metric("linear_ae_over_pca_k\(k)", linearMSE[k]! / pcaMSE[k]!)
            nb.metric("largest_angle_deg_k\(k)", angles.last!)
            nb.metric("median_angle_deg_k\(k)", angles[angles.count / 2])
        }
        nb.table(["k", "PCA MSE", "linear AE MSE", "ratio", "largest angle", "median angle", "relative eigengap"], angleRows)
        // The theory's two predictions, stated only where this run's numbers bear them out.
        let ratios = codeSizes.map { ($0, linearMSE[$0]! / pcaMSE[$0]!) }
        let matched = ratios.filter { $0.1 < 1.02 }.map(\.0), missed = ratios.filter { $0.1 >= 1.02 }
        if !matched.isEmpty {
            nb.say("At k = \(matched.map(String.init).joined(separator: ", ")) the linear autoencoder is within 2 % of PCA's test error, as the theory predicts; the median angles show how closely its subspace matches.")
        }
        if !missed.isEmpty {
            nb.say("At k = \(missed.map { "\($0.0) (ratio \(Format.fixed($0.1, 2)))" }.joined(separator: ", ")) the linear autoencoder is more than 2 % above PCA: training has not reached the optimum. Train longer (--epochs), or check your loss (1.4): the mean over images of the squared error summed over pixels, with both biases.")
        }

        // MARK: 6. Tied weights (exercise 1.5)
        let tiedK = codeSizes.contains(16) ? 16 : codeSizes.last!
        nb.section("Tied weights (exercise 1.5)", "The basic autoencoder ties the decoder to the encoder, W_d = W_eᵀ: half the parameters, the same optimum (the columns of W become orthonormal at the minimum).")
        var initial = SeededGenerator(seed: options.seed &+ 999)
        let tiedWeight = Variable(Tensor.randomNormal([data.pixels, tiedK], standardDeviation: 0.05, using: &initial), requiresGradient: true, name: "tied.weight")
        let tiedEncoderBias = Variable(Tensor.zeros([tiedK]), requiresGradient: true, name: "tied.encoderBias")
        let tiedDecoderBias = Variable(Tensor.zeros([data.pixels]), requiresGradient: true, name: "tied.decoderBias")
        _ = try fit(nb, "tied-k\(tiedK)", [tiedWeight, tiedEncoderBias, tiedDecoderBias], on: train, epochs: epochs, training: training,
                    label: "tied AE k=\(tiedK)", seed: options.seed &+ 7) { batch in
            try tiedAutoencoderLoss(batch: batch, weight: tiedWeight, encoderBias: tiedEncoderBias, decoderBias: tiedDecoderBias)
        }
        let tiedReconstruction = Evaluation.inChunks(test) { x in
            Tensor.matmul(Tensor.matmul(x, tiedWeight.value) + tiedEncoderBias.value, tiedWeight.value, transposeB: true) + tiedDecoderBias.value
        }
        let tiedMSE = Evaluation.meanSquaredError(tiedReconstruction, test)
        let gram = Tensor.matmul(tiedWeight.value, tiedWeight.value, transposeA: true)
        let tiedAngles = principalAngles(between: tiedWeight.value, and: components.columns(0..<tiedK))
        nb.table(["model (k = \(tiedK))", "parameters", "test MSE", "median angle to PCA", "max |WᵀW − I|"], [
            ["PCA", "—", Format.number(pcaMSE[tiedK]!), "0°", "—"],
            ["linear AE (untied)", "\(2 * data.pixels * tiedK + tiedK + data.pixels)", Format.number(linearMSE[tiedK]!), "—", "—"],
            ["linear AE (tied)", "\(data.pixels * tiedK + tiedK + data.pixels)", Format.number(tiedMSE), Format.fixed(tiedAngles[tiedAngles.count / 2], 2) + "°",
             Format.number(Double((gram - Tensor.identity(tiedK)).abs().max()))],
        ])
        nb.metric("tied_ae_test_mse_k\(tiedK)", tiedMSE)
        let orthonormality = Double((gram - Tensor.identity(tiedK)).abs().max())
        if orthonormality < 0.1 && tiedMSE < 1.05 * pcaMSE[tiedK]! {
            nb.say("Tied weights reach PCA's error within 5 % with half the parameters, and WᵀW is within \(Format.number(orthonormality, digits: 2)) of the identity: the columns are nearly orthonormal, as at the optimum.")
        } else {
            nb.say("The tied autoencoder is \(Format.percent(tiedMSE / pcaMSE[tiedK]! - 1)) above PCA's error and WᵀW is \(Format.number(orthonormality, digits: 2)) away from the identity: it has not reached the optimum yet. Train longer, or check your tied loss (1.5): x̂ = (xW + b_e)Wᵀ + b_d.")
        }

        // MARK: 7. A deep autoencoder against PCA
        let deepK = Array(Set([2, tiedK])).sorted()
        nb.section("A deep nonlinear autoencoder", "Hinton & Salakhutdinov (2006): a deep autoencoder (\(data.pixels)-256-64-k-64-256-\(data.pixels), ReLU, sigmoid output) can beat PCA at the same code size, because its codes are a nonlinear function of the image.")
        var deepModels: [Int: Autoencoder] = [:]
        var deepMSE: [Int: Double] = [:]
        var deepRows: [[String]] = []
        for k in deepK {
            let model = Autoencoder(sizes: [data.pixels, 256, 64, k], hidden: .relu, code: .identity, output: .sigmoid, using: &rng)
            // A third of the linear models' step size: deep ReLU networks diverge at 3e-3.
            _ = try fit(nb, "deep-k\(k)", model.parameters, on: train, epochs: max(1, epochs / 2), training: training, learningRateScale: 1.0 / 3,
                        label: "deep AE k=\(k)", seed: options.seed &+ 100 &+ UInt64(k)) { batch in
                meanSquaredError(predictions: model(Variable(batch)), targets: batch)
            }
            deepModels[k] = model
            deepMSE[k] = Evaluation.meanSquaredError(Evaluation.inChunks(test) { model.reconstruct($0) }, test)
            if pcaMSE[k] == nil {
                let wk = components.columns(0..<k)
                pcaMSE[k] = Evaluation.meanSquaredError(try pcaReconstruction(codes: try pcaCodes(of: test, mean: mean, components: wk), mean: mean, components: wk), test)
            }
            let pca = pcaMSE[k]!
            deepRows.append(["\(k)", Format.number(pca), Format.number(deepMSE[k]!), Format.percent(1 - deepMSE[k]! / pca)])
            nb.metric("deep_ae_test_mse_k\(k)", deepMSE[k]!)
        }
        nb.table(["k", "PCA test MSE", "deep AE test MSE", "error reduction"], deepRows)
        let beats = deepK.filter { deepMSE[$0]! < pcaMSE[$0]! }, loses = deepK.filter { deepMSE[$0]! >= pcaMSE[$0]! }
        if !beats.isEmpty { nb.say("The deep autoencoder beats PCA at k = \(beats.map(String.init).joined(separator: ", ")): a nonlinear code keeps more of the image than the best linear one.") }
        if !loses.isEmpty { nb.say("At k = \(loses.map(String.init).joined(separator: ", ")) the deep autoencoder does not beat PCA in this run — it trains for half the linear models' epochs and needs more data and epochs than a linear map. Try --epochs or the full dataset.") }

        // MARK: 8. Figures
        nb.section("Figures", "What the numbers look like.")
        let columns = min(8, tiedK)
        let pcs = components.columns(0..<columns).transposed
        // The projection of each principal component onto the decoder's column space: if the
        // subspaces agree, these look exactly like the components themselves.
        let q = orthonormalizedColumns(decoders[tiedK]!)
        let projected = Tensor.matmul(q, Tensor.matmul(q, components.columns(0..<columns), transposeA: true)).transposed
        let figureWeights = Figure(title: "Principal components vs the linear autoencoder's decoder (k = \(tiedK))",
                                   subtitle: "the decoder's columns are another basis of the same subspace; projecting each component onto that subspace recovers it")
        figureWeights.add(ImageGrid(title: "", tiles: pcs.arrayRows + decoders[tiedK]!.columns(0..<columns).transposed.arrayRows + projected.arrayRows,
                                    columns: columns, rowLabels: ["PCA components", "decoder columns", "PCs projected on decoder span"], scaling: .signed))
        try nb.figure(figureWeights, name: "components-vs-decoder", caption: "Principal components, raw decoder columns, and the components projected onto the decoder's column space")

        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = test.gatherRows(examples)
        let w = components.columns(0..<tiedK)
        let pcaRows = try pcaReconstruction(codes: try pcaCodes(of: originals, mean: mean, components: w), mean: mean, components: w)
        let linearRows = Tensor.matmul(Tensor.matmul(originals - mean, orthonormalizedColumns(decoders[tiedK]!)), orthonormalizedColumns(decoders[tiedK]!), transposeB: true) + mean
        let deepRowsImages = deepModels[tiedK]!.reconstruct(originals)
        let figureReconstructions = Figure(title: "Reconstructions from a \(tiedK)-dimensional code", subtitle: "one test image per class")
        figureReconstructions.add(ImageGrid(title: "", tiles: originals.arrayRows + pcaRows.arrayRows + linearRows.arrayRows + deepRowsImages.arrayRows,
                                            columns: examples.count,
                                            rowLabels: ["original", "PCA", "linear AE", "deep AE"],
                                            columnLabels: examples.map { data.shortClassName(data.test.labels[$0]) }))
        try nb.figure(figureReconstructions, name: "reconstructions", caption: "Original, PCA, linear-autoencoder and deep-autoencoder reconstructions")

        let figureMSE = Figure(title: "Test error against code size")
        figureMSE.add(LinePlot(title: "", xLabel: "code size k", yLabel: "test MSE", series: [
            .init("PCA", x: codeSizes.map(Double.init), y: codeSizes.map { pcaMSE[$0]! }, markers: true),
            .init("linear autoencoder", x: codeSizes.map(Double.init), y: codeSizes.map { linearMSE[$0]! }, dashed: true, markers: true),
            .init("deep autoencoder", x: deepK.map(Double.init), y: deepK.map { deepMSE[$0]! }, markers: true),
        ], logY: true))
        try nb.figure(figureMSE, name: "mse-vs-k", caption: "Test MSE of PCA, the linear autoencoder and the deep autoencoder against k")

        let pca2 = try pcaCodes(of: test, mean: mean, components: components.columns(0..<2))
        let deep2 = deepModels[2]!.encode(test)
        let figureCodes = Figure(title: "2-D codes of the test images", width: 1400, height: 640, columns: 2)
        figureCodes.add(ScatterPlot(title: "PCA (first two components)", xLabel: "z₁", yLabel: "z₂", x: pca2.column(0), y: pca2.column(1),
                                    classes: data.test.labels, classNames: data.classNames, markerRadius: 2.2, alpha: 0.6), column: 0)
        figureCodes.add(ScatterPlot(title: "deep autoencoder (k = 2)", xLabel: "z₁", yLabel: "z₂", x: deep2.column(0), y: deep2.column(1),
                                    classes: data.test.labels, classNames: data.classNames, markerRadius: 2.2, alpha: 0.6), column: 1)
        try nb.figure(figureCodes, name: "codes-2d", caption: "Test images in the 2-D code spaces of PCA and of a deep autoencoder, coloured by class")

        let figureLoss = Figure(title: "Training loss of the linear autoencoders", subtitle: "dashed: PCA's training-set optimum for the same k")
        let trainPCA: [Int: Double] = Dictionary(uniqueKeysWithValues: try codeSizes.map { k in
            let wk = components.columns(0..<k)
            return (k, Evaluation.meanSquaredError(try pcaReconstruction(codes: try pcaCodes(of: train, mean: mean, components: wk), mean: mean, components: wk), train))
        })
        figureLoss.add(LinePlot(title: "", xLabel: "epoch", yLabel: "training MSE",
                                series: histories.enumerated().map { i, h in .init("k = \(h.0)", y: h.1, color: .category(i)) },
                                logY: true, references: codeSizes.enumerated().map { (trainPCA[$0.element]!, "", Color.category($0.offset)) }))
        try nb.figure(figureLoss, name: "loss", caption: "Training loss per epoch, with PCA's optimum for each k")
    }

    /// Minibatch Adam with a cosine learning-rate decay to 5 % over the run, saved with the
    /// run as `name` (and reused by `--from-section`).
    static func fit(_ nb: Notebook, _ name: String, _ parameters: [Variable], on data: Tensor, epochs: Int, training: TrainingKnobs<Lab01>,
                    learningRateScale: Float = 1, label: String, seed: UInt64, loss: @escaping (Tensor) throws -> Variable) throws -> TrainingHistory {
        let learningRate = training.learningRate * learningRateScale
        let adam = Adam(parameters: parameters, learningRate: learningRate)
        var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: label, seed: seed)
        return try nb.trained(name, parameters: parameters) {
            try loop.run(on: data, optimizer: adam, afterEpoch: { epoch, _ in
                let progress = Float(epoch) / Float(epochs)
                adam.learningRate = learningRate * (0.05 + 0.95 * 0.5 * (1 + Float(cos(Double.pi * Double(progress)))))
            }) { batch, _ in LossTerms(try loss(batch)) }
        }
    }
}

import Foundation

extension Tensor {
    /// Column j of a matrix as Doubles (for scatter plots).
    func column(_ j: Int) -> [Double] { (0..<rows).map { Double(self[$0, j]) } }
}

LabCommand<Lab01>.main()
