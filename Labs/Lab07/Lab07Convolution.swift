// Lab 07 — Convolutional autoencoder (exercises).
//
// LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document recognition"
// (1998); Masci, Meier, Cireşan & Schmidhuber, "Stacked convolutional auto-encoders for
// hierarchical feature extraction", ICANN (2011); Dumoulin & Visin, "A guide to convolution
// arithmetic for deep learning" (2016).
//
// Images are the rows of a matrix, each height × width × channels values in HWC order
// ("channels last"). A k × k kernel moves by the stride s over the image, padded with zeros
// ("same") or not ("valid"). Shape legend: N images, H × W × C each, F filters, output Ho × Wo.
//
// These exercises are the convolution itself, so they may not call the kit's: the grader sets
// aside lab 7 code that uses conv2d, convTranspose2d, Conv2D or ConvTranspose2D (a convolution
// with identity filters is im2col). The kit's convolutions take their output sizes from your 7.1.
//
// Replace each stub with your code; `swift run lab07` runs the lab and `swift run grade --labs 7`
// grades it. The handout is Labs/Lab07.md.
import LabKit

/// Exercise 7.1 — The output size of a convolution along one axis of length n:
///
///     valid (no padding):   ⌊(n − k) / s⌋ + 1     (the kernel must fit: k ≤ n)
///     same (zero padding):  ⌈n / s⌉               (padded so that every s-th pixel is a kernel centre)
///
/// - Parameters: inputSize n ≥ 1; kernel k ≥ 1; stride s ≥ 1; padding.
/// - Returns: the number of kernel positions along the axis.
///
/// Hint: in integer arithmetic ⌈n / s⌉ = (n + s − 1) / s.
public func convolutionOutputSize(inputSize n: Int, kernel k: Int, stride s: Int, padding: ConvolutionShape.Padding)
    throws -> Int
{
    throw NotImplemented(exercise: "7.1", function: "convolutionOutputSize(inputSize:kernel:stride:padding:)")
}

/// Exercise 7.2 — im2col: the patches a convolution sees, one row per output position.
///
/// Row (n·Ho + i)·Wo + j holds the k × k × C values under the kernel when it sits at output
/// position (i, j) of image n, in (ky, kx, c) order: entry (ky·k + kx)·C + c is pixel
/// (i·s + ky − top, j·s + kx − left), channel c — or 0 where that pixel is padding.
/// "same" padding adds (Ho − 1)·s + k − H rows in total (never fewer than 0), ⌊half⌋ of them on
/// top (`top`), and likewise columns, ⌊half⌋ on the left; "valid" adds none.
/// - Parameters: images [N, H·W·C]; shape (H, W, C, k, s, padding).
/// - Returns: the patches [N·Ho·Wo, k·k·C].
///
/// Hints: pixel (y, x), channel c of image n is `images[n, (y·W + x)·C + c]`. Your 7.1 gives Ho
/// and Wo. Then one matrix product does the whole convolution (7.4).
public func im2col(_ images: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    throw NotImplemented(exercise: "7.2", function: "im2col(_:_:)")
}

/// Exercise 7.3 — col2im, the adjoint of im2col: add every value of every patch back onto the
/// pixel it was read from (values that came from padding are dropped). Where patches overlap,
/// a pixel receives the sum of all its copies.
///
/// It is the gradient of im2col: for any images x and patches P, ⟨im2col(x), P⟩ = ⟨x, col2im(P)⟩.
/// And it is how a transposed convolution (a "deconvolution") draws: y = col2im(z · Wᵀ).
/// - Parameters: patches [N·Ho·Wo, k·k·C] in the layout of 7.2; shape.
/// - Returns: images [N, H·W·C].
public func col2im(_ patches: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    throw NotImplemented(exercise: "7.3", function: "col2im(_:_:)")
}

/// Exercise 7.4 — A convolution as one matrix product: with P = im2col(x),
///
///     y = P · W + b,    W [k·k·C, F] (one column per filter), b [F] (one bias per filter),
///
/// a row per output position and a column per filter, which is the channels-last layout of the
/// output images: reshape [N·Ho·Wo, F] to [N, Ho·Wo·F].
/// - Parameters: patches P [N·Ho·Wo, k·k·C]; filters W; bias b; shape (Ho·Wo from your 7.1,
///   so N = rows / (Ho·Wo)).
/// - Returns: y [N, Ho·Wo·F].
///
/// Hints: `Tensor.matmul(a, b)`; adding a [F] vector to an [R, F] matrix adds it to every row;
/// `.reshaped([…])`.
public func convolution(patches: Tensor, filters: Tensor, bias: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    throw NotImplemented(exercise: "7.4", function: "convolution(patches:filters:bias:_:)")
}

/// Exercise 7.5 — A transposed convolution must know the size it returns to, because several
/// input sizes give the same output size m. Return every n ≥ 1 with
/// convolutionOutputSize(n) = m: invert the formulas of 7.1, remembering that ⌊·⌋ and ⌈·⌉ map
/// a whole run of values to the same integer.
///
/// (Which sizes does a stride-2 "same" convolution map to 4? That is why the kit's transposed
/// convolution takes the shape of the convolution it undoes.)
/// - Parameters: outputSize m ≥ 1; kernel k; stride s; padding.
/// - Returns: the closed range of input sizes n.
public func transposedOutputSizes(outputSize m: Int, kernel k: Int, stride s: Int, padding: ConvolutionShape.Padding)
    throws -> ClosedRange<Int>
{
    throw NotImplemented(exercise: "7.5", function: "transposedOutputSizes(outputSize:kernel:stride:padding:)")
}

/// Exercise 7.6 — The convolutional autoencoder's loss: the mean squared error between the
/// model's output on `input` and the `clean` images,
///
///     L = (1/(N·D)) Σ (g(f(input)) − clean)²,    D = H·W·C,
///
/// with input = clean for a plain autoencoder and a corrupted copy for a denoising one.
/// - Parameters: model the autoencoder g∘f; clean [N, D]; input [N, D].
/// - Returns: the scalar loss, differentiable in the model's parameters.
///
/// Hint: `model(Variable(t))` runs the autoencoder; `meanSquaredError(predictions:targets:)`.
public func convAutoencoderLoss(model: ConvAutoencoder, clean: Tensor, input: Tensor) throws -> Variable {
    throw NotImplemented(exercise: "7.6", function: "convAutoencoderLoss(model:clean:input:)")
}
