import ExerciseChannel
import Lab02Exercises
import LabKit

func lab02() -> [ServedExercise] {
    [
        exercise("Lab02.meanActivations") { (hidden: Variable) in try meanActivations(hidden) },
        exercise("Lab02.klDivergence") { (rho: Float, rhoHat: Variable) in
            try klDivergence(target: rho, meanActivations: rhoHat)
        },
        exercise("Lab02.sparseLoss") {
            (batch: Tensor, reconstruction: Variable, hidden: Variable, rho: Float, beta: Float) in
            let r = try sparseLoss(batch: batch, reconstruction: reconstruction, hidden: hidden, rho: rho, beta: beta)
            return Triple(r.total, r.reconstruction, r.penalty)
        },
        exercise("Lab02.klPenaltyGradient") { (rho: Float, rhoHat: Tensor, beta: Float) in
            try klPenaltyGradient(target: rho, meanActivations: rhoHat, beta: beta)
        },
    ]
}
