// Elementwise functions: each forward value is followed by its local derivative.

extension Variable {
    /// eˣ;  ∂/∂x = eˣ
    public func exp() -> Variable {
        let y = value.exp()
        return Variable(y, inputs: [self]) { g in [g * y] }
    }

    /// ln x;  ∂/∂x = 1/x
    public func log() -> Variable {
        let x = value
        return Variable(x.log(), inputs: [self]) { g in [g / x] }
    }

    /// √x;  ∂/∂x = 1/(2√x)
    public func sqrt() -> Variable {
        let y = value.sqrt()
        return Variable(y, inputs: [self]) { g in [g / (2 * y)] }
    }

    /// x²;  ∂/∂x = 2x
    public func squared() -> Variable {
        let x = value
        return Variable(x.squared(), inputs: [self]) { g in [Tensor.broadcasting(g, x) { $0 * 2 * $1 }] }
    }

    /// |x|;  ∂/∂x = sign(x) (0 at 0)
    public func abs() -> Variable {
        let x = value
        return Variable(x.abs(), inputs: [self]) { g in
            [Tensor.broadcasting(g, x) { gi, xi in xi > 0 ? gi : (xi < 0 ? -gi : 0) }]
        }
    }

    /// min(max(x, low), high);  ∂/∂x = 1 strictly inside [low, high], 0 where clamped
    public func clamped(_ low: Float, _ high: Float) -> Variable {
        let x = value
        return Variable(x.clamped(low, high), inputs: [self]) { g in
            [Tensor.broadcasting(g, x) { gi, xi in xi >= low && xi <= high ? gi : 0 }]
        }
    }

    /// σ(x) = 1/(1 + e⁻ˣ);  ∂/∂x = σ(x)(1 − σ(x))
    public func sigmoid() -> Variable {
        let y = value.sigmoid()
        return Variable(y, inputs: [self]) { g in [Tensor.broadcasting(g, y) { $0 * $1 * (1 - $1) }] }
    }

    /// tanh x;  ∂/∂x = 1 − tanh² x
    public func tanh() -> Variable {
        let y = value.tanh()
        return Variable(y, inputs: [self]) { g in [Tensor.broadcasting(g, y) { $0 * (1 - $1 * $1) }] }
    }

    /// max(x, 0);  ∂/∂x = 1 for x > 0, else 0
    public func relu() -> Variable {
        let y = value.relu()
        return Variable(y, inputs: [self]) { g in [Tensor.broadcasting(g, y) { $1 > 0 ? $0 : 0 }] }
    }

    /// ln(1 + eˣ);  ∂/∂x = σ(x)
    public func softplus() -> Variable {
        let x = value
        return Variable(x.softplus(), inputs: [self]) { g in [g * x.sigmoid()] }
    }
}
