import Foundation
import LabGrading
import LabRegistry

/// A graded class's submissions as documents: each student folder's lab files, read the way the
/// grader reads them (`SubmissionCopy`: regular .swift files only, within its size limits; links,
/// pipes and oversized files are skipped with a note).
package struct ClassSubmissions: Sendable {
    /// Folder names, made printable (`sanitisedName`), in order.
    package var students: [String] = []
    package var documents: [LabDocument] = []
    /// What was skipped, one sentence each.
    package var notes: [String] = []

    /// Reads `folder`/<student>/… for the registry's labs, into a scratch folder it removes after.
    package init(folder: String, registry: LabRegistry, progress: (Double) -> Void = { _ in }) throws {
        let root = RawPath(folder)
        var names: [[UInt8]] = []
        for name in root.entries().sorted(by: { $0.lexicographicallyPrecedes($1) })
        where name.first != UInt8(ascii: ".") {
            if root.appending(name).kind() == S_IFDIR {
                names.append(name)
            } else {
                notes.append("skipped \(sanitisedName(name)): not a folder")
            }
        }
        let scratch = NSTemporaryDirectory() + "labkit-similarity-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for (s, name) in names.enumerated() {
            let student = sanitisedName(name)
            students.append(student)
            let copy = SubmissionCopy.make(from: root.appending(name), into: "\(scratch)/\(s)", labs: registry.numbers)
            notes += copy.rejected.map { "\(student): \($0)" }
            for lab in registry.labs where copy.labsFound.contains(lab.number) {
                let labFolder = "\(scratch)/\(s)/\(lab.folder)"
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: labFolder)) ?? []).sorted()
                // A lab's files one after another, each under its name: lines count across them.
                var text = ""
                for file in files {
                    guard let data = FileManager.default.contents(atPath: "\(labFolder)/\(file)") else { continue }
                    text += String(decoding: data, as: UTF8.self) + "\n"
                }
                documents.append(
                    LabDocument(
                        student: s, lab: lab.number, file: "\(lab.folder)/" + files.joined(separator: " + "),
                        text: text))
            }
            progress(Double(s + 1) / Double(names.count))
        }
    }
}
