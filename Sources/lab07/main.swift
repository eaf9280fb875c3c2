// Lab 07 — Convolutional autoencoder.
//
// Masci, Meier, Cireşan & Schmidhuber, "Stacked convolutional auto-encoders for hierarchical
// feature extraction", ICANN (2011); Dumoulin & Visin, "A guide to convolution arithmetic for
// deep learning" (2016).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab07/Lab07Convolution.swift (7.1–7.6).
//
//   swift run lab07 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab07 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab07Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

/// An autoencoder trained in this lab: its name, how to encode and reconstruct, its size, the
/// loss history and the seconds per epoch.
struct TrainedModel {
    let name: String
    let reconstruct: (Tensor) -> Tensor
    let parameterCount: Int
    let history: TrainingHistory
    var secondsPerEpoch: Double { history.seconds / Double(Swift.max(1, history.loss.count)) }
}

enum Lab07: LabProgram {
    static let info = LabInfo(
        number: 7, sections: 7,
        reference: "Masci, Meier, Cireşan & Schmidhuber (2011); Dumoulin & Visin (2016)",
        summary: """
            Images have structure a dense layer ignores: nearby pixels belong together, and an edge means the same \
            wherever it is. A convolution slides one small set of weights over the whole image. We write the \
            convolution arithmetic (output sizes, im2col, its adjoint col2im, the convolution as one matrix \
            product), then train a convolutional autoencoder 28×28×1 → 14×14×16 → 7×7×8 → 4×4×8 and back \
            against a dense one with the same 128-value code, and use it to remove noise.
            """)

    static let defaultLearningRate: Float = 2e-3

    struct Knobs: LabKnobs {
        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "Filters of each stride-2 convolution (default 16 8 8). Try 32 16 8, or 16 8.",
                valueName: "F"))
        var filters: [Int] = []
        @Option(help: "σ of the Gaussian noise the denoiser trains on. Try 0.5.")
        var noiseLevel: Float = 0.3

        func validate() throws {
            try requireKnob(
                filters.count <= 5 && filters.allSatisfy { (1...128).contains($0) },
                "--filters takes up to 5 counts between 1 and 128, got \(filters)")
            try requireKnob((0...2).contains(noiseLevel), "--noise-level must be in [0, 2], got \(noiseLevel)")
        }
    }

    static func notebook(_ run: LabRun<Lab07>) throws {
        let data = try run.dataSection(
            explanation: """
                Images x ∈ [0, 1]^(H·W), one channel, stored channels-last (HWC): with one channel that is the \
                usual row of H·W pixels.
                """)
        try run.outputSizes(data)
        try run.convolutionByMatrixProduct(data)
        try run.transposedConvolution(data)
        let models = try run.train(data)
        try run.denoise(models.noisy, data)
        try run.figures(models, data)
    }
}

extension Lab07 {
    /// A convolutional epoch costs about `convolutionCost` dense ones (measured on the sample).
    static func plannedWork(_ run: LabRun<Lab07>, _ data: Dataset) -> [PlannedWork] {
        let widths = [data.pixels, 256, 32, 256, data.pixels], n = data.train.count
        return [
            .dense("conv AE", widths, epochs: run.epochs, examples: n, factor: convolutionCost),
            .dense("dense AE", widths, epochs: run.epochs, examples: n),
            .dense("conv denoiser", widths, epochs: run.epochs, examples: n, factor: convolutionCost),
        ]
    }
    static let convolutionCost = 6.0
}

extension LabRun where Lab == Lab07 {
    var filters: [Int] { knobs.filters.isEmpty ? [16, 8, 8] : knobs.filters }
    var epochs: Int { options.epochs(default: 10, quick: 16) }

    /// The side of a 3 × 3 stride-2 "same" convolution's output on a side of n: your 7.1, which
    /// every convolution of this lab is built with.
    func outputSide(_ n: Int) throws -> Int {
        let m = try convolutionOutputSize(inputSize: n, kernel: 3, stride: 2, padding: .same)
        // Beyond these no kernel position touches the image: no convolution can be built on it.
        guard m >= 1, (m - 1) * 2 < n + 3 else {
            throw UnusableResult(
                "convolutionOutputSize(inputSize: \(n), kernel: 3, stride: 2, padding: .same) returned \(m), "
                    + "which no 3 × 3 stride-2 convolution of \(n) pixels has; this lab builds its convolutions "
                    + "with your 7.1 (Labs/Lab07/Lab07Convolution.swift)")
        }
        return m
    }

    /// The encoder's convolutions for images of the data's size.
    func encoderGrids(_ data: Dataset) throws -> [ConvolutionGrid] {
        var (h, w, c) = (data.height, data.width, 1)
        return try filters.map { count in
            let shape = ConvolutionShape(height: h, width: w, channels: c, kernel: 3, stride: 2, padding: .same)
            let grid = ConvolutionGrid(shape, outputHeight: try outputSide(h), outputWidth: try outputSide(w))
            (h, w, c) = (grid.outputHeight, grid.outputWidth, count)
            return grid
        }
    }

    func outputSizes(_ data: Dataset) throws {
        nb.section(
            "Output sizes (exercises 7.1, 7.5)",
            """
            A k × k kernel with stride s gives ⌊(n − k)/s⌋ + 1 positions without padding ("valid") and \
            ⌈n/s⌉ with zero padding ("same"). The encoder's 3 × 3 stride-2 "same" convolutions, which this lab \
            builds with your formula (7.1), and the input sizes each output size could have come from (7.5):
            """)
        var rows: [[String]] = [], wrong = 0
        for grid in try encoderGrids(data) {
            let (n, mine) = (grid.shape.height, grid.outputHeight)
            let back = try transposedOutputSizes(outputSize: mine, kernel: 3, stride: 2, padding: .same)
            // "same" at stride s: the kernel sits on pixels 0, s, 2s, … up to the last one, so
            // (m − 1)·s < n ≤ m·s; and n must be among the sizes 7.5 gives back.
            let fits = (mine - 1) * 2 < n && n <= mine * 2
            if !fits || !back.contains(n) { wrong += 1 }
            rows.append([
                "\(grid.shape.height) × \(grid.shape.width) × \(grid.shape.channels)", "\(mine)",
                "\(back.lowerBound)…\(back.upperBound)", fits && back.contains(n) ? "yes" : "no",
            ])
        }
        nb.table(["input", "your output size", "inputs that give it", "consistent"], rows)
        if wrong == 0 {
            nb.say(
                """
                Your sizes place a kernel on every second pixel, and 7.5 gives each input back. Each output size \
                comes from a range of input sizes: a transposed convolution cannot know which one to return to \
                unless it is told, so the decoder takes the geometry of the convolution it undoes.
                """)
        } else {
            nb.say(
                """
                In \(wrong) layers your output size does not place a kernel on every second pixel, or 7.5 does not \
                give the input back: check ⌈n/s⌉ (7.1) and its inverse (7.5). The lab's convolutions use your sizes.
                """)
        }
    }

    func convolutionByMatrixProduct(_ data: Dataset) throws {
        nb.section(
            "A convolution is one matrix product (exercises 7.2–7.4)",
            """
            im2col (7.2) copies every k × k × C patch into a row; the convolution is then P·W + b (7.4), one \
            column of W per filter. Its adjoint col2im (7.3) adds patch values back onto their pixels: \
            ⟨im2col(x), P⟩ = ⟨x, col2im(P)⟩ for all x and P. On test images with random 3 × 3 filters, \
            against the kit's convolution:
            """)
        var rng = SeededGenerator(seed: options.seed &+ 7)
        let shape = ConvolutionShape(
            height: data.height, width: data.width, channels: 1, kernel: 3, stride: 2,
            padding: .same)
        let grid = ConvolutionGrid(
            shape, outputHeight: try outputSide(data.height), outputWidth: try outputSide(data.width))
        let x = data.test.images.rows(0..<Swift.min(64, data.test.count))
        let w = Tensor.randomNormal([9, 4], using: &rng), b = Tensor.randomNormal([4], using: &rng)
        let start = Date()
        let patches = try im2col(x, shape)
        let mine = try convolution(patches: patches, filters: w, bias: b, shape)
        let seconds = Date().timeIntervalSince(start)
        let kit = conv2d(Variable(x), filters: Variable(w), bias: Variable(b), grid).value
        let difference = mine.shape == kit.shape ? Double((mine - kit).abs().max()) : .infinity
        let p = Tensor.randomNormal(patches.shape, using: &rng)
        let folded = try col2im(p, shape)
        let gap =
            folded.shape == x.shape
            ? Swift.abs(Double((patches * p).sum()) - Double((x * folded).sum()))
            : .infinity
        nb.table(
            ["check", "value"],
            [
                ["patches of \(x.rowCount) images", Format.shape(patches.shape)],
                ["max |your convolution − the kit's|", Format.number(difference, digits: 2)],
                ["|⟨im2col(x), P⟩ − ⟨x, col2im(P)⟩|", Format.number(gap, digits: 2)],
            ])
        let timing = ["your im2col + matrix product (\(x.rowCount) images)", Format.fixed(seconds * 1000, 1) + " ms"]
        nb.table(["", "time"], [timing], inReport: false)
        if difference < 1e-4 && gap < 1e-2 * Swift.max(1, Double((x * folded).abs().sum()) * 1e-4) {
            nb.say("Your im2col, col2im and matrix-product convolution agree with the kit's, to Float32 rounding.")
        } else {
            nb.say(
                """
                They disagree: check the patch order (ky, kx, c), the padding split (the smaller half on top and \
                left), and that col2im adds (+=) rather than overwrites where patches overlap.
                """)
        }
    }

    func transposedConvolution(_ data: Dataset) throws {
        nb.section(
            "The transposed convolution is the convolution's gradient",
            """
            The decoder draws with transposed convolutions: y = col2im(z · Wᵀ). It is the adjoint of the \
            convolution, ⟨conv(u; W), v⟩ = ⟨u, convᵀ(v; W)⟩, and so also the convolution's gradient with \
            respect to its input. Your col2im (7.3) against the kit's transposed convolution, going back from 4 × 4 \
            to 7 × 7:
            """)
        var rng = SeededGenerator(seed: options.seed &+ 8)
        let shape = ConvolutionShape(height: 7, width: 7, channels: 8, kernel: 3, stride: 2, padding: .same)
        let side = try outputSide(7)
        let grid = ConvolutionGrid(shape, outputHeight: side, outputWidth: side)
        let w = Tensor.randomNormal([shape.patchSize, 8], using: &rng)
        let z = Tensor.randomNormal([3, grid.positions * 8], using: &rng)
        let mine = try col2im(Tensor.matmul(z.reshaped([3 * grid.positions, 8]), w, transposeB: true), shape)
        let kit = convTranspose2d(Variable(z), filters: Variable(w), bias: Variable(.zeros([8])), grid).value
        let difference = mine.shape == kit.shape ? Double((mine - kit).abs().max()) : .infinity
        nb.table(
            ["check", "value"],
            [
                ["output shape (3 codes)", Format.shape(mine.shape)],
                ["max |col2im(z·Wᵀ) − convᵀ(z)|", Format.number(difference, digits: 2)],
            ])
        nb.say(
            difference < 1e-4
                ? "They agree: a transposed convolution is col2im after one matrix product."
                : "They disagree: check col2im (7.3) — it must be the exact adjoint of your im2col.")
    }
}

/// An exercise's result the lab cannot go on with, and why.
struct UnusableResult: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The three models: a convolutional and a dense autoencoder with the same code size, and the
/// convolutional one trained as a denoiser.
struct Models {
    let conv: TrainedModel, dense: TrainedModel, noisy: TrainedModel
    let convNetwork: ConvAutoencoder, denoiser: ConvAutoencoder
}

extension LabRun where Lab == Lab07 {
    /// A convolutional autoencoder for the data's images, its output starting at the mean pixel.
    func convAutoencoder(_ data: Dataset, using rng: inout SeededGenerator) throws -> ConvAutoencoder {
        try ConvAutoencoder(
            height: data.height, width: data.width, filters: filters, outputMean: data.train.images.mean(),
            outputSize: outputSide, using: &rng)
    }

    func train(_ data: Dataset) throws -> Models {
        var rng = SeededGenerator(seed: options.seed)
        let conv = try convAutoencoder(data, using: &rng), code = conv.codeShape
        let sizes = try encoderGrids(data).map { "\($0.outputHeight)×\($0.outputWidth)" }.joined(separator: " → ")
        nb.section(
            "Train a convolutional and a dense autoencoder (exercise 7.6)",
            """
            Convolutional: \(data.height)×\(data.width)×1 → \(sizes) with \
            \(filters.map(String.init).joined(separator: ", ")) filters (3 × 3, \
            stride 2, ReLU), a linear \(code.height)×\(code.width)×\(code.channels) = \(conv.codeSize)-value code, \
            and transposed convolutions back to a sigmoid output whose bias starts at the logit of the mean \
            training pixel (\(Format.fixed(Double(data.train.images.mean()), 3))), so training starts from the \
            average image. Dense: \
            \(data.pixels)-256-\(conv.codeSize)-256-\(data.pixels) (ReLU, linear code, sigmoid output), the same code \
            size. Both: your loss (7.6), Adam (learning rate \(Format.number(training.learningRate))), batch \
            \(training.batchSize), \(epochs) epochs.
            """)
        let dense = Autoencoder(
            sizes: [data.pixels, 256, conv.codeSize], hidden: .relu, code: .identity,
            output: .sigmoid, using: &rng)
        let denoiser = try convAutoencoder(data, using: &rng)
        let train = data.train.images, sigma = knobs.noiseLevel
        let convHistory = try trainWithAdam(
            "conv-ae", conv.parameters, on: train, epochs: epochs, label: "conv AE",
            seed: options.seed &+ 1
        ) { batch, _ in
            LossTerms(try convAutoencoderLoss(model: conv, clean: batch, input: batch))
        }
        let denseHistory = try trainWithAdam(
            "dense-ae", dense.parameters, on: train, epochs: epochs, label: "dense AE",
            seed: options.seed &+ 2
        ) { batch, _ in
            LossTerms(meanSquaredError(predictions: dense(Variable(batch)), targets: batch))
        }
        let noisyHistory = try trainWithAdam(
            "conv-denoiser", denoiser.parameters, on: train, epochs: epochs,
            label: "conv denoiser", seed: options.seed &+ 3
        ) { batch, generator in
            let noise = Tensor.randomNormal(batch.shape, standardDeviation: sigma, using: &generator)
            let noisy = (batch + noise).clamped(0, 1)
            return LossTerms(try convAutoencoderLoss(model: denoiser, clean: batch, input: noisy))
        }
        let models = Models(
            conv: TrainedModel(
                name: "convolutional", reconstruct: conv.reconstruct,
                parameterCount: conv.parameterCount, history: convHistory),
            dense: TrainedModel(
                name: "dense", reconstruct: dense.reconstruct, parameterCount: dense.parameterCount,
                history: denseHistory),
            noisy: TrainedModel(
                name: "convolutional denoiser (σ = \(Format.number(sigma)))",
                reconstruct: denoiser.reconstruct, parameterCount: denoiser.parameterCount,
                history: noisyHistory),
            convNetwork: conv, denoiser: denoiser)
        try compare(models, data)
        return models
    }

    /// Test error, size and speed of the two autoencoders, and what they show.
    func compare(_ models: Models, _ data: Dataset) throws {
        let test = data.test.images
        let both = [models.conv, models.dense]
        let errors = both.map { Evaluation.meanSquaredError(of: $0.reconstruct, from: test, to: test) }
        nb.table(
            ["autoencoder", "parameters", "code size", "test MSE"],
            zip(both, errors).map { model, error in
                [model.name, "\(model.parameterCount)", "\(models.convNetwork.codeSize)", Format.number(error)]
            })
        nb.table(
            ["autoencoder", "seconds per epoch"],
            [models.conv, models.dense].map {
                [$0.name, $0.history.seconds > 0 ? Format.fixed($0.secondsPerEpoch, 2) : "(reused)"]
            }, inReport: false)
        nb.metric("conv_ae_test_mse", errors[0])
        nb.metric("dense_ae_test_mse", errors[1])
        nb.metric("conv_ae_parameters", Double(models.conv.parameterCount))
        nb.metric("dense_ae_parameters", Double(models.dense.parameterCount))
        let ratio = Double(models.dense.parameterCount) / Double(models.conv.parameterCount)
        // What a network that learned nothing gives: every pixel the training images' mean pixel.
        let meanPixel = data.train.images.mean()
        let constant = Evaluation.meanSquaredError(Tensor(repeating: meanPixel, shape: test.shape), test)
        nb.metric("constant_image_mse", constant)
        if errors[0] > 0.8 * constant {
            nb.say(
                """
                The convolutional autoencoder has learned little: its test MSE \(Format.number(errors[0])) is close to \
                that of one constant image, every pixel \(Format.fixed(Double(meanPixel), 3)) \
                (\(Format.number(constant))). Its output is nearly the same for every input — look at the \
                reconstructions below. More epochs (--epochs) or a lower learning rate may get it going.
                """)
        } else if errors[0] <= errors[1] {
            nb.say(
                """
                With the same \(models.convNetwork.codeSize)-value code the convolutional autoencoder reconstructs at \
                least as well (\(Format.number(errors[0])) against \(Format.number(errors[1]))) with \
                \(Format.fixed(ratio, 0))× fewer parameters: its filters are shared across the image.
                """)
        } else {
            nb.say(
                """
                Here the dense autoencoder reconstructs better (\(Format.number(errors[1])) against \
                \(Format.number(errors[0]))), with \(Format.fixed(ratio, 0))× more parameters. To see what the \
                convolutional one gains from width or time, try --filters 32 16 8 or --epochs 30 and compare.
                """)
        }
    }

    func denoise(_ denoiser: TrainedModel, _ data: Dataset) throws {
        let sigma = knobs.noiseLevel
        nb.section(
            "Denoising with convolutions",
            """
            The same convolutional autoencoder trained on images with Gaussian noise of σ = \(Format.number(sigma)) \
            (clipped to [0, 1], drawn afresh for every minibatch) and scored against the clean ones — as in the \
            Keras and TensorFlow tutorials. On the test images, noised once with a fixed seed:
            """)
        var noise = SeededGenerator(seed: options.seed &+ 1000)
        let test = data.test.images
        let noisy = (test + Tensor.randomNormal(test.shape, standardDeviation: sigma, using: &noise)).clamped(0, 1)
        let before = Evaluation.meanSquaredError(noisy, test)
        let after = Evaluation.meanSquaredError(of: denoiser.reconstruct, from: noisy, to: test)
        nb.table(
            ["", "MSE against the clean images", "PSNR (dB)"],
            [
                ["noisy input", Format.number(before), Format.fixed(Evaluation.psnr(mse: before), 1)],
                [denoiser.name, Format.number(after), Format.fixed(Evaluation.psnr(mse: after), 1)],
            ])
        nb.metric("noisy_input_mse", before)
        nb.metric("conv_denoiser_mse", after)
        if after < 0.5 * before {
            nb.say("The denoiser removes \(Format.percent(1 - after / before)) of the squared error the noise added.")
        } else if after < before {
            nb.say("It removes less than half the noise (\(Format.percent(1 - after / before))). Train longer.")
        } else {
            nb.say(
                """
                The output is further from the clean images than the noisy input: the denoiser has not learned to \
                keep the image yet (more epochs, --epochs, may help).
                """)
        }
    }
}

extension LabRun where Lab == Lab07 {
    func figures(_ models: Models, _ data: Dataset) throws {
        nb.section("Figures", "What the convolutions learned, and what they give back.")
        let first = models.convNetwork.encoderLayers[0]
        let filterFigure = Figure(title: "The first layer's \(first.filterCount) filters (3 × 3 weights)")
        filterFigure.add(
            ImageGrid(
                title: "", images: first.filters.value.transposed, columns: 8,
                scaling: .signedShared, tileWidth: 3, tileHeight: 3, colorbarLabel: "weight"))
        try nb.figure(filterFigure, name: "filters", caption: "The 3 × 3 filters of the first convolution")

        // One test image through the first layer: one feature map per filter (channels last).
        let example = data.test.images.rows(0..<1)
        let maps = first.evaluate(example)
        let (h, w, f) = first.outputSize
        let tiles = (0..<f).map { c in (0..<(h * w)).map { maps.scalars[$0 * f + c] } }
        let mapFigure = Figure(
            title: "What the first layer sees: its \(f) feature maps of one test image",
            subtitle: "ReLU outputs, \(h) × \(w) each, shown at the image's size; "
                + "each filter responds to its own pattern")
        mapFigure.add(
            ImageGrid(
                title: "", imageShape: data.imageShape,
                tiles: [example.scalars]
                    + tiles.map { tile in
                        let top = Swift.max(tile.max() ?? 1, 1e-6)
                        return resample(tile.map { $0 / top }, from: (h, w), to: (data.height, data.width))
                    }, tileWidth: data.width, tileHeight: data.height, columns: 9,
                tileLabels: ["input"] + (1...f).map { "filter \($0)" }, scaling: .unit))
        try nb.figure(mapFigure, name: "feature-maps", caption: "A test image and the first layer's feature maps of it")
        try imageFigures(models, data)
    }

    /// Reconstructions by both autoencoders, denoising, and the training losses.
    func imageFigures(_ models: Models, _ data: Dataset) throws {
        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples)
        let reconstructions = Figure(title: "Reconstructions of one test image per class, from the same code size")
        let rows = [
            ("original", originals), ("dense AE", models.dense.reconstruct(originals)),
            ("conv AE", models.conv.reconstruct(originals)),
        ]
        reconstructions.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(
            reconstructions, name: "reconstructions",
            caption: "Originals, dense and convolutional reconstructions")

        var noise = SeededGenerator(seed: options.seed &+ 2000)
        let noisy =
            (originals
            + Tensor.randomNormal(
                originals.shape, standardDeviation: knobs.noiseLevel,
                using: &noise)).clamped(0, 1)
        let denoising = Figure(title: "Denoising with the convolutional autoencoder")
        let noisyRows = [("clean", originals), ("noisy", noisy), ("denoised", models.noisy.reconstruct(noisy))]
        denoising.add(FigureHelpers.labelledRows(noisyRows, of: data, testIndices: examples))
        try nb.figure(denoising, name: "denoising", caption: "Clean, noisy and denoised test images")

        let loss = Figure(title: "Training loss")
        let series = [models.conv, models.dense, models.noisy].map { LinePlot.Series($0.name, y: $0.history.loss) }
        loss.add(LinePlot(title: "", xLabel: "epoch", yLabel: "training MSE", series: series, logY: true))
        try nb.figure(loss, name: "loss", caption: "Training loss per epoch of the three models")
    }
}

/// Nearest-neighbour resampling of an h × w image to H × W, so feature maps tile at the image's size.
func resample(_ pixels: [Float], from source: (Int, Int), to target: (Int, Int)) -> [Float] {
    (0..<(target.0 * target.1)).map { i in
        let (y, x) = (i / target.1 * source.0 / target.0, i % target.1 * source.1 / target.1)
        return pixels[y * source.1 + x]
    }
}

LabCommand<Lab07>.main()
