/// A classifier on top of an encoder: logits = head(encoder(x)), with a linear head from the
/// code to one logit per class. Training it on a classification loss (lab 8 writes the
/// softmax cross-entropy) fine-tunes the whole network;
/// freezing the encoder first (`classifier.encoder.freeze()`) trains the head alone, a linear
/// probe of the encoder's features.
///
/// Shapes: x [N, D] → codes [N, H] → logits [N, K].
public final class Classifier: Layer {
    public let encoder: Sequential
    public let head: Dense

    /// A classifier that starts from copies of `encoderLayers` (their weights, as they are now:
    /// training it never changes the originals) under a fresh Glorot-initialised head.
    public init(copying encoderLayers: [Dense], classes: Int, using generator: inout SeededGenerator) {
        require(!encoderLayers.isEmpty, "a classifier needs at least one encoder layer")
        encoder = Sequential(encoderLayers.map { $0.copy() })
        head = Dense(encoderLayers.last!.outputSize, classes, activation: .identity, name: "head", using: &generator)
    }

    /// A classifier made of these very layers (no copy).
    public init(encoder: Sequential, head: Dense) { (self.encoder, self.head) = (encoder, head) }

    /// A classifier from random initialisation: an MLP encoder through `sizes` (ReLU everywhere,
    /// as in a pretrained stack) under a linear head.
    public convenience init(sizes: [Int], classes: Int, using generator: inout SeededGenerator) {
        let encoder = Sequential.mlp(sizes, hidden: .relu, output: .relu, name: "encoder", using: &generator)
        self.init(copying: encoder.denseLayers, classes: classes, using: &generator)
    }

    public func callAsFunction(_ x: Variable) -> Variable { head(encoder(x)) }
    public var parameters: [Variable] { encoder.parameters + head.parameters }

    /// The predicted class of each row of `x`, in evaluation mode.
    public func predict(_ x: Tensor) -> [Int] { predictedClasses(evaluate(x)) }
}
