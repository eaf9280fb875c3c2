import Foundation
import LabRegistry

/// What the student release holds, in one place: `release --out` copies exactly this, and a
/// test checks it. (This file itself stays out of the release: it names what students never get.)
package enum StudentRelease {
    /// Everything the student release holds: these paths of the kit (a file, or a folder whole),
    /// and nothing else — the labs and their handouts, the core, the public checks, the
    /// single-submission grader, the reference figures. Not the instructor's tools (class
    /// grading, release, figures, the bench and its peer scripts), the solutions, the hidden
    /// checks, the mutants and alternatives, CI or the contributor's guide.
    package static func paths(_ registry: LabRegistry = .kit) -> [String] {
        [
            ".gitignore", ".swift-version", ".github/workflows/grade.yml", "Package.swift", "TRUST.md", "Labs",
            "Figures",
            "Sources/CKernels", "Sources/CPNG", "Sources/CZlib", "Sources/CSandbox", "Sources/LabKit",
            "Sources/LabPlot",
            "Sources/LabData", "Sources/LabRegistry", "Sources/LabNotebook", "Sources/LabGrading",
            "Sources/ExerciseChannel",
            "Sources/ExerciseCalls",
            "Sources/exercise-server", "Sources/LabTesting", "Sources/GradeCommandLine", "Sources/grade",
            "Tests/Graded", "Tests/LabKitTests", "Tests/LabPlotTests", "Tests/LabDataTests", "Tests/LabNotebookTests",
            "Tests/LabTestingTests", "Tests/ExerciseChannelTests",
        ]
            + registry.labs.map { "Sources/\($0.name)" }
    }

    /// Files inside `paths` that stay out: the grading library's editing of the solutions,
    /// and this list.
    package static let excludedFiles = [
        "Sources/LabGrading/SourceEdit.swift", "Sources/LabGrading/StudentRelease.swift",
    ]

    /// Words no file of the student release may hold once the instructor-only blocks are out.
    package static let forbiddenWords = [
        "Solutions", "LABKIT_SOLUTIONS", "grade-class", "figure-gallery", "swift run release",
        "swift run figures", "swift run bench", "swift run similarity", "numpy_reference", "jax_reference",
    ]

    /// Whether a line is the marker that opens (`begin`) or closes (`end`) an instructor-only
    /// block: the whole line, trimmed, is `// instructor-only: begin`, `# instructor-only: begin`
    /// or `<!-- instructor-only: begin -->` (and the same with `end`).
    package static func isMarker(_ line: Substring, _ which: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return ["// ", "# "].contains { trimmed == $0 + "instructor-only: " + which }
            || trimmed == "<!-- instructor-only: \(which) -->"
    }

    /// The text of a file without its instructor-only blocks, the marker lines included.
    package static func text(_ text: String) -> String {
        var kept: [Substring] = [], inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if isMarker(line, "begin") { inside = true; continue }
            if isMarker(line, "end") { inside = false; continue }
            if !inside { kept.append(line) }
        }
        return kept.joined(separator: "\n")
    }

    /// Whether `file` (relative to the kit) goes to students.
    package static func includes(_ file: String) -> Bool { includes(file, registry: .kit) }

    package static func includes(_ file: String, registry: LabRegistry) -> Bool {
        paths(registry).contains { file == $0 || file.hasPrefix($0 + "/") } && !excludedFiles.contains(file)
    }
}
