import Foundation
import LabData
import LabKit

/// Helpers the labs share for evaluating models on test data.
package enum Evaluation {
    /// Applies `f` to the rows of `x` in chunks (bounding memory on large test sets) and
    /// stacks the results.
    package static func inChunks(_ x: Tensor, size: Int = 1000, _ f: (Tensor) throws -> Tensor) rethrows -> Tensor {
        var parts: [Tensor] = []
        for start in stride(from: 0, to: x.rowCount, by: size) {
            parts.append(try withoutGradients { try f(x.rows(start..<Swift.min(x.rowCount, start + size))) })
        }
        return Tensor.concatenate(parts, alongAxis: 0)
    }

    /// Mean squared error over all elements, accumulated in Double.
    package static func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.shape == b.shape, "meanSquaredError: \(a.shape) vs \(b.shape)")
        var total = 0.0
        for (x, y) in zip(a.scalars, b.scalars) { total += Double(x - y) * Double(x - y) }
        return total / Double(Swift.max(1, a.count))
    }

    /// The mean squared error between `f(input)`, computed in chunks, and `target`: a model's
    /// reconstruction error when `target` is `input`, its denoising error when `input` is corrupted.
    package static func meanSquaredError(of f: (Tensor) throws -> Tensor, from input: Tensor, to target: Tensor)
        rethrows
        -> Double
    {
        meanSquaredError(try inChunks(input, f), target)
    }

    /// Peak signal-to-noise ratio for images in [0, 1]: PSNR = 10 log₁₀(1 / MSE) dB.
    package static func psnr(mse: Double) -> Double { 10 * log10(1 / Swift.max(mse, 1e-12)) }

    /// The adjusted Rand index (Hubert & Arabie, 1985): agreement of two partitions over all
    /// pairs of points, corrected for chance (0 for random labels, 1 for identical partitions).
    package static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        // Pairs of points together in both partitions, in a, and in b.
        var both: [[Int]: Double] = [:], rows: [Int: Double] = [:], columns: [Int: Double] = [:]
        for i in a.indices {
            both[[a[i], b[i]], default: 0] += 1
            rows[a[i], default: 0] += 1
            columns[b[i], default: 0] += 1
        }
        func pairs(_ n: Double) -> Double { n * (n - 1) / 2 }
        let index = both.values.reduce(0.0) { $0 + pairs($1) }
        let rowPairs = rows.values.reduce(0.0) { $0 + pairs($1) },
            columnPairs = columns.values.reduce(0.0) { $0 + pairs($1) }
        let expected = rowPairs * columnPairs / pairs(Double(a.count))
        let maximum = (rowPairs + columnPairs) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }

    /// Distinct example indices for figures: for each preferred class the first unused example
    /// of it, or, when the data has none, the first unused example of any class.
    package static func showcase(_ labels: [Int], preferredClasses: [Int]) -> [Int] {
        var used = Set<Int>(), picks: [Int] = []
        for c in preferredClasses {
            guard
                let pick = labels.indices.first(where: { labels[$0] == c && !used.contains($0) })
                    ?? labels.indices.first(where: { !used.contains($0) })
            else { break }
            used.insert(pick)
            picks.append(pick)
        }
        return picks
    }

    /// Indices of the first `perClass` examples of each class, class by class.
    package static func examplesOfEachClass(_ labels: [Int], classes: Int, perClass: Int = 1) -> [Int] {
        (0..<classes).flatMap { c in labels.indices.filter { labels[$0] == c }.prefix(perClass) }
    }
}
