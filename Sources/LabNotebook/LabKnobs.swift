import ArgumentParser

/// A lab's teaching hyperparameters as flags — the cell a notebook user would edit.
/// Each lab declares its own (`--beta`, `--noise-level`, …) with today's values as defaults,
/// once: a property `noiseLevel` is the flag `--noise-level`, and `flags` is derived from them.
package protocol LabKnobs: ParsableArguments {}

extension LabKnobs {
    /// The knobs as they would be typed, with their values ("--beta 3.0", "--rho 0.05"),
    /// recorded in report.md and metrics.json and compared before a saved model is reused —
    /// derived from the declared options (`KnobFlags`), so no knob can be left out.
    package var flags: [String] { KnobFlags.of(self) }
}

/// Adam's step size and the minibatch size, shared by every lab, with each lab's defaults.
package struct TrainingKnobs<Lab: LabProgram>: ParsableArguments {
    @Option(
        help:
            "Adam's step size. Try 3× larger or smaller: too large and the loss jumps or turns NaN, too small and it falls slowly."
    )
    package var learningRate: Float = Lab.defaultLearningRate

    @Option(help: "Images per gradient step. Smaller batches take more, noisier steps per epoch.")
    package var batchSize: Int = Lab.defaultBatchSize

    package init() {}

    package func validate() throws {
        guard learningRate.isFinite, learningRate > 0, learningRate <= 1 else {
            throw ValidationError("--learning-rate must be in (0, 1], got \(learningRate)")
        }
        guard (1...65536).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 65536, got \(batchSize)")
        }
    }

    package var flags: [String] { KnobFlags.of(self) }
}

/// Checks a knob's value, with the flag's name in the message.
package func requireKnob(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ValidationError(message()) }
}
