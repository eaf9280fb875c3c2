// Lab 01 — PCA as a linear autoencoder (exercises).
//
// Baldi & Hornik (1989): a linear autoencoder x → W_d(W_e x) trained with squared error
// learns the subspace of the top-k principal components. Shape legend:
//   N = examples, D = pixels (784), k = code size.
//
// Replace each `throw NotImplemented(…)` with your code, then run `swift run lab01` to see
// the lab and `swift test --filter Lab01Checks` (or `swift run grade --labs 1`) to be graded.
// The handout, Labs/Lab01.md, explains the maths.
import LabKit

/// Exercise 1.1 — Centre the data.
///
/// The mean image μ = (1/N) Σₙ xₙ, and the centred data X − μ (μ subtracted from every row).
/// - Parameter data: [N, D].
/// - Returns: `centred` [N, D] and `mean` [D].
///
/// Hint: `data.mean(alongAxis: 0)` averages over the rows; `-` broadcasts a [D] row.
public func centred(_ data: Tensor) throws -> (centred: Tensor, mean: Tensor) {
    throw NotImplemented(exercise: "1.1", function: "centred(_:)")
}

/// Exercise 1.2 — The top-k principal components.
///
/// With the sample covariance C = (X − μ)ᵀ(X − μ) / (N − 1) [D, D], the principal components are
/// the unit eigenvectors of C for its k largest eigenvalues, which are the variances of the
/// data along them.
/// - Parameters:
///   - data: [N, D], not centred.
///   - k: the number of components, 1 ≤ k ≤ D.
/// - Returns: `components` [D, k] with orthonormal columns, largest variance first, and
///   `variances` [k], the matching eigenvalues in decreasing order.
///
/// Hints: centre first (1.1). `Tensor.matmul(x, x, transposeA: true)` is XᵀX.
/// `SymmetricEigen(c)` gives `values` (largest first, Double) and `vectors` (columns).
public func principalComponents(of data: Tensor, k: Int) throws -> (components: Tensor, variances: [Float]) {
    throw NotImplemented(exercise: "1.2", function: "principalComponents(of:k:)")
}

/// Exercise 1.3a — PCA codes: the coordinates of each centred example in the basis of the
/// components, z = (x − μ) W.
/// - Parameters: data [N, D], mean [D], components W [D, k].
/// - Returns: [N, k].
public func pcaCodes(of data: Tensor, mean: Tensor, components: Tensor) throws -> Tensor {
    throw NotImplemented(exercise: "1.3", function: "pcaCodes(of:mean:components:)")
}

/// Exercise 1.3b — PCA reconstruction from codes: x̂ = z Wᵀ + μ.
/// - Parameters: codes [N, k], mean [D], components W [D, k].
/// - Returns: [N, D].
///
/// Hint: `Tensor.matmul(z, w, transposeB: true)` is z Wᵀ. Do not forget the mean.
public func pcaReconstruction(codes: Tensor, mean: Tensor, components: Tensor) throws -> Tensor {
    throw NotImplemented(exercise: "1.3", function: "pcaReconstruction(codes:mean:components:)")
}

/// Exercise 1.4 — The linear autoencoder's forward pass and loss.
///
/// z = x W_e + b_e (the code, no nonlinearity), x̂ = z W_d + b_d, and the loss is the mean
/// squared error over all N·D pixels:  L = (1/(N·D)) Σₙ Σᵢ (x̂ₙᵢ − xₙᵢ)².
/// - Parameters: batch [N, D]; encoder (D → k) and decoder (k → D) dense layers whose
///   weights and biases you use directly (their activation is identity).
/// - Returns: the scalar loss, differentiable with respect to all four parameters.
///
/// Hints: `affine(x, w, b)` is x·W + b as one autodiff node; wrap data as `Variable(batch)`.
/// Build the loss from `-`, `.squared()` and `.mean()`, or call `meanSquaredError`.
public func linearAutoencoderLoss(batch: Tensor, encoder: Dense, decoder: Dense) throws -> Variable {
    throw NotImplemented(exercise: "1.4", function: "linearAutoencoderLoss(batch:encoder:decoder:)")
}

/// Exercise 1.5 — The tied-weights autoencoder (the lecture's "basic autoencoder").
///
/// One weight matrix W [D, k] serves both ways: z = x W + b₁, x̂ = z Wᵀ + b₂, with the same
/// mean squared error as in 1.4.
/// - Parameters: batch [N, D], weight W [D, k], encoderBias b₁ [k], decoderBias b₂ [D].
/// - Returns: the scalar loss.
///
/// Hint: `matmul(z, w, transposeB: true)` multiplies by Wᵀ and sends gradients to W.
public func tiedAutoencoderLoss(batch: Tensor, weight: Variable, encoderBias: Variable, decoderBias: Variable) throws
    -> Variable
{
    throw NotImplemented(exercise: "1.5", function: "tiedAutoencoderLoss(batch:weight:encoderBias:decoderBias:)")
}
