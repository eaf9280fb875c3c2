import ExerciseChannel
import LabKit

public func gaussianNoise(
    _ x: Tensor, standardDeviation: Float, clip: Bool, using generator: inout SeededGenerator
) throws -> Tensor {
    try call("Lab03.gaussianNoise", x, standardDeviation, clip, generator: &generator)
}

public func maskingNoise(_ x: Tensor, probability: Float, using generator: inout SeededGenerator) throws -> Tensor {
    try call("Lab03.maskingNoise", x, probability, generator: &generator)
}

public func saltAndPepperNoise(
    _ x: Tensor, probability: Float, using generator: inout SeededGenerator
) throws -> Tensor {
    try call("Lab03.saltAndPepperNoise", x, probability, generator: &generator)
}

public func denoisingLoss(model: Autoencoder, clean: Tensor, corrupted: Tensor) throws -> Variable {
    try call("Lab03.denoisingLoss", model, clean, corrupted)
}
