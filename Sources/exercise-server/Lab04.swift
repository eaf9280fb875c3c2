import ExerciseChannel
import Lab04Exercises
import LabKit

func lab04() -> [ServedExercise] {
    [
        exercise("Lab04.contractivePenalty") { (h: Variable, w: Variable) in
            try contractivePenalty(hidden: h, weight: w)
        },
        exercise("Lab04.contractiveLoss") { (batch: Tensor, encoder: Dense, decoder: Dense, lambda: Float) in
            let r = try contractiveLoss(batch: batch, encoder: encoder, decoder: decoder, lambda: lambda)
            return Triple(r.total, r.reconstruction, r.penalty)
        },
        exercise("Lab04.numericalJacobian") { (f: WireFunction<Tensor, Tensor>, x: Tensor, epsilon: Float) in
            try numericalJacobian(of: f.body, at: x, epsilon: epsilon)
        },
    ]
}
