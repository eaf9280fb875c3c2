import Foundation
import LabData

/// The figure set in an output folder (lab folders, README.md, MANIFEST), replaced whole.
///
/// Every lab runs into `OUT/.figures-staging`; only when all of them and the gallery are done
/// does `commit()` move the new set in, entry by entry, with signals held back and a journal
/// (`OUT/.figures-swap`) that the next run finishes if the process was killed in between. Until
/// then the previous set is untouched; an interrupted run removes its staging folder.
///
/// The set is the kit's only where it wrote it: OUT's `.labkit-manifest` (the labs' format)
/// lists README.md and MANIFEST with the hash of what was written, and each lab folder has the
/// lab's own manifest. A folder with other files and no marker is refused; a file the user added to a lab
/// folder moves into the new one; README.md or MANIFEST changed since they were written stop the
/// run before anything is done.
struct FigureSet {
    let out: String
    static let manifestName = OutputManifest.fileName
    var staging: String { "\(out)/.figures-staging" }
    var retired: String { "\(out)/.figures-retired" }
    var journal: String { "\(out)/.figures-swap" }

    struct Refusal: Error, CustomStringConvertible { let description: String }

    /// Finishes a swap a killed run left half done, removes its leftovers, and checks that the
    /// folder is one the kit may write into.
    func prepare() throws {
        if let names = try? String(contentsOfFile: journal, encoding: .utf8) {
            try swap(names.split(separator: "\n").map(String.init))
        }
        for leftover in [staging, retired] where FileManager.default.fileExists(atPath: leftover) {
            try FileManager.default.removeItem(atPath: leftover)
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        guard let written = OutputManifest.read(in: out) else {
            let others = entries.filter { $0 != Self.manifestName }
            if !others.isEmpty {
                throw Refusal(
                    description:
                        "\(out) holds files figures did not write (\(others.sorted().prefix(5).joined(separator: ", "))"
                        + "\(others.count > 5 ? ", …" : "")) and no \(Self.manifestName): choose an empty or new folder with --out"
                )
            }
            return
        }
        for (name, hashes) in written where FileManager.default.fileExists(atPath: "\(out)/\(name)") {
            guard hashes.contains(OutputManifest.hash(of: "\(out)/\(name)")) else {
                throw Refusal(
                    description:
                        "\(out)/\(name) was changed since figures wrote it; move it away first (nothing was changed)")
            }
        }
        // A lab folder is replaced whole, so it must be a lab's, with its files as the lab wrote them.
        for entry in entries where entry.range(of: #"^lab[0-9]+$"#, options: .regularExpression) != nil {
            let folder = "\(out)/\(entry)"
            guard let manifest = OutputManifest.read(in: folder) else {
                throw Refusal(
                    description:
                        "\(folder) has no \(Self.manifestName), so no lab wrote it; move it away first (nothing was changed)"
                )
            }
            for (relative, hashes) in manifest where FileManager.default.fileExists(atPath: "\(folder)/\(relative)") {
                guard hashes.contains(OutputManifest.hash(of: "\(folder)/\(relative)")) else {
                    throw Refusal(
                        description:
                            "\(folder)/\(relative) was changed since the lab wrote it; move it away first (nothing was changed)"
                    )
                }
            }
        }
    }

    /// Moves the staged set into place: README.md, MANIFEST and every lab folder in `names`.
    func commit(_ names: [String]) throws {
        try Interrupts.withSignalsHeld(afterMessage: "after the new figure set was in place.") {
            try (names.joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
            try swap(names)
        }
    }

    /// The swap itself, safe to run again after an interruption (each step checks what is done).
    private func swap(_ names: [String]) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: retired, withIntermediateDirectories: true)
        for name in names where files.fileExists(atPath: "\(staging)/\(name)") {
            if files.fileExists(atPath: "\(out)/\(name)") {
                try files.moveItem(atPath: "\(out)/\(name)", toPath: "\(retired)/\(name)")
            }
            try files.moveItem(atPath: "\(staging)/\(name)", toPath: "\(out)/\(name)")
        }
        // Files the user added to an old lab folder (not in its manifest) move into the new one.
        for name in names where OutputManifest.read(in: "\(retired)/\(name)") != nil {
            try carryOverUserFiles(from: "\(retired)/\(name)", to: "\(out)/\(name)")
        }
        var written: [String: Set<String>] = [:]
        for name in ["README.md", "MANIFEST"] where names.contains(name) {
            written[name] = [OutputManifest.hash(of: "\(out)/\(name)")]
        }
        try OutputManifest.write(written, in: out)
        try files.removeItem(atPath: retired)
        try? files.removeItem(atPath: staging)
        try files.removeItem(atPath: journal)
    }

    private func carryOverUserFiles(from old: String, to new: String) throws {
        let files = FileManager.default
        let kitFiles = Set((OutputManifest.read(in: old) ?? [:]).keys)
        guard let enumerator = files.enumerator(atPath: old) else { return }
        while let relative = enumerator.nextObject() as? String {
            let path = "\(old)/\(relative)"
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                relative != Self.manifestName, !kitFiles.contains(relative)
            else { continue }
            var target = "\(new)/\(relative)"
            if files.fileExists(atPath: target) { target += " (yours)" }
            try files.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try files.moveItem(atPath: path, toPath: target)
        }
    }
}
