/// A node of the autodiff graph: a tensor value, and — after `backward()` — its gradient.
///
/// Operations on variables compute their value at once and record how to send a gradient
/// back to their inputs (define-by-run, as in PyTorch and micrograd):
///
/// ```
/// let w = Variable(Tensor.randomNormal([784, 64], using: &rng), requiresGradient: true)
/// let loss = meanSquaredError(predictions: matmul(x, w), targets: y)
/// try loss.backward()       // w.grad now holds ∂loss/∂w
/// ```
///
/// Gradients accumulate (`+=`): a variable used twice receives the sum of both paths, and
/// a parameter's `grad` keeps adding up until `zeroGradient()`. After `backward()` the
/// graph behind the loss is released, so a training step never keeps the previous step's
/// tape alive. Inside `withoutGradients { … }` nothing is recorded (evaluation mode).
public final class Variable {
    /// The value computed by the forward pass.
    public var value: Tensor
    /// ∂loss/∂self after `backward()`, for variables that require a gradient.
    public var grad: Tensor?
    /// Whether gradients flow to (and through) this variable. A parameter of a frozen layer
    /// (`Layer.freeze()`) does not require one: the graph then treats it as a constant.
    public internal(set) var requiresGradient: Bool
    /// A label for error messages and parameter listings (e.g. "encoder.0.weight").
    public var name: String

    /// The variables this one was computed from, and the function that maps the gradient
    /// of this variable to the gradients of those inputs (nil for an input that needs none).
    private var inputs: [Variable]
    private var pullback: ((Tensor) -> [Tensor?])?

    /// A leaf: data (`requiresGradient: false`) or a trainable parameter (`true`).
    public init(_ value: Tensor, requiresGradient: Bool = false, name: String = "") {
        self.value = value
        self.requiresGradient = requiresGradient
        self.name = name
        self.inputs = []
        self.pullback = nil
    }

    /// The result of an operation. Records the pullback only when some input needs a
    /// gradient and recording is on; otherwise the result is a constant.
    init(_ value: Tensor, inputs: [Variable], pullback: @escaping (Tensor) -> [Tensor?]) {
        let records = GradientMode.isRecording && inputs.contains { $0.requiresGradient }
        self.value = value
        self.requiresGradient = records
        self.name = ""
        self.inputs = records ? inputs : []
        self.pullback = records ? pullback : nil
    }

    /// An operation written outside the core, like PyTorch's `autograd.Function`: `value` is
    /// its result and `pullback` maps ∂L/∂value to ∂L/∂input for each of `inputs` (nil where
    /// none flows). Recorded only when some input needs a gradient, as every built-in operation.
    public static func operation(
        value: Tensor, inputs: [Variable],
        pullback: @escaping (Tensor) -> [Tensor?]
    ) -> Variable {
        Variable(value, inputs: inputs, pullback: pullback)
    }

    /// Makes a leaf trainable or constant (what `Layer.freeze()` does to each parameter).
    public func setTrainable(_ trainable: Bool) { requiresGradient = trainable }

    public var shape: [Int] { value.shape }

    /// The same value cut from the graph: no gradient flows through it.
    public func detached() -> Variable { Variable(value) }

    /// Forgets the accumulated gradient (call before each optimisation step).
    public func zeroGradient() { grad = nil }

    /// Adds `g` to this variable's gradient.
    func accumulate(_ g: Tensor) {
        require(
            g.shape == value.shape, "gradient shape \(g.shape) does not match value shape \(value.shape) of \(name)")
        if grad == nil { grad = g } else { grad!.addScaled(g) }
    }

    /// Reverse-mode differentiation of this scalar with respect to every variable behind it.
    ///
    /// Visits the graph in reverse topological order, so each node's gradient is complete
    /// before it is passed on. Leaves that require a gradient accumulate it in `grad`;
    /// the graph is released afterwards.
    /// - Throws: `AutodiffError.nonScalarOutput` unless the value has exactly one element.
    public func backward() throws {
        guard value.count == 1 else { throw AutodiffError.nonScalarOutput(shape: value.shape) }
        try backward(gradient: Tensor(repeating: 1, shape: value.shape))
    }

    /// Reverse-mode differentiation from a given gradient of some loss L with respect to this
    /// (non-scalar) variable, ∂L/∂self: every variable behind it receives ∂L/∂v = (∂self/∂v)ᵀ·∂L/∂self
    /// (a vector–Jacobian product, PyTorch's `y.backward(gradient)`). Used when L is computed
    /// outside the graph from `self.value`, with its gradient written by hand.
    /// - Throws: `AutodiffError.gradientShapeMismatch` unless `gradient` has this variable's shape.
    public func backward(gradient: Tensor) throws {
        guard gradient.shape == value.shape else {
            throw AutodiffError.gradientShapeMismatch(expected: value.shape, got: gradient.shape)
        }
        guard requiresGradient else { throw AutodiffError.noGradientPath }
        let order = topologicalOrder()
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): gradient]
        for node in order.reversed() {
            guard let g = gradients.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let pullback = node.pullback else {
                node.accumulate(g)
                continue
            }
            for (input, inputGradient) in zip(node.inputs, pullback(g)) {
                guard let inputGradient, input.requiresGradient else { continue }
                let key = ObjectIdentifier(input)
                if gradients[key] == nil {
                    gradients[key] = inputGradient
                } else {
                    gradients[key]!.addScaled(inputGradient)
                }
            }
            node.inputs = []
            node.pullback = nil
        }
    }

    /// Every node behind this one, inputs before the nodes computed from them.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                let input = node.inputs[next]
                if input.requiresGradient, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}

/// Errors from misusing `backward()`.
public enum AutodiffError: Error, CustomStringConvertible, Equatable {
    case nonScalarOutput(shape: [Int])
    case noGradientPath
    case gradientShapeMismatch(expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case .nonScalarOutput(let shape):
            return
                "backward() needs a scalar loss, but this value has shape \(shape); reduce it first (e.g. .sum() or .mean())"
        case .gradientShapeMismatch(let expected, let got):
            return "backward(gradient:) needs a gradient of the variable's own shape \(expected), got \(got)"
        case .noGradientPath:
            return
                "backward() found nothing to differentiate: no parameter with requiresGradient: true reaches this value (was it computed inside withoutGradients, or from detached values?)"
        }
    }
}

/// Whether operations record the graph. Off inside `withoutGradients`.
public enum GradientMode {
    @TaskLocal public static var isRecording = true
}

/// Evaluates `body` without recording the autodiff graph (evaluation mode): faster, and
/// nothing is kept alive for a backward pass.
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.$isRecording.withValue(false, operation: body)
}
