/// The kit's only source of randomness: a seeded xoshiro256** generator.
///
/// Every function that draws random numbers takes one of these `inout`, so the same seed
/// always gives the same numbers — there is no hidden global random state.
///
/// ```
/// var rng = SeededGenerator(seed: 42)
/// let noise = Tensor.randomNormal([128, 784], using: &rng)
/// ```
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2018).
/// The four state words are filled from the seed with SplitMix64, as the authors recommend.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// The four state words, to hand a generator to another process and take it back.
    public var stateWords: [UInt64] {
        get { [state.0, state.1, state.2, state.3] }
        set {
            require(newValue.count == 4, "a generator's state is four words, got \(newValue.count)")
            state = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A new generator seeded from this one: hand independent streams to sub-tasks.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }

    /// Uniform in [0, 1) with 24 random bits (every Float32 in the grid k·2⁻²⁴).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, 1) as a Double with 53 random bits.
    public mutating func nextUniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal N(0, 1) by the Box–Muller transform:
    /// z = √(−2 ln u₁) · cos(2π u₂), with u₁ ∈ (0, 1].
    public mutating func nextNormal() -> Float {
        let u1 = 1.0 - nextUniformDouble()
        let u2 = nextUniformDouble()
        return Float((-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2))
    }

    /// A uniformly random integer in 0..<upperBound.
    public mutating func nextInt(below upperBound: Int) -> Int {
        require(upperBound > 0, "nextInt(below:) needs a positive bound, got \(upperBound)")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// A seeded Fisher–Yates shuffle of 0..<count.
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                indices.swapAt(i, nextInt(below: i + 1))
            }
        }
        return indices
    }
}
