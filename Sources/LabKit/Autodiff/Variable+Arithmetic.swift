// +, −, ×, ÷ with broadcasting. The gradient of a broadcast operand is summed back to its
// own shape (a bias used by every row receives the sum over rows).

extension Variable {
    /// ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1: the gradient passes to both unchanged.
    public static func + (a: Variable, b: Variable) -> Variable {
        Variable(a.value + b.value, inputs: [a, b]) { g in
            [g.summed(toShape: a.shape), g.summed(toShape: b.shape)]
        }
    }

    /// ∂(a − b)/∂a = 1, ∂(a − b)/∂b = −1.
    public static func - (a: Variable, b: Variable) -> Variable {
        Variable(a.value - b.value, inputs: [a, b]) { g in
            [g.summed(toShape: a.shape), (-g).summed(toShape: b.shape)]
        }
    }

    /// ∂(ab)/∂a = b, ∂(ab)/∂b = a.
    public static func * (a: Variable, b: Variable) -> Variable {
        let (av, bv) = (a.value, b.value)
        return Variable(av * bv, inputs: [a, b]) { g in
            [
                a.requiresGradient ? (g * bv).summed(toShape: av.shape) : nil,
                b.requiresGradient ? (g * av).summed(toShape: bv.shape) : nil,
            ]
        }
    }

    /// ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b².
    public static func / (a: Variable, b: Variable) -> Variable {
        let (av, bv) = (a.value, b.value)
        return Variable(av / bv, inputs: [a, b]) { g in
            [
                a.requiresGradient ? (g / bv).summed(toShape: av.shape) : nil,
                b.requiresGradient ? (-(g * av) / (bv * bv)).summed(toShape: bv.shape) : nil,
            ]
        }
    }

    /// ∂(−a)/∂a = −1.
    public static prefix func - (a: Variable) -> Variable {
        Variable(-a.value, inputs: [a]) { g in [-g] }
    }

    // With a constant s: ∂(a ± s)/∂a = 1, ∂(s − a)/∂a = −1, ∂(a·s)/∂a = s.
    public static func + (a: Variable, s: Float) -> Variable { Variable(a.value + s, inputs: [a]) { g in [g] } }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    public static func - (s: Float, a: Variable) -> Variable { Variable(s - a.value, inputs: [a]) { g in [-g] } }
    public static func * (a: Variable, s: Float) -> Variable { Variable(a.value * s, inputs: [a]) { g in [g * s] } }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }

    public static func + (a: Variable, b: Tensor) -> Variable { a + Variable(b) }
    public static func - (a: Variable, b: Tensor) -> Variable { a - Variable(b) }
    public static func * (a: Variable, b: Tensor) -> Variable { a * Variable(b) }
    public static func - (a: Tensor, b: Variable) -> Variable { Variable(a) - b }
}
