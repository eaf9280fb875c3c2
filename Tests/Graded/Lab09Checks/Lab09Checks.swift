// Graded checks for Lab 09 (anomaly detection): scores against values worked out beforehand
// (never against a reference implementation), on rectangular images with a defect placed between
// any tiling's seams; the ROC curve and AUC against hand-worked cases with ties; the threshold
// and precision/recall/F1 against known answers; PCA's error for a known basis. The hidden
// checks compare with the definitions on random inputs full of ties. Tolerances allow Float arithmetic inside
// (1e-6), far below what one mishandled tie changes (≥ 5e-5 here).
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.anomalyThreshold
import func ExerciseCalls.patchMaxErrors
import func ExerciseCalls.pcaReconstructionErrors
import func ExerciseCalls.precisionRecallF1
import func ExerciseCalls.reconstructionErrors
import func ExerciseCalls.rocAUC
import func ExerciseCalls.rocCurve

final class Lab09Checks: GradedTestCase {
    // MARK: Exercise 9.1

    func test_9_1_meanSquaredErrorPerImage() {
        let x = Tensor([
            [0.1, 0.9, 0.4, 0.0, 0.7, 0.3], [1.0, 0.2, 0.3, 0.8, 0.5, 0.6], [0.0, 0.0, 1.0, 1.0, 0.25, 0.75],
            [0.6, 0.4, 0.2, 0.9, 0.1, 0.35],
        ])
        let y = Tensor([
            [0.2, 0.7, 0.4, 0.1, 0.9, 0.3], [0.5, 0.2, 0.6, 0.8, 0.1, 0.6], [0.0, 0.5, 1.0, 0.0, 0.25, 0.5],
            [0.6, 0.4, 0.2, 0.9, 0.1, 0.35],
        ])
        guard let got = graded({ try reconstructionErrors(images: x, reconstructions: y) }) else { return }
        // Worked out beforehand in double precision; the last image is reconstructed exactly.
        let expected = [0.016666665176550594, 0.0833333343267441, 0.21875, 0]
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

    // MARK: Exercise 9.2

    func test_9_2_aSmallDefectBetweenTheSeams() {
        // A 5 × 7 image, 2 × 2 windows: one bright 2 × 2 defect at rows 1–2, columns 3–4 — across the
        // seams of a tiling by 2 × 2 tiles in both directions — and faint noise elsewhere.
        let (h, w) = (5, 7)
        var x = Tensor.zeros([2, h * w]), y = Tensor.zeros([2, h * w])
        for k in 0..<(h * w) { x[0, k] = 0.01 * Float(k % 3); x[1, k] = 0.02 * Float(k % 5) }
        for (i, j) in [(1, 3), (1, 4), (2, 3), (2, 4)] { y[0, i * w + j] = 1 }
        y[1, 4 * w + 6] = 0.9  // the bottom-right corner of image 1
        guard let got = graded({ try patchMaxErrors(images: x, reconstructions: y, height: h, width: w, patch: 2) })
        else { return }
        let expected = [0.9752250005487353, 0.16949999089539064]  // worked out beforehand in double precision
        expect(got.count == 2, "2 images: expected 2 scores, got \(got.count)", hint: "one score per image.")
        guard got.count == 2 else { return }
        for n in 0..<2 {
            expectClose(
                Double(got[n]), expected[n], tolerance: 1e-5,
                "the patch-max error of image \(n) (5 × 7, 2 × 2 windows; the defect in image \(n == 0 ? "straddles the tile seams" : "is in the last corner"))",
                hint:
                    "slide the window by one pixel to every position where it fits — up to row H − p and column W − p "
                    + "inclusive — and take the largest window mean of the squared differences.")
        }
    }

    // MARK: Exercise 9.3

    typealias Point = (falsePositiveRate: Double, truePositiveRate: Double)

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

    func test_9_3_handWorkedCurveWithATie() {
        let scores: [Float] = [0.1, 0.8, 0.9, 0.3, 0.8], truth = [false, true, true, false, false]
        guard let got = graded({ try rocCurve(scores: scores, isAnomaly: truth) }) else { return }
        expectSameCurve(
            got, [(0, 0), (0, 0.5), (1.0 / 3, 1), (2.0 / 3, 1), (1, 1)],
            "scores [0.1, 0.8, 0.9, 0.3, 0.8] with anomalies at 0.8 and 0.9")
    }

    // MARK: Exercise 9.4

    func test_9_4_knownAreas() {
        let cases: [([Float], [Bool], Double, String)] = [
            (
                [0.9, 0.8, 0.8, 0.3, 0.1], [true, false, true, false, false], 5.5 / 6,
                "one tie between an anomaly and a normal"
            ),
            ([1, 2, 3, 4], [false, false, true, true], 1, "a perfect ranking"),
            ([1, 2, 3, 4], [true, true, false, false], 0, "a reversed ranking"),
            ([0.5, 0.5, 0.5, 0.5, 0.5], [true, false, false, true, false], 0.5, "all scores equal"),
        ]
        for (scores, truth, expected, what) in cases {
            guard let got = graded({ try rocAUC(scores: scores, isAnomaly: truth) }) else { return }
            expectClose(
                got, expected, tolerance: 1e-6,
                "AUC with \(what) (scores \(scores), anomalies \(truth.map { $0 ? 1 : 0 }))",
                hint: "the probability that an anomaly outscores a normal image, ties counting ½ — the trapezoids "
                    + "under the exact curve, not rectangles.")
        }
    }

    // MARK: Exercise 9.5

    func test_9_5_theKthSmallestScore() {
        let scores: [Float] = [0.7, 0.1, 0.5, 0.3, 0.9, 0.2, 0.8]  // sorted: 0.1 0.2 0.3 0.5 0.7 0.8 0.9
        for (q, expected) in [(0.9, Float(0.9)), (0.5, 0.5), (0.25, 0.2), (1.0, 0.9), (0.1, 0.1), (0.72, 0.8)] {
            guard let got = graded({ try anomalyThreshold(normalScores: scores, quantile: q) }) else { return }
            expect(
                got == expected,
                "the \(q) quantile of 7 normal scores \(scores): expected \(expected) (the ⌈\(q)·7⌉-th "
                    + "smallest), got \(got)",
                hint: "sort the scores and take the k-th smallest with k = ⌈q·n⌉, counting from 1 (index k − 1).")
        }
    }

    func test_9_5_whenQTimesNIsAWholeNumber() {
        // 0.5 · 8 and 0.25 · 8 are exact in binary: k = 4 and 2, not the next ones.
        let scores: [Float] = [0.6, 0.1, 0.8, 0.3, 0.2, 0.7, 0.5, 0.4]  // sorted: 0.1 … 0.8
        for (q, expected) in [(0.5, Float(0.4)), (0.25, 0.2), (0.75, 0.6)] {
            guard let got = graded({ try anomalyThreshold(normalScores: scores, quantile: q) }) else { return }
            expect(
                got == expected,
                "the \(q) quantile of 8 normal scores: expected \(expected) (the \(Int(q * 8))th smallest), "
                    + "got \(got)",
                hint: "k = ⌈q·n⌉ is q·n itself when that is a whole number; the k-th smallest is at index k − 1.")
        }
    }

    func test_9_5_aboutOneMinusQOfNormalScoresLieAbove() {
        var rng = SeededGenerator(seed: 95)
        let scores = (0..<999).map { _ in rng.nextUniform() }
        guard let t = graded({ try anomalyThreshold(normalScores: scores, quantile: 0.95) }) else { return }
        let above = scores.filter { $0 > t }.count
        expect(
            above == 999 - 950, "999 normal scores, q = 0.95: \(above) lie above the threshold, expected 49",
            hint: "k = ⌈0.95 · 999⌉ = 950: the 950th smallest leaves 49 above it.")
    }

    // MARK: Exercise 9.6

    func test_9_6_knownCounts() {
        // Flagged (> 0.5): scores 0.9, 0.8, 0.6, 0.7 → TP 2 (0.9, 0.6), FP 2 (0.8, 0.7); FN 1 (0.5 is not > 0.5).
        let scores: [Float] = [0.9, 0.8, 0.6, 0.5, 0.2, 0.7, 0.1],
            truth = [true, false, true, true, false, false, false]
        guard let got = graded({ try precisionRecallF1(scores: scores, isAnomaly: truth, threshold: 0.5) }) else {
            return
        }
        let (p, r) = (0.5, 2.0 / 3)
        expectClose(
            got.precision, p, tolerance: 1e-6, "precision",
            hint: "TP / (TP + FP) over the images with score > threshold.")
        expectClose(
            got.recall, r, tolerance: 1e-6, "recall",
            hint: "TP / (TP + FN): the share of anomalies flagged (score > threshold, strictly).")
        expectClose(
            got.f1, 2 * p * r / (p + r), tolerance: 1e-6, "F1",
            hint: "the harmonic mean 2PR/(P + R), not the arithmetic mean.")
    }

    func test_9_6_scoresAtTheThresholdOfBothKinds() {
        // A normal and an anomalous image exactly at the threshold: neither is flagged (> is strict).
        // Flagged: 0.9 only → TP 1, FP 0, FN 2 (0.4 and the anomaly at 0.4).
        let scores: [Float] = [0.4, 0.4, 0.9, 0.1, 0.4], truth = [false, true, true, false, true]
        guard let got = graded({ try precisionRecallF1(scores: scores, isAnomaly: truth, threshold: 0.4) }) else {
            return
        }
        let (p, r) = (1.0, 1.0 / 3)
        expectClose(
            got.precision, p, tolerance: 1e-6, "precision with a normal image at the threshold",
            hint: "an image is flagged when its score is > threshold (strictly), whichever kind it is.")
        expectClose(
            got.recall, r, tolerance: 1e-6, "recall with two anomalies at the threshold",
            hint: "an anomaly at the threshold is not flagged: it counts as a false negative.")
        expectClose(got.f1, 2 * p * r / (p + r), tolerance: 1e-6, "F1", hint: "2PR/(P + R).")
    }

    func test_9_6_nothingFlagged() {
        guard
            let got = graded({
                try precisionRecallF1(scores: [0.1, 0.2, 0.3], isAnomaly: [true, false, true], threshold: 0.5)
            })
        else { return }
        expect(
            got.precision == 0 && got.recall == 0 && got.f1 == 0,
            "no score above the threshold: expected precision, recall and F1 of 0, got \(got)",
            hint: "with nothing flagged precision is 0 by convention (not 0/0 = NaN), and so is F1.")
    }

    // MARK: Exercise 9.7

    func test_9_7_residualOfTheProjection() {
        // Two orthonormal directions, (1, 2, 2, 0, 0)/3 and (0, 0, 0, 3, 4)/5, and a mean that is not zero.
        let basis = Tensor([[1.0 / 3, 0], [2.0 / 3, 0], [2.0 / 3, 0], [0, 0.6], [0, 0.8]])
        let mean = Tensor([0.5, -0.2, 0.1, 0.3, 0.8])
        let x = Tensor([
            [1.2, -0.5, 0.3, 2.0, -1.1], [0.0, 0.4, -0.9, 0.6, 1.5], [-1.3, 0.8, 0.2, -0.4, 0.9],
            [0.7, 0.7, -0.7, 1.1, 0.0],
        ])
        guard let got = graded({ try pcaReconstructionErrors(images: x, mean: mean, components: basis) }) else {
            return
        }
        // Worked out beforehand in double precision.
        let expected = [1.3684444744984314, 0.29092444069904794, 0.92332441192272, 0.545324445424504]
        expect(
            got.count == 4 && zip(got, expected).allSatisfy { abs(Double($0) - $1) <= 1e-5 },
            "PCA error of 4 images with 2 components and a non-zero mean: expected \(expected.map { Float($0) }), got \(got)",
            hint:
                "centre with μ, project onto the columns of V and back (V Vᵀ), compare with the centred image; mean over D."
        )
    }
}
