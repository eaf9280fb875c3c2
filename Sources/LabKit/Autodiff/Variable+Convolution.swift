// Convolution and transposed convolution on channels-last image batches (see
// `ConvolutionGrid`), each one gathered matrix product over the zero-padded images
// (`Tensor.convolve`) or its adjoint (`Tensor.convolutionAdjoint`), so they run on the packed
// GEMM without writing a patch matrix; and max pooling.

/// 2-D convolution, with zeros outside the image:
///
///     y[n, i, j, f] = b[f] + Σ_{ky, kx, c} x[n, i·s − top + ky, j·s − left + kx, c]
///                                           · W[(ky·k + kx)·C + c, f]
///
/// Shapes: x [N, H·W·C], filters W [k·k·C, F] (one column per filter), bias b [F]
/// → y [N, Ho·Wo·F], channels last. With G = ∂L/∂y seen as [N·Ho·Wo, F]:
///
///     ∂W[tap, f] = Σ_positions x̃[position + tap] · G[position, f],    ∂b = Σ_rows G,
///     ∂x = the adjoint of the convolution applied to G (`Tensor.convolutionAdjoint`)
///
/// A ReLU or sigmoid `activation` is applied in the same node (bias and activation as the
/// matrix product's epilogue, see `dense`), bit for bit `activation(conv2d(x, …))`.
public func conv2d(
    _ x: Variable, filters: Variable, bias: Variable, _ grid: ConvolutionGrid,
    activation: Activation = .identity
) -> Variable {
    guard let fused = FusedActivation(activation) else {
        return activation(conv2d(x, filters: filters, bias: bias, grid))
    }
    let (w, b) = (filters.value, bias.value)
    require(
        w.shape == [grid.shape.patchSize, w.columnCount] && b.count == w.columnCount,
        "conv2d: filters \(w.shape) and bias \(b.shape) do not fit \(grid) "
            + "(filters need [\(grid.shape.patchSize), F], bias [F])"
    )
    let n = x.value.rowCount, f = w.columnCount
    let batch = Tensor.PaddedBatch(x.value, grid)
    let y = Tensor.convolve(batch, w, bias: b, activation: fused)  // [N·Ho·Wo, F]
    return Variable(y.reshaped([n, grid.positions * f]), inputs: [x, filters, bias]) { g in
        let (g2, gb) = Tensor.activationPullback(
            g.reshaped([n * grid.positions, f]), output: y, fused, biasGradient: bias.requiresGradient)
        return [
            x.requiresGradient ? Tensor.convolutionAdjoint(g2, w, grid, images: n, reusing: batch) : nil,
            filters.requiresGradient ? Tensor.convolutionFilterGradient(batch, g2) : nil,
            gb,
        ]
    }
}

/// Transposed convolution: the adjoint of `conv2d` in its input, plus a bias.
///
/// `grid` describes the convolution being transposed — from images of height × width ×
/// C_out to the Ho × Wo grid of `x` — which fixes the output size (a stride-2 "same"
/// convolution maps both 7 and 8 to 4, so 4 alone would not say which to go back to).
///
/// Shapes: x [N, Ho·Wo·C_in], filters W [k·k·C_out, C_in], bias b [C_out] → y [N, H·W·C_out].
/// With G = ∂L/∂y: ∂x = conv2d(G; W) without its bias,
/// ∂W[tap, c] = Σ_positions G̃[position + tap] · x[position, c],
/// ∂b = Σ over images and pixels of G, per channel. Without the bias,
/// ⟨conv2d(u; W), v⟩ = ⟨u, convTranspose2d(v; W)⟩ for all u, v.
///
/// A ReLU or sigmoid `activation` is applied in the same node, bit for bit
/// `activation(convTranspose2d(x, …))`.
public func convTranspose2d(
    _ x: Variable, filters: Variable, bias: Variable, _ grid: ConvolutionGrid,
    activation: Activation = .identity
) -> Variable {
    guard let fused = FusedActivation(activation) else {
        return activation(convTranspose2d(x, filters: filters, bias: bias, grid))
    }
    let (w, b, shape) = (filters.value, bias.value, grid.shape)
    let cIn = w.columnCount
    require(
        w.rowCount == shape.patchSize && b.count == shape.channels && x.value.columnCount == grid.positions * cIn,
        "convTranspose2d: input \(x.shape), filters \(w.shape) and bias \(b.shape) do not fit the transpose of \(grid)"
    )
    let n = x.value.rowCount
    let rows = x.value.reshaped([n * grid.positions, cIn])
    var y = Tensor.convolutionAdjoint(rows, w, grid, images: n).reshaped([
        n * shape.height * shape.width, shape.channels,
    ])
    y.applyBiasAndActivation(b, fused)
    return Variable(y.reshaped([n, shape.imageSize]), inputs: [x, filters, bias]) { g in
        let (gz, gb) = Tensor.activationPullback(
            g.reshaped(y.shape), output: y, fused, biasGradient: bias.requiresGradient)
        let batch = Tensor.PaddedBatch(gz.reshaped([n, shape.imageSize]), grid)
        return [
            x.requiresGradient ? Tensor.convolve(batch, w).reshaped([n, grid.positions * cIn]) : nil,
            filters.requiresGradient ? Tensor.convolutionFilterGradient(batch, rows) : nil,
            gb,
        ]
    }
}

/// Max pooling over non-overlapping size × size windows (the last rows and columns that do
/// not fill a window are dropped): x [N, H·W·C] → [N, ⌊H/size⌋·⌊W/size⌋·C], channel by channel.
/// The gradient goes to the largest value of each window (the first, on a tie).
public func maxPool2d(_ x: Variable, height: Int, width: Int, channels: Int, size: Int = 2) -> Variable {
    let v = x.value
    require(
        v.rank == 2 && v.columnCount == height * width * channels && size > 0 && height >= size && width >= size,
        "maxPool2d: \(v.shape) is not a batch of \(height)×\(width)×\(channels) images at least \(size) on a side")
    let n = v.rowCount, (ho, wo) = (height / size, width / size)
    var out = [Float](repeating: 0, count: n * ho * wo * channels)
    var winner = [Int](repeating: 0, count: out.count)  // flat index into x of each maximum
    for image in 0..<n {
        for oy in 0..<ho {
            for ox in 0..<wo {
                for c in 0..<channels {
                    var best = -Float.infinity, at = -1
                    for dy in 0..<size {
                        for dx in 0..<size {
                            let i = ((image * height + oy * size + dy) * width + ox * size + dx) * channels + c
                            if v.scalars[i] > best || at < 0 { (best, at) = (v.scalars[i], i) }
                        }
                    }
                    let o = ((image * ho + oy) * wo + ox) * channels + c
                    (out[o], winner[o]) = (best, at)
                }
            }
        }
    }
    return Variable(Tensor(shape: [n, ho * wo * channels], scalars: out), inputs: [x]) { g in
        var dx = [Float](repeating: 0, count: v.count)
        for (o, i) in winner.enumerated() { dx[i] += g.scalars[o] }
        return [Tensor(shape: v.shape, scalars: dx)]
    }
}
