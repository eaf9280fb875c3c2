import LabKit
import XCTest

/// Asserts that the autodiff gradients of a scalar built from `inputs` match central finite
/// differences (`checkGradients`), and names the input whose gradient is missing when the
/// result is not connected to it in the graph (a "cut" gradient: `.value`, `detached()`,
/// `evaluate`, or a new `Variable` made from numbers).
///
/// For a function with a tensor output, pass a scalar such as `(output * weights).sum()` with
/// uneven weights, so that a transposed or permuted output cannot match.
public func expectGradientsMatchFiniteDifferences(
    at inputs: [Tensor], names: [String], step: Float = 1e-2, tolerance: Double = 2e-2,
    _ what: String, hint: String, file: StaticString = #filePath, line: UInt = #line,
    of function: ([Variable]) throws -> Variable
) {
    let variables = inputs.map { Variable($0, requiresGradient: true) }
    guard let output = graded({ try function(variables) }, file: file, line: line) else { return }
    guard output.value.count == 1 else {
        return XCTFail("\(what): expected a scalar, got shape \(output.shape).\nHint: \(hint)", file: file, line: line)
    }
    guard output.requiresGradient else {
        return XCTFail(
            """
            \(what): the result is not connected to \(names.joined(separator: " or ")) in the autodiff graph, so training gets no gradient.
            Hint: build it from Variable operations on the inputs; `.value`, `evaluate`, `detached()` or `Variable(someTensor)` cut the graph. \(hint)
            """, file: file, line: line)
    }
    guard let report = graded({ try checkGradients(at: inputs, step: step, of: function) }, file: file, line: line)
    else { return }
    guard !(report.maxRelativeError <= tolerance) else { return }
    let worst = report.worst!
    let name = names.indices.contains(worst.input) ? names[worst.input] : "input \(worst.input)"
    let missing = worst.analytic == 0 && worst.numeric != 0
    XCTFail(
        """
        \(what): the gradient with respect to \(name) (entry \(worst.index)) is \(worst.analytic) by backward() but \
        \(String(format: "%.6g", worst.numeric)) by finite differences (relative error \(String(format: "%.2g", worst.relativeError)), tolerance \(tolerance)).\(missing ? " No gradient reaches it: part of the computation is cut from the graph." : "")
        Hint: \(hint)
        """, file: file, line: line)
}

/// The same check for a loss built from layers: every parameter's gradient from `backward()`
/// against central differences, on a few entries of each (first, middle, last and two more).
public func expectParameterGradientsMatchFiniteDifferences(
    _ parameters: [(name: String, variable: Variable)], step: Float = 1e-2, tolerance: Double = 2e-2,
    _ what: String, hint: String, file: StaticString = #filePath, line: UInt = #line,
    loss: () throws -> Variable
) {
    for p in parameters { p.variable.zeroGradient() }
    guard let value = graded({ try loss() }, file: file, line: line) else { return }
    guard value.value.count == 1 else {
        return XCTFail("\(what): expected a scalar, got shape \(value.shape).\nHint: \(hint)", file: file, line: line)
    }
    guard value.requiresGradient, graded({ try value.backward() }, file: file, line: line) != nil else {
        return XCTFail(
            "\(what): the result is not connected to the layers' parameters in the autodiff graph.\nHint: \(hint)",
            file: file, line: line)
    }
    for (name, p) in parameters {
        guard let g = p.grad else {
            XCTFail("\(what): \(name) received no gradient.\nHint: \(hint)", file: file, line: line)
            continue
        }
        let count = p.value.count
        for index in Set([0, count / 3, count / 2, (2 * count) / 3, count - 1]).sorted() {
            let original = p.value[index]
            p.value[index] = original + step
            let up = graded({ try withoutGradients { try loss() }.value.scalar }, file: file, line: line)
            p.value[index] = original - step
            let down = graded({ try withoutGradients { try loss() }.value.scalar }, file: file, line: line)
            p.value[index] = original
            guard let up, let down else { return }
            let h = Double(original + step) - Double(original - step)
            let numeric = (Double(up) - Double(down)) / h
            let analytic = Double(g[index])
            let scale = Swift.max(Swift.abs(analytic), Swift.abs(numeric), 1e-2 * Double(g.abs().max()), 1e-6)
            // Written so that NaN (in either gradient) fails: every comparison with NaN is false.
            if !(Swift.abs(analytic - numeric) / scale <= tolerance) {
                return XCTFail(
                    """
                    \(what): ∂L/∂\(name)[\(index)] is \(analytic) by backward() but \(String(format: "%.6g", numeric)) by finite differences.
                    Hint: \(hint)
                    """, file: file, line: line)
            }
        }
    }
}
