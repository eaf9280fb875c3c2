import ExerciseChannel
import LabKit

public func reparameterize(
    mu: Variable, logVariance: Variable, using generator: inout SeededGenerator
) throws -> Variable {
    try call("Lab05.reparameterize", mu, logVariance, generator: &generator)
}

public func gaussianKL(mu: Variable, logVariance: Variable) throws -> Variable {
    try call("Lab05.gaussianKL", mu, logVariance)
}

public func negativeELBO(
    batch: Tensor, logits: Variable, mu: Variable, logVariance: Variable
) throws -> (total: Variable, reconstruction: Variable, kl: Variable) {
    let r: Triple<Variable, Variable, Variable> = try call("Lab05.negativeELBO", batch, logits, mu, logVariance)
    return (r.first, r.second, r.third)
}

public func samplePrior(
    count: Int, latentSize: Int, decoder: Sequential, using generator: inout SeededGenerator
) throws -> Tensor {
    try call("Lab05.samplePrior", count, latentSize, decoder, generator: &generator)
}

public func interpolate(from z0: Tensor, to z1: Tensor, steps: Int) throws -> Tensor {
    try call("Lab05.interpolate", z0, z1, steps)
}
