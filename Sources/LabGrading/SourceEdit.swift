import Foundation

/// An edited copy of the reference solutions, listed in `Tests/Mutants/labNN.json` or
/// `Tests/Alternatives/labNN.json`:
/// - a **mutant** is a typical wrong implementation: the graded checks must catch it (its
///   exercise must lose points);
/// - an **alternative** is a correct implementation written differently (another algorithm,
///   Float vs Double, loops vs vectorised): it must keep full marks on its whole lab.
///
/// Each entry replaces the first occurrence of `find` in `file` by `replace`:
/// `{"exercise": "2.2", "mistake": "…", "file": "Lab02/Lab02Sparse.swift", "find": "…", "replace": "…"}`
/// (alternatives say `"description"` where mutants say `"mistake"`).
package struct SourceEdit: Decodable, Sendable {
    package let exercise: String
    /// The mistake a mutant makes, or how an alternative is written.
    package let what: String
    /// The file under Solutions/ to edit.
    package let file: String
    package let find: String
    package let replace: String

    package var lab: Int { Int(exercise.split(separator: ".").first ?? "") ?? 0 }

    enum CodingKeys: String, CodingKey { case exercise, mistake, description, file, find, replace }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exercise = try c.decode(String.self, forKey: .exercise)
        what = try c.decodeIfPresent(String.self, forKey: .mistake) ?? c.decode(String.self, forKey: .description)
        file = try c.decode(String.self, forKey: .file)
        find = try c.decode(String.self, forKey: .find)
        replace = try c.decode(String.self, forKey: .replace)
    }

    /// Reads every entry in the folder's JSON files.
    package static func load(from folder: String) throws -> [SourceEdit] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
            .sorted()
        return try files.flatMap {
            try JSONDecoder().decode([SourceEdit].self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)")))
        }
    }

    /// Writes the edited copy of `solutions` into `destination`.
    package func apply(solutions: String, destination: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: destination)
        try fm.copyItem(atPath: solutions, toPath: destination)
        try apply(in: destination)
    }

    /// Makes the edit in a copy of the solutions.
    package func apply(in copy: String) throws {
        let path = "\(copy)/\(file)"
        let source = try String(contentsOfFile: path, encoding: .utf8)
        guard let range = source.range(of: find) else {
            throw SourceEditError.textNotFound(edit: self)
        }
        try source.replacingCharacters(in: range, with: replace).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The edits in rounds of at most one per lab, in their order within each lab. One build
    /// grades a whole round: each lab is its own module, and a lab's checks call only that module.
    package static func rounds(_ edits: [SourceEdit]) -> [[SourceEdit]] {
        var queues = Dictionary(grouping: edits, by: \.lab).mapValues { ArraySlice($0) }
        var rounds: [[SourceEdit]] = []
        while queues.values.contains(where: { !$0.isEmpty }) {
            rounds.append(queues.keys.sorted().compactMap { queues[$0]!.popFirst() })
        }
        return rounds
    }
}

package enum SourceEditError: Error, CustomStringConvertible {
    case textNotFound(edit: SourceEdit)
    package var description: String {
        switch self {
        case .textNotFound(let e):
            return "\(e.exercise) \"\(e.what)\": the text to replace is no longer in Solutions/\(e.file):\n  \(e.find)"
        }
    }
}
