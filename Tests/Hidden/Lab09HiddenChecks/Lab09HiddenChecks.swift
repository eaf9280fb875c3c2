// Hidden checks for Lab 09: kept out of the student release (swift run release), run by the
// instructor's grader and the Gradescope bundle. The scores, the ROC curve and its area against
// their definitions, on random inputs full of ties the students never saw.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.patchMaxErrors
import func ExerciseCalls.pcaReconstructionErrors
import func ExerciseCalls.reconstructionErrors
import func ExerciseCalls.rocAUC
import func ExerciseCalls.rocCurve

final class Lab09HiddenChecks: GradedTestCase {
    static func rows(_ t: Tensor) -> [[Double]] {
        (0..<t.rowCount).map { n in (0..<t.columnCount).map { Double(t[n, $0]) } }
    }

    /// (1/D) Σ (aᵢ − bᵢ)².
    static func meanSquared(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for (u, v) in zip(a, b) { total += (u - v) * (u - v) }
        return total / Double(a.count)
    }

    /// The patch-max error from its definition.
    static func patchMax(_ x: Tensor, _ y: Tensor, h: Int, w: Int, p: Int) -> [Double] {
        zip(rows(x), rows(y)).map { a, b in
            var worst = 0.0
            for top in 0...(h - p) {
                for left in 0...(w - p) {
                    var total = 0.0
                    for i in 0..<p {
                        for j in 0..<p { let k = (top + i) * w + left + j; total += (a[k] - b[k]) * (a[k] - b[k]) }
                    }
                    worst = max(worst, total / Double(p * p))
                }
            }
            return worst
        }
    }

    typealias Point = (falsePositiveRate: Double, truePositiveRate: Double)

    /// The ROC points from the definition: one per distinct threshold, flagging score ≥ t.
    static func definitionCurve(_ scores: [Float], _ truth: [Bool]) -> [Point] {
        let positives = Double(truth.filter { $0 }.count), negatives = Double(truth.count) - positives
        return [(0, 0)]
            + Set(scores).sorted(by: >).map { t in
                let flagged = zip(scores, truth).filter { $0.0 >= t }
                return (
                    Double(flagged.filter { !$0.1 }.count) / negatives,
                    Double(flagged.filter { $0.1 }.count) / positives
                )
            }
    }

    /// The same curve: the same points (repeats allowed), in order, from (0, 0) to (1, 1).
    func expectSameCurve(
        _ got: [Point], _ expected: [Point], _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        func key(_ p: Point) -> String { String(format: "(%.6f, %.6f)", p.falsePositiveRate, p.truePositiveRate) }
        var distinct: [String] = []
        for p in got where distinct.last != key(p) { distinct.append(key(p)) }
        expect(
            distinct == expected.map(key),
            "\(what): expected the points \(expected.map(key).joined(separator: " ")), "
                + "got \(got.map(key).joined(separator: " "))",
            hint: "walk the scores from the largest down; add a point after each group of equal scores (a tie is one "
                + "diagonal step); rates are flagged normals / normals and flagged anomalies / anomalies; start at (0, 0).",
            file: file, line: line)
    }

    func test_9_1_hidden_meanSquaredErrorPerImage() {
        var rng = SeededGenerator(seed: 91)
        let x = Tensor.randomUniform([4, 6], using: &rng), y = Tensor.randomUniform([4, 6], using: &rng)
        guard let got = graded({ try reconstructionErrors(images: x, reconstructions: y) }) else { return }
        let expected = zip(Self.rows(x), Self.rows(y)).map { Self.meanSquared($0, $1) }
        expect(
            got.count == 4, "4 images of 6 pixels: expected 4 scores, got \(got.count)",
            hint: "one score per row (image).")
        guard got.count == 4 else { return }
        for (n, (g, e)) in zip(got, expected).enumerated() {
            expectClose(
                Double(g), e, tolerance: 1e-6, "the score of image \(n)",
                hint: "the mean over the D pixels of the squared difference (not the sum, not its root).")
        }
    }

    func test_9_2_hidden_matchesTheDefinitionOnRectangularImages() {
        var rng = SeededGenerator(seed: 92)
        for (h, w, p) in [(4, 6, 3), (6, 3, 2), (3, 3, 3), (5, 4, 1)] {
            let x = Tensor.randomUniform([3, h * w], using: &rng), y = Tensor.randomUniform([3, h * w], using: &rng)
            guard let got = graded({ try patchMaxErrors(images: x, reconstructions: y, height: h, width: w, patch: p) })
            else { return }
            let expected = Self.patchMax(x, y, h: h, w: w, p: p)
            expect(
                got.count == 3 && zip(got, expected).allSatisfy { abs(Double($0) - $1) <= 1e-5 },
                "\(h) × \(w) images, \(p) × \(p) windows: expected \(expected.map { Float($0) }), got \(got)",
                hint:
                    "pixel (y, x) is column y·W + x; windows span p rows and p columns; divide each window's sum by p²."
            )
        }
    }

    func test_9_3_hidden_matchesTheDefinitionOnManyTies() {
        var rng = SeededGenerator(seed: 93)
        for _ in 0..<5 {
            let n = 40
            let truth = (0..<n).map { $0 % 4 == 0 || rng.nextInt(below: 5) == 0 }
            // Scores on a coarse grid, so that many are tied, anomalies a little higher on average.
            let scores = truth.map { Float(rng.nextInt(below: 6) + ($0 ? 2 : 0)) / 10 }
            guard let got = graded({ try rocCurve(scores: scores, isAnomaly: truth) }) else { return }
            expectSameCurve(got, Self.definitionCurve(scores, truth), "40 images with scores on 8 levels")
        }
    }

    /// The pairwise (Mann–Whitney) definition.
    static func pairwiseAUC(_ scores: [Float], _ truth: [Bool]) -> Double {
        let a = zip(scores, truth).filter { $0.1 }.map(\.0), b = zip(scores, truth).filter { !$0.1 }.map(\.0)
        var total = 0.0
        for s in a { for t in b { total += s > t ? 1 : s == t ? 0.5 : 0 } }
        return total / Double(a.count * b.count)
    }

    func test_9_4_hidden_matchesThePairwiseDefinition() {
        var rng = SeededGenerator(seed: 94)
        for size in [30, 200] {
            let truth = (0..<size).map { $0 % 3 == 0 || rng.nextInt(below: 4) == 0 }
            let scores = truth.map { Float(rng.nextInt(below: 10) + ($0 ? 3 : 0)) / 7 }
            guard let got = graded({ try rocAUC(scores: scores, isAnomaly: truth) }) else { return }
            expectClose(
                got, Self.pairwiseAUC(scores, truth), tolerance: 1e-6, "AUC of \(size) scores on 13 levels, many tied",
                hint: "count every (anomaly, normal) pair: 1 when the anomaly scores higher, ½ when tied.")
        }
    }

    func test_9_7_hidden_residualOfTheProjection() {
        var rng = SeededGenerator(seed: 97)
        let d = 5
        // Two orthonormal directions and a mean that is not zero.
        let basis = orthonormalizedColumns(Tensor.randomNormal([d, 2], using: &rng))
        let mean = Tensor([0.5, -0.2, 0.1, 0.3, 0.8]), x = Tensor.randomNormal([4, d], using: &rng)
        guard let got = graded({ try pcaReconstructionErrors(images: x, mean: mean, components: basis) }) else {
            return
        }
        let v = Self.rows(basis.transposed)
        let expected = Self.rows(x).map { row -> Double in
            let centred = (0..<d).map { row[$0] - Double(mean[$0]) }
            var projection = [Double](repeating: 0, count: d)
            for u in v {
                let c = zip(centred, u).reduce(0.0) { $0 + $1.0 * $1.1 }
                for j in 0..<d { projection[j] += c * u[j] }
            }
            return Self.meanSquared(centred, projection)
        }
        expect(
            got.count == 4 && zip(got, expected).allSatisfy { abs(Double($0) - $1) <= 1e-5 },
            "PCA error of 4 images with 2 components and a non-zero mean: expected \(expected.map { Float($0) }), got \(got)",
            hint:
                "centre with μ, project onto the columns of V and back (V Vᵀ), compare with the centred image; mean over D."
        )
    }
}
