import Foundation

/// Compares the gradients from `backward()` with central finite differences.
///
/// For each input entry xᵢ the numerical derivative is
/// ```
/// ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h
/// ```
/// with f evaluated in Float32 and the difference formed in Double. The relative error of
/// an entry is |analytic − numeric| / max(|analytic|, |numeric|, floor · scale), where scale
/// is the largest |analytic| entry of that input: an entry whose derivative is tiny next
/// to its neighbours' is judged on the gradient's own scale, where Float32 round-off in f
/// (about 1e-7·|f|/h) would otherwise dominate.
///
/// ```
/// let report = try checkGradients(at: [x, w]) { v in (matmul(v[0], v[1]).sigmoid()).sum() }
/// XCTAssertLessThan(report.maxRelativeError, 1e-2, report.summary)
/// ```
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    public struct Entry: Sendable {
        public let input: Int, index: Int
        public let analytic: Double, numeric: Double, relativeError: Double
    }
    /// One entry per scalar of every input (or of the sampled entries).
    public let entries: [Entry]

    /// The largest relative error; NaN when any entry's is NaN (a NaN gradient never passes).
    public var maxRelativeError: Double { worst?.relativeError ?? 0 }
    /// The entry with the largest relative error, the first NaN one if there is one.
    public var worst: Entry? {
        entries.first { $0.relativeError.isNaN } ?? entries.max { $0.relativeError < $1.relativeError }
    }

    public var summary: String {
        guard let w = worst else { return "no entries checked" }
        return String(
            format: "max relative error %.2e at input %d, entry %d: analytic %.6g, numeric %.6g",
            w.relativeError, w.input, w.index, w.analytic, w.numeric)
    }
    public var description: String { summary }
}

/// Checks `function`'s gradients with respect to every input at `inputs`.
/// - Parameters:
///   - inputs: the points at which to differentiate; each becomes a variable that requires a gradient.
///   - step: the finite-difference step h.
///   - floor: the smallest denominator of the relative error, as a fraction of the largest
///     |analytic| entry of the same input (never below 1e-6 absolute).
///   - maxEntriesPerInput: check at most this many (evenly spaced) entries of each input.
///   - function: builds a scalar from the input variables.
public func checkGradients(
    at inputs: [Tensor], step: Float = 1e-3, floor: Double = 1e-2, maxEntriesPerInput: Int = 64,
    of function: ([Variable]) throws -> Variable
) throws -> GradientCheckReport {
    let variables = inputs.map { Variable($0, requiresGradient: true) }
    try function(variables).backward()
    let analytic = variables.enumerated().map { i, v in v.grad ?? Tensor.zeros(inputs[i].shape) }

    func evaluate(_ point: [Tensor]) throws -> Double {
        Double(try withoutGradients { try function(point.map { Variable($0) }) }.value.scalar)
    }

    var entries: [GradientCheckReport.Entry] = []
    for (i, input) in inputs.enumerated() {
        let scale = Swift.max(1e-6, floor * Double(analytic[i].abs().max()))
        let stride = Swift.max(1, input.count / Swift.max(1, maxEntriesPerInput))
        for index in Swift.stride(from: 0, to: input.count, by: stride) {
            var plus = inputs, minus = inputs
            plus[i][index] += step
            minus[i][index] -= step
            // The actual step after rounding to Float32, so the quotient stays unbiased.
            let h = Double(plus[i][index]) - Double(minus[i][index])
            let numeric = (try evaluate(plus) - evaluate(minus)) / h
            let a = Double(analytic[i][index])
            let error = Swift.abs(a - numeric) / Swift.max(Swift.abs(a), Swift.abs(numeric), scale)
            entries.append(.init(input: i, index: index, analytic: a, numeric: numeric, relativeError: error))
        }
    }
    return GradientCheckReport(entries: entries)
}
