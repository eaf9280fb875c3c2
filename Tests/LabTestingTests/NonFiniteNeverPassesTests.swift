import LabKit
import XCTest

@testable import LabTesting

/// Every comparison of the graded checks fails on NaN or ±∞, wherever the bad entry is — first,
/// middle or last — and says where it is. (A failure is recorded, not raised, so each case
/// collects the failures its comparison records and looks at them.)
final class NonFiniteNeverPassesTests: XCTestCase {
    private var recorded: [String] = []
    private var capturing = false

    override func recordFailure(
        withDescription description: String, inFile filePath: String, atLine lineNumber: Int,
        expected: Bool
    ) {
        if capturing {
            recorded.append(description)
        } else {
            super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
        }
    }

    /// The failures `body` records.
    private func failures(_ body: () -> Void) -> [String] {
        (recorded, capturing) = ([], true)
        body()
        capturing = false
        return recorded
    }

    private let badValues: [Float] = [.nan, .infinity, -.infinity]

    func testTensorComparisonFailsOnANonFiniteEntryAnywhere() {
        let expected = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) / 10 })
        for bad in badValues {
            for index in [0, 5, 11] {
                var actual = expected
                actual[index] = bad
                let found = failures { expectClose(actual, expected, tolerance: 1e-3, "values", hint: "-") }
                XCTAssertEqual(found.count, 1, "\(bad) at entry \(index) should fail once")
                XCTAssertTrue(
                    found.first?.contains("entry \(index) ") == true, "the message names entry \(index): \(found)")
            }
        }
        // A larger finite error after a NaN does not hide it, nor does a NaN hide a later error.
        var actual = expected
        actual[0] = .nan
        actual[11] = 99
        XCTAssertTrue(
            failures { expectClose(actual, expected, tolerance: 1e-3, "values", hint: "-") }.first?.contains("entry 0 ")
                == true)
        XCTAssertTrue(failures { expectClose(expected, expected, tolerance: 0, "values", hint: "-") }.isEmpty)
    }

    func testScalarComparisonFailsOnNonFiniteValues() {
        for bad in [Double.nan, .infinity, -.infinity] {
            XCTAssertEqual(failures { expectClose(bad, 1, tolerance: 1e-3, "value", hint: "-") }.count, 1)
            XCTAssertEqual(failures { expectClose(bad, bad, tolerance: 1e-3, "value", hint: "-") }.count, 1)
        }
    }

    /// A NaN gradient at one entry makes the report's maximum NaN and its worst entry that one
    /// (dropped by `max()`, it would pass `<= tolerance`).
    func testGradientReportKeepsANaNWherever() throws {
        let x = Tensor(shape: [5], scalars: [0.1, 0.2, 0.3, 0.4, 0.5])
        for position in [0, 2, 4] {
            let mask = Tensor(shape: [5], scalars: (0..<5).map { $0 == position ? 0 : 1 })
            let report = try checkGradients(at: [x]) { v in (v[0] * Variable(mask)).sqrt().sum() }
            XCTAssertTrue(report.maxRelativeError.isNaN)
            XCTAssertEqual(report.worst?.index, position)
        }
    }

    func testGradientChecksFailOnNaNGradients() {
        let x = Tensor(shape: [5], scalars: [0.1, 0.2, 0.3, 0.4, 0.5])
        for position in [0, 2, 4] {
            // √(x·m) with m = 0 at one entry: finite values, and ∂ = m · ∞ = NaN there.
            let mask = Tensor(shape: [5], scalars: (0..<5).map { $0 == position ? 0 : 1 })
            let found = failures {
                expectGradientsMatchFiniteDifferences(at: [x], names: ["x"], "f", hint: "-") { v in
                    (v[0] * Variable(mask)).sqrt().sum()
                }
            }
            XCTAssertFalse(found.isEmpty, "a NaN gradient at entry \(position) should fail")
        }
        for position in [0, 2, 4] {
            let w = Variable(x, requiresGradient: true)
            let mask = Tensor(shape: [5], scalars: (0..<5).map { $0 == position ? 0 : 1 })
            let found = failures {
                expectParameterGradientsMatchFiniteDifferences([("w", w)], "loss", hint: "-") {
                    (w * Variable(mask)).sqrt().sum()
                }
            }
            XCTAssertFalse(found.isEmpty, "a NaN parameter gradient at entry \(position) should fail")
        }
    }
}
