import Foundation
import LabData
import LabPlot
import LabRegistry

/// Who a lab is, for headers and reports.
package struct LabInfo: Sendable {
    package let number: Int
    /// The lab's title, from the lab registry.
    package let title: String
    /// The paper(s) the lab follows.
    package let reference: String
    /// One paragraph on what the lab shows.
    package let summary: String

    /// The smallest training and test sets, and the largest image, the lab works with.
    package let requirements: (train: Int, test: Int, pixels: Int)
    /// How many numbered sections the notebook has (`--from-section` must name one); every
    /// run checks it (`Notebook.finish`).
    package let sections: Int?

    /// A registered lab: its title comes from the lab registry.
    package init(
        number: Int, sections: Int? = nil, reference: String, summary: String,
        requirements: (train: Int, test: Int, pixels: Int) = (10, 10, 64 * 64)
    ) {
        guard let registered = LabRegistry.kit.lab(number) else {
            fatalError("lab \(number) is not in the lab registry (Sources/LabRegistry/labs.json)")
        }
        self.init(
            number: number, title: registered.title, sections: sections, reference: reference, summary: summary,
            requirements: requirements)
    }

    /// Any lab, registered or not (the notebook's own tests run labs the registry does not know).
    package init(
        number: Int, title: String, sections: Int? = nil, reference: String, summary: String,
        requirements: (train: Int, test: Int, pixels: Int) = (10, 10, 64 * 64)
    ) {
        (self.number, self.title, self.reference, self.summary, self.sections) = (
            number, title, reference, summary, sections
        )
        self.requirements = requirements
    }

    /// "lab01".
    package var name: String { String(format: "lab%02d", number) }
}

/// A lab's run as a notebook: numbered sections with explanations, aligned tables of what
/// was computed, and figures — printed as it goes, and written at the end as `report.md`
/// (the rendered notebook, figures inline) and `metrics.json` (the headline numbers).
///
/// ```
/// notebook.section("Centre the data", "PCA works on deviations from the mean image.")
/// notebook.table(["k", "test MSE"], rows)
/// try notebook.figure(figure, name: "reconstructions", caption: "Original and reconstructed test images")
/// ```
package final class Notebook {
    package let info: LabInfo
    /// Where the output ends up; it is written into `folder.staging` and moved here, file by file, by `finish()`.
    package let outputDirectory: String
    let folder: OutputFolder
    private var sectionNumber = 0
    private var sectionTitle = ""
    /// The first NaN or infinity recorded in a table or a metric, reported at the next figure or at the end.
    private var nonFinite: String?
    private var report: [String] = []
    private var metrics: [String: Double] = [:]
    private var metricTexts: [String: String] = [:]
    package private(set) var figures: [(name: String, caption: String)] = []

    /// The flags that decide the numbers (recorded in the report and with every saved model).
    package let flags: String
    /// Sections before this one run quietly and reuse saved models (`--from-section`).
    package let fromSection: Int

    /// Prepares the output folder, failing early (before any training) if it cannot be written.
    package init(info: LabInfo, outputDirectory: String, flags: String = "", fromSection: Int = 1) throws {
        self.info = info
        self.outputDirectory = outputDirectory
        self.flags = flags
        self.fromSection = fromSection
        folder = try OutputFolder(final: outputDirectory)
        do {
            for file in ["report.md", "metrics.json"] { try folder.claim(file) }
        } catch {
            folder.discard()
            throw error
        }
        emit("\(info.name.uppercased()) — \(info.title)")
        emit(String(repeating: "=", count: info.name.count + info.title.count + 3))
        emit(wrap(info.summary))
        emit("Reference: \(info.reference)\n")
        if fromSection > 1 {
            emit(
                wrap(
                    "Re-running from section \(fromSection): sections 1–\(fromSection - 1) run quietly and load the models the last run with the same flags saved in \(outputDirectory)/models/ instead of training them. The report and figures are written whole, as by a full run."
                ))
        }
        report += ["# \(info.name): \(info.title)", "", info.summary, "", "*Reference:* \(info.reference)", ""]
    }

    /// The number of the section being run (0 before the first).
    package var currentSection: Int { sectionNumber }

    /// Whether the current section prints (all sections do, unless `--from-section` skips it).
    private var printing: Bool { sectionNumber >= fromSection }

    /// A line on the terminal, unless the section runs quietly.
    private func show(_ line: String) { if printing { emit(line) } }

    /// Creates the folder if needed and checks that a file can be written in it.
    package static func prepareWritableFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LabError.unwritableOutput(
                path: path, reason: "it cannot be created (\((error as NSError).localizedDescription))")
        }
        let probe = "\(path)/.write-test-\(getpid())"
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw LabError.unwritableOutput(path: path, reason: "files cannot be written there")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// Starts the next numbered section with its explanation.
    package func section(_ title: String, _ explanation: String) {
        sectionNumber += 1
        let heading = "\(sectionNumber). \(title)"
        sectionTitle = heading
        show("\n\(heading)\n\(String(repeating: "-", count: heading.count))")
        show(wrap(explanation))
        report += ["## \(heading)", "", explanation, ""]
    }

    /// A paragraph of results. Text that varies from run to run (timings) can stay out of
    /// the report, so reports from the same seed are byte-identical.
    package func say(_ text: String, inReport: Bool = true) {
        show(wrap(text))
        if inReport { report += [text, ""] }
    }

    /// An aligned table on the terminal and a Markdown table in the report. Tables of values
    /// that vary from run to run (timings) stay out of the report with `inReport: false`.
    package func table(_ headers: [String], _ rows: [[String]], inReport: Bool = true) {
        if nonFinite == nil, let cell = rows.joined().first(where: Self.readsNonFinite) {
            nonFinite = "the table \"\(headers.joined(separator: " | "))\" (a cell reads \(cell))"
            nonFiniteSection = sectionTitle
        }
        let widths = headers.indices.map { c in
            ([headers[c]] + rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                c == 0
                    ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "   ")
        }
        show("  " + line(headers))
        show("  " + widths.map { String(repeating: "─", count: $0) }.joined(separator: "   "))
        for row in rows { show("  " + line(row)) }
        guard inReport else { return }
        // A "|" inside a cell (a norm, |x|) would end the cell, a newline the row: Markdown.cell escapes them.
        func cells(_ row: [String]) -> String { "| " + row.map(Markdown.cell).joined(separator: " | ") + " |" }
        report += [
            cells(headers), "|" + headers.indices.map { $0 == 0 ? ":---" : "---:" }.joined(separator: "|") + "|",
        ]
        report += rows.map(cells)
        report.append("")
    }

    /// Saves a figure as `NAME.png` in the output folder and shows it in the report.
    package func figure(_ figure: Figure, name: String, caption: String) throws {
        try stopIfNonFinite()
        let bad = figure.nonFiniteValues
        if !bad.isEmpty {
            throw LabError.nonFinite(
                where:
                    "the figure \"\(name)\" (\(bad.map { "\($0.panel): \($0.count) values" }.joined(separator: ", ")))",
                section: sectionTitle)
        }
        let file = "\(name).png"
        try folder.claim(file)
        try figure.save(to: "\(folder.staging)/\(file)")
        figures.append((name, caption))
        show("  figure: \(outputDirectory)/\(file) — \(caption)")
        report += ["![\(caption)](\(file))", "", "*Figure: \(caption)*", ""]
    }

    /// The first section of every lab: loads the dataset the flags name and shows what was loaded.
    package func dataSection(_ options: LabOptions, explanation: String) throws -> Dataset {
        section("The data", explanation)
        let needs = info.requirements
        let data = try options.loadDataset(maximumPixels: needs.pixels)
        guard data.train.count >= needs.train, data.test.count >= needs.test else {
            throw DataError.invalidArgument(
                "\(info.name) needs at least \(needs.train) training and \(needs.test) test images; \(data.name) gives \(data.train.count) and \(data.test.count)"
                    + ((options.trainSize ?? Int.max) < needs.train || (options.testSize ?? Int.max) < needs.test
                        ? " with --train-size/--test-size as given." : ". Use a larger dataset."))
        }
        guard data.height >= 4, data.width >= 4 else {
            throw DataError.invalidArgument(
                "\(info.name) needs at least 4 × 4 pixels per image; \(data.name) has \(data.height) × \(data.width).")
        }
        guard data.pixels <= needs.pixels else {
            throw DataError.invalidArgument(
                "\(info.name) handles images of at most \(needs.pixels) pixels; \(data.name) has \(data.height) × \(data.width) = \(data.pixels). Downscale the images first."
            )
        }
        // Images that are all the same (no pixel varies) leave nothing to learn, and every variance
        // the labs divide by is 0: say so here rather than stop later on a NaN.
        let pixels = data.train.images.scalars, d = data.pixels
        guard pixels.indices.contains(where: { pixels[$0] != pixels[$0 % d] }) else {
            throw DataError.invalidArgument(
                "\(info.name) needs training images that differ; in \(data.name) all \(data.train.count) are the same "
                    + "image (no pixel varies), so there is nothing to learn and no variance to divide by.")
        }
        table(
            ["split", "images", "shape", "mean pixel"],
            [
                [
                    "train", "\(data.train.count)", Format.shape(data.train.images.shape),
                    Format.number(data.train.images.mean()),
                ],
                [
                    "test", "\(data.test.count)", Format.shape(data.test.images.shape),
                    Format.number(data.test.images.mean()),
                ],
            ])
        say(
            "Source: \(data.name)"
                + (options.dataset == "sample" && options.dataDirectory == nil
                    ? " (embedded; --dataset fashion-mnist for the full set)." : "."))
        metric("dataset", data.name)
        let epochs = options.epochs.map { "\($0)" } ?? "the lab's default"
        say("Run: `swift run \(info.name) \(flags)` (epochs: \(epochs)), exercises from \(RunMetadata.exercises).")
        metric("flags", flags)
        metric("exercises", RunMetadata.exercises)
        metric("seed", Double(options.seed))
        metric("train_images", Double(data.train.count))
        metric("test_images", Double(data.test.count))
        return data
    }

    /// Records a headline number for metrics.json.
    package func metric(_ key: String, _ value: Double) {
        if !value.isFinite && nonFinite == nil {
            nonFinite = "the result \(key) (\(value))"; nonFiniteSection = sectionTitle
        }
        metrics[key] = value
    }

    /// Whether a table cell shows a NaN or an infinity ("NaN", "nan %", "∞", "-inf").
    static func readsNonFinite(_ cell: String) -> Bool {
        cell.contains("∞")
            || cell.lowercased().split(whereSeparator: { !$0.isLetter }).contains {
                ["nan", "inf", "infinity"].contains($0)
            }
    }

    /// Throws for the first NaN or infinity a table or a metric recorded.
    func stopIfNonFinite() throws {
        if let nonFinite { throw LabError.nonFinite(where: nonFinite, section: nonFiniteSection) }
    }
    private var nonFiniteSection = ""
    /// Records a headline text for metrics.json (e.g. the dataset's name).
    package func metric(_ key: String, _ text: String) { metricTexts[key] = text }

    /// Writes report.md and metrics.json.
    package func finish() throws {
        try stopIfNonFinite()
        report += [
            "---", "", "Generated by `swift run \(info.name)`. Figures and numbers are deterministic for a given seed.",
        ]
        try write(report.joined(separator: "\n") + "\n", to: "report.md")
        var entries = metrics.map { key, value in "  \"\(key)\": \(Self.json(value))" }
        entries += metricTexts.map { key, text in
            "  \"\(key)\": \"\(text.replacingOccurrences(of: "\"", with: "\\\""))\""
        }
        try write("{\n" + entries.sorted().joined(separator: ",\n") + "\n}\n", to: "metrics.json")
        if let sections = info.sections, sections != sectionNumber {
            throw LabError.inconsistentKit(
                "\(info.name) declares \(sections) sections in its LabInfo but ran \(sectionNumber); correct the count")
        }
        try folder.commit()
        emit("\nWrote \(outputDirectory)/report.md, metrics.json and \(figures.count) figures.")
    }

    private func write(_ text: String, to name: String) throws {
        let path = "\(folder.staging)/\(name)"
        let temporary = "\(folder.staging)/.\(name).tmp"
        do {
            try text.write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw LabError.unwritableOutput(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    static func json(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return String(format: "%.6g", value)
    }

    private func wrap(_ text: String, width: Int = 92) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { paragraph -> String in
            var lines: [String] = [], current = ""
            for word in paragraph.split(separator: " ") {
                if current.count + word.count + 1 > width && !current.isEmpty { lines.append(current); current = "" }
                current += (current.isEmpty ? "" : " ") + word
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
