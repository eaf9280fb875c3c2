import Foundation
import LabData
import LabKit

/// What produced a run, for report.md and metrics.json: the exercises built in and the
/// flags that change the numbers (not --out, so two runs with the same flags stay byte-identical).
package enum RunMetadata {
    /// The folder the exercise modules were compiled from.
    package static var exercises: String {
        #if LABKIT_EXERCISES_LABS
            return "Labs/ (your code)"
        // instructor-only: begin
        #elseif LABKIT_EXERCISES_SOLUTIONS
            return "the reference solutions"
        // instructor-only: end
        #else
            return "the folder LABKIT_LABS_DIR named"
        #endif
    }

    /// The flags that decide the numbers, as they would be typed.
    package static func flags(_ options: LabOptions, knobs: [String] = []) -> String {
        var parts = ["--dataset \(options.dataset)"]
        if let directory = options.dataDirectory { parts.append("--data-dir \(directory)") }
        if let n = options.trainSize { parts.append("--train-size \(n)") }
        if let n = options.testSize { parts.append("--test-size \(n)") }
        if let n = options.epochs { parts.append("--epochs \(n)") }
        parts.append("--seed \(options.seed)")
        if options.quick { parts.append("--quick") }
        parts += knobs
        return parts.joined(separator: " ")
    }

    /// A fingerprint of the lab's exercise files (names and contents), to tell whether a saved
    /// model was trained with the code there now; nil when the folder cannot be read.
    package static func exerciseFingerprint(lab: Int) -> String? {
        #if LABKIT_EXERCISES_LABS
            let root = "Labs"
        // instructor-only: begin
        #elseif LABKIT_EXERCISES_SOLUTIONS
            let root = "Solutions"
        // instructor-only: end
        #else
            let root = ProcessInfo.processInfo.environment["LABKIT_LABS_DIR"] ?? "Labs"
        #endif
        let folder = "\(root)/" + String(format: "Lab%02d", lab)
        guard
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".swift") })
                .sorted(), !names.isEmpty
        else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            hash = fnv1a(Array(name.utf8), seed: hash)
            hash = fnv1a(FileManager.default.contents(atPath: "\(folder)/\(name)") ?? Data(), seed: hash)
        }
        return String(format: "%016llx", hash)
    }
}
