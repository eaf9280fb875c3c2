#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSandbox
import Foundation

public enum GraderError: Error, CustomStringConvertible {
    case scratchUnavailable(String)
    public var description: String {
        switch self { case .scratchUnavailable(let message): return message }
    }
}

/// The result of one graded check.
public struct CheckResult: Sendable {
    public enum Status: String, Sendable {
        case passed, failed
        case notImplemented = "not implemented"
        case crashed, timedOut = "timed out"
        case endedProcess = "ended the process"
        case compileError = "compile error"
    }
    /// "Lab01Checks.Lab01Checks/test_1_2_componentsAreOrthonormal".
    public let name: String
    public let exercise: Exercise
    public let status: Status
    public let score: Double
    public let maxScore: Double
    /// What the student should read: whole failure messages, the crash, or the compiler's errors.
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
    /// Which sandbox mode graded it (`Sandbox.description`).
    public var sandbox: String = ""

    public var score: Double { results.reduce(0) { $0 + $1.score } }
    public var maxScore: Double { results.reduce(0) { $0 + $1.maxScore } }

    public func score(of exercise: Exercise) -> Double { results.filter { $0.exercise == exercise }.reduce(0) { $0 + $1.score } }
}

/// Builds a submission against the kit and runs every graded check in the sandbox, each in
/// its own process with limits. A check passes only when the harness reports, over the
/// verdict channel with this run's nonce, that its body ran to the end with no failure.
/// A lab that does not compile — or whose compiled code does what exercises may not (see
/// `CompiledCodeInspection`) — costs that lab only: its module is swapped for the kit's
/// stubs and its checks score 0 with the compiler's errors as feedback.
public struct Grader: Sendable {
    public let kitRoot: String
    public let scratchPath: String
    public let timeout: Double
    public let labs: [Int]
    public let sandbox: Sandbox
    public let log: @Sendable (String) -> Void

    public init(kitRoot: String, scratchPath: String, timeout: Double, labs: [Int], sandbox: Sandbox,
                log: @escaping @Sendable (String) -> Void) {
        (self.kitRoot, self.scratchPath, self.timeout, self.labs, self.sandbox, self.log) = (kitRoot, scratchPath, timeout, labs, sandbox, log)
        ChildProcess.becomeSubreaper()
    }

    static func labFolder(_ lab: Int) -> String { String(format: "Lab%02d", lab) }

    /// Takes the scratch folder for this process (an exclusive `flock` held until exit): two
    /// graders building in one folder would grade each other's submissions.
    public static func lockScratch(_ scratchPath: String) throws {
        try FileManager.default.createDirectory(atPath: scratchPath, withIntermediateDirectories: true)
        let path = "\(scratchPath)/grader.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GraderError.scratchUnavailable("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw GraderError.scratchUnavailable("another grader (pid \(holder)) is using \(scratchPath); wait for it, or give this one its own --scratch-path")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        // The descriptor stays open (and the lock held) for the life of the process.
    }
    static let testBinary = "AutoencoderLabsPackageTests.xctest"

    public func grade(labsDirectory: String) -> GradeReport { grade(submission: RawPath(labsDirectory)) }

    /// Grades a submission: a folder holding `Labs/LabNN/`, or the `Labs` folder itself.
    public func grade(submission root: RawPath) -> GradeReport {
        let fm = FileManager.default
        let composed = "\(scratchPath)/submission"
        try? fm.removeItem(atPath: composed)
        try? fm.createDirectory(atPath: composed, withIntermediateDirectories: true)
        let copy = SubmissionCopy.make(from: root, into: composed, labs: PointTable.labs)
        var notes: [String] = []
        if !copy.rejected.isEmpty {
            notes.append("Not graded (only regular .swift files in Labs/LabNN/ are):\n" + copy.rejected.prefix(30).joined(separator: "\n")
                         + (copy.rejected.count > 30 ? "\n… and \(copy.rejected.count - 30) more" : ""))
        }
        var setAside: [Int: String] = [:]
        for lab in PointTable.labs where !copy.labsFound.contains(lab) {
            if labs.contains(lab) { setAside[lab] = "The submission has no .swift file in \(Self.labFolder(lab))/ that can be graded." }
            replaceWithStubs(lab, in: composed)
        }
        if let failure = build(composed: composed, setAside: &setAside) {
            notes.append("The kit did not build with this submission:\n" + failure)
            return GradeReport(results: failedEverything(status: .compileError, feedback: failure), labs: labs, notes: notes, sandbox: sandbox.description)
        }
        for (lab, message) in setAside.sorted(by: { $0.key < $1.key }) where labs.contains(lab) {
            notes.append("\(Self.labFolder(lab)) scores 0:\n\(message)")
        }

        // The checks run from a throw-away copy of the test binary and its resources: they
        // never see the build folder (which holds the submission's sources and objects).
        guard let runFolder = makeRunFolder() else {
            notes.append("Could not copy the test binary out of \(scratchPath).")
            return GradeReport(results: failedEverything(status: .crashed, feedback: notes.last!), labs: labs, notes: notes, sandbox: sandbox.description)
        }
        defer { try? fm.removeItem(atPath: runFolder) }
        let run = RunFolder(path: runFolder, libraries: sandbox.runtimeLibraryFolders(of: "\(runFolder)/\(Self.testBinary)"))
        #if os(macOS)
        // XCTest's runner on macOS cannot list a bundle's tests; SwiftPM can, without building.
        let listing = ChildProcess.run("/usr/bin/env", ["swift", "test", "list", "--skip-build", "--package-path", kitRoot, "--scratch-path", scratchPath], timeout: 300)
        #else
        let listing = runSandboxed(run, arguments: ["--list-tests"], timeout: 120, environment: [:])
        #endif
        let allChecks = listing.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { line in labs.contains { line.hasPrefix(String(format: "Lab%02dChecks.", $0)) || line.hasPrefix(String(format: "Lab%02dHiddenChecks.", $0)) } }
            .filter { !$0.contains(" ") }
        let counts = Dictionary(grouping: allChecks.compactMap { PointTable.exercise(forTest: $0) }, by: \.id).mapValues(\.count)
        let results = Results(count: allChecks.count)
        let aside = setAside
        DispatchQueue.concurrentPerform(iterations: allChecks.count) { i in
            let name = allChecks[i]
            guard let exercise = PointTable.exercise(forTest: name) else { return }
            let maxScore = exercise.points / Double(counts[exercise.id] ?? 1)
            if let message = aside[exercise.lab] {
                results[i] = CheckResult(name: name, exercise: exercise, status: .compileError, score: 0, maxScore: maxScore, feedback: message)
            } else {
                results[i] = runCheck(name, run: run, exercise: exercise, maxScore: maxScore)
            }
        }
        // Every exercise of a graded lab appears, even when the binary listed no checks for it.
        var all = results.all
        for exercise in PointTable.exercises where labs.contains(exercise.lab) && !all.contains(where: { $0.exercise == exercise }) {
            all.append(CheckResult(name: "\(Self.labFolder(exercise.lab))Checks.\(exercise.id)", exercise: exercise, status: .crashed, score: 0,
                                   maxScore: exercise.points, feedback: "The checks could not be listed:\n" + listing.output.suffix(1500)))
        }
        return GradeReport(results: all, labs: labs, notes: notes, sandbox: sandbox.description)
    }

    // MARK: Building

    /// Builds the composed submission in the sandbox; sets aside labs that do not compile
    /// or whose objects fail inspection, and rebuilds. Returns the errors when the kit
    /// cannot be built at all.
    func build(composed: String, setAside: inout [Int: String]) -> String? {
        for attempt in 0..<(PointTable.labs.count + 2) {
            log(attempt == 0 ? "building the submission against the kit…" : "rebuilding with \(setAside.keys.sorted().map { Self.labFolder($0) }.joined(separator: ", ")) set aside…")
            let command = sandbox.buildCommand("swift", ["build", "--build-tests", "--scratch-path", scratchPath], writable: [scratchPath],
                                               home: "\(scratchPath)/home", directory: kitRoot, environment: buildEnvironment(labsDirectory: composed), timeout: 1800)
            var options = command.options
            options.onOutput = BuildProgress(log: log).consume
            let outcome = ChildProcess.run(command.executable, command.arguments, options: options)
            let diagnostics = CompilerDiagnostics(output: outcome.output, submissionFolder: composed, kitRoot: kitRoot)
            if outcome.ending == .exited(0) {
                var flagged: [Int: [String]] = [:]
                for lab in PointTable.labs where setAside[lab] == nil {
                    let problems = CompiledCodeInspection.problems(lab: lab, buildFolder: "\(scratchPath)/debug")
                    if !problems.isEmpty { flagged[lab] = problems }
                }
                if flagged.isEmpty { return nil }
                for (lab, problems) in flagged {
                    setAside[lab] = "Its compiled code does what exercise code may not:\n" + problems.joined(separator: "\n")
                    replaceWithStubs(lab, in: composed)
                }
                continue
            }
            let failing = diagnostics.failingLabs.subtracting(setAside.keys)
            if failing.isEmpty {
                let unattributed = diagnostics.report(lab: nil)
                return unattributed.isEmpty ? CompilerDiagnostics.scrub(String(outcome.output.suffix(3000)), submissionFolder: composed, kitRoot: kitRoot) : unattributed
            }
            for lab in failing {
                setAside[lab] = "It does not compile:\n" + diagnostics.report(lab: lab)
                replaceWithStubs(lab, in: composed)
            }
        }
        return "the build kept failing after setting labs aside"
    }

    /// The environment for building: the caller's, with the exercise folder switched.
    func buildEnvironment(labsDirectory: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        // SwiftPM wants target paths relative to the package root.
        env["LABKIT_LABS_DIR"] = labsDirectory.hasPrefix(kitRoot + "/") ? String(labsDirectory.dropFirst(kitRoot.count + 1)) : labsDirectory
        env.removeValue(forKey: "LABKIT_SOLUTIONS")
        return env
    }

    /// Puts the kit's stubs (which compile, and hold no answer) in place of a lab's exercises.
    func replaceWithStubs(_ lab: Int, in composed: String) {
        let folder = Self.labFolder(lab), fm = FileManager.default
        try? fm.removeItem(atPath: "\(composed)/\(folder)")
        try? fm.createDirectory(atPath: "\(composed)/\(folder)", withIntermediateDirectories: true)
        let stubs = "\(kitRoot)/Labs/\(folder)"
        for file in (try? fm.contentsOfDirectory(atPath: stubs)) ?? [] where file.hasSuffix(".swift") {
            try? fm.copyItem(atPath: "\(stubs)/\(file)", toPath: "\(composed)/\(folder)/\(file)")
        }
    }

    func failedEverything(status: CheckResult.Status, feedback: String) -> [CheckResult] {
        labs.flatMap { lab in
            PointTable.exercises(inLab: lab).map {
                CheckResult(name: "\(Self.labFolder(lab))Checks.\($0.id)", exercise: $0, status: status, score: 0, maxScore: $0.points, feedback: feedback)
            }
        }
    }

    // MARK: Running checks

    /// Removes the temporary folders of graders that were killed (`/tmp/labkit-*-<pid>-*`
    /// whose pid no longer runs).
    public static func removeStaleTemporaryFolders() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] {
            let parts = name.split(separator: "-")
            guard parts.count == 4, parts[0] == "labkit", parts[1] == "checks" || parts[1] == "work",
                  let pid = Int32(parts[2]), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            _ = ChildProcess.run("/usr/bin/env", ["rm", "-rf", "/tmp/\(name)"], timeout: 60)
        }
    }

    /// A fresh folder (0755, under /tmp) with a copy of the test binary and its resource bundles.
    func makeRunFolder() -> String? {
        var template = Array("/tmp/labkit-checks-\(getpid())-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let folder = String(cString: made)
        chmod(folder, 0o755)
        let fm = FileManager.default, built = "\(scratchPath)/debug"
        let items = [Self.testBinary] + ((try? fm.contentsOfDirectory(atPath: built)) ?? []).filter { $0.hasSuffix(".resources") }
        for item in items {
            guard (try? fm.copyItem(atPath: "\(built)/\(item)", toPath: "\(folder)/\(item)")) != nil else { return nil }
        }
        _ = ChildProcess.run("/usr/bin/env", ["chmod", "-R", "a+rX,go-w", folder], timeout: 60)
        return folder
    }

    /// The copied test binary's folder and the runtime folders it needs.
    struct RunFolder: Sendable { let path: String; let libraries: [String] }

    /// Runs the test binary with `arguments` in the sandbox.
    func runSandboxed(_ run: RunFolder, arguments: [String], timeout: Double, environment: [String: String],
                      configure: (inout SpawnOptions) -> Void = { _ in }) -> ProcessOutcome {
        var template = Array("/tmp/labkit-work-\(getpid())-XXXXXX".utf8CString)
        let work = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) } ?? "/tmp"
        defer { if work != "/tmp" { _ = ChildProcess.run("/usr/bin/env", ["rm", "-rf", work], timeout: 60) } }
        if let user = sandbox.nobody, work != "/tmp" { chown(work, uid_t(user.uid), gid_t(user.gid)) }
        var command = sandbox.checkCommand(runFolder: run.path, binary: Self.testBinary, arguments: arguments,
                                           workingDirectory: work, libraries: run.libraries, extraEnvironment: environment)
        command.options.timeout = timeout
        configure(&command.options)
        return ChildProcess.run(command.executable, command.arguments, options: command.options)
    }

    func runCheck(_ name: String, run: RunFolder, exercise: Exercise, maxScore: Double) -> CheckResult {
        var noncePipe: [Int32] = [0, 0], verdictPipe: [Int32] = [0, 0]
        guard cs_pipe(&noncePipe) == 0, cs_pipe(&verdictPipe) == 0 else {
            return CheckResult(name: name, exercise: exercise, status: .crashed, score: 0, maxScore: maxScore, feedback: "the grader could not create a pipe")
        }
        let nonce = Verdict.makeNonce()
        let line = Array((nonce + "\n").utf8)
        _ = line.withUnsafeBytes { write(noncePipe[1], $0.baseAddress, $0.count) }
        close(noncePipe[1])
        let parser = LockedParser(VerdictParser(nonce: nonce, check: name))
        let outcome = runSandboxed(run, arguments: [name], timeout: timeout,
                                   environment: ["LABKIT_NONCE_FD": "3", "LABKIT_VERDICT_FD": "4"]) { options in
            options.inherited = [(noncePipe[0], 3), (verdictPipe[1], 4)]
            options.closeAfterSpawn = [noncePipe[0], verdictPipe[1]]
            options.channels = [verdictPipe[0]]
            options.onChannel = { _, bytes in parser.consume(bytes) }
        }
        close(verdictPipe[0])
        return Self.result(name: name, exercise: exercise, maxScore: maxScore, verdict: parser.verdict, outcome: outcome, timeout: timeout)
    }

    /// The verdict decides a pass; the process's ending only explains a failure.
    static func result(name: String, exercise: Exercise, maxScore: Double, verdict: Verdict, outcome: ProcessOutcome, timeout: Double) -> CheckResult {
        let failures = verdict.failures.map { $0.replacingOccurrences(of: "\nfailed - ", with: "\n") }
        if verdict.passed && failures.isEmpty {
            return CheckResult(name: name, exercise: exercise, status: .passed, score: maxScore, maxScore: maxScore, feedback: "")
        }
        let status: CheckResult.Status
        var feedback = failures.joined(separator: "\n\n")
        let crash = crashReport(outcome.output)
        switch outcome.ending {
        case .timedOut(let seconds):
            status = .timedOut
            feedback = "The check did not finish within \(Int(seconds)) s (an endless loop?)." + (feedback.isEmpty ? "" : "\n\n" + feedback)
        case _ where !failures.isEmpty:
            status = failures.contains { $0.contains("NOT IMPLEMENTED") } ? .notImplemented : .failed
        case .signalled(let signal):
            status = .crashed
            feedback = "The check crashed (\(describe(signal: signal))).\n" + crash
        case .exited(let code) where code >= 128 && code < 160:
            // bubblewrap reports a child killed by signal N as exit 128 + N.
            status = .crashed
            feedback = "The check crashed (\(describe(signal: code - 128))).\n" + crash
        case .exited(let code):
            status = .endedProcess
            feedback = verdict.began
                ? "The exercise ended the process (exit \(code)) before the check finished."
                : "The check never started (exit \(code)).\n" + crash
        }
        return CheckResult(name: name, exercise: exercise, status: status, score: 0, maxScore: maxScore, feedback: feedback)
    }

    static func describe(signal: Int32) -> String {
        switch signal {
        case SIGILL, SIGTRAP: return "signal \(signal): a failed precondition, an index out of range or a force-unwrapped nil"
        case SIGABRT: return "signal \(signal): the runtime stopped it — often an allocation beyond the memory limit"
        case SIGSEGV, SIGBUS: return "signal \(signal): a bad memory access"
        case SIGKILL: return "signal \(signal): killed, e.g. for using too much memory"
        default: return "signal \(signal)"
        }
    }

    /// What a student needs from a crash: the runtime's message (`Fatal error: …`), the
    /// crash line, and the frames in their own code; else the last lines of output.
    static func crashReport(_ output: String) -> String {
        let lines = output.split(separator: "\n").map(String.init)
        let runtimeLines = lines.filter { line in
            ["Fatal error", "Precondition failed", "Assertion failed", "Program crashed", "Fatal access conflict"].contains { line.contains($0) }
        }
        let frames = lines.compactMap(studentFrame).prefix(4)
        // "*** Program crashed: Illegal instruction at 0x… ***" adds nothing to a runtime message.
        let explained = runtimeLines.contains { !$0.contains("Program crashed") }
        let messages = explained ? runtimeLines.filter { !$0.contains("Program crashed") } : runtimeLines
        if !messages.isEmpty { return (messages.prefix(4) + frames).joined(separator: "\n") }
        let tail = lines.suffix(12).filter { !$0.hasPrefix("Test Suite") && !$0.hasPrefix("Test Case") && !$0.contains("Executed ") }
        return tail.isEmpty ? "(no output)" : "Last output:\n" + tail.joined(separator: "\n")
    }

    /// A frame of the runtime's backtrace that lies in the student's code, as
    /// "in your code: Labs/Lab05/Lab05VAE.swift:15 — reparameterize(mu:logVariance:using:)".
    static func studentFrame(_ line: String) -> String? {
        guard let at = line.range(of: " at ", options: .backwards),
              let labs = line[at.upperBound...].range(of: "/submission/Lab") else { return nil }
        var location = "Labs/" + line[line.index(labs.lowerBound, offsetBy: "/submission/".count)...]
        if location.split(separator: ":").count == 3, let column = location.lastIndex(of: ":") { location = String(location[..<column]) }
        let words = line[..<at.lowerBound].split(separator: " ", omittingEmptySubsequences: true)
        let function = words.firstIndex { $0.hasPrefix("0x") }.map { start -> String in
            let rest = words[(start + 1)...].joined(separator: " ")
            return String(rest[..<(rest.range(of: " + ")?.lowerBound ?? rest.range(of: " in ")?.lowerBound ?? rest.endIndex)])
        } ?? ""
        return "in your code: \(location)" + (function.isEmpty ? "" : " — \(function)")
    }

    /// A verdict parser shared with the runner's reading loop.
    final class LockedParser: @unchecked Sendable {
        private var parser: VerdictParser
        private let lock = NSLock()
        init(_ parser: VerdictParser) { self.parser = parser }
        func consume(_ bytes: [UInt8]) { lock.lock(); parser.consume(bytes); lock.unlock() }
        var verdict: Verdict { lock.lock(); defer { lock.unlock() }; return parser.verdict }
    }

    /// Results filled in concurrently, one slot per check.
    final class Results: @unchecked Sendable {
        private var slots: [CheckResult?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        subscript(i: Int) -> CheckResult? {
            get { lock.lock(); defer { lock.unlock() }; return slots[i] }
            set { lock.lock(); slots[i] = newValue; lock.unlock() }
        }
        var all: [CheckResult] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
    }
}

/// Turns SwiftPM's "[120/326] Compiling …" lines into a progress line every 10 %, so a first
/// build of several minutes is not silent.
final class BuildProgress: @unchecked Sendable {
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var pending = ""
    private var lastTenth = -1
    private let start = Date()

    init(log: @escaping @Sendable (String) -> Void) { self.log = log }

    func consume(_ bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        pending += String(decoding: bytes, as: UTF8.self)
        var lines = pending.split(separator: "\n", omittingEmptySubsequences: false)
        pending = String(lines.removeLast())
        for line in lines where line.hasPrefix("[") {
            let numbers = line.dropFirst().prefix { $0 != "]" }.split(separator: "/").compactMap { Int($0) }
            guard numbers.count == 2, numbers[1] >= 20 else { continue }
            let tenth = 10 * numbers[0] / numbers[1]
            if tenth > lastTenth {
                lastTenth = tenth
                log(String(format: "  building: %d/%d steps (%d %%), %.0f s", numbers[0], numbers[1], 100 * numbers[0] / numbers[1], Date().timeIntervalSince(start)))
            }
        }
    }
}
