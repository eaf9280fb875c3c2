/// A convolutional autoencoder on channels-last images: an encoder of 3 × 3, stride-2,
/// "same" convolutions, each halving the image, and a decoder of transposed
/// convolutions that retrace the same sizes back.
///
/// With `channels: [16, 8, 8]` on 28 × 28 × 1 images:
///
///     28×28×1 → 14×14×16 → 7×7×8 → 4×4×8 (the code, 128 values) → 7×7×8 → 14×14×16 → 28×28×1
///
/// ReLU between layers, a linear code and a sigmoid output.
///
/// `outputMean` x̄ (the training images' mean pixel) starts the output layer's bias at
/// logit(x̄) = log(x̄ / (1 − x̄)), so the untrained network already draws the average pixel. From a
/// zero bias it draws 0.5 everywhere, and on images that are mostly black (MNIST: 80 % of pixels
/// are 0) the quickest way down the loss is to push that bias far negative: the sigmoid saturates,
/// its gradient σ′ ≈ 0 stops every layer below, and the network stays a black image.
public final class ConvAutoencoder {
    public let encoderLayers: [Conv2D]
    public let decoderLayers: [ConvTranspose2D]

    /// `outputSize(n)` is the side of a stride-2 "same" convolution's output on a side of n
    /// (lab07 passes its exercise 7.1).
    public init(
        height: Int, width: Int, channels inputChannels: Int = 1, filters: [Int] = [16, 8, 8], kernel: Int = 3,
        outputMean: Float? = nil, outputSize: (Int) throws -> Int, using generator: inout SeededGenerator
    ) rethrows {
        require(!filters.isEmpty, "a convolutional autoencoder needs at least one layer")
        var shapes: [ConvolutionGrid] = []
        var (h, w, c) = (height, width, inputChannels)
        for count in filters {
            let shape = ConvolutionShape(height: h, width: w, channels: c, kernel: kernel, stride: 2, padding: .same)
            let grid = ConvolutionGrid(shape, outputHeight: try outputSize(h), outputWidth: try outputSize(w))
            shapes.append(grid)
            (h, w, c) = (grid.outputHeight, grid.outputWidth, count)
        }
        encoderLayers = zip(shapes, filters).enumerated().map { i, layer in
            Conv2D(
                layer.0, filters: layer.1, activation: i == filters.count - 1 ? .identity : .relu,
                name: "encoder.\(i)", using: &generator)
        }
        decoderLayers = zip(shapes, filters).enumerated().reversed().map { i, layer in
            ConvTranspose2D(
                layer.0, inputChannels: layer.1, activation: i == 0 ? .sigmoid : .relu,
                name: "decoder.\(filters.count - 1 - i)", using: &generator)
        }
        if let outputMean {
            let mean = Swift.min(Swift.max(outputMean, 1e-3), 1 - 1e-3)
            let output = decoderLayers.last!.bias
            output.value = Tensor(repeating: Float(_log(Double(mean / (1 - mean)))), shape: output.value.shape)
        }
    }

    /// The code's shape: height × width × channels of the last encoder layer.
    /// An autoencoder made of the given layers (the encoder's, then the decoder's, in order).
    public init(encoderLayers: [Conv2D], decoderLayers: [ConvTranspose2D]) {
        require(
            !encoderLayers.isEmpty && !decoderLayers.isEmpty,
            "a convolutional autoencoder needs at least one layer each way")
        (self.encoderLayers, self.decoderLayers) = (encoderLayers, decoderLayers)
    }

    public var codeShape: (height: Int, width: Int, channels: Int) { encoderLayers.last!.outputSize }
    public var codeSize: Int { codeShape.height * codeShape.width * codeShape.channels }

    public func encode(_ x: Variable) -> Variable { encoderLayers.reduce(x) { $1($0) } }
    public func decode(_ z: Variable) -> Variable { decoderLayers.reduce(z) { $1($0) } }
    public func callAsFunction(_ x: Variable) -> Variable { decode(encode(x)) }

    public func encode(_ x: Tensor) -> Tensor { withoutGradients { encode(Variable(x)).value } }
    public func reconstruct(_ x: Tensor) -> Tensor { withoutGradients { self(Variable(x)).value } }

    public var parameters: [Variable] { encoderLayers.flatMap(\.parameters) + decoderLayers.flatMap(\.parameters) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}
