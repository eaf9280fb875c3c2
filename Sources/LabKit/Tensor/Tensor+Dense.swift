import CKernels

/// The activations a dense layer's matrix product applies in its epilogue.
enum FusedActivation {
    case identity, relu, sigmoid

    init?(_ activation: Activation) {
        switch activation {
        case .identity: self = .identity
        case .relu: self = .relu
        case .sigmoid: self = .sigmoid
        case .tanh, .softplus: return nil
        }
    }

    var kernelCode: ck_activation {
        switch self {
        case .identity: return CK_ACTIVATION_IDENTITY
        case .relu: return CK_ACTIVATION_RELU
        case .sigmoid: return CK_ACTIVATION_SIGMOID
        }
    }
}

extension Tensor {
    /// act(x·W + b) for a batch x [N, D], W [D, H], b [H]: one matrix product whose epilogue
    /// adds the bias and applies the activation to each thread's block of the result.
    static func affine(_ x: Tensor, _ w: Tensor, bias: Tensor, activation: FusedActivation) -> Tensor {
        require(x.rank == 2 && w.rank == 2, "affine needs matrices, got \(x.shape) and \(w.shape)")
        require(x.shape[1] == w.shape[0], "affine: inner sizes differ: \(x.shape) · \(w.shape)")
        let (m, k, n) = (x.shape[0], x.shape[1], w.shape[1])
        var c = [Float](unsafeUninitializedCapacity: m * n) { _, count in count = m * n }
        matmulKernel(
            m: m, n: n, k: k, x.scalars, transposeA: false, lda: k, w.scalars, transposeB: false, ldb: n,
            into: &c, accumulate: false, bias: bias.scalars, activation: activation.kernelCode)
        return Tensor(shape: [m, n], scalars: c)
    }

    /// self = act(self + bias) in place, for a matrix [N, H] and a bias [H]: the epilogue on its own
    /// (after a transposed convolution's fold, which no matrix product ends).
    mutating func applyBiasAndActivation(_ bias: Tensor, _ activation: FusedActivation) {
        require(rank == 2 && bias.count == columnCount, "bias \(bias.shape) does not fit \(shape)")
        let (rows, columns) = (rowCount, columnCount)
        let parts = count < 1 << 16 ? 1 : Parallel.threads
        bias.scalars.withUnsafeBufferPointer { pb in
            scalars.withUnsafeMutableBufferPointer { py in
                let (Y, B) = (py.baseAddress, pb.baseAddress)
                // Blocks of rows on every core; each element's arithmetic is its own.
                Parallel.forEach(parts) { part in
                    ck_bias_activation(
                        Y, columns, Int32(rows * part / parts), Int32(rows * (part + 1) / parts), 0, Int32(columns),
                        B, Int32(activation.kernelCode.rawValue))
                }
            }
        }
    }

    /// The backward sweep of a dense layer's epilogue: from g = ∂L/∂y and the layer's output y,
    /// ∂z = g ⊙ act'(z) and (when asked) ∂b = Σ_rows ∂z, summed in row order. Large sweeps are
    /// split by columns over the cores; each column is one thread's, so the bits never change.
    /// A sweep too narrow to split by columns (a convolution's 16, 8 or 1 channels over
    /// N·Ho·Wo rows) is split by rows instead, and ∂b then summed over ∂z in row order on its own.
    static func activationPullback(
        _ g: Tensor, output y: Tensor, _ activation: FusedActivation, biasGradient: Bool
    ) -> (Tensor, Tensor?) {
        if activation == .identity || g.count == 0 { return (g, biasGradient ? g.sum(alongAxis: 0) : nil) }
        let (rows, columns) = (g.rowCount, g.columnCount)
        let large = g.count >= 1 << 16, byRows = large && columns < 16 * Parallel.threads
        let parts = !large ? 1 : byRows ? Parallel.threads : Swift.min(Parallel.threads, columns / 16)
        var gz = [Float](unsafeUninitializedCapacity: g.count) { _, count in count = g.count }
        var gb = [Float](repeating: 0, count: biasGradient && !byRows ? columns : 0)
        g.scalars.withUnsafeBufferPointer { pg in
            y.scalars.withUnsafeBufferPointer { py in
                gz.withUnsafeMutableBufferPointer { pz in
                    gb.withUnsafeMutableBufferPointer { pb in
                        let (G, Y, Z) = (pg.baseAddress!, py.baseAddress!, pz.baseAddress!)
                        let B = biasGradient && !byRows ? pb.baseAddress : nil
                        Parallel.forEach(parts) { part in
                            let (r0, r1, n0, n1) =
                                byRows
                                ? (rows * part / parts, rows * (part + 1) / parts, 0, columns)
                                : (0, rows, columns * part / parts, columns * (part + 1) / parts)
                            ck_bias_activation_pullback(
                                G + r0 * columns, Y + r0 * columns, Z + r0 * columns, columns, Int32(r1 - r0),
                                Int32(n0), Int32(n1), Int32(activation.kernelCode.rawValue), B)
                        }
                    }
                }
            }
        }
        let dz = Tensor(shape: g.shape, scalars: gz)
        guard biasGradient else { return (dz, nil) }
        return (dz, byRows ? dz.sum(alongAxis: 0) : Tensor(shape: [columns], scalars: gb))
    }
}
