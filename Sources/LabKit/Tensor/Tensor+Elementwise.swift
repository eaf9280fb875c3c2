import CKernels

// Elementwise functions. Each doc comment gives the derivative that the autodiff layer
// (Autodiff/Variable+Elementwise.swift) uses.

extension Tensor {
    /// eˣ (vectorised kernel).  d/dx = eˣ
    public func exp() -> Tensor {
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in ck_exp(p.baseAddress, o.baseAddress, p.count) }
        }
        return Tensor(shape: shape, scalars: out)
    }
    /// ln x.  d/dx = 1/x
    public func log() -> Tensor { map { _logf($0) } }
    /// √x.  d/dx = 1/(2√x)
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    /// x².  d/dx = 2x
    public func squared() -> Tensor { map { $0 * $0 } }
    /// |x|.  d/dx = sign(x)
    public func abs() -> Tensor { map { Swift.abs($0) } }
    /// min(max(x, low), high).  d/dx = 1 inside (low, high), 0 outside
    public func clamped(_ low: Float, _ high: Float) -> Tensor { map { Swift.min(Swift.max($0, low), high) } }
    /// σ(x) = 1/(1 + e⁻ˣ) (vectorised kernel).  d/dx = σ(x)(1 − σ(x))
    public func sigmoid() -> Tensor {
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in ck_sigmoid(p.baseAddress, o.baseAddress, p.count) }
        }
        return Tensor(shape: shape, scalars: out)
    }
    /// tanh x.  d/dx = 1 − tanh² x
    public func tanh() -> Tensor { map { _tanhf($0) } }
    /// max(x, 0).  d/dx = 1 for x > 0, else 0
    public func relu() -> Tensor { map { Swift.max($0, 0) } }
    /// softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so it never
    /// overflows.  d/dx = σ(x)
    public func softplus() -> Tensor { map { Swift.max($0, 0) + _log1pf(_expf(-Swift.abs($0))) } }
}
