// Lab 04 — Contractive autoencoder (reference solutions).
//
// Rifai, Vincent, Muller, Glorot & Bengio, "Contractive auto-encoders: explicit invariance
// during feature extraction", ICML (2011). Shape legend: N = examples, D = pixels (784),
// H = hidden units (256). The encoder is h = σ(xW + b) with W [D, H], so its Jacobian at x
// is J_f(x) = diag(h(1 − h)) Wᵀ  [H, D].
import LabKit

/// Exercise 4.1 — The contractive penalty, the squared Frobenius norm of the encoder's
/// Jacobian averaged over the batch, in closed form for a sigmoid encoder:
///
///     ‖J_f(x)‖²_F = Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ²,      penalty = (1/N) Σₙ ‖J_f(x⁽ⁿ⁾)‖²_F
///
/// - Parameters: hidden h = σ(xW + b) [N, H] (the activations, not the pre-activations);
///   weight W [D, H].
/// - Returns: a scalar, differentiable with respect to h and W.
public func contractivePenalty(hidden h: Variable, weight w: Variable) throws -> Variable {
    let slope = (h * (1 - h)).squared()  // [N, H]
    let columnNorms = w.squared().sum(alongAxis: 0)  // [H]: Σᵢ Wᵢⱼ²
    return (slope * columnNorms).sum() / Float(h.value.rowCount)
}

/// Exercise 4.2 — The contractive autoencoder's loss:
///
///     L = (1/(N·D)) Σ (x̂ − x)²  +  λ · (1/N) Σₙ ‖J_f(x⁽ⁿ⁾)‖²_F
///
/// with h = encoder(x) (sigmoid) and x̂ = decoder(h).
/// - Parameters: batch x [N, D]; encoder (D → H, sigmoid); decoder (H → D); lambda λ.
/// - Returns: the total, and its parts (reconstruction error, penalty without λ).
public func contractiveLoss(
    batch: Tensor, encoder: Dense, decoder: Dense, lambda: Float
) throws -> (total: Variable, reconstruction: Variable, penalty: Variable) {
    let hidden = encoder(Variable(batch))
    let error = meanSquaredError(predictions: decoder(hidden), targets: batch)
    let penalty = try contractivePenalty(hidden: hidden, weight: encoder.weight)
    return (error + penalty * lambda, error, penalty)
}

/// Exercise 4.3 — The Jacobian of any function by central finite differences:
///
///     Jⱼᵢ = (fⱼ(x + ε eᵢ) − fⱼ(x − ε eᵢ)) / 2ε
///
/// - Parameters: f maps a vector [D] to a vector [H]; x the point [D]; epsilon ε.
/// - Returns: J [H, D] (one row per output, one column per input).
public func numericalJacobian(of f: (Tensor) throws -> Tensor, at x: Tensor, epsilon: Float) throws -> Tensor {
    let d = x.count
    var columns: [Tensor] = []
    for i in 0..<d {
        var plus = x, minus = x
        plus[i] += epsilon
        minus[i] -= epsilon
        columns.append((try f(plus) - f(minus)) / (2 * epsilon))
    }
    let h = columns.first?.count ?? 0
    var jacobian = Tensor.zeros([h, d])
    for (i, column) in columns.enumerated() { for j in 0..<h { jacobian[j, i] = column[j] } }
    return jacobian
}
