import XCTest
@testable import LabKit

final class LinearAlgebraTests: XCTestCase {
    func testEigendecompositionReconstructsTheMatrix() {
        var rng = SeededGenerator(seed: 4)
        for n in [1, 2, 5, 40] {
            let b = Tensor.randomNormal([n, n], using: &rng)
            let a = Tensor.matmul(b, b, transposeB: true)          // symmetric positive semi-definite
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
            a.count <= 1 ? [a] : a.indices.flatMap { i in permutations(a.enumerated().filter { $0.offset != i }.map(\.element)).map { [a[i]] + $0 } }
        }
        for _ in 0..<30 {
            let cost = (0..<5).map { _ in (0..<5).map { _ in Double(rng.nextInt(below: 20)) } }
            let best = permutations(Array(0..<5)).map { p in p.enumerated().reduce(0.0) { $0 + cost[$1.offset][$1.element] } }.min()!
            let found = minimumCostAssignment(cost)
            XCTAssertEqual(Set(found).count, 5)
            XCTAssertEqual(found.enumerated().reduce(0.0) { $0 + cost[$1.offset][$1.element] }, best)
        }
    }
}
