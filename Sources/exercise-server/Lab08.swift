import ExerciseChannel
import Lab08Exercises
import LabKit

func lab08() -> [ServedExercise] {
    [
        exercise("Lab08.logSoftmax") { (logits: Tensor) in try logSoftmax(logits) },
        exercise("Lab08.softmaxCrossEntropy") { (logits: Tensor, labels: [Int]) in
            let r = try softmaxCrossEntropy(logits: logits, labels: labels)
            return Pair(r.loss, r.gradient)
        },
        exercise("Lab08.greedyLayerwisePretraining") {
            (layers: [Dense], data: Tensor, train: WireFunction<Pair<Dense, Tensor>, Nothing>) in
            try greedyLayerwisePretraining(layers: layers, data: data) { layer, inputs in
                _ = try train.body(Pair(layer, inputs))
            }
            return Nothing()
        },
        exercise("Lab08.fineTuningStep") {
            (classifier: Classifier, optimizer: WireOptimizer, images: Tensor, labels: [Int]) in
            try fineTuningStep(classifier: classifier, optimizer: optimizer.optimizer, images: images, labels: labels)
        },
        exercise("Lab08.labelledSubset") { (labels: [Int], count: Int, classes: Int, g: WireGenerator) in
            try labelledSubset(labels: labels, count: count, classes: classes, using: &g.generator)
        },
    ]
}
