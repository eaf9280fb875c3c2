// Lab 06 — Clustering on learned codes (reference solutions).
//
// k-means (Lloyd, 1982) with k-means++ seeding (Arthur & Vassilvitskii, 2007), and the
// measures that score a clustering against true classes. Shape legend: N = points,
// d = feature dimensions, k = clusters.
import Foundation
import LabKit

/// Exercise 6.1 — k-means++ seeding: the first centre is a uniformly random point; each
/// next centre is a point drawn with probability proportional to D(x)², its squared distance
/// to the nearest centre chosen so far ("D² sampling").
/// - Parameters: x [N, d]; k ≤ N; generator.
/// - Returns: k rows of x, [k, d].
public func kMeansPlusPlusInit(_ x: Tensor, k: Int, using generator: inout SeededGenerator) throws -> Tensor {
    let squaredNorms = x.squared().sum(alongAxis: 1)  // ‖xᵢ‖², once
    let n = x.rowCount
    var chosen = [generator.nextInt(below: n)]
    var nearest = [Double](repeating: .infinity, count: n)
    while chosen.count < k {
        // ‖xᵢ − c‖² = ‖xᵢ‖² − 2 xᵢ·c + ‖c‖² to the newest centre c, for every i from one matrix
        // product; clamped at 0 against rounding, and exactly 0 for c itself.
        let c = chosen.last!
        let dots = Tensor.matmul(x, x.gatherRows([c]), transposeB: true)  // [N, 1]
        for i in 0..<n {
            let d = i == c ? 0 : Swift.max(0, Double(squaredNorms[i]) - 2 * Double(dots[i]) + Double(squaredNorms[c]))
            nearest[i] = Swift.min(nearest[i], d)
        }
        let total = nearest.reduce(0, +)
        guard total > 0 else { chosen.append(generator.nextInt(below: n)); continue }
        var target = generator.nextUniformDouble() * total
        var pick = n - 1
        for i in 0..<n {
            target -= nearest[i]
            if target < 0 { pick = i; break }
        }
        chosen.append(pick)
    }
    return x.gatherRows(chosen)
}

/// Exercise 6.2 — The assignment step: each point goes to its nearest centroid,
/// argminⱼ ‖xₙ − cⱼ‖².
/// - Parameters: x [N, d]; centroids [k, d].
/// - Returns: N cluster indices in 0..<k.
public func assignClusters(_ x: Tensor, centroids: Tensor) throws -> [Int] {
    // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²; ‖x‖² is the same for every centroid.
    let scores = centroids.squared().sum(alongAxis: 1) - 2 * Tensor.matmul(x, centroids, transposeB: true)
    return scores.argmin(alongAxis: 1)
}

/// Exercise 6.3 — The update step: each centroid becomes the mean of its points. A cluster
/// that lost all its points keeps its previous centroid (so nothing becomes NaN).
/// - Parameters: x [N, d]; assignments N indices; previous centroids [k, d].
/// - Returns: the new centroids [k, d].
public func updateCentroids(_ x: Tensor, assignments: [Int], previous: Tensor) throws -> Tensor {
    let (n, k, d) = (x.rowCount, previous.rowCount, x.columnCount)
    // Every cluster's sum of points from one matrix product, Mᵀ·x, with M the N×k one-hot
    // matrix of the assignments.
    var membership = Tensor.zeros([n, k]), counts = [Int](repeating: 0, count: k)
    for (i, c) in assignments.enumerated() {
        membership[i, c] = 1
        counts[c] += 1
    }
    let sums = Tensor.matmul(membership, x, transposeA: true)  // [k, d]
    var centroids = previous
    for c in 0..<k where counts[c] > 0 {
        for j in 0..<d { centroids[c, j] = sums[c, j] / Float(counts[c]) }
    }
    return centroids
}

/// Exercise 6.4 — Lloyd's k-means: seed with k-means++, then alternate assignment and
/// update until the assignments stop changing or `maxIterations` is reached. The inertia
/// Σₙ ‖xₙ − c_{a(n)}‖² is recorded after each assignment step; it never increases.
/// - Parameters: x [N, d]; k; maxIterations; generator (for the seeding).
/// - Returns: the centroids [k, d], the final assignments, and the inertia history.
public func kMeans(_ x: Tensor, k: Int, maxIterations: Int, using generator: inout SeededGenerator) throws
    -> (centroids: Tensor, assignments: [Int], inertia: [Double])
{
    var centroids = try kMeansPlusPlusInit(x, k: k, using: &generator)
    var assignments = try assignClusters(x, centroids: centroids)
    let squaredNorms = x.squared().sum(alongAxis: 1)
    var history: [Double] = []
    for _ in 0..<maxIterations {
        let previous = centroids
        centroids = try updateCentroids(x, assignments: assignments, previous: centroids)
        history.append(inertia(squaredNorms, assignments, previous, means: centroids))
        let next = try assignClusters(x, centroids: centroids)
        if next == assignments { break }
        assignments = next
    }
    history.append(inertia(x, squaredNorms, centroids, assignments))
    return (centroids, assignments, history)
}

/// The inertia of centroids c and assignments a without another pass over x: with nⱼ points in
/// cluster j and their mean mⱼ (the update step's new centroid), Σ_{n∈j} xₙ = nⱼ mⱼ, so
/// Σₙ ‖xₙ − c_{a(n)}‖² = Σₙ ‖xₙ‖² − Σⱼ nⱼ (2 mⱼ·cⱼ − ‖cⱼ‖²).
func inertia(_ squaredNorms: Tensor, _ assignments: [Int], _ centroids: Tensor, means: Tensor) -> Double {
    var counts = [Double](repeating: 0, count: centroids.rowCount)
    for c in assignments { counts[c] += 1 }
    var total = squaredNorms.scalars.reduce(0.0) { $0 + Double($1) }
    for j in 0..<centroids.rowCount where counts[j] > 0 {
        var meanDotCentroid = 0.0, centroidNorm = 0.0
        for d in 0..<centroids.columnCount {
            meanDotCentroid += Double(means[j, d]) * Double(centroids[j, d])
            centroidNorm += Double(centroids[j, d]) * Double(centroids[j, d])
        }
        total -= counts[j] * (2 * meanDotCentroid - centroidNorm)
    }
    return Swift.max(0, total)
}

/// Σₙ ‖xₙ − c_{a(n)}‖² = Σₙ ‖xₙ‖² − 2 xₙ·c_{a(n)} + ‖c_{a(n)}‖², from one matrix product and the
/// points' squared norms ‖xₙ‖²; summed in Double.
func inertia(_ x: Tensor, _ squaredNorms: Tensor, _ centroids: Tensor, _ assignments: [Int]) -> Double {
    let dots = Tensor.matmul(x, centroids, transposeB: true), centroidNorms = centroids.squared().sum(alongAxis: 1)
    var total = 0.0
    for (i, c) in assignments.enumerated() {
        total += Swift.max(0, Double(squaredNorms[i]) - 2 * Double(dots[i, c]) + Double(centroidNorms[c]))
    }
    return total
}

/// Exercise 6.5 — Clustering accuracy: the fraction of points whose cluster, mapped to a
/// class by the best one-to-one matching of clusters to classes, is their true class.
/// - Parameters: clusters and labels, N indices each.
/// - Returns: a number in [0, 1].
///
/// The core's `minimumCostAssignment(_:)` finds the matching (maximise agreements =
/// minimise their negatives).
public func clusteringAccuracy(clusters: [Int], labels: [Int]) throws -> Double {
    let size = Swift.max((clusters.max() ?? 0), (labels.max() ?? 0)) + 1
    var counts = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
    for (c, l) in zip(clusters, labels) { counts[c][l] += 1 }
    let match = minimumCostAssignment(counts.map { $0.map { -$0 } })
    return match.enumerated().reduce(0.0) { $0 + counts[$1.offset][$1.element] } / Double(clusters.count)
}

/// Exercise 6.6 — Normalised mutual information with the arithmetic-mean normalisation:
///
///     NMI(U, V) = I(U; V) / ((H(U) + H(V)) / 2),
///     I(U; V) = Σᵤᵥ p(u, v) log(p(u, v) / (p(u) p(v))),   H(U) = −Σᵤ p(u) log p(u)
///
/// with probabilities estimated from counts (natural logs; the ratio does not depend on the base).
/// - Returns: a number in [0, 1]; 1 when the clustering equals the classes up to renaming.
public func normalizedMutualInformation(clusters: [Int], labels: [Int]) throws -> Double {
    let n = Double(clusters.count)
    var joint: [Int: [Int: Double]] = [:], pu: [Int: Double] = [:], pv: [Int: Double] = [:]
    for (c, l) in zip(clusters, labels) {
        joint[c, default: [:]][l, default: 0] += 1 / n
        pu[c, default: 0] += 1 / n
        pv[l, default: 0] += 1 / n
    }
    var information = 0.0
    for (c, row) in joint { for (l, p) in row { information += p * log(p / (pu[c]! * pv[l]!)) } }
    let hu = -pu.values.reduce(0) { $0 + $1 * log($1) }, hv = -pv.values.reduce(0) { $0 + $1 * log($1) }
    let denominator = (hu + hv) / 2
    return denominator > 0 ? information / denominator : 1
}

/// Exercise 6.7 — Purity: each cluster votes for its most common class,
/// purity = (1/N) Σ_clusters maxᵥ |cluster ∩ class v|.
/// - Returns: a number in [0, 1].
public func purity(clusters: [Int], labels: [Int]) throws -> Double {
    var counts: [Int: [Int: Int]] = [:]
    for (c, l) in zip(clusters, labels) { counts[c, default: [:]][l, default: 0] += 1 }
    return Double(counts.values.reduce(0) { $0 + ($1.values.max() ?? 0) }) / Double(clusters.count)
}
