// Lab 08 — Stacked autoencoders and learning from few labels (reference solutions).
//
// Hinton & Salakhutdinov, "Reducing the dimensionality of data with neural networks", Science
// (2006); Bengio, Lamblin, Popovici & Larochelle, "Greedy layer-wise training of deep
// networks", NIPS (2007); Vincent, Larochelle, Lajoie, Bengio & Manzagol, "Stacked denoising
// autoencoders", JMLR (2010).
//
// A deep encoder is trained one layer at a time, without labels: layer k learns to reconstruct
// the codes of the layers below it, which stay frozen. The stack then initialises a classifier
// that sees only a few labelled examples. Shape legend: N examples, K classes, D features.
//
// `LABKIT_SOLUTIONS=1 swift run lab08` runs the lab with these. The handout is Labs/Lab08.md.
import Foundation
import LabKit

/// Exercise 8.1 — log-softmax of each row of logits, computed stably:
///
///     log softmax(z)ₖ = zₖ − log Σⱼ e^{zⱼ} = (zₖ − m) − log Σⱼ e^{zⱼ − m},    m = maxⱼ zⱼ
///
/// Both forms are equal for any m; with m the row's maximum every exponent is ≤ 0, so e^{·}
/// never overflows, and the largest term is e⁰ = 1, so the log never sees 0.
/// - Parameter logits: z [N, K].
/// - Returns: [N, K], each row's log-probabilities (their exponentials sum to 1).
///
/// Hint: for logits like [1000, 0], e^1000 is ∞ in Float: subtract the maximum first.
public func logSoftmax(_ logits: Tensor) throws -> Tensor {
    let k = logits.columnCount
    var result = logits
    for n in 0..<logits.rowCount {
        let row = Array(logits.scalars[(n * k)..<((n + 1) * k)])
        let m = row.max() ?? 0
        let logNormaliser = log(row.reduce(0.0) { $0 + exp(Double($1 - m)) })
        for j in 0..<k { result[n, j] = Float(Double(row[j] - m) - logNormaliser) }
    }
    return result
}

/// Exercise 8.2 — Softmax cross-entropy of integer labels, and its gradient, by hand:
///
///     L = −(1/N) Σₙ log softmax(zₙ)_{yₙ}
///     ∂L/∂zₙₖ = (softmax(zₙ)ₖ − [k = yₙ]) / N
///
/// The gradient is why the pair is popular: the softmax's Jacobian and the log's 1/p cancel,
/// leaving "predicted minus true probabilities".
/// - Parameters: logits z [N, K]; labels yₙ ∈ 0..<K, one per row.
/// - Returns: the mean loss L, and ∂L/∂z [N, K].
///
/// Hints: your 8.1 gives log softmax (exponentiate it for softmax); `tensor[n, k]` reads and
/// writes one entry.
public func softmaxCrossEntropy(logits: Tensor, labels: [Int]) throws -> (loss: Float, gradient: Tensor) {
    let logProbabilities = try logSoftmax(logits)
    let count = Float(labels.count)
    var loss = 0.0
    var gradient = logProbabilities.exp()
    for (n, y) in labels.enumerated() {
        loss -= Double(logProbabilities[n, y])
        gradient[n, y] -= 1
    }
    return (Float(loss / Double(count)), gradient / count)
}

/// Exercise 8.3 — Greedy layer-wise pretraining (Bengio et al., 2007): train the layers of a
/// deep encoder one at a time, bottom up, each as the encoder of a shallow autoencoder.
///
///     for k = 0, 1, …, L − 1:
///         inputs_k = layer_{k−1}(… layer_0(data))     (inputs_0 = data; computed after layers
///                                                      0…k−1 are trained, and frozen: no
///                                                      gradient may reach them)
///         trainLayer(layer_k, inputs_k)               (fits layer_k with a fresh decoder so that
///                                                      decoder(layer_k(inputs_k)) ≈ inputs_k)
///
/// - Parameters: layers the encoder's layers, bottom first; data [N, D]; trainLayer the
///   training of one shallow autoencoder (the notebook's: Adam, masking noise, a new decoder).
///
/// Hint: `layer.evaluate(x)` runs a layer without recording gradients.
public func greedyLayerwisePretraining(
    layers: [Dense], data: Tensor,
    trainLayer: (_ layer: Dense, _ inputs: Tensor) throws -> Void
) throws {
    var inputs = data
    for layer in layers {
        try trainLayer(layer, inputs)
        inputs = layer.evaluate(inputs)
    }
}

/// Exercise 8.4 — One fine-tuning step of a classifier on a labelled minibatch:
///
///     zero the gradients;  z = classifier(images);  (L, ∂L/∂z) = your softmaxCrossEntropy (8.2)
///     backpropagate ∂L/∂z into the parameters;  take one optimizer step;  return L
///
/// Frozen parameters (a linear probe: `classifier.encoder.freeze()` before training) receive no
/// gradient and must not move; leave freezing to the caller.
/// - Parameters: classifier; optimizer over its parameters; images [N, D]; labels, one per row.
/// - Returns: the loss L on the minibatch, before the step.
///
/// Hints: `classifier(Variable(images))` gives the logits as a Variable; `v.backward(gradient: g)`
/// sends a hand-made ∂L/∂v back through the graph; `optimizer.zeroGradients()`, `optimizer.step()`.
public func fineTuningStep(classifier: Classifier, optimizer: Optimizer, images: Tensor, labels: [Int]) throws -> Float
{
    optimizer.zeroGradients()
    let logits = classifier(Variable(images))
    let (loss, gradient) = try softmaxCrossEntropy(logits: logits.value, labels: labels)
    try logits.backward(gradient: gradient)
    optimizer.step()
    return loss
}

/// Exercise 8.5 — The labelled examples of a few-label experiment: `count` indices into
/// `labels`, balanced over the classes — ⌊count/K⌋ of each class, and one more for count mod K
/// of the classes — drawn uniformly at random without replacement within each class, from the
/// given generator only (the same seed gives the same subset; the next call, a new one).
/// - Parameters: labels yₙ ∈ 0..<classes; count ≤ N (each class has at least ⌈count/K⌉
///   examples); classes K; generator.
/// - Returns: `count` distinct indices into `labels`, in any order.
///
/// Hints: `generator.permutation(n)` is a uniformly random order of 0..<n;
/// `array.shuffled(using: &generator)` shuffles an array.
public func labelledSubset(labels: [Int], count: Int, classes: Int, using generator: inout SeededGenerator) throws
    -> [Int]
{
    var chosen: [Int] = []
    for c in 0..<classes {
        let share = count / classes + (c < count % classes ? 1 : 0)
        let members = labels.indices.filter { labels[$0] == c }
        chosen += generator.permutation(members.count).prefix(share).map { members[$0] }
    }
    return chosen
}
