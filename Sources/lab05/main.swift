// Lab 05 — Variational autoencoder and the reparameterization trick.
//
// Kingma & Welling, "Auto-encoding variational Bayes", ICLR (2014); Rezende, Mohamed &
// Wierstra, "Stochastic backpropagation and approximate inference in deep generative
// models", ICML (2014).
//
// Read top to bottom: each numbered section explains a step, then runs it. The student's
// code is in Labs/Lab05/Lab05VAE.swift (exercises 5.1–5.5).
//
//   swift run lab05 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab05 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab05Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

/// Encoder x → (μ, log σ²) and decoder z → logits: D-512-(μ, log σ²)-512-D.
final class VAE {
    let latentSize: Int
    let body: Sequential, head: Dense, decoder: Sequential

    init(pixels: Int, latentSize: Int, using rng: inout SeededGenerator) {
        self.latentSize = latentSize
        body = .mlp([pixels, 512], output: .relu, name: "encoder", using: &rng)
        head = Dense(512, 2 * latentSize, name: "encoder.head", using: &rng)
        decoder = .mlp([latentSize, 512, pixels], hidden: .relu, output: .identity, name: "decoder", using: &rng)
    }

    var parameters: [Variable] { body.parameters + head.parameters + decoder.parameters }

    func encode(_ x: Variable) -> (mu: Variable, logVariance: Variable) {
        let statistics = head(body(x))
        return (statistics.columns(0..<latentSize), statistics.columns(latentSize..<(2 * latentSize)))
    }

    /// The negative ELBO of a batch and its parts, with your reparameterization and loss.
    func loss(_ x: Tensor, _ rng: inout SeededGenerator)
        throws -> (total: Variable, reconstruction: Variable, kl: Variable)
    {
        let (mu, logVariance) = encode(Variable(x))
        let z = try reparameterize(mu: mu, logVariance: logVariance, using: &rng)
        return try negativeELBO(batch: x, logits: decoder(z), mu: mu, logVariance: logVariance)
    }
}

/// A trained VAE and its test (−ELBO, reconstruction, KL) after each epoch, in nats per image.
struct TrainedVAE {
    let vae: VAE
    let testCurve: [(elbo: Float, reconstruction: Float, kl: Float)]
    var latentSize: Int { vae.latentSize }
}

enum Lab05: LabProgram {
    static let info = LabInfo(
        number: 5, sections: 6,
        reference: "Kingma & Welling (2014); Rezende, Mohamed & Wierstra (2014)",
        summary: """
            A VAE's encoder outputs a distribution q(z | x) = N(μ, σ²) instead of a code; sampling z = μ + σ ⊙ ε \
            keeps the sample differentiable. Training maximises the evidence lower bound: reconstruct x from z \
            (Bernoulli cross-entropy) while keeping q close to the prior N(0, I) (KL). We train a 2-D VAE to look at \
            its latent space and a 20-D VAE for quality, sample new images and interpolate between codes.
            """)

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(help: "Latent size of the second VAE (the 2-D one is always trained, for the pictures). Try 5 or 64.")
        var latent = 20

        func validate() throws {
            try requireKnob(
                (3...256).contains(latent),
                "--latent must be between 3 and 256 (the 2-D VAE is trained anyway), got \(latent)")
        }
    }

    static func notebook(_ run: LabRun<Lab05>) throws {
        let data = try run.dataSection(
            explanation: """
                Pixels in [0, 1] are read as Bernoulli means; the decoder outputs logits, and the reconstruction term \
                is the Bernoulli cross-entropy summed over the 784 pixels.
                """)
        try run.theReparameterizationTrick()
        let (small, large) = try run.train(data)
        let codes = try run.klPerDimension(large, data)
        try run.samplingAndInterpolation(large, codes, data)
        try run.theLatentSpace(small, large, data)
    }
}

extension Lab05 {
    /// Each epoch also scores the test set (a forward pass, a third of a training step's work).
    static func plannedWork(_ run: LabRun<Lab05>, _ data: Dataset) -> [PlannedWork] {
        let d = data.pixels, examples = data.train.count + data.test.count / 3
        return [2, run.large].map {
            .dense(LabRun<Lab05>.label(latent: $0), [d, 512, 2 * $0, 512, d], epochs: run.epochs, examples: examples)
        }
    }
}

extension LabRun where Lab == Lab05 {
    /// The latent size of the second VAE (`--latent`).
    var large: Int { knobs.latent }

    func theReparameterizationTrick() throws {
        nb.section(
            "The reparameterization trick (exercise 5.1)",
            """
            z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, I). With μ = 1 and log σ² = log 4 (σ = 2), 20,000 samples should \
            have mean 1 and standard deviation 2, and the gradient of Σz reaches both μ (∂z/∂μ = 1) and log σ² \
            (∂z/∂log σ² = ½σε).
            """)
        var probe = SeededGenerator(seed: options.seed &+ 1)
        let mu = Variable(Tensor(repeating: 1, shape: [20000, 1]), requiresGradient: true)
        let logVariance = Variable(
            Tensor(repeating: Float(Foundation.log(4.0)), shape: [20000, 1]),
            requiresGradient: true)
        let z = try reparameterize(mu: mu, logVariance: logVariance, using: &probe)
        try z.sum().backward()
        let zMean = z.value.mean(), zStd = (z.value - zMean).squared().mean().squareRoot()
        let muGradient = mu.grad?.mean() ?? .nan
        let varianceGradient = ((logVariance.grad ?? .zeros([20000, 1])) * (z.value - 1)).mean()
        nb.table(
            ["quantity", "expected", "measured"],
            [
                ["mean of z", "1", Format.number(zMean)], ["std of z", "2", Format.number(zStd)],
                ["mean ∂Σz/∂μ", "1", Format.number(muGradient)],
                ["mean ∂Σz/∂log σ² · (z − μ)", "½ E[σ²ε²] = 2", Format.number(varianceGradient)],
            ])
        // 20,000 draws: the standard error of the mean is 2/√20000 ≈ 0.014, of the std ≈ 0.01.
        let agree =
            Swift.abs(zMean - 1) < 0.06 && Swift.abs(zStd - 2) < 0.05 && Swift.abs(muGradient - 1) < 1e-3
            && Swift.abs(varianceGradient - 2) < 0.15
        if agree {
            nb.say(
                """
                All four agree with the expected values within sampling error (the mean of 20,000 draws varies by \
                about ±0.014): your sampler draws from N(μ, σ²) and the gradient reaches both μ and log σ².
                """)
        } else {
            nb.say(
                """
                Some of the four are off by more than sampling error allows (the mean of 20,000 draws varies by \
                about ±0.014). Check (5.1): σ = exp(½ log σ²), not exp(log σ²); a fresh ε for every entry; and z \
                built from μ and log σ² as Variables so the gradient reaches both.
                """)
        }
    }

    var epochs: Int { options.epochs(default: 20, quick: 2) }
    static func label(latent: Int) -> String { "VAE z=\(latent)" }

    func train(_ data: Dataset) throws -> (small: TrainedVAE, large: TrainedVAE) {
        nb.section(
            "Train a 2-D and a \(large)-D VAE (exercises 5.2, 5.3)",
            """
            \(data.pixels)-512-(μ, log σ²)-512-\(data.pixels) with ReLU, Adam (learning rate \
            \(Format.number(training.learningRate))), batch \(training.batchSize), \(epochs) epochs, on your \
            negative ELBO = Σ BCE + KL(N(μ, σ²) ‖ N(0, I)) per image. The test negative ELBO (nats per image, \
            lower is better) is measured after each epoch with a fixed noise seed.
            """)
        var rng = SeededGenerator(seed: options.seed)
        let vaes = try [2, large].map { try trainVAE(latent: $0, epochs: epochs, data, &rng) }
        let reported = Array(Set([1, epochs / 4, epochs / 2, 3 * epochs / 4, epochs].filter { $0 >= 1 })).sorted()
        let headers = ["epoch", "2-D: −ELBO", "reconstruction", "KL", "\(large)-D: −ELBO", "reconstruction", "KL"]
        nb.table(
            headers,
            reported.map { e in
                ["\(e)"]
                    + vaes.flatMap { v in
                        let c = v.testCurve[e - 1]
                        return [
                            Format.fixed(Double(c.elbo), 1), Format.fixed(Double(c.reconstruction), 1),
                            Format.fixed(Double(c.kl), 2),
                        ]
                    }
            })
        for v in vaes {
            let last = v.testCurve.last!
            nb.metric("z\(v.latentSize)_test_negative_elbo", Double(last.elbo))
            nb.metric("z\(v.latentSize)_test_reconstruction", Double(last.reconstruction))
            nb.metric("z\(v.latentSize)_test_kl", Double(last.kl))
        }
        conclusions(vaes)
        return (vaes[0], vaes[1])
    }

    /// Whether the test −ELBO fell, and the reference numbers.
    func conclusions(_ vaes: [TrainedVAE]) {
        for v in vaes where v.testCurve.count > 1 {
            let first = Format.fixed(Double(v.testCurve.first!.elbo), 1)
            let last = Format.fixed(Double(v.testCurve.last!.elbo), 1)
            if v.testCurve.last!.elbo < v.testCurve.first!.elbo {
                nb.say("\(v.latentSize)-D: the test −ELBO fell from \(first) to \(last) nats over the epochs.")
            } else {
                nb.say(
                    """
                    \(v.latentSize)-D: the test −ELBO did not fall (\(first) → \(last) nats). Check the signs in \
                    your KL (5.2) and ELBO (5.3): both terms are added, and the KL is ≥ 0.
                    """)
            }
        }
        nb.say(
            """
            JAX reference on the full set (60,000 images): 266 / 264 / 262.5 nats after 10 / 20 / 30 epochs with a \
            2-D code and 244 / 242 / 241 with a 20-D code (KL ≈ 6 and ≈ 16 nats). The sample has a tenth of the \
            images, so expect a few nats more.
            """)
    }

    /// Trains one VAE (or reuses it with --from-section); the test curve is saved with the model.
    func trainVAE(latent: Int, epochs: Int, _ data: Dataset, _ rng: inout SeededGenerator) throws -> TrainedVAE {
        let vae = VAE(pixels: data.pixels, latentSize: latent, using: &rng)
        let adam = Adam(parameters: vae.parameters, learningRate: training.learningRate)
        var loop = TrainingLoop(
            epochs: epochs, batchSize: training.batchSize, label: Self.label(latent: latent),
            seed: options.seed &+ UInt64(latent))
        // One (−ELBO, reconstruction, KL) per epoch: a saved record of another length is not reused.
        let isUsable = { (curve: [[Float]]) in curve.count == epochs && curve.allSatisfy { $0.count == 3 } }
        let name = "vae-z\(latent)"
        let curve = try nb.trained(name, parameters: vae.parameters, progressLabel: loop.label, isUsable: isUsable) {
            () throws -> [[Float]] in
            var measured: [[Float]] = []
            _ = try loop.run(
                on: data.train.images, optimizer: adam,
                afterEpoch: { _, _ in
                    let (elbo, reconstruction, kl) = try Lab05.testELBO(vae, data.test.images, seed: options.seed &+ 77)
                    measured.append([elbo, reconstruction, kl])
                }
            ) { batch, generator in
                let loss = try vae.loss(batch, &generator)
                return LossTerms(
                    loss.total,
                    parts: [
                        ("reconstruction", loss.reconstruction.value.scalar),
                        ("KL", loss.kl.value.scalar),
                    ])
            }
            return measured
        }
        return TrainedVAE(vae: vae, testCurve: curve.map { ($0[0], $0[1], $0[2]) })
    }

    /// Returns the large VAE's test codes μ and log σ².
    func klPerDimension(_ trained: TrainedVAE, _ data: Dataset) throws -> (mu: Variable, logVariance: Variable) {
        nb.section(
            "KL per latent dimension",
            """
            KL(q ‖ p) splits over dimensions: KLⱼ = −½ E[1 + log σⱼ² − μⱼ² − σⱼ²]. A dimension with KLⱼ ≈ 0 \
            carries no information about x (q equals the prior there): an inactive dimension. We count dimensions \
            with KLⱼ > 0.05 nats as active.
            """)
        let codes = withoutGradients { trained.vae.encode(Variable(data.test.images)) }
        let perDimension = try (0..<large).map { j in
            let column = j..<(j + 1)
            let kl = try gaussianKL(mu: codes.mu.columns(column), logVariance: codes.logVariance.columns(column))
            return Double(kl.value.scalar)
        }
        let active = perDimension.filter { $0 > 0.05 }.count
        let order = perDimension.indices.sorted { perDimension[$0] > perDimension[$1] }
        nb.table(
            ["", "KL per dimension, largest first (nats)"],
            stride(from: 0, to: large, by: 5).map { start in
                let end = Swift.min(start + 5, large)
                let entries = order[start..<end].map { "z\($0 + 1): \(Format.number(perDimension[$0], digits: 3))" }
                return ["\(start + 1)–\(end)", entries.joined(separator: "  ")]
            })
        nb.say(
            "\(active) of \(large) dimensions are active (KLⱼ > 0.05 nats)"
                + (active < large ? "; the KL term has switched the other \(large - active) off." : "."))
        let figure = Figure(title: "KL per latent dimension of the \(large)-D VAE (test set)", height: 480)
        figure.add(
            BarChart(
                title: "", xLabel: "latent dimension", yLabel: "KLⱼ (nats per image)",
                categories: (1...large).map { "\($0)" }, series: [("KL", perDimension)]))
        try nb.figure(
            figure, name: "kl-per-dimension",
            caption: "KL per latent dimension; dimensions near 0 are inactive")
        nb.metric("z\(large)_active_dimensions", Double(active))
        return codes
    }

    func samplingAndInterpolation(
        _ trained: TrainedVAE, _ codes: (mu: Variable, logVariance: Variable),
        _ data: Dataset
    ) throws {
        nb.section(
            "Sampling and interpolation (exercises 5.4, 5.5)",
            """
            New images: z ~ N(0, I) through the decoder. Interpolation: decode (1 − t)μ(x₀) + tμ(x₁) for t from 0 \
            to 1 — a VAE's latent space is smooth enough that every step is a plausible image.
            """)
        var sampler = SeededGenerator(seed: options.seed &+ 9)
        let decoder = trained.vae.decoder
        let samples = try samplePrior(count: 40, latentSize: large, decoder: decoder, using: &sampler)
        let figureSamples = Figure(
            title: "Random samples from the \(large)-D VAE",
            subtitle: "z ~ N(0, I), decoded to Bernoulli means")
        figureSamples.add(ImageGrid(title: "", imageShape: data.imageShape, images: samples, columns: 10))
        try nb.figure(figureSamples, name: "samples", caption: "Images decoded from random codes z ~ N(0, I)")

        let ends = Evaluation.showcase(data.test.labels, preferredClasses: [0, 1, 2, 7, 5, 9, 3, 4])
        let pairs = stride(from: 0, to: ends.count - 1, by: 2).map { (ends[$0], ends[$0 + 1]) }
        var tiles: [[Float]] = [], labels: [String] = []
        for (a, b) in pairs {
            let path = try interpolate(from: codes.mu.value.row(a), to: codes.mu.value.row(b), steps: 10)
            tiles += decoder.evaluate(path).sigmoid().arrayRows
            labels.append(FigureHelpers.classLabels(data, testIndices: [a, b]).joined(separator: " → "))
        }
        let figure = Figure(title: "Interpolation between the codes of two test images (\(large)-D VAE)")
        figure.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, tiles: tiles, columns: 10, rowLabels: labels,
                columnLabels: (0..<10).map { "t = \(Format.fixed(Double($0) / 9, 2))" }))
        try nb.figure(
            figure, name: "interpolation",
            caption: "Decoded linear interpolations between μ of two test images")
    }

    func theLatentSpace(_ small: TrainedVAE, _ large: TrainedVAE, _ data: Dataset) throws {
        nb.section(
            "The 2-D latent space",
            """
            With two latent dimensions we can look at the whole space: where the test images land, and what the \
            decoder draws at every point.
            """)
        let mu = withoutGradients { small.vae.encode(Variable(data.test.images)).mu.value }
        let codes = Figure(title: "Test images in the 2-D latent space (μ of q(z | x))", height: 760)
        codes.add(
            ScatterPlot(
                title: "", xLabel: "z₁", yLabel: "z₂", x: (0..<mu.rowCount).map { Double(mu[$0, 0]) },
                y: (0..<mu.rowCount).map { Double(mu[$0, 1]) }, classes: data.test.labels,
                classNames: data.classNames))
        try nb.figure(codes, name: "latent-2d", caption: "Test codes μ in 2-D, coloured by class")

        let quantiles = (0..<15).map { Lab05.normalQuantile((Double($0) + 0.5) / 15) }
        var grid: [Float] = []
        for q2 in quantiles.reversed() { for q1 in quantiles { grid += [Float(q1), Float(q2)] } }
        let manifold = small.vae.decoder.evaluate(Tensor(shape: [225, 2], scalars: grid)).sigmoid()
        func label(_ q: Double) -> String { Format.fixed(Swift.abs(q) < 0.05 ? 0 : q, 1) }
        let figure = Figure(
            title: "The decoded 2-D manifold",
            subtitle: """
                z on a 15×15 grid of Gaussian quantiles (columns: z₁, rows: z₂, as on the latent scatter), so each \
                cell covers equal prior probability
                """)
        figure.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, images: manifold, columns: 15,
                rowLabels: quantiles.reversed().map { "z₂ = " + label($0) },
                columnLabels: quantiles.map(label), spacing: 0))
        try nb.figure(
            figure, name: "manifold-2d",
            caption: "Decoder outputs over a grid of Gaussian quantiles in the 2-D latent space")
        try reconstructionAndLossFigures([small, large], data)
    }

    /// Reconstructions by both VAEs (one sample z ~ q(z | x) each) and the test curves.
    func reconstructionAndLossFigures(_ vaes: [TrainedVAE], _ data: Dataset) throws {
        let examples = Evaluation.examplesOfEachClass(data.test.labels, classes: data.classCount)
        let originals = data.test.images.gatherRows(examples)
        var noise = SeededGenerator(seed: options.seed &+ 11)
        let rows =
            try [("original", originals)]
            + vaes.map { trained in
                let vae = trained.vae
                return (
                    "\(trained.latentSize)-D VAE",
                    try withoutGradients {
                        let (m, v) = vae.encode(Variable(originals))
                        return vae.decoder(try reparameterize(mu: m, logVariance: v, using: &noise)).value.sigmoid()
                    }
                )
            }
        let reconstructions = Figure(title: "Reconstructions (one sample z ~ q(z | x) each)")
        reconstructions.add(FigureHelpers.labelledRows(rows, of: data, testIndices: examples))
        try nb.figure(
            reconstructions, name: "reconstructions",
            caption: "Test images and their reconstructions by both VAEs")

        let loss = Figure(
            title: "Test negative ELBO and its parts (nats per image)", width: 1500, height: 520,
            columns: 3)
        let parts: [(String, (TrainedVAE) -> [Float])] = [
            ("−ELBO", { $0.testCurve.map(\.elbo) }),
            ("reconstruction Σ BCE", { $0.testCurve.map(\.reconstruction) }),
            ("KL", { $0.testCurve.map(\.kl) }),
        ]
        for (panel, (title, values)) in parts.enumerated() {
            loss.add(
                LinePlot(
                    title: title, xLabel: "epoch", yLabel: "nats",
                    series: vaes.map { .init("\($0.latentSize)-D", y: values($0)) }), column: panel)
        }
        try nb.figure(
            loss, name: "loss",
            caption: """
                Test negative ELBO, reconstruction and KL per epoch, for the 2-D and \(large)-D VAEs
                """)
    }
}

extension Lab05 {
    /// (−ELBO, reconstruction, KL) on the test set, with a fixed noise seed.
    static func testELBO(_ vae: VAE, _ test: Tensor, seed: UInt64) throws -> (Float, Float, Float) {
        var rng = SeededGenerator(seed: seed)
        var totals = (0.0, 0.0, 0.0)
        for start in stride(from: 0, to: test.rowCount, by: 1000) {
            let chunk = test.rows(start..<Swift.min(test.rowCount, start + 1000))
            let loss = try withoutGradients { try vae.loss(chunk, &rng) }
            let n = Double(chunk.rowCount)
            totals.0 += Double(loss.total.value.scalar) * n
            totals.1 += Double(loss.reconstruction.value.scalar) * n
            totals.2 += Double(loss.kl.value.scalar) * n
        }
        let n = Double(test.rowCount)
        return (Float(totals.0 / n), Float(totals.1 / n), Float(totals.2 / n))
    }

    /// Φ⁻¹(p) for the standard normal, by bisection on Φ(z) = ½(1 + erf(z/√2)).
    static func normalQuantile(_ p: Double) -> Double {
        var (lo, hi) = (-10.0, 10.0)
        for _ in 0..<80 {
            let mid = (lo + hi) / 2
            if 0.5 * (1 + erf(mid / 2.0.squareRoot())) < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}

LabCommand<Lab05>.main()
