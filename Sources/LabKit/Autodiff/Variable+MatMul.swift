/// Matrix product op(a)·op(b) with its gradients:
/// for C = A·B,  ∂L/∂A = ∂L/∂C · Bᵀ  and  ∂L/∂B = Aᵀ · ∂L/∂C
/// (transposed operands swap the factors accordingly).
public func matmul(
    _ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false
) -> Variable {
    let (av, bv) = (a.value, b.value)
    let value = Tensor.matmul(av, bv, transposeA: transposeA, transposeB: transposeB)
    return Variable(value, inputs: [a, b]) { g in
        var ga: Tensor?, gb: Tensor?
        if a.requiresGradient {
            ga = transposeA
                ? Tensor.matmul(bv, g, transposeA: transposeB, transposeB: true)
                : Tensor.matmul(g, bv, transposeB: !transposeB)
        }
        if b.requiresGradient {
            gb = transposeB
                ? Tensor.matmul(g, av, transposeA: true, transposeB: transposeA)
                : Tensor.matmul(av, g, transposeA: !transposeA)
        }
        return [ga, gb]
    }
}

/// An affine map y = x·W + b, the forward pass of a dense layer, as one node.
///
/// Shapes: x [N, D], W [D, H], b [H] → y [N, H].
/// Gradients: ∂L/∂x = ∂L/∂y · Wᵀ,  ∂L/∂W = xᵀ · ∂L/∂y,  ∂L/∂b = Σₙ ∂L/∂y.
public func affine(_ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
    let (xv, wv) = (x.value, w.value)
    require(b.value.count == wv.columns, "affine: bias \(b.shape) does not match weight \(wv.shape)")
    var y = Tensor.matmul(xv, wv)
    let h = y.columns
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
