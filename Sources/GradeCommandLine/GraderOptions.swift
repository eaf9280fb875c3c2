import ArgumentParser
import Foundation
import LabData
import LabGrading
import LabKit
import LabNotebook
import LabRegistry

// The options and set-up every grading command shares: `grade` (one submission, the student's
// command and Gradescope's) and the instructor's class grader.
#if canImport(Glibc)
    import Glibc
#endif

package struct GraderOptions: ParsableArguments {
    @Option(help: "Labs to grade, e.g. 1,3 (default: all).")
    package var labs: String?

    @Option(help: "Where results go.")
    package var out = "out/grade"

    @Option(help: "Time limit per check, in seconds.")
    package var timeout: Double = 120

    @Option(help: "Memory limit per check, in MiB.")
    package var memory: UInt64 = 4096

    @Option(name: .customLong("output-limit"), help: "Output kept per check, in KiB (the rest is counted, not stored).")
    package var outputLimit = 256

    @Flag(
        name: .customLong("no-bubblewrap"),
        help: "Use the fallback sandbox even where bubblewrap works (to test it).")
    package var noBubblewrap = false

    @Option(
        name: .customLong("scratch-path"),
        help: "Build folder for grading (kept between runs so the core is compiled once).")
    package var scratchPath = ".build-grade"

    package init() {}

    package func validate() throws {
        guard FileManager.default.fileExists(atPath: "Package.swift") else {
            throw ValidationError("run the grader from the kit's root folder (where Package.swift is)")
        }
        guard timeout > 0, memory >= 256, outputLimit >= 4 else {
            throw ValidationError(
                "--timeout must be positive, --memory at least 256 (MiB), --output-limit at least 4 (KiB)")
        }
        _ = try selectedLabs()
    }

    package func selectedLabs() throws -> [Int] {
        guard let labs else { return LabRegistry.kit.numbers }
        let chosen = labs.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !chosen.isEmpty, chosen.allSatisfy(LabRegistry.kit.numbers.contains) else {
            let known = LabRegistry.kit.numbers.map(String.init).joined(separator: ",")
            throw ValidationError("--labs takes lab numbers among \(known)")
        }
        return chosen
    }

    package var root: String { FileManager.default.currentDirectoryPath }

    package func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : "\(root)/\(path)" }

    package var limits: Sandbox.Limits {
        var limits = Sandbox.Limits()
        limits.memoryBytes = memory << 20
        limits.outputBytes = outputLimit * 1024
        return limits
    }

    /// Takes the scratch folder, detects the sandbox and says which; `refusingWeakSandbox` stops
    /// when the sandbox cannot keep students from each other (a class).
    package func sandbox(refusingWeakSandbox: Bool) throws -> Sandbox {
        signal(SIGPIPE, SIG_IGN)
        // The submission is composed under the scratch folder and SwiftPM takes target paths
        // only inside the package, so the scratch folder must be inside the kit.
        let scratch = URL(fileURLWithPath: absolute(scratchPath)).standardizedFileURL.path
        guard scratch.hasPrefix(URL(fileURLWithPath: root).standardizedFileURL.path + "/") else {
            throw ValidationError(
                "--scratch-path must be a folder inside the kit (e.g. .build-grade), got \(scratchPath)")
        }
        let sandbox = Sandbox.detect(limits: limits, disabled: noBubblewrap)
        if refusingWeakSandbox, let reason = sandbox.refusesClassGrading { throw ValidationError(reason) }
        try Grader.lockScratch(absolute(scratchPath))
        Grader.removeStaleTemporaryFolders()
        note(sandbox.description)
        return sandbox
    }

    /// The kit's folders no check may see (the instructor's, where they exist), the scratch
    /// folder, the output and `extra` (a class's submissions).
    package func hide(from sandbox: Sandbox, extra: [String] = []) {
        let instructorFolders = [
            "Tests/Hidden",
            // instructor-only: begin
            "Solutions", "Tests/Mutants", "Tests/Alternatives",
            // instructor-only: end
        ]
        let hidden = instructorFolders.map { "\(root)/\($0)" } + [absolute(scratchPath), absolute(out)] + extra
        sandbox.hide(hidden).forEach(note)
    }

    package func grader(sandbox: Sandbox, labs: [Int], only: Set<String>? = nil) -> Grader {
        Grader(
            kitRoot: root, scratchPath: absolute(scratchPath), timeout: timeout, labs: labs, only: only,
            sandbox: sandbox
        ) { line in note("  \(line)") }
    }

    /// Before any grading: the files a run will write must be absent or the grader's own.
    package func claimOutputs(_ files: [String]) throws {
        try Notebook.prepareWritableFolder(out)
        for file in files where !OutputManifest.mayReplace(file, in: out) {
            throw NotGradesFile(path: "\(out)/\(file)")
        }
    }
}

/// A line on standard error (progress and notes; results go to standard output).
package func note(_ line: String) { ProgressDisplay.shared.write(line + "\n", to: .standardError) }

/// A line of the command's output, written above the progress line.
package func say(_ line: String) { ProgressDisplay.shared.write(line + "\n") }
