import Foundation

/// The loss of one minibatch: the total to differentiate, plus named parts to report
/// (e.g. "reconstruction" and "penalty").
package struct LossTerms {
    package let total: Variable
    package let parts: [(String, Float)]
    package init(_ total: Variable, parts: [(String, Float)] = []) {
        self.total = total
        self.parts = parts
    }
}

/// Per-epoch averages of the loss and its parts.
package struct TrainingHistory: Sendable, Codable {
    package var loss: [Float] = []
    package var parts: [String: [Float]] = [:]
    package var partNames: [String] = []
    /// Wall time of the training; not saved with a model (it differs from run to run).
    package var seconds: Double = 0
    package init() {}

    private enum CodingKeys: String, CodingKey { case loss, parts, partNames }

    /// Whether this is the whole history of `epochs` epochs: one loss, and one value of every
    /// named part, per epoch (what a saved history must hold to be reused).
    package func covers(epochs: Int) -> Bool {
        loss.count == epochs && Set(parts.keys) == Set(partNames) && parts.values.allSatisfy { $0.count == epochs }
    }
}

/// Minibatch gradient descent over the rows of a data matrix.
///
/// Each epoch shuffles the rows with the seeded generator, cuts them into minibatches,
/// and for each: zero the gradients, compute the loss, `backward()`, `optimizer.step()`.
/// Stops with `TrainingError.nonFiniteLoss` as soon as a loss is NaN or infinite.
///
/// ```
/// var loop = TrainingLoop(epochs: 10, batchSize: 128, label: "dae", seed: 7)
/// let history = try loop.run(on: train, optimizer: adam) { batch, rng in
///     let noisy = maskingNoise(batch, probability: 0.3, using: &rng)
///     return LossTerms(meanSquaredError(predictions: model(noisy), targets: batch))
/// }
/// ```
package struct TrainingLoop {
    package var epochs: Int
    package var batchSize: Int
    package var label: String
    package var generator: SeededGenerator
    package var silent: Bool

    package init(epochs: Int, batchSize: Int = 128, label: String, seed: UInt64, silent: Bool = false) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.label = label
        self.generator = SeededGenerator(seed: seed)
        self.silent = silent
    }

    package mutating func run(
        on data: Tensor, optimizer: Optimizer,
        afterEpoch: ((Int, TrainingHistory) throws -> Void)? = nil,
        loss: (Tensor, inout SeededGenerator) throws -> LossTerms
    ) throws -> TrainingHistory {
        require(data.rank == 2 && data.rowCount > 0, "training data must be a non-empty matrix, got \(data.shape)")
        return try run(examples: data.rowCount, afterEpoch: afterEpoch) { indices, generator in
            optimizer.zeroGradients()
            let terms = try loss(data.gatherRows(indices), &generator)
            let value = terms.total.value.scalar
            if value.isFinite {
                try terms.total.backward()
                optimizer.step()
            }
            return StepResult(loss: value, parts: terms.parts)
        }
    }

    /// What one step reports: its loss and the named parts of it.
    package struct StepResult {
        package let loss: Float
        package let parts: [(String, Float)]
        package init(loss: Float, parts: [(String, Float)] = []) { (self.loss, self.parts) = (loss, parts) }
    }

    /// The same epochs over examples 0..<n, where `step` does a whole update on one minibatch of
    /// example indices (e.g. a classifier's, whose labels the indices pick) and returns its loss.
    /// Stops with `TrainingError.nonFiniteLoss` as soon as a step returns a NaN or infinite loss.
    package mutating func run(
        examples n: Int, afterEpoch: ((Int, TrainingHistory) throws -> Void)? = nil,
        step: ([Int], inout SeededGenerator) throws -> StepResult
    ) throws -> TrainingHistory {
        require(n > 0, "training needs at least one example")
        let progress = silent ? nil : ProgressDisplay.shared
        let batches = (n + batchSize - 1) / batchSize
        var history = TrainingHistory()
        let start = Date()
        for epoch in 1...Swift.max(epochs, 1) where epochs > 0 {
            let order = generator.permutation(n)
            var totalLoss = 0.0
            var totalParts: [String: Double] = [:]
            for b in 0..<batches {
                let indices = Array(order[(b * batchSize)..<Swift.min(n, (b + 1) * batchSize)])
                let result = try step(indices, &generator)
                let value = result.loss
                if !value.isFinite {
                    let part = result.parts.first { !$0.1.isFinite }?.0
                    throw TrainingError.nonFiniteLoss(label: label, epoch: epoch, step: b + 1, value: value, part: part)
                }
                totalLoss += Double(value) * Double(indices.count)
                for (name, v) in result.parts {
                    if totalParts[name] == nil && epoch == 1 && !history.partNames.contains(name) {
                        history.partNames.append(name)
                    }
                    totalParts[name, default: 0] += Double(v) * Double(indices.count)
                }
                progress?.update(
                    label, fraction: (Double(epoch - 1) + Double(b + 1) / Double(batches)) / Double(epochs),
                    detail: String(format: "epoch %d/%d · loss %.5f", epoch, epochs, value))
            }
            history.loss.append(Float(totalLoss / Double(n)))
            for name in history.partNames {
                history.parts[name, default: []].append(Float((totalParts[name] ?? 0) / Double(n)))
            }
            history.seconds = Date().timeIntervalSince(start)
            try afterEpoch?(epoch, history)
        }
        let parts = history.partNames.map { String(format: ", %@ %.5f", $0, history.parts[$0]!.last!) }.joined()
        progress?.finish(
            label,
            summary: String(
                format: "  %@: %d epochs, loss %.5f%@ (%@)", label, epochs,
                history.loss.last ?? .nan, parts,
                ProgressDisplay.duration(history.seconds)))
        return history
    }
}
