// Lab 04 — Contractive autoencoder (exercises).
//
// Rifai, Vincent, Muller, Glorot & Bengio, "Contractive auto-encoders: explicit invariance
// during feature extraction", ICML (2011). Shape legend: N = examples, D = pixels (784),
// H = hidden units (256). The encoder is h = σ(xW + b) with W [D, H], so its Jacobian at x
// is J_f(x) = diag(h(1 − h)) Wᵀ  [H, D].
//
// Replace each `throw NotImplemented(…)` with your code; `swift run lab04` runs the lab and
// `swift run grade --labs 4` grades it. The handout is Labs/Lab04.md.
import LabKit

/// Exercise 4.1 — The contractive penalty, the squared Frobenius norm of the encoder's
/// Jacobian averaged over the batch, in closed form for a sigmoid encoder:
///
///     ‖J_f(x)‖²_F = Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ²,      penalty = (1/N) Σₙ ‖J_f(x⁽ⁿ⁾)‖²_F
///
/// - Parameters: hidden h = σ(xW + b) [N, H] (the activations, not the pre-activations);
///   weight W [D, H].
/// - Returns: a scalar, differentiable with respect to h and W.
///
/// Hints: `w.squared().sum(alongAxis: 0)` sums over the inputs i (the rows of W), one value
/// per hidden unit j; multiplying [N, H] by [H] broadcasts over the examples.
public func contractivePenalty(hidden h: Variable, weight w: Variable) throws -> Variable {
    throw NotImplemented(exercise: "4.1", function: "contractivePenalty(hidden:weight:)")
}

/// Exercise 4.2 — The contractive autoencoder's loss:
///
///     L = (1/(N·D)) Σ (x̂ − x)²  +  λ · (1/N) Σₙ ‖J_f(x⁽ⁿ⁾)‖²_F
///
/// with h = encoder(x) (sigmoid) and x̂ = decoder(h).
/// - Parameters: batch x [N, D]; encoder (D → H, sigmoid); decoder (H → D); lambda λ.
/// - Returns: the total, and its parts (reconstruction error, penalty without λ).
///
/// Hint: `encoder(Variable(batch))` gives h; pass h (not xW + b) and `encoder.weight` to 4.1.
public func contractiveLoss(
    batch: Tensor, encoder: Dense, decoder: Dense, lambda: Float
) throws -> (total: Variable, reconstruction: Variable, penalty: Variable) {
    throw NotImplemented(exercise: "4.2", function: "contractiveLoss(batch:encoder:decoder:lambda:)")
}

/// Exercise 4.3 — The Jacobian of any function by central finite differences:
///
///     Jⱼᵢ = (fⱼ(x + ε eᵢ) − fⱼ(x − ε eᵢ)) / 2ε
///
/// - Parameters: f maps a vector [D] to a vector [H]; x the point [D]; epsilon ε.
/// - Returns: J [H, D] (one row per output, one column per input).
///
/// Hints: `var plus = x; plus[i] += epsilon` perturbs one input; central differences are
/// far more accurate than forward ones (error O(ε²) instead of O(ε)).
public func numericalJacobian(of f: (Tensor) throws -> Tensor, at x: Tensor, epsilon: Float) throws -> Tensor {
    throw NotImplemented(exercise: "4.3", function: "numericalJacobian(of:at:epsilon:)")
}
