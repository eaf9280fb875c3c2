import Foundation

/// The result of one graded check.
public struct CheckResult: Sendable {
    public enum Status: String, Sendable {
        case passed, failed
        case notImplemented = "not implemented"
        case crashed, timedOut = "timed out"
        case compileError = "compile error"
    }
    /// "Lab01Checks.Lab01Checks/test_1_2_componentsAreOrthonormal".
    public let name: String
    public let exercise: Exercise
    public let status: Status
    public let score: Double
    public let maxScore: Double
    /// What the student should read: failure messages, the signal, or the compiler's errors.
    public let feedback: String

    /// Whether the check is one of the instructors' hidden ones (Tests/Hidden).
    public var isHidden: Bool { name.contains("HiddenChecks.") }

    /// "componentsAreOrthonormal".
    public var shortName: String {
        let method = name.split(separator: "/").last.map(String.init) ?? name
        return String(method.dropFirst(exercise.testPrefix.count))
    }
}

/// A graded submission: every check of the graded labs.
public struct GradeReport: Sendable {
    public var results: [CheckResult]
    public var labs: [Int]
    public var notes: [String]

    public var score: Double { results.reduce(0) { $0 + $1.score } }
    public var maxScore: Double { results.reduce(0) { $0 + $1.maxScore } }

    public func score(of exercise: Exercise) -> Double { results.filter { $0.exercise == exercise }.reduce(0) { $0 + $1.score } }
}

/// Builds a folder of exercises against the kit and runs the graded checks, each in its own
/// process with a time limit. A lab whose code does not compile costs that lab only: its
/// module is swapped for one that compiles (the reference or the stubs), its checks are not
/// run, and they score 0 with the compiler's message as feedback.
public struct Grader: Sendable {
    public let kitRoot: String
    public let scratchPath: String
    public let timeout: Double
    public let labs: [Int]
    public let log: @Sendable (String) -> Void

    public init(kitRoot: String, scratchPath: String, timeout: Double, labs: [Int], log: @escaping @Sendable (String) -> Void) {
        (self.kitRoot, self.scratchPath, self.timeout, self.labs, self.log) = (kitRoot, scratchPath, timeout, labs, log)
    }

    static func labFolder(_ lab: Int) -> String { String(format: "Lab%02d", lab) }

    /// Grades the exercises in `labsDirectory` (a folder holding Lab01/, Lab02/, …).
    public func grade(labsDirectory: String) -> GradeReport {
        let fm = FileManager.default
        let composed = "\(scratchPath)/submission"
        try? fm.removeItem(atPath: composed)
        try? fm.createDirectory(atPath: composed, withIntermediateDirectories: true)
        var notes: [String] = []
        var substituted: [Int: String] = [:]
        for lab in PointTable.labs {
            let folder = Self.labFolder(lab)
            let source = "\(labsDirectory)/\(folder)"
            if fm.fileExists(atPath: source) {
                try? fm.copyItem(atPath: source, toPath: "\(composed)/\(folder)")
            } else {
                substituted[lab] = "The submission has no \(folder) folder."
                copyReplacement(lab, into: composed)
            }
        }
        // Build; on failure, swap out the labs the compiler complains about and try again.
        for attempt in 0..<3 {
            log(attempt == 0 ? "building the submission against the kit…" : "rebuilding with the failing labs set aside…")
            let build = ChildProcess.run("/usr/bin/env", ["swift", "build", "--build-tests", "--scratch-path", scratchPath],
                                         environment: environment(labsDirectory: composed), directory: kitRoot, timeout: 1800)
            if build.ending == .exited(0) { break }
            // A lab fails when the compiler complains about its exercises or about code that
            // uses them (its notebook, its checks) — e.g. a changed function signature.
            let failing = PointTable.labs.filter { lab in
                substituted[lab] == nil && Self.errorPaths(of: lab, composed: composed).contains { build.output.contains($0) }
            }
            if failing.isEmpty {
                notes.append("The kit did not build:\n" + Self.compilerErrors(build.output))
                return GradeReport(results: failedEverything(status: .compileError, feedback: Self.compilerErrors(build.output)), labs: labs, notes: notes)
            }
            for lab in failing {
                substituted[lab] = Self.errorPaths(of: lab, composed: composed).map { Self.compilerErrors(build.output, only: $0, fallback: false) }
                    .filter { !$0.isEmpty }.joined(separator: "\n")
                try? fm.removeItem(atPath: "\(composed)/\(Self.labFolder(lab))")
                copyReplacement(lab, into: composed)
            }
        }
        let bundle = "\(scratchPath)/debug/AutoencoderLabsPackageTests.xctest"
        let listing = ChildProcess.run(bundle, ["--list-tests"], directory: kitRoot, timeout: 120)
        let allChecks = listing.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { line in labs.contains { line.hasPrefix(String(format: "Lab%02dChecks.", $0)) || line.hasPrefix(String(format: "Lab%02dHiddenChecks.", $0)) } }
        var results = [CheckResult?](repeating: nil, count: allChecks.count)
        let counts = Dictionary(grouping: allChecks.compactMap { PointTable.exercise(forTest: $0) }, by: \.id).mapValues(\.count)
        let setAside = substituted
        nonisolated(unsafe) var slots = results
        slots.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: allChecks.count) { i in
                let name = allChecks[i]
                guard let exercise = PointTable.exercise(forTest: name) else { return }
                let maxScore = exercise.points / Double(counts[exercise.id] ?? 1)
                if let message = setAside[exercise.lab] {
                    buffer[i] = CheckResult(name: name, exercise: exercise, status: .compileError, score: 0, maxScore: maxScore, feedback: message)
                    return
                }
                buffer[i] = runCheck(name, bundle: bundle, exercise: exercise, maxScore: maxScore)
            }
        }
        results = slots
        for (lab, message) in substituted.sorted(by: { $0.key < $1.key }) where labs.contains(lab) {
            notes.append("\(Self.labFolder(lab)) did not compile and scores 0:\n\(message)")
        }
        return GradeReport(results: results.compactMap { $0 }, labs: labs, notes: notes)
    }

    func runCheck(_ name: String, bundle: String, exercise: Exercise, maxScore: Double) -> CheckResult {
        let outcome = ChildProcess.run(bundle, [name], directory: kitRoot, timeout: timeout)
        let failures = outcome.output.split(separator: "\n").filter { $0.contains(": error: ") }.map { line -> String in
            // "…/Lab01Checks.swift:44: error: Lab01Checks.test_x : failed - message" → "message"
            let text = String(line)
            if let range = text.range(of: " : failed - ") { return String(text[range.upperBound...]) }
            if let range = text.range(of: ": error: ") { return String(text[range.upperBound...]) }
            return text
        }
        let passed = outcome.ending == .exited(0) && outcome.output.contains("' passed") && failures.isEmpty
        let status: CheckResult.Status
        var feedback = failures.joined(separator: "\n")
        switch outcome.ending {
        case .timedOut(let seconds):
            status = .timedOut
            feedback = "The check did not finish within \(Int(seconds)) s (an endless loop?)."
        case .signalled(let signal):
            status = .crashed
            feedback = "The check crashed (signal \(signal)\(signal == SIGILL || signal == SIGTRAP ? ", e.g. a failed precondition, an index out of range or a force-unwrapped nil" : "")).\nLast output:\n"
                + outcome.output.split(separator: "\n").suffix(8).joined(separator: "\n")
        case .exited:
            status = passed ? .passed : (feedback.contains("NOT IMPLEMENTED") ? .notImplemented : .failed)
        }
        return CheckResult(name: name, exercise: exercise, status: status, score: passed ? maxScore : 0, maxScore: maxScore, feedback: feedback)
    }

    /// The environment for building: the caller's, with the exercise folder switched.
    func environment(labsDirectory: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        // SwiftPM wants target paths relative to the package root.
        env["LABKIT_LABS_DIR"] = labsDirectory.hasPrefix(kitRoot + "/") ? String(labsDirectory.dropFirst(kitRoot.count + 1)) : labsDirectory
        env.removeValue(forKey: "LABKIT_SOLUTIONS")
        return env
    }

    /// Copies a module that compiles in place of a lab's exercises: the reference solutions
    /// when the kit has them (their checks are never run), else the kit's own stubs.
    func copyReplacement(_ lab: Int, into composed: String) {
        let folder = Self.labFolder(lab)
        let fm = FileManager.default
        for candidate in ["\(kitRoot)/Solutions/\(folder)", "\(kitRoot)/Labs/\(folder)"] where fm.fileExists(atPath: candidate) {
            try? fm.copyItem(atPath: candidate, toPath: "\(composed)/\(folder)")
            return
        }
    }

    func failedEverything(status: CheckResult.Status, feedback: String) -> [CheckResult] {
        labs.flatMap { lab in
            PointTable.exercises(inLab: lab).map {
                CheckResult(name: "\(Self.labFolder(lab))Checks.\($0.id)", exercise: $0, status: status, score: 0, maxScore: $0.points, feedback: feedback)
            }
        }
    }

    /// Where compiler errors caused by a lab's exercises appear: the exercises themselves, the
    /// lab's notebook, and its (hidden) checks.
    static func errorPaths(of lab: Int, composed: String) -> [String] {
        let folder = labFolder(lab)
        return ["\(composed)/\(folder)/", String(format: "/Sources/lab%02d/", lab), "/Tests/Graded/\(folder)Checks/", "/Tests/Hidden/\(folder)HiddenChecks/"]
    }

    /// The compiler's error lines (and the lines that follow them), optionally only for files under a path.
    static func compilerErrors(_ output: String, only prefix: String? = nil, fallback: Bool = true) -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var kept: [String] = []
        var seen = Set<String>()
        for (i, line) in lines.enumerated() where line.contains("error:") {
            if let prefix, !line.contains(prefix) { continue }
            let cleaned = line.replacingOccurrences(of: prefix.map { $0.hasPrefix("/Sources") || $0.hasPrefix("/Tests") ? "\u{0}" : $0 } ?? "\u{0}", with: "")
            guard seen.insert(cleaned).inserted else { continue }
            kept.append(cleaned)
            kept += lines[(i + 1)..<Swift.min(lines.count, i + 4)].filter { !$0.contains("error:") }
            if kept.count > 60 { break }
        }
        return kept.isEmpty ? (fallback ? String(output.suffix(3000)) : "") : kept.joined(separator: "\n")
    }
}
