import XCTest

@testable import LabKit

final class LinearAlgebraTests: XCTestCase {
    func testEigendecompositionReconstructsTheMatrix() {
        var rng = SeededGenerator(seed: 4)
        for n in [1, 2, 5, 40] {
            let b = Tensor.randomNormal([n, n], using: &rng)
            let a = Tensor.matmul(b, b, transposeB: true)  // symmetric positive semi-definite
            let eig = SymmetricEigen(a)
            XCTAssertEqual(eig.values, eig.values.sorted(by: >))
            let v = eig.vectors
            let vtv = Tensor.matmul(v, v, transposeA: true)
            XCTAssertLessThan((vtv - .identity(n)).abs().max(), 1e-4, "VᵀV = I for n=\(n)")
            let lambda = Tensor(eig.values.map(Float.init))
            let back = Tensor.matmul(v * lambda, v, transposeB: true)
            XCTAssertLessThan((back - a).abs().max(), 1e-3 * Swift.max(1, a.abs().max()), "VΛVᵀ = A for n=\(n)")
        }
    }

    func testEigenvaluesOfAKnownMatrix() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 with eigenvectors (1, 1)/√2 and (1, −1)/√2.
        let eig = SymmetricEigen(Tensor([[2, 1], [1, 2]]))
        XCTAssertEqual(eig.values[0], 3, accuracy: 1e-12)
        XCTAssertEqual(eig.values[1], 1, accuracy: 1e-12)
        XCTAssertEqual(eig.vectors[0, 0], Float(0.5.squareRoot()), accuracy: 1e-6)
        XCTAssertEqual(Swift.abs(eig.vectors[1, 1]), Float(0.5.squareRoot()), accuracy: 1e-6)
        let diagonal = SymmetricEigen(Tensor([[1, 0, 0], [0, 5, 0], [0, 0, 3]]))
        XCTAssertEqual(diagonal.values, [5, 3, 1])
    }

    /// A = V Λ Vᵀ with orthonormal V, every value finite, and the known spectrum (sorted).
    func expectDecomposition(
        _ a: Tensor, spectrum: [Double]? = nil, _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let n = a.shape[0]
        let eig = SymmetricEigen(a)
        XCTAssertTrue(
            eig.values.allSatisfy(\.isFinite) && eig.vectors.scalars.allSatisfy(\.isFinite), "\(what): not finite",
            file: file, line: line)
        XCTAssertEqual(eig.values, eig.values.sorted(by: >), "\(what): sorted", file: file, line: line)
        let v = eig.vectors
        XCTAssertLessThan(
            (Tensor.matmul(v, v, transposeA: true) - .identity(n)).abs().max(), 1e-4, "\(what): VᵀV = I", file: file,
            line: line)
        let back = Tensor.matmul(v * Tensor(eig.values.map(Float.init)), v, transposeB: true)
        XCTAssertLessThan(
            (back - a).abs().max(), 1e-4 * Swift.max(1, a.abs().max()), "\(what): VΛVᵀ = A", file: file, line: line)
        if let spectrum {
            let scale = Swift.max(1, spectrum.map(Swift.abs).max() ?? 1)
            for (got, expected) in zip(eig.values, spectrum.sorted(by: >)) {
                XCTAssertEqual(
                    got, expected, accuracy: 1e-5 * scale, "\(what): eigenvalues \(eig.values.prefix(8))…", file: file,
                    line: line)
            }
        }
    }

    func testZeroRepeatedAndRankDeficientSpectra() {
        expectDecomposition(.zeros([6, 6]), spectrum: [0, 0, 0, 0, 0, 0], "the zero matrix")
        expectDecomposition(.identity(5) * 3, spectrum: [3, 3, 3, 3, 3], "3·I (one value five times)")
        expectDecomposition(
            Tensor([[0, 0, 0], [0, 2, 0], [0, 0, 0]]), spectrum: [2, 0, 0], "zero rows and columns around one entry")
        // A known orthonormal basis Q (Householder reflection) and a spectrum with repeats and zeros.
        let n = 9
        var rng = SeededGenerator(seed: 41)
        let u = Tensor.randomNormal([n, 1], using: &rng)
        let q =
            Tensor.identity(n) - Tensor.matmul(u, u, transposeB: true)
            * (2 / Tensor.matmul(u, u, transposeA: true).scalar)
        let spectrum: [Double] = [5, 5, 2, 1e-3, 0, 0, 0, 0, -1]
        let a = Tensor.matmul(q * Tensor(spectrum.map(Float.init)), q, transposeB: true)
        expectDecomposition(a, spectrum: spectrum, "Q diag(5, 5, 2, 1e-3, 0, 0, 0, 0, −1) Qᵀ")
    }

    /// The case of lab01 with fewer images than pixels: the covariance of N = 30 points in D = 80
    /// dimensions, 25 of them constant (zero rows and columns), has rank ≤ 29; its spectrum is that
    /// of the N × N Gram matrix (the same non-zero eigenvalues) padded with zeros.
    func testCovarianceOfFewerPointsThanDimensions() {
        var rng = SeededGenerator(seed: 42)
        let (count, dimensions, constant) = (30, 80, 25)
        var x = Tensor.randomUniform([count, dimensions], using: &rng)
        for i in 0..<count { for j in 0..<constant { x[i, j * 3 % dimensions] = 0.5 } }
        let centred = x - x.mean(alongAxis: 0)
        let covariance = Tensor.matmul(centred, centred, transposeA: true) / Float(count - 1)
        let gram = Tensor.matmul(centred, centred, transposeB: true) / Float(count - 1)
        let small = SymmetricEigen(gram).values
        let expected = small + [Double](repeating: 0, count: dimensions - count)
        expectDecomposition(covariance, spectrum: expected, "a rank-29 covariance of 80 dimensions")
        XCTAssertGreaterThan(SymmetricEigen(covariance).values[0], 0.01, "the leading variance is not 0")
    }

    /// Upscaled images (each pixel of an 8 × 8 image repeated in a 2 × 2 block, centred in 28 × 28,
    /// as in scripts/make_sparse_digits.py): the covariance has groups of identical rows and
    /// columns, 588 zero ones, and rank ≤ 64 — exact repeated zero eigenvalues everywhere.
    func testCovarianceOfUpscaledImages() {
        var rng = SeededGenerator(seed: 43)
        let count = 300
        var x = Tensor.zeros([count, 784])
        for n in 0..<count {
            for r in 0..<8 {
                for c in 0..<8 {
                    let value = rng.nextUniform() < 0.5 ? 0 : rng.nextUniform()
                    for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        x[n, (6 + 2 * r + dr) * 28 + 6 + 2 * c + dc] = value
                    }
                }
            }
        }
        let centred = x - x.mean(alongAxis: 0)
        let covariance = Tensor.matmul(centred, centred, transposeA: true) / Float(count - 1)
        let small = SymmetricEigen(Tensor.matmul(centred, centred, transposeB: true) / Float(count - 1)).values
        expectDecomposition(
            covariance, spectrum: small + [Double](repeating: 0, count: 784 - count),
            "the covariance of upscaled images")
    }

    func testOrthonormalisationAndPrincipalAngles() {
        var rng = SeededGenerator(seed: 6)
        let a = Tensor.randomNormal([20, 4], using: &rng)
        let q = orthonormalizedColumns(a)
        XCTAssertLessThan((Tensor.matmul(q, q, transposeA: true) - .identity(4)).abs().max(), 1e-5)
        // The same subspace under a change of basis: all angles 0.
        let mixed = Tensor.matmul(a, Tensor.randomNormal([4, 4], using: &rng))
        XCTAssertLessThan(principalAngles(between: a, and: mixed).max()!, 0.1)
        // Coordinate planes: span(e1, e2) vs span(e1, e3) meet at 0° and 90°.
        var e12 = Tensor.zeros([3, 2]), e13 = Tensor.zeros([3, 2])
        e12[0, 0] = 1; e12[1, 1] = 1; e13[0, 0] = 1; e13[2, 1] = 1
        let angles = principalAngles(between: e12, and: e13)
        XCTAssertEqual(angles[0], 0, accuracy: 0.01)
        XCTAssertEqual(angles[1], 90, accuracy: 0.01)
        // A 30° rotation within a plane.
        var r = Tensor.zeros([3, 1])
        r[0, 0] = Float(cos(Double.pi / 6)); r[1, 0] = Float(sin(Double.pi / 6))
        XCTAssertEqual(principalAngles(between: e12.columns(0..<1), and: r)[0], 30, accuracy: 0.05)
    }
}

final class HungarianTests: XCTestCase {
    func testKnownAssignments() {
        XCTAssertEqual(minimumCostAssignment([[4, 1], [2, 3]]), [1, 0])
        XCTAssertEqual(minimumCostAssignment([[1, 2, 3], [2, 4, 6], [3, 6, 9]]).count, 3)
        // Rectangular: 2 rows, 3 columns.
        XCTAssertEqual(minimumCostAssignment([[5, 1, 9], [1, 5, 9]]), [1, 0])
    }

    func testMatchesBruteForceOnRandomMatrices() {
        var rng = SeededGenerator(seed: 12)
        func permutations(_ a: [Int]) -> [[Int]] {
            a.count <= 1
                ? [a]
                : a.indices.flatMap { i in
                    permutations(a.enumerated().filter { $0.offset != i }.map(\.element)).map { [a[i]] + $0 }
                }
        }
        for _ in 0..<30 {
            let cost = (0..<5).map { _ in (0..<5).map { _ in Double(rng.nextInt(below: 20)) } }
            let best = permutations(Array(0..<5)).map { p in
                p.enumerated().reduce(0.0) { $0 + cost[$1.offset][$1.element] }
            }.min()!
            let found = minimumCostAssignment(cost)
            XCTAssertEqual(Set(found).count, 5)
            XCTAssertEqual(found.enumerated().reduce(0.0) { $0 + cost[$1.offset][$1.element] }, best)
        }
    }
}
