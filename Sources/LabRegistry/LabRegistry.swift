import Foundation

/// The labs of the kit, and every fact about each that is not in its own folders: its title,
/// its exercises and their points, its stub file, the figures it writes, the knobs CI turns away
/// from their defaults, and where its training ends. One place: `labs.json` beside this file,
/// read here (the grader, the point table, the notebooks' titles, the release, the figures) and
/// by `scripts/registry.py` (`.ci/run`, the demo and attack classes).
///
/// `Package.swift` keeps its own list of lab numbers (SwiftPM caches the manifest); a test checks
/// it against this one. Adding a lab: CONTRIBUTING.md, "Adding a lab".
package struct LabRegistry: Sendable, Equatable, Codable {
    package var labs: [Lab]

    package init(labs: [Lab]) { self.labs = labs }

    /// The kit's registry, read once from `labs.json`.
    package static let kit: LabRegistry = {
        do {
            guard let url = Bundle.module.url(forResource: "labs", withExtension: "json") else {
                throw RegistryError.invalid("labs.json is not in the LabRegistry bundle")
            }
            return try LabRegistry(json: Data(contentsOf: url))
        } catch {
            fatalError("the lab registry (Sources/LabRegistry/labs.json) is unreadable: \(error)")
        }
    }()

    /// Decodes a registry and checks it: lab numbers unique and increasing, each exercise's id
    /// "N.k" with N its lab's number, ids unique, points positive.
    package init(json: Data) throws {
        let decoded = try JSONDecoder().decode(LabRegistry.self, from: json)
        try decoded.validate()
        self = decoded
    }

    package func validate() throws {
        let numbers = labs.map(\.number)
        guard numbers == numbers.sorted(), Set(numbers).count == numbers.count, numbers.allSatisfy({ $0 > 0 }) else {
            throw RegistryError.invalid("lab numbers must be positive, unique and in order: \(numbers)")
        }
        for lab in labs {
            guard !lab.exercises.isEmpty else { throw RegistryError.invalid("\(lab.name) has no exercises") }
            for exercise in lab.exercises {
                guard exercise.id.hasPrefix("\(lab.number)."), Int(exercise.id.dropFirst("\(lab.number).".count)) != nil
                else { throw RegistryError.invalid("\(lab.name): exercise id \(exercise.id) is not \(lab.number).k") }
                guard exercise.points > 0, exercise.points.isFinite else {
                    throw RegistryError.invalid("exercise \(exercise.id) has \(exercise.points) points")
                }
            }
        }
        let ids = exercises.map(\.id)
        guard Set(ids).count == ids.count else { throw RegistryError.invalid("exercise ids repeat: \(ids)") }
    }

    /// The lab numbers, in order.
    package var numbers: [Int] { labs.map(\.number) }

    /// Every exercise of every lab, in order.
    package var exercises: [Exercise] { labs.flatMap(\.exercises) }

    package func lab(_ number: Int) -> Lab? { labs.first { $0.number == number } }

    package func exercises(inLab number: Int) -> [Exercise] { lab(number)?.exercises ?? [] }

    /// The exercise a graded check belongs to, from its name ("test_1_2_componentsAreOrthonormal",
    /// or with its class in front, "Lab01Checks.Lab01Checks/test_1_2_…").
    package func exercise(forTest name: String) -> Exercise? {
        let method = name.split(separator: "/").last.map(String.init) ?? name
        return exercises.first { method.hasPrefix($0.testPrefix) }
    }
}

package enum RegistryError: Error, CustomStringConvertible {
    case invalid(String)
    package var description: String {
        switch self {
        case .invalid(let why): return why
        }
    }
}

extension LabRegistry {
    /// One lab.
    package struct Lab: Sendable, Equatable, Codable {
        package var number: Int
        /// "Denoising autoencoder": the notebook's header, the report's, the README's table.
        package var title: String
        /// The file name of the lab's exercises in `Labs/LabNN/`.
        package var exerciseFile: String
        package var exercises: [Exercise]
        /// The PNG files a run writes into its output folder.
        package var figures: [String]
        /// Flags with values away from their defaults, which CI runs the lab with.
        package var knobsAwayFromDefaults: [String]
        /// The first notebook section after the lab's last training: `--from-section` with it
        /// reuses every saved model.
        package var firstSectionAfterTraining: Int

        package init(
            number: Int, title: String, exerciseFile: String, exercises: [Exercise], figures: [String],
            knobsAwayFromDefaults: [String], firstSectionAfterTraining: Int
        ) {
            (self.number, self.title, self.exerciseFile, self.exercises) = (number, title, exerciseFile, exercises)
            (self.figures, self.knobsAwayFromDefaults) = (figures, knobsAwayFromDefaults)
            self.firstSectionAfterTraining = firstSectionAfterTraining
        }

        /// "lab03": the notebook's executable and output folder.
        package var name: String { String(format: "lab%02d", number) }
        /// "Lab03": the exercise folders, the handout, the checks' target.
        package var folder: String { String(format: "Lab%02d", number) }
    }
}

/// One graded exercise.
package struct Exercise: Sendable, Equatable, Codable {
    /// "1.2": lab 1, exercise 2. Graded checks are named test_1_2_… after it.
    package let id: String
    package let title: String
    package let points: Double

    package init(id: String, title: String, points: Double) {
        (self.id, self.title, self.points) = (id, title, points)
    }

    /// The lab it belongs to: the number before the dot.
    package var lab: Int { Int(id.split(separator: ".").first ?? "") ?? 0 }

    /// The prefix of the graded checks' names: "test_1_2_".
    package var testPrefix: String { "test_" + id.replacingOccurrences(of: ".", with: "_") + "_" }
}
