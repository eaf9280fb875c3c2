// Lab 06 — Clustering on learned codes (exercises).
//
// k-means (Lloyd, 1982) with k-means++ seeding (Arthur & Vassilvitskii, 2007), and the
// measures that score a clustering against true classes. Shape legend: N = points,
// d = feature dimensions, k = clusters.
//
// Replace each `throw NotImplemented(…)` with your code; `swift run lab06` runs the lab and
// `swift run grade --labs 6` grades it. The handout is Labs/Lab06.md.
import Foundation
import LabKit

/// Exercise 6.1 — k-means++ seeding: the first centre is a uniformly random point; each
/// next centre is a point drawn with probability proportional to D(x)², its squared distance
/// to the nearest centre chosen so far ("D² sampling").
/// - Parameters: x [N, d]; k ≤ N; generator.
/// - Returns: k rows of x, [k, d].
///
/// Hints: `generator.nextInt(below: n)` picks uniformly; to draw index i with probability
/// wᵢ / Σw, take t = `generator.nextUniformDouble()` · Σw and walk the running sum of w
/// until it exceeds t. `x.gatherRows(indices)` collects the chosen rows.
///
/// Speed: on 60,000 × 784 images a loop over every pixel of every point is slow. Each new
/// centre c needs ‖xᵢ − c‖² = ‖xᵢ‖² − 2 xᵢ·c + ‖c‖² for all i: the ‖xᵢ‖² once
/// (`x.squared().sum(alongAxis: 1)`), every xᵢ·c from one `Tensor.matmul` with the centre's
/// row. Rounding can make the result slightly negative (clamp it at 0), and a chosen point
/// must get exactly 0, so that it is never drawn again.
public func kMeansPlusPlusInit(_ x: Tensor, k: Int, using generator: inout SeededGenerator) throws -> Tensor {
    throw NotImplemented(exercise: "6.1", function: "kMeansPlusPlusInit(_:k:using:)")
}

/// Exercise 6.2 — The assignment step: each point goes to its nearest centroid,
/// argminⱼ ‖xₙ − cⱼ‖².
/// - Parameters: x [N, d]; centroids [k, d].
/// - Returns: N cluster indices in 0..<k.
///
/// Hint: ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², so one `Tensor.matmul(x, centroids, transposeB: true)`
/// gives every x·c; `.argmin(alongAxis: 1)` picks the best per row.
public func assignClusters(_ x: Tensor, centroids: Tensor) throws -> [Int] {
    throw NotImplemented(exercise: "6.2", function: "assignClusters(_:centroids:)")
}

/// Exercise 6.3 — The update step: each centroid becomes the mean of its points. A cluster
/// that lost all its points keeps its previous centroid (so nothing becomes NaN).
/// - Parameters: x [N, d]; assignments N indices; previous centroids [k, d].
/// - Returns: the new centroids [k, d].
///
/// Speed: every cluster's sum of points at once is Mᵀ·x, where M is the N×k one-hot matrix
/// of the assignments (Mᵢⱼ = 1 when point i is in cluster j): one `Tensor.matmul` with
/// `transposeA: true`.
public func updateCentroids(_ x: Tensor, assignments: [Int], previous: Tensor) throws -> Tensor {
    throw NotImplemented(exercise: "6.3", function: "updateCentroids(_:assignments:previous:)")
}

/// Exercise 6.4 — Lloyd's k-means: seed with k-means++, then alternate assignment and
/// update until the assignments stop changing or `maxIterations` is reached. The inertia
/// Σₙ ‖xₙ − c_{a(n)}‖² is recorded after each assignment step; it never increases.
/// - Parameters: x [N, d]; k; maxIterations; generator (for the seeding).
/// - Returns: the centroids [k, d], the final assignments, and the inertia history.
public func kMeans(_ x: Tensor, k: Int, maxIterations: Int, using generator: inout SeededGenerator) throws
    -> (centroids: Tensor, assignments: [Int], inertia: [Double])
{
    throw NotImplemented(exercise: "6.4", function: "kMeans(_:k:maxIterations:using:)")
}

/// Exercise 6.5 — Clustering accuracy: the fraction of points whose cluster, mapped to a
/// class by the best one-to-one matching of clusters to classes, is their true class.
/// - Parameters: clusters and labels, N indices each.
/// - Returns: a number in [0, 1].
///
/// The core's `minimumCostAssignment(_:)` finds the matching (maximise agreements =
/// minimise their negatives).
public func clusteringAccuracy(clusters: [Int], labels: [Int]) throws -> Double {
    throw NotImplemented(exercise: "6.5", function: "clusteringAccuracy(clusters:labels:)")
}

/// Exercise 6.6 — Normalised mutual information with the arithmetic-mean normalisation:
///
///     NMI(U, V) = I(U; V) / ((H(U) + H(V)) / 2),
///     I(U; V) = Σᵤᵥ p(u, v) log(p(u, v) / (p(u) p(v))),   H(U) = −Σᵤ p(u) log p(u)
///
/// with probabilities estimated from counts (natural logs; the ratio does not depend on the base).
/// - Returns: a number in [0, 1]; 1 when the clustering equals the classes up to renaming.
public func normalizedMutualInformation(clusters: [Int], labels: [Int]) throws -> Double {
    throw NotImplemented(exercise: "6.6", function: "normalizedMutualInformation(clusters:labels:)")
}

/// Exercise 6.7 — Purity: each cluster votes for its most common class,
/// purity = (1/N) Σ_clusters maxᵥ |cluster ∩ class v|.
/// - Returns: a number in [0, 1].
public func purity(clusters: [Int], labels: [Int]) throws -> Double {
    throw NotImplemented(exercise: "6.7", function: "purity(clusters:labels:)")
}
