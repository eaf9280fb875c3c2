import ExerciseChannel
import LabKit

public func contractivePenalty(hidden h: Variable, weight w: Variable) throws -> Variable {
    try call("Lab04.contractivePenalty", h, w)
}

public func contractiveLoss(
    batch: Tensor, encoder: Dense, decoder: Dense, lambda: Float
) throws -> (total: Variable, reconstruction: Variable, penalty: Variable) {
    let r: Triple<Variable, Variable, Variable> = try call("Lab04.contractiveLoss", batch, encoder, decoder, lambda)
    return (r.first, r.second, r.third)
}

public func numericalJacobian(of f: (Tensor) throws -> Tensor, at x: Tensor, epsilon: Float) throws -> Tensor {
    try withoutActuallyEscaping(f) { f in try call("Lab04.numericalJacobian", WireFunction(f), x, epsilon) }
}
