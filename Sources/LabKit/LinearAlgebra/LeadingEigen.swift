/// The k leading eigenpairs (the largest eigenvalues) of a symmetric positive semi-definite
/// matrix A, such as a covariance — what PCA with k components needs, without the other n − k.
///
/// Up to n = 1024 this is `SymmetricEigen` truncated: the full solver takes under a second there.
/// Above, its ~9n³ flops grow fast (a minute at n = 4096, the covariance of 64×64 images), and
/// subspace iteration with Rayleigh–Ritz does it in a few matrix products (Rutishauser 1970;
/// Golub & Van Loan, "Matrix Computations", 4th ed., §8.2.4). Keep a block Q of b = max(2k, k + 8)
/// orthonormal columns and repeat
///
///     Z = A Q,    H = Qᵀ Z = W Θ Wᵀ  (b × b, by SymmetricEigen),    U = Q W,    A U = Z W,
///     Q ← orth(A U)
///
/// U's columns are the Ritz vectors and Θ the Ritz values; the residual rᵢ = A uᵢ − θᵢ uᵢ of the
/// first k shrinks like (λ_{b+1} / λᵢ)ᵗ after t steps. It stops when every ‖rᵢ‖ ≤ tolerance · θ₁
/// (then each θᵢ is within ‖rᵢ‖ of an eigenvalue), or after `maxIterations`. Each step costs one
/// n × n × b matrix product. The start block comes from a fixed seed, so the result is the same
/// on every run. Vectors are signed as `SymmetricEigen` signs them (largest entry positive).
public struct LeadingEigen {
    /// θ₁ ≥ θ₂ ≥ … ≥ θₖ.
    public let values: [Double]
    /// [n, k]; column j is the unit eigenvector of θⱼ.
    public let vectors: Tensor
    /// Subspace iterations taken (0 when the full solver was used).
    public let iterations: Int

    public init(_ matrix: Tensor, count k: Int, tolerance: Double = 1e-5, maxIterations: Int = 500) {
        require(
            matrix.rank == 2 && matrix.shape[0] == matrix.shape[1],
            "LeadingEigen needs a square matrix, got \(matrix.shape)")
        let n = matrix.shape[0]
        require(k >= 0 && k <= n, "LeadingEigen: count \(k) is outside 0…\(n)")
        let b = Swift.min(n, Swift.max(2 * k, k + 8))
        guard n > 1024, b * 4 <= n else {
            let full = SymmetricEigen(matrix)
            (values, vectors, iterations) = (Array(full.values.prefix(k)), full.vectors.columns(0..<k), 0)
            return
        }
        require(
            matrix.scalars.allSatisfy(\.isFinite),
            "LeadingEigen needs finite entries (the matrix holds a NaN or an infinity)")
        var generator = SeededGenerator(seed: 0x1EAD_E16E)
        var q = Self.orthonormalized(Tensor.randomNormal([n, b], using: &generator), using: &generator)
        var ritz = SymmetricEigen(Tensor.zeros([b, b])), u = q, steps = 0
        while true {
            steps += 1
            let z = Tensor.matmul(matrix, q)
            ritz = SymmetricEigen(Tensor.matmul(q, z, transposeA: true))
            u = Tensor.matmul(q, ritz.vectors)
            let au = Tensor.matmul(z, ritz.vectors)
            let scale = Swift.max(ritz.values[0], .leastNormalMagnitude)
            let converged = (0..<k).allSatisfy { i in
                var squared = 0.0
                for r in 0..<n {
                    let residual = Double(au[r, i]) - ritz.values[i] * Double(u[r, i])
                    squared += residual * residual
                }
                return squared.squareRoot() <= tolerance * scale
            }
            if converged || steps >= maxIterations { break }
            q = Self.orthonormalized(au, using: &generator)
        }
        var out = [Float](repeating: 0, count: n * k)
        for j in 0..<k {
            var largest: Float = 0
            for r in 0..<n where Swift.abs(u[r, j]) > Swift.abs(largest) { largest = u[r, j] }
            let sign: Float = largest < 0 ? -1 : 1
            for r in 0..<n { out[r * k + j] = sign * u[r, j] }
        }
        values = Array(ritz.values.prefix(k))
        vectors = Tensor(shape: [n, k], scalars: out)
        iterations = steps
    }

    /// Orthonormal columns spanning those of `a` [n, b]: modified Gram–Schmidt in Double, run
    /// twice ("twice is enough": Giraud, Langou & Rozložník 2005). A column that is numerically in
    /// the span of the previous ones (A has rank < b) is replaced by a random one orthogonalised
    /// the same way, so the result always has b orthonormal columns.
    static func orthonormalized(_ a: Tensor, using generator: inout SeededGenerator) -> Tensor {
        let n = a.shape[0], b = a.shape[1]
        // Column-major: column j at j·n.
        var q = [Double](repeating: 0, count: n * b)
        for r in 0..<n { for j in 0..<b { q[j * n + r] = Double(a[r, j]) } }
        q.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            func squaredNorm(_ x: UnsafeMutablePointer<Double>) -> Double {
                var sum = 0.0
                for r in 0..<n { sum += x[r] * x[r] }
                return sum
            }
            func orthogonalise(_ x: UnsafeMutablePointer<Double>, against j: Int) {
                for _ in 0..<2 {
                    for i in 0..<j {
                        let qi = base + i * n
                        var dot = 0.0
                        for r in 0..<n { dot += qi[r] * x[r] }
                        for r in 0..<n { x[r] -= dot * qi[r] }
                    }
                }
            }
            for j in 0..<b {
                let x = base + j * n
                let before = squaredNorm(x)
                orthogonalise(x, against: j)
                var norm = squaredNorm(x).squareRoot()
                if !(norm > 1e-6 * before.squareRoot()) {
                    var fresh = 0.0
                    repeat {
                        for r in 0..<n { x[r] = Double(generator.nextNormal()) }
                        fresh = squaredNorm(x).squareRoot()
                        orthogonalise(x, against: j)
                        norm = squaredNorm(x).squareRoot()
                    } while !(norm > 0.1 * fresh)
                }
                for r in 0..<n { x[r] /= norm }
            }
        }
        var out = [Float](repeating: 0, count: n * b)
        for j in 0..<b { for r in 0..<n { out[r * b + j] = Float(q[j * n + r]) } }
        return Tensor(shape: [n, b], scalars: out)
    }
}
