// Graded checks for Lab 03 (denoising autoencoder): the noise's distribution by exact
// binomial and χ² tests with fixed seeds (each test fails a correct answer with probability
// at most 1e-7), the randomness contract, and the objective against known values and finite
// differences — never a reference implementation.
import LabKit
import LabTesting
import XCTest

import func ExerciseCalls.denoisingLoss
import func ExerciseCalls.gaussianNoise
import func ExerciseCalls.maskingNoise
import func ExerciseCalls.saltAndPepperNoise

final class Lab03Checks: GradedTestCase {
    /// 200 × 150 = 30,000 pixels, all different and strictly inside (0.1, 0.9), so that a
    /// replaced or zeroed pixel is always told from a kept one.
    static let image: Tensor = {
        var rng = SeededGenerator(seed: 303)
        return Tensor.randomUniform([200, 150], low: 0.1, high: 0.9, using: &rng)
    }()

    /// For each of the disjoint pairs of neighbours along rows and then along columns,
    /// whether `event` holds for both. Independent draws per entry make the count binomial.
    static func pairs(_ t: Tensor, _ event: (Float) -> Bool) -> (
        rows: (both: Int, pairs: Int), columns: (both: Int, pairs: Int)
    ) {
        var rows = 0, columns = 0
        for n in 0..<t.rowCount {
            for j in Swift.stride(from: 0, to: t.columnCount - 1, by: 2) where event(t[n, j]) && event(t[n, j + 1]) {
                rows += 1
            }
        }
        for n in Swift.stride(from: 0, to: t.rowCount - 1, by: 2) {
            for j in 0..<t.columnCount where event(t[n, j]) && event(t[n + 1, j]) { columns += 1 }
        }
        return ((rows, t.rowCount * (t.columnCount / 2)), (columns, (t.rowCount / 2) * t.columnCount))
    }

    // MARK: Exercise 3.1
    // Statistical checks: each makes at most 4 tests at a false-failure rate of 1e-7 each, so a
    // correct answer fails one of them with probability at most 4e-7.

    func test_3_1_standardisedNoiseIsStandardNormal() {
        var rng = SeededGenerator(seed: 11)
        guard let noisy = graded({ try gaussianNoise(Self.image, standardDeviation: 0.3, clip: false, using: &rng) })
        else { return }
        guard noisy.shape == Self.image.shape else {
            return XCTFail("x̃ should have the shape of x, \(Self.image.shape); got \(noisy.shape)")
        }
        let standardised = zip(noisy.scalars, Self.image.scalars).map { (Double($0) - Double($1)) / 0.3 }
        expectStandardNormal(
            standardised, "(x̃ − x)/σ for σ = 0.3",
            hint:
                "x̃ = x + σε with ε ~ N(0, 1): add the noise to x, scale it by σ (the standard deviation, not σ²), and centre it at 0."
        )
    }

    func test_3_1_everyEntryGetsItsOwnNoise() {
        var rng = SeededGenerator(seed: 12)
        guard let noisy = graded({ try gaussianNoise(Self.image, standardDeviation: 0.3, clip: false, using: &rng) })
        else { return }
        guard noisy.shape == Self.image.shape else {
            return XCTFail("x̃ should have the shape of x, \(Self.image.shape); got \(noisy.shape)")
        }
        let noise = noisy - Self.image
        let (rows, columns) = Self.pairs(noise) { $0 > 0 }
        // Positive noise on both of two neighbours happens with probability ¼ if they are independent.
        expectBinomial(
            rows.both, trials: rows.pairs, probability: 0.25, "pairs of neighbours in a row both pushed up",
            hint: "draw ε for every entry ([N, D] values), not one value per image or per pixel shared by all images.")
        expectBinomial(
            columns.both, trials: columns.pairs, probability: 0.25, "pairs of neighbours in a column both pushed up",
            hint: "draw ε for every entry ([N, D] values), not one value per pixel shared by all images.")
    }

    func test_3_1_clippingClampsTheSameNoisyImage() {
        var a = SeededGenerator(seed: 13), b = SeededGenerator(seed: 13)
        guard let clipped = graded({ try gaussianNoise(Self.image, standardDeviation: 0.5, clip: true, using: &a) }),
            let unclipped = graded({ try gaussianNoise(Self.image, standardDeviation: 0.5, clip: false, using: &b) })
        else { return }
        expect(
            unclipped.min() < 0 && unclipped.max() > 1,
            "with clip: false, σ = 0.5 noise should leave [0, 1] somewhere; found [\(unclipped.min()), \(unclipped.max())]",
            hint: "clip only when asked.")
        expectClose(
            clipped, unclipped.clamped(0, 1), tolerance: 1e-6,
            "x̃ with clip: true against the same draw without clipping, clamped to [0, 1]",
            hint: "add the noise first, then clamp x + σε into [0, 1] (both ends) when clip is true.")
    }

    func test_3_1_randomnessComesFromTheCallersGenerator() {
        // 30,000 independent values of at least 8 bits each: at least 30,000 · 8 / 64 draws.
        expectRandomnessContract("gaussianNoise", minimumDraws: Self.image.count / 8) { g in
            try gaussianNoise(Self.image, standardDeviation: 0.2, clip: false, using: &g)
        }
    }

    // MARK: Exercise 3.2

    func test_3_2_eachEntryIsZeroedIndependentlyWithProbabilityP() {
        var rng = SeededGenerator(seed: 21)
        guard let masked = graded({ try maskingNoise(Self.image, probability: 0.3, using: &rng) }) else { return }
        guard masked.shape == Self.image.shape else {
            return XCTFail("x̃ should have the shape of x, \(Self.image.shape); got \(masked.shape)")
        }
        expect(
            zip(masked.scalars, Self.image.scalars).allSatisfy { $0 == 0 || $0 == $1 },
            "masking must keep or zero entries, never change them otherwise",
            hint: "multiply x by a 0/1 mask.")
        expectBinomial(
            masked.scalars.filter { $0 == 0 }.count, trials: masked.count, probability: 0.3,
            "entries set to 0 with p = 0.3",
            hint: "each entry is zeroed with probability p and kept with probability 1 − p (not the other way round).")
        let (rows, columns) = Self.pairs(masked) { $0 == 0 }
        expectBinomial(
            rows.both, trials: rows.pairs, probability: 0.09, "pairs of neighbours in a row both zeroed (p² = 0.09)",
            hint: "draw the mask for every entry independently, not one draw per image.")
        expectBinomial(
            columns.both, trials: columns.pairs, probability: 0.09,
            "pairs of neighbours in a column both zeroed (p² = 0.09)",
            hint: "draw the mask for every entry independently, not one mask row shared by all images.")
    }

    func test_3_2_probabilitiesZeroAndOne() {
        var rng = SeededGenerator(seed: 22)
        guard let none = graded({ try maskingNoise(Self.image, probability: 0, using: &rng) }),
            let all = graded({ try maskingNoise(Self.image, probability: 1, using: &rng) })
        else { return }
        expect(
            none == Self.image, "with p = 0 nothing should be masked",
            hint: "zero an entry when a uniform draw u ∈ [0, 1) is < p.")
        expect(
            all.scalars.allSatisfy { $0 == 0 },
            "with p = 1 every entry should be 0; \(all.scalars.filter { $0 != 0 }.count) were kept",
            hint: "zero an entry when a uniform draw u ∈ [0, 1) is < p.")
    }

    func test_3_2_randomnessComesFromTheCallersGenerator() {
        expectRandomnessContract("maskingNoise", minimumDraws: Self.image.count / 64) { g in
            try maskingNoise(Self.image, probability: 0.5, using: &g)
        }
    }

    // MARK: Exercise 3.3

    func test_3_3_aFractionPIsReplacedHalfByZeroHalfByOne() {
        var rng = SeededGenerator(seed: 31)
        guard let noisy = graded({ try saltAndPepperNoise(Self.image, probability: 0.2, using: &rng) }) else { return }
        guard noisy.shape == Self.image.shape else {
            return XCTFail("x̃ should have the shape of x, \(Self.image.shape); got \(noisy.shape)")
        }
        let changed = zip(noisy.scalars, Self.image.scalars).filter { $0 != $1 }.map(\.0)
        expect(
            changed.allSatisfy { $0 == 0 || $0 == 1 }, "replaced entries must be exactly 0 (pepper) or 1 (salt)",
            hint: "set, don't add.")
        expectBinomial(
            changed.count, trials: noisy.count, probability: 0.2, "entries replaced with p = 0.2",
            hint: "each entry is replaced with probability p.")
        expectBinomial(
            changed.filter { $0 == 1 }.count, trials: noisy.count, probability: 0.1,
            "entries set to 1 (salt), probability p/2",
            hint: "a replaced entry is 0 or 1 with probability ½ each, so each has probability p/2 overall.")
        let (rows, columns) = Self.pairs(noisy) { $0 == 0 || $0 == 1 }
        expectBinomial(
            rows.both, trials: rows.pairs, probability: 0.04, "pairs of neighbours in a row both replaced (p² = 0.04)",
            hint: "decide for every entry independently.")
        expectBinomial(
            columns.both, trials: columns.pairs, probability: 0.04,
            "pairs of neighbours in a column both replaced (p² = 0.04)",
            hint: "decide for every entry independently.")
    }

    func test_3_3_probabilitiesZeroAndOne() {
        var rng = SeededGenerator(seed: 32)
        guard let none = graded({ try saltAndPepperNoise(Self.image, probability: 0, using: &rng) }),
            let all = graded({ try saltAndPepperNoise(Self.image, probability: 1, using: &rng) })
        else { return }
        expect(
            none == Self.image, "with p = 0 nothing should change",
            hint: "replace an entry when a uniform draw u ∈ [0, 1) is < p.")
        expect(
            all.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "with p = 1 every entry should be 0 or 1",
            hint: "replace an entry when a uniform draw is < p.")
        expectBinomial(
            all.scalars.filter { $0 == 1 }.count, trials: all.count, probability: 0.5, "entries set to 1 with p = 1",
            hint: "salt and pepper are equally likely.")
    }

    func test_3_3_randomnessComesFromTheCallersGenerator() {
        expectRandomnessContract("saltAndPepperNoise", minimumDraws: Self.image.count / 64) { g in
            try saltAndPepperNoise(Self.image, probability: 0.3, using: &g)
        }
    }

    // MARK: Exercise 3.4

    func makeModel() -> Autoencoder {
        var rng = SeededGenerator(seed: 4)
        return Autoencoder(sizes: [6, 3], hidden: .tanh, code: .tanh, output: .sigmoid, using: &rng)
    }

    func test_3_4_theTargetIsTheCleanInputAndTheInputIsCorrupted() {
        let model = makeModel()
        let clean = Tensor([[1, 0, 1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
        let corrupted = Tensor([[1, 0, 0, 0, 1, 0], [0, 0.5, 0.5, 0, 0.5, 0.5]])
        guard let loss = graded({ try denoisingLoss(model: model, clean: clean, corrupted: corrupted) }) else { return }
        let value = Double(loss.value.scalars.first ?? .nan)
        let fromCorrupted = model.reconstruct(corrupted), fromClean = model.reconstruct(clean)
        let right = mse(fromCorrupted, clean)
        expect(
            Swift.abs(value - right) < 1e-6,
            "expected mean (g(f(x̃)) − x)² = \(right), got \(value) [target x̃ would give \(mse(fromCorrupted, corrupted)); input x would give \(mse(fromClean, clean))]",
            hint: "feed the corrupted x̃ to the model and compare its output with the clean x.")
    }

    func test_3_4_gradientsMatchFiniteDifferencesForEveryParameter() {
        // N = 4 images of D = 6 pixels, code size 3.
        let model = makeModel()
        var rng = SeededGenerator(seed: 34)
        let clean = Tensor.randomUniform([4, 6], using: &rng)
        let corrupted = clean * Tensor.randomBernoulli([4, 6], probability: 0.7, using: &rng)
        let parameters = model.parameters.enumerated().map {
            ("parameter \($0.offset) (\($0.element.shape))", $0.element)
        }
        expectParameterGradientsMatchFiniteDifferences(
            parameters, step: 1e-2, "the denoising loss",
            hint:
                "run the model on Variable(corrupted) with model(…) (not evaluate) and build the mean squared error from its output."
        ) {
            try denoisingLoss(model: model, clean: clean, corrupted: corrupted)
        }
    }

    func mse(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(a.count)
    }
}
