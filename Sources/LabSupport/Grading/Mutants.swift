import Foundation

/// A typical wrong implementation, made by editing the reference solution: the graded
/// checks must catch it (its exercise must lose points). Listed in Tests/Mutants/labNN.json.
public struct Mutant: Codable, Sendable {
    public let exercise: String
    public let mistake: String
    /// The file under Solutions/ to edit.
    public let file: String
    /// The first occurrence of `find` is replaced by `replace`.
    public let find: String
    public let replace: String

    public var lab: Int { Int(exercise.split(separator: ".").first ?? "") ?? 0 }

    /// Reads every mutant in the folder's JSON files.
    public static func load(from folder: String) throws -> [Mutant] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        return try files.flatMap { try JSONDecoder().decode([Mutant].self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)"))) }
    }

    /// Writes the mutated copy of `solutions` into `destination`.
    public func apply(solutions: String, destination: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: destination)
        try fm.copyItem(atPath: solutions, toPath: destination)
        let path = "\(destination)/\(file)"
        let source = try String(contentsOfFile: path, encoding: .utf8)
        guard let range = source.range(of: find) else {
            throw MutantError.textNotFound(mutant: self)
        }
        try source.replacingCharacters(in: range, with: replace).write(toFile: path, atomically: true, encoding: .utf8)
    }
}

public enum MutantError: Error, CustomStringConvertible {
    case textNotFound(mutant: Mutant)
    public var description: String {
        switch self {
        case .textNotFound(let m): return "mutant \"\(m.mistake)\" (\(m.exercise)): the text to replace is no longer in Solutions/\(m.file):\n  \(m.find)"
        }
    }
}
