/// Eigendecomposition of a real symmetric matrix, A = V Λ Vᵀ, in Double precision.
///
/// Householder reduction to tridiagonal form followed by the implicit QL algorithm with
/// Wilkinson-style shifts (the EISPACK routines tred2 and tql2; Wilkinson & Reinsch,
/// "Handbook for Automatic Computation II", 1971). Eigenvalues come sorted from largest to
/// smallest; each eigenvector is a column of `vectors`, signed so that its largest-magnitude
/// entry is positive (a deterministic choice; eigenvectors are defined only up to sign).
/// - Complexity: O(n³); about a second for the 784×784 covariance of MNIST-sized images.
public struct SymmetricEigen {
    /// λ₁ ≥ λ₂ ≥ … ≥ λₙ.
    public let values: [Double]
    /// [n, n]; column j is the unit eigenvector of λⱼ.
    public let vectors: Tensor

    public init(_ matrix: Tensor) {
        require(
            matrix.rank == 2 && matrix.shape[0] == matrix.shape[1],
            "SymmetricEigen needs a square matrix, got \(matrix.shape)")
        require(
            matrix.scalars.allSatisfy(\.isFinite),
            "SymmetricEigen needs finite entries (the matrix holds a NaN or an infinity)")
        let n = matrix.shape[0]
        // Column-major storage: V[r, c] at c·n + r, so every inner loop runs down a column.
        var v = [Double](repeating: 0, count: n * n)
        for r in 0..<n { for c in 0..<n { v[c * n + r] = 0.5 * Double(matrix[r, c] + matrix[c, r]) } }
        var d = [Double](repeating: 0, count: n), e = [Double](repeating: 0, count: n)
        if n > 0 {
            v.withUnsafeMutableBufferPointer { V in
                d.withUnsafeMutableBufferPointer { d in
                    e.withUnsafeMutableBufferPointer { e in
                        Self.tridiagonalize(n, V, d.baseAddress!, e.baseAddress!)
                        Self.diagonalize(n, V, d.baseAddress!, e.baseAddress!)
                    }
                }
            }
        }
        let order = (0..<n).sorted { d[$0] > d[$1] || (d[$0] == d[$1] && $0 < $1) }
        var out = [Float](repeating: 0, count: n * n)
        for (newColumn, old) in order.enumerated() {
            var largest = 0.0
            for r in 0..<n where Swift.abs(v[old * n + r]) > Swift.abs(largest) { largest = v[old * n + r] }
            let sign = largest < 0 ? -1.0 : 1.0
            for r in 0..<n { out[r * n + newColumn] = Float(sign * v[old * n + r]) }
        }
        values = order.map { d[$0] }
        vectors = Tensor(shape: [n, n], scalars: out)
    }

    /// Householder tridiagonalisation (tred2): on return d is the diagonal, e the
    /// sub-diagonal (in e[1...]) and V the accumulated orthogonal transformation.
    private static func tridiagonalize(
        _ n: Int, _ V: UnsafeMutableBufferPointer<Double>,
        _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>
    ) {
        @inline(__always) func at(_ r: Int, _ c: Int) -> Int { c &* n &+ r }
        @inline(__always) func column(_ c: Int) -> UnsafeMutablePointer<Double> { V.baseAddress! + c &* n }
        for j in 0..<n { d[j] = V[at(n - 1, j)] }
        for i in stride(from: n - 1, to: 0, by: -1) {
            var scale = 0.0, h = 0.0
            for k in 0..<i { scale += Swift.abs(d[k]) }
            if scale == 0 {
                e[i] = d[i - 1]
                for j in 0..<i {
                    d[j] = V[at(i - 1, j)]
                    V[at(i, j)] = 0
                    V[at(j, i)] = 0
                }
            } else {
                for k in 0..<i {
                    d[k] /= scale
                    h += d[k] * d[k]
                }
                var f = d[i - 1]
                var g = h.squareRoot()
                if f > 0 { g = -g }
                e[i] = scale * g
                h -= f * g
                d[i - 1] = f - g
                for j in 0..<i { e[j] = 0 }
                for j in 0..<i {
                    f = d[j]
                    V[at(j, i)] = f
                    let vj = column(j)
                    g = e[j] + vj[j] * f
                    for k in (j + 1)..<i {
                        g += vj[k] * d[k]
                        e[k] += vj[k] * f
                    }
                    e[j] = g
                }
                f = 0
                for j in 0..<i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0..<i { e[j] -= hh * d[j] }
                for j in 0..<i {
                    f = d[j]
                    g = e[j]
                    let vj = column(j)
                    for k in j..<i { vj[k] -= f * e[k] + g * d[k] }
                    d[j] = V[at(i - 1, j)]
                    V[at(i, j)] = 0
                }
            }
            d[i] = h
        }
        for i in 0..<(n - 1) {
            V[at(n - 1, i)] = V[at(i, i)]
            V[at(i, i)] = 1
            let h = d[i + 1]
            if h != 0 {
                for k in 0...i { d[k] = V[at(k, i + 1)] / h }
                let next = column(i + 1)
                for j in 0...i {
                    let vj = column(j)
                    var g = 0.0
                    for k in 0...i { g += next[k] * vj[k] }
                    for k in 0...i { vj[k] -= g * d[k] }
                }
            }
            for k in 0...i { V[at(k, i + 1)] = 0 }
        }
        for j in 0..<n {
            d[j] = V[at(n - 1, j)]
            V[at(n - 1, j)] = 0
        }
        V[at(n - 1, n - 1)] = 1
        e[0] = 0
    }

    /// Implicit QL iterations on the tridiagonal matrix (tql2): d becomes the eigenvalues
    /// and V's columns the eigenvectors.
    ///
    /// An off-diagonal eᵢ counts as zero once |eᵢ| ≤ ε‖T‖ with ‖T‖ = maxᵢ (|dᵢ| + |eᵢ|) over the
    /// whole matrix (LAPACK's test). EISPACK's running maximum over the rows seen so far is 0
    /// while the leading rows are zero — as in the covariance of images whose first pixels never
    /// change — so rounding debris of 1e-200 would count as non-zero there, and √(p² + e²)
    /// would underflow to 0 and give 0/0. √(a² + b²) is also computed scaled, so it neither
    /// underflows nor overflows.
    private static func diagonalize(
        _ n: Int, _ V: UnsafeMutableBufferPointer<Double>,
        _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>
    ) {
        @inline(__always) func column(_ c: Int) -> UnsafeMutablePointer<Double> { V.baseAddress! + c * n }
        /// (vᵢ, vᵢ₊₁) ← (c vᵢ − s vᵢ₊₁, s vᵢ + c vᵢ₊₁): element-wise, so the compiler vectorises it.
        @inline(__always) func rotate(
            _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>,
            _ c: Double, _ s: Double
        ) {
            for k in 0..<n {
                let bk = b[k]
                b[k] = s * a[k] + c * bk
                a[k] = c * a[k] - s * bk
            }
        }
        func hypot(_ a: Double, _ b: Double) -> Double {
            let large = Swift.max(Swift.abs(a), Swift.abs(b)), small = Swift.min(Swift.abs(a), Swift.abs(b))
            guard large > 0 else { return 0 }
            let ratio = small / large
            return large * (1 + ratio * ratio).squareRoot()
        }
        for i in 1..<max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0, tst1 = 0.0
        for l in 0..<n { tst1 = max(tst1, Swift.abs(d[l]) + Swift.abs(e[l])) }
        let eps = 0x1p-52
        for l in 0..<n {
            var m = l
            while m < n - 1 && Swift.abs(e[m]) > eps * tst1 { m += 1 }
            if m > l {
                var iterations = 0
                repeat {
                    iterations += 1
                    var g = d[l]
                    var p = (d[l + 1] - g) / (2 * e[l])
                    var r = hypot(p, 1)
                    if p < 0 { r = -r }
                    d[l] = e[l] / (p + r)
                    d[l + 1] = e[l] * (p + r)
                    let dl1 = d[l + 1]
                    var h = g - d[l]
                    if l + 2 < n { for i in (l + 2)..<n { d[i] -= h } }
                    f += h
                    p = d[m]
                    var c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0
                    let el1 = e[l + 1]
                    for i in stride(from: m - 1, through: l, by: -1) {
                        c3 = c2
                        c2 = c
                        s2 = s
                        g = c * e[i]
                        h = c * p
                        r = hypot(p, e[i])
                        e[i + 1] = s * r
                        s = e[i] / r
                        c = p / r
                        p = c * d[i] - s * g
                        d[i + 1] = h + s * (c * g + s * d[i])
                        rotate(column(i), column(i + 1), c, s)
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1
                    e[l] = s * p
                    d[l] = c * p
                } while Swift.abs(e[l]) > eps * tst1 && iterations < 60
            }
            d[l] += f
            e[l] = 0
        }
    }
}
