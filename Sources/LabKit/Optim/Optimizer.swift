import CKernels

/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The variables this optimizer updates.
    var parameters: [Variable] { get }
    /// Applies one update using each parameter's `grad` (parameters without one are skipped).
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient before the next backward pass.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}

/// Stochastic gradient descent with (optional) classical momentum:
/// ```
/// v ← μ v + g,    θ ← θ − η v
/// ```
public final class SGD: Optimizer {
    public let parameters: [Variable]
    public var learningRate: Float
    public let momentum: Float
    private var velocities: [Tensor]

    public init(parameters: [Variable], learningRate: Float, momentum: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.velocities = parameters.map { Tensor.zeros($0.shape) }
    }

    public func step() {
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            if momentum == 0 {
                p.value.addScaled(g, -learningRate)
            } else {
                velocities[i] *= momentum
                velocities[i].addScaled(g)
                p.value.addScaled(velocities[i], -learningRate)
            }
        }
    }
}

/// Adam (Kingma & Ba, 2015):
/// ```
/// m ← β₁ m + (1 − β₁) g,    v ← β₂ v + (1 − β₂) g²
/// θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// ```
public final class Adam: Optimizer {
    public let parameters: [Variable]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    private var m: [[Float]], v: [[Float]]
    private var t = 0

    public init(parameters: [Variable], learningRate: Float = 1e-3,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.parameters = parameters
        self.learningRate = learningRate
        (self.beta1, self.beta2, self.epsilon) = (beta1, beta2, epsilon)
        m = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        v = m
    }

    /// One update of every parameter with a gradient, as in the paper (Algorithm 1):
    ///
    ///     t ← t + 1
    ///     m ← β₁ m + (1 − β₁) g           first-moment estimate
    ///     v ← β₂ v + (1 − β₂) g²          second-moment estimate
    ///     m̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)      bias corrections
    ///     θ ← θ − η m̂ / (√v̂ + ε)
    ///
    /// The last four lines run as one vectorised pass per tensor in C (CKernels/adam.c).
    public func step() {
        t += 1
        // The bias corrections c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ (β₁ᵗ computed as exp(t log β₁)).
        let c1 = 1 - Float(_exp(Double(t) * _log(Double(beta1))))
        let c2 = 1 - Float(_exp(Double(t) * _log(Double(beta2))))
        let (b1, b2, eps, lr) = (beta1, beta2, epsilon, learningRate)
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            g.scalars.withUnsafeBufferPointer { pg in
                m[i].withUnsafeMutableBufferPointer { pm in
                    v[i].withUnsafeMutableBufferPointer { pv in
                        p.value.scalars.withUnsafeMutableBufferPointer { pθ in
                            ck_adam_update(pθ.baseAddress, pm.baseAddress, pv.baseAddress, pg.baseAddress,
                                           pθ.count, lr, b1, b2, c1, c2, eps)
                        }
                    }
                }
            }
        }
    }
}
