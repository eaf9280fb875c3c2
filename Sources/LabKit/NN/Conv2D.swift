/// A convolution layer y = activation(conv2d(x; W) + b) on channels-last image batches.
///
/// Shapes: x [N, H·W·C] → y [N, Ho·Wo·F]; W [k·k·C, F]; b [F], initialised to zero.
/// W is drawn with fan_in = k·k·C and fan_out = k·k·F (He for ReLU, Glorot otherwise).
public final class Conv2D: Layer {
    public let filters: Variable
    public let bias: Variable
    public let grid: ConvolutionGrid
    public let activation: Activation

    public init(
        _ grid: ConvolutionGrid, filters count: Int, activation: Activation = .identity,
        initialization: WeightInitialization? = nil, name: String = "conv", using generator: inout SeededGenerator
    ) {
        self.grid = grid
        let shape = grid.shape
        self.activation = activation
        filters = Variable(
            convolutionWeights(
                [shape.patchSize, count], fanIn: shape.patchSize, fanOut: shape.kernel * shape.kernel * count,
                initialization ?? .suited(to: activation), using: &generator),
            requiresGradient: true, name: "\(name).filters")
        bias = Variable(.zeros([count]), requiresGradient: true, name: "\(name).bias")
    }

    /// The number of filters (output channels).
    public var filterCount: Int { filters.value.columnCount }
    /// The output images' shape, for the next layer: Ho × Wo × F.
    public var outputSize: (height: Int, width: Int, channels: Int) {
        (grid.outputHeight, grid.outputWidth, filterCount)
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        conv2d(x, filters: filters, bias: bias, grid, activation: activation)
    }
    public var parameters: [Variable] { [filters, bias] }
}

/// A transposed convolution layer y = activation(convTranspose2d(x; W) + b): it undoes the
/// geometry of the convolution `grid` describes, from its Ho × Wo × C_in output grid back to
/// its H × W × C_out input grid (C_out = `grid.shape.channels`).
///
/// Shapes: x [N, Ho·Wo·C_in] → y [N, H·W·C_out]; W [k·k·C_out, C_in]; b [C_out].
public final class ConvTranspose2D: Layer {
    public let filters: Variable
    public let bias: Variable
    public let grid: ConvolutionGrid
    public let activation: Activation

    public init(
        _ grid: ConvolutionGrid, inputChannels: Int, activation: Activation = .identity,
        initialization: WeightInitialization? = nil, name: String = "deconv", using generator: inout SeededGenerator
    ) {
        self.grid = grid
        let shape = grid.shape
        self.activation = activation
        // Each output value gathers ≈ k·k·C_in / s² inputs; the fans mirror the convolution's.
        filters = Variable(
            convolutionWeights(
                [shape.patchSize, inputChannels], fanIn: shape.kernel * shape.kernel * inputChannels,
                fanOut: shape.patchSize, initialization ?? .suited(to: activation), using: &generator),
            requiresGradient: true, name: "\(name).filters")
        bias = Variable(.zeros([shape.channels]), requiresGradient: true, name: "\(name).bias")
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        convTranspose2d(x, filters: filters, bias: bias, grid, activation: activation)
    }
    public var parameters: [Variable] { [filters, bias] }
}

/// Glorot-uniform or He-normal weights of the given shape and fans.
func convolutionWeights(
    _ shape: [Int], fanIn: Int, fanOut: Int, _ initialization: WeightInitialization,
    using generator: inout SeededGenerator
) -> Tensor {
    switch initialization {
    case .glorotUniform:
        let a = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
        return .randomUniform(shape, low: -a, high: a, using: &generator)
    case .heNormal:
        return .randomNormal(shape, standardDeviation: Float((2.0 / Double(fanIn)).squareRoot()), using: &generator)
    }
}
