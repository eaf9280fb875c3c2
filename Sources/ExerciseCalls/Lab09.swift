import ExerciseChannel
import LabKit

public func reconstructionErrors(images: Tensor, reconstructions: Tensor) throws -> [Float] {
    try call("Lab09.reconstructionErrors", images, reconstructions)
}

public func patchMaxErrors(
    images: Tensor, reconstructions: Tensor, height: Int, width: Int, patch: Int
) throws -> [Float] {
    try call("Lab09.patchMaxErrors", images, reconstructions, height, width, patch)
}

public func rocCurve(
    scores: [Float], isAnomaly: [Bool]
) throws -> [(falsePositiveRate: Double, truePositiveRate: Double)] {
    let r: [Pair<Double, Double>] = try call("Lab09.rocCurve", scores, isAnomaly)
    return r.map { ($0.first, $0.second) }
}

public func rocAUC(scores: [Float], isAnomaly: [Bool]) throws -> Double { try call("Lab09.rocAUC", scores, isAnomaly) }

public func anomalyThreshold(normalScores: [Float], quantile q: Double) throws -> Float {
    try call("Lab09.anomalyThreshold", normalScores, q)
}

public func precisionRecallF1(scores: [Float], isAnomaly: [Bool], threshold: Float) throws
    -> (precision: Double, recall: Double, f1: Double)
{
    let r: Triple<Double, Double, Double> = try call("Lab09.precisionRecallF1", scores, isAnomaly, threshold)
    return (r.first, r.second, r.third)
}

public func pcaReconstructionErrors(images: Tensor, mean: Tensor, components: Tensor) throws -> [Float] {
    try call("Lab09.pcaReconstructionErrors", images, mean, components)
}
