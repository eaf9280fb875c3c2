import XCTest

@testable import LabKit

final class TensorTests: XCTestCase {
    func testBroadcastingRowsColumnsAndScalars() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual((x + Tensor([10, 20, 30])).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((x * Tensor([[2], [3]])).scalars, [2, 4, 6, 12, 15, 18])
        XCTAssertEqual((x - Tensor(1)).scalars, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual((1 - x).scalars, [0, -1, -2, -3, -4, -5])
    }

    func testValueSemanticsCopyOnWrite() {
        let a = Tensor([1, 2, 3])
        var b = a
        b[0] = 100
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(b.scalars, [100, 2, 3])
    }

    func testReductionsAlongAxes() {
        let x = Tensor([[1, 5, 3], [4, 2, 6]])
        XCTAssertEqual(x.sum(alongAxis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(x.sum(alongAxis: 1).scalars, [9, 12])
        XCTAssertEqual(x.mean(alongAxis: 1, keepingDimension: true).shape, [2, 1])
        XCTAssertEqual(x.max(alongAxis: 0).scalars, [4, 5, 6])
        XCTAssertEqual(x.argmax(alongAxis: 1), [1, 2])
        XCTAssertEqual(x.argmin(alongAxis: 1), [0, 1])
        XCTAssertEqual(x.argmin(alongAxis: 0), [0, 1, 0])
        XCTAssertEqual(x.sum(), 21)
    }

    /// Row sums of a large matrix (every core, several rows at once, a last group of rows short)
    /// are the plain loop's: each row added left to right in Float.
    func testRowSumsOfALargeMatrixAreThePlainLoopsBits() {
        var rng = SeededGenerator(seed: 5)
        for (rows, columns) in [(2_003, 785), (9, 200_000), (300_001, 4)] {
            let x = Tensor.randomNormal([rows, columns], using: &rng)
            var expected = [Float](repeating: 0, count: rows)
            for i in 0..<rows {
                var acc: Float = 0
                for j in 0..<columns { acc += x.scalars[i * columns + j] }
                expected[i] = acc
            }
            XCTAssertEqual(x.sum(alongAxis: 1).scalars, expected, "\(rows)×\(columns)")
            XCTAssertEqual(x.sum(alongAxis: 1, keepingDimension: true).shape, [rows, 1])
        }
        XCTAssertEqual(Tensor.zeros([0, 5]).sum(alongAxis: 1).shape, [0])
        XCTAssertEqual(Tensor.zeros([3, 0]).sum(alongAxis: 1).scalars, [0, 0, 0])
    }

    func testElementwiseFunctionsMatchLibm() {
        let values: [Float] = [-30, -5, -1, -0.1, 0, 0.1, 1, 5, 30]
        let x = Tensor(values)
        for (i, v) in values.enumerated() {
            XCTAssertEqual(x.exp()[i], Foundation.exp(v), accuracy: Foundation.exp(v) * 3e-7)
            XCTAssertEqual(x.sigmoid()[i], 1 / (1 + Foundation.exp(-v)), accuracy: 3e-7)
            XCTAssertEqual(x.softplus()[i], Float(Foundation.log1p(Foundation.exp(Double(v)))), accuracy: 1e-6)
        }
        XCTAssertEqual(Tensor([100]).exp()[0], .infinity)
        XCTAssertTrue(Tensor([.nan]).exp()[0].isNaN)
        XCTAssertEqual(Tensor([-200]).sigmoid()[0], 0)
    }

    func testSlicingGatheringAndConcatenation() {
        let x = Tensor([[1, 2], [3, 4], [5, 6]])
        XCTAssertEqual(x.rows(1..<3).scalars, [3, 4, 5, 6])
        XCTAssertEqual(x.gatherRows([2, 0, 2]).scalars, [5, 6, 1, 2, 5, 6])
        XCTAssertEqual(x.columns(1..<2).scalars, [2, 4, 6])
        XCTAssertEqual(Tensor.concatenate([x, x], alongAxis: 1).shape, [3, 4])
        XCTAssertEqual(Tensor.concatenate([x, x], alongAxis: 0).rows(3..<4).scalars, [1, 2])
        XCTAssertEqual(x.transposed.scalars, [1, 3, 5, 2, 4, 6])
    }

    func testSeededGeneratorIsDeterministicAndWellDistributed() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let x = Tensor.randomNormal([1000], using: &a)
        XCTAssertEqual(x, Tensor.randomNormal([1000], using: &b))
        XCTAssertNotEqual(x, Tensor.randomNormal([1000], using: &c))
        var g = SeededGenerator(seed: 1)
        let big = Tensor.randomNormal([100_000], using: &g)
        XCTAssertEqual(big.mean(), 0, accuracy: 0.02)
        XCTAssertEqual((big * big).mean(), 1, accuracy: 0.02)
        let u = Tensor.randomUniform([100_000], using: &g)
        XCTAssertEqual(u.mean(), 0.5, accuracy: 0.01)
        XCTAssertGreaterThanOrEqual(u.min(), 0)
        XCTAssertLessThan(u.max(), 1)
        XCTAssertEqual(Set(g.permutation(50)), Set(0..<50))
    }
}
