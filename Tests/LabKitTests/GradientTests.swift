import XCTest

@testable import LabKit

/// Every differentiable operation's backward pass against central finite differences.
/// A non-scalar op is reduced as Σ w ⊙ op(x) with fixed random weights w, so every output
/// entry's gradient matters.
final class GradientTests: XCTestCase {
    var rng = SeededGenerator(seed: 2024)

    func assertGradientsMatch(
        _ inputs: [Tensor], tolerance: Double = 1e-2, step: Float = 1e-3, file: StaticString = #filePath,
        line: UInt = #line,
        _ op: @escaping ([Variable]) -> Variable
    ) throws {
        var wrng = SeededGenerator(seed: 99)
        let probe = withoutGradients { op(inputs.map { Variable($0) }) }.value
        let weights = Tensor.randomNormal(probe.shape, using: &wrng)
        let report = try checkGradients(at: inputs, step: step) { v in (op(v) * weights).sum() }
        XCTAssertLessThan(report.maxRelativeError, tolerance, report.summary, file: file, line: line)
    }

    func matrix(_ r: Int, _ c: Int, low: Float = -1, high: Float = 1) -> Tensor {
        .randomUniform([r, c], low: low, high: high, using: &rng)
    }

    func testArithmeticWithBroadcasting() throws {
        let a = matrix(4, 3), row = matrix(1, 3), column = matrix(4, 1),
            vector = Tensor.randomUniform([3], low: 0.5, high: 2, using: &rng)
        try assertGradientsMatch([a, row]) { $0[0] + $0[1] }
        try assertGradientsMatch([a, column]) { $0[0] - $0[1] }
        try assertGradientsMatch([a, vector]) { $0[0] * $0[1] }
        try assertGradientsMatch([a, vector]) { $0[0] / $0[1] }
        try assertGradientsMatch([a]) { -$0[0] * 3 + 2 }
        try assertGradientsMatch([a]) { 1 - $0[0] / 4 }
    }

    func testMatmulWithTransposes() throws {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = ta ? matrix(5, 4) : matrix(4, 5), b = tb ? matrix(3, 5) : matrix(5, 3)
            try assertGradientsMatch([a, b]) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testAffine() throws {
        try assertGradientsMatch([matrix(6, 5), matrix(5, 3), Tensor.randomNormal([3], using: &rng)]) {
            affine($0[0], $0[1], $0[2])
        }
    }

    func testReductions() throws {
        let a = matrix(4, 5)
        try assertGradientsMatch([a]) { $0[0].sum() }
        try assertGradientsMatch([a]) { $0[0].mean() }
        for axis in [0, 1] {
            try assertGradientsMatch([a]) { $0[0].sum(alongAxis: axis) }
            try assertGradientsMatch([a]) { $0[0].mean(alongAxis: axis, keepingDimension: true) }
            // Well-separated values, so no entry sits within a finite-difference step of a tie.
            let separated = Tensor(shape: [4, 5], scalars: rng.permutation(20).map { Float($0) * 0.1 })
            try assertGradientsMatch([separated]) { $0[0].max(alongAxis: axis) }
        }
    }

    func testElementwiseFunctions() throws {
        let a = matrix(4, 5, low: -2, high: 2), positive = matrix(4, 5, low: 0.2, high: 3)
        try assertGradientsMatch([a]) { $0[0].exp() }
        try assertGradientsMatch([positive]) { $0[0].log() }
        try assertGradientsMatch([positive]) { $0[0].sqrt() }
        try assertGradientsMatch([a]) { $0[0].squared() }
        try assertGradientsMatch([a]) { $0[0].abs() }
        try assertGradientsMatch([a]) { $0[0].clamped(-1, 1) }
        try assertGradientsMatch([a]) { $0[0].sigmoid() }
        try assertGradientsMatch([a]) { $0[0].tanh() }
        try assertGradientsMatch([a]) { $0[0].relu() }
        try assertGradientsMatch([a]) { $0[0].softplus() }
    }

    func testIndexing() throws {
        let a = matrix(5, 4)
        try assertGradientsMatch([a]) { $0[0].rows(1..<4) }
        try assertGradientsMatch([a]) { $0[0].gatherRows([4, 0, 4, 2]) }
        try assertGradientsMatch([a]) { $0[0].columns(1..<3) }
        try assertGradientsMatch([a, matrix(5, 2)]) { Variable.concatenate([$0[0], $0[1]], alongAxis: 1) }
        try assertGradientsMatch([a, matrix(2, 4)]) { Variable.concatenate([$0[0], $0[1]], alongAxis: 0) }
        try assertGradientsMatch([a]) { $0[0].reshaped([4, 5]) }
    }

    /// Losses average many terms, so each entry's derivative is ~1/n of the loss: a larger
    /// step keeps Float32 round-off in the loss below the derivative (they are smooth); a
    /// wrong factor or sign still gives errors of order 1.
    func testLosses() throws {
        let p = matrix(4, 6, low: 0.2, high: 0.8), t = matrix(4, 6, low: 0, high: 1), z = matrix(4, 6, low: -3, high: 3)
        for reduction in [LossReduction.mean, .sumPerExample] {
            try assertGradientsMatch([p], tolerance: 2e-2, step: 1e-2) {
                meanSquaredError(predictions: $0[0], targets: t, reduction: reduction)
            }
            try assertGradientsMatch([p], tolerance: 2e-2, step: 1e-2) {
                binaryCrossEntropy(probabilities: $0[0], targets: t, reduction: reduction)
            }
            try assertGradientsMatch([z], tolerance: 2e-2, step: 1e-2) {
                binaryCrossEntropy(logits: $0[0], targets: t, reduction: reduction)
            }
        }
    }

    func testDeepCompositionThroughLayers() throws {
        var g = SeededGenerator(seed: 5)
        let model = Autoencoder(sizes: [6, 5, 3], hidden: .tanh, code: .sigmoid, output: .sigmoid, using: &g)
        let x = matrix(4, 6, low: 0, high: 1)
        let report = try checkGradients(at: model.parameters.map(\.value), step: 1e-2) { params in
            // Rebuild the forward pass with the probed parameters.
            let layers = model.encoder.denseLayers + model.decoder.denseLayers
            var h = Variable(x)
            for (i, layer) in layers.enumerated() { h = layer.activation(affine(h, params[2 * i], params[2 * i + 1])) }
            return meanSquaredError(predictions: h, targets: x)
        }
        XCTAssertLessThan(report.maxRelativeError, 2e-2, report.summary)
    }

    func testCheckerCatchesAWrongGradient() throws {
        // An op whose backward forgets the factor 2 must be flagged.
        let wrong: (Variable) -> Variable = { x in
            Variable(x.value.squared(), inputs: [x]) { g in [g * x.value] }
        }
        let report = try checkGradients(at: [matrix(3, 3)]) { wrong($0[0]).sum() }
        XCTAssertGreaterThan(report.maxRelativeError, 0.3)
    }
}
