import ExerciseChannel
import LabKit

public func kMeansPlusPlusInit(_ x: Tensor, k: Int, using generator: inout SeededGenerator) throws -> Tensor {
    try call("Lab06.kMeansPlusPlusInit", x, k, generator: &generator)
}

public func assignClusters(_ x: Tensor, centroids: Tensor) throws -> [Int] {
    try call("Lab06.assignClusters", x, centroids)
}

public func updateCentroids(_ x: Tensor, assignments: [Int], previous: Tensor) throws -> Tensor {
    try call("Lab06.updateCentroids", x, assignments, previous)
}

public func kMeans(_ x: Tensor, k: Int, maxIterations: Int, using generator: inout SeededGenerator) throws
    -> (centroids: Tensor, assignments: [Int], inertia: [Double])
{
    let r: Triple<Tensor, [Int], [Double]> = try call("Lab06.kMeans", x, k, maxIterations, generator: &generator)
    return (r.first, r.second, r.third)
}

public func clusteringAccuracy(clusters: [Int], labels: [Int]) throws -> Double {
    try call("Lab06.clusteringAccuracy", clusters, labels)
}

public func normalizedMutualInformation(clusters: [Int], labels: [Int]) throws -> Double {
    try call("Lab06.normalizedMutualInformation", clusters, labels)
}

public func purity(clusters: [Int], labels: [Int]) throws -> Double { try call("Lab06.purity", clusters, labels) }
