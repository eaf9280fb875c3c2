import ArgumentParser
import Foundation
import LabData
import LabGrading
import LabKit
import LabNotebook
import LabPlot
// Regenerates the reference figure set from the solutions:
//
//   LABKIT_SOLUTIONS=1 swift run figures                  # all labs into Figures/
//   LABKIT_SOLUTIONS=1 swift run figures --labs 2,5       # some labs
//   LABKIT_SOLUTIONS=1 swift run figures --dataset fashion-mnist --out /tmp/full
//
// Runs every lab with fixed seeds (one folder per lab: PNGs, report.md, metrics.json), then
// writes README.md (a gallery with every figure, its caption and the lab's headline numbers)
// and MANIFEST (every PNG with the SHA-256 of its decoded pixels, comparable across zlib builds).
// The set is replaced whole, only when every lab is done (see FigureSet).
import LabRegistry

struct Figures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures", abstract: "Regenerate the reference figure set from the solutions (LABKIT_SOLUTIONS=1)."
    )

    @Option(help: "Labs to run, e.g. 2,5 (default: all).")
    var labs: String?

    @Option(help: "Output folder.")
    var out = "Figures"

    @Option(help: "Dataset: sample (default) or fashion-mnist.")
    var dataset = "sample"

    @Option(name: .customLong("data-dir"), help: "A folder with the four IDX files.")
    var dataDirectory: String?

    @Option(help: "Seed passed to every lab.")
    var seed: UInt64 = 1

    @Flag(help: "Quick runs (smoke tests of the figure pipeline).")
    var quick = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard ["1", "true", "yes"].contains(environment["LABKIT_SOLUTIONS"]?.lowercased() ?? "") else {
            throw ValidationError(
                "the reference figures come from the solutions: run `LABKIT_SOLUTIONS=1 swift run figures`")
        }
        let all = LabRegistry.kit.numbers
        let chosen =
            labs.map { $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } } ?? all
        guard !chosen.isEmpty, chosen.allSatisfy(all.contains) else {
            throw ValidationError("--labs takes numbers among \(all)")
        }
        try Notebook.prepareWritableFolder(out)
        // One figures run per folder at a time (held until the process ends): two would mix their labs.
        let lock = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            throw ValidationError("another figures run is writing into \(out); wait for it to finish")
        }
        let set = FigureSet(out: out)
        try set.prepare()
        try FileManager.default.createDirectory(atPath: set.staging, withIntermediateDirectories: true)
        // The staging folder goes on a signal or a failure — under the interrupt lock either way,
        // so a signal that arrives while a failed run removes it waits for the removal.
        let unfinished = Interrupts.onInterrupt("the previous figure set is unchanged.") {
            ChildProcess.killRunningChildren()
            try? FileManager.default.removeItem(atPath: set.staging)
        }
        do {
            try makeSet(set, chosen: chosen, all: all)
        } catch {
            Interrupts.finish(unfinished)
            throw error
        }
        Interrupts.remove(unfinished)
    }

    /// Builds the labs, runs each into the staging folder, writes the gallery and swaps the set in.
    func makeSet(_ set: FigureSet, chosen: [Int], all: [Int]) throws {

        emit("Building the labs…")
        ProgressDisplay.shared.start(
            "figures", plan: chosen.map { PlannedWork(String(format: "lab%02d", $0), weight: 1) })
        ProgressDisplay.shared.status("building the labs")
        defer { ProgressDisplay.shared.end() }
        let build = ChildProcess.run("/usr/bin/env", ["swift", "build"], timeout: 3600)
        guard build.ending == .exited(0) else {
            throw ValidationError("swift build failed:\n\(build.output.suffix(3000))")
        }
        let binPath =
            ChildProcess.run("/usr/bin/env", ["swift", "build", "--show-bin-path"], timeout: 600).output
            .split(separator: "\n").last.map(String.init) ?? ".build/debug"

        let start = Date()
        for (i, lab) in chosen.enumerated() {
            let name = String(format: "lab%02d", lab)
            var arguments = ["--out", "\(set.staging)/\(name)", "--seed", "\(seed)", "--dataset", dataset]
            if let dataDirectory { arguments += ["--data-dir", dataDirectory] }
            if quick { arguments.append("--quick") }
            emit("[\(i + 1)/\(chosen.count)] \(name) …")
            ProgressDisplay.shared.update(name, fraction: 0)
            // The lab's own progress lines give the fraction of it done.
            var options = SpawnOptions(
                environment: ProcessInfo.processInfo.environment.merging(["LABKIT_PROGRESS": "lines"]) { $1 },
                timeout: 1800)
            options.headBytes = 4 * 1024 * 1024
            options.onOutput = childProgressReader { ProgressDisplay.shared.update(name, fraction: $0) }
            let run = ChildProcess.run("\(binPath)/\(name)", arguments, options: options)
            guard run.ending == .exited(0) else {
                throw FigureSet.Refusal(
                    description: "\(name) failed (the previous figure set is unchanged):\n\(run.output.suffix(3000))")
            }
            // The trained models (tens of MB) are for --from-section, not for the reference set.
            try Notebook.removeSavedModels(in: "\(set.staging)/\(name)")
            ProgressDisplay.shared.finish(name)
            emit(String(format: "[%d/%d] %@ done in %.0f s", i + 1, chosen.count, name, run.seconds))
        }
        try writeGallery(
            all.filter {
                FileManager.default.fileExists(atPath: String(format: "%@/lab%02d/report.md", folder(of: $0, set), $0))
            },
            set)
        try set.commit(chosen.map { String(format: "lab%02d", $0) } + ["README.md", "MANIFEST"])
        emit(
            String(
                format: "Wrote the figure set, %@/README.md and %@/MANIFEST in %.0f s.", out, out,
                Date().timeIntervalSince(start)))
    }

    /// Where lab `lab`'s figures are read from for the gallery: the new ones if this run made them.
    func folder(of lab: Int, _ set: FigureSet) -> String {
        FileManager.default.fileExists(atPath: String(format: "%@/lab%02d", set.staging, lab)) ? set.staging : out
    }

    /// README.md (gallery with captions and headline numbers) and MANIFEST (pixel hashes).
    func writeGallery(_ labs: [Int], _ set: FigureSet) throws {
        var gallery = [
            "# Reference figures", "",
            "Made with the reference solutions and fixed seeds (dataset: \(dataset)).",
            "<!-- instructor-only: begin -->",
            "Regenerate with `LABKIT_SOLUTIONS=1 swift run figures`.",
            "<!-- instructor-only: end -->",
            "Re-running on the same machine gives byte-identical files; `MANIFEST` lists the SHA-256 of each",
            "PNG's decoded pixels, to compare sets made with another zlib.", "",
        ]
        var manifest: [String] = []
        for lab in labs {
            let name = String(format: "lab%02d", lab)
            let source = folder(of: lab, set)
            let report = try String(contentsOfFile: "\(source)/\(name)/report.md", encoding: .utf8)
            let title = report.split(separator: "\n").first.map { String($0.dropFirst(2)) } ?? name
            gallery += [
                "## \(title)", "",
                "[The lab's report](\(name)/report.md) · [the handout](../Labs/Lab\(String(format: "%02d", lab)).md)",
                "",
            ]
            if let data = FileManager.default.contents(atPath: "\(source)/\(name)/metrics.json"),
                let metrics = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                gallery += ["| headline number | value |", "|:---|---:|"]
                gallery += metrics.keys.sorted().map { key in
                    let value = metrics[key]!
                    return "| \(key) | \((value as? Double).map { String(format: "%.4g", $0) } ?? "\(value)") |"
                }
                gallery.append("")
            }
            for line in report.split(separator: "\n") where line.hasPrefix("![") {
                let caption = line.dropFirst(2).prefix { $0 != "]" }
                let file = line.split(separator: "(").last.map { String($0.dropLast()) } ?? ""
                gallery += ["![\(caption)](\(name)/\(file))", "", "*\(caption)*", ""]
                let image = try PNGFile.read(from: "\(source)/\(name)/\(file)")
                manifest.append("\(image.pixelHash)  \(name)/\(file)")
            }
        }
        try (gallery.joined(separator: "\n") + "\n").write(
            toFile: "\(set.staging)/README.md", atomically: true, encoding: .utf8)
        try (manifest.joined(separator: "\n") + "\n").write(
            toFile: "\(set.staging)/MANIFEST", atomically: true, encoding: .utf8)
    }
}

Figures.main()
