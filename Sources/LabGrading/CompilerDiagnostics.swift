import Foundation
import LabRegistry

/// The compiler's errors in a build of a submission, attributed to labs.
///
/// Only errors count (a warning never sets a lab aside). An error belongs to a lab when it
/// is in the lab's exercise files, its notebook (`Sources/labNN`), its file of the exercise
/// process (`Sources/exercise-server/LabNN.swift`) or its checks — all but the first happen
/// when the student changed a function's signature. Paths are shown as the
/// student knows them (`Labs/Lab05/Lab05VAE.swift:63:5`), never the grader's build folder,
/// and the source lines of hidden checks are never shown.
struct CompilerDiagnostics {
    struct Diagnostic: Equatable {
        let lab: Int?
        let location: String
        let message: String
        /// The compiler's excerpt of the source (empty for hidden checks).
        let excerpt: [String]
    }

    let diagnostics: [Diagnostic]

    init(output: String, submissionFolder: String, kitRoot: String) {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: [Diagnostic] = []
        var seen = Set<String>()
        var i = 0
        while i < lines.count {
            defer { i += 1 }
            guard let error = lines[i].range(of: ": error: ") else { continue }
            let location = String(lines[i][..<error.lowerBound])
            let message = String(lines[i][error.upperBound...])
            let (lab, shown, hidden) = Self.attribute(location, submissionFolder: submissionFolder, kitRoot: kitRoot)
            // Swift's excerpt: the lines after the error that start with a line number and "|".
            var excerpt: [String] = []
            var j = i + 1
            while j < lines.count, excerpt.count < 8,
                lines[j].range(of: #"^\s*[0-9]*\s*\|"#, options: .regularExpression) != nil
            {
                excerpt.append(lines[j])
                j += 1
            }
            let explained =
                hidden
                ? "a hidden check does not compile against your code: \(message)"
                : shown.hasPrefix("Sources/exercise-server/")
                    ? "the checks call your exercise with the stub's signature, and yours differs: \(message)" : message
            let diagnostic = Diagnostic(lab: lab, location: shown, message: explained, excerpt: hidden ? [] : excerpt)
            // The compiler repeats an error (once per file that imports it); show it once.
            if seen.insert(shown + "\u{0}" + message).inserted { found.append(diagnostic) }
        }
        // Link errors name a lab's module in their symbols or object files.
        for line in lines
        where line.contains("undefined reference") || line.contains("ld: error") || line.contains("ld.lld: error") {
            let lab = LabRegistry.kit.numbers.first { line.contains(String(format: "Lab%02dExercises", $0)) }
            let diagnostic = Diagnostic(
                lab: lab, location: "linking",
                message: Self.scrub(line, submissionFolder: submissionFolder, kitRoot: kitRoot), excerpt: [])
            if !found.contains(diagnostic) { found.append(diagnostic) }
        }
        diagnostics = found
    }

    var failingLabs: Set<Int> { Set(diagnostics.compactMap(\.lab)) }
    var hasUnattributedErrors: Bool { diagnostics.contains { $0.lab == nil } }

    /// The errors of one lab (or the unattributed ones), once each, as the student should read them.
    func report(lab: Int?, limit: Int = 12) -> String {
        let mine = diagnostics.filter { $0.lab == lab }
        var text = mine.prefix(limit).map { d in
            ([d.location + ": error: " + d.message] + d.excerpt).joined(separator: "\n")
        }
        if mine.count > limit { text.append("… and \(mine.count - limit) more errors.") }
        return text.joined(separator: "\n")
    }

    /// (lab, path as shown, whether it is a hidden check) for "path:line:col".
    static func attribute(_ location: String, submissionFolder: String, kitRoot: String) -> (Int?, String, Bool) {
        if location.hasPrefix(submissionFolder + "/") {
            let relative = String(location.dropFirst(submissionFolder.count + 1))
            return (Int(relative.dropFirst(3).prefix(2)), "Labs/" + relative, false)
        }
        let relative = location.hasPrefix(kitRoot + "/") ? String(location.dropFirst(kitRoot.count + 1)) : location
        for lab in LabRegistry.kit.numbers {
            let folder = String(format: "Lab%02d", lab)
            if relative.hasPrefix("Tests/Hidden/\(folder)HiddenChecks/") {
                return (lab, "hidden checks of \(folder)", true)
            }
            if relative.hasPrefix(String(format: "Sources/lab%02d/", lab))
                || relative.hasPrefix("Tests/Graded/\(folder)Checks/")
                || relative.hasPrefix("Sources/exercise-server/\(folder).swift:")
            {
                return (lab, relative, false)
            }
        }
        return (nil, scrub(relative, submissionFolder: submissionFolder, kitRoot: kitRoot), false)
    }

    /// A line with the grader's folders taken out.
    static func scrub(_ line: String, submissionFolder: String, kitRoot: String) -> String {
        line.replacingOccurrences(of: submissionFolder + "/", with: "Labs/").replacingOccurrences(
            of: kitRoot + "/", with: "")
    }
}
