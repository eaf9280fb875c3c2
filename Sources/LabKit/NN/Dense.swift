/// How a dense layer's weights are drawn.
public enum WeightInitialization: Sendable {
    /// Glorot & Bengio (2010): W ~ U(−a, a), a = √(6 / (fan_in + fan_out)); suits sigmoid/tanh.
    case glorotUniform
    /// He et al. (2015): W ~ N(0, 2 / fan_in); suits ReLU.
    case heNormal
    /// The default for an activation: He for ReLU, Glorot otherwise.
    static func suited(to activation: Activation) -> WeightInitialization {
        activation == .relu ? .heNormal : .glorotUniform
    }
}

/// A fully connected layer y = activation(x·W + b).
///
/// Shapes: x [N, D] → y [N, H]; W [D, H]; b [H], initialised to zero.
public final class Dense: Layer {
    public let weight: Variable
    public let bias: Variable
    public let activation: Activation

    public init(
        _ inputSize: Int, _ outputSize: Int, activation: Activation = .identity,
        initialization: WeightInitialization? = nil, name: String = "dense",
        using generator: inout SeededGenerator
    ) {
        let w: Tensor
        switch initialization ?? .suited(to: activation) {
        case .glorotUniform:
            let a = Float((6.0 / Double(inputSize + outputSize)).squareRoot())
            w = .randomUniform([inputSize, outputSize], low: -a, high: a, using: &generator)
        case .heNormal:
            w = .randomNormal(
                [inputSize, outputSize], standardDeviation: Float((2.0 / Double(inputSize)).squareRoot()),
                using: &generator)
        }
        weight = Variable(w, requiresGradient: true, name: "\(name).weight")
        bias = Variable(.zeros([outputSize]), requiresGradient: true, name: "\(name).bias")
        self.activation = activation
    }

    /// A layer with the given weights (W [D, H], b [H]).
    public init(weight: Tensor, bias: Tensor, activation: Activation = .identity, name: String = "dense") {
        require(
            weight.rank == 2 && bias.shape == [weight.shape[1]],
            "Dense: weight must be [D, H] and bias [H], got \(weight.shape) and \(bias.shape)")
        self.weight = Variable(weight, requiresGradient: true, name: "\(name).weight")
        self.bias = Variable(bias, requiresGradient: true, name: "\(name).bias")
        self.activation = activation
    }

    /// An independent copy with the same weights, trainable (training it leaves this one as it is).
    public func copy(name: String? = nil) -> Dense {
        let base = name ?? String(weight.name.dropLast(".weight".count))
        return Dense(weight: weight.value, bias: bias.value, activation: activation, name: base)
    }

    public var inputSize: Int { weight.shape[0] }
    public var outputSize: Int { weight.shape[1] }

    public func callAsFunction(_ x: Variable) -> Variable { dense(x, weight, bias, activation: activation) }
    public var parameters: [Variable] { [weight, bias] }
}
