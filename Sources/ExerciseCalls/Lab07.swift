import ExerciseChannel
import LabKit

public func convolutionOutputSize(
    inputSize n: Int, kernel k: Int, stride s: Int, padding: ConvolutionShape.Padding
) throws -> Int {
    try call("Lab07.convolutionOutputSize", n, k, s, padding)
}

public func im2col(_ images: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    try call("Lab07.im2col", images, shape)
}

public func col2im(_ patches: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    try call("Lab07.col2im", patches, shape)
}

public func convolution(patches: Tensor, filters: Tensor, bias: Tensor, _ shape: ConvolutionShape) throws -> Tensor {
    try call("Lab07.convolution", patches, filters, bias, shape)
}

public func transposedOutputSizes(
    outputSize m: Int, kernel k: Int, stride s: Int, padding: ConvolutionShape.Padding
) throws -> ClosedRange<Int> {
    try call("Lab07.transposedOutputSizes", m, k, s, padding)
}

public func convAutoencoderLoss(model: ConvAutoencoder, clean: Tensor, input: Tensor) throws -> Variable {
    try call("Lab07.convAutoencoderLoss", model, clean, input)
}
