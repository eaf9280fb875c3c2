// Lab 01 — PCA as a linear autoencoder (reference solutions).
//
// Baldi & Hornik (1989): a linear autoencoder x → W_d(W_e x) trained with squared error
// learns the subspace of the top-k principal components. Shape legend:
//   N = examples, D = pixels (784), k = code size.
import LabKit

/// Exercise 1.1 — Centre the data.
///
/// The mean image μ = (1/N) Σₙ xₙ, and the centred data X − μ (μ subtracted from every row).
/// - Parameter data: [N, D].
/// - Returns: `centred` [N, D] and `mean` [D].
public func centred(_ data: Tensor) throws -> (centred: Tensor, mean: Tensor) {
    let mean = data.mean(alongAxis: 0)
    return (data - mean, mean)
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
public func principalComponents(of data: Tensor, k: Int) throws -> (components: Tensor, variances: [Float]) {
    let (x, _) = try centred(data)
    let covariance = Tensor.matmul(x, x, transposeA: true) / Float(data.rowCount - 1)
    let eigen = SymmetricEigen(covariance)
    return (eigen.vectors.columns(0..<k), eigen.values.prefix(k).map { Float($0) })
}

/// Exercise 1.3a — PCA codes: the coordinates of each centred example in the basis of the
/// components, z = (x − μ) W.
/// - Parameters: data [N, D], mean [D], components W [D, k].
/// - Returns: [N, k].
public func pcaCodes(of data: Tensor, mean: Tensor, components: Tensor) throws -> Tensor {
    Tensor.matmul(data - mean, components)
}

/// Exercise 1.3b — PCA reconstruction from codes: x̂ = z Wᵀ + μ.
/// - Parameters: codes [N, k], mean [D], components W [D, k].
/// - Returns: [N, D].
public func pcaReconstruction(codes: Tensor, mean: Tensor, components: Tensor) throws -> Tensor {
    Tensor.matmul(codes, components, transposeB: true) + mean
}

/// Exercise 1.4 — The linear autoencoder's forward pass and loss.
///
/// z = x W_e + b_e (the code, no nonlinearity), x̂ = z W_d + b_d, and the loss is the mean
/// squared error over all N·D pixels:  L = (1/(N·D)) Σₙ Σᵢ (x̂ₙᵢ − xₙᵢ)².
/// - Parameters: batch [N, D]; encoder (D → k) and decoder (k → D) dense layers whose
///   weights and biases you use directly (their activation is identity).
/// - Returns: the scalar loss, differentiable with respect to all four parameters.
public func linearAutoencoderLoss(batch: Tensor, encoder: Dense, decoder: Dense) throws -> Variable {
    let code = affine(Variable(batch), encoder.weight, encoder.bias)
    let reconstruction = affine(code, decoder.weight, decoder.bias)
    return meanSquaredError(predictions: reconstruction, targets: batch)
}

/// Exercise 1.5 — The tied-weights autoencoder (the lecture's "basic autoencoder").
///
/// One weight matrix W [D, k] serves both ways: z = x W + b₁, x̂ = z Wᵀ + b₂, with the same
/// mean squared error as in 1.4.
/// - Parameters: batch [N, D], weight W [D, k], encoderBias b₁ [k], decoderBias b₂ [D].
/// - Returns: the scalar loss.
public func tiedAutoencoderLoss(batch: Tensor, weight: Variable, encoderBias: Variable, decoderBias: Variable) throws
    -> Variable
{
    let code = affine(Variable(batch), weight, encoderBias)
    let reconstruction = matmul(code, weight, transposeB: true) + decoderBias
    return meanSquaredError(predictions: reconstruction, targets: batch)
}
