/// Why training stopped early.
package enum TrainingError: Error, CustomStringConvertible {
    /// The loss became NaN or ±∞.
    case nonFiniteLoss(label: String, epoch: Int, step: Int, value: Float, part: String?)

    package var description: String {
        switch self {
        case let .nonFiniteLoss(label, epoch, step, value, part):
            let which = part.map { " (its part \"\($0)\")" } ?? ""
            return """
                Training "\(label)" stopped: the loss\(which) became \(value) at epoch \(epoch), step \(step).
                Likely causes: a learning rate that is too large (try 10× smaller); the log of 0 or of a
                negative number (clamp probabilities into [ε, 1 − ε] before taking logs); a division by
                a value that can be 0; exp of a large number overflowing (work with logits).
                """
        }
    }
}
