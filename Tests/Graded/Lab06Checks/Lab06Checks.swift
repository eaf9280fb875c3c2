// Graded checks for Lab 06 (clustering): D² sampling checked statistically with fixed seeds,
// known small examples, empty clusters, and properties of Lloyd's algorithm — never Solutions/.
import Foundation
import LabKit
import LabTesting
import func Lab06Exercises.kMeansPlusPlusInit
import func Lab06Exercises.assignClusters
import func Lab06Exercises.updateCentroids
import func Lab06Exercises.kMeans
import func Lab06Exercises.clusteringAccuracy
import func Lab06Exercises.normalizedMutualInformation
import func Lab06Exercises.purity
import XCTest

final class Lab06Checks: GradedTestCase {
    /// Three well-separated 2-D blobs of 30 points around (0, 0), (10, 0), (0, 10).
    static func blobs(seed: UInt64 = 1) -> (Tensor, [Int]) {
        var rng = SeededGenerator(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for (c, centre) in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)].enumerated() {
            for _ in 0..<30 {
                values += [Float(centre.0) + rng.nextNormal() * 0.5, Float(centre.1) + rng.nextNormal() * 0.5]
                labels.append(c)
            }
        }
        return (Tensor(shape: [90, 2], scalars: values), labels)
    }

    // MARK: Exercise 6.1

    func test_6_1_secondCentreIsDrawnByDSquaredNotUniformly() {
        // 99 points near 0 and one point at 100. D² sampling picks the far point as the second
        // centre almost surely; uniform sampling would pick it about 1 % of the time.
        var values = (0..<99).map { Float($0) * 1e-3 }
        values.append(100)
        let x = Tensor(shape: [100, 1], scalars: values)
        var covered = 0
        for seed in 0..<200 {
            var rng = SeededGenerator(seed: UInt64(seed))
            guard let centres = graded({ try kMeansPlusPlusInit(x, k: 2, using: &rng) }) else { return }
            if centres.scalars.contains(100) && centres.scalars.contains(where: { $0 < 1 }) { covered += 1 }
        }
        expect(covered >= 190, "with D² sampling both groups should get a centre in nearly every run; it happened in \(covered)/200 runs",
               hint: "choose each next centre with probability proportional to its squared distance to the nearest chosen centre, not uniformly.")
    }

    func test_6_1_centresAreDistinctDataPointsAndReproducible() {
        let (x, _) = Self.blobs()
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        guard let centres = graded({ try kMeansPlusPlusInit(x, k: 3, using: &a) }),
              let again = graded({ try kMeansPlusPlusInit(x, k: 3, using: &b) }) else { return }
        guard centres.shape == [3, 2] else { return XCTFail("expected [k, d] = [3, 2] centres, got \(centres.shape)") }
        let rows = Set(x.arrayRows.map { $0.description })
        expect(centres.arrayRows.allSatisfy { rows.contains($0.description) }, "every centre must be one of the data points",
               hint: "k-means++ picks points of x (x.gatherRows(indices)).")
        expect(Set(centres.arrayRows.map { $0.description }).count == 3, "the 3 centres should be distinct points",
               hint: "a point already chosen has D = 0, so it cannot be drawn again.")
        expect(centres == again, "the same seed should give the same centres", hint: "draw only from the generator passed in.")
    }

    // MARK: Exercise 6.2

    func test_6_2_pointsGoToTheNearestCentroid() {
        let x = Tensor([[0, 0], [9, 1], [1, 8], [6, 5]])
        let centroids = Tensor([[10, 0], [0, 10], [0, 0]])
        guard let assignments = graded({ try assignClusters(x, centroids: centroids) }) else { return }
        expect(assignments == [2, 0, 1, 0], "expected assignments [2, 0, 1, 0], got \(assignments)",
               hint: "argmin of the squared distance (the nearest centroid), not argmax: (6, 5) is at squared distance 41 from (10, 0) and 61 from the others.")
    }

    // MARK: Exercise 6.3

    func test_6_3_centroidsAreMeansOfTheirPoints() {
        let x = Tensor([[0, 0], [2, 2], [10, 10], [12, 14]])
        guard let c = graded({ try updateCentroids(x, assignments: [0, 0, 1, 1], previous: .zeros([2, 2])) }) else { return }
        expectClose(c, Tensor([[1, 1], [11, 12]]), tolerance: 1e-5, "centroids of two clusters", hint: "each centroid is the mean of its assigned points.")
    }

    func test_6_3_anEmptyClusterKeepsItsCentroidAndNothingIsNaN() {
        let x = Tensor([[0, 0], [2, 2]])
        let previous = Tensor([[5, 5], [7, 7], [-3, 4]])
        guard let c = graded({ try updateCentroids(x, assignments: [0, 0], previous: previous) }) else { return }
        expect(c.isFinite, "an empty cluster produced a non-finite centroid: \(c.scalars)", hint: "a cluster with no points has no mean: don't divide by 0.")
        expectClose(c, Tensor([[1, 1], [7, 7], [-3, 4]]), tolerance: 1e-5, "centroids with two empty clusters",
                    hint: "the rule for an empty cluster: keep its previous centroid.")
    }

    // MARK: Exercise 6.4

    func test_6_4_inertiaNeverIncreasesAndTheLoopConverges() {
        var rng = SeededGenerator(seed: 9)
        let x = Tensor.randomNormal([300, 2], using: &rng)     // no clear clusters: many iterations
        guard let fit = graded({ try kMeans(x, k: 6, maxIterations: 200, using: &rng) }) else { return }
        expect(!fit.inertia.isEmpty, "the inertia history is empty", hint: "record Σ‖x − c‖² after each assignment step.")
        for (i, (a, b)) in zip(fit.inertia, fit.inertia.dropFirst()).enumerated() where b > a * (1 + 1e-6) {
            return XCTFail("the inertia increased at iteration \(i + 1): \(a) → \(b). Hint: alternate assign (nearest centroid) and update (means); both steps can only lower the inertia.")
        }
        expect(fit.inertia.count < 200, "k-means did not stop before 200 iterations on 300 points",
               hint: "stop when the assignments no longer change, and update the assignments each iteration.")
        var recomputed = 0.0
        for (i, c) in fit.assignments.enumerated() { for j in 0..<2 { recomputed += Double((x[i, j] - fit.centroids[c, j]) * (x[i, j] - fit.centroids[c, j])) } }
        expectClose(fit.inertia.last ?? .nan, recomputed, tolerance: 1e-3 * recomputed, "the last inertia against the returned centroids and assignments",
                    hint: "the history should end with the inertia of the returned solution.")
    }

    func test_6_4_separatedBlobsAreFoundExactly() {
        let (x, labels) = Self.blobs()
        var rng = SeededGenerator(seed: 2)
        guard let fit = graded({ try kMeans(x, k: 3, maxIterations: 50, using: &rng) }) else { return }
        // The same partition up to renaming: points of one blob share one cluster.
        let groups = Dictionary(grouping: zip(labels, fit.assignments), by: \.0).mapValues { Set($0.map(\.1)) }
        expect(groups.values.allSatisfy { $0.count == 1 } && Set(groups.values.map(\.first!)).count == 3,
               "three well-separated blobs should become three clusters, got assignments \(fit.assignments)",
               hint: "seed with k-means++ (6.1), then iterate assignment (6.2) and update (6.3).")
    }

    // MARK: Exercise 6.5

    func test_6_5_accuracyUsesTheBestMatching() {
        guard let renamed = graded({ try clusteringAccuracy(clusters: [2, 2, 0, 0, 1, 1], labels: [0, 0, 1, 1, 2, 2]) }),
              let partial = graded({ try clusteringAccuracy(clusters: [0, 0, 0, 1, 1, 1, 2, 2], labels: [1, 1, 0, 1, 1, 2, 0, 2]) }) else { return }
        expectClose(renamed, 1, tolerance: 1e-9, "accuracy of a perfect clustering with renamed clusters",
                    hint: "clusters have no names: match each cluster to one class with minimumCostAssignment before counting.")
        // Clusters hold classes {1, 1, 0}, {1, 1, 2}, {0, 2}. One-to-one, only one cluster can take
        // class 1: the best matching scores 2 + 1 + 1 = 4 of 8 (a majority vote would say 5 of 8).
        expectClose(partial, 4.0 / 8, tolerance: 1e-9, "accuracy of a partial clustering",
                    hint: "the matching is one-to-one: two clusters cannot both map to the same class.")
    }

    // MARK: Exercise 6.6

    func test_6_6_nmiOfKnownPartitions() {
        guard let perfect = graded({ try normalizedMutualInformation(clusters: [1, 1, 0, 0, 2, 2], labels: [0, 0, 1, 1, 2, 2]) }),
              let independent = graded({ try normalizedMutualInformation(clusters: [0, 1, 0, 1], labels: [0, 0, 1, 1]) }),
              let known = graded({ try normalizedMutualInformation(clusters: [0, 0, 0, 0, 1, 1], labels: [0, 0, 1, 1, 1, 1]) }) else { return }
        expectClose(perfect, 1, tolerance: 1e-9, "NMI of identical partitions", hint: "I(U; U) = H(U), so NMI = 1.")
        expectClose(independent, 0, tolerance: 1e-9, "NMI of independent partitions", hint: "p(u, v) = p(u)p(v) gives I = 0.")
        // Clusters (4, 2), classes (2, 4), joint {(0,0): 2, (0,1): 2, (1,1): 2}.
        let p = [2.0, 2, 2].map { $0 / 6 }
        let information = p[0] * log(p[0] / (4.0 / 6 * 2.0 / 6)) + p[1] * log(p[1] / (4.0 / 6 * 4.0 / 6)) + p[2] * log(p[2] / (2.0 / 6 * 4.0 / 6))
        let h = -(4.0 / 6 * log(4.0 / 6) + 2.0 / 6 * log(2.0 / 6))
        let unequal = graded({ try normalizedMutualInformation(clusters: [0, 0, 0, 1, 1, 2], labels: [0, 0, 1, 1, 1, 1]) })
        expectClose(known, information / h, tolerance: 1e-9, "NMI of a known pair of partitions",
                    hint: "I(U; V) / ((H(U) + H(V)) / 2) with probabilities from counts.")
        if let unequal {
            // H(U) ≠ H(V) here, so the arithmetic mean differs from the geometric mean or the max.
            let pu = [3.0, 2, 1].map { $0 / 6 }, pv = [2.0, 4].map { $0 / 6 }
            let joint: [((Int, Int), Double)] = [((0, 0), 2), ((0, 1), 1), ((1, 1), 2), ((2, 1), 1)].map { ($0.0, $0.1 / 6) }
            let i = joint.reduce(0.0) { $0 + $1.1 * log($1.1 / (pu[$1.0.0] * pv[$1.0.1])) }
            let hu = -pu.reduce(0.0) { $0 + $1 * log($1) }, hv = -pv.reduce(0.0) { $0 + $1 * log($1) }
            expectClose(unequal, i / ((hu + hv) / 2), tolerance: 1e-9, "NMI when the entropies differ",
                        hint: "normalise by the arithmetic mean (H(U) + H(V)) / 2, not √(H(U)H(V)) or max(H(U), H(V)).")
        }
    }

    // MARK: Exercise 6.7

    func test_6_7_purityCountsEachClustersMajorityClass() {
        // Clusters hold classes {1, 1, 0}, {1, 1, 2}, {0, 2}: majorities 2 + 2 + 1 = 5 of 8, although
        // a one-to-one matching could only reach 4.
        guard let value = graded({ try purity(clusters: [0, 0, 0, 1, 1, 1, 2, 2], labels: [1, 1, 0, 1, 1, 2, 0, 2]) }) else { return }
        expectClose(value, 5.0 / 8, tolerance: 1e-9, "purity of a known clustering",
                    hint: "each cluster counts its own most common class; two clusters may share a class (no matching).")
    }
}
