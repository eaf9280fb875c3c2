/// Matrix product C = op(A)·op(B), where op transposes when asked, with its gradients.
/// For g = ∂L/∂C, each case follows from C = A·B ⇒ ∂A = g·Bᵀ, ∂B = Aᵀ·g:
///
///     C = A·B    ⇒  ∂A = g·Bᵀ,   ∂B = Aᵀ·g
///     C = Aᵀ·B   ⇒  ∂A = B·gᵀ,   ∂B = A·g
///     C = A·Bᵀ   ⇒  ∂A = g·B,    ∂B = gᵀ·A
///     C = Aᵀ·Bᵀ  ⇒  ∂A = Bᵀ·gᵀ,  ∂B = gᵀ·Aᵀ
///
/// Each gradient is computed by one `Tensor.matmul` with the transposes as flags (no
/// transposed copy is made).
public func matmul(
    _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
) -> Variable {
    let (av, bv) = (a.value, b.value)
    let value = Tensor.matmul(av, bv, transposeA: transposeA, transposeB: transposeB)
    return Variable(value, inputs: [a, b]) { g in
        var ga: Tensor?, gb: Tensor?
        if a.requiresGradient {
            switch (transposeA, transposeB) {
            case (false, false): ga = Tensor.matmul(g, bv, transposeB: true)  // g·Bᵀ
            case (true, false): ga = Tensor.matmul(bv, g, transposeB: true)  // B·gᵀ
            case (false, true): ga = Tensor.matmul(g, bv)  // g·B
            case (true, true): ga = Tensor.matmul(bv, g, transposeA: true, transposeB: true)  // Bᵀ·gᵀ
            }
        }
        if b.requiresGradient {
            switch (transposeA, transposeB) {
            case (false, false): gb = Tensor.matmul(av, g, transposeA: true)  // Aᵀ·g
            case (true, false): gb = Tensor.matmul(av, g)  // A·g
            case (false, true): gb = Tensor.matmul(g, av, transposeA: true)  // gᵀ·A
            case (true, true): gb = Tensor.matmul(g, av, transposeA: true, transposeB: true)  // gᵀ·Aᵀ
            }
        }
        return [ga, gb]
    }
}

/// The affine map x·W + b of a dense layer (b added to every row), as one node:
///
///     ∂x = g·Wᵀ,    ∂W = xᵀ·g,    ∂b = Σ_rows g
///
/// The bias is added by the matrix product's epilogue, on each block of the result while it
/// is in cache.
public func affine(_ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
    dense(x, w, b, activation: .identity)
}

/// A dense layer, y = act(x·W + b), as one node: the same values, bit for bit, as
/// `activation(affine(x, w, b))`, with fewer passes over memory. For z = x·W + b and g = ∂L/∂y:
///
///     ∂z = g ⊙ act'(z)      ReLU: act'(z) = [y > 0],  sigmoid: act'(z) = y(1 − y),  identity: 1
///     ∂b = Σ_rows ∂z,    ∂x = ∂z·Wᵀ,    ∂W = xᵀ·∂z
///
/// The bias and the activation run as the matrix product's epilogue (CKernels/activation.c),
/// and ∂z and ∂b come from one sweep over g. Other activations (tanh, softplus) are applied
/// as their own node after the fused affine map.
public func dense(_ x: Variable, _ w: Variable, _ b: Variable, activation: Activation) -> Variable {
    guard let fused = FusedActivation(activation) else { return activation(affine(x, w, b)) }
    let (xv, wv) = (x.value, w.value)
    require(b.value.count == wv.columnCount, "affine: bias \(b.shape) does not match weight \(wv.shape)")
    let y = Tensor.affine(xv, wv, bias: b.value, activation: fused)
    return Variable(y, inputs: [x, w, b]) { g in
        let (gz, gb) = Tensor.activationPullback(g, output: y, fused, biasGradient: b.requiresGradient)
        return [
            x.requiresGradient ? Tensor.matmul(gz, wv, transposeB: true) : nil,
            w.requiresGradient ? Tensor.matmul(xv, gz, transposeA: true) : nil,
            gb?.reshaped(b.value.shape),
        ]
    }
}
