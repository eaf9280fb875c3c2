import Foundation
import LabRegistry

/// The similarity report: `similarity.md` (read in a terminal or an editor) and
/// `similarity.html` (one static page, no script, every name and line of code escaped).
package struct SimilarityReport {
    package let index: SimilarityIndex
    package let students: [String]
    package let registry: LabRegistry
    /// Pairs in the overall ranking, pairs per lab, pairs whose matches are shown in full.
    package var ranked = 50, perLab = 10, shown = 20

    package init(index: SimilarityIndex, students: [String], registry: LabRegistry) {
        (self.index, self.students, self.registry) = (index, students, registry)
    }

    static func percent(_ x: Double) -> String { String(format: "%.0f %%", 100 * x) }

    /// The lab's document of a student.
    func document(_ student: Int, _ lab: Int) -> LabDocument? {
        index.documents.first { $0.student == student && $0.lab == lab }
    }

    func labSummary(_ pair: PairSimilarity) -> String {
        pair.labs.map { "lab \($0.lab): \(Self.percent($0.score))" }.joined(separator: ", ")
    }

    /// Pairs of one lab, by that lab's score.
    func pairs(inLab lab: Int) -> [(PairSimilarity, LabMatch)] {
        index.pairs.compactMap { pair in pair.labs.first { $0.lab == lab }.map { (pair, $0) } }
            .sorted { ($0.1.score, $0.1.shared) > ($1.1.score, $1.1.shared) }
    }

    var method: String {
        "Each lab's code is compared as tokens (identifiers, numbers and strings replaced by placeholders; comments "
            + "and layout ignored), by winnowed fingerprints of \(Fingerprints.k)-token runs (windows of "
            + "\(Fingerprints.window)). The stub's code and fingerprints found in more than \(index.commonLimit) "
            + "submissions of a lab are not counted. A pair's score is the fingerprints they share divided by those "
            + "of the smaller submission: 100 % when one contains the other. A high score is a reason to look, not "
            + "a verdict."
    }

    // MARK: Markdown

    package var markdown: String {
        var out = ["# Similarity of \(students.count) submissions", "", method, ""]
        out += ["## Pairs by overall score", ""]
        if index.pairs.isEmpty {
            out += ["No two submissions share code beyond the stub and what the whole class shares.", ""]
        } else {
            out += ["| rank | student | student | score | shared | by lab |", "|---:|---|---|---:|---:|---|"]
            for (r, pair) in index.pairs.prefix(ranked).enumerated() {
                out.append(
                    "| \(r + 1) | \(Self.cell(students[pair.first])) | \(Self.cell(students[pair.second])) | "
                        + "\(Self.percent(pair.score)) | \(pair.shared) | \(labSummary(pair)) |")
            }
            out.append("")
        }
        for lab in registry.labs {
            let pairs = pairs(inLab: lab.number)
            guard !pairs.isEmpty else { continue }
            out += [
                "## Lab \(lab.number): \(lab.title)", "", "| student | student | score | shared |",
                "|---|---|---:|---:|",
            ]
            for (pair, match) in pairs.prefix(perLab) {
                out.append(
                    "| \(Self.cell(students[pair.first])) | \(Self.cell(students[pair.second])) | "
                        + "\(Self.percent(match.score)) | \(match.shared) |")
            }
            out.append("")
        }
        if !index.pairs.isEmpty { out += ["## Where the matches are", ""] }
        for pair in index.pairs.prefix(shown) {
            out += [
                "### \(Self.inline(students[pair.first])) and \(Self.inline(students[pair.second])): "
                    + Self.percent(pair.score),
                "",
            ]
            for match in pair.labs {
                guard let a = document(pair.first, match.lab), let b = document(pair.second, match.lab) else {
                    continue
                }
                for region in match.regions {
                    out.append(
                        "- lab \(match.lab): \(Self.inline(students[pair.first])) `\(Self.code(a.file))` lines "
                            + "\(region.first.lowerBound)–\(region.first.upperBound) ↔ "
                            + "\(Self.inline(students[pair.second])) "
                            + "`\(Self.code(b.file))` lines \(region.second.lowerBound)–\(region.second.upperBound)")
                    out +=
                        ["", "  ```swift"] + Self.excerpt(a, region.first).map { "  " + $0 } + ["  ```", "  ```swift"]
                        + Self.excerpt(b, region.second).map { "  " + $0 } + ["  ```", ""]
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Numbered lines of a region, at most 40.
    static func excerpt(_ document: LabDocument, _ lines: ClosedRange<Int>) -> [String] {
        let shown = lines.lowerBound...min(lines.upperBound, lines.lowerBound + 39)
        var out = shown.compactMap { n in
            document.lines.indices.contains(n - 1) ? String(format: "%4d  ", n) + document.lines[n - 1] : nil
        }
        if shown.upperBound < lines.upperBound {
            out.append("      … (\(lines.upperBound - shown.upperBound) more lines)")
        }
        return out.map { $0.replacingOccurrences(of: "```", with: "`‵`") }
    }

    /// Text in a table cell: no pipe or line break can end it.
    static func cell(_ text: String) -> String {
        inline(text).replacingOccurrences(of: "|", with: "\\|")
    }
    /// Text outside code: Markdown's characters escaped.
    static func inline(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\`*_[]<>#|!".contains(c) { out.append("\\") }
            out.append(c == "\n" || c == "\r" ? " " : c)
        }
        return out
    }
    static func code(_ text: String) -> String { text.replacingOccurrences(of: "`", with: "'") }

    // MARK: HTML

    package var html: String {
        var out = [
            "<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<title>Similarity of \(students.count) submissions</title>",
            "<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1300px;padding:0 1em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}"
                + "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}"
                + "pre{margin:0;font:12px/1.35 ui-monospace,monospace;white-space:pre;overflow-x:auto}"
                + ".pair td{vertical-align:top;width:50%}.bar{display:inline-block;height:.7em;background:#c0392b}"
                + "h3{margin-top:2em}</style></head><body>",
            "<h1>Similarity of \(students.count) submissions</h1>", "<p>\(Self.escape(method))</p>",
            "<h2>Pairs by overall score</h2>",
        ]
        if index.pairs.isEmpty {
            out.append("<p>No two submissions share code beyond the stub and what the whole class shares.</p>")
        } else {
            out.append(
                "<table><tr><th>rank</th><th>student</th><th>student</th><th>score</th><th>shared</th>"
                    + "<th>by lab</th></tr>"
            )
            for (r, pair) in index.pairs.prefix(ranked).enumerated() {
                let anchor = r < shown ? "<a href=\"#pair\(r + 1)\">\(r + 1)</a>" : "\(r + 1)"
                out.append(
                    "<tr><td class=\"n\">\(anchor)</td><td>\(Self.escape(students[pair.first]))</td>"
                        + "<td>\(Self.escape(students[pair.second]))</td><td class=\"n\">"
                        + "<span class=\"bar\" style=\"width:\(Int(60 * min(1, pair.score)))px\"></span> "
                        + "\(Self.percent(pair.score))</td><td class=\"n\">\(pair.shared)</td>"
                        + "<td>\(Self.escape(labSummary(pair)))</td></tr>")
            }
            out.append("</table>")
        }
        for lab in registry.labs {
            let pairs = pairs(inLab: lab.number)
            guard !pairs.isEmpty else { continue }
            out.append("<h2>Lab \(lab.number): \(Self.escape(lab.title))</h2>")
            out.append("<table><tr><th>student</th><th>student</th><th>score</th><th>shared</th></tr>")
            for (pair, match) in pairs.prefix(perLab) {
                out.append(
                    "<tr><td>\(Self.escape(students[pair.first]))</td><td>\(Self.escape(students[pair.second]))</td>"
                        + "<td class=\"n\">\(Self.percent(match.score))</td><td class=\"n\">\(match.shared)</td></tr>")
            }
            out.append("</table>")
        }
        for (r, pair) in index.pairs.prefix(shown).enumerated() {
            out.append(
                "<h3 id=\"pair\(r + 1)\">\(r + 1). \(Self.escape(students[pair.first])) and "
                    + "\(Self.escape(students[pair.second])): \(Self.percent(pair.score))</h3>")
            for match in pair.labs {
                guard let a = document(pair.first, match.lab), let b = document(pair.second, match.lab) else {
                    continue
                }
                for region in match.regions {
                    out.append(
                        "<p>Lab \(match.lab): \(Self.escape(a.file)) lines "
                            + "\(region.first.lowerBound)–\(region.first.upperBound)"
                            + " ↔ lines \(region.second.lowerBound)–\(region.second.upperBound)</p>")
                    out.append(
                        "<table class=\"pair\"><tr><th>\(Self.escape(students[pair.first]))</th>"
                            + "<th>\(Self.escape(students[pair.second]))</th></tr><tr><td><pre>"
                            + Self.escape(Self.excerpt(a, region.first).joined(separator: "\n"))
                            + "</pre></td><td><pre>"
                            + Self.escape(Self.excerpt(b, region.second).joined(separator: "\n"))
                            + "</pre></td></tr></table>")
                }
            }
        }
        out.append("</body></html>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Text as HTML text or attribute value: nothing in it can open a tag, an entity or a script.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
