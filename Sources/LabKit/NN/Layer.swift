/// Anything that maps a batch of inputs to outputs and owns trainable parameters.
public protocol Layer: AnyObject {
    /// Shape legend: x is [N, D_in] → [N, D_out].
    func callAsFunction(_ x: Variable) -> Variable
    /// Every trainable variable of the layer, in a fixed order.
    var parameters: [Variable] { get }
}

extension Layer {
    /// Runs the layer on a data tensor.
    public func callAsFunction(_ x: Tensor) -> Variable { self(Variable(x)) }

    /// Runs the layer in evaluation mode and returns the plain values.
    public func evaluate(_ x: Tensor) -> Tensor { withoutGradients { self(Variable(x)).value } }

    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Freezes the layer: its parameters become constants of the graph, so no gradient reaches
    /// them (and none is computed for them), and an optimizer leaves them as they are. A frozen
    /// encoder under a trained linear head is a *linear probe* of its features.
    public func freeze() { for p in parameters { p.requiresGradient = false } }

    /// Makes every parameter trainable again (fine-tuning the whole network).
    public func unfreeze() { for p in parameters { p.requiresGradient = true } }

    /// Whether no parameter of the layer is trainable.
    public var isFrozen: Bool { parameters.allSatisfy { !$0.requiresGradient } }
}
