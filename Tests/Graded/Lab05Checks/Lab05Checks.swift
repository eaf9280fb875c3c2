// Graded checks for Lab 05 (VAE): statistics of samples with fixed seeds, gradients that must
// reach μ and log σ², and known values of the KL and the ELBO — never Solutions/.
import Foundation
import LabKit
import LabTesting
import func Lab05Exercises.reparameterize
import func Lab05Exercises.gaussianKL
import func Lab05Exercises.negativeELBO
import func Lab05Exercises.samplePrior
import func Lab05Exercises.interpolate
import XCTest

final class Lab05Checks: GradedTestCase {
    // MARK: Exercise 5.1

    func test_5_1_samplesHaveMeanMuAndStandardDeviationSigma() {
        var rng = SeededGenerator(seed: 3)
        let mu = Variable(Tensor(repeating: 1, shape: [20000, 1]))
        let logVariance = Variable(Tensor(repeating: Float(log(4.0)), shape: [20000, 1]))   // σ = 2
        guard let z = graded({ try reparameterize(mu: mu, logVariance: logVariance, using: &rng) }) else { return }
        let mean = Double(z.value.mean()), std = Double((z.value - Float(mean)).squared().mean().squareRoot())
        expectClose(mean, 1, tolerance: 0.05, "mean of z for μ = 1", hint: "z = μ + σε: the noise must be centred.")
        expectClose(std, 2, tolerance: 0.05, "standard deviation of z for log σ² = log 4",
                    hint: "σ = exp(½ log σ²) = 2; exp(log σ²) would give 4.")
    }

    func test_5_1_epsilonIsStandardNormal() {
        var rng = SeededGenerator(seed: 4)
        let zero = Variable(Tensor.zeros([40000, 1]))
        guard let z = graded({ try reparameterize(mu: zero, logVariance: zero, using: &rng) }) else { return }
        let values = z.value.scalars.map(Double.init)
        let within1 = Double(values.filter { Swift.abs($0) < 1 }.count) / Double(values.count)
        let beyond2 = Double(values.filter { Swift.abs($0) > 2 }.count) / Double(values.count)
        expectClose(within1, 0.6827, tolerance: 0.01, "fraction of ε within ±1",
                    hint: "ε must be drawn from N(0, 1) (Tensor.randomNormal), not a uniform or other distribution.")
        expectClose(beyond2, 0.0455, tolerance: 0.006, "fraction of ε beyond ±2", hint: "ε ~ N(0, 1): 4.55 % of draws lie beyond ±2.")
    }

    func test_5_1_gradientsFlowToMuAndLogVarianceAndTheSeedReproduces() throws {
        var rng = SeededGenerator(seed: 5), again = SeededGenerator(seed: 5)
        let mu = Variable(Tensor([[0.5, -1], [2, 0]]), requiresGradient: true)
        let logVariance = Variable(Tensor([[0, 1], [-1, 0.5]]), requiresGradient: true)
        guard let z = graded({ try reparameterize(mu: mu, logVariance: logVariance, using: &rng) }),
              let z2 = graded({ try reparameterize(mu: Variable(mu.value), logVariance: Variable(logVariance.value), using: &again) }) else { return }
        expect(z.value == z2.value, "the same seed should give the same z", hint: "draw ε from the generator passed in.")
        guard z.requiresGradient else {
            return XCTFail("z does not depend on μ and log σ² in the graph. Hint: build z from the Variables mu and logVariance, not their .value.")
        }
        try z.sum().backward()
        expectClose(mu.grad ?? .zeros([2, 2]), Tensor.ones([2, 2]), tolerance: 1e-5, "∂Σz/∂μ",
                    hint: "∂z/∂μ = 1: add μ as a Variable.")
        // ∂z/∂log σ² = ½ σ ε = ½ (z − μ).
        expectClose(logVariance.grad ?? .zeros([2, 2]), (z.value - mu.value) * 0.5, tolerance: 1e-4, "∂Σz/∂log σ²",
                    hint: "σ = exp(½ log σ²) must be computed from the Variable, so ∂z/∂log σ² = ½σε.")
    }

    // MARK: Exercise 5.2

    func test_5_2_klOfKnownGaussians() {
        // Per dimension: ½(μ² + σ² − 1 − log σ²). Image 1: μ = (1, 0), log σ² = (1, 0) → ½(e − 1) + ½;
        // image 2: μ = (0, 2), log σ² = (0, −1) → ½·4 + ½(e⁻¹ + 1 − 1)… averaged over the 2 images.
        let mu = Tensor([[1, 0], [0, 2]]), logVariance = Tensor([[1, 0], [0, -1]])
        var expected = 0.0
        for n in 0..<2 { for j in 0..<2 {
            let m = Double(mu[n, j]), v = Double(logVariance[n, j])
            expected += 0.5 * (m * m + exp(v) - 1 - v)
        } }
        expected /= 2
        guard let kl = graded({ try gaussianKL(mu: Variable(mu), logVariance: Variable(logVariance)) }) else { return }
        expectClose(Double(kl.value.scalars.first ?? .nan), expected, tolerance: 1e-5, "KL for two 2-D Gaussians",
                    hint: "KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²): summed over latent dimensions, averaged over images, with the minus sign and the 1.")
    }

    func test_5_2_klIsZeroForThePriorAndPositiveOtherwise() {
        guard let zero = graded({ try gaussianKL(mu: Variable(.zeros([3, 4])), logVariance: Variable(.zeros([3, 4]))) }),
              let positive = graded({ try gaussianKL(mu: Variable(.zeros([1, 1])), logVariance: Variable(Tensor([[-2]]))) }) else { return }
        expectClose(Double(zero.value.scalars.first ?? .nan), 0, tolerance: 1e-6, "KL(N(0, I) ‖ N(0, I))",
                    hint: "the KL of the prior from itself is 0 — check the \"1 +\" term.")
        expect((positive.value.scalars.first ?? -1) > 0, "KL must be positive for σ² = e⁻², got \(positive.value.scalars.first ?? .nan)",
               hint: "mind the sign: KL = −½ Σ (1 + log σ² − μ² − σ²) ≥ 0.")
    }

    func test_5_2_klIsSummedOverLatentDimensions() {
        // The same per-dimension KL in 1 and in 4 dimensions: the total must scale by 4.
        guard let one = graded({ try gaussianKL(mu: Variable(Tensor([[1]])), logVariance: Variable(.zeros([1, 1])))}),
              let four = graded({ try gaussianKL(mu: Variable(Tensor([[1, 1, 1, 1]])), logVariance: Variable(.zeros([1, 4])))}) else { return }
        expectClose(Double(four.value.scalars.first ?? .nan), 4 * Double(one.value.scalars.first ?? .nan), tolerance: 1e-5,
                    "KL of 4 identical dimensions vs 1", hint: "sum over the latent dimensions (a KL per image), average only over the batch.")
    }

    // MARK: Exercise 5.3

    func test_5_3_negativeELBOIsSummedBCEPlusKLPerImage() {
        let batch = Tensor([[1, 0, 1], [0, 0, 1]])
        let logits = Tensor([[2, -1, 0.5], [-3, 1, 0]])
        let mu = Tensor([[0.5], [-1]]), logVariance = Tensor([[0], [0.5]])
        guard let elbo = graded({ try negativeELBO(batch: batch, logits: Variable(logits), mu: Variable(mu), logVariance: Variable(logVariance)) }) else { return }
        var bce = 0.0
        for i in 0..<6 {
            let p = 1 / (1 + exp(-Double(logits[i]))), x = Double(batch[i])
            bce -= x * log(p) + (1 - x) * log(1 - p)
        }
        bce /= 2
        var kl = 0.0
        for n in 0..<2 { kl += 0.5 * (Double(mu[n] * mu[n]) + exp(Double(logVariance[n])) - 1 - Double(logVariance[n])) }
        kl /= 2
        expectClose(Double(elbo.reconstruction.value.scalars.first ?? .nan), bce, tolerance: 1e-4, "reconstruction part",
                    hint: "Bernoulli cross-entropy of σ(logits) summed over the pixels of each image, averaged over images.")
        expectClose(Double(elbo.kl.value.scalars.first ?? .nan), kl, tolerance: 1e-5, "KL part", hint: "use your gaussianKL (5.2).")
        expectClose(Double(elbo.total.value.scalars.first ?? .nan), bce + kl, tolerance: 1e-4, "−ELBO",
                    hint: "both terms per image: summed over pixels / latent dimensions, averaged over the batch.")
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
              let repeated = graded({ try samplePrior(count: 5000, latentSize: 3, decoder: decoder, using: &again) }) else { return }
        guard samples.shape == [5000, 3] else { return XCTFail("expected [count, D] = [5000, 3], got \(samples.shape)") }
        expect(samples.min() > 0 && samples.max() < 1, "samples should be Bernoulli means in (0, 1); found [\(samples.min()), \(samples.max())]",
               hint: "the decoder returns logits: apply .sigmoid().")
        let logits = samples.scalars.map { Double(log($0 / (1 - $0))) }
        let mean = logits.reduce(0, +) / Double(logits.count)
        let std = (logits.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logits.count)).squareRoot()
        expectClose(mean, 0, tolerance: 0.05, "mean of the codes", hint: "z ~ N(0, I): Tensor.randomNormal([count, latentSize], using: &generator).")
        expectClose(std, 1, tolerance: 0.05, "standard deviation of the codes", hint: "z ~ N(0, I), not scaled.")
        expect(samples == repeated, "the same seed should give the same samples", hint: "draw from the generator passed in.")
    }

    // MARK: Exercise 5.5

    func test_5_5_interpolationRunsFromZ0ToZ1InEvenSteps() {
        guard let path = graded({ try interpolate(from: Tensor([0, 10]), to: Tensor([4, -2]), steps: 5) }) else { return }
        expectClose(path, Tensor([[0, 10], [1, 7], [2, 4], [3, 1], [4, -2]]), tolerance: 1e-5, "5-step path from (0, 10) to (4, −2)",
                    hint: "zₜ = (1 − t) z₀ + t z₁ with t = k/(steps − 1), k = 0…steps − 1: both ends included.")
    }
}
