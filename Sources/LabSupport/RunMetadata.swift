import Foundation

/// What produced a run, for report.md and metrics.json: the exercises built in and the
/// flags that change the numbers (not --out, so two runs with the same flags stay byte-identical).
public enum RunMetadata {
    /// The folder the exercise modules were compiled from.
    public static var exercises: String {
        #if LABKIT_EXERCISES_SOLUTIONS
        return "Solutions/ (the reference solutions)"
        #elseif LABKIT_EXERCISES_LABS
        return "Labs/ (your code)"
        #else
        return "the folder LABKIT_LABS_DIR named"
        #endif
    }

    /// The flags that decide the numbers, as they would be typed.
    public static func flags(_ options: LabOptions) -> String {
        var parts = ["--dataset \(options.dataset)"]
        if let directory = options.dataDirectory { parts.append("--data-dir \(directory)") }
        if let n = options.trainSize { parts.append("--train-size \(n)") }
        if let n = options.testSize { parts.append("--test-size \(n)") }
        if let n = options.epochs { parts.append("--epochs \(n)") }
        parts.append("--seed \(options.seed)")
        if options.quick { parts.append("--quick") }
        return parts.joined(separator: " ")
    }
}
