// Graded checks for Lab 03 (denoising autoencoder): statistical properties of the noise
// with fixed seeds (tolerances several standard errors wide), reproducibility, and the
// objective against known values — never Solutions/.
import LabKit
import LabTesting
import func Lab03Exercises.gaussianNoise
import func Lab03Exercises.maskingNoise
import func Lab03Exercises.saltAndPepperNoise
import func Lab03Exercises.denoisingLoss
import XCTest

final class Lab03Checks: GradedTestCase {
    static let gray = Tensor(repeating: 0.5, shape: [100, 400])   // 40,000 entries

    // MARK: Exercise 3.1

    func test_3_1_gaussianNoiseHasTheRequestedStandardDeviation() {
        var rng = SeededGenerator(seed: 11)
        guard let noisy = graded({ try gaussianNoise(Self.gray, standardDeviation: 0.2, clip: false, using: &rng) }) else { return }
        guard noisy.shape == Self.gray.shape else { return XCTFail("x̃ should have the shape of x, \(Self.gray.shape); got \(noisy.shape)") }
        let noise = noisy - Self.gray
        let mean = Double(noise.mean()), std = Double((noise - Float(mean)).squared().mean().squareRoot())
        expectClose(mean, 0, tolerance: 0.006, "mean of x̃ − x", hint: "the noise must be centred: ε ~ N(0, 1).")
        expectClose(std, 0.2, tolerance: 0.006, "standard deviation of x̃ − x for σ = 0.2",
                    hint: "scale N(0, 1) samples by σ (the standard deviation), not by σ² (the variance).")
    }

    func test_3_1_clippingKeepsPixelsInTheUnitInterval() {
        var rng = SeededGenerator(seed: 12)
        guard let clipped = graded({ try gaussianNoise(Self.gray, standardDeviation: 0.5, clip: true, using: &rng) }),
              let unclipped = graded({ try gaussianNoise(Self.gray, standardDeviation: 0.5, clip: false, using: &rng) }) else { return }
        expect(clipped.min() >= 0 && clipped.max() <= 1, "with clip: true every value must lie in [0, 1]; found [\(clipped.min()), \(clipped.max())]",
               hint: "clamp x + σε into [0, 1] when clip is true.")
        expect(unclipped.min() < 0 && unclipped.max() > 1, "with clip: false, σ = 0.5 noise should leave [0, 1] somewhere; found [\(unclipped.min()), \(unclipped.max())]",
               hint: "clip only when asked.")
    }

    // MARK: Exercise 3.2

    func test_3_2_maskingZeroesEachEntryWithProbabilityP() {
        var rng = SeededGenerator(seed: 21)
        guard let masked = graded({ try maskingNoise(Self.gray, probability: 0.3, using: &rng) }) else { return }
        let zeros = Double(masked.scalars.filter { $0 == 0 }.count) / Double(masked.count)
        expectClose(zeros, 0.3, tolerance: 0.012, "fraction of entries set to 0 with p = 0.3",
                    hint: "each entry is zeroed with probability p and kept with probability 1 − p (not the other way round).")
        expect(masked.scalars.allSatisfy { $0 == 0 || $0 == 0.5 }, "masking must keep or zero entries, never change them otherwise",
               hint: "multiply by a 0/1 mask.")
    }

    func test_3_2_everyCallDrawsANewPatternAndTheSeedReproducesIt() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        guard let first = graded({ try maskingNoise(Self.gray, probability: 0.5, using: &a) }),
              let second = graded({ try maskingNoise(Self.gray, probability: 0.5, using: &a) }),
              let again = graded({ try maskingNoise(Self.gray, probability: 0.5, using: &b) }) else { return }
        expect(first != second, "two calls with the same generator returned the same mask",
               hint: "draw from the generator passed in (inout), so each minibatch gets fresh noise.")
        expect(first == again, "the same seed should give the same mask",
               hint: "use only the generator passed in — no other source of randomness.")
    }

    // MARK: Exercise 3.3

    func test_3_3_saltAndPepperChangesAFractionPHalfToZeroHalfToOne() {
        var rng = SeededGenerator(seed: 31)
        guard let noisy = graded({ try saltAndPepperNoise(Self.gray, probability: 0.2, using: &rng) }) else { return }
        let changed = noisy.scalars.filter { $0 != 0.5 }
        expectClose(Double(changed.count) / Double(noisy.count), 0.2, tolerance: 0.01, "fraction of entries changed with p = 0.2",
                    hint: "each entry is replaced with probability p.")
        expect(changed.allSatisfy { $0 == 0 || $0 == 1 }, "replaced entries must be exactly 0 (pepper) or 1 (salt)", hint: "set, don't add.")
        expectClose(Double(changed.filter { $0 == 1 }.count) / Double(Swift.max(1, changed.count)), 0.5, tolerance: 0.025,
                    "share of replaced entries set to 1", hint: "salt and pepper are equally likely: 0 or 1 with probability ½ each.")
    }

    func test_3_3_inputIsLeftUnchangedAndSeedsReproduce() {
        var data = SeededGenerator(seed: 77)
        let x = Tensor.randomUniform([20, 50], using: &data)
        let copy = x
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        guard let first = graded({ try saltAndPepperNoise(x, probability: 0.3, using: &a) }),
              let again = graded({ try saltAndPepperNoise(x, probability: 0.3, using: &b) }),
              let next = graded({ try saltAndPepperNoise(x, probability: 0.3, using: &a) }) else { return }
        expect(x == copy, "the clean input changed", hint: "work on a copy (var out = x).")
        expect(first == again && first != next, "the noise must be reproducible from the seed and new on every call",
               hint: "draw every random number from the generator passed in.")
        expect(first != x, "p = 0.3 should change some entries", hint: "replace entries with probability p.")
    }

    // MARK: Exercise 3.4

    func makeModel() -> Autoencoder {
        var rng = SeededGenerator(seed: 4)
        return Autoencoder(sizes: [6, 3], hidden: .relu, code: .relu, output: .sigmoid, using: &rng)
    }

    func test_3_4_theTargetIsTheCleanInputAndTheInputIsCorrupted() {
        let model = makeModel()
        let clean = Tensor([[1, 0, 1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
        let corrupted = Tensor([[1, 0, 0, 0, 1, 0], [0, 0.5, 0.5, 0, 0.5, 0.5]])
        guard let loss = graded({ try denoisingLoss(model: model, clean: clean, corrupted: corrupted) }) else { return }
        let value = Double(loss.value.scalars.first ?? .nan)
        let fromCorrupted = model.reconstruct(corrupted), fromClean = model.reconstruct(clean)
        let right = mse(fromCorrupted, clean)
        expect(Swift.abs(value - right) < 1e-6,
               "expected mean (g(f(x̃)) − x)² = \(right), got \(value) [target x̃ would give \(mse(fromCorrupted, corrupted)); input x would give \(mse(fromClean, clean))]",
               hint: "feed the corrupted x̃ to the model and compare its output with the clean x.")
    }

    func test_3_4_gradientsReachTheModel() throws {
        let model = makeModel()
        let clean = Tensor([[1, 0, 1, 0, 1, 0]]), corrupted = Tensor([[1, 0, 0, 0, 1, 0]])
        guard let loss = graded({ try denoisingLoss(model: model, clean: clean, corrupted: corrupted) }) else { return }
        try loss.backward()
        expect(model.parameters.allSatisfy { $0.grad != nil }, "every parameter of the model should receive a gradient",
               hint: "run the model on Variable(corrupted) and build the loss from its output.")
    }

    func mse(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(a.count)
    }
}
