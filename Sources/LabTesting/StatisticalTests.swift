import Foundation
import XCTest

/// Statistical tests for the checks of random exercises, with a false-failure rate that is
/// computed, not guessed.
///
/// A correct implementation fails a test only when its (fixed-seed) draws happen to land in
/// the rejected tail. Every test here rejects with probability at most `falseFailureRate`
/// under the null hypothesis (the exercise draws from the right distribution); a check that
/// makes m tests fails a correct answer with probability at most m · rate (the union bound).
/// The default rate 1e-7 keeps any check with up to 10 tests at ≤ 1e-6.
public enum StatisticalTest {
    public static let defaultFalseFailureRate = 1e-7

    /// log of the binomial probability P(X = k) for X ~ Bin(n, p), 0 < p < 1.
    static func logBinomialPMF(_ k: Int, _ n: Int, _ p: Double) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
            + Double(k) * log(p) + Double(n - k) * log1p(-p)
    }

    /// The exact two-sided acceptance region of a count X ~ Bin(n, p): the narrowest [lo, hi]
    /// with P(X < lo) ≤ α/2 and P(X > hi) ≤ α/2, summed from the exact probabilities.
    public static func binomialAcceptance(trials n: Int, probability p: Double, falseFailureRate alpha: Double)
        -> ClosedRange<Int>
    {
        if p <= 0 { return 0...0 }
        if p >= 1 { return n...n }
        var lo = 0, below = 0.0
        while lo < n {
            let next = below + exp(logBinomialPMF(lo, n, p))
            if next > alpha / 2 { break }
            below = next
            lo += 1
        }
        var hi = n, above = 0.0
        while hi > 0 {
            let next = above + exp(logBinomialPMF(hi, n, p))
            if next > alpha / 2 { break }
            above = next
            hi -= 1
        }
        return lo...hi
    }

    /// The upper regularised incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): by its power
    /// series for x < a + 1, by its continued fraction (modified Lentz) otherwise.
    static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let logPrefactor = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logPrefactor) * h
    }

    /// The χ² quantile q with P(χ²_df > q) = α, by bisection on Q(df/2, q/2).
    public static func chiSquaredCritical(degreesOfFreedom df: Int, falseFailureRate alpha: Double) -> Double {
        var lo = 0.0, hi = Double(df) + 200 + 40 * Double(df).squareRoot()
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if upperRegularizedGamma(Double(df) / 2, mid / 2) > alpha { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// Φ(x), the standard normal distribution function.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Pearson's statistic Σ (Oᵢ − Eᵢ)² / Eᵢ for counts against bin probabilities.
    public static func chiSquaredStatistic(observed: [Int], probabilities: [Double]) -> Double {
        let n = Double(observed.reduce(0, +))
        return zip(observed, probabilities).reduce(0.0) { total, bin in
            let expected = n * bin.1
            return total + (Double(bin.0) - expected) * (Double(bin.0) - expected) / expected
        }
    }

    /// Bin edges for a standard normal sample (−∞ and ∞ implied at the ends) and the exact
    /// probability of every bin. Eleven bins: the centre, the shoulders and both tails.
    public static let normalEdges: [Double] = [-2.5, -1.5, -1, -0.5, -0.2, 0.2, 0.5, 1, 1.5, 2.5]
    public static var normalBinProbabilities: [Double] {
        let cdf = [0.0] + normalEdges.map(normalCDF) + [1.0]
        return zip(cdf.dropFirst(), cdf).map { $0 - $1 }
    }

    /// Counts of `values` in the bins between `edges` (−∞ and ∞ implied at the ends).
    public static func histogram(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for v in values {
            var bin = 0
            while bin < edges.count && v >= edges[bin] { bin += 1 }
            counts[bin] += 1
        }
        return counts
    }
}

/// Asserts that `count` successes in `trials` are a plausible draw of Bin(trials, probability),
/// with the exact binomial acceptance region.
public func expectBinomial(
    _ count: Int, trials: Int, probability: Double, _ what: String, hint: String,
    falseFailureRate: Double = StatisticalTest.defaultFalseFailureRate,
    file: StaticString = #filePath, line: UInt = #line
) {
    let region = StatisticalTest.binomialAcceptance(
        trials: trials, probability: probability, falseFailureRate: falseFailureRate)
    guard !region.contains(count) else { return }
    XCTFail(
        """
        \(what): \(count) of \(trials) (\(String(format: "%.4f", Double(count) / Double(trials)))); for probability \(probability) \
        a correct answer gives between \(region.lowerBound) and \(region.upperBound) except with probability \
        \(String(format: "%.0e", falseFailureRate)) (exact binomial test).
        Hint: \(hint)
        """, file: file, line: line)
}

/// Asserts that `values` are a plausible sample of N(0, 1): Pearson's χ² test over eleven
/// bins with exact normal probabilities (asymptotic χ²₁₀; every expected count is large in the
/// checks that use it).
public func expectStandardNormal(
    _ values: [Double], _ what: String, hint: String,
    falseFailureRate: Double = StatisticalTest.defaultFalseFailureRate,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard values.allSatisfy(\.isFinite) else {
        return XCTFail("\(what): some values are not finite.\nHint: \(hint)", file: file, line: line)
    }
    let observed = StatisticalTest.histogram(values, edges: StatisticalTest.normalEdges)
    let probabilities = StatisticalTest.normalBinProbabilities
    let statistic = StatisticalTest.chiSquaredStatistic(observed: observed, probabilities: probabilities)
    let critical = StatisticalTest.chiSquaredCritical(
        degreesOfFreedom: observed.count - 1, falseFailureRate: falseFailureRate)
    guard !(statistic <= critical) else { return }
    let expected = probabilities.map { Int(($0 * Double(values.count)).rounded()) }
    XCTFail(
        """
        \(what) do not look standard normal: χ² = \(String(format: "%.1f", statistic)) over \(observed.count) bins, above \
        \(String(format: "%.1f", critical)) (a correct answer exceeds it with probability \(String(format: "%.0e", falseFailureRate))).
        Counts per bin (edges \(StatisticalTest.normalEdges.map { String(format: "%g", $0) }.joined(separator: ", "))): \
        got \(observed), expected about \(expected).
        Hint: \(hint)
        """, file: file, line: line)
}

/// Asserts that category counts are a plausible draw of the multinomial with the given
/// probabilities: Pearson's χ² test (asymptotic; use enough draws that every expected count
/// is large, ≥ 80 or so, so the tail probability is close to the stated rate).
public func expectDistribution(
    _ observed: [Int], probabilities: [Double], labels: [String], _ what: String, hint: String,
    falseFailureRate: Double = StatisticalTest.defaultFalseFailureRate,
    file: StaticString = #filePath, line: UInt = #line
) {
    let statistic = StatisticalTest.chiSquaredStatistic(observed: observed, probabilities: probabilities)
    let critical = StatisticalTest.chiSquaredCritical(
        degreesOfFreedom: observed.count - 1, falseFailureRate: falseFailureRate)
    guard !(statistic <= critical) else { return }
    let total = Double(observed.reduce(0, +))
    let rows = zip(labels, zip(observed, probabilities)).map {
        "\($0): \($1.0) (expected \(Int(($1.1 * total).rounded())))"
    }
    XCTFail(
        """
        \(what): χ² = \(String(format: "%.1f", statistic)) over \(observed.count) outcomes, above \(String(format: "%.1f", critical)) \
        (a correct answer exceeds it with probability \(String(format: "%.0e", falseFailureRate))).
        Counts: \(rows.joined(separator: ", ")).
        Hint: \(hint)
        """, file: file, line: line)
}
