import ExerciseChannel
import XCTest

/// The base class of every graded check class (`final class Lab02Checks: GradedTestCase`).
///
/// Every call into the student's code goes to a separate exercise process (`ExerciseCalls`),
/// started for the check and ended with it. Under the grader this process reports, over
/// `VerdictChannel`, that a check began, every failure with its whole message (hints
/// included), and — only when the test method, `setUp` and `tearDown` ran to their end with no
/// failure and no skip — that it passed. The grader trusts nothing else.
open class GradedTestCase: XCTestCase {
    override open func invokeTest() {
        VerdictChannel.open()
        VerdictChannel.send("BEGIN", name)
        super.invokeTest()
        ExerciseSession.endCheck()
        // Reached only when the body returned: a check whose process exits, crashes or is
        // killed inside the body never gets here.
        if let run = testRun, run.totalFailureCount == 0, !run.hasBeenSkipped {
            VerdictChannel.send("PASS", name)
        }
    }

    override open func recordFailure(
        withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool
    ) {
        let file = filePath.split(separator: "/").suffix(2).joined(separator: "/")
        VerdictChannel.send("FAIL", "\(file):\(lineNumber)\n\(description)")
        super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }
}
