import ArgumentParser
import Foundation
import LabData
import LabKit

/// Errors of a lab run that the user can fix.
package enum LabError: Error, CustomStringConvertible {
    case unwritableOutput(path: String, reason: String)
    /// A NaN or infinity in a result: where it appeared and in which section.
    case nonFinite(where: String, section: String)
    /// An exercise returned something the notebook cannot go on with (a wrong count, a wrong shape).
    case unusableResult(exercise: String, problem: String)
    /// The kit contradicts itself (a maintainer's mistake, caught when a lab runs).
    case inconsistentKit(String)

    package var description: String {
        switch self {
        case let .inconsistentKit(problem):
            return "Stopped: \(problem). Nothing was written; the previous output is unchanged."

        case let .nonFinite(place, section):
            return
                "Stopped: \(place) holds NaN or infinite values, computed in section \(section). Nothing was written; the previous output is unchanged.\n"
                + "Likely cause: the exercise used in that section returns NaN or ∞ for these inputs — a log of 0, a division by 0, an exp that overflows, or an empty mean. Test it on a small input where you know the answer."
        case let .unusableResult(exercise, problem):
            return "Stopped: exercise \(exercise) \(problem). Nothing was written; the previous output is unchanged.\n"
                + "Run its graded checks for a smaller example: swift run grade --labs \(exercise.prefix { $0 != "." })"
        case let .unwritableOutput(path, reason):
            return "The output folder \(path) is not usable: \(reason). Choose another with --out DIR."
        }
    }
}

/// A lab: who it is, its knobs, and its notebook — the numbered sections it runs.
package protocol LabProgram {
    /// The lab's own hyperparameters as flags.
    associatedtype Knobs: LabKnobs
    static var info: LabInfo { get }
    /// The default of `--learning-rate`.
    static var defaultLearningRate: Float { get }
    /// The default of `--batch-size`.
    static var defaultBatchSize: Int { get }
    /// Runs the numbered sections, one function each.
    static func notebook(_ run: LabRun<Self>) throws
    /// What the run will train on `data`, for the progress display: one piece per model,
    /// labelled as its training loop is (or one per repeated experiment), weighted by its
    /// multiply-adds. CI fails a lab whose run trains something else than this says.
    static func plannedWork(_ run: LabRun<Self>, _ data: Dataset) -> [PlannedWork]
    /// The time of the sections' other work (scoring, figures) as a share of the planned work's.
    static var evaluationShare: Double { get }
}

extension LabProgram {
    package static var defaultBatchSize: Int { 128 }
    /// No plan: the display counts each training as it comes (and CI reports the lab).
    package static func plannedWork(_ run: LabRun<Self>, _ data: Dataset) -> [PlannedWork] { [] }
    /// 5 %: after their last model, most labs' runs on 8,000 Fashion-MNIST images spend
    /// 1–4 % of the time before it (lab04 19 %, lab06 37 %: they say so).
    package static var evaluationShare: Double { 0.05 }
}

/// The command line of every lab executable: the shared flags, then the lab's notebook.
///
///     LabCommand<Lab03>.main()
package struct LabCommand<Program: LabProgram>: ParsableCommand {
    package static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Program.info.name, abstract: "Lab \(Program.info.number) — \(Program.info.title).")
    }

    @OptionGroup(title: "Data, training length and output") package var options: LabOptions
    @OptionGroup(title: "Optimisation") package var training: TrainingKnobs<Program>
    @OptionGroup(title: "This lab's knobs") package var knobs: Program.Knobs

    package init() {}

    /// Sizes the lab cannot work with are refused here, before anything runs.
    package func validate() throws {
        let needs = Program.info.requirements
        if let n = options.trainSize, n < needs.train {
            throw ValidationError("\(Program.info.name) needs --train-size of at least \(needs.train), got \(n)")
        }
        if let n = options.testSize, n < needs.test {
            throw ValidationError("\(Program.info.name) needs --test-size of at least \(needs.test), got \(n)")
        }
        if let from = options.fromSection, let sections = Program.info.sections, from > sections {
            throw ValidationError("--from-section \(from): \(Program.info.name) has sections 1 to \(sections)")
        }
    }

    package func run() throws {
        runLab(Program.info, options: options, knobs: training.flags + knobs.flags) { notebook in
            let run = LabRun(nb: notebook, options: options, training: training, knobs: knobs)
            ProgressDisplay.shared.start(Program.info.name, quiet: options.quiet)
            try Program.notebook(run)
            ProgressDisplay.shared.finish(LabRun<Program>.evaluationPiece)
            let (unplanned, notDone) = ProgressDisplay.shared.end()
            if !unplanned.isEmpty || !notDone.isEmpty {
                // A maintainer's mistake that only costs the time estimate; CI looks for this line.
                LabNotebook.warn(
                    "progress plan of \(Program.info.name) is wrong: trained but not planned: "
                        + "\(unplanned.joined(separator: ", ")); planned but not trained: \(notDone.joined(separator: ", "))"
                )
            }
        }
    }
}

/// Runs a lab's body and turns every expected failure into a clear message and exit status:
/// 2 for an exercise that is not implemented yet, 1 for bad data, output folders or a
/// diverging loss. Nothing here crashes or prints a stack trace.
package func runLab(_ info: LabInfo, options: LabOptions, knobs: [String] = [], body: (Notebook) throws -> Void)
    -> Never
{
    let start = Date()
    var notebook: Notebook?
    // Whatever stops the run, its unfinished output goes; the previous output stays.
    func fail(_ message: String, status: Int32) -> Never {
        notebook?.folder.discard()
        LabNotebook.fail(message, status: status)
    }
    do {
        notebook = try Notebook(
            info: info,
            outputDirectory: options.outputDirectory ?? (options.quick ? "out/\(info.name)-quick" : "out/\(info.name)"),
            flags: RunMetadata.flags(options, knobs: knobs), fromSection: options.fromSection ?? 1)
        let notebook = notebook!
        try body(notebook)
        try notebook.finish()
        emit(String(format: "Finished in %.1f s.", Date().timeIntervalSince(start)))
        exit(0)
    } catch let error as NotImplemented {
        let preview: String = {
            // instructor-only: begin
            if FileManager.default.fileExists(atPath: "Solutions") {
                return "\nTo see the finished lab first: LABKIT_SOLUTIONS=1 swift run \(info.name)"
            }
            // instructor-only: end
            return ""
        }()
        fail(
            "\n\(error)\nOpen \(error.file), write `\(error.function)` (its doc comment explains the maths), then run `swift run \(info.name)` again."
                + preview, status: 2)
    } catch let error as TrainingError {
        fail("\n\(error)", status: 1)
    } catch let error as DataError {
        fail("\n\(error)", status: 1)
    } catch {
        fail("\nerror: \(error)", status: 1)
    }
}

/// Writes a line to standard output unbuffered, above the progress line (on standard error),
/// so the two appear in order.
package func emit(_ line: String) {
    ProgressDisplay.shared.write(line + "\n")
}

func warn(_ message: String) {
    ProgressDisplay.shared.write(message + "\n", to: .standardError)
}

func fail(_ message: String, status: Int32) -> Never {
    ProgressDisplay.shared.end()
    warn(message)
    exit(status)
}

/// Short number formats for tables.
package enum Format {
    /// A number with `digits` significant digits ("0.0123", "12.8").
    package static func number(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        return String(format: "%.\(digits)g", value)
    }
    package static func number(_ value: Float, digits: Int = 4) -> String { number(Double(value), digits: digits) }
    /// A fixed number of decimals.
    package static func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
    /// A percentage with one decimal.
    package static func percent(_ fraction: Double) -> String { String(format: "%.1f %%", 100 * fraction) }
    /// A shape as "6000 × 784".
    package static func shape(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: " × ") }
}
