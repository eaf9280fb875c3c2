// Lab 02 — Sparse autoencoder with a KL sparsity penalty (reference solutions).
//
// An overcomplete autoencoder (more hidden units than pixels would need) learns to copy its
// input unless most hidden units are kept inactive. Shape legend:
//   N = examples, D = pixels (784), H = hidden units (1024).
import LabKit

/// Exercise 2.1 — The mean activation of each hidden unit over the batch:
/// ρ̂ⱼ = (1/N) Σₙ hⱼ(x⁽ⁿ⁾).
/// - Parameter hidden: the sigmoid activations h [N, H].
/// - Returns: ρ̂ [H] (differentiable: the penalty's gradient flows back through it).
public func meanActivations(_ hidden: Variable) throws -> Variable {
    hidden.mean(alongAxis: 0)
}

/// Exercise 2.2 — The sparsity penalty Σⱼ KL(ρ ‖ ρ̂ⱼ) between Bernoulli distributions:
///
///     KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂))
///
/// ρ̂ is first clamped into [1e-6, 1 − 1e-6], so a unit that is never (or always) on gives a
/// large, finite penalty instead of NaN.
/// - Parameters: rho the target activation ρ ∈ (0, 1); rhoHat the mean activations ρ̂ [H].
/// - Returns: a scalar.
public func klDivergence(target rho: Float, meanActivations rhoHat: Variable) throws -> Variable {
    let r = rhoHat.clamped(1e-6, 1 - 1e-6)
    let active = (Variable(Tensor(rho)) / r).log() * rho
    let inactive = (Variable(Tensor(1 - rho)) / (1 - r)).log() * (1 - rho)
    return (active + inactive).sum()
}

/// Exercise 2.3 — The sparse autoencoder's loss:
///
///     L = (1/N) Σₙ ‖x̂⁽ⁿ⁾ − x⁽ⁿ⁾‖²  +  β Σⱼ KL(ρ ‖ ρ̂ⱼ)
///
/// (squared error summed over the pixels of an image, averaged over the batch).
/// - Parameters: batch x [N, D]; reconstruction x̂ [N, D]; hidden h [N, H]; rho ρ; beta β.
/// - Returns: the total, and its two parts (reconstruction error, and the penalty without β).
public func sparseLoss(
    batch: Tensor, reconstruction: Variable, hidden: Variable, rho: Float, beta: Float
) throws -> (total: Variable, reconstruction: Variable, penalty: Variable) {
    let error = meanSquaredError(predictions: reconstruction, targets: batch, reduction: .sumPerExample)
    let penalty = try klDivergence(target: rho, meanActivations: try meanActivations(hidden))
    return (error + penalty * beta, error, penalty)
}

/// Exercise 2.4 — The penalty's gradient derived by hand:
///
///     ∂/∂ρ̂ⱼ [β Σₖ KL(ρ ‖ ρ̂ₖ)] = β (−ρ/ρ̂ⱼ + (1 − ρ)/(1 − ρ̂ⱼ))
///
/// - Parameters: rho ρ; rhoHat ρ̂ [H] with entries in (0, 1); beta β.
/// - Returns: [H].
public func klPenaltyGradient(target rho: Float, meanActivations rhoHat: Tensor, beta: Float) throws -> Tensor {
    rhoHat.map { beta * (-rho / $0 + (1 - rho) / (1 - $0)) }
}
