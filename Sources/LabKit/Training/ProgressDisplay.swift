import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A piece of a long job and its share of the work: a model's training (`epochs × cost`, where
/// `cost` is the time of one of its epochs relative to the job's other models), one held-out
/// class, one lab of a figure set.
package struct PlannedWork: Sendable, Equatable {
    package let label: String
    package let weight: Double
    package init(_ label: String, weight: Double) { (self.label, self.weight) = (label, weight) }
    /// A model trained for `epochs` epochs, each `cost` times as long as the job's reference epoch.
    package static func training(_ label: String, epochs: Int, cost: Double = 1) -> PlannedWork {
        PlannedWork(label, weight: Double(max(epochs, 0)) * cost)
    }

    /// A network of dense layers `widths[0] → widths[1] → …` trained for `epochs` epochs of
    /// `examples` examples, weighted by its multiply-adds: 3 × Σ widths[i]·widths[i+1] per
    /// example (forward, and backward to the inputs and the weights) plus the elementwise work
    /// on its input and output (a few operations per pixel). `factor` scales that for layers
    /// that are not dense (a convolution's epoch is several dense ones). Only the ratios
    /// between a job's pieces matter.
    package static func dense(
        _ label: String, _ widths: [Int], epochs: Int, examples: Int,
        factor: Double = 1
    ) -> PlannedWork {
        let multiplies = zip(widths, widths.dropFirst()).map { Double($0 * $1) }.reduce(0, +)
        let perExample = 3 * multiplies + 8 * Double((widths.first ?? 0) + (widths.last ?? 0))
        return .training(label, epochs: epochs, cost: factor * perExample * Double(examples))
    }
}

/// The one progress display of a process: how much of the whole job is done and how long the
/// rest will take.
///
/// A job (a lab run, a grading, a figure set) starts with its plan, the pieces of work it will
/// do with a weight each. The display shows the fraction done, `done / total` with
///
///     done = Σ weight of finished pieces + weight × fraction of the running piece,
///
/// and the time left, extrapolated from the wall time since the first piece began:
/// `elapsed × (total − done) / done`.
/// A planned piece that is not done in this run (a saved model reused) leaves the total.
///
/// On a terminal this is one line redrawn in place (at most ten times a second); every other
/// line the process writes goes through `write(_:)`, which prints it above the live line. When
/// standard error is not a terminal (CI logs, a file, `LABKIT_PROGRESS=lines`), it is a plain
/// line at most every `lineInterval` seconds, beginning with `[NN %` so that a parent process
/// (the figure set) can read it.
///
/// There is one per process (`shared`) because there is one standard error to draw on.
package final class ProgressDisplay: @unchecked Sendable {
    package enum Style: Sendable { case live, lines, silent }

    package static let shared = ProgressDisplay()

    private let lock = NSLock()
    package private(set) var style: Style
    private var title = ""
    private var weights: [String: Double] = [:]
    private var planOrder: [String] = []
    private var finished: [String: Double] = [:]
    private var skipped: Set<String> = []
    private var running: (label: String, fraction: Double, detail: String)?
    private var unplanned: [String] = []
    private var start = Date()
    /// When the first planned piece began: the time before it (loading data, building) is
    /// not work the plan counts, so the rate of work is measured from here.
    private var workStart: Date?
    private var lastDraw = Date.distantPast
    private var lineShown = false
    /// Seconds between two plain lines.
    package var lineInterval = 10.0

    init() {
        let environment = ProcessInfo.processInfo.environment
        let terminal = isatty(STDERR_FILENO) != 0 && environment["CI"] == nil
        style = environment["LABKIT_PROGRESS"] == "lines" || !terminal ? .lines : .live
    }

    /// Starts a job: clears what the display knew and starts its clock. `quiet` hides the
    /// progress (the permanent lines of `write` still appear).
    package func start(_ title: String, plan: [PlannedWork] = [], quiet: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        if quiet { style = .silent }
        self.title = title
        // Plain lines start after one interval: a job shorter than that prints none.
        (start, lastDraw) = (Date(), style == .lines ? Date() : .distantPast)
        setPlan(plan)
    }

    /// Replaces the plan of the running job (known once its data is loaded); the clock runs on.
    package func plan(_ plan: [PlannedWork]) {
        lock.lock(); defer { lock.unlock() }
        setPlan(plan)
    }

    private func setPlan(_ plan: [PlannedWork]) {
        weights = [:]
        planOrder = []
        for piece in plan where weights[piece.label] == nil {
            weights[piece.label] = piece.weight
            planOrder.append(piece.label)
        }
        (finished, skipped, running, unplanned, workStart) = ([:], [], nil, [], nil)
    }

    /// Reports that `fraction` (0…1) of the piece `label` is done (never less than it last
    /// reported for the running piece); `detail` says where it is
    /// ("epoch 3/15 · loss 0.0213"). A piece the plan does not name is part of the planned piece
    /// that is running (a model trained for one held-out class): it shows as that piece's
    /// detail. With no planned piece running it is added to the plan, with the mean weight of
    /// the planned ones.
    package func update(_ label: String, fraction: Double, detail: String = "") {
        lock.lock(); defer { lock.unlock() }
        if weights[label] == nil, let outer = running, isPlanned(outer.label) {
            running = (outer.label, outer.fraction, [label, detail].filter { !$0.isEmpty }.joined(separator: " · "))
        } else {
            if weights[label] == nil { addUnplanned(label) }
            // A piece never goes back (a compiler's [n/N] grows its N as it finds more to do).
            let floor = running?.label == label ? running!.fraction : 0
            running = (label, max(floor, min(max(fraction, 0), 1)), detail)
            if workStart == nil { workStart = Date() }
        }
        redraw(force: false)
    }

    /// Shows what is happening without counting it as planned work ("building the checks").
    package func status(_ detail: String) {
        lock.lock(); defer { lock.unlock() }
        running = running.map { ($0.label, $0.fraction, detail) } ?? ("", 0, detail)
        redraw(force: false)
    }

    /// The piece `label` is done; `summary`, when given, stays on screen as a permanent line.
    package func finish(_ label: String, summary: String? = nil) {
        lock.lock(); defer { lock.unlock() }
        // A piece inside a planned one (see `update`) is that piece's detail: no line of its own.
        if weights[label] == nil, let outer = running, isPlanned(outer.label) { return }
        if weights[label] == nil { addUnplanned(label) }
        finished[label] = weights[label]
        if running?.label == label { running = nil }
        if let summary, style != .silent { writeLocked(summary + "\n", to: FileHandle.standardError) }
        redraw(force: false)
    }

    /// The planned piece `label` will not be done in this run (its result was saved before):
    /// it leaves the total, and the time left is not extrapolated from it.
    package func skip(_ label: String) {
        lock.lock(); defer { lock.unlock() }
        skipped.insert(label)
    }

    /// Writes `text` as permanent output: on a terminal the live line is cleared first and
    /// drawn again after it.
    package func write(_ text: String, to handle: FileHandle = .standardOutput) {
        lock.lock(); defer { lock.unlock() }
        writeLocked(text, to: handle)
    }

    /// Ends the job: clears the live line. Returns the pieces that were done but not planned
    /// and the planned ones neither done nor skipped, so a caller can tell that its plan is
    /// wrong (the kit's labs are checked in CI).
    @discardableResult
    package func end() -> (unplanned: [String], notDone: [String]) {
        lock.lock(); defer { lock.unlock() }
        clearLine()
        let notDone = planOrder.filter { finished[$0] == nil && !skipped.contains($0) && !unplanned.contains($0) }
        defer { (running, planOrder, weights) = (nil, [], [:]) }
        return (unplanned, notDone)
    }

    /// The fraction of the job done and the seconds left (nil until some work is done).
    package func estimate() -> (fraction: Double, secondsLeft: Double?) {
        lock.lock(); defer { lock.unlock() }
        return estimateLocked()
    }

    // MARK: Drawing (the lock is held)

    private func isPlanned(_ label: String) -> Bool { weights[label] != nil && !unplanned.contains(label) }

    private func addUnplanned(_ label: String) {
        let planned = weights.values
        weights[label] = planned.isEmpty ? 1 : planned.reduce(0, +) / Double(planned.count)
        planOrder.append(label)
        unplanned.append(label)
    }

    private func estimateLocked() -> (fraction: Double, secondsLeft: Double?) {
        var total = 0.0, done = 0.0
        for label in planOrder where !skipped.contains(label) || finished[label] != nil {
            let weight = weights[label] ?? 0
            total += weight
            if finished[label] != nil {
                done += weight
            } else if running?.label == label {
                done += weight * running!.fraction
            }
        }
        guard total > 0 else { return (0, nil) }
        let elapsed = Date().timeIntervalSince(workStart ?? start)
        let fraction = min(done / total, 1)
        // Too little done for an extrapolation: the first batches are no guide to the rest.
        let enough = elapsed > 5 || (elapsed > 1 && fraction > 0.05)
        return (fraction, done > 0 && enough ? elapsed * (total - done) / done : nil)
    }

    private func writeLocked(_ text: String, to handle: FileHandle) {
        clearLine()
        handle.write(Data(text.utf8))
        if style == .live && running != nil { redraw(force: true) }
    }

    private func clearLine() {
        guard lineShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lineShown = false
    }

    private func redraw(force: Bool) {
        let now = Date()
        switch style {
        case .silent: return
        case .live: guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        case .lines: guard force || now.timeIntervalSince(lastDraw) >= lineInterval else { return }
        }
        lastDraw = now
        let (fraction, left) = estimateLocked()
        let percent = String(format: "%3d %%", Int((100 * fraction).rounded(.down)))
        let time = left.map { Self.duration($0) + " left" } ?? "estimating the time left"
        let what = [running?.label ?? "", running?.detail ?? ""].filter { !$0.isEmpty }.joined(separator: " · ")
        if style == .lines {
            FileHandle.standardError.write(
                Data("  [\(percent), \(time)] \(title)\(what.isEmpty ? "" : ": " + what)\n".utf8))
            return
        }
        let bar = Self.bar(fraction, width: 20)
        var line = "\(title) \(bar) \(percent)  \(time)\(what.isEmpty ? "" : "  " + what)"
        let columns = Self.terminalColumns()
        if line.count >= columns { line = String(line.prefix(max(columns - 2, 10))) + "…" }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        lineShown = true
    }

    static func bar(_ fraction: Double, width: Int) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "▕" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "▏"
    }

    static func terminalColumns() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
    }

    /// "12.3s", "4m05s", "1h02m".
    package static func duration(_ seconds: Double) -> String {
        let s = max(seconds, 0)
        if s < 60 { return String(format: "%.1fs", s) }
        if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
        return String(format: "%dh%02dm", Int(s) / 3600, Int(s) % 3600 / 60)
    }
}
