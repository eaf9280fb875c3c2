import ExerciseChannel
import Lab01Exercises
import LabKit

func lab01() -> [ServedExercise] {
    [
        exercise("Lab01.centred") { (data: Tensor) in
            let r = try centred(data)
            return Pair(r.centred, r.mean)
        },
        exercise("Lab01.principalComponents") { (data: Tensor, k: Int) in
            let r = try principalComponents(of: data, k: k)
            return Pair(r.components, r.variances)
        },
        exercise("Lab01.pcaCodes") { (data: Tensor, mean: Tensor, components: Tensor) in
            try pcaCodes(of: data, mean: mean, components: components)
        },
        exercise("Lab01.pcaReconstruction") { (codes: Tensor, mean: Tensor, components: Tensor) in
            try pcaReconstruction(codes: codes, mean: mean, components: components)
        },
        exercise("Lab01.linearAutoencoderLoss") { (batch: Tensor, encoder: Dense, decoder: Dense) in
            try linearAutoencoderLoss(batch: batch, encoder: encoder, decoder: decoder)
        },
        exercise("Lab01.tiedAutoencoderLoss") {
            (batch: Tensor, weight: Variable, encoderBias: Variable, decoderBias: Variable) in
            try tiedAutoencoderLoss(batch: batch, weight: weight, encoderBias: encoderBias, decoderBias: decoderBias)
        },
    ]
}
