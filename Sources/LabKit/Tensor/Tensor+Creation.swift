extension Tensor {
    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        var t = zeros([n, n])
        for i in 0..<n { t[i, i] = 1 }
        return t
    }

    /// Values drawn independently from U(low, high).
    public static func randomUniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout SeededGenerator
    ) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = low + (high - low) * generator.nextUniform() }
        return Tensor(shape: shape, scalars: values)
    }

    /// Values drawn independently from N(mean, standardDeviation²).
    public static func randomNormal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout SeededGenerator
    ) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = mean + standardDeviation * generator.nextNormal() }
        return Tensor(shape: shape, scalars: values)
    }

    /// Values that are 1 with probability p and 0 otherwise (Bernoulli(p)).
    public static func randomBernoulli(
        _ shape: [Int], probability p: Float, using generator: inout SeededGenerator
    ) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n where generator.nextUniform() < p { values[i] = 1 }
        return Tensor(shape: shape, scalars: values)
    }
}
