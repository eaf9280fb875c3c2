import Foundation
import LabKit

/// Trained models saved with a run, so `--from-section N` can re-run the later sections
/// without training again.
///
/// Each model is `OUT/models/NAME.safetensors` (see `SafeTensors`): its parameters under
/// their names, and in the metadata the flags that trained it, a fingerprint of the
/// exercise files it was trained with, and the training record (loss history, …) as JSON.
/// NumPy reads it with a few lines (`scripts/read_safetensors.py`).
extension Notebook {
    /// The subfolder of the output that holds the saved models.
    package static let modelsFolder = "models"

    /// Trains a model with `train` (which updates `parameters` in place and returns what the
    /// notebook needs later, e.g. the loss history) and saves it with the run.
    ///
    /// In a section before `--from-section`, the model the last run saved is loaded instead —
    /// when it was trained with the same flags and has the same parameter shapes; otherwise
    /// the notebook says why and trains it.
    /// `isUsable` vets a loaded record beyond its type (e.g. one entry per epoch); a record that
    /// fails it is not reused. `progressLabel` is the training's piece of the progress plan,
    /// which leaves the plan when the saved model is reused.
    package func trained<Record: Codable>(
        _ name: String, parameters: [Variable], progressLabel: String,
        isUsable: (Record) -> Bool = { _ in true },
        train: () throws -> Record
    ) throws -> Record {
        let keys = Self.parameterKeys(parameters)
        // A model file changed since the lab wrote it is not used, nor replaced: the run stops.
        try folder.claim("\(Self.modelsFolder)/\(name).safetensors")
        if currentSection < fromSection {
            switch loadSaved(name, parameters: parameters, keys: keys, as: Record.self, isUsable: isUsable) {
            case .success(let record):
                try save(name, parameters: parameters, keys: keys, record: record)
                ProgressDisplay.shared.skip(progressLabel)
                return record
            case .failure(let reason):
                emit("  retraining \(name): \(reason.description)")
            }
        }
        let record = try train()
        try save(name, parameters: parameters, keys: keys, record: record)
        return record
    }

    /// Removes the models a lab's run saved in `folder` (only those, unchanged since) and takes
    /// them out of its manifest; a file the user put in `models/` stays.
    package static func removeSavedModels(in folder: String) throws {
        guard var manifest = OutputFolder.readManifest(in: folder) else { return }
        for (relative, hashes) in manifest where relative.hasPrefix(modelsFolder + "/") {
            if hashes.contains(OutputFolder.hash(of: "\(folder)/\(relative)")) { unlink("\(folder)/\(relative)") }
            manifest[relative] = nil
        }
        rmdir("\(folder)/\(modelsFolder)")
        try OutputFolder.writeManifest(manifest, in: folder)
    }

    /// Why a saved model cannot be reused.
    package struct NotReusable: Error, CustomStringConvertible {
        package let description: String
    }

    private func path(_ name: String, in folder: String) -> String {
        "\(folder)/\(Self.modelsFolder)/\(name).safetensors"
    }

    private func loadSaved<Record: Codable>(
        _ name: String, parameters: [Variable], keys: [String], as: Record.Type,
        isUsable: (Record) -> Bool
    ) -> Result<Record, NotReusable> {
        let file = path(name, in: outputDirectory)
        guard FileManager.default.fileExists(atPath: file) else {
            return .failure(
                NotReusable(description: "no saved model at \(file) (run the lab once without --from-section)"))
        }
        let saved: SafeTensors
        do { saved = try SafeTensors(contentsOf: file, requireChecksum: true) } catch {
            return .failure(NotReusable(description: "\(error)"))
        }
        let savedFlags = saved.metadata["flags"] ?? "(none)"
        guard savedFlags == flags else {
            return .failure(NotReusable(description: Self.flagDifference(saved: savedFlags, now: flags)))
        }
        for (key, parameter) in zip(keys, parameters) where saved.tensors[key]?.shape != parameter.value.shape {
            return .failure(
                NotReusable(
                    description:
                        "its parameter \(key) has shape \(saved.tensors[key]?.shape.description ?? "(missing)"), the model needs \(parameter.value.shape)"
                ))
        }
        guard let json = saved.metadata["record"]?.data(using: .utf8),
            let record = try? JSONDecoder().decode(Record.self, from: json),
            isUsable(record)
        else {
            return .failure(NotReusable(description: "its training record cannot be read"))
        }
        for (key, parameter) in zip(keys, parameters) { parameter.value = saved.tensors[key]! }
        var note = "  reusing \(file) (trained with the same flags)"
        if let fingerprint = RunMetadata.exerciseFingerprint(lab: info.number),
            saved.metadata["exercises"] != fingerprint
        {
            note += " — your exercise files changed since; run without --from-section to retrain with them"
        }
        emit(note)
        return .success(record)
    }

    private func save<Record: Codable>(_ name: String, parameters: [Variable], keys: [String], record: Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "lab": info.name, "model": name, "flags": flags,
            "record": String(decoding: try encoder.encode(record), as: UTF8.self),
        ]
        metadata["exercises"] = RunMetadata.exerciseFingerprint(lab: info.number)
        let file = SafeTensors(
            tensors: Dictionary(uniqueKeysWithValues: zip(keys, parameters.map(\.value))), metadata: metadata)
        let folder = "\(self.folder.staging)/\(Self.modelsFolder)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try file.write(to: path(name, in: self.folder.staging))
        } catch {
            throw LabError.unwritableOutput(path: folder, reason: (error as NSError).localizedDescription)
        }
    }

    /// Each parameter's name ("encoder.0.weight"), numbered when names repeat or are empty.
    static func parameterKeys(_ parameters: [Variable]) -> [String] {
        let names = parameters.map(\.name)
        if !names.contains(""), Set(names).count == names.count { return names }
        return names.enumerated().map { String(format: "%02d.", $0) + ($1.isEmpty ? "parameter" : $1) }
    }

    /// "it was trained with --beta 3.0, this run has --beta 1.0": only the flags that differ.
    static func flagDifference(saved: String, now: String) -> String {
        func pairs(_ flags: String) -> [(String, String)] {
            flags.components(separatedBy: " --").map { part in
                let words = part.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(
                    String.init)
                let name = words.first.map { $0.hasPrefix("--") ? $0 : "--" + $0 } ?? ""
                return (name, words.count > 1 ? words[1] : "")
            }
        }
        let old = pairs(saved), new = pairs(now)
        let oldValues = Dictionary(old, uniquingKeysWith: { a, _ in a }),
            newValues = Dictionary(new, uniquingKeysWith: { a, _ in a })
        let names = (old.map(\.0) + new.map(\.0)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func shown(_ name: String, _ value: String?) -> String {
            value.map { "\(name) \($0)".trimmingCharacters(in: .whitespaces) } ?? "no \(name)"
        }
        let differing = names.filter { oldValues[$0] != newValues[$0] }
        return "it was trained with " + differing.map { shown($0, oldValues[$0]) }.joined(separator: ", ")
            + "; this run has " + differing.map { shown($0, newValues[$0]) }.joined(separator: ", ")
    }
}
