import ExerciseChannel
import Lab06Exercises
import LabKit

func lab06() -> [ServedExercise] {
    [
        exercise("Lab06.kMeansPlusPlusInit") { (x: Tensor, k: Int, g: WireGenerator) in
            try kMeansPlusPlusInit(x, k: k, using: &g.generator)
        },
        exercise("Lab06.assignClusters") { (x: Tensor, centroids: Tensor) in
            try assignClusters(x, centroids: centroids)
        },
        exercise("Lab06.updateCentroids") { (x: Tensor, assignments: [Int], previous: Tensor) in
            try updateCentroids(x, assignments: assignments, previous: previous)
        },
        exercise("Lab06.kMeans") { (x: Tensor, k: Int, maxIterations: Int, g: WireGenerator) in
            let r = try kMeans(x, k: k, maxIterations: maxIterations, using: &g.generator)
            return Triple(r.centroids, r.assignments, r.inertia)
        },
        exercise("Lab06.clusteringAccuracy") { (clusters: [Int], labels: [Int]) in
            try clusteringAccuracy(clusters: clusters, labels: labels)
        },
        exercise("Lab06.normalizedMutualInformation") { (clusters: [Int], labels: [Int]) in
            try normalizedMutualInformation(clusters: clusters, labels: labels)
        },
        exercise("Lab06.purity") { (clusters: [Int], labels: [Int]) in try purity(clusters: clusters, labels: labels) },
    ]
}
