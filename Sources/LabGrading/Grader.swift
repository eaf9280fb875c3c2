import CSandbox
import ExerciseChannel
import Foundation
import LabKit
import LabRegistry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

package enum GraderError: Error, CustomStringConvertible {
    case scratchUnavailable(String)
    package var description: String {
        switch self {
        case .scratchUnavailable(let message): return message
        }
    }
}

/// The result of one graded check.
package struct CheckResult: Sendable {
    package enum Status: String, Sendable {
        case passed, failed
        case notImplemented = "not implemented"
        case crashed
        case timedOut = "timed out"
        case endedProcess = "ended the process"
        case compileError = "compile error"
    }
    /// "Lab01Checks.Lab01Checks/test_1_2_componentsAreOrthonormal".
    package let name: String
    package let exercise: Exercise
    package let status: Status
    package let score: Double
    package let maxScore: Double
    /// What the student should read: whole failure messages, the crash, or the compiler's errors.
    package let feedback: String

    /// Whether the check is one of the instructors' hidden ones (Tests/Hidden).
    package var isHidden: Bool { name.contains("HiddenChecks.") }

    /// "componentsAreOrthonormal".
    package var shortName: String {
        if isHidden { return "hidden check" }
        let method = name.split(separator: "/").last.map(String.init) ?? name
        return String(method.dropFirst(exercise.testPrefix.count))
    }
}

/// A graded submission: every check of the graded labs.
package struct GradeReport: Sendable {
    package var results: [CheckResult]
    package var labs: [Int]
    package var notes: [String]
    /// Which sandbox mode graded it (`Sandbox.description`).
    package var sandbox: String = ""

    package var score: Double { results.reduce(0) { $0 + $1.score } }
    package var maxScore: Double { results.reduce(0) { $0 + $1.maxScore } }

    package func score(of exercise: Exercise) -> Double {
        results.filter { $0.exercise == exercise }.reduce(0) { $0 + $1.score }
    }
    /// The part of the report about one lab.
    package func restricted(toLab lab: Int) -> GradeReport {
        GradeReport(results: results.filter { $0.exercise.lab == lab }, labs: [lab], notes: [], sandbox: sandbox)
    }

    /// The points the graded checks of `exercise` can earn (all of its points unless `--only` chose some checks).
    package func maxScore(of exercise: Exercise) -> Double {
        results.filter { $0.exercise == exercise }.reduce(0) { $0 + $1.maxScore }
    }
}

/// Builds a submission against the kit and runs every graded check in the sandbox, each in
/// its own process with limits. A check passes only when the harness reports, over the
/// verdict channel with this run's nonce, that its body ran to the end with no failure.
/// A lab that does not compile — or whose compiled code does what exercises may not (see
/// `CompiledCodeInspection`) — costs that lab only: its module is swapped for the kit's
/// stubs and its checks score 0 with the compiler's errors as feedback.
package struct Grader: Sendable {
    package let kitRoot: String
    package let scratchPath: String
    package let timeout: Double
    package let labs: [Int]
    /// What is graded when not every check of `labs`: exercises ("3.2") and checks by name
    /// ("probabilitiesZeroAndOne", or with its `test_3_2_` prefix).
    package let only: Set<String>?
    package let sandbox: Sandbox
    package let log: @Sendable (String) -> Void
    /// Whether this grading is the process's whole job, shown by the progress display in
    /// phases (each build, then the checks of every lab); a class grader shows one piece per
    /// student instead, and a grading is then that piece's detail.
    package var ownsProgress = true
    /// The labs there are, their exercises and points.
    package var registry = LabRegistry.kit

    package init(
        kitRoot: String, scratchPath: String, timeout: Double, labs: [Int], only: Set<String>? = nil,
        sandbox: Sandbox, log: @escaping @Sendable (String) -> Void
    ) {
        (self.kitRoot, self.scratchPath, self.timeout, self.labs, self.only, self.sandbox, self.log) =
            (kitRoot, scratchPath, timeout, labs, only, sandbox, log)
        ChildProcess.becomeSubreaper()
    }

    /// Whether every check of `exercise` is graded by this grader.
    func grades(_ exercise: Exercise) -> Bool {
        labs.contains(exercise.lab) && only.map { $0.contains(exercise.id) } ?? true
    }

    /// Whether the check named `name` ("Lab03Checks.Lab03Checks/test_3_2_…") is graded.
    func grades(check name: String) -> Bool {
        guard let exercise = registry.exercise(forTest: name) else { return false }
        guard let only, !grades(exercise) else { return grades(exercise) }
        let method = String(name.split(separator: "/").last ?? "")
        return labs.contains(exercise.lab)
            && (only.contains(method) || only.contains(String(method.dropFirst(exercise.testPrefix.count))))
    }

    static func labFolder(_ lab: Int) -> String { String(format: "Lab%02d", lab) }

    /// Takes the scratch folder for this process (an exclusive `flock` held until exit): two
    /// graders building in one folder would grade each other's submissions.
    package static func lockScratch(_ scratchPath: String) throws {
        try FileManager.default.createDirectory(atPath: scratchPath, withIntermediateDirectories: true)
        let path = "\(scratchPath)/grader.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GraderError.scratchUnavailable("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? "?"
            close(fd)
            throw GraderError.scratchUnavailable(
                "another grader (pid \(holder)) is using \(scratchPath); wait for it, or give this one its own --scratch-path"
            )
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        // The descriptor stays open (and the lock held) for the life of the process.
    }
    static let testBinary = "AutoencoderLabsPackageTests.xctest"
    static let serverBinary = "exercise-server"

    package func grade(labsDirectory: String) -> GradeReport { grade(submission: RawPath(labsDirectory)) }

    /// Grades a submission: a folder holding `Labs/LabNN/`, or the `Labs` folder itself.
    package func grade(submission root: RawPath) -> GradeReport {
        let fm = FileManager.default
        // Composed in a staging folder, then synced into the folder the build reads.
        let composed = "\(scratchPath)/submission", staged = "\(scratchPath)/staged"
        try? fm.removeItem(atPath: staged)
        try? fm.createDirectory(atPath: staged, withIntermediateDirectories: true)
        try? fm.createDirectory(atPath: composed, withIntermediateDirectories: true)
        let copy = SubmissionCopy.make(from: root, into: staged, labs: registry.numbers)
        var notes: [String] = []
        if !copy.rejected.isEmpty {
            notes.append(
                "Not graded (only regular .swift files in Labs/LabNN/ are):\n"
                    + copy.rejected.prefix(30).joined(separator: "\n")
                    + (copy.rejected.count > 30 ? "\n… and \(copy.rejected.count - 30) more" : ""))
        }
        var setAside: [Int: String] = [:]
        for lab in registry.numbers where !copy.labsFound.contains(lab) {
            if labs.contains(lab) {
                setAside[lab] = "The submission has no .swift file in \(Self.labFolder(lab))/ that can be graded."
            }
            replaceWithStubs(lab, in: staged)
        }
        Self.sync(staged, into: composed)
        // The checks are the kit's own code, built once and copied out of the build folder; the
        // exercise process runs from a throw-away copy of this submission's binary.
        func failed(_ status: CheckResult.Status, _ feedback: String) -> GradeReport {
            notes.append(feedback)
            return GradeReport(
                results: failedEverything(status: status, feedback: feedback), labs: labs, notes: notes,
                sandbox: sandbox.description)
        }
        guard let checks = preparedChecks(composed: composed) else {
            let reason = ChecksCache.shared.failure(scratchPath) ?? ""
            return failed(.crashed, "The graded checks could not be built from the kit:\n" + reason)
        }
        if let failure = build(composed: composed, setAside: &setAside) {
            return failed(.compileError, "The exercise process did not build with this submission:\n" + failure)
        }
        for (lab, message) in setAside.sorted(by: { $0.key < $1.key }) where labs.contains(lab) {
            notes.append("\(Self.labFolder(lab)) scores 0:\n\(message)")
        }
        guard let serverFolder = makeRunFolder(items: [Self.serverBinary]) else {
            return failed(.crashed, "Could not copy the exercise process out of \(scratchPath).")
        }
        defer { _ = ChildProcess.run("/usr/bin/env", ["rm", "-rf", serverFolder], timeout: 60) }
        let server = RunFolder(
            path: serverFolder,
            libraries: sandbox.runtimeLibraryFolders(of: "\(serverFolder)/\(Self.serverBinary)"))
        let listing = checks.listing
        let allChecks = listing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { line in
                labs.contains {
                    line.hasPrefix(String(format: "Lab%02dChecks.", $0))
                        || line.hasPrefix(String(format: "Lab%02dHiddenChecks.", $0))
                }
            }
            .filter { !$0.contains(" ") }
        // A check's share of its exercise's points counts every check of the exercise, graded or not.
        let counts = Dictionary(grouping: allChecks.compactMap { registry.exercise(forTest: $0) }, by: \.id)
            .mapValues(\.count)
        let graded = allChecks.filter(grades(check:))
        let perLab = Dictionary(grouping: graded) { registry.exercise(forTest: $0)?.lab ?? 0 }.mapValues(\.count)
        beginPhase(
            "checks",
            plan: labs.filter { setAside[$0] == nil && perLab[$0] != nil }
                .map { PlannedWork(Self.progressLabel(lab: $0), weight: Double(perLab[$0]!)) })
        let checksDone = Tally()
        // Set-aside labs score 0; the others run in batches of a lab's checks, one checks
        // process per batch, each check with an exercise process of its own.
        var all: [CheckResult] = []
        var batches: [[String]] = []
        for lab in labs {
            let names = graded.filter { registry.exercise(forTest: $0)?.lab == lab }
            if let message = setAside[lab] {
                all += names.compactMap { name in
                    registry.exercise(forTest: name).map {
                        CheckResult(
                            name: name, exercise: $0, status: .compileError, score: 0,
                            maxScore: $0.points / Double(counts[$0.id] ?? 1), feedback: message)
                    }
                }
            } else {
                batches += stride(from: 0, to: names.count, by: Self.batchSize).map {
                    Array(names[$0..<Swift.min($0 + Self.batchSize, names.count)])
                }
            }
        }
        let results = Results(count: batches.count), batched = batches
        DispatchQueue.concurrentPerform(iterations: batched.count) { i in
            let lab = registry.exercise(forTest: batched[i][0])?.lab ?? 0
            defer {
                let done = checksDone.add(batched[i].count, at: lab), total = perLab[lab] ?? 1
                ProgressDisplay.shared.update(
                    Self.progressLabel(lab: lab), fraction: Double(done) / Double(total),
                    detail: "\(done)/\(total) checks")
                if done == total { ProgressDisplay.shared.finish(Self.progressLabel(lab: lab)) }
            }
            results[i] = runChecks(batched[i], checks: checks.folder, server: server).compactMap { name, outcome in
                registry.exercise(forTest: name).map {
                    Self.result(
                        name: name, exercise: $0, maxScore: $0.points / Double(counts[$0.id] ?? 1),
                        outcome: outcome)
                }
            }
        }
        all += results.all.flatMap { $0 }
        // Every exercise of a graded lab appears, even when the binary listed no checks for it.
        for exercise in registry.exercises where grades(exercise) && !all.contains(where: { $0.exercise == exercise }) {
            all.append(
                CheckResult(
                    name: "\(Self.labFolder(exercise.lab))Checks.\(exercise.id)", exercise: exercise, status: .crashed,
                    score: 0,
                    maxScore: exercise.points,
                    feedback: "The checks could not be listed:\n" + listing.suffix(1500)))
        }
        // A hidden check says that it failed and for which exercise — not its inputs, name or message.
        all = all.map { r in
            guard r.isHidden, r.status != .passed else { return r }
            let feedback =
                "A hidden check of exercise \(r.exercise.id) did not pass (\(r.status.rawValue)); "
                + "hidden checks do not show their inputs or messages."
            return CheckResult(
                name: r.name, exercise: r.exercise, status: r.status, score: r.score,
                maxScore: r.maxScore, feedback: feedback)
        }
        return GradeReport(results: all, labs: labs, notes: notes, sandbox: sandbox.description)
    }

    // MARK: Progress

    static func progressLabel(lab: Int) -> String { "\(labFolder(lab)) checks" }

    /// A phase of a grading that is the process's whole job: the display starts afresh (its
    /// time left is the phase's). In a class grading the phase is the student's detail.
    func beginPhase(_ title: String, plan: [PlannedWork] = []) {
        if ownsProgress {
            ProgressDisplay.shared.start("grade: " + title, plan: plan)
        } else {
            ProgressDisplay.shared.status(title)
        }
    }

    // MARK: Building

    /// How long one submission's build may take: its nine exercise modules and the exercise
    /// process (the kit is built once before). The type checker gives up on one expression after
    /// 20 s (Package.swift), so a type-checker bomb costs its lab, not the class.
    static let submissionBuildSeconds = 110.0

    /// Builds the composed submission's exercise process in the sandbox, from its own files
    /// only (every exercise object of an earlier build is removed first); sets aside labs
    /// that do not compile, or whose objects fail inspection, and rebuilds. Returns the
    /// errors when the exercise process cannot be built at all.
    func build(composed: String, setAside: inout [Int: String]) -> String? {
        var builtFromScratch = false
        for attempt in 0..<(registry.numbers.count + 3) {
            let asideNow = setAside.keys.sorted().map { Self.labFolder($0) }.joined(separator: ", ")
            let phase = attempt == 0 ? "building the submission's exercises" : "rebuilding with \(asideNow) set aside"
            log(phase + "…")
            beginPhase(phase)
            removeStaleExerciseOutputs(composed: composed)
            let limit = Self.submissionBuildSeconds
            let outcome = swiftBuild(
                product: Self.serverBinary, composed: composed, timeout: limit,
                memory: Self.submissionBuildMemory)
            let diagnostics = CompilerDiagnostics(output: outcome.output, submissionFolder: composed, kitRoot: kitRoot)
            if case .timedOut = outcome.ending {
                for lab in slowLabs(outcome.output).subtracting(setAside.keys) {
                    setAside[lab] =
                        "It did not compile within \(Int(limit)) s: an expression the type checker "
                        + "cannot solve in reasonable time? Split long expressions and give literals their types."
                    replaceWithStubs(lab, in: composed)
                }
                continue
            }
            if outcome.ending == .exited(0) {
                var flagged: [Int: [String]] = [:]
                for lab in registry.numbers where setAside[lab] == nil {
                    let problems = CompiledCodeInspection.problems(lab: lab, buildFolder: "\(scratchPath)/debug")
                    if !problems.isEmpty { flagged[lab] = problems }
                }
                if flagged.isEmpty { return nil }
                for (lab, problems) in flagged {
                    setAside[lab] =
                        "Its compiled code does what exercise code may not:\n" + problems.joined(separator: "\n")
                    replaceWithStubs(lab, in: composed)
                }
                continue
            }
            let failing = diagnostics.failingLabs.subtracting(setAside.keys)
            if failing.isEmpty && !builtFromScratch {
                // No lab to blame: before failing the whole submission, build its exercise modules
                // and the exercise process once more from nothing (the kit's modules are kept), so
                // a compiler's incremental state left by an earlier build cannot decide a grade.
                builtFromScratch = true
                removeExerciseOutputs()
                continue
            }
            if failing.isEmpty {
                let unattributed = diagnostics.report(lab: nil)
                return unattributed.isEmpty
                    ? CompilerDiagnostics.scrub(
                        String(outcome.output.suffix(3000)), submissionFolder: composed, kitRoot: kitRoot)
                    : unattributed
            }
            for lab in failing {
                setAside[lab] = "It does not compile:\n" + diagnostics.report(lab: lab)
                replaceWithStubs(lab, in: composed)
            }
        }
        return "the build kept failing after setting labs aside"
    }

    /// Removes every compiled output of an exercise module whose source files are not the ones
    /// it was last built from (SwiftPM's `sources` list), so a build holds nothing of an earlier
    /// submission — an object of a file since removed, say. A module with the same files keeps its
    /// outputs: `compose` rewrites only files whose bytes changed, so the compiler's own
    /// change tracking rebuilds exactly those (a mutant rebuilds one module, not nine).
    /// Removes the compiled outputs of every exercise module and of the exercise process (not
    /// the files SwiftPM plans a build with: the output file map, the source list, headers).
    func removeExerciseOutputs() {
        let fm = FileManager.default, built = "\(scratchPath)/debug"
        let kept: Set<String> = ["output-file-map.json", "sources", "include"]
        let modules = registry.numbers.map { String(format: "Lab%02dExercises", $0) } + ["exercise_server"]
        let moduleFiles = (try? fm.contentsOfDirectory(atPath: "\(built)/Modules")) ?? []
        for module in modules {
            let folder = "\(built)/\(module).build"
            for file in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where !kept.contains(file) {
                try? fm.removeItem(atPath: "\(folder)/\(file)")
            }
            for file in moduleFiles where file.hasPrefix(module + ".") {
                try? fm.removeItem(atPath: "\(built)/Modules/\(file)")
            }
        }
        try? fm.removeItem(atPath: "\(built)/\(Self.serverBinary)")
    }

    func removeStaleExerciseOutputs(composed: String) {
        let fm = FileManager.default, built = "\(scratchPath)/debug"
        let kept: Set<String> = ["output-file-map.json", "sources", "include"]
        let modules = (try? fm.contentsOfDirectory(atPath: "\(built)/Modules")) ?? []
        for lab in registry.numbers {
            let module = String(format: "Lab%02dExercises", lab), folder = "\(built)/\(module).build"
            let files = (try? fm.contentsOfDirectory(atPath: "\(composed)/\(Self.labFolder(lab))")) ?? []
            let now = Set(files.filter { $0.hasSuffix(".swift") })
            let before = Set(
                ((try? String(contentsOfFile: "\(folder)/sources", encoding: .utf8)) ?? "")
                    .split(separator: "\n").map { String($0.split(separator: "/").last ?? "") })
            guard now != before else { continue }
            var doomed = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { !kept.contains($0) }
                .map { "\(folder)/\($0)" }
            doomed += modules.filter { $0.hasPrefix(module + ".") }.map { "\(built)/Modules/\($0)" }
            for path in doomed { try? fm.removeItem(atPath: path) }
        }
    }

    /// Makes `composed` hold exactly the files of `staged`, rewriting only those whose bytes
    /// differ (an unchanged file keeps its time stamp, so it is not compiled again).
    static func sync(_ staged: String, into composed: String) {
        let fm = FileManager.default
        let wanted = Set(fm.subpaths(atPath: staged) ?? [])
        for old in (fm.subpaths(atPath: composed) ?? []).sorted(by: >) where !wanted.contains(old) {
            try? fm.removeItem(atPath: "\(composed)/\(old)")
        }
        for path in wanted.sorted() {
            var isFolder: ObjCBool = false
            _ = fm.fileExists(atPath: "\(staged)/\(path)", isDirectory: &isFolder)
            if isFolder.boolValue {
                try? fm.createDirectory(atPath: "\(composed)/\(path)", withIntermediateDirectories: true)
            } else if !fm.contentsEqual(atPath: "\(staged)/\(path)", andPath: "\(composed)/\(path)") {
                try? fm.removeItem(atPath: "\(composed)/\(path)")
                try? fm.moveItem(atPath: "\(staged)/\(path)", toPath: "\(composed)/\(path)")
            }
        }
        try? fm.removeItem(atPath: staged)
    }

    /// The labs a timed-out build was still compiling: started, with no object file yet (all
    /// labs when none can be told apart).
    func slowLabs(_ output: String) -> Set<Int> {
        let slow = Set(
            registry.numbers.filter { lab in
                let module = String(format: "Lab%02dExercises", lab)
                let folder = "\(scratchPath)/debug/\(module).build"
                let objects = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                return output.contains("Compiling \(module)") && !objects.contains { $0.hasSuffix(".o") }
            })
        return slow.isEmpty ? Set(registry.numbers) : slow
    }

    /// The memory one process of a submission's build may map (the compiler needs about 1 GiB).
    static let submissionBuildMemory: UInt64 = 6 << 30

    /// `swift build --product product` of the kit with the composed exercises, in the sandbox,
    /// its progress logged; every process of it limited to `memory` bytes when given.
    func swiftBuild(product: String, composed: String, timeout: Double, memory: UInt64? = nil) -> ProcessOutcome {
        let command = sandbox.buildCommand(
            "swift", ["build", "--product", product, "--scratch-path", scratchPath],
            writable: [scratchPath], home: "\(scratchPath)/home", directory: kitRoot,
            environment: buildEnvironment(labsDirectory: composed), timeout: timeout)
        var options = command.options
        options.onOutput = BuildProgress(log: log, shownLive: ProgressDisplay.shared.style == .live).consume
        if let memory {
            options.limits = cs_limits(address_space_bytes: memory, file_size_bytes: 0, processes: 0, cpu_seconds: 0)
        }
        return ChildProcess.run(command.executable, command.arguments, options: options)
    }

    // MARK: The checks, built once

    /// The checks' binary, copied out of the build folder, and the list of its checks.
    struct Checks: Sendable { let folder: RunFolder; let listing: String }

    /// Builds the graded checks from the kit (they link no exercise code) the first time a
    /// grader of this scratch folder needs them, and keeps them for every later submission.
    func preparedChecks(composed: String) -> Checks? {
        ChecksCache.shared.checks(for: scratchPath) {
            log("building the graded checks (once for every submission)…")
            beginPhase("building the graded checks")
            let outcome = swiftBuild(product: "AutoencoderLabsPackageTests", composed: composed, timeout: 3600)
            guard outcome.ending == .exited(0) else {
                return .failure(.init(message: String(outcome.output.suffix(3000))))
            }
            let built = "\(scratchPath)/debug"
            let resources = ((try? FileManager.default.contentsOfDirectory(atPath: built)) ?? [])
                .filter { $0.hasSuffix(".resources") }
            guard let folder = makeRunFolder(items: [Self.testBinary] + resources) else {
                return .failure(.init(message: "could not copy the checks out of \(built)"))
            }
            ChecksCache.removeAtExit(folder)
            let run = RunFolder(path: folder, libraries: [])
            let listing = runChecksProcess(run, arguments: ["--list-tests"], timeout: 120) { _ in }
            guard listing.ending == .exited(0) else {
                return .failure(.init(message: "the checks could not be listed:\n" + listing.output.suffix(1500)))
            }
            return .success(Checks(folder: run, listing: listing.output))
        }
    }

    /// The environment for building: the caller's, with the exercise folder switched.
    func buildEnvironment(labsDirectory: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        // SwiftPM wants target paths relative to the package root.
        env["LABKIT_LABS_DIR"] =
            labsDirectory.hasPrefix(kitRoot + "/") ? String(labsDirectory.dropFirst(kitRoot.count + 1)) : labsDirectory
        return env
    }

    /// Puts the kit's stubs (which compile, and hold no answer) in place of a lab's exercises.
    func replaceWithStubs(_ lab: Int, in composed: String) {
        let folder = Self.labFolder(lab), fm = FileManager.default
        try? fm.removeItem(atPath: "\(composed)/\(folder)")
        try? fm.createDirectory(atPath: "\(composed)/\(folder)", withIntermediateDirectories: true)
        let stubs = "\(kitRoot)/Labs/\(folder)"
        // Written afresh (a copy could keep the kit's time stamp, which an earlier build of the
        // same stubs recorded: the compiler's change tracking must see these files as changed).
        for file in (try? fm.contentsOfDirectory(atPath: stubs)) ?? [] where file.hasSuffix(".swift") {
            if let bytes = fm.contents(atPath: "\(stubs)/\(file)") {
                _ = fm.createFile(atPath: "\(composed)/\(folder)/\(file)", contents: bytes)
            }
        }
    }

    func failedEverything(status: CheckResult.Status, feedback: String) -> [CheckResult] {
        labs.flatMap { lab in
            registry.exercises(inLab: lab).filter(grades).map {
                CheckResult(
                    name: "\(Self.labFolder(lab))Checks.\($0.id)", exercise: $0, status: status, score: 0,
                    maxScore: $0.points, feedback: feedback)
            }
        }
    }

    // MARK: Running checks

    /// Removes the temporary folders of graders that were killed (`/tmp/labkit-*-<pid>-*`
    /// whose pid no longer runs).
    package static func removeStaleTemporaryFolders() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] {
            let parts = name.split(separator: "-")
            guard parts.count == 4, parts[0] == "labkit", parts[1] == "checks" || parts[1] == "work",
                let pid = Int32(parts[2]), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            _ = ChildProcess.run("/usr/bin/env", ["rm", "-rf", "/tmp/\(name)"], timeout: 60)
        }
    }

    /// A fresh folder (0755, under /tmp) with copies of `items` of the build folder.
    func makeRunFolder(items: [String]) -> String? {
        var template = Array("/tmp/labkit-checks-\(getpid())-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let folder = String(cString: made)
        chmod(folder, 0o755)
        let fm = FileManager.default, built = "\(scratchPath)/debug"
        for item in items {
            guard (try? fm.copyItem(atPath: "\(built)/\(item)", toPath: "\(folder)/\(item)")) != nil else { return nil }
        }
        _ = ChildProcess.run("/usr/bin/env", ["chmod", "-R", "a+rX,go-w", folder], timeout: 60)
        return folder
    }

    /// A copied binary's folder and the runtime folders it needs.
    struct RunFolder: Sendable { let path: String; let libraries: [String] }

    /// Runs `body` with a fresh folder under /tmp (owned by `owner` when given), removed after.
    func withWorkFolder<T>(owner: (uid: Int32, gid: Int32)? = nil, _ body: (String) -> T) -> T {
        var template = Array("/tmp/labkit-work-\(getpid())-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            return body("/tmp")
        }
        let work = String(cString: made)
        if let owner { chown(work, uid_t(owner.uid), gid_t(owner.gid)) }
        defer {
            // In-process; `rm -rf` only for what the grader cannot remove itself (a folder a check made unreadable).
            if (try? FileManager.default.removeItem(atPath: work)) == nil {
                _ = ChildProcess.run("/usr/bin/env", ["rm", "-rf", work], timeout: 60)
            }
        }
        return body(work)
    }

    /// Runs the checks' binary: the kit's own code, which links no exercise code, so it runs
    /// as the grader does, in `folder` (else a fresh one) with a clean environment and limits.
    func runChecksProcess(
        _ run: RunFolder, arguments: [String], timeout: Double, environment: [String: String] = [:],
        in folder: String? = nil, configure: (inout SpawnOptions) -> Void
    ) -> ProcessOutcome {
        guard let work = folder else {
            return withWorkFolder {
                runChecksProcess(
                    run, arguments: arguments, timeout: timeout, environment: environment, in: $0,
                    configure: configure)
            }
        }
        let base = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": work, "TMPDIR": work]
        var options = SpawnOptions(environment: base.merging(environment) { $1 }, directory: work, timeout: timeout)
        let limits = sandbox.limits
        options.limits = cs_limits(
            address_space_bytes: limits.memoryBytes, file_size_bytes: limits.tmpBytes,
            processes: 0, cpu_seconds: 0)
        configure(&options)
        let binary = "\(run.path)/\(Self.testBinary)"
        #if os(macOS)
            let selected = arguments.joined(separator: ",")
            return ChildProcess.run("/usr/bin/xcrun", ["xctest", "-XCTest", selected, binary], options: options)
        #else
            return ChildProcess.run(binary, arguments, options: options)
        #endif
    }

    /// The checks one checks process runs, one after another (a process start is most of a
    /// quick check's time; a batch still spreads a lab over the cores).
    static let batchSize = 8

    /// What a check left: its verdict, and how the checks' process that ran it ended.
    struct CheckOutcome { let verdict: Verdict?; let process: ProcessOutcome; let timeout: Double }

    /// Runs a batch of checks in one checks process. Each check starts its own exercise process
    /// through the sandbox's command line (`ExerciseLaunch`), with the channel as its only
    /// descriptor besides its output and the check's time limit on every call. The verdicts come
    /// from the checks' process alone, over a pipe only it holds.
    func runChecks(_ names: [String], checks: RunFolder, server: RunFolder) -> [(String, CheckOutcome)] {
        var verdictPipe: [Int32] = [0, 0]
        guard cs_pipe(&verdictPipe) == 0 else {
            let failed = ProcessOutcome(
                ending: .exited(1), output: "the grader could not create a pipe",
                outputBytes: 0, seconds: 0)
            return names.map { ($0, CheckOutcome(verdict: nil, process: failed, timeout: timeout)) }
        }
        let parser = LockedParser(VerdictParser(checks: names))
        let outcome = withWorkFolder(owner: sandbox.nobody) { work -> ProcessOutcome in
            let command = sandbox.checkCommand(
                runFolder: server.path, binary: Self.serverBinary, arguments: [],
                workingDirectory: work, libraries: server.libraries,
                extraEnvironment: [:])
            var launch = ExerciseLaunch(
                arguments: [command.executable] + command.arguments,
                environment: command.options.environment ?? [:])
            launch.directory = command.options.directory
            launch.user = command.options.user.map { [$0.uid, $0.gid] }
            if let limits = command.options.limits {
                (launch.memoryBytes, launch.fileBytes, launch.processes) =
                    (limits.address_space_bytes, limits.file_size_bytes, limits.processes)
            }
            launch.checkSeconds = timeout
            let json = String(decoding: (try? JSONEncoder().encode(launch)) ?? Data(), as: UTF8.self)
            let environment = ["LABKIT_VERDICT_FD": "4", "LABKIT_EXERCISE_LAUNCH": json]
            let all = timeout * Double(names.count) + 30
            return runChecksProcess(
                checks, arguments: [names.joined(separator: ",")], timeout: all,
                environment: environment, in: work
            ) { options in
                options.inherited = [(verdictPipe[1], 4)]
                options.closeAfterSpawn = [verdictPipe[1]]
                options.channels = [verdictPipe[0]]
                options.onChannel = { _, bytes in parser.consume(bytes) }
            }
        }
        close(verdictPipe[0])
        let verdicts = parser.verdicts
        return names.map { ($0, CheckOutcome(verdict: verdicts[$0], process: outcome, timeout: timeout)) }
    }

    /// The verdict decides a pass; the rest only explains a failure.
    static func result(name: String, exercise: Exercise, maxScore: Double, outcome: CheckOutcome) -> CheckResult {
        func result(_ status: CheckResult.Status, _ feedback: String) -> CheckResult {
            CheckResult(
                name: name, exercise: exercise, status: status, score: status == .passed ? maxScore : 0,
                maxScore: maxScore, feedback: feedback)
        }
        guard let verdict = outcome.verdict, verdict.began else {
            // The checks' process stopped before this check began or ended without its verdict.
            if case .timedOut = outcome.process.ending {
                return result(.timedOut, Self.timeoutMessage(outcome.timeout))
            }
            return result(.crashed, "The check did not run to its end:\n" + CrashReport.summary(outcome.process.output))
        }
        let failures = verdict.failures.map { $0.replacingOccurrences(of: "\nfailed - ", with: "\n") }
        let feedback = failures.joined(separator: "\n\n")
        if verdict.passed && failures.isEmpty { return result(.passed, "") }
        if verdict.timedOut { return result(.timedOut, feedback) }
        switch verdict.exerciseEnded {
        case "crashed": return result(.crashed, feedback)
        case "exited": return result(.endedProcess, feedback)
        default: break
        }
        if !failures.isEmpty {
            return result(failures.contains { $0.contains("NOT IMPLEMENTED") } ? .notImplemented : .failed, feedback)
        }
        if case .timedOut = outcome.process.ending { return result(.timedOut, Self.timeoutMessage(outcome.timeout)) }
        // The checks' process is the kit's own code: it ends early only when the exercise
        // process sent it something it could not take.
        return result(
            .failed,
            "The check stopped on what your code returned:\n"
                + CrashReport.summary(outcome.process.output))
    }

    static func timeoutMessage(_ seconds: Double) -> String { ExerciseTimedOut(seconds: seconds).description }

    /// A verdict parser shared with the runner's reading loop.
    final class LockedParser: @unchecked Sendable {
        private var parser: VerdictParser
        private let lock = NSLock()
        init(_ parser: VerdictParser) { self.parser = parser }
        func consume(_ bytes: [UInt8]) { lock.lock(); parser.consume(bytes); lock.unlock() }
        var verdicts: [String: Verdict] { lock.lock(); defer { lock.unlock() }; return parser.verdicts }
    }

    /// The checks built for each scratch folder in this process (once: they hold no exercise code).
    final class ChecksCache: @unchecked Sendable {
        static let shared = ChecksCache()
        private let lock = NSLock()
        private var built: [String: Result<Checks, ChecksBuildFailure>] = [:]
        struct ChecksBuildFailure: Error { let message: String }

        /// The checks' copies this process made, removed when it exits (a killed grader's are
        /// removed by the next one, `removeStaleTemporaryFolders`).
        nonisolated(unsafe) private static var folders: [String] = []
        private static let foldersLock = NSLock()

        static func removeAtExit(_ folder: String) {
            foldersLock.lock()
            defer { foldersLock.unlock() }
            if folders.isEmpty {
                atexit {
                    ChecksCache.foldersLock.lock()
                    for folder in ChecksCache.folders { try? FileManager.default.removeItem(atPath: folder) }
                    ChecksCache.foldersLock.unlock()
                }
            }
            folders.append(folder)
        }

        func checks(for scratch: String, build: () -> Result<Checks, ChecksBuildFailure>) -> Checks? {
            lock.lock()
            defer { lock.unlock() }
            if built[scratch] == nil { built[scratch] = build() }
            return try? built[scratch]?.get()
        }

        func failure(_ scratch: String) -> String? {
            lock.lock()
            defer { lock.unlock() }
            if case .failure(let failure) = built[scratch] { return failure.message }
            return nil
        }
    }

    /// Results filled in concurrently, one slot per check.
    final class Results: @unchecked Sendable {
        private var slots: [[CheckResult]?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        subscript(i: Int) -> [CheckResult]? {
            get { lock.lock(); defer { lock.unlock() }; return slots[i] }
            set { lock.lock(); slots[i] = newValue; lock.unlock() }
        }
        var all: [[CheckResult]] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
    }

    /// Counts per key, added to from several threads.
    final class Tally: @unchecked Sendable {
        private var counts: [Int: Int] = [:]
        private let lock = NSLock()
        /// Adds `n` to the count of `key` and returns the new count.
        func add(_ n: Int, at key: Int) -> Int {
            lock.lock(); defer { lock.unlock() }
            counts[key, default: 0] += n
            return counts[key]!
        }
    }
}
