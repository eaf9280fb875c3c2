/// The predicted class of each row of logits (or probabilities): argmaxₖ zₙₖ.
public func predictedClasses(_ logits: Tensor) -> [Int] { logits.argmax(alongAxis: 1) }

/// The fraction of predictions that equal their labels, in [0, 1].
public func accuracy(predictions: [Int], labels: [Int]) -> Double {
    require(predictions.count == labels.count, "accuracy: \(predictions.count) predictions for \(labels.count) labels")
    guard !labels.isEmpty else { return .nan }
    return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
}
