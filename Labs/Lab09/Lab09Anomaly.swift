// Lab 09 — Anomaly detection with reconstruction error (exercises).
//
// An, J. & Cho, S., "Variational autoencoder based anomaly detection using reconstruction
// probability" (2015); Sakurada & Yairi, "Anomaly detection using autoencoders with nonlinear
// dimensionality reduction" (2014); Fawcett, "An introduction to ROC analysis", Pattern
// Recognition Letters (2006).
//
// An autoencoder trained only on normal images reconstructs them well and anything else
// worse, so the reconstruction error is an anomaly score. Shape legend: N images of H × W
// pixels, D = H·W; scores are one number per image, higher meaning more anomalous.
//
// Replace each stub with your code; `swift run lab09` runs the lab and `swift run grade --labs 9`
// grades it. The handout is Labs/Lab09.md.
import LabKit

/// Exercise 9.1 — The reconstruction error of each image, its anomaly score:
///
///     sₙ = (1/D) Σ_d (xₙd − x̂ₙd)²
///
/// - Parameters: images x [N, D]; reconstructions x̂ [N, D].
/// - Returns: N scores, one per image (row).
public func reconstructionErrors(images: Tensor, reconstructions: Tensor) throws -> [Float] {
    throw NotImplemented(exercise: "9.1", function: "reconstructionErrors(images:reconstructions:)")
}

/// Exercise 9.2 — The patch-max error: an anomaly is often a small region (a strap, a
/// heel) that the mean over all D pixels dilutes. Slide a p × p window over every position
/// where it fits (stride 1, no padding) and keep the worst window's mean squared error:
///
///     sₙ = max over (i, j) of (1/p²) Σ_{a<p, b<p} (xₙ[i+a, j+b] − x̂ₙ[i+a, j+b])²
///
/// with pixel (y, x) of image n at column y·W + x.
/// - Parameters: images, reconstructions [N, H·W]; height H; width W; patch p ≤ min(H, W).
/// - Returns: N scores.
///
/// Hint: square the differences once; each window is then a p × p sum.
public func patchMaxErrors(images: Tensor, reconstructions: Tensor, height: Int, width: Int, patch: Int) throws
    -> [Float]
{
    throw NotImplemented(exercise: "9.2", function: "patchMaxErrors(images:reconstructions:height:width:patch:)")
}

/// Exercise 9.3 — The ROC curve of a score, exactly: for every threshold t, flag the images
/// with score ≥ t and plot the false positive rate (flagged normals / normals) against the
/// true positive rate (flagged anomalies / anomalies).
///
/// Lower t through the distinct scores from the largest down: the curve starts at (0, 0),
/// gains one point per distinct score and ends at (1, 1). Images with the same score are
/// flagged together, so a tie between normals and anomalies is one diagonal step, not a
/// staircase in an arbitrary order.
/// - Parameters: scores, one per image; isAnomaly, the truth, with at least one of each kind.
/// - Returns: the points (FPR, TPR), from (0, 0) to (1, 1).
public func rocCurve(scores: [Float], isAnomaly: [Bool]) throws -> [(
    falsePositiveRate: Double, truePositiveRate: Double
)] {
    throw NotImplemented(exercise: "9.3", function: "rocCurve(scores:isAnomaly:)")
}

/// Exercise 9.4 — The area under the ROC curve. It equals the probability that a random
/// anomaly scores higher than a random normal image, counting ties as one half
/// (the Mann–Whitney U statistic over n₁·n₀ pairs):
///
///     AUC = (1/(n₁ n₀)) Σ_{a anomalous} Σ_{b normal} ([s_a > s_b] + ½ [s_a = s_b])
///
/// - Parameters: scores; isAnomaly, with at least one of each kind.
/// - Returns: the AUC in [0, 1]: 0.5 for a score that knows nothing, 1 for a perfect one.
///
/// Hint: the trapezoids under your 9.3 curve give exactly this (a diagonal step is half a square).
public func rocAUC(scores: [Float], isAnomaly: [Bool]) throws -> Double {
    throw NotImplemented(exercise: "9.4", function: "rocAUC(scores:isAnomaly:)")
}

/// Exercise 9.5 — A threshold from normal images only: the q-quantile of their scores, so
/// that a fraction of about 1 − q of normal images is flagged (a false alarm rate you choose).
/// Take the k-th smallest score with k = ⌈q·n⌉ (counting from 1).
/// - Parameters: normalScores, n ≥ 1 scores of normal (training) images; quantile q ∈ (0, 1].
/// - Returns: the threshold.
public func anomalyThreshold(normalScores: [Float], quantile q: Double) throws -> Float {
    throw NotImplemented(exercise: "9.5", function: "anomalyThreshold(normalScores:quantile:)")
}

/// Exercise 9.6 — Precision, recall and F1 of flagging the images with score > threshold:
///
///     precision = TP / (TP + FP),   recall = TP / (TP + FN),   F1 = 2·P·R / (P + R)
///
/// with precision = 0 when nothing is flagged and F1 = 0 when P + R = 0.
/// - Parameters: scores; isAnomaly; threshold.
/// - Returns: (precision, recall, F1).
public func precisionRecallF1(scores: [Float], isAnomaly: [Bool], threshold: Float) throws
    -> (precision: Double, recall: Double, f1: Double)
{
    throw NotImplemented(exercise: "9.6", function: "precisionRecallF1(scores:isAnomaly:threshold:)")
}

/// Exercise 9.7 — The baseline: PCA's reconstruction error. Project the centred image onto
/// the top-k principal components of the normal images and measure what is left:
///
///     x̂ = μ + V Vᵀ (x − μ),    sₙ = (1/D) ‖xₙ − x̂ₙ‖²
///
/// - Parameters: images x [N, D]; mean μ [D]; components V [D, k] (orthonormal columns).
/// - Returns: N scores.
///
/// Hint: with the rows as images, the codes are (X − μ)·V and the reconstructions codes·Vᵀ + μ.
public func pcaReconstructionErrors(images: Tensor, mean: Tensor, components: Tensor) throws -> [Float] {
    throw NotImplemented(exercise: "9.7", function: "pcaReconstructionErrors(images:mean:components:)")
}
