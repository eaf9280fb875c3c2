// Lab 03 — Denoising autoencoder (reference solutions).
//
// Vincent, Larochelle, Bengio & Manzagol, "Extracting and composing robust features with
// denoising autoencoders", ICML (2008). The autoencoder sees a corrupted copy x̃ ~ C(x̃ | x)
// and is trained to give back the clean x. Shape legend: N = examples, D = pixels (784).
// Every random draw comes from the generator passed in, so the same seed gives the same noise.
import LabKit

/// Exercise 3.1 — Additive Gaussian noise: x̃ = x + σ ε with ε ~ N(0, 1) drawn independently
/// for every entry, then clipped to [0, 1] if `clip` is true.
/// - Parameters: x [N, D]; standardDeviation σ; clip; generator.
/// - Returns: x̃ [N, D] (x itself is left as it was).
public func gaussianNoise(_ x: Tensor, standardDeviation: Float, clip: Bool, using generator: inout SeededGenerator)
    throws -> Tensor
{
    let noisy = x + Tensor.randomNormal(x.shape, standardDeviation: standardDeviation, using: &generator)
    return clip ? noisy.clamped(0, 1) : noisy
}

/// Exercise 3.2 — Masking noise: each entry is set to 0 with probability p and kept otherwise.
/// - Parameters: x [N, D]; probability p ∈ [0, 1]; generator.
/// - Returns: x̃ [N, D].
public func maskingNoise(_ x: Tensor, probability: Float, using generator: inout SeededGenerator) throws -> Tensor {
    x * Tensor.randomBernoulli(x.shape, probability: 1 - probability, using: &generator)
}

/// Exercise 3.3 — Salt-and-pepper noise: each entry is, with probability p, replaced by 0 or
/// by 1 (each with probability ½), and kept otherwise.
/// - Parameters: x [N, D]; probability p ∈ [0, 1]; generator.
/// - Returns: x̃ [N, D].
public func saltAndPepperNoise(_ x: Tensor, probability: Float, using generator: inout SeededGenerator) throws -> Tensor
{
    var out = x
    for i in 0..<x.count where generator.nextUniform() < probability {
        out[i] = generator.nextUniform() < 0.5 ? 0 : 1
    }
    return out
}

/// Exercise 3.4 — The denoising objective: reconstruct the clean input from the corrupted one,
///
///     L = (1/(N·D)) Σ (g(f(x̃)) − x)²,
///
/// the mean squared error between the model's output on x̃ and the clean x.
/// - Parameters: model the autoencoder g∘f; clean x [N, D]; corrupted x̃ [N, D].
/// - Returns: the scalar loss.
public func denoisingLoss(model: Autoencoder, clean: Tensor, corrupted: Tensor) throws -> Variable {
    meanSquaredError(predictions: model(Variable(corrupted)), targets: clean)
}
