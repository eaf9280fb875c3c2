import ExerciseChannel
import Lab03Exercises
import LabKit

func lab03() -> [ServedExercise] {
    [
        exercise("Lab03.gaussianNoise") { (x: Tensor, standardDeviation: Float, clip: Bool, g: WireGenerator) in
            try gaussianNoise(x, standardDeviation: standardDeviation, clip: clip, using: &g.generator)
        },
        exercise("Lab03.maskingNoise") { (x: Tensor, probability: Float, g: WireGenerator) in
            try maskingNoise(x, probability: probability, using: &g.generator)
        },
        exercise("Lab03.saltAndPepperNoise") { (x: Tensor, probability: Float, g: WireGenerator) in
            try saltAndPepperNoise(x, probability: probability, using: &g.generator)
        },
        exercise("Lab03.denoisingLoss") { (model: Autoencoder, clean: Tensor, corrupted: Tensor) in
            try denoisingLoss(model: model, clean: clean, corrupted: corrupted)
        },
    ]
}
