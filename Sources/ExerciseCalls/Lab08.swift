import ExerciseChannel
import LabKit

public func logSoftmax(_ logits: Tensor) throws -> Tensor { try call("Lab08.logSoftmax", logits) }

public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) throws -> (loss: Float, gradient: Tensor) {
    let r: Pair<Float, Tensor> = try call("Lab08.softmaxCrossEntropy", logits, labels)
    return (r.first, r.second)
}

public func greedyLayerwisePretraining(
    layers: [Dense], data: Tensor,
    trainLayer: (_ layer: Dense, _ inputs: Tensor) throws -> Void
) throws {
    try withoutActuallyEscaping(trainLayer) { train in
        let spy = WireFunction<Pair<Dense, Tensor>, Nothing> {
            try train($0.first, $0.second); return Nothing()
        }
        let _: Nothing = try call("Lab08.greedyLayerwisePretraining", layers, data, spy)
    }
}

public func fineTuningStep(
    classifier: Classifier, optimizer: Optimizer, images: Tensor, labels: [Int]
) throws -> Float {
    try call("Lab08.fineTuningStep", classifier, WireOptimizer(optimizer), images, labels)
}

public func labelledSubset(
    labels: [Int], count: Int, classes: Int, using generator: inout SeededGenerator
) throws -> [Int] {
    try call("Lab08.labelledSubset", labels, count, classes, generator: &generator)
}
