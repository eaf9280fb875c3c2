import Foundation
import LabKit

/// Reads the progress of a child process from its output as it arrives, line by line.
final class OutputLines: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = ""
    private let line: (Substring) -> Void

    init(line: @escaping (Substring) -> Void) { self.line = line }

    func consume(_ bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        pending += String(decoding: bytes, as: UTF8.self)
        var lines = pending.split(separator: "\n", omittingEmptySubsequences: false)
        pending = String(lines.removeLast())
        for text in lines { line(text) }
    }
}

/// The fraction done that a lab run as a child reports in its plain progress lines
/// ("  [ 42 %, 1m10s left] lab03: …", see `ProgressDisplay`), passed to `update`.
package func childProgressReader(_ update: @escaping @Sendable (Double) -> Void) -> @Sendable ([UInt8]) -> Void {
    let reader = OutputLines { text in
        let trimmed = text.drop { $0 == " " }
        guard trimmed.hasPrefix("["), let percent = Int(trimmed.dropFirst().drop { $0 == " " }.prefix { $0.isNumber })
        else { return }
        update(Double(percent) / 100)
    }
    return reader.consume
}

/// The fraction of a SwiftPM build done, from its "[120/326] Compiling …" lines, passed to
/// `update` (for a build run as a child by a command of its own, e.g. `release`).
package func swiftBuildProgressReader(_ update: @escaping @Sendable (Double) -> Void) -> @Sendable ([UInt8]) -> Void {
    let reader = OutputLines { line in
        guard line.hasPrefix("[") else { return }
        let numbers = line.dropFirst().prefix { $0 != "]" }.split(separator: "/").compactMap { Int($0) }
        if numbers.count == 2, numbers[1] >= 20 { update(Double(numbers[0]) / Double(numbers[1])) }
    }
    return reader.consume
}

/// Turns SwiftPM's "[120/326] Compiling …" lines into the progress display's "build" piece,
/// and, when the display is not drawn in place, into a logged line every 10 %, so a first
/// build of several minutes is not silent.
final class BuildProgress: @unchecked Sendable {
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var lastTenth = -1
    private let start = Date()
    private let shownLive: Bool
    private var lines: OutputLines!

    /// `shownLive`: the progress display draws the steps in place, so no line is logged.
    init(log: @escaping @Sendable (String) -> Void, shownLive: Bool) {
        (self.log, self.shownLive) = (log, shownLive)
        lines = OutputLines { [unowned self] line in self.step(line) }
    }

    func consume(_ bytes: [UInt8]) { lines.consume(bytes) }

    private func step(_ line: Substring) {
        guard line.hasPrefix("[") else { return }
        let numbers = line.dropFirst().prefix { $0 != "]" }.split(separator: "/").compactMap { Int($0) }
        guard numbers.count == 2, numbers[1] >= 20 else { return }
        ProgressDisplay.shared.update(
            "build", fraction: Double(numbers[0]) / Double(numbers[1]),
            detail: "step \(numbers[0])/\(numbers[1])")
        let tenth = 10 * numbers[0] / numbers[1]
        guard tenth > lastTenth && !shownLive else { return }
        lastTenth = tenth
        log(
            String(
                format: "  building: %d/%d steps (%d %%), %.0f s", numbers[0], numbers[1],
                100 * numbers[0] / numbers[1], Date().timeIntervalSince(start)))
    }
}
