import CKernels
import Dispatch
import XCTest

@testable import LabKit

/// The fused kernels compute exactly what the unfused operations do, and the worker threads
/// run every index of every loop once, nested or from several threads at a time.
final class FusedKernelTests: XCTestCase {
    /// act(x·W + b) from separate nodes: the product, a broadcast add, the activation.
    func unfused(_ x: Variable, _ w: Variable, _ b: Variable, _ activation: Activation) -> Variable {
        activation(matmul(x, w) + b)
    }

    func testDenseIsBitIdenticalToTheUnfusedOperationsForwardAndBackward() throws {
        var rng = SeededGenerator(seed: 41)
        // [37, 50]·[50, 70]: edge tiles; [256, 300]·[300, 300]: threads and a split backward sweep.
        for (n, d, h) in [(37, 50, 70), (256, 300, 300)] {
            for activation in [Activation.identity, .relu, .sigmoid, .tanh] {
                let xv = Tensor.randomNormal([n, d], using: &rng), wv = Tensor.randomNormal([d, h], using: &rng)
                let bv = Tensor.randomNormal([h], using: &rng), r = Tensor.randomNormal([n, h], using: &rng)
                var results: [[Tensor]] = []
                for fused in [true, false] {
                    let (x, w, b) = (
                        Variable(xv, requiresGradient: true), Variable(wv, requiresGradient: true),
                        Variable(bv, requiresGradient: true)
                    )
                    let y = fused ? dense(x, w, b, activation: activation) : unfused(x, w, b, activation)
                    try (y * r).sum().backward()
                    results.append([y.value, x.grad!, w.grad!, b.grad!])
                }
                for (name, (a, b)) in zip(["y", "∂x", "∂W", "∂b"], zip(results[0], results[1])) {
                    XCTAssertEqual(
                        a, b, "\(activation) [\(n), \(d)]·[\(d), \(h)]: \(name) differs from the unfused operations")
                }
            }
        }
    }

    func testConvolutionsWithTheirActivationAreBitIdenticalToTheUnfusedOnes() throws {
        var rng = SeededGenerator(seed: 44)
        let shape = ConvolutionShape(height: 9, width: 7, channels: 3, kernel: 3, stride: 2, padding: .same)
        let grid = ConvolutionGrid(shape, outputHeight: 5, outputWidth: 4), positions = grid.positions
        for activation in [Activation.identity, .relu, .sigmoid, .tanh] {
            for transposed in [false, true] {
                let xv = Tensor.randomNormal([5, transposed ? positions * 4 : shape.imageSize], using: &rng)
                let wv = Tensor.randomNormal([shape.patchSize, 4], using: &rng)
                let bv = Tensor.randomNormal([transposed ? 3 : 4], using: &rng)
                var results: [[Tensor]] = []
                for fused in [true, false] {
                    let (x, w, b) = (
                        Variable(xv, requiresGradient: true), Variable(wv, requiresGradient: true),
                        Variable(bv, requiresGradient: true)
                    )
                    let y: Variable
                    switch (transposed, fused) {
                    case (false, true): y = conv2d(x, filters: w, bias: b, grid, activation: activation)
                    case (false, false): y = activation(conv2d(x, filters: w, bias: b, grid))
                    case (true, true): y = convTranspose2d(x, filters: w, bias: b, grid, activation: activation)
                    case (true, false): y = activation(convTranspose2d(x, filters: w, bias: b, grid))
                    }
                    var lossWeights = SeededGenerator(seed: 45)  // the same loss for both
                    try (y * Tensor.randomNormal(y.shape, using: &lossWeights)).sum().backward()
                    results.append([y.value, x.grad!, w.grad!, b.grad!])
                }
                for (name, (a, b)) in zip(["y", "∂x", "∂W", "∂b"], zip(results[0], results[1])) {
                    XCTAssertEqual(
                        a, b, "\(transposed ? "convTranspose2d" : "conv2d") with \(activation): \(name) differs")
                }
            }
        }
    }

    func testReLUKeepsNaNSoThatTrainingStopsOnIt() {
        let x = Variable(Tensor([[Float.nan, 1], [-1, 2]]))
        let y = dense(x, Variable(Tensor([[1, 0], [0, 1]])), Variable(Tensor([0, 0])), activation: .relu)
        XCTAssertTrue(y.value[0, 0].isNaN)
        XCTAssertEqual(y.value[1, 0], 0)
    }

    func testSquaredErrorSumsLikeDoubleAndItsGradientIsExact() throws {
        var rng = SeededGenerator(seed: 42)
        for count in [1, 7, 8, 9, 1000, 100_003] {
            let p = Variable(Tensor.randomNormal([count], using: &rng), requiresGradient: true)
            let t = Tensor.randomNormal([count], using: &rng)
            let loss = meanSquaredError(predictions: p, targets: t)
            var reference = 0.0
            for (a, b) in zip(p.value.scalars, t.scalars) { reference += Double((a - b) * (a - b)) }
            XCTAssertEqual(
                Double(loss.value.scalar), reference / Double(count), accuracy: 1e-6 * reference / Double(count))
            try loss.backward()
            XCTAssertEqual(p.grad!, (p.value - t) * (2 / Float(count)))
        }
    }

    func testCrossEntropyFromLogitsMatchesDoubleAndItsGradientIsSigmoidMinusTarget() throws {
        var rng = SeededGenerator(seed: 46)
        // Logits from −40 to 40 (e^−|z| down to 4e-18, where ln(1 + u) must stay ≈ u), with
        // targets in [0, 1]; and odd counts for the sweep's tail.
        for count in [1, 9, 1000, 50_001] {
            let zv = Tensor.randomUniform([count], low: -40, high: 40, using: &rng),
                t = Tensor.randomUniform([count], using: &rng)
            let z = Variable(zv, requiresGradient: true)
            let loss = binaryCrossEntropy(logits: z, targets: t)
            var reference = 0.0
            for (zi, ti) in zip(zv.scalars, t.scalars) {
                let (a, b) = (Double(zi), Double(ti))
                reference += Swift.max(a, 0) - a * b + Foundation.log1p(Foundation.exp(-Swift.abs(a)))
            }
            reference /= Double(count)
            XCTAssertEqual(
                Double(loss.value.scalar), reference, accuracy: 2e-6 * Swift.max(1, Swift.abs(reference)),
                "\(count) logits")
            try loss.backward()
            XCTAssertEqual(z.grad!, (zv.sigmoid() - t) * (1 / Float(count)))
        }
        // Each term on its own, near 0 where the correction matters, against Double.
        for value: Float in [0, 1e-30, 1e-8, 1e-3, 0.5, 1, 5, 20, 87, 100, -1e-8, -3, -30, -100] {
            let single = binaryCrossEntropy(logits: Variable(Tensor([value])), targets: Tensor([0.25])).value.scalar
            let a = Double(value)
            let exact = Swift.max(a, 0) - a * 0.25 + Foundation.log1p(Foundation.exp(-Swift.abs(a)))
            XCTAssertEqual(
                Double(single), exact, accuracy: 3e-7 * Swift.max(1e-30, Swift.abs(exact)) + 1e-12, "z = \(value)")
        }
    }

    func testAdamUpdatesLargeParametersInPiecesAndSkipsThoseWithoutGradient() {
        var rng = SeededGenerator(seed: 43)
        let big = Variable(Tensor.randomNormal([100_001], using: &rng), requiresGradient: true)
        let idle = Variable(Tensor.randomNormal([10], using: &rng), requiresGradient: true)
        let small = Variable(Tensor.randomNormal([3, 5], using: &rng), requiresGradient: true)
        let adam = Adam(parameters: [big, idle, small], learningRate: 0.01)
        var expected = [big.value, small.value]
        var moments = [
            (Tensor.zeros(big.shape), Tensor.zeros(big.shape)), (Tensor.zeros(small.shape), Tensor.zeros(small.shape)),
        ]
        let idleBefore = idle.value
        for step in 1...3 {
            big.grad = Tensor.randomNormal(big.shape, using: &rng)
            small.grad = Tensor.randomNormal(small.shape, using: &rng)
            adam.step()
            for (i, g) in [big.grad!, small.grad!].enumerated() {
                let c1 = 1 - Float(Foundation.pow(0.9, Double(step))),
                    c2 = 1 - Float(Foundation.pow(0.999, Double(step)))
                moments[i].0 = moments[i].0 * 0.9 + g * 0.1
                moments[i].1 = moments[i].1 * 0.999 + g * g * 0.001
                expected[i] = expected[i] - (moments[i].0 / c1) / ((moments[i].1 / c2).sqrt() + 1e-8) * 0.01
            }
        }
        for (actual, reference) in zip([big.value, small.value], expected) {
            let worst = zip(actual.scalars, reference.scalars).map { Swift.abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-5)
        }
        XCTAssertEqual(idle.value, idleBefore, "a parameter without a gradient must not move")
    }

    func testEveryIndexRunsOnceNestedAndFromSeveralThreads() {
        final class Counts: @unchecked Sendable {
            var values: [Int]
            init(_ n: Int) { values = [Int](repeating: 0, count: n) }
        }
        for count in [0, 1, 2, 3, 17, 1000] {
            let counts = Counts(count)
            counts.values.withUnsafeMutableBufferPointer { p in
                Parallel.forEach(count) { i in
                    p[i] += 1
                    Parallel.forEach(3) { _ in }  // a loop inside a loop runs on its caller
                }
            }
            XCTAssertEqual(counts.values, [Int](repeating: 1, count: count))
        }
        // Four threads start loops at once: each loop still runs every index exactly once.
        let products = Counts(4)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            var rng = SeededGenerator(seed: UInt64(t))
            let a = Tensor.randomNormal([300, 200], using: &rng), b = Tensor.randomNormal([200, 100], using: &rng)
            for _ in 0..<20 where Tensor.matmul(a, b) != Tensor.matmul(a, b) { products.values[t] += 1 }
        }
        XCTAssertEqual(products.values, [0, 0, 0, 0])
    }
}
