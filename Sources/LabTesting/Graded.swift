import ExerciseChannel
import LabKit
import XCTest

/// Runs one call into the student's code for a graded check.
///
/// A stub that throws `NotImplemented` fails the check with "not implemented yet" (so the
/// exercise scores 0 without a crash or a confusing message); any other error fails it
/// with that error. Returns nil in both cases so the check can stop.
public func graded<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> T? {
    do {
        return try body()
    } catch let error as NotImplemented {
        XCTFail("NOT IMPLEMENTED: \(error)", file: file, line: line)
    } catch let error as ExerciseProcessEnded {
        VerdictChannel.send("ENDED", error.crashed ? "crashed" : "exited")
        XCTFail("\(error)", file: file, line: line)
    } catch let error as ExerciseTimedOut {
        VerdictChannel.send("TIMEOUT", "")
        XCTFail("\(error)", file: file, line: line)
    } catch {
        XCTFail("Your code threw an error: \(error)", file: file, line: line)
    }
    return nil
}

/// Asserts |actual − expected| ≤ tolerance with a message that teaches: what was checked,
/// what was expected, what came back, and a hint. NaN and ±∞ fail (the comparison is false).
public func expectClose(
    _ actual: Double, _ expected: Double, tolerance: Double, _ what: String, hint: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard !(Swift.abs(actual - expected) <= tolerance) else { return }
    XCTFail("\(what): expected \(expected) (± \(tolerance)), got \(actual).\nHint: \(hint)", file: file, line: line)
}

/// Asserts that two tensors have the same shape and agree entry by entry within `tolerance`.
/// A NaN or an infinity where a finite number is expected fails, wherever it is.
public func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float, _ what: String, hint: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.shape == expected.shape else {
        return XCTFail(
            "\(what): expected shape \(expected.shape), got \(actual.shape).\nHint: \(hint)", file: file, line: line)
    }
    var worst = 0, worstError: Float = 0
    for i in 0..<actual.count {
        let error = Swift.abs(actual[i] - expected[i])
        if !error.isFinite {
            let kind = actual[i].isNaN ? "NaN" : actual[i].isInfinite ? "infinite" : "not finite"
            return XCTFail(
                "\(what): entry \(i) should be \(expected[i]), got \(actual[i]) (\(kind)).\nHint: \(hint)",
                file: file, line: line)
        }
        if error > worstError { worst = i; worstError = error }
    }
    guard !(worstError <= tolerance) else { return }
    XCTFail(
        "\(what): entry \(worst) should be \(expected[worst]), got \(actual[worst]) (tolerance \(tolerance)).\nHint: \(hint)",
        file: file, line: line)
}

/// Asserts that a condition holds, with a teaching message.
public func expect(_ condition: Bool, _ what: String, hint: String, file: StaticString = #filePath, line: UInt = #line)
{
    if !condition { XCTFail("\(what)\nHint: \(hint)", file: file, line: line) }
}
