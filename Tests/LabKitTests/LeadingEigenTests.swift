import XCTest

@testable import LabKit

final class LeadingEigenTests: XCTestCase {
    /// The covariance-like XᵀX/N of N rows whose first columns have decaying scales, n = 1100
    /// (above the size where LeadingEigen hands over to the full solver).
    func gram(rows: Int, columns n: Int, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        var x = Tensor.randomNormal([rows, n], using: &generator)
        for r in 0..<rows { for c in 0..<n { x[r, c] *= c < 12 ? 10 / Float(c + 1) : 0.3 } }
        return Tensor.matmul(x, x, transposeA: true) / Float(rows)
    }

    func testMatchesTheFullSolverAboveTheHandOverSize() {
        let a = gram(rows: 1500, columns: 1100, seed: 3)
        let leading = LeadingEigen(a, count: 10), full = SymmetricEigen(a)
        XCTAssertGreaterThan(leading.iterations, 0, "n = 1100 takes the iterative path")
        for i in 0..<10 {
            XCTAssertEqual(leading.values[i], full.values[i], accuracy: 1e-4 * full.values[0], "θ\(i + 1)")
        }
        let angles = principalAngles(between: leading.vectors, and: full.vectors.columns(0..<10))
        XCTAssertLessThan(angles.max()!, 0.5, "the leading subspace, in degrees")
        let vtv = Tensor.matmul(leading.vectors, leading.vectors, transposeA: true)
        XCTAssertLessThan((vtv - .identity(10)).abs().max(), 1e-4, "orthonormal columns")
        XCTAssertEqual(leading.vectors.scalars, LeadingEigen(a, count: 10).vectors.scalars, "the same on every run")
    }

    func testRankBelowTheBlockSize() {
        // 20 rows: rank 20, fewer than the 60 columns of the block; the rest of the spectrum is 0.
        let a = gram(rows: 20, columns: 1100, seed: 5)
        let leading = LeadingEigen(a, count: 30), full = SymmetricEigen(a)
        XCTAssertTrue(leading.values.allSatisfy(\.isFinite) && leading.vectors.scalars.allSatisfy(\.isFinite))
        for i in 0..<20 { XCTAssertEqual(leading.values[i], full.values[i], accuracy: 1e-4 * full.values[0]) }
        for i in 20..<30 { XCTAssertLessThan(Swift.abs(leading.values[i]), 1e-4 * full.values[0], "θ\(i + 1) is 0") }
        let vtv = Tensor.matmul(leading.vectors, leading.vectors, transposeA: true)
        XCTAssertLessThan((vtv - .identity(30)).abs().max(), 1e-4, "orthonormal columns, the null-space ones too")
    }

    func testSmallMatricesAreTheFullSolversAnswer() {
        let a = gram(rows: 300, columns: 200, seed: 7)
        let leading = LeadingEigen(a, count: 5), full = SymmetricEigen(a)
        XCTAssertEqual(leading.iterations, 0)
        XCTAssertEqual(leading.values, Array(full.values.prefix(5)))
        XCTAssertEqual(leading.vectors.scalars, full.vectors.columns(0..<5).scalars)
    }
}
