import XCTest

@testable import LabKit

/// The progress display's arithmetic: the fraction of the planned work done, what a reused
/// piece and a piece inside another do to it, and what `end` reports about the plan.
final class ProgressDisplayTests: XCTestCase {
    func display() -> ProgressDisplay {
        let display = ProgressDisplay()
        display.start("test", plan: [PlannedWork("a", weight: 1), PlannedWork("b", weight: 3)], quiet: true)
        return display
    }

    func testTheFractionIsTheWeightDone() {
        let d = display()
        XCTAssertEqual(d.estimate().fraction, 0)
        d.update("a", fraction: 0.5)
        XCTAssertEqual(d.estimate().fraction, 0.5 / 4, accuracy: 1e-12)
        d.finish("a")
        d.update("b", fraction: 1.0 / 3)
        XCTAssertEqual(d.estimate().fraction, 2.0 / 4, accuracy: 1e-12)
        d.finish("b")
        XCTAssertEqual(d.estimate().fraction, 1)
        let (unplanned, notDone) = d.end()
        XCTAssertEqual(unplanned, [])
        XCTAssertEqual(notDone, [])
    }

    /// A compiler's [n/N] grows N as it goes: 83 % of a piece must not become 80 %.
    func testAPieceNeverGoesBack() {
        let d = display()
        d.update("b", fraction: 0.83)
        d.update("b", fraction: 0.80, detail: "compiling")
        XCTAssertEqual(d.estimate().fraction, 0.83 * 3 / 4, accuracy: 1e-12)
        d.finish("b")
        d.update("a", fraction: 0.1)
        XCTAssertEqual(d.estimate().fraction, (3 + 0.1) / 4, accuracy: 1e-12, "a new piece starts from its own 0")
    }

    func testAReusedPieceLeavesTheTotal() {
        let d = display()
        d.skip("b")
        d.update("a", fraction: 0.5)
        XCTAssertEqual(d.estimate().fraction, 0.5, accuracy: 1e-12)
        d.finish("a")
        XCTAssertEqual(d.end().notDone, [])
    }

    func testAPieceInsideAPlannedOneIsItsDetail() {
        let d = display()
        d.update("a", fraction: 0.5)
        d.update("inner model", fraction: 0.9, detail: "epoch 9/10")
        d.finish("inner model", summary: "not shown")
        XCTAssertEqual(d.estimate().fraction, 0.5 / 4, accuracy: 1e-12, "the inner piece does not move the total")
        d.finish("a")
        d.finish("b")
        XCTAssertEqual(d.end().unplanned, [])
    }

    func testEndNamesWhatThePlanGotWrong() {
        let d = display()
        d.finish("a")
        d.update("surprise", fraction: 1)
        d.finish("surprise")
        let (unplanned, notDone) = d.end()
        XCTAssertEqual(unplanned, ["surprise"])
        XCTAssertEqual(notDone, ["b"])
    }

    func testTheTimeLeftNeedsSomeWorkDone() {
        let d = display()
        XCTAssertNil(d.estimate().secondsLeft)
        XCTAssertEqual(ProgressDisplay.duration(75), "1m15s")
        XCTAssertEqual(ProgressDisplay.duration(3725), "1h02m")
        XCTAssertEqual(ProgressDisplay.bar(0.5, width: 4), "▕██░░▏")
    }
}
