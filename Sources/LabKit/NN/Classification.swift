/// Softmax cross-entropy of integer class labels, from logits z [N, K] (labels yₙ ∈ 0..<K):
/// ```
/// L = (1/N) Σₙ [log Σₖ e^{zₙₖ} − zₙ,yₙ],    ∂L/∂zₙₖ = (softmax(zₙ)ₖ − [k = yₙ]) / N
/// ```
/// The log-sum-exp is taken as mₙ + log Σₖ e^{zₙₖ − mₙ} with mₙ = maxₖ zₙₖ, so no exponential
/// overflows and the loss stays finite for logits of any size.
public func crossEntropy(logits z: Variable, labels: [Int]) -> Variable {
    require(
        z.value.rank == 2 && z.shape[0] == labels.count,
        "crossEntropy: logits must be [N, K] with one label per row, got \(z.shape) and \(labels.count) labels")
    let (n, k) = (z.shape[0], z.shape[1])
    require(labels.allSatisfy { (0..<k).contains($0) }, "crossEntropy: labels must lie in 0..<\(k)")
    var probabilities = Tensor.zeros([n, k])
    var total = 0.0
    z.value.scalars.withUnsafeBufferPointer { logits in
        probabilities.scalars.withUnsafeMutableBufferPointer { p in
            for row in 0..<n {
                let zRow = logits[(row * k)..<((row + 1) * k)]
                let top = zRow.max()!
                var normaliser = 0.0
                for (j, value) in zRow.enumerated() {
                    let e = _exp(Double(value - top))
                    p[row * k + j] = Float(e)
                    normaliser += e
                }
                for j in 0..<k { p[row * k + j] = Float(Double(p[row * k + j]) / normaliser) }
                total += Double(top) + _log(normaliser) - Double(zRow[row * k + labels[row]])
            }
        }
    }
    return Variable(Tensor(Float(total / Double(n))), inputs: [z]) { g in
        var gradient = probabilities
        for (row, label) in labels.enumerated() { gradient[row, label] -= 1 }
        return [gradient * (g.scalar / Float(n))]
    }
}

/// The predicted class of each row of logits (or probabilities): argmaxₖ zₙₖ.
public func predictedClasses(_ logits: Tensor) -> [Int] { logits.argmax(alongAxis: 1) }

/// The fraction of predictions that equal their labels, in [0, 1].
public func accuracy(predictions: [Int], labels: [Int]) -> Double {
    require(predictions.count == labels.count, "accuracy: \(predictions.count) predictions for \(labels.count) labels")
    guard !labels.isEmpty else { return .nan }
    return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
}
