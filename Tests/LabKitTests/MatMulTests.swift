import CKernels
import XCTest

@testable import LabKit

/// The packed SIMD kernel against the naive triple loop (in Double), llm.c style.
final class MatMulTests: XCTestCase {
    func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> Tensor {
        let a = ta ? a.transposed : a, b = tb ? b.transposed : b
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var c = Tensor.zeros([m, n])
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += Double(a[i, p]) * Double(b[p, j]) }
                c[i, j] = Float(s)
            }
        }
        return c
    }

    func testMatchesNaiveProductForAllTransposesAndEdgeShapes() {
        var rng = SeededGenerator(seed: 3)
        for (m, k, n) in [
            (1, 1, 1), (7, 5, 17), (13, 300, 33), (64, 64, 64), (100, 513, 19), (6, 16, 16), (40, 600, 70), (9, 50, 31),
            (33, 257, 65),
        ] {
            for ta in [false, true] {
                for tb in [false, true] {
                    let a = Tensor.randomNormal(ta ? [k, m] : [m, k], using: &rng)
                    let b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &rng)
                    let fast = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
                    let slow = naive(a, b, ta, tb)
                    let maxdiff = zip(fast.scalars, slow.scalars).map { Swift.abs($0 - $1) }.max()!
                    XCTAssertLessThan(
                        maxdiff, 1e-4 * Float(k).squareRoot(),
                        "m=\(m) k=\(k) n=\(n) ta=\(ta) tb=\(tb): maxdiff \(maxdiff)")
                }
            }
        }
    }

    func testEmptyInnerDimensionGivesZeros() {
        XCTAssertEqual(Tensor.matmul(.zeros([3, 0]), .zeros([0, 4])), .zeros([3, 4]))
    }

    func testResultIsBitIdenticalHoweverTheWorkIsSplit() {
        var rng = SeededGenerator(seed: 11)
        let a = Tensor.randomNormal([200, 700], using: &rng), b = Tensor.randomNormal([700, 300], using: &rng)
        let threaded = Tensor.matmul(a, b)
        // Compute the same product one row block and one column block at a time.
        var rowsOnly = [Float](repeating: 0, count: 200 * 300)
        var columnsOnly = rowsOnly
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                rowsOnly.withUnsafeMutableBufferPointer { pc in
                    for m0 in stride(from: 0, to: 200, by: 6) {
                        ck_sgemm_block(
                            200, 300, 700, pa.baseAddress, 700, 1, pb.baseAddress, 300, 1, 0, pc.baseAddress, 300,
                            Int32(m0), Int32(Swift.min(200, m0 + 6)), 0, 300, nil)
                    }
                }
                columnsOnly.withUnsafeMutableBufferPointer { pc in
                    for n0 in stride(from: 0, to: 300, by: 16) {
                        ck_sgemm_block(
                            200, 300, 700, pa.baseAddress, 700, 1, pb.baseAddress, 300, 1, 0, pc.baseAddress, 300,
                            0, 200, Int32(n0), Int32(Swift.min(300, n0 + 16)), nil)
                    }
                }
            }
        }
        XCTAssertEqual(threaded.scalars, rowsOnly)
        XCTAssertEqual(threaded.scalars, columnsOnly)
    }

    /// Every kernel the CPU has (AVX-512 and AVX2 alike) sums in exactly the kernels' order: at a
    /// training step's shapes, narrow ones, and products large enough for the paths that stream a
    /// big operand (a tall A against a narrow B; a few rows of C against a deep B).
    func testProductsOfEveryPathSumInTheKernelsOrder() throws {
        try XCTSkipIf(Tensor.matmulKernelName.hasPrefix("portable"), "the portable kernel need not fuse its adds")
        var rng = SeededGenerator(seed: 13)
        defer { ck_sgemm_limit_kernels(Int32(CK_KERNEL_BEST)) }
        for (m, k, n, ta, tb) in [
            (128, 784, 256, false, false), (37, 300, 10, false, true), (784, 128, 70, true, false),
            (10, 900, 784, true, false), (3000, 500, 10, false, true), (2500, 400, 1, false, false),
            (10, 20000, 48, true, false), (3, 30000, 40, false, false), (13, 9000, 70, true, false),
        ] {
            let a = Tensor.randomNormal(ta ? [k, m] : [m, k], using: &rng),
                b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &rng)
            let expected = productInTheKernelsOrder(a, b, transposeA: ta, transposeB: tb)
            for limit in [CK_KERNEL_BEST, CK_KERNEL_AVX2] {
                ck_sgemm_limit_kernels(Int32(limit))
                if Tensor.matmulKernelName.hasPrefix("portable") { continue }
                let product = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
                XCTAssertEqual(product.scalars, expected, "\(m)×\(k)×\(n) with \(Tensor.matmulKernelName)")
            }
        }
    }
}
