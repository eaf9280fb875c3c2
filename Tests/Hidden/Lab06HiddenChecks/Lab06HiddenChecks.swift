// Hidden checks for Lab 06: kept out of the student release (swift run release), run by the
// instructor's grader and the Gradescope bundle. The assignment step and the k-means loop against
// brute-force nearest centroids and cluster means computed here in double precision.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.assignClusters
import func ExerciseCalls.kMeans

final class Lab06HiddenChecks: GradedTestCase {
    /// Σₙ ‖xₙ − c_{a(n)}‖², the nearest centroid of every point, and the mean of every cluster, in Double.
    /// `misassigned` lists the points whose centroid is farther than their nearest one by more
    /// than Float32 rounding (a relative 1e-4), so a near-tie decided either way is accepted.
    static func lloydState(_ x: Tensor, _ centroids: Tensor, _ assignments: [Int]) -> (
        inertia: Double, misassigned: [Int], means: [[Double]?]
    ) {
        let (n, d, k) = (x.rowCount, x.columnCount, centroids.rowCount)
        func distance(_ i: Int, _ c: Int) -> Double {
            (0..<d).reduce(0.0) { $0 + Double(x[i, $1] - centroids[c, $1]) * Double(x[i, $1] - centroids[c, $1]) }
        }
        let inertia = (0..<n).reduce(0.0) { $0 + distance($1, assignments[$1]) }
        let misassigned = (0..<n).filter { i in
            let best = (0..<k).map { distance(i, $0) }.min()!
            return distance(i, assignments[i]) > best + 1e-4 * Swift.max(best, 1e-3)
        }
        let means: [[Double]?] = (0..<k).map { c in
            let members = (0..<n).filter { assignments[$0] == c }
            return members.isEmpty
                ? nil : (0..<d).map { j in members.reduce(0.0) { $0 + Double(x[$1, j]) } / Double(members.count) }
        }
        return (inertia, misassigned, means)
    }

    func test_6_2_hidden_manyPointsAgainstBruteForce() {
        // N = 50, d = 3, k = 7 with centroids of different norms: the expansion ‖x‖² − 2x·c + ‖c‖²
        // must keep every term it needs.
        var rng = SeededGenerator(seed: 64)
        let x = Tensor.randomNormal([50, 3], standardDeviation: 3, using: &rng)
        let centroids = Tensor.randomNormal([7, 3], standardDeviation: 3, using: &rng) + Tensor([1, -2, 0.5])
        guard let assignments = graded({ try assignClusters(x, centroids: centroids) }) else { return }
        guard assignments.count == 50 else {
            return XCTFail("expected 50 indices (one per point), got \(assignments.count)")
        }
        func distance(_ n: Int, _ c: Int) -> Double {
            (0..<3).reduce(0.0) { $0 + Double(x[n, $1] - centroids[c, $1]) * Double(x[n, $1] - centroids[c, $1]) }
        }
        let expected = (0..<50).map { n in (0..<7).min { distance(n, $0) < distance(n, $1) }! }
        // A near-tie (within Float32 rounding) may go either way.
        let wrong = (0..<50).filter { n in
            !(0..<7).contains(assignments[n])
                || distance(n, assignments[n]) > distance(n, expected[n]) * (1 + 1e-4) + 1e-6
        }
        expect(
            wrong.isEmpty,
            "\(wrong.count) of 50 points are not assigned to their nearest centroid, e.g. point \(wrong.first ?? 0): got \(wrong.first.map { assignments[$0] } ?? 0), nearest is \(wrong.first.map { expected[$0] } ?? 0)",
            hint: "argminⱼ ‖x − cⱼ‖²; with the expansion ‖c‖² − 2x·c, keep both the ‖c‖² term and the factor 2.")
    }

    func test_6_4_hidden_theResultIsAFixedPointOfLloydsSteps() {
        var rng = SeededGenerator(seed: 65)
        let x = Tensor.randomNormal([240, 3], using: &rng)
        guard let fit = graded({ try kMeans(x, k: 7, maxIterations: 300, using: &rng) }) else { return }
        guard fit.centroids.shape == [7, 3], fit.assignments.count == 240,
            fit.assignments.allSatisfy({ (0..<7).contains($0) })
        else {
            return XCTFail(
                "expected [7, 3] centroids and 240 assignments in 0..<7, got \(fit.centroids.shape) and \(fit.assignments.count)"
            )
        }
        let state = Self.lloydState(x, fit.centroids, fit.assignments)
        expect(
            fit.inertia.count <= 301, "the history has \(fit.inertia.count) entries for at most 300 iterations",
            hint: "record one inertia per assignment step: the first assignment and one after each update.")
        expect(
            state.misassigned.isEmpty,
            "after convergence every point should be assigned to its nearest returned centroid; \(state.misassigned.count) are not",
            hint:
                "after the last update, assign again: return the assignments that go with the returned centroids, and stop only when they no longer change."
        )
        for (c, mean) in state.means.enumerated() {
            guard let mean else { continue }
            let error = (0..<3).map { Swift.abs(Double(fit.centroids[c, $0]) - mean[$0]) }.max()!
            if error > 1e-4 {
                return XCTFail(
                    "returned centroid \(c) is not the mean of its points (off by \(error)).\nHint: return the centroids from the last update step, not the seeds or an earlier set."
                )
            }
        }
        expectClose(
            fit.inertia.last ?? .nan, state.inertia, tolerance: 1e-4 * state.inertia,
            "the last inertia against the returned centroids and assignments",
            hint: "the history ends with the inertia of the solution you return.")
    }

    func test_6_4_hidden_oneIterationRecordsTwoAssignmentSteps() {
        // maxIterations = 1: assign, update, assign again — two inertia values, and the
        // returned assignments go with the returned (updated) centroids.
        var rng = SeededGenerator(seed: 66)
        let x = Tensor.randomNormal([300, 2], using: &rng)
        guard let fit = graded({ try kMeans(x, k: 8, maxIterations: 1, using: &rng) }) else { return }
        guard fit.centroids.shape == [8, 2], fit.assignments.count == 300 else {
            return XCTFail(
                "expected [8, 2] centroids and 300 assignments, got \(fit.centroids.shape) and \(fit.assignments.count)"
            )
        }
        let state = Self.lloydState(x, fit.centroids, fit.assignments)
        expect(
            fit.inertia.count == 2,
            "with maxIterations = 1 the history should hold 2 values (after the first assignment and after the one update's assignment), got \(fit.inertia.count)",
            hint: "record the inertia after every assignment step, including the last one.")
        expect(
            state.misassigned.isEmpty,
            "\(state.misassigned.count) returned assignments are not to the nearest returned centroid",
            hint: "every update is followed by an assignment step, also the last one.")
        expectClose(
            fit.inertia.last ?? .nan, state.inertia, tolerance: 1e-4 * state.inertia,
            "the last inertia against the returned solution",
            hint: "the history ends with the inertia of the solution you return.")
        if fit.inertia.count == 2 {
            expect(
                fit.inertia[1] <= fit.inertia[0] * (1 + 1e-6),
                "the inertia rose from \(fit.inertia[0]) to \(fit.inertia[1])",
                hint: "assign to the nearest centroid; update to the means.")
        }
    }

    /// The history entry by entry: entry t is the inertia of the centroids after t updates with
    /// the assignments made to them. Runs with the same seed and maxIterations = 0, 1, …, 4 return
    /// the state after each of those steps, so every entry is checked against a state the check
    /// itself scores (a sequence that is only non-increasing and ends right is not enough).
    func test_6_4_hidden_eachEntryOfTheHistoryIsTheInertiaAfterThatAssignmentStep() {
        var data = SeededGenerator(seed: 67)
        let x = Tensor.randomNormal([200, 2], using: &data)  // no clusters: Lloyd's takes many steps
        var runs: [(centroids: Tensor, assignments: [Int], inertia: [Double])] = []
        for t in 0...4 {
            var g = SeededGenerator(seed: 670)
            guard let fit = graded({ try kMeans(x, k: 6, maxIterations: t, using: &g) }) else { return }
            guard fit.centroids.shape == [6, 2], fit.assignments.count == 200,
                fit.assignments.allSatisfy({ (0..<6).contains($0) })
            else {
                return XCTFail(
                    "expected [6, 2] centroids and 200 assignments in 0..<6, got \(fit.centroids.shape) and \(fit.assignments.count)"
                )
            }
            runs.append(fit)
        }
        let longest = runs[4].inertia
        expect(
            (1...5).contains(longest.count),
            "maxIterations = 4 should record at most 5 inertias (after the seeding's assignment and after each of up to 4 updates), got \(longest.count)",
            hint: "record the inertia after every assignment step: once after seeding, once after each update.")
        for (t, run) in runs.enumerated() {
            let shared = Swift.min(run.inertia.count, longest.count)
            for j in 0..<shared where !(Swift.abs(run.inertia[j] - longest[j]) <= 1e-4 * Swift.max(longest[j], 1e-9)) {
                return XCTFail(
                    "with the same seed, entry \(j) of the history is \(run.inertia[j]) with maxIterations = \(t) but \(longest[j]) with maxIterations = 4.\nHint: the history's first entries must not depend on how many iterations follow."
                )
            }
        }
        for t in 0..<Swift.min(longest.count, runs.count) {
            let state = Self.lloydState(x, runs[t].centroids, runs[t].assignments)
            expectClose(
                longest[t], state.inertia, tolerance: 1e-4 * Swift.max(state.inertia, 1e-9),
                "history entry \(t): the inertia of the centroids after \(t) update\(t == 1 ? "" : "s") with the assignments to them "
                    + "(the state kMeans returns with maxIterations = \(t), same seed)",
                hint: t == 0
                    ? "the first entry is the inertia of the k-means++ seeds with every point assigned to its nearest seed."
                    : "record the inertia after each assignment step — the new assignments to the updated centroids — not after the update."
            )
        }
    }
}
