import CKernels

/// The geometry of a 2-D convolution's input over a batch of images.
///
/// Images are the rows of a matrix, each height × width × channels values in HWC order
/// ("channels last": the batch is NHWC). With one channel this is the kit's usual [N, H·W]
/// layout. A k × k kernel moves by `stride`, over the image padded with zeros ("same") or not
/// ("valid"). How many positions that gives is the convolution's `ConvolutionGrid`.
public struct ConvolutionShape: Equatable, Sendable, CustomStringConvertible {
    public enum Padding: String, Sendable { case valid, same }

    public let height: Int, width: Int, channels: Int
    public let kernel: Int, stride: Int
    public let padding: Padding

    public init(height: Int, width: Int, channels: Int, kernel: Int, stride: Int = 1, padding: Padding = .same) {
        require(
            height > 0 && width > 0 && channels > 0,
            "a convolution needs a non-empty image, got \(height)×\(width)×\(channels)")
        require(kernel > 0 && stride > 0, "kernel and stride must be positive, got \(kernel) and \(stride)")
        require(
            padding == .same || (kernel <= height && kernel <= width),
            "a valid convolution needs the \(kernel)×\(kernel) kernel to fit the \(height)×\(width) image")
        (self.height, self.width, self.channels, self.kernel, self.stride, self.padding) = (
            height, width, channels, kernel, stride, padding
        )
    }

    /// Values in one patch: k · k · C.
    public var patchSize: Int { kernel * kernel * channels }
    /// Values in one input image: H · W · C.
    public var imageSize: Int { height * width * channels }

    public var description: String {
        "\(height)×\(width)×\(channels), \(kernel)×\(kernel) kernel, stride \(stride), \(padding)"
    }
}

/// A convolution layer's geometry: the input's shape and the grid of kernel positions, Ho × Wo,
/// which the caller gives (lab07 computes it with the student's exercise 7.1).
///
/// Kernel position (i, j) covers pixels (i·s − top + ky, j·s − left + kx), ky, kx < k. "same"
/// pads the image with (Ho − 1)·s + k − H rows in total (none if that is negative), the smaller
/// half on top, and likewise columns, the smaller half on the left; "valid" pads nothing and
/// needs every position inside the image.
public struct ConvolutionGrid: Equatable, Sendable, CustomStringConvertible {
    public let shape: ConvolutionShape
    public let outputHeight: Int, outputWidth: Int

    public init(_ shape: ConvolutionShape, outputHeight: Int, outputWidth: Int) {
        require(
            outputHeight > 0 && outputWidth > 0, "a convolution needs positions, got \(outputHeight)×\(outputWidth)")
        let (k, s) = (shape.kernel, shape.stride)
        if shape.padding == .valid {
            require(
                (outputHeight - 1) * s + k <= shape.height && (outputWidth - 1) * s + k <= shape.width,
                "\(outputHeight)×\(outputWidth) positions of a valid \(k)×\(k) kernel at stride \(s) "
                    + "do not fit \(shape)"
            )
        } else {
            require(
                (outputHeight - 1) * s < shape.height + k && (outputWidth - 1) * s < shape.width + k,
                "\(outputHeight)×\(outputWidth) positions at stride \(s) reach past \(shape) and its padding")
        }
        (self.shape, self.outputHeight, self.outputWidth) = (shape, outputHeight, outputWidth)
    }

    /// Output positions per image: Ho · Wo.
    public var positions: Int { outputHeight * outputWidth }

    public var description: String { "\(shape) → \(outputHeight)×\(outputWidth)" }

    /// The rows (and columns) the kernel positions span, padding included: (Ho − 1)·s + k.
    var paddedHeight: Int { (outputHeight - 1) * shape.stride + shape.kernel }
    var paddedWidth: Int { (outputWidth - 1) * shape.stride + shape.kernel }
    /// Zero rows above the image (and columns left of it).
    var top: Int { shape.padding == .valid ? 0 : Swift.max(0, paddedHeight - shape.height) / 2 }
    var left: Int { shape.padding == .valid ? 0 : Swift.max(0, paddedWidth - shape.width) / 2 }
}

// A convolution is one matrix product over the zero-padded images, read in place: row (n, i, j)
// of the product is output position (i, j) of image n, column (ky, kx, c) is a tap of the kernel,
// and element (row, column) is the padded pixel under that tap — at offset
// position(n, i, j) + tap(ky, kx, c) of the padded batch. The GEMM gathers its tiles through the
// two offset tables (`ck_sgemm_gather_block`), so no patch matrix is ever written.
extension Tensor {
    /// images [N, H·W·C] → the padded batch [N, Hp·Wp·C] (Hp × Wp: every row and column a kernel
    /// position covers), the image at (top, left), zeros around it.
    static func paddedImages(_ images: Tensor, _ grid: ConvolutionGrid) -> [Float] {
        let s = grid.shape
        require(
            images.rank == 2 && images.columnCount == s.imageSize,
            "convolution: images \(images.shape) do not hold \(s.height)×\(s.width)×\(s.channels) images")
        let (n, hp, wp, c) = (images.rowCount, grid.paddedHeight, grid.paddedWidth, s.channels)
        let (rows, columns) = (Swift.min(s.height, hp - grid.top), Swift.min(s.width, wp - grid.left))
        let (rowLength, imageLength) = (wp * c, hp * wp * c)
        // Each padded row written once: zeros left of the image, its pixels, zeros to the right;
        // the rows above and below it zeros.
        return [Float](unsafeUninitializedCapacity: n * imageLength) { dst, count in
            images.scalars.withUnsafeBufferPointer { src in
                for image in 0..<n {
                    let padded = dst.baseAddress! + image * imageLength
                    for y in 0..<hp {
                        let row = padded + y * rowLength, imageRow = y - grid.top
                        guard imageRow >= 0 && imageRow < rows else {
                            row.initialize(repeating: 0, count: rowLength)
                            continue
                        }
                        row.initialize(repeating: 0, count: grid.left * c)
                        (row + grid.left * c).initialize(
                            from: src.baseAddress! + (image * s.height + imageRow) * s.width * c, count: columns * c)
                        (row + (grid.left + columns) * c).initialize(
                            repeating: 0, count: rowLength - (grid.left + columns) * c)
                    }
                }
            }
            count = n * imageLength
        }
    }

    /// Where output position (n, i, j) starts in the padded batch: (n·Hp·Wp + i·s·Wp + j·s)·C.
    static func positionOffsets(_ grid: ConvolutionGrid, images n: Int) -> [Int] {
        let (hp, wp, c, s) = (grid.paddedHeight, grid.paddedWidth, grid.shape.channels, grid.shape.stride)
        let (ho, wo) = (grid.outputHeight, grid.outputWidth)
        return [Int](unsafeUninitializedCapacity: n * ho * wo) { out, count in
            var at = 0
            for image in 0..<n {
                for i in 0..<ho {
                    let rowStart = (image * hp * wp + i * s * wp) * c
                    for j in 0..<wo {
                        out[at] = rowStart + j * s * c
                        at += 1
                    }
                }
            }
            count = at
        }
    }

    /// Where tap (ky, kx, c) is from a position's start: (ky·Wp + kx)·C + c.
    static func tapOffsets(_ grid: ConvolutionGrid) -> [Int] {
        let (k, c, wp) = (grid.shape.kernel, grid.shape.channels, grid.paddedWidth)
        return (0..<(k * k * c)).map { tap in ((tap / c) / k * wp + (tap / c) % k) * c + tap % c }
    }

    /// A batch of images as the convolutions read it: zero-padded, with its offset tables. Made
    /// once per layer and step; the forward product and the filters' gradient both read it.
    struct PaddedBatch {
        let padded: [Float], positions: [Int], taps: [Int]

        init(_ images: Tensor, _ grid: ConvolutionGrid) {
            padded = Tensor.paddedImages(images, grid)
            positions = Tensor.positionOffsets(grid, images: images.rowCount)
            taps = Tensor.tapOffsets(grid)
        }
    }

    /// The convolution: y [N·Ho·Wo, F] = act(Σ_taps x̃[position + tap] · W[tap, f] + b), for the
    /// padded images x̃ and filters W [k·k·C, F], one product with its bias and activation in the
    /// epilogue.
    static func convolve(
        _ batch: PaddedBatch, _ filters: Tensor, bias: Tensor? = nil, activation: FusedActivation = .identity
    ) -> Tensor {
        require(
            filters.shape == [batch.taps.count, filters.columnCount],
            "convolution: filters \(filters.shape) do not fit the \(batch.taps.count) taps")
        return gatheredProduct(
            batch.padded, rows: batch.positions, columns: batch.taps, filters.scalars, n: filters.columnCount,
            bias: bias?.scalars, activation: activation)
    }

    /// The filters' gradient: ∂W [k·k·C, F] = Σ over positions of x̃[position + tap] · g[position, f],
    /// the same gather read the other way (a row per tap, the positions summed in order).
    static func convolutionFilterGradient(_ batch: PaddedBatch, _ g: Tensor) -> Tensor {
        require(g.rowCount == batch.positions.count, "convolution: gradient \(g.shape) does not fit the positions")
        return gatheredProduct(batch.padded, rows: batch.taps, columns: batch.positions, g.scalars, n: g.columnCount)
    }

    /// The adjoint of `convolve` in its images: for z [N·Ho·Wo, F] and W [k·k·C, F], the images
    /// [N, H·W·C] with ⟨convolve(x; W), z⟩ = ⟨x, adjoint(z; W)⟩ — the input's gradient, and the
    /// transposed convolution. Each position's z · Wᵀ (a value per tap) is added onto the padded
    /// pixel under that tap as the product is formed (`ck_sgemm_scatter_add`), then the padding is
    /// cut off. The images are split over the cores; each image's sums go in position order.
    /// `batch`, when given, is the forward product's (its offset tables are the same).
    static func convolutionAdjoint(
        _ z: Tensor, _ filters: Tensor, _ grid: ConvolutionGrid, images n: Int, reusing batch: PaddedBatch? = nil
    ) -> Tensor {
        let s = grid.shape
        let (f, c, hp, wp) = (filters.columnCount, s.channels, grid.paddedHeight, grid.paddedWidth)
        require(
            z.shape == [n * grid.positions, f] && filters.rowCount == s.patchSize,
            "convolution: \(z.shape) and filters \(filters.shape) do not fit \(grid)")
        let (rows, taps) = batch.map { ($0.positions, $0.taps) } ?? (positionOffsets(grid, images: n), tapOffsets(grid))
        var padded = [Float](repeating: 0, count: n * hp * wp * c)
        let threads = Swift.min(matmulThreads, n, Swift.max(1, z.count * taps.count / (1 << 18)))
        z.scalars.withUnsafeBufferPointer { pz in
            filters.scalars.withUnsafeBufferPointer { pw in
                padded.withUnsafeMutableBufferPointer { pp in
                    rows.withUnsafeBufferPointer { pr in
                        taps.withUnsafeBufferPointer { pt in
                            let (Z, W, P, R, T) = (
                                pz.baseAddress, pw.baseAddress, pp.baseAddress, pr.baseAddress, pt.baseAddress
                            )
                            // Thread t takes whole images, so no two threads add onto one pixel.
                            Parallel.forEach(threads) { t in
                                let first = n * t / threads, last = n * (t + 1) / threads
                                ck_sgemm_scatter_add(
                                    Int32(rows.count), Int32(taps.count), Int32(f), Z, f, 1, W, 1, f, P, R, T,
                                    Int32(first * grid.positions), Int32(last * grid.positions))
                            }
                        }
                    }
                }
            }
        }
        // The image's pixels out of the padded batch.
        let (rowsKept, columnsKept) = (Swift.min(s.height, hp - grid.top), Swift.min(s.width, wp - grid.left))
        // Pixels no kernel position reaches (a valid convolution's last rows or columns) stay 0.
        var out =
            rowsKept == s.height && columnsKept == s.width
            ? [Float](unsafeUninitializedCapacity: n * s.imageSize) { _, count in count = n * s.imageSize }
            : [Float](repeating: 0, count: n * s.imageSize)
        padded.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for image in 0..<n {
                    for y in 0..<rowsKept {
                        (dst.baseAddress! + (image * s.height + y) * s.width * c).update(
                            from: src.baseAddress! + ((image * hp + y + grid.top) * wp + grid.left) * c,
                            count: columnsKept * c)
                    }
                }
            }
        }
        return Tensor(shape: [n, s.imageSize], scalars: out)
    }

    /// C [M, N] = Ã · B with Ã[i, p] = base[rows[i] + columns[p]] and B [K, N] row-major (K =
    /// columns.count), split over the cores by whole tiles of rows; bias and activation in the epilogue.
    static func gatheredProduct(
        _ base: [Float], rows: [Int], columns: [Int], _ b: [Float], n: Int, bias: [Float]? = nil,
        activation: FusedActivation = .identity
    ) -> Tensor {
        let (m, k) = (rows.count, columns.count)
        let tile = matmulTile(columns: n).rows
        if bias == nil && activation == .identity && m * n * k >= 1 << 18 && (m + tile - 1) / tile < matmulThreads {
            return deepGatheredProduct(base, rows: rows, columns: columns, b, n: n)
        }
        // Every element is written by the kernel (beta 0), so skip zero-filling.
        var c = [Float](unsafeUninitializedCapacity: m * n) { _, count in count = m * n }
        let threads = m * n * k < 1 << 18 ? 1 : Swift.min(matmulThreads, (m + tile - 1) / tile)
        let chunk = ((m + threads - 1) / threads + tile - 1) / tile * tile
        withOptionalPointer(bias) { pBias in
            var epilogue = ck_epilogue(bias: pBias, activation: Int32(activation.kernelCode.rawValue))
            let fused = pBias != nil || activation != .identity
            withUnsafePointer(to: &epilogue) { pEpilogue in
                base.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            rows.withUnsafeBufferPointer { pr in
                                columns.withUnsafeBufferPointer { pk in
                                    let (A, B, C, R, K) = (
                                        pa.baseAddress, pb.baseAddress, pc.baseAddress, pr.baseAddress, pk.baseAddress
                                    )
                                    let E = fused ? pEpilogue : nil
                                    // Each thread writes its own rows of C.
                                    Parallel.forEach(threads) { t in
                                        let m0 = Swift.min(m, t * chunk), m1 = Swift.min(m, m0 + chunk)
                                        ck_sgemm_gather_block(
                                            Int32(m), Int32(n), Int32(k), A, R, K, B, n, 1, 0, C, n, Int32(m0),
                                            Int32(m1), 0, Int32(n), E)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [m, n], scalars: c)
    }

    /// The gathered product when C has too few rows to share out (a filters' gradient: a row per
    /// tap, 9 of them for a 3 × 3 kernel on one channel, summed over every position of the
    /// batch): the cores take its k-blocks instead, each block's sums into a C of its own, and
    /// those are added in block order — the order one product adds them in, so the same bits.
    static func deepGatheredProduct(_ base: [Float], rows: [Int], columns: [Int], _ b: [Float], n: Int) -> Tensor {
        let (m, k) = (rows.count, columns.count)
        let step = Int(ck_sgemm_k_block(Int32(k))), blocks = (k + step - 1) / step
        var partial = [Float](unsafeUninitializedCapacity: blocks * m * n) { _, count in count = blocks * m * n }
        base.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                partial.withUnsafeMutableBufferPointer { pc in
                    rows.withUnsafeBufferPointer { pr in
                        columns.withUnsafeBufferPointer { pk in
                            let (A, B, C, R, K) = (
                                pa.baseAddress, pb.baseAddress!, pc.baseAddress!, pr.baseAddress, pk.baseAddress!
                            )
                            let threads = Swift.min(matmulThreads, blocks)
                            Parallel.forEach(threads) { t in
                                for block in stride(from: t, to: blocks, by: threads) {
                                    let p0 = block * step, kc = Swift.min(step, k - p0)
                                    ck_sgemm_gather_block(
                                        Int32(m), Int32(n), Int32(kc), A, R, K + p0, B + p0 * n, n, 1, 0,
                                        C + block * m * n, n, 0, Int32(m), 0, Int32(n), nil)
                                }
                            }
                        }
                    }
                }
            }
        }
        var c = Array(partial[0..<(m * n)])
        for block in 1..<Swift.max(1, blocks) {
            for i in 0..<(m * n) { c[i] += partial[block * m * n + i] }
        }
        return Tensor(shape: [m, n], scalars: c)
    }
}
