import ExerciseChannel
import LabKit

public func meanActivations(_ hidden: Variable) throws -> Variable { try call("Lab02.meanActivations", hidden) }

public func klDivergence(target rho: Float, meanActivations rhoHat: Variable) throws -> Variable {
    try call("Lab02.klDivergence", rho, rhoHat)
}

public func sparseLoss(
    batch: Tensor, reconstruction: Variable, hidden: Variable, rho: Float, beta: Float
) throws -> (total: Variable, reconstruction: Variable, penalty: Variable) {
    let r: Triple<Variable, Variable, Variable> = try call("Lab02.sparseLoss", batch, reconstruction, hidden, rho, beta)
    return (r.first, r.second, r.third)
}

public func klPenaltyGradient(target rho: Float, meanActivations rhoHat: Tensor, beta: Float) throws -> Tensor {
    try call("Lab02.klPenaltyGradient", rho, rhoHat, beta)
}
