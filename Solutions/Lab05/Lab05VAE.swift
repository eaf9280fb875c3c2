// Lab 05 — Variational autoencoder (reference solutions).
//
// Kingma & Welling, "Auto-encoding variational Bayes", ICLR (2014). The encoder gives
// μ and log σ² of q(z | x) = N(μ, diag σ²); the decoder gives Bernoulli logits of p(x | z).
// Shape legend: N = examples, D = pixels (784), Z = latent dimensions.
import LabKit

/// Exercise 5.1 — The reparameterization trick: z = μ + σ ⊙ ε with ε ~ N(0, I) and
/// σ = exp(½ log σ²), so that z is a differentiable function of μ and log σ² and the
/// randomness sits in ε alone.
/// - Parameters: mu μ [N, Z]; logVariance log σ² [N, Z]; generator for ε.
/// - Returns: z [N, Z], with gradients flowing to mu and logVariance.
public func reparameterize(mu: Variable, logVariance: Variable, using generator: inout SeededGenerator) throws
    -> Variable
{
    let epsilon = Tensor.randomNormal(mu.shape, using: &generator)
    return mu + (logVariance * 0.5).exp() * epsilon
}

/// Exercise 5.2 — KL(N(μ, σ²) ‖ N(0, I)) per image, summed over the latent dimensions and
/// averaged over the batch:
///
///     KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²)
///
/// - Parameters: mu μ [N, Z]; logVariance log σ² [N, Z].
/// - Returns: a scalar in nats per image.
public func gaussianKL(mu: Variable, logVariance: Variable) throws -> Variable {
    let terms = 1 + logVariance - mu.squared() - logVariance.exp()
    return terms.sum() * (-0.5 / Float(mu.value.rowCount))
}

/// Exercise 5.3 — The negative ELBO per image, in nats:
///
///     −ELBO = Σᵢ BCE(xᵢ, pᵢ) + KL,    pᵢ = σ(logitᵢ),
///     BCE(x, p) = −[x log p + (1 − x) log(1 − p)]
///
/// with the cross-entropy summed over the D pixels and both terms averaged over the batch.
/// - Parameters: batch x [N, D]; logits the decoder's output [N, D]; mu, logVariance [N, Z].
/// - Returns: the total, and its two parts (reconstruction, KL).
public func negativeELBO(
    batch: Tensor, logits: Variable, mu: Variable, logVariance: Variable
) throws -> (total: Variable, reconstruction: Variable, kl: Variable) {
    let reconstruction = binaryCrossEntropy(logits: logits, targets: batch, reduction: .sumPerExample)
    let kl = try gaussianKL(mu: mu, logVariance: logVariance)
    return (reconstruction + kl, reconstruction, kl)
}

/// Exercise 5.4 — Samples from the model: z ~ N(0, I), images = σ(decoder(z)).
/// - Parameters: count N; latentSize Z; decoder (Z → D, returns logits); generator.
/// - Returns: [N, D] Bernoulli means in (0, 1).
public func samplePrior(count: Int, latentSize: Int, decoder: Sequential, using generator: inout SeededGenerator) throws
    -> Tensor
{
    let z = Tensor.randomNormal([count, latentSize], using: &generator)
    return decoder.evaluate(z).sigmoid()
}

/// Exercise 5.5 — Linear interpolation between two codes: zₜ = (1 − t) z₀ + t z₁ for `steps`
/// values of t evenly spaced from 0 to 1 inclusive.
/// - Parameters: z0, z1 [Z]; steps ≥ 2.
/// - Returns: [steps, Z]; the first row is z0, the last z1.
public func interpolate(from z0: Tensor, to z1: Tensor, steps: Int) throws -> Tensor {
    let rows = (0..<steps).map { k -> Tensor in
        let t = Float(k) / Float(steps - 1)
        return (z0 * (1 - t) + z1 * t).reshaped([1, z0.count])
    }
    return Tensor.concatenate(rows, alongAxis: 0)
}
