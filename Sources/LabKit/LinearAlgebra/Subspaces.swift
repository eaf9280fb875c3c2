/// Orthonormalises the columns of a matrix by modified Gram–Schmidt (in Double):
/// qⱼ = (aⱼ − Σ_{i<j} ⟨qᵢ, aⱼ⟩ qᵢ) / ‖…‖. A column that is (numerically) dependent on the
/// previous ones becomes zero.
/// - Parameter matrix: [n, k] with k ≤ n.
/// - Returns: [n, k] with orthonormal columns spanning the same space.
public func orthonormalizedColumns(_ matrix: Tensor) -> Tensor {
    require(matrix.rank == 2, "orthonormalizedColumns needs a matrix, got \(matrix.shape)")
    let (n, k) = (matrix.shape[0], matrix.shape[1])
    var q = (0..<k).map { j in (0..<n).map { Double(matrix[$0, j]) } }
    for j in 0..<k {
        for i in 0..<j {
            var dot = 0.0
            for r in 0..<n { dot += q[i][r] * q[j][r] }
            for r in 0..<n { q[j][r] -= dot * q[i][r] }
        }
        var norm = 0.0
        for r in 0..<n { norm += q[j][r] * q[j][r] }
        norm = norm.squareRoot()
        for r in 0..<n { q[j][r] = norm > 1e-10 ? q[j][r] / norm : 0 }
    }
    var out = Tensor.zeros([n, k])
    for j in 0..<k { for r in 0..<n { out[r, j] = Float(q[j][r]) } }
    return out
}

/// The principal angles between the column spaces of two matrices, in degrees, smallest first.
///
/// With orthonormal bases Q₁ and Q₂, the cosines of the angles are the singular values of
/// Q₁ᵀQ₂ (Björck & Golub, 1973). 0° everywhere means the same subspace; the largest angle
/// says how far apart the spaces are in their worst direction.
public func principalAngles(between a: Tensor, and b: Tensor) -> [Double] {
    require(
        a.rank == 2 && b.rank == 2 && a.shape[0] == b.shape[0],
        "principalAngles needs matrices with the same number of rows, got \(a.shape) and \(b.shape)")
    let qa = orthonormalizedColumns(a), qb = orthonormalizedColumns(b)
    let m = Tensor.matmul(qa, qb, transposeA: true)  // [ka, kb]
    let gram = Tensor.matmul(m, m, transposeA: true)  // MᵀM: squared singular values
    let squared = SymmetricEigen(gram).values.prefix(Swift.min(a.shape[1], b.shape[1]))
    return squared.map { s in
        let cosine = Swift.min(1, Swift.max(0, s).squareRoot())
        return _acos(cosine) * 180 / Double.pi
    }.sorted()
}
