// Graded checks for Lab 05 (VAE): statistics of samples with fixed seeds, gradients that must
// reach μ and log σ², and known values of the KL and the ELBO — never a reference implementation.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.gaussianKL
import func ExerciseCalls.interpolate
import func ExerciseCalls.negativeELBO
import func ExerciseCalls.reparameterize
import func ExerciseCalls.samplePrior

final class Lab05Checks: GradedTestCase {
    // MARK: Exercise 5.1

    func test_5_1_gradientsFlowToMuAndLogVarianceAndTheSeedReproduces() throws {
        var rng = SeededGenerator(seed: 5), again = SeededGenerator(seed: 5)
        let mu = Variable(Tensor([[0.5, -1], [2, 0]]), requiresGradient: true)
        let logVariance = Variable(Tensor([[0, 1], [-1, 0.5]]), requiresGradient: true)
        guard let z = graded({ try reparameterize(mu: mu, logVariance: logVariance, using: &rng) }),
            let z2 = graded({
                try reparameterize(mu: Variable(mu.value), logVariance: Variable(logVariance.value), using: &again)
            })
        else { return }
        expect(
            z.value == z2.value, "the same seed should give the same z", hint: "draw ε from the generator passed in.")
        guard z.requiresGradient else {
            return XCTFail(
                "z does not depend on μ and log σ² in the graph. Hint: build z from the Variables mu and logVariance, not their .value."
            )
        }
        try z.sum().backward()
        expectClose(
            mu.grad ?? .zeros([2, 2]), Tensor.ones([2, 2]), tolerance: 1e-5, "∂Σz/∂μ",
            hint: "∂z/∂μ = 1: add μ as a Variable.")
        // ∂z/∂log σ² = ½ σ ε = ½ (z − μ).
        expectClose(
            logVariance.grad ?? .zeros([2, 2]), (z.value - mu.value) * 0.5, tolerance: 1e-4, "∂Σz/∂log σ²",
            hint: "σ = exp(½ log σ²) must be computed from the Variable, so ∂z/∂log σ² = ½σε.")
    }

    /// μ and log σ² that differ in every entry: [3000, 4].
    static let heterogeneous: (mu: Tensor, logVariance: Tensor) = {
        var rng = SeededGenerator(seed: 51)
        return (
            Tensor.randomNormal([3000, 4], standardDeviation: 2, using: &rng),
            Tensor.randomUniform([3000, 4], low: -2, high: 2, using: &rng)
        )
    }()

    func test_5_1_standardisedCodesAreIndependentStandardNormals() {
        // Each of the 3 tests fails a correct answer with probability ≤ 1e-7.
        let (mu, logVariance) = Self.heterogeneous
        var rng = SeededGenerator(seed: 52)
        guard let z = graded({ try reparameterize(mu: Variable(mu), logVariance: Variable(logVariance), using: &rng) })
        else { return }
        guard z.shape == mu.shape else { return XCTFail("z should have the shape of μ, \(mu.shape); got \(z.shape)") }
        let epsilon = (0..<z.value.count).map {
            (Double(z.value[$0]) - Double(mu[$0])) / exp(0.5 * Double(logVariance[$0]))
        }
        expectStandardNormal(
            epsilon, "(z − μ)/σ over 3000 × 4 entries with varied μ and log σ²",
            hint: "z = μ + σ ⊙ ε with σ = exp(½ log σ²) for every entry and ε ~ N(0, 1).")
        var sameImage = 0, sameDimension = 0
        for n in 0..<3000 where epsilon[n * 4] > 0 && epsilon[n * 4 + 1] > 0 { sameImage += 1 }
        for n in Swift.stride(from: 0, to: 3000, by: 2) where epsilon[n * 4 + 2] > 0 && epsilon[(n + 1) * 4 + 2] > 0 {
            sameDimension += 1
        }
        expectBinomial(
            sameImage, trials: 3000, probability: 0.25, "images whose ε is positive in both latent dimensions 1 and 2",
            hint: "draw ε with the shape of μ ([N, Z]): one independent draw per latent dimension, not one per image.")
        expectBinomial(
            sameDimension, trials: 1500, probability: 0.25,
            "pairs of images whose ε is positive in dimension 3 for both",
            hint: "draw ε with the shape of μ ([N, Z]): a new draw for every image.")
    }

    func test_5_1_gradientsMatchFiniteDifferencesForAFixedDraw() {
        // With the same seed for every evaluation, z is a deterministic function of μ and log σ².
        var rng = SeededGenerator(seed: 53)
        let mu = Tensor.randomNormal([3, 2], using: &rng),
            logVariance = Tensor.randomUniform([3, 2], low: -1, high: 1, using: &rng)
        let weights = Tensor([[1, -2], [0.5, 3], [-1.5, 0.25]])
        expectGradientsMatchFiniteDifferences(
            at: [mu, logVariance], names: ["μ", "log σ²"], step: 1e-2, "Σ w ⊙ z for a fixed seed",
            hint: "build z = μ + exp(½ log σ²) ⊙ ε from the Variables, with ε a constant tensor."
        ) { v in
            var g = SeededGenerator(seed: 54)
            return (try reparameterize(mu: v[0], logVariance: v[1], using: &g) * weights).sum()
        }
    }

    func test_5_1_randomnessComesFromTheCallersGenerator() {
        let mu = Variable(Tensor.zeros([20, 3])), logVariance = Variable(Tensor.zeros([20, 3]))
        expectRandomnessContract("reparameterize", minimumDraws: 60 / 8) { g in
            try reparameterize(mu: mu, logVariance: logVariance, using: &g).value
        }
    }

    // MARK: Exercise 5.2

    func test_5_2_klOfKnownGaussians() {
        // Per dimension: ½(μ² + σ² − 1 − log σ²). Image 1: μ = (1, 0), log σ² = (1, 0) → ½(e − 1) + ½;
        // image 2: μ = (0, 2), log σ² = (0, −1) → ½·4 + ½(e⁻¹ + 1 − 1)… averaged over the 2 images.
        let mu = Tensor([[1, 0], [0, 2]]), logVariance = Tensor([[1, 0], [0, -1]])
        var expected = 0.0
        for n in 0..<2 {
            for j in 0..<2 {
                let m = Double(mu[n, j]), v = Double(logVariance[n, j])
                expected += 0.5 * (m * m + exp(v) - 1 - v)
            }
        }
        expected /= 2
        guard let kl = graded({ try gaussianKL(mu: Variable(mu), logVariance: Variable(logVariance)) }) else { return }
        expectClose(
            Double(kl.value.scalars.first ?? .nan), expected, tolerance: 1e-5, "KL for two 2-D Gaussians",
            hint:
                "KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²): summed over latent dimensions, averaged over images, with the minus sign and the 1."
        )
    }

    func test_5_2_klIsZeroForThePriorAndPositiveOtherwise() {
        guard
            let zero = graded({ try gaussianKL(mu: Variable(.zeros([3, 4])), logVariance: Variable(.zeros([3, 4]))) }),
            let positive = graded({
                try gaussianKL(mu: Variable(.zeros([1, 1])), logVariance: Variable(Tensor([[-2]])))
            })
        else { return }
        expectClose(
            Double(zero.value.scalars.first ?? .nan), 0, tolerance: 1e-6, "KL(N(0, I) ‖ N(0, I))",
            hint: "the KL of the prior from itself is 0 — check the \"1 +\" term.")
        expect(
            (positive.value.scalars.first ?? -1) > 0,
            "KL must be positive for σ² = e⁻², got \(positive.value.scalars.first ?? .nan)",
            hint: "mind the sign: KL = −½ Σ (1 + log σ² − μ² − σ²) ≥ 0.")
    }

    func test_5_2_klIsSummedOverLatentDimensions() {
        // The same per-dimension KL in 1 and in 4 dimensions: the total must scale by 4.
        guard let one = graded({ try gaussianKL(mu: Variable(Tensor([[1]])), logVariance: Variable(.zeros([1, 1]))) }),
            let four = graded({
                try gaussianKL(mu: Variable(Tensor([[1, 1, 1, 1]])), logVariance: Variable(.zeros([1, 4])))
            })
        else { return }
        expectClose(
            Double(four.value.scalars.first ?? .nan), 4 * Double(one.value.scalars.first ?? .nan), tolerance: 1e-5,
            "KL of 4 identical dimensions vs 1",
            hint: "sum over the latent dimensions (a KL per image), average only over the batch.")
    }

    func test_5_2_rectangularBatchValueAndGradients() {
        // N = 3 images, Z = 4 latent dimensions.
        var rng = SeededGenerator(seed: 55)
        let mu = Tensor.randomNormal([3, 4], using: &rng),
            logVariance = Tensor.randomUniform([3, 4], low: -1.5, high: 1.5, using: &rng)
        guard let kl = graded({ try gaussianKL(mu: Variable(mu), logVariance: Variable(logVariance)) }) else { return }
        var expected = 0.0
        for i in 0..<12 {
            expected += 0.5 * (Double(mu[i] * mu[i]) + exp(Double(logVariance[i])) - 1 - Double(logVariance[i]))
        }
        expectClose(
            Double(kl.value.scalars.first ?? .nan), expected / 3, tolerance: 1e-5 * Swift.max(1, expected),
            "KL for N = 3, Z = 4",
            hint: "sum over the Z latent dimensions, average over the N images.")
        expectGradientsMatchFiniteDifferences(
            at: [mu, logVariance], names: ["μ", "log σ²"], step: 1e-2, "the KL",
            hint: "build the KL from Variable operations on μ and log σ² so the encoder is trained by it."
        ) { v in
            try gaussianKL(mu: v[0], logVariance: v[1])
        }
    }

    // MARK: Exercise 5.3

    func test_5_3_negativeELBOIsSummedBCEPlusKLPerImage() {
        let batch = Tensor([[1, 0, 1], [0, 0, 1]])
        let logits = Tensor([[2, -1, 0.5], [-3, 1, 0]])
        let mu = Tensor([[0.5], [-1]]), logVariance = Tensor([[0], [0.5]])
        guard
            let elbo = graded({
                try negativeELBO(
                    batch: batch, logits: Variable(logits), mu: Variable(mu), logVariance: Variable(logVariance))
            })
        else { return }
        var bce = 0.0
        for i in 0..<6 {
            let p = 1 / (1 + exp(-Double(logits[i]))), x = Double(batch[i])
            bce -= x * log(p) + (1 - x) * log(1 - p)
        }
        bce /= 2
        var kl = 0.0
        for n in 0..<2 {
            kl += 0.5 * (Double(mu[n] * mu[n]) + exp(Double(logVariance[n])) - 1 - Double(logVariance[n]))
        }
        kl /= 2
        expectClose(
            Double(elbo.reconstruction.value.scalars.first ?? .nan), bce, tolerance: 1e-4, "reconstruction part",
            hint: "Bernoulli cross-entropy of σ(logits) summed over the pixels of each image, averaged over images.")
        expectClose(
            Double(elbo.kl.value.scalars.first ?? .nan), kl, tolerance: 1e-5, "KL part",
            hint: "use your gaussianKL (5.2).")
        expectClose(
            Double(elbo.total.value.scalars.first ?? .nan), bce + kl, tolerance: 1e-4, "−ELBO",
            hint: "both terms per image: summed over pixels / latent dimensions, averaged over the batch.")
    }

    func test_5_3_gradientsReachTheLogitsMuAndLogVariance() {
        // N = 3, D = 5, Z = 2.
        var rng = SeededGenerator(seed: 56)
        let batch = Tensor.randomBernoulli([3, 5], probability: 0.5, using: &rng)
        let logits = Tensor.randomNormal([3, 5], standardDeviation: 2, using: &rng)
        let mu = Tensor.randomNormal([3, 2], using: &rng),
            logVariance = Tensor.randomUniform([3, 2], low: -1, high: 1, using: &rng)
        expectGradientsMatchFiniteDifferences(
            at: [logits, mu, logVariance], names: ["the logits", "μ", "log σ²"], step: 1e-2, "the negative ELBO",
            hint: "both terms must stay in the graph: the cross-entropy of the logits and the KL of μ and log σ²."
        ) { v in
            try negativeELBO(batch: batch, logits: v[0], mu: v[1], logVariance: v[2]).total
        }
    }

    // MARK: Exercise 5.4

    func test_5_4_samplesAreDecodedStandardNormalCodes() {
        // A decoder that copies z: its logits are z, so the samples are σ(z) with z ~ N(0, 1).
        var init0 = SeededGenerator(seed: 1)
        let copy = Dense(3, 3, using: &init0)
        copy.weight.value = .identity(3)
        let decoder = Sequential([copy])
        var rng = SeededGenerator(seed: 6), again = SeededGenerator(seed: 6)
        guard let samples = graded({ try samplePrior(count: 5000, latentSize: 3, decoder: decoder, using: &rng) }),
            let repeated = graded({ try samplePrior(count: 5000, latentSize: 3, decoder: decoder, using: &again) })
        else { return }
        guard samples.shape == [5000, 3] else {
            return XCTFail("expected [count, D] = [5000, 3], got \(samples.shape)")
        }
        expect(
            samples.min() > 0 && samples.max() < 1,
            "samples should be Bernoulli means in (0, 1); found [\(samples.min()), \(samples.max())]",
            hint: "the decoder returns logits: apply .sigmoid().")
        let logits = samples.scalars.map { Double(log($0 / (1 - $0))) }
        let mean = logits.reduce(0, +) / Double(logits.count)
        let std = (logits.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logits.count)).squareRoot()
        expectClose(
            mean, 0, tolerance: 0.05, "mean of the codes",
            hint: "z ~ N(0, I): Tensor.randomNormal([count, latentSize], using: &generator).")
        expectClose(std, 1, tolerance: 0.05, "standard deviation of the codes", hint: "z ~ N(0, I), not scaled.")
        expect(
            samples == repeated, "the same seed should give the same samples",
            hint: "draw from the generator passed in.")
    }

    func test_5_4_codesAreIndependentStandardNormalsAndShapesFollowTheArguments() {
        // An identity decoder on Z = 4: the logits of the samples are the codes themselves.
        var init0 = SeededGenerator(seed: 2)
        let copy = Dense(4, 4, using: &init0)
        copy.weight.value = .identity(4)
        copy.bias.value = .zeros([4])
        var rng = SeededGenerator(seed: 57)
        guard
            let samples = graded({
                try samplePrior(count: 3000, latentSize: 4, decoder: Sequential([copy]), using: &rng)
            })
        else { return }
        guard samples.shape == [3000, 4] else {
            return XCTFail("expected [count, D] = [3000, 4], got \(samples.shape)")
        }
        let z = samples.scalars.map { Double($0) }.map { log($0 / (1 - $0)) }
        expectStandardNormal(
            z, "the codes behind 3000 × 4 samples",
            hint: "z ~ N(0, I): Tensor.randomNormal([count, latentSize], using: &generator), then σ(decoder(z)).")
        var sameImage = 0
        for n in 0..<3000 where z[n * 4] > 0 && z[n * 4 + 3] > 0 { sameImage += 1 }
        expectBinomial(
            sameImage, trials: 3000, probability: 0.25, "samples whose code is positive in both dimensions 1 and 4",
            hint: "draw a [count, latentSize] matrix of independent N(0, 1) values.")
        // Z = 2 → D = 5: the output is [count, D], whatever Z is.
        var init1 = SeededGenerator(seed: 3)
        let wide = Sequential([Dense(2, 5, using: &init1)])
        if let small = graded({ try samplePrior(count: 7, latentSize: 2, decoder: wide, using: &rng) }) {
            expect(
                small.shape == [7, 5],
                "count 7, latentSize 2 and a 2 → 5 decoder should give [7, 5] samples, got \(small.shape)",
                hint: "draw z of shape [count, latentSize] and decode it.")
        }
    }

    func test_5_4_randomnessComesFromTheCallersGenerator() {
        var init0 = SeededGenerator(seed: 4)
        let decoder = Sequential([Dense(3, 6, using: &init0)])
        expectRandomnessContract("samplePrior", minimumDraws: 30 / 8) { g in
            try samplePrior(count: 10, latentSize: 3, decoder: decoder, using: &g)
        }
    }

    // MARK: Exercise 5.5

    func test_5_5_interpolationRunsFromZ0ToZ1InEvenSteps() {
        guard let path = graded({ try interpolate(from: Tensor([0, 10]), to: Tensor([4, -2]), steps: 5) }) else {
            return
        }
        expectClose(
            path, Tensor([[0, 10], [1, 7], [2, 4], [3, 1], [4, -2]]), tolerance: 1e-5,
            "5-step path from (0, 10) to (4, −2)",
            hint: "zₜ = (1 − t) z₀ + t z₁ with t = k/(steps − 1), k = 0…steps − 1: both ends included.")
    }

    func test_5_5_twoStepsAndOtherDimensions() {
        guard let ends = graded({ try interpolate(from: Tensor([1, 2, 3]), to: Tensor([-1, 0, 5]), steps: 2) }),
            let four = graded({ try interpolate(from: Tensor([0, 3, -6]), to: Tensor([3, 0, 6]), steps: 4) })
        else { return }
        expectClose(
            ends, Tensor([[1, 2, 3], [-1, 0, 5]]), tolerance: 1e-6, "2 steps: just the two ends",
            hint: "t = k/(steps − 1): with 2 steps t ∈ {0, 1}.")
        expectClose(
            four, Tensor([[0, 3, -6], [1, 2, -2], [2, 1, 2], [3, 0, 6]]), tolerance: 1e-5, "4 steps in 3-D",
            hint: "zₜ = (1 − t) z₀ + t z₁ with t = 0, 1/3, 2/3, 1; one row per step, one column per latent dimension.")
    }
}
