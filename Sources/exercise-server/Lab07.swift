import ExerciseChannel
import Lab07Exercises
import LabKit

func lab07() -> [ServedExercise] {
    [
        exercise("Lab07.convolutionOutputSize") { (n: Int, k: Int, s: Int, padding: ConvolutionShape.Padding) in
            try convolutionOutputSize(inputSize: n, kernel: k, stride: s, padding: padding)
        },
        exercise("Lab07.im2col") { (images: Tensor, shape: ConvolutionShape) in try im2col(images, shape) },
        exercise("Lab07.col2im") { (patches: Tensor, shape: ConvolutionShape) in try col2im(patches, shape) },
        exercise("Lab07.convolution") { (patches: Tensor, filters: Tensor, bias: Tensor, shape: ConvolutionShape) in
            try convolution(patches: patches, filters: filters, bias: bias, shape)
        },
        exercise("Lab07.transposedOutputSizes") { (m: Int, k: Int, s: Int, padding: ConvolutionShape.Padding) in
            try transposedOutputSizes(outputSize: m, kernel: k, stride: s, padding: padding)
        },
        exercise("Lab07.convAutoencoderLoss") { (model: ConvAutoencoder, clean: Tensor, input: Tensor) in
            try convAutoencoderLoss(model: model, clean: clean, input: input)
        },
    ]
}
