// Lab 03 — Denoising autoencoder (exercises).
//
// Vincent, Larochelle, Bengio & Manzagol, "Extracting and composing robust features with
// denoising autoencoders", ICML (2008). The autoencoder sees a corrupted copy x̃ ~ C(x̃ | x)
// and is trained to give back the clean x. Shape legend: N = examples, D = pixels (784).
// Every random draw comes from the generator passed in, so the same seed gives the same noise.
//
// Replace each `throw NotImplemented(…)` with your code; `swift run lab03` runs the lab and
// `swift run grade --labs 3` grades it. The handout is Labs/Lab03.md.
import LabKit

/// Exercise 3.1 — Additive Gaussian noise: x̃ = x + σ ε with ε ~ N(0, 1) drawn independently
/// for every entry, then clipped to [0, 1] if `clip` is true.
/// - Parameters: x [N, D]; standardDeviation σ; clip; generator.
/// - Returns: x̃ [N, D] (x itself is left as it was).
///
/// Hints: `Tensor.randomNormal(shape, standardDeviation:, using: &generator)`; `.clamped(0, 1)`.
/// σ is a standard deviation, not a variance.
public func gaussianNoise(_ x: Tensor, standardDeviation: Float, clip: Bool, using generator: inout SeededGenerator)
    throws -> Tensor
{
    throw NotImplemented(exercise: "3.1", function: "gaussianNoise(_:standardDeviation:clip:using:)")
}

/// Exercise 3.2 — Masking noise: each entry is set to 0 with probability p and kept otherwise.
/// - Parameters: x [N, D]; probability p ∈ [0, 1]; generator.
/// - Returns: x̃ [N, D].
///
/// Hint: `Tensor.randomBernoulli(shape, probability: q, using: &generator)` is 1 with probability q.
public func maskingNoise(_ x: Tensor, probability: Float, using generator: inout SeededGenerator) throws -> Tensor {
    throw NotImplemented(exercise: "3.2", function: "maskingNoise(_:probability:using:)")
}

/// Exercise 3.3 — Salt-and-pepper noise: each entry is, with probability p, replaced by 0 or
/// by 1 (each with probability ½), and kept otherwise.
/// - Parameters: x [N, D]; probability p ∈ [0, 1]; generator.
/// - Returns: x̃ [N, D].
///
/// Hints: `generator.nextUniform()` is uniform in [0, 1); `var out = x` makes a copy you can
/// change with `out[i] = …` (tensors are values: x is not affected).
public func saltAndPepperNoise(_ x: Tensor, probability: Float, using generator: inout SeededGenerator) throws -> Tensor
{
    throw NotImplemented(exercise: "3.3", function: "saltAndPepperNoise(_:probability:using:)")
}

/// Exercise 3.4 — The denoising objective: reconstruct the clean input from the corrupted one,
///
///     L = (1/(N·D)) Σ (g(f(x̃)) − x)²,
///
/// the mean squared error between the model's output on x̃ and the clean x.
/// - Parameters: model the autoencoder g∘f; clean x [N, D]; corrupted x̃ [N, D].
/// - Returns: the scalar loss.
///
/// Hint: `model(Variable(t))` runs the autoencoder; `meanSquaredError(predictions:targets:)`.
public func denoisingLoss(model: Autoencoder, clean: Tensor, corrupted: Tensor) throws -> Variable {
    throw NotImplemented(exercise: "3.4", function: "denoisingLoss(model:clean:corrupted:)")
}
