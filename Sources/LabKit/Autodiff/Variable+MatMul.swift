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
            case (false, false): ga = Tensor.matmul(g, bv, transposeB: true)                    // g·Bᵀ
            case (true, false): ga = Tensor.matmul(bv, g, transposeB: true)                     // B·gᵀ
            case (false, true): ga = Tensor.matmul(g, bv)                                       // g·B
            case (true, true): ga = Tensor.matmul(bv, g, transposeA: true, transposeB: true)    // Bᵀ·gᵀ
            }
        }
        if b.requiresGradient {
            switch (transposeA, transposeB) {
            case (false, false): gb = Tensor.matmul(av, g, transposeA: true)                    // Aᵀ·g
            case (true, false): gb = Tensor.matmul(av, g)                                       // A·g
            case (false, true): gb = Tensor.matmul(g, av, transposeA: true)                     // gᵀ·A
            case (true, true): gb = Tensor.matmul(g, av, transposeA: true, transposeB: true)    // gᵀ·Aᵀ
            }
        }
        return [ga, gb]
    }
}

public func affine(_ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
    let (xv, wv) = (x.value, w.value)
    require(b.value.count == wv.columnCount, "affine: bias \(b.shape) does not match weight \(wv.shape)")
    var y = Tensor.matmul(xv, wv)
    let h = y.columnCount
    b.value.scalars.withUnsafeBufferPointer { pb in
        y.scalars.withUnsafeMutableBufferPointer { py in
            for i in 0..<(py.count / max(h, 1)) { for j in 0..<h { py[i * h + j] += pb[j] } }
        }
    }
    return Variable(y, inputs: [x, w, b]) { g in
        [x.requiresGradient ? Tensor.matmul(g, wv, transposeB: true) : nil,
         w.requiresGradient ? Tensor.matmul(xv, g, transposeA: true) : nil,
         b.requiresGradient ? g.sum(alongAxis: 0).reshaped(b.value.shape) : nil]
    }
}
