/// The geometry of a 2-D convolution over a batch of images.
///
/// Images are the rows of a matrix, each height × width × channels values in HWC order
/// ("channels last": the batch is NHWC). With one channel this is the kit's usual [N, H·W]
/// layout, and the matrix product of the image patches with the filters writes the next
/// layer's channels-last output directly, with no transpose.
///
/// A k × k kernel moves by `stride`. Each output size, along either axis:
///
///     valid (no padding):      ⌊(n − k) / s⌋ + 1
///     same (zero padding):     ⌈n / s⌉, padding (⌈n/s⌉ − 1)·s + k − n in total, the smaller half first
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

    /// The output size along one axis of length n.
    public static func outputSize(_ n: Int, kernel: Int, stride: Int, padding: Padding) -> Int {
        // The kernel's first position is 0, then every stride, up to the last one where it
        // still fits (valid) or still starts inside the image (same, whose padding makes it fit).
        let lastStart = padding == .valid ? n - kernel : n - 1
        return lastStart / stride + 1
    }

    public var outputHeight: Int { Self.outputSize(height, kernel: kernel, stride: stride, padding: padding) }
    public var outputWidth: Int { Self.outputSize(width, kernel: kernel, stride: stride, padding: padding) }
    /// Values in one patch: k · k · C.
    public var patchSize: Int { kernel * kernel * channels }
    /// Values in one input image: H · W · C.
    public var imageSize: Int { height * width * channels }

    /// Zero rows above the image (and columns left of it) that "same" padding adds.
    var padTop: Int { padding == .valid ? 0 : Swift.max(0, (outputHeight - 1) * stride + kernel - height) / 2 }
    var padLeft: Int { padding == .valid ? 0 : Swift.max(0, (outputWidth - 1) * stride + kernel - width) / 2 }

    public var description: String {
        "\(height)×\(width)×\(channels), \(kernel)×\(kernel) kernel, stride \(stride), \(padding) → \(outputHeight)×\(outputWidth)"
    }
}

// `patches` and `foldPatches` stay inside the core: lab07 asks students to write them
// (im2col and col2im), so the kit must not hand them out.
extension Tensor {
    /// The patches a convolution sees ("im2col"): one row per output position — image n,
    /// output row i, output column j, in that order — holding the k × k × C input values under
    /// the kernel there, in (ky, kx, c) order, with zeros where the kernel covers padding.
    ///
    /// Shapes: images [N, H·W·C] → [N·Ho·Wo, k·k·C]. A convolution is then one matrix product:
    /// `patches(of: x, shape) · W`, W [k·k·C, F], gives [N·Ho·Wo, F] = [N, Ho·Wo·F] channels last.
    static func patches(of images: Tensor, _ shape: ConvolutionShape) -> Tensor {
        require(
            images.rank == 2 && images.columnCount == shape.imageSize,
            "patches: images \(images.shape) do not hold \(shape.height)×\(shape.width)×\(shape.channels) images")
        let n = images.rowCount, (ho, wo) = (shape.outputHeight, shape.outputWidth), p = shape.patchSize
        var out = [Float](repeating: 0, count: n * ho * wo * p)
        images.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                nonisolated(unsafe) let (s, d) = (src.baseAddress!, dst.baseAddress!)
                forEachImage(n) { image in
                    Self.visitPatches(shape, image: image) { row, column, source, count in
                        (d + row * p + column).update(from: s + source, count: count)
                    }
                }
            }
        }
        return Tensor(shape: [n * ho * wo, p], scalars: out)
    }

    /// The adjoint of `patches` ("col2im"): adds every value of every patch row back onto the
    /// image pixel it was read from (padding positions are dropped).
    ///
    /// Shapes: patches [N·Ho·Wo, k·k·C] → images [N, H·W·C]. For any x and P,
    /// ⟨patches(x), P⟩ = ⟨x, foldPatches(P)⟩ — which makes it the gradient of `patches`.
    static func foldPatches(_ patches: Tensor, _ shape: ConvolutionShape) -> Tensor {
        let perImage = shape.outputHeight * shape.outputWidth
        require(
            patches.rank == 2 && patches.columnCount == shape.patchSize && patches.rowCount % perImage == 0,
            "foldPatches: \(patches.shape) are not \(shape.patchSize)-value patches of \(shape)")
        let n = patches.rowCount / perImage, p = shape.patchSize, size = shape.imageSize
        var out = [Float](repeating: 0, count: n * size)
        patches.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                nonisolated(unsafe) let (s, d) = (src.baseAddress!, dst.baseAddress!)
                forEachImage(n) { image in
                    Self.visitPatches(shape, image: image) { row, column, target, count in
                        let from = s + row * p + column, to = d + target
                        for i in 0..<count { to[i] += from[i] }
                    }
                }
            }
        }
        return Tensor(shape: [n, size], scalars: out)
    }

    /// Calls `copy(patchRow, offsetInPatch, imageOffset, count)` for every run of values a
    /// patch shares with the image (a run is one kernel row's columns inside the image, all
    /// channels: contiguous in both). Padding is skipped.
    @inline(__always)
    static func visitPatches(_ shape: ConvolutionShape, image: Int, _ copy: (Int, Int, Int, Int) -> Void) {
        let (h, w, c, k, s) = (shape.height, shape.width, shape.channels, shape.kernel, shape.stride)
        let (ho, wo, top, left) = (shape.outputHeight, shape.outputWidth, shape.padTop, shape.padLeft)
        let first = image * ho * wo
        for position in 0..<(ho * wo) {
            let (y0, x0) = (position / wo * s - top, position % wo * s - left)  // the kernel's top-left pixel
            // The kernel columns inside the image: one contiguous run of pixels and channels per row.
            let kxStart = Swift.max(0, -x0), kxEnd = Swift.min(k, w - x0)
            guard kxStart < kxEnd else { continue }
            for ky in Swift.max(0, -y0)..<Swift.max(Swift.max(0, -y0), Swift.min(k, h - y0)) {
                copy(
                    first + position, (ky * k + kxStart) * c, ((image * h + y0 + ky) * w + x0 + kxStart) * c,
                    (kxEnd - kxStart) * c)
            }
        }
    }

    /// Runs `body` for each image index, split over the cores. Each image writes only its own
    /// rows, so the result is the same bits for any split.
    static func forEachImage(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let chunks = Swift.min(count, 8)
        guard chunks > 1 else { for i in 0..<count { body(i) }; return }
        Parallel.forEach(chunks) { chunk in
            for i in stride(from: chunk, to: count, by: chunks) { body(i) }
        }
    }
}
