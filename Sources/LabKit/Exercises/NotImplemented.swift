/// Thrown by an exercise stub that the student has not written yet.
///
/// ```
/// public func centred(_ data: Tensor) throws -> (centred: Tensor, mean: Tensor) {
///     throw NotImplemented(exercise: "1.1", function: "centred(_:)")
/// }
/// ```
/// The lab executables turn it into a friendly message and exit status 2; the graded checks
/// report the exercise as not implemented (0 points) instead of failing obscurely.
public struct NotImplemented: Error, CustomStringConvertible, Equatable {
    public let exercise: String
    public let function: String
    public let file: String

    public init(exercise: String, function: String, file: String = #filePath) {
        self.exercise = exercise
        self.function = function
        // Show the path from the kit's root (Labs/Lab01/Lab01PCA.swift), not the absolute one —
        // also when the grader compiled the student's Labs/ from its copy (SCRATCH/submission/).
        let roots = [
            "/Labs/",
            // instructor-only: begin
            "/Solutions/",
            // instructor-only: end
        ]
        if let range = roots.lazy.compactMap({ file.range(of: $0, options: .backwards) }).first {
            self.file = String(file[file.index(after: range.lowerBound)...])
        } else if let range = file.range(of: "/submission/", options: .backwards) {
            self.file = "Labs/" + file[range.upperBound...]
        } else {
            self.file = file
        }
    }

    public var description: String {
        "Exercise \(exercise) `\(function)` in \(file) is not implemented yet."
    }
}
