import ExerciseChannel
import LabKit

public func centred(_ data: Tensor) throws -> (centred: Tensor, mean: Tensor) {
    let r: Pair<Tensor, Tensor> = try call("Lab01.centred", data)
    return (r.first, r.second)
}

public func principalComponents(of data: Tensor, k: Int) throws -> (components: Tensor, variances: [Float]) {
    let r: Pair<Tensor, [Float]> = try call("Lab01.principalComponents", data, k)
    return (r.first, r.second)
}

public func pcaCodes(of data: Tensor, mean: Tensor, components: Tensor) throws -> Tensor {
    try call("Lab01.pcaCodes", data, mean, components)
}

public func pcaReconstruction(codes: Tensor, mean: Tensor, components: Tensor) throws -> Tensor {
    try call("Lab01.pcaReconstruction", codes, mean, components)
}

public func linearAutoencoderLoss(batch: Tensor, encoder: Dense, decoder: Dense) throws -> Variable {
    try call("Lab01.linearAutoencoderLoss", batch, encoder, decoder)
}

public func tiedAutoencoderLoss(
    batch: Tensor, weight: Variable, encoderBias: Variable, decoderBias: Variable
) throws -> Variable {
    try call("Lab01.tiedAutoencoderLoss", batch, weight, encoderBias, decoderBias)
}
