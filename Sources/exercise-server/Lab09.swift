import ExerciseChannel
import Lab09Exercises
import LabKit

func lab09() -> [ServedExercise] {
    [
        exercise("Lab09.reconstructionErrors") { (images: Tensor, reconstructions: Tensor) in
            try reconstructionErrors(images: images, reconstructions: reconstructions)
        },
        exercise("Lab09.patchMaxErrors") {
            (images: Tensor, reconstructions: Tensor, height: Int, width: Int, patch: Int) in
            try patchMaxErrors(
                images: images, reconstructions: reconstructions, height: height, width: width,
                patch: patch)
        },
        exercise("Lab09.rocCurve") { (scores: [Float], isAnomaly: [Bool]) in
            try rocCurve(scores: scores, isAnomaly: isAnomaly).map { Pair($0.falsePositiveRate, $0.truePositiveRate) }
        },
        exercise("Lab09.rocAUC") { (scores: [Float], isAnomaly: [Bool]) in
            try rocAUC(scores: scores, isAnomaly: isAnomaly)
        },
        exercise("Lab09.anomalyThreshold") { (normalScores: [Float], q: Double) in
            try anomalyThreshold(normalScores: normalScores, quantile: q)
        },
        exercise("Lab09.precisionRecallF1") { (scores: [Float], isAnomaly: [Bool], threshold: Float) in
            let r = try precisionRecallF1(scores: scores, isAnomaly: isAnomaly, threshold: threshold)
            return Triple(r.precision, r.recall, r.f1)
        },
        exercise("Lab09.pcaReconstructionErrors") { (images: Tensor, mean: Tensor, components: Tensor) in
            try pcaReconstructionErrors(images: images, mean: mean, components: components)
        },
    ]
}
