// Graded checks for Lab 06 (clustering): D² sampling checked statistically with fixed seeds,
// known small examples, empty clusters, and properties of Lloyd's algorithm — never a reference
// implementation. The hidden checks score k-means's results against brute-force Lloyd's steps.
import Foundation
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.assignClusters
import func ExerciseCalls.clusteringAccuracy
import func ExerciseCalls.kMeans
import func ExerciseCalls.kMeansPlusPlusInit
import func ExerciseCalls.normalizedMutualInformation
import func ExerciseCalls.purity
import func ExerciseCalls.updateCentroids

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
        expect(
            covered >= 190,
            "with D² sampling both groups should get a centre in nearly every run; it happened in \(covered)/200 runs",
            hint:
                "choose each next centre with probability proportional to its squared distance to the nearest chosen centre, not uniformly."
        )
    }

    func test_6_1_centresAreDistinctDataPointsAndReproducible() {
        let (x, _) = Self.blobs()
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        guard let centres = graded({ try kMeansPlusPlusInit(x, k: 3, using: &a) }),
            let again = graded({ try kMeansPlusPlusInit(x, k: 3, using: &b) })
        else { return }
        guard centres.shape == [3, 2] else { return XCTFail("expected [k, d] = [3, 2] centres, got \(centres.shape)") }
        let rows = Set(x.arrayRows.map { $0.description })
        expect(
            centres.arrayRows.allSatisfy { rows.contains($0.description) },
            "every centre must be one of the data points",
            hint: "k-means++ picks points of x (x.gatherRows(indices)).")
        expect(
            Set(centres.arrayRows.map { $0.description }).count == 3, "the 3 centres should be distinct points",
            hint: "a point already chosen has D = 0, so it cannot be drawn again.")
        expect(
            centres == again, "the same seed should give the same centres",
            hint: "draw only from the generator passed in.")
    }

    /// The index of each returned centre among the rows of x (exact match), or nil.
    static func indices(of centres: Tensor, in x: Tensor) -> [Int]? {
        let rows = x.arrayRows
        var found: [Int] = []
        for c in centres.arrayRows {
            guard let i = rows.firstIndex(of: c) else { return nil }
            found.append(i)
        }
        return found
    }

    func test_6_1_theFirstCentreIsAUniformlyRandomPoint() {
        // k = 1 on 10 points, 4000 draws from one generator: χ² against the uniform distribution
        // (9 degrees of freedom, false-failure rate 1e-7).
        let x = Tensor((0..<10).map { [Float($0 * $0), Float(10 - $0)] })
        var rng = SeededGenerator(seed: 61)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<4000 {
            guard let centre = graded({ try kMeansPlusPlusInit(x, k: 1, using: &rng) }) else { return }
            guard centre.shape == [1, 2], let i = Self.indices(of: centre, in: x)?.first else {
                return XCTFail(
                    "k = 1 should return one row of x, [1, 2]; got \(centre.shape) \(centre.scalars).\nHint: the first centre is x[i] for a uniformly random i."
                )
            }
            counts[i] += 1
        }
        expectDistribution(
            counts, probabilities: Array(repeating: 0.1, count: 10), labels: (0..<10).map { "x[\($0)]" },
            "how often each of 10 points is the first centre",
            hint:
                "pick the first centre uniformly: generator.nextInt(below: n) — not always x[0], not the farthest point."
        )
    }

    func test_6_1_centresFollowExactDSquaredProbabilities() {
        // 5 points in the plane, k = 3, 20,000 seedings: every set of 3 centres has an exact
        // probability under D² sampling (uniform first, then ∝ the squared distance to the
        // nearest centre chosen so far). χ² with 9 degrees of freedom, false-failure rate 1e-7.
        let points: [[Double]] = [[0, 0], [1, 0], [0, 2], [3, 1], [4, 4]]
        let x = Tensor(points.map { $0.map(Float.init) })
        func d2(_ a: Int, _ b: Int) -> Double {
            (0..<2).reduce(0.0) { $0 + (points[a][$1] - points[b][$1]) * (points[a][$1] - points[b][$1]) }
        }
        var exact: [[Int]: Double] = [:]
        for a in 0..<5 {
            for b in 0..<5 where b != a {
                for c in 0..<5 where c != a && c != b {
                    let second = (0..<5).map { d2($0, a) }, third = (0..<5).map { Swift.min(d2($0, a), d2($0, b)) }
                    exact[[a, b, c].sorted(), default: 0] +=
                        0.2 * second[b] / second.reduce(0, +) * third[c] / third.reduce(0, +)
                }
            }
        }
        let triples = exact.keys.sorted { $0.lexicographicallyPrecedes($1) }
        var counts = [[Int]: Int]()
        var rng = SeededGenerator(seed: 62)
        for _ in 0..<20_000 {
            guard let centres = graded({ try kMeansPlusPlusInit(x, k: 3, using: &rng) }) else { return }
            guard centres.shape == [3, 2], let found = Self.indices(of: centres, in: x), Set(found).count == 3 else {
                return XCTFail(
                    "k = 3 should return 3 distinct rows of x, [3, 2]; got \(centres.shape) \(centres.scalars).\nHint: each centre is a data point, and a chosen point (D = 0) cannot be drawn again."
                )
            }
            counts[found.sorted(), default: 0] += 1
        }
        expectDistribution(
            triples.map { counts[$0] ?? 0 }, probabilities: triples.map { exact[$0]! }, labels: triples.map { "\($0)" },
            "how often each set of 3 centres is chosen from 5 points",
            hint:
                "draw each next centre with probability D(x)² / Σ D², where D(x) is the Euclidean distance to the nearest centre chosen so far (all of them, not only the last), squared — not D, not uniformly, not the farthest point."
        )
    }

    func test_6_1_randomnessComesFromTheCallersGenerator() {
        var data = SeededGenerator(seed: 63)
        let x = Tensor.randomNormal([1000, 3], using: &data)
        // 20 centres drawn by D² from 1000 points hold far more than 64 bits of choice (the first
        // alone ≈ 10 bits, each next several more), so they need at least 2 draws of 64 bits: an
        // exercise that draws from a copy and moves the caller's generator once fails.
        expectRandomnessContract("kMeansPlusPlusInit", minimumDraws: 2) { g in
            try kMeansPlusPlusInit(x, k: 20, using: &g)
        }
    }

    // MARK: Exercise 6.2

    func test_6_2_pointsGoToTheNearestCentroid() {
        let x = Tensor([[0, 0], [9, 1], [1, 8], [6, 5]])
        let centroids = Tensor([[10, 0], [0, 10], [0, 0]])
        guard let assignments = graded({ try assignClusters(x, centroids: centroids) }) else { return }
        expect(
            assignments == [2, 0, 1, 0], "expected assignments [2, 0, 1, 0], got \(assignments)",
            hint:
                "argmin of the squared distance (the nearest centroid), not argmax: (6, 5) is at squared distance 41 from (10, 0) and 61 from the others."
        )
    }

    func test_6_2_euclideanNotCityBlockOrMaximumDistance() {
        // (0, 0): squared distance 18 to (3, 3) but 20.25 to (0, 4.5) — the L1 distance says the opposite.
        // (10, 10): squared distance 6.25 to (12.5, 10) but 7.22 to (11.9, 11.9) — the L∞ distance says the opposite.
        let x = Tensor([[0, 0], [10, 10]])
        let centroids = Tensor([[0, 4.5], [3, 3], [11.9, 11.9], [12.5, 10]])
        guard let assignments = graded({ try assignClusters(x, centroids: centroids) }) else { return }
        expect(
            assignments == [1, 3], "expected assignments [1, 3], got \(assignments)",
            hint: "compare squared Euclidean distances Σᵢ (xᵢ − cᵢ)², not Σ|xᵢ − cᵢ| or max|xᵢ − cᵢ|.")
    }

    // MARK: Exercise 6.3

    func test_6_3_centroidsAreMeansOfTheirPoints() {
        let x = Tensor([[0, 0], [2, 2], [10, 10], [12, 14]])
        guard let c = graded({ try updateCentroids(x, assignments: [0, 0, 1, 1], previous: .zeros([2, 2])) }) else {
            return
        }
        expectClose(
            c, Tensor([[1, 1], [11, 12]]), tolerance: 1e-5, "centroids of two clusters",
            hint: "each centroid is the mean of its assigned points.")
    }

    func test_6_3_anEmptyClusterKeepsItsCentroidAndNothingIsNaN() {
        let x = Tensor([[0, 0], [2, 2]])
        let previous = Tensor([[5, 5], [7, 7], [-3, 4]])
        guard let c = graded({ try updateCentroids(x, assignments: [0, 0], previous: previous) }) else { return }
        expect(
            c.isFinite, "an empty cluster produced a non-finite centroid: \(c.scalars)",
            hint: "a cluster with no points has no mean: don't divide by 0.")
        expectClose(
            c, Tensor([[1, 1], [7, 7], [-3, 4]]), tolerance: 1e-5, "centroids with two empty clusters",
            hint: "the rule for an empty cluster: keep its previous centroid.")
    }

    func test_6_3_oneMemberClustersAndScatteredAssignments() {
        // N = 7, d = 3, k = 4: cluster 3 has one point, cluster 1 none, and the members are interleaved.
        let x = Tensor([[1, 2, 3], [9, 9, 9], [3, 2, 1], [0, 0, 6], [5, -1, 2], [2, 2, 2], [-4, 4, 0]])
        let previous = Tensor([[0, 0, 0], [100, 100, 100], [1, 1, 1], [50, 50, 50]])
        guard let c = graded({ try updateCentroids(x, assignments: [0, 3, 0, 2, 2, 0, 2], previous: previous) }) else {
            return
        }
        expectClose(
            c, Tensor([[2, 2, 2], [100, 100, 100], [1 / 3, 1, 8 / 3], [9, 9, 9]]), tolerance: 1e-5,
            "centroids for clusters of 3, 0, 3 and 1 points",
            hint:
                "every cluster with at least one point moves to the mean of its points (a single point is its own mean); only an empty cluster keeps its previous centroid."
        )
    }

    // MARK: Exercise 6.4

    func test_6_4_inertiaNeverIncreasesAndTheLoopConverges() {
        var rng = SeededGenerator(seed: 9)
        let x = Tensor.randomNormal([300, 2], using: &rng)  // no clear clusters: many iterations
        guard let fit = graded({ try kMeans(x, k: 6, maxIterations: 200, using: &rng) }) else { return }
        expect(
            !fit.inertia.isEmpty, "the inertia history is empty", hint: "record Σ‖x − c‖² after each assignment step.")
        for (i, (a, b)) in zip(fit.inertia, fit.inertia.dropFirst()).enumerated() where b > a * (1 + 1e-6) {
            return XCTFail(
                "the inertia increased at iteration \(i + 1): \(a) → \(b). Hint: alternate assign (nearest centroid) and update (means); both steps can only lower the inertia."
            )
        }
        expect(
            fit.inertia.count < 200, "k-means did not stop before 200 iterations on 300 points",
            hint: "stop when the assignments no longer change, and update the assignments each iteration.")
        var recomputed = 0.0
        for (i, c) in fit.assignments.enumerated() {
            for j in 0..<2 { recomputed += Double((x[i, j] - fit.centroids[c, j]) * (x[i, j] - fit.centroids[c, j])) }
        }
        expectClose(
            fit.inertia.last ?? .nan, recomputed, tolerance: 1e-3 * recomputed,
            "the last inertia against the returned centroids and assignments",
            hint: "the history should end with the inertia of the returned solution.")
    }

    /// Four tight blobs at the corners of a 1 × 1.05 rectangle, k = 2: pairing the blobs side by
    /// side or one above the other are both fixed points of Lloyd's steps, and which one k-means
    /// reaches — and in which order its centroids come — depends on the centres k-means++ draws.
    func test_6_4_randomnessComesFromTheCallersGenerator() {
        var data = SeededGenerator(seed: 66)
        let corners: [[Float]] = [[0, 0], [1, 0], [0, 1.05], [1, 1.05]]
        let x = Tensor(
            shape: [80, 2],
            scalars: (0..<80).flatMap { i in
                corners[i % 4].map { $0 + 0.01 * Float.random(in: -1...1, using: &data) }
            })
        // A correct answer repeats its result for another seed with probability well under ½, so
        // 30 tries leave less than 1e-9 of a false failure.
        expectRandomnessContract(
            "kMeans with k = 2 on four blobs",
            hint: "seed with kMeansPlusPlusInit (6.1) using the generator passed in.",
            variety: 30
        ) { g in try kMeans(x, k: 2, maxIterations: 50, using: &g).centroids }
        // Seeding 20 centres from 1000 points needs at least 2 draws (see 6.1): the caller's
        // generator must advance by them, not by one number while a copy does the drawing.
        var more = SeededGenerator(seed: 68)
        let cloud = Tensor.randomNormal([1000, 3], using: &more)
        expectRandomnessContract(
            "kMeans with k = 20 on 1000 points",
            hint: "seed with kMeansPlusPlusInit (6.1) using the generator passed in itself, not a copy.",
            minimumDraws: 2
        ) { g in try kMeans(cloud, k: 20, maxIterations: 3, using: &g).centroids }
    }

    func test_6_4_separatedBlobsAreFoundExactly() {
        let (x, labels) = Self.blobs()
        var rng = SeededGenerator(seed: 2)
        guard let fit = graded({ try kMeans(x, k: 3, maxIterations: 50, using: &rng) }) else { return }
        // The same partition up to renaming: points of one blob share one cluster.
        let groups = Dictionary(grouping: zip(labels, fit.assignments), by: \.0).mapValues { Set($0.map(\.1)) }
        expect(
            groups.values.allSatisfy { $0.count == 1 } && Set(groups.values.map(\.first!)).count == 3,
            "three well-separated blobs should become three clusters, got assignments \(fit.assignments)",
            hint: "seed with k-means++ (6.1), then iterate assignment (6.2) and update (6.3).")
    }

    func test_6_4_oneClusterIsTheMeanAndTheSeedReproduces() {
        var rng = SeededGenerator(seed: 67), a = SeededGenerator(seed: 68), b = SeededGenerator(seed: 68)
        let x = Tensor.randomNormal([40, 2], using: &rng) + Tensor([5, -3])
        let (data, _) = Self.blobs(seed: 4)
        guard let one = graded({ try kMeans(x, k: 1, maxIterations: 10, using: &rng) }),
            let first = graded({ try kMeans(data, k: 3, maxIterations: 50, using: &a) }),
            let second = graded({ try kMeans(data, k: 3, maxIterations: 50, using: &b) })
        else { return }
        let mean = x.mean(alongAxis: 0)
        expectClose(
            one.centroids.reshaped([2]), mean.reshaped([2]), tolerance: 1e-4, "k = 1: the single centroid",
            hint: "with one cluster the centroid is the mean of all points.")
        expect(
            one.assignments.allSatisfy { $0 == 0 }, "k = 1: every point should be in cluster 0",
            hint: "cluster indices run over 0..<k.")
        expect(
            first.assignments == second.assignments && first.centroids == second.centroids,
            "the same seed should give the same clustering",
            hint: "draw only from the generator passed in (k-means++ seeding).")
    }

    // MARK: Exercise 6.5

    func test_6_5_accuracyUsesTheBestMatching() {
        guard
            let renamed = graded({ try clusteringAccuracy(clusters: [2, 2, 0, 0, 1, 1], labels: [0, 0, 1, 1, 2, 2]) }),
            let partial = graded({
                try clusteringAccuracy(clusters: [0, 0, 0, 1, 1, 1, 2, 2], labels: [1, 1, 0, 1, 1, 2, 0, 2])
            })
        else { return }
        expectClose(
            renamed, 1, tolerance: 1e-6, "accuracy of a perfect clustering with renamed clusters",
            hint: "clusters have no names: match each cluster to one class with minimumCostAssignment before counting.")
        // Clusters hold classes {1, 1, 0}, {1, 1, 2}, {0, 2}. One-to-one, only one cluster can take
        // class 1: the best matching scores 2 + 1 + 1 = 4 of 8 (a majority vote would say 5 of 8).
        expectClose(
            partial, 4.0 / 8, tolerance: 1e-6, "accuracy of a partial clustering",
            hint: "the matching is one-to-one: two clusters cannot both map to the same class.")
    }

    func test_6_5_theMatchingIsOptimalNotGreedy() {
        // Cluster 0 holds 5 of class 0 and 4 of class 1; cluster 1 holds 4 of class 0. Taking the
        // largest cell first (cluster 0 → class 0) scores 5; the optimal matching scores 4 + 4 = 8.
        let clusters = Array(repeating: 0, count: 9) + Array(repeating: 1, count: 4)
        let labels = Array(repeating: 0, count: 5) + Array(repeating: 1, count: 4) + Array(repeating: 0, count: 4)
        guard let value = graded({ try clusteringAccuracy(clusters: clusters, labels: labels) }) else { return }
        expectClose(
            value, 8.0 / 13, tolerance: 1e-6, "accuracy where a greedy matching is not optimal",
            hint:
                "find the best one-to-one matching with minimumCostAssignment on the negated counts; matching the largest cell first is not optimal."
        )
    }

    func test_6_5_moreClassesThanClustersAndMoreClustersThanClasses() {
        guard
            let fewClusters = graded({
                try clusteringAccuracy(clusters: [0, 0, 0, 1, 1, 1], labels: [0, 0, 3, 2, 2, 1])
            }),
            let manyClusters = graded({
                try clusteringAccuracy(clusters: [0, 1, 2, 5, 5, 4], labels: [0, 0, 1, 1, 1, 0])
            })
        else { return }
        expectClose(
            fewClusters, 4.0 / 6, tolerance: 1e-6, "2 clusters, 4 classes (labels up to 3)",
            hint:
                "size the count matrix to hold both the largest cluster index and the largest label, + 1; unmatched classes score nothing."
        )
        expectClose(
            manyClusters, 3.0 / 6, tolerance: 1e-6, "5 clusters (indices up to 5), 2 classes",
            hint: "clusters left without a class score nothing; the matrix must hold cluster index 5.")
    }

    // MARK: Exercise 6.6

    func test_6_6_nmiOfKnownPartitions() {
        guard
            let perfect = graded({
                try normalizedMutualInformation(clusters: [1, 1, 0, 0, 2, 2], labels: [0, 0, 1, 1, 2, 2])
            }),
            let independent = graded({ try normalizedMutualInformation(clusters: [0, 1, 0, 1], labels: [0, 0, 1, 1]) }),
            let known = graded({
                try normalizedMutualInformation(clusters: [0, 0, 0, 0, 1, 1], labels: [0, 0, 1, 1, 1, 1])
            })
        else { return }
        expectClose(perfect, 1, tolerance: 1e-6, "NMI of identical partitions", hint: "I(U; U) = H(U), so NMI = 1.")
        expectClose(
            independent, 0, tolerance: 1e-6, "NMI of independent partitions", hint: "p(u, v) = p(u)p(v) gives I = 0.")
        // Clusters (4, 2), classes (2, 4), joint {(0,0): 2, (0,1): 2, (1,1): 2}.
        let p = [2.0, 2, 2].map { $0 / 6 }
        let information =
            p[0] * log(p[0] / (4.0 / 6 * 2.0 / 6)) + p[1] * log(p[1] / (4.0 / 6 * 4.0 / 6)) + p[2]
            * log(p[2] / (2.0 / 6 * 4.0 / 6))
        let h = -(4.0 / 6 * log(4.0 / 6) + 2.0 / 6 * log(2.0 / 6))
        let unequal = graded({
            try normalizedMutualInformation(clusters: [0, 0, 0, 1, 1, 2], labels: [0, 0, 1, 1, 1, 1])
        })
        expectClose(
            known, information / h, tolerance: 1e-6, "NMI of a known pair of partitions",
            hint: "I(U; V) / ((H(U) + H(V)) / 2) with probabilities from counts.")
        if let unequal {
            // H(U) ≠ H(V) here, so the arithmetic mean differs from the geometric mean or the max.
            let pu = [3.0, 2, 1].map { $0 / 6 }, pv = [2.0, 4].map { $0 / 6 }
            let joint: [((Int, Int), Double)] = [((0, 0), 2), ((0, 1), 1), ((1, 1), 2), ((2, 1), 1)].map {
                ($0.0, $0.1 / 6)
            }
            let i = joint.reduce(0.0) { $0 + $1.1 * log($1.1 / (pu[$1.0.0] * pv[$1.0.1])) }
            let hu = -pu.reduce(0.0) { $0 + $1 * log($1) }, hv = -pv.reduce(0.0) { $0 + $1 * log($1) }
            expectClose(
                unequal, i / ((hu + hv) / 2), tolerance: 1e-6, "NMI when the entropies differ",
                hint: "normalise by the arithmetic mean (H(U) + H(V)) / 2, not √(H(U)H(V)) or max(H(U), H(V)).")
        }
    }

    func test_6_6_singleClustersAndOtherLabelNames() {
        guard
            let oneCluster = graded({ try normalizedMutualInformation(clusters: [0, 0, 0, 0], labels: [0, 1, 0, 1]) }),
            let bothSingle = graded({ try normalizedMutualInformation(clusters: [3, 3, 3], labels: [7, 7, 7]) }),
            let renamed = graded({
                try normalizedMutualInformation(clusters: [9, 9, 4, 4, 4, 0], labels: [2, 2, 5, 5, 5, 8])
            })
        else { return }
        expectClose(
            oneCluster, 0, tolerance: 1e-5, "one cluster against two classes",
            hint: "one cluster carries no information: I = 0 and H(U) = 0, but H(V) > 0, so NMI = 0 (not NaN).")
        expectClose(
            bothSingle, 1, tolerance: 1e-5, "one cluster against one class",
            hint:
                "both entropies are 0: the clustering equals the classes up to renaming, and the handout says NMI is then 1 — handle 0/0."
        )
        expectClose(
            renamed, 1, tolerance: 1e-5, "identical partitions with unrelated index names",
            hint: "clusters and labels are names, not positions: count pairs (u, v) for whatever values they take.")
    }

    func test_6_6_aLargerRandomPairOfPartitions() {
        // 200 points, 4 clusters against 3 classes, NMI computed here in Double; a Float32
        // implementation is well inside the tolerance.
        var rng = SeededGenerator(seed: 69)
        let labels = (0..<200).map { _ in rng.nextInt(below: 3) }
        let clusters = labels.map { l in rng.nextUniform() < 0.6 ? l : rng.nextInt(below: 4) }
        guard let value = graded({ try normalizedMutualInformation(clusters: clusters, labels: labels) }) else {
            return
        }
        var joint = [[Double]](repeating: [Double](repeating: 0, count: 3), count: 4)
        for (c, l) in zip(clusters, labels) { joint[c][l] += 1.0 / 200 }
        let pu = joint.map { $0.reduce(0, +) }, pv = (0..<3).map { l in joint.reduce(0.0) { $0 + $1[l] } }
        var i = 0.0
        for c in 0..<4 {
            for l in 0..<3 where joint[c][l] > 0 { i += joint[c][l] * log(joint[c][l] / (pu[c] * pv[l])) }
        }
        let hu = -pu.filter { $0 > 0 }.reduce(0.0) { $0 + $1 * log($1) },
            hv = -pv.filter { $0 > 0 }.reduce(0.0) { $0 + $1 * log($1) }
        expectClose(
            value, i / ((hu + hv) / 2), tolerance: 1e-5, "NMI of two random partitions of 200 points",
            hint:
                "I(U; V) / ((H(U) + H(V)) / 2), probabilities from counts divided by N; skip empty cells (0 log 0 = 0)."
        )
    }

    // MARK: Exercise 6.7

    func test_6_7_purityCountsEachClustersMajorityClass() {
        // Clusters hold classes {1, 1, 0}, {1, 1, 2}, {0, 2}: majorities 2 + 2 + 1 = 5 of 8, although
        // a one-to-one matching could only reach 4.
        guard let value = graded({ try purity(clusters: [0, 0, 0, 1, 1, 1, 2, 2], labels: [1, 1, 0, 1, 1, 2, 0, 2]) })
        else { return }
        expectClose(
            value, 5.0 / 8, tolerance: 1e-6, "purity of a known clustering",
            hint: "each cluster counts its own most common class; two clusters may share a class (no matching).")
    }

    func test_6_7_moreClustersThanClassesAndOneCluster() {
        guard let many = graded({ try purity(clusters: [4, 4, 1, 1, 1, 7], labels: [0, 1, 1, 1, 0, 0]) }),
            let one = graded({ try purity(clusters: [2, 2, 2, 2, 2], labels: [0, 1, 1, 3, 1]) })
        else { return }
        expectClose(
            many, 4.0 / 6, tolerance: 1e-6, "clusters {4, 1, 7} against 2 classes",
            hint:
                "sum each cluster's largest class count (1 + 2 + 1) and divide by N; clusters are names, not positions."
        )
        expectClose(
            one, 3.0 / 5, tolerance: 1e-6, "a single cluster",
            hint: "one cluster scores the share of the most common class.")
    }
}
