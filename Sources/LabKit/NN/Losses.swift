import CKernels

/// How a loss over [N, D] elements is reduced to one number.
public enum LossReduction: Sendable {
    /// The mean over all N·D elements.
    case mean
    /// Summed over the D features of each example, then averaged over the N examples
    /// (nats per image, as in the VAE's ELBO).
    case sumPerExample

    func divisor(_ shape: [Int]) -> Float {
        let n = Float(shape.reduce(1, *))
        switch self {
        case .mean: return n
        case .sumPerExample: return shape.count == 2 ? Float(shape[0]) : 1
        }
    }
}

/// Mean squared error.
/// ```
/// L = (1/n) Σᵢ (pᵢ − tᵢ)²,   ∂L/∂pᵢ = 2(pᵢ − tᵢ)/n
/// ```
/// n is the element count (`.mean`) or the batch size (`.sumPerExample`).
public func meanSquaredError(
    predictions p: Variable, targets t: Tensor, reduction: LossReduction = .mean
) -> Variable {
    require(p.shape == t.shape, "meanSquaredError: predictions \(p.shape) and targets \(t.shape) differ")
    let n = reduction.divisor(t.shape)
    // One sweep for the differences (kept for the gradient) and the sum of squares.
    let (difference, total) = lossSweep(p.value, t, ck_squared_difference)
    return Variable(Tensor(Float(total / Double(n))), inputs: [p]) { g in [difference * (2 * g.scalar / n)] }
}

/// Binary cross-entropy of probabilities p against targets t ∈ [0, 1].
/// ```
/// L = −(1/n) Σᵢ [tᵢ log pᵢ + (1 − tᵢ) log(1 − pᵢ)],   ∂L/∂pᵢ = (pᵢ − tᵢ) / (pᵢ(1 − pᵢ)) / n
/// ```
/// p is clamped to [ε, 1 − ε] (ε = 1e-7) so that log 0 never occurs.
public func binaryCrossEntropy(
    probabilities p: Variable, targets t: Tensor, reduction: LossReduction = .mean
) -> Variable {
    require(p.shape == t.shape, "binaryCrossEntropy: probabilities \(p.shape) and targets \(t.shape) differ")
    let epsilon: Float = 1e-7
    let clamped = p.value.clamped(epsilon, 1 - epsilon)
    let n = reduction.divisor(t.shape)
    var total = 0.0
    for (pi, ti) in zip(clamped.scalars, t.scalars) {
        total -= Double(ti * _logf(pi) + (1 - ti) * _logf(1 - pi))
    }
    return Variable(Tensor(Float(total / Double(n))), inputs: [p]) { g in
        let scale = g.scalar / n
        return [Tensor.broadcasting(clamped, t) { pi, ti in scale * (pi - ti) / (pi * (1 - pi)) }]
    }
}

/// Binary cross-entropy from logits z (p = σ(z)), in the stable form
/// ```
/// ℓ(z, t) = max(z, 0) − z·t + log(1 + e^−|z|),   ∂ℓ/∂z = σ(z) − t
/// ```
/// which never overflows and never takes the log of 0.
public func binaryCrossEntropy(
    logits z: Variable, targets t: Tensor, reduction: LossReduction = .mean
) -> Variable {
    require(z.shape == t.shape, "binaryCrossEntropy: logits \(z.shape) and targets \(t.shape) differ")
    let n = reduction.divisor(t.shape)
    // One sweep for the sum and the probabilities σ(z) the gradient needs.
    let (probabilities, total) = lossSweep(z.value, t, ck_bce_logits)
    return Variable(Tensor(Float(total / Double(n))), inputs: [z]) { g in
        [(probabilities - t) * (g.scalar / n)]
    }
}

/// Runs one of a loss's sweeps in C (CKernels/loss.c) over same-shaped inputs x and targets t:
/// the kernel writes one value per element (what the gradient needs) and returns the sum of
/// the loss's terms.
func lossSweep(
    _ x: Tensor, _ t: Tensor,
    _ kernel: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Double
) -> (perElement: Tensor, sum: Double) {
    var sum = 0.0
    let values = x.scalars.withUnsafeBufferPointer { px in
        t.scalars.withUnsafeBufferPointer { pt in
            [Float](unsafeUninitializedCapacity: px.count) { out, count in
                sum = kernel(px.baseAddress, pt.baseAddress, out.baseAddress, px.count)
                count = px.count
            }
        }
    }
    return (Tensor(shape: x.shape, scalars: values), sum)
}
