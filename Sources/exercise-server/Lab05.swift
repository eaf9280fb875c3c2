import ExerciseChannel
import Lab05Exercises
import LabKit

func lab05() -> [ServedExercise] {
    [
        exercise("Lab05.reparameterize") { (mu: Variable, logVariance: Variable, g: WireGenerator) in
            try reparameterize(mu: mu, logVariance: logVariance, using: &g.generator)
        },
        exercise("Lab05.gaussianKL") { (mu: Variable, logVariance: Variable) in
            try gaussianKL(mu: mu, logVariance: logVariance)
        },
        exercise("Lab05.negativeELBO") { (batch: Tensor, logits: Variable, mu: Variable, logVariance: Variable) in
            let r = try negativeELBO(batch: batch, logits: logits, mu: mu, logVariance: logVariance)
            return Triple(r.total, r.reconstruction, r.kl)
        },
        exercise("Lab05.samplePrior") { (count: Int, latentSize: Int, decoder: Sequential, g: WireGenerator) in
            try samplePrior(count: count, latentSize: latentSize, decoder: decoder, using: &g.generator)
        },
        exercise("Lab05.interpolate") { (z0: Tensor, z1: Tensor, steps: Int) in
            try interpolate(from: z0, to: z1, steps: steps)
        },
    ]
}
