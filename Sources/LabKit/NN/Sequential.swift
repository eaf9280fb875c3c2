/// Layers applied one after another: an encoder, a decoder, or a whole autoencoder.
public final class Sequential: Layer {
    public let layers: [Layer]

    public init(_ layers: [Layer]) { self.layers = layers }

    /// A multilayer perceptron through `sizes` (e.g. [784, 256, 64]): `hidden` after every
    /// layer but the last, `output` after the last.
    ///
    /// ```
    /// let encoder = Sequential.mlp([784, 256, 64], hidden: .relu, output: .identity, name: "encoder", using: &rng)
    /// ```
    public static func mlp(
        _ sizes: [Int], hidden: Activation = .relu, output: Activation = .identity,
        name: String = "mlp", using generator: inout SeededGenerator
    ) -> Sequential {
        require(sizes.count >= 2, "an MLP needs at least an input and an output size, got \(sizes)")
        var layers: [Layer] = []
        for i in 0..<(sizes.count - 1) {
            let activation = i == sizes.count - 2 ? output : hidden
            layers.append(
                Dense(sizes[i], sizes[i + 1], activation: activation, name: "\(name).\(i)", using: &generator))
        }
        return Sequential(layers)
    }

    public func callAsFunction(_ x: Variable) -> Variable { layers.reduce(x) { $1($0) } }
    public var parameters: [Variable] { layers.flatMap(\.parameters) }

    /// The dense layers, in order (e.g. to show the first layer's filters).
    public var denseLayers: [Dense] { layers.compactMap { $0 as? Dense } }
}

/// An encoder f and a decoder g: x̂ = g(f(x)).
public final class Autoencoder: Layer {
    public let encoder: Sequential
    public let decoder: Sequential

    public init(encoder: Sequential, decoder: Sequential) {
        self.encoder = encoder
        self.decoder = decoder
    }

    /// A symmetric autoencoder through `sizes` (e.g. [784, 256, 64]) and back.
    public convenience init(
        sizes: [Int], hidden: Activation = .relu, code: Activation = .identity,
        output: Activation = .sigmoid, using generator: inout SeededGenerator
    ) {
        self.init(
            encoder: .mlp(sizes, hidden: hidden, output: code, name: "encoder", using: &generator),
            decoder: .mlp(sizes.reversed(), hidden: hidden, output: output, name: "decoder", using: &generator))
    }

    public func callAsFunction(_ x: Variable) -> Variable { decoder(encoder(x)) }
    public var parameters: [Variable] { encoder.parameters + decoder.parameters }

    /// The codes f(x) of a data tensor, in evaluation mode.
    public func encode(_ x: Tensor) -> Tensor { encoder.evaluate(x) }
    /// The reconstructions g(f(x)) of a data tensor, in evaluation mode.
    public func reconstruct(_ x: Tensor) -> Tensor { evaluate(x) }
}
