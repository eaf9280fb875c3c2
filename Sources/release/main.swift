import ArgumentParser
import Foundation
import LabData
import LabGrading
import LabKit
import LabNotebook
// The student release and the Gradescope autograder bundle.
//
//   swift run release --out DIR                 # the student distribution, verified
//   swift run release --gradescope OUT.zip      # an autograder bundle for Gradescope
//   swift run release --gradescope OUT.zip --verify   # … and run it on a fake /autograder
//
// The student release is the kit without Solutions/, the hidden checks (Tests/Hidden), the
// mutants (Tests/Mutants, which quote solution code) and CI. It is then verified: it builds,
// grading it gives 0 points without crashing, and no solution code leaked into it.
import LabRegistry

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Write the student release or a Gradescope autograder bundle.")

    @Option(help: "Write the student release into this folder (it must not exist yet).")
    var out: String?

    @Option(help: "Write a Gradescope autograder bundle (a .zip).")
    var gradescope: String?

    @Flag(
        help:
            "With --gradescope: run the bundle's run_autograder on a fake /autograder layout with the reference solutions as the submission."
    )
    var verify = false

    @Option(
        name: .customLong("verify-class"),
        help: ArgumentHelp(
            "With --verify: also submit every student of this folder (made by scripts/make_attack_class.py or make_demo_class.py) and compare with DIR.expected.csv.",
            valueName: "dir"))
    var verifyClass: String?

    @Flag(
        name: .customLong("skip-build-check"),
        help: "With --out: skip building and grading the release (the leak check still runs).")
    var skipBuildCheck = false

    /// Paths (relative to the kit) that never go into the Gradescope bundle (it keeps the hidden checks).
    static let instructorOnly = [
        "Solutions", "Tests/Mutants", "Tests/Alternatives", ".ci", ".git", "out", ".build", ".swiftpm",
        "CONTRIBUTING.md", "Figures", "scripts/make_demo_class.py", "scripts/make_attack_class.py",
    ]

    func validate() throws {
        guard FileManager.default.fileExists(atPath: "Package.swift"),
            FileManager.default.fileExists(atPath: "Solutions")
        else {
            throw ValidationError("run `swift run release` from the instructor kit's root (with Solutions/)")
        }
        guard (out == nil) != (gradescope == nil) else {
            throw ValidationError("give exactly one of --out DIR or --gradescope OUT.zip")
        }
    }

    /// A release that could not be made: the reason, with exit status 1 (not a usage error).
    struct Failure: Error, CustomStringConvertible { let description: String }

    func run() throws {
        do { try make() } catch let error as ValidationError { throw Failure(description: error.message) }
    }

    func make() throws {
        Self.removeStaleScratchFolders()
        let root = FileManager.default.currentDirectoryPath
        if let out {
            let destination = absolute(out, root)
            if FileManager.default.fileExists(atPath: "\(destination)/\(Self.incompleteMarker)") {
                throw ValidationError(
                    "\(out) is an unfinished release left by a run that was killed "
                        + "(it holds \(Self.incompleteMarker)); remove it, or choose a new folder")
            }
            guard !FileManager.default.fileExists(atPath: destination) else {
                throw ValidationError("\(out) already exists; choose a new folder")
            }
            try FileManager.default.createDirectory(
                atPath: (destination as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            guard mkdir(destination, 0o755) == 0 else {
                throw ValidationError("\(out) cannot be created: \(String(cString: strerror(errno)))")
            }
            // Until it is verified the folder is this run's to remove: on a failure, a signal, or (marked) after SIGKILL.
            _ = FileManager.default.createFile(atPath: "\(destination)/\(Self.incompleteMarker)", contents: Data())
            let unfinished = removedOnInterrupt(
                destination, "no release was written (the unfinished \(out) was removed).")
            // The build of the copy is most of the time (the kit compiles once, then its checks run).
            ProgressDisplay.shared.start(
                "release",
                plan: [
                    PlannedWork("copy and check", weight: 1),
                    PlannedWork("build and grade a copy", weight: skipBuildCheck ? 0 : 20),
                ])
            defer { ProgressDisplay.shared.end() }
            do {
                ProgressDisplay.shared.update("copy and check", fraction: 0)
                try copyStudentFiles(from: root, to: destination)
                try Self.studentReadme().write(toFile: "\(destination)/README.md", atomically: true, encoding: .utf8)
                emit("Wrote the student release to \(out) (with a README for students).")
                try checkNoLeak(solutions: "\(root)/Solutions", release: destination)
                try checkNothingInstructorOnly(in: destination)
                ProgressDisplay.shared.finish("copy and check")
                if !skipBuildCheck { try checkBuildsAndGradesZero(destination) }
            } catch {
                Interrupts.finish(unfinished)
                emit("No release was written (\(out) was removed); the reason follows.")
                throw error
            }
            Interrupts.remove(unfinished)
            try FileManager.default.removeItem(atPath: "\(destination)/\(Self.incompleteMarker)")
            emit("The release is ready: \(out)")
        } else if let gradescope {
            try writeGradescopeBundle(root: root, zip: absolute(gradescope, root))
        }
    }

    /// In a release folder while it is written and verified; a folder holding it is unfinished.
    static let incompleteMarker = ".labkit-release-incomplete"

    /// Removes `path` if a signal ends the run (after stopping the children, which may be writing
    /// into it), with `message` for the user.
    func removedOnInterrupt(_ path: String, _ message: String) -> Interrupts.Registration {
        Interrupts.onInterrupt(message) {
            ChildProcess.killRunningChildren()
            Self.removeScratch(path)
        }
    }

    /// A fresh folder under the system's temporary folder, removed when `body` ends — however it
    /// ends, a signal included. The name holds the pid: `removeStaleScratchFolders` removes those
    /// of runs that were killed.
    func withScratchFolder<T>(_ name: String, _ body: (String) throws -> T) throws -> T {
        let path = NSTemporaryDirectory() + "labkit-\(name)-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let registration = removedOnInterrupt(path, "nothing was written; the temporary files were removed.")
        defer { Interrupts.finish(registration) }
        return try body(path)
    }

    /// Removes a scratch folder and what builds in it left in the temporary folder: SwiftPM's
    /// lock files, named after the build's path (`_tmp_labkit-…_kit_.build.lock`).
    static func removeScratch(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        let temporary = NSTemporaryDirectory(), unique = (path as NSString).lastPathComponent
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        where entry.contains(unique) {
            try? FileManager.default.removeItem(atPath: (temporary as NSString).appendingPathComponent(entry))
        }
    }

    static let scratchNames = ["release-check", "gradescope", "autograder"]

    /// Removes the scratch folders of release runs that died without cleaning up (SIGKILL, a
    /// power cut): `labkit-NAME-PID-UUID` whose process no longer exists.
    static func removeStaleScratchFolders() {
        let temporary = NSTemporaryDirectory()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] {
            for name in scratchNames where entry.hasPrefix("labkit-\(name)-") {
                let rest = entry.dropFirst("labkit-\(name)-".count)
                guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid != getpid(),
                    kill(pid, 0) != 0, errno == ESRCH
                else { continue }
                removeScratch((temporary as NSString).appendingPathComponent(entry))
            }
        }
    }

    // MARK: The student release

    /// The kit's files: those git tracks, or every file when it is not a repository (no build folders).
    func kitFiles(_ root: String) -> [String] {
        let tracked = ChildProcess.run("/usr/bin/env", ["git", "ls-files"], directory: root, timeout: 60)
        var files: [String]
        if tracked.ending == .exited(0) && !tracked.output.isEmpty {
            files = tracked.output.split(separator: "\n").map(String.init)
        } else {
            files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: "\(root)/\($0)", isDirectory: &isDirectory)
                    && !isDirectory.boolValue
            }
        }
        return files.filter { !$0.hasPrefix(".build") }
    }

    /// Copies the kit's files except the excluded top-level paths.
    func copyKit(from root: String, to destination: String, excluding excluded: [String]) throws {
        for file in kitFiles(root) where !excluded.contains(where: { file == $0 || file.hasPrefix($0 + "/") }) {
            let target = "\(destination)/\(file)"
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(root)/\(file)", toPath: target)
        }
    }

    /// Copies the kit's files that `StudentRelease` includes, text files without their
    /// instructor-only blocks.
    func copyStudentFiles(from root: String, to destination: String) throws {
        for file in kitFiles(root).filter(StudentRelease.includes) {
            let source = "\(root)/\(file)", target = "\(destination)/\(file)"
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if let data = FileManager.default.contents(atPath: source), !data.contains(0),
                let text = String(data: data, encoding: .utf8)
            {
                try StudentRelease.text(text).write(toFile: target, atomically: false, encoding: .utf8)
                let mode = (try? FileManager.default.attributesOfItem(atPath: source)[.posixPermissions]) ?? 0o644
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
            } else {
                try FileManager.default.copyItem(atPath: source, toPath: target)
            }
        }
    }

    /// Fails, naming the file and line, where a file of the release still mentions an instructor's
    /// folder or tool (`forbiddenInRelease`).
    func checkNothingInstructorOnly(in release: String) throws {
        var found: [String] = []
        for file in (FileManager.default.enumerator(atPath: release)?.allObjects as? [String] ?? []).sorted() {
            guard let data = FileManager.default.contents(atPath: "\(release)/\(file)"), !data.contains(0),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let word = StudentRelease.forbiddenWords.first(where: { line.contains($0) }) {
                    found.append("\(file):\(number + 1): \(word)")
                }
            }
        }
        guard found.isEmpty else {
            throw ValidationError(
                "the release mentions the instructor's files or tools (mark the lines instructor-only):\n  "
                    + found.prefix(30).joined(separator: "\n  "))
        }
        emit(
            "Instructor-only check: no file of the release mentions \(StudentRelease.forbiddenWords.joined(separator: ", "))."
        )
    }

    /// Fails if solution code appears anywhere in the release, in any text file, however it
    /// was reformatted or its local names renamed (`LeakCheck`).
    func checkNoLeak(solutions: String, release: String) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: "\(release)/Solutions") else {
            throw ValidationError("leak: the release contains Solutions/")
        }
        var solutionSources: [String: String] = [:]
        for file in (fm.enumerator(atPath: solutions)?.allObjects as? [String] ?? []) where file.hasSuffix(".swift") {
            solutionSources[file] = try String(contentsOfFile: "\(solutions)/\(file)", encoding: .utf8)
        }
        var releaseTexts: [String: String] = [:]
        for file in (fm.enumerator(atPath: release)?.allObjects as? [String] ?? []) {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: "\(release)/\(file)", isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = fm.contents(atPath: "\(release)/\(file)"), !data.contains(0),
                let text = String(data: data, encoding: .utf8)
            else { continue }  // binary files (PNG, IDX) hold no code
            releaseTexts[file] = text
        }
        let leaks = LeakCheck.leaks(solutions: solutionSources, release: releaseTexts)
        guard leaks.isEmpty else {
            throw ValidationError(
                "solution code leaked into the release:\n  " + leaks.map(\.description).joined(separator: "\n  "))
        }
        emit(
            "Leak check: no solution body of \(solutionSources.count) files (whole, or \(LeakCheck.window) tokens in a row, local names matched up to renaming) appears in the \(releaseTexts.count) text files of the release."
        )
    }

    /// Builds and grades a throw-away copy, so the release itself holds no build caches.
    func checkBuildsAndGradesZero(_ release: String) throws {
        emit("Building a copy of the release and grading its stubs (this compiles the kit once)…")
        let grade = try withScratchFolder("release-check") { scratch in
            let copy = "\(scratch)/kit"
            try FileManager.default.copyItem(atPath: release, toPath: copy)
            try? FileManager.default.removeItem(atPath: "\(copy)/\(Self.incompleteMarker)")
            var options = SpawnOptions(directory: copy, timeout: 3600)
            options.headBytes = 4 * 1024 * 1024
            // SwiftPM's steps are the build; the checks after it are the last tenth.
            options.onOutput = swiftBuildProgressReader {
                ProgressDisplay.shared.update("build and grade a copy", fraction: 0.9 * $0, detail: "compiling")
            }
            return ChildProcess.run(
                "/usr/bin/env", ["swift", "run", "grade", "--out", "out/grade-check"], options: options)
        }
        guard grade.ending == .exited(0) else {
            throw ValidationError("grading the release failed:\n\(grade.output.suffix(3000))")
        }
        guard let total = grade.output.split(separator: "\n").first(where: { $0.hasPrefix("Total") }) else {
            throw ValidationError("grading the release printed no total:\n\(grade.output.suffix(2000))")
        }
        guard total.contains(" 0.0 /") else {
            throw ValidationError("the release's stubs should score 0, got: \(total)")
        }
        ProgressDisplay.shared.finish("build and grade a copy")
        emit(
            "The release builds, and its stubs grade to 0 without crashing: \(total.split(whereSeparator: \.isWhitespace).joined(separator: " "))"
        )
    }

    /// The release's README: set-up, the exercises and their points, running and grading —
    /// nothing about solutions, mutants or instructors' tools.
    static let numberWords = [
        1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight",
        9: "Nine", 10: "Ten", 11: "Eleven", 12: "Twelve",
    ]

    static func studentReadme() -> String {
        var lines = [
            "# AutoencoderLabs — the labs", "",
            "\(Self.numberWords[LabRegistry.kit.numbers.count] ?? "\(LabRegistry.kit.numbers.count)") notebook-style labs on autoencoders. "
                + "In each you write a few functions in `Labs/LabNN/`;",
            "`swift run labNN` trains the models with your code and writes figures and a report;",
            "`swift run grade` grades your functions.", "",
            "## Set up (Debian / Ubuntu with Swift 6)", "",
            "```sh",
            "S=$(command -v sudo); $S apt-get update && $S apt-get install -y libpng-dev && swift run lab01",
            "```", "",
            "(`$S` is `sudo` for a user and empty for root.) Optional: `dataset-fashion-mnist` (the full",
            "dataset; without it the labs use a sample built into the kit) and `bubblewrap` (the grader's",
            "sandbox). Swift comes from https://www.swift.org/install/linux/ (the kit is tested with the version in",
            "`.swift-version`). On macOS: `brew install libpng`.", "",
            "**How long things take** (measured on a 2-core machine): the first `swift run lab01` compiles the",
            "kit, about 40 s; a lab's full run on the built-in sample takes 3–35 s, `--quick` under 7 s; the",
            "first `swift run grade` compiles the checks, about 2 minutes, and grading again after an edit",
            "takes seconds.", "",
            "## The exercises", "",
            "| lab | exercise | points |", "|---|---|---:|",
        ]
        for exercise in LabRegistry.kit.exercises {
            lines.append(
                String(format: "| %02d | %@ %@ | %g |", exercise.lab, exercise.id, exercise.title, exercise.points))
        }
        lines += [
            "", "Each lab's handout is `Labs/LabNN.md`: the background, the exercises and the figures you will get.",
            "",
            "## Work on a lab", "",
            "1. Open `Labs/LabNN/…swift`. Every exercise is a function whose doc comment gives the maths",
            "   and hints; replace its `throw NotImplemented(…)` with your code.",
            "2. `swift run lab01` runs the lab. Until an exercise is written it stops and names it.",
            "   Then it prints numbered sections and writes figures, `report.md` and `metrics.json` into",
            "   `out/lab01/` (`--quick` for a run of a few seconds, `--help` for every flag).",
            "3. `swift run grade` (or `swift run grade --labs 1`) grades your functions: each check runs",
            "   in its own process, prints what it expected and a hint when it fails, and writes",
            "   `out/grade/feedback.md`.", "",
            "Checks test your code against known answers, finite differences and statistical properties;",
            "your course may grade with more checks of the same kind.", "",
        ]
        return lines.joined(separator: "\n")
    }

    // MARK: Gradescope

    func writeGradescopeBundle(root: String, zip: String) throws {
        guard !FileManager.default.fileExists(atPath: zip) else {
            throw ValidationError("\(zip) already exists; choose a new path (release never replaces a file)")
        }
        try withScratchFolder("gradescope") { staging in
            // The autograder keeps the hidden checks; it never needs the solutions.
            try copyKit(from: root, to: "\(staging)/kit", excluding: Self.instructorOnly)
            try Self.setupScript(swiftVersion: Self.testedSwiftVersion(root: root)).write(
                toFile: "\(staging)/setup.sh", atomically: true, encoding: .utf8)
            try Self.runAutograder.write(toFile: "\(staging)/run_autograder", atomically: true, encoding: .utf8)
            for script in ["setup.sh", "run_autograder"] {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(staging)/\(script)")
            }
            // Zipped beside its destination, then linked into place: never a half-written zip, never a replaced file.
            let partial =
                (zip as NSString).deletingLastPathComponent
                + "/.\((zip as NSString).lastPathComponent).partial-\(getpid())"
            let unfinished = removedOnInterrupt(partial, "no bundle was written.")
            defer { Interrupts.finish(unfinished) }
            let zipped = ChildProcess.run(
                "/usr/bin/env", ["zip", "-qr", partial, "setup.sh", "run_autograder", "kit"], directory: staging,
                timeout: 600)
            guard zipped.ending == .exited(0) else {
                throw ValidationError("zip failed (install it with `sudo apt-get install zip`):\n\(zipped.output)")
            }
            guard link(partial, zip) == 0 else {
                throw ValidationError("\(zip) cannot be written: \(String(cString: strerror(errno)))")
            }
        }
        emit("Wrote the Gradescope autograder bundle \(zip).")
        if verify {
            try verifyBundle(
                zip: zip, solutions: "\(root)/Solutions", verifyClass: verifyClass.map { absolute($0, root) })
        }
    }

    /// Unzips the bundle into a fake /autograder, submits the reference solutions, runs
    /// run_autograder and checks results.json; then the same for every student of
    /// `verifyClass` against its expected totals.
    func verifyBundle(zip: String, solutions: String, verifyClass: String?) throws {
        try withScratchFolder("autograder") { fake in
            try verifyBundle(zip: zip, solutions: solutions, verifyClass: verifyClass, fake: fake)
        }
    }

    func verifyBundle(zip: String, solutions: String, verifyClass: String?, fake: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(fake)/source", withIntermediateDirectories: true)
        let unzipped = ChildProcess.run("/usr/bin/env", ["unzip", "-q", zip, "-d", "\(fake)/source"], timeout: 600)
        guard unzipped.ending == .exited(0) else {
            throw ValidationError("unzip failed (install it with `sudo apt-get install unzip`):\n\(unzipped.output)")
        }
        emit("Running run_autograder on a fake /autograder at \(fake) (compiles the kit)…")
        let (score, maximum, checks) = try runAutograder(fake: fake, submission: solutions, asLabs: true)
        guard abs(score - maximum) < 1e-6 else {
            throw ValidationError("the reference solutions scored \(score) of \(maximum) in the bundle")
        }
        emit(
            "run_autograder wrote results.json: the reference solutions score \(score) / \(maximum) over \(checks) checks."
        )
        guard let verifyClass else { return }
        let expectedFile =
            verifyClass.hasSuffix("/")
            ? String(verifyClass.dropLast()) + ".expected.csv" : verifyClass + ".expected.csv"
        guard let table = try? String(contentsOfFile: expectedFile, encoding: .utf8) else {
            throw ValidationError("no \(expectedFile)")
        }
        let expected = Dictionary(
            uniqueKeysWithValues: table.split(separator: "\n").dropFirst().compactMap { line -> (String, String)? in
                let cells = line.split(separator: ",", maxSplits: 1).map(String.init)
                return cells.count == 2 ? (cells[0], cells[1]) : nil
            })
        var mismatches: [String] = []
        for raw in RawPath(verifyClass).entries() where RawPath(verifyClass).appending(raw).kind() == S_IFDIR {
            let name = sanitisedName(raw)
            guard let want = expected[name] else { continue }
            // A temporary link with a plain name reaches a folder whose name is not UTF-8.
            let link = "\(fake)/student-\(name)"
            _ = RawPath(verifyClass).appending(raw).withCString { symlink($0, link) }
            defer { unlink(link) }
            let (got, _, _) = try runAutograder(fake: fake, submission: link, asLabs: false)
            let ok =
                want.hasPrefix("<") ? got < (Double(want.dropFirst()) ?? 0) : abs(got - (Double(want) ?? -1)) < 1e-6
            emit("  \(name): \(got) (expected \(want))\(ok ? "" : "  MISMATCH")")
            if !ok { mismatches.append("\(name): got \(got), expected \(want)") }
        }
        guard mismatches.isEmpty else {
            throw ValidationError("the bundle graded the class wrongly:\n  " + mismatches.joined(separator: "\n  "))
        }
        emit("run_autograder graded every student of \(verifyClass) as expected.")
    }

    /// Puts `submission` at /autograder/submission (its Labs/ folder as given, links and
    /// special files kept as they are), runs run_autograder, and reads results.json.
    func runAutograder(fake: String, submission: String, asLabs: Bool) throws -> (
        score: Double, maximum: Double, checks: Int
    ) {
        let fm = FileManager.default
        for folder in ["submission", "results"] {
            try? fm.removeItem(atPath: "\(fake)/\(folder)")
            try fm.createDirectory(atPath: "\(fake)/\(folder)", withIntermediateDirectories: true)
        }
        let copied = ChildProcess.run(
            "/bin/cp",
            [
                "-a", asLabs ? submission : submission + "/.",
                asLabs ? "\(fake)/submission/Labs" : "\(fake)/submission/",
            ], timeout: 600)
        guard copied.ending == .exited(0) else { throw ValidationError("cannot copy \(submission): \(copied.output)") }
        var environment = ProcessInfo.processInfo.environment
        environment["AUTOGRADER_ROOT"] = fake
        environment.removeValue(forKey: "LABKIT_SOLUTIONS")
        // The class steps' limit per check (a hang costs 30 s, not Gradescope's 120).
        environment["LABKIT_CHECK_TIMEOUT"] = "30"
        let run = ChildProcess.run(
            "\(fake)/source/run_autograder", [], environment: environment, directory: fake, timeout: 3600)
        guard run.ending == .exited(0), let data = fm.contents(atPath: "\(fake)/results/results.json"),
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let score = json["score"] as? Double,
            let tests = json["tests"] as? [[String: Any]]
        else {
            throw ValidationError("run_autograder did not write a valid results.json:\n\(run.output.suffix(3000))")
        }
        // The sum of the checks' maxima, to thousandths as they are written (0.1 + 0.2 ≠ 0.3 in binary).
        let maximum = (tests.reduce(0.0) { $0 + ($1["max_score"] as? Double ?? 0) } * 1000).rounded() / 1000
        return (score, maximum, tests.count)
    }

    /// The Swift version the kit is tested with (`.swift-version`, one line: the only place it is written).
    static func testedSwiftVersion(root: String) throws -> String {
        guard let text = try? String(contentsOfFile: "\(root)/.swift-version", encoding: .utf8),
            case let version = text.trimmingCharacters(in: .whitespacesAndNewlines), !version.isEmpty
        else {
            throw ValidationError(
                "\(root)/.swift-version is missing or empty (it names the Swift version the kit is tested with)")
        }
        return version
    }

    static func setupScript(swiftVersion v: String) -> String {
        """
        #!/usr/bin/env bash
        # Gradescope runs this once when it builds the autograder image (Ubuntu, as root).
        set -euo pipefail
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpng-dev zlib1g-dev curl ca-certificates \\
            binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev \\
            libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev pkg-config tzdata unzip zip bubblewrap
        if ! command -v swift >/dev/null; then
            # Swift's official Linux toolchain (set SWIFT_URL to match the image's Ubuntu release).
            SWIFT_URL=${SWIFT_URL:-https://download.swift.org/swift-\(v)-release/ubuntu2204/swift-\(v)-RELEASE/swift-\(v)-RELEASE-ubuntu22.04.tar.gz}
            curl -fsSL "$SWIFT_URL" -o /tmp/swift.tar.gz
            mkdir -p /opt/swift && tar -xzf /tmp/swift.tar.gz -C /opt/swift --strip-components=1
            ln -sf /opt/swift/usr/bin/* /usr/local/bin/
        fi
        # Compile the kit once (the checks among it), so each submission only builds its exercise process.
        cd /autograder/source/kit
        swift build --product grade
        swift build --product AutoencoderLabsPackageTests --scratch-path .build-grade
        """ + "\n"
    }

    static let runAutograder = """
        #!/usr/bin/env bash
        # Gradescope runs this for every submission: it grades the student's Labs/ with the kit's
        # checks (hidden ones included), each check in the grader's sandbox (bubblewrap, from
        # setup.sh; as root, checks run as nobody), and writes results/results.json.
        set -uo pipefail
        ROOT=${AUTOGRADER_ROOT:-/autograder}
        KIT="$ROOT/source/kit"
        SUBMISSION="$ROOT/submission"
        # The grader finds a Labs/ folder up to three levels down, LabNN folders, or lab files uploaded flat.
        cd "$KIT"
        swift run grade --labs-dir "$SUBMISSION" --out "$ROOT/results" --timeout "${LABKIT_CHECK_TIMEOUT:-120}"
        status=$?
        if [ ! -s "$ROOT/results/results.json" ]; then
            printf '{"score": 0, "output": "The autograder failed before grading (exit %s). Please contact the course staff."}\\n' "$status" > "$ROOT/results/results.json"
        fi
        exit 0
        """ + "\n"

    func absolute(_ path: String, _ root: String) -> String { path.hasPrefix("/") ? path : "\(root)/\(path)" }
}

Release.main()
