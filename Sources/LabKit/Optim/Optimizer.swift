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
    /// The momentum buffers, one per parameter (state, saved and restored with the optimizer).
    public var velocities: [Tensor]

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
    /// The moments of every parameter, one after another (parameter i from offsets[i]).
    /// The first and second moment estimates of every parameter entry, concatenated (state).
    public var m: [Float], v: [Float]
    private let offsets: [Int]
    /// The number of steps taken (state: the bias corrections depend on it).
    public var t = 0

    public init(
        parameters: [Variable], learningRate: Float = 1e-3,
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    ) {
        self.parameters = parameters
        self.learningRate = learningRate
        (self.beta1, self.beta2, self.epsilon) = (beta1, beta2, epsilon)
        let counts = parameters.map(\.value.count)
        offsets = counts.indices.map { counts[..<$0].reduce(0, +) }
        m = [Float](repeating: 0, count: counts.reduce(0, +))
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
    /// The last four lines run in C (CKernels/adam.c) as one pass over all parameters, cut
    /// into pieces that the cores share; each element's arithmetic is the same in any piece.
    public func step() {
        t += 1
        // The bias corrections c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ (β₁ᵗ computed as exp(t log β₁)).
        let c1 = 1 - Float(_exp(Double(t) * _log(Double(beta1))))
        let c2 = 1 - Float(_exp(Double(t) * _log(Double(beta2))))
        let (b1, b2, eps, lr) = (beta1, beta2, epsilon, learningRate)
        let updated = parameters.indices.filter { parameters[$0].grad != nil }
        m.withUnsafeMutableBufferPointer { pm in
            v.withUnsafeMutableBufferPointer { pv in
                withParameterPointers(updated[...]) { pieces in
                    Parallel.forEach(pieces.count) { k in
                        let piece = pieces[k], at = offsets[piece.parameter] + piece.start
                        ck_adam_update(
                            piece.theta, pm.baseAddress! + at, pv.baseAddress! + at, piece.gradient,
                            piece.count, lr, b1, b2, c1, c2, eps)
                    }
                }
            }
        }
    }

    /// A run of at most `pieceSize` elements of one parameter, with pointers to its values
    /// and gradient.
    private struct Piece {
        var parameter: Int, start: Int, count: Int
        var theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    }
    private static let pieceSize = 1 << 15

    /// Calls `body` with the pieces of the given parameters, while their values and gradients
    /// are held in place (one nested access per parameter).
    private func withParameterPointers(_ indices: ArraySlice<Int>, _ pieces: [Piece] = [], _ body: ([Piece]) -> Void) {
        guard let i = indices.first else { return body(pieces) }
        let p = parameters[i]
        p.grad!.scalars.withUnsafeBufferPointer { pg in
            p.value.scalars.withUnsafeMutableBufferPointer { pθ in
                var pieces = pieces
                for start in stride(from: 0, to: pθ.count, by: Adam.pieceSize) {
                    pieces.append(
                        Piece(
                            parameter: i, start: start, count: Swift.min(Adam.pieceSize, pθ.count - start),
                            theta: pθ.baseAddress! + start, gradient: pg.baseAddress! + start))
                }
                withParameterPointers(indices.dropFirst(), pieces, body)
            }
        }
    }
}
