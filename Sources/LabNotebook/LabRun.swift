import LabData
import LabKit

/// One run of a lab: the notebook it writes, the flags every lab shares, the optimisation
/// knobs and the lab's own knobs. A lab's sections are methods of its run:
///
///     extension LabRun where Lab == Lab03 {
///         func train(_ data: Dataset) throws -> [TrainedDenoiser] { nb.section(…); … }
///     }
package struct LabRun<Lab: LabProgram> {
    /// The notebook the sections write to.
    package let nb: Notebook
    package let options: LabOptions
    package let training: TrainingKnobs<Lab>
    package let knobs: Lab.Knobs

    package init(nb: Notebook, options: LabOptions, training: TrainingKnobs<Lab>, knobs: Lab.Knobs) {
        (self.nb, self.options, self.training, self.knobs) = (nb, options, training, knobs)
    }

    /// The first section of every lab: the data the flags name. The lab's plan of work is
    /// known from here on (the progress display's total).
    package func dataSection(explanation: String) throws -> Dataset {
        let data = try nb.dataSection(options, explanation: explanation)
        let plan = Lab.plannedWork(self, data)
        let evaluation = Lab.evaluationShare * plan.reduce(0) { $0 + $1.weight }
        ProgressDisplay.shared.plan(plan + [PlannedWork(Self.evaluationPiece, weight: evaluation)])
        return data
    }

    /// The sections' work besides what the plan names — scoring the test set, figures, the
    /// report — as one piece of the plan (`LabProgram.evaluationShare` of it), done when the
    /// notebook ends.
    static var evaluationPiece: String { "evaluation and figures" }
}

extension LabRun {
    /// Trains `parameters` by minibatch Adam with the run's learning rate and batch size
    /// (`TrainingLoop`), and saves them with the run as `file`; a section before
    /// `--from-section` reuses the saved ones instead (see `Notebook.trained`).
    package func trainWithAdam(
        _ file: String, _ parameters: [Variable], on data: Tensor, epochs: Int, label: String,
        seed: UInt64, loss: (Tensor, inout SeededGenerator) throws -> LossTerms
    ) throws -> TrainingHistory {
        let adam = Adam(parameters: parameters, learningRate: training.learningRate)
        var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: label, seed: seed)
        return try nb.trained(
            file, parameters: parameters, progressLabel: label, isUsable: { $0.covers(epochs: epochs) }
        ) {
            try loop.run(on: data, optimizer: adam, loss: loss)
        }
    }
}
