import LabKit
import XCTest

@testable import LabTesting

/// The statistical tests' thresholds against values from SciPy 1.17
/// (`stats.chi2.isf`, `stats.binom.ppf` / `isf`), and their false-failure rate measured on
/// correct samplers.
final class StatisticalTestTests: XCTestCase {
    func testChiSquaredCriticalValuesMatchSciPy() {
        XCTAssertEqual(
            StatisticalTest.chiSquaredCritical(degreesOfFreedom: 9, falseFailureRate: 1e-7), 50.1718, accuracy: 1e-3)
        XCTAssertEqual(
            StatisticalTest.chiSquaredCritical(degreesOfFreedom: 10, falseFailureRate: 1e-7), 52.3095, accuracy: 1e-3)
        XCTAssertEqual(
            StatisticalTest.chiSquaredCritical(degreesOfFreedom: 5, falseFailureRate: 1e-3), 20.5150, accuracy: 1e-3)
    }

    func testBinomialAcceptanceMatchesSciPy() {
        XCTAssertEqual(
            StatisticalTest.binomialAcceptance(trials: 30000, probability: 0.3, falseFailureRate: 1e-7), 8579...9425)
        XCTAssertEqual(
            StatisticalTest.binomialAcceptance(trials: 1000, probability: 0.5, falseFailureRate: 1e-7), 416...584)
        XCTAssertEqual(StatisticalTest.binomialAcceptance(trials: 50, probability: 0, falseFailureRate: 1e-7), 0...0)
        XCTAssertEqual(StatisticalTest.binomialAcceptance(trials: 50, probability: 1, falseFailureRate: 1e-7), 50...50)
    }

    func testNormalBinsSumToOne() {
        XCTAssertEqual(StatisticalTest.normalBinProbabilities.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(StatisticalTest.normalCDF(1.96), 0.975, accuracy: 1e-4)
    }

    /// At a 5 % rate, 400 χ² tests of a correct normal sampler should reject about 20 times:
    /// the threshold is calibrated, not merely loose.
    func testChiSquaredRejectsAtTheStatedRate() {
        var rng = SeededGenerator(seed: 1)
        let critical = StatisticalTest.chiSquaredCritical(degreesOfFreedom: 10, falseFailureRate: 0.05)
        var rejected = 0
        for _ in 0..<400 {
            let values = (0..<5000).map { _ in Double(rng.nextNormal()) }
            let observed = StatisticalTest.histogram(values, edges: StatisticalTest.normalEdges)
            if StatisticalTest.chiSquaredStatistic(
                observed: observed, probabilities: StatisticalTest.normalBinProbabilities) > critical
            {
                rejected += 1
            }
        }
        XCTAssertTrue((8...34).contains(rejected), "rejected \(rejected) of 400 at a 5 % rate")
    }
}
