import Foundation
import XCTest

@testable import LabRegistry
@testable import LabSimilarity

/// The similarity report on a class whose copies are known: independent solutions of Lab 9 (three
/// written for this test in different styles, and the reference solution), a copy with every
/// name changed and the layout redone, a copy with its functions in another order, and a
/// submission that took a single function from another. Every copy pair must rank above every
/// pair of independent work.
final class SimilarityTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: "\(Self.root)/Solutions") else {
            throw XCTSkip("the similarity report is an instructor's tool")
        }
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: "\(root)/Tests/LabSimilarityTests/Class/\(name).swift.txt", encoding: .utf8)
    }

    /// Every identifier of `text` that is a key of `names` replaced by its value (whole words).
    static func renamed(_ text: String, _ names: [String: String]) -> String {
        var out = "", word = ""
        func flush() {
            out += names[word] ?? word
            word = ""
        }
        for c in text {
            if c.isLetter || c.isNumber || c == "_" { word.append(c) } else { flush(); out.append(c) }
        }
        flush()
        return out
    }

    /// The file's top-level functions (each from its doc comment or `public func` to the closing
    /// brace at the start of a line), with the text before the first.
    static func functions(_ text: String) -> (head: String, bodies: [String]) {
        let lines = text.components(separatedBy: "\n")
        var head: [String] = [], bodies: [[String]] = [], current: [String] = []
        var inside = false
        for line in lines {
            if !inside && (line.hasPrefix("public func") || line.hasPrefix("///")) { inside = true }
            if inside { current.append(line) } else if bodies.isEmpty { head.append(line) }
            if inside && line == "}" {
                bodies.append(current)
                current = []
                inside = false
            }
        }
        return (head.joined(separator: "\n"), bodies.map { $0.joined(separator: "\n") })
    }

    static func makeClass() throws -> (students: [String], texts: [String], copies: Set<Set<String>>) {
        let ana = try text("independent-ana"), ben = try text("independent-ben"), chen = try text("independent-chen")
        let reference = try String(contentsOfFile: "\(root)/Solutions/Lab09/Lab09Anomaly.swift", encoding: .utf8)
        // dora: ana's code with every local name changed, comments added and the layout redone.
        let dora = renamed(
            ana,
            [
                "positives": "anomalyCount", "negatives": "normalCount", "thresholds": "levels", "curve": "pts",
                "t": "level", "tp": "hit", "fp": "miss", "s": "value", "a": "flag", "wins": "score", "pairs": "total",
                "i": "u", "j": "v", "b": "other", "k": "rank", "n": "size", "flagged": "marks",
                "predicted": "flaggedCount",
                "actual": "anomalyTotal", "p": "prec", "r": "rec", "result": "out", "best": "worst", "row": "image",
                "y": "top", "x": "left", "dy": "down", "dx": "across", "sum": "acc", "d": "diff",
            ]
        )
        .replacingOccurrences(of: "{\n", with: "{  // step\n").replacingOccurrences(of: ", ", with: ",\n        ")
        // eli: ben's functions in reverse order.
        let benParts = functions(ben)
        let eli = ([benParts.head] + benParts.bodies.reversed()).joined(separator: "\n\n")
        // fay: chen's code, except rocAUC, which is ana's with two names changed.
        let chenParts = functions(chen), anaParts = functions(ana)
        let borrowed = renamed(
            anaParts.bodies.first { $0.contains("func rocAUC") }!, ["wins": "good", "pairs": "count"])
        let fay = ([chenParts.head] + chenParts.bodies.map { $0.contains("func rocAUC") ? borrowed : $0 })
            .joined(separator: "\n\n")
        let students = ["ana", "ben", "chen", "gus", "dora", "eli", "fay"]
        let copies: Set<Set<String>> = [
            ["ana", "dora"], ["ben", "eli"], ["chen", "fay"], ["ana", "fay"], ["dora", "fay"],
        ]
        return (students, [ana, ben, chen, reference, dora, eli, fay], copies)
    }

    static func stub() throws -> String {
        try String(contentsOfFile: "\(root)/Labs/Lab09/Lab09Anomaly.swift", encoding: .utf8)
    }

    func testEveryCopyPairRanksAboveEveryIndependentPair() throws {
        let (students, texts, copies) = try Self.makeClass()
        let documents = texts.enumerated().map {
            LabDocument(student: $0.offset, lab: 9, file: "Lab09/Lab09Anomaly.swift", text: $0.element)
        }
        let index = SimilarityIndex(documents: documents, stubs: [9: try Self.stub()], students: students.count)
        var scores: [Set<String>: Double] = [:]
        for pair in index.pairs { scores[[students[pair.first], students[pair.second]]] = pair.score }
        var all: [(Set<String>, Double)] = []
        for a in 0..<students.count {
            for b in (a + 1)..<students.count {
                let key: Set<String> = [students[a], students[b]]
                all.append((key, scores[key] ?? 0))
            }
        }
        let lowestCopy = all.filter { copies.contains($0.0) }.map(\.1).min()!
        let highestIndependent = all.filter { !copies.contains($0.0) }.max { $0.1 < $1.1 }!
        let table = all.sorted { $0.1 > $1.1 }.map {
            "\($0.0.sorted().joined(separator: "–")) \(String(format: "%.3f", $0.1))"
        }
        XCTAssertGreaterThan(
            lowestCopy, highestIndependent.1,
            "the independent pair \(highestIndependent.0.sorted()) outranks a copy:\n" + table.joined(separator: "\n"))
        // The partial copy is found where it is: fay's borrowed rocAUC against ana's.
        let anaFay = try XCTUnwrap(
            index.pairs.first { Set([students[$0.first], students[$0.second]]) == ["ana", "fay"] })
        let region = try XCTUnwrap(anaFay.labs.first?.regions.first)
        let anaLines = documents[0].lines, fayLines = documents[6].lines
        XCTAssertTrue(anaLines[(region.first.lowerBound - 1)...(region.first.upperBound - 1)].joined().contains("wins"))
        XCTAssertTrue(
            fayLines[(region.second.lowerBound - 1)...(region.second.upperBound - 1)].joined().contains("good"),
            "\(anaFay.labs.first!.regions): "
                + fayLines[(region.second.lowerBound - 1)...(region.second.upperBound - 1)].joined(separator: "\n"))
    }

    /// The whole command's path: student folders on disk (one with its files in a `Labs` folder
    /// three levels down, one with a link and a pipe), the report in both formats, every name escaped.
    func testAClassOnDiskGivesBothReportsWithEveryNameEscaped() throws {
        var (_, texts, _) = try Self.makeClass()
        // A comment inside code that is copied, so that it is shown in an excerpt: it must stay text.
        let hostile = "    // </pre><script>alert(1)</script> & <b>"
        for i in [0, 4] {
            texts[i] = texts[i].replacingOccurrences(of: "    var wins = 0.0", with: hostile + "\n    var wins = 0.0")
        }
        let folder = NSTemporaryDirectory() + "labkit-similarity-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let names = ["ana", "ben", "chen <b>", "gus", "dora & co", "eli", "fay\"'"]
        let fm = FileManager.default
        for (name, text) in zip(names, texts) {
            let labs = "\(folder)/class/\(name)/repo/Labs/Lab09"
            try fm.createDirectory(atPath: labs, withIntermediateDirectories: true)
            try text.write(toFile: "\(labs)/Lab09Anomaly.swift", atomically: true, encoding: .utf8)
        }
        try fm.createSymbolicLink(
            atPath: "\(folder)/class/ana/repo/Labs/Lab09/passwd.swift", withDestinationPath: "/etc/passwd")
        var registry = LabRegistry.kit
        registry.labs = registry.labs.filter { $0.number == 9 }
        let submissions = try ClassSubmissions(folder: "\(folder)/class", registry: registry)
        XCTAssertEqual(submissions.students.count, 7)
        XCTAssertEqual(submissions.documents.count, 7)
        XCTAssertTrue(submissions.notes.contains { $0.contains("passwd.swift") }, "\(submissions.notes)")
        let index = SimilarityIndex(documents: submissions.documents, stubs: [9: try Self.stub()], students: 7)
        let report = SimilarityReport(index: index, students: submissions.students, registry: registry)
        let html = report.html
        XCTAssertTrue(
            html.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"), "the comment is shown")
        XCTAssertFalse(html.contains("<script") || html.contains("<b>"), "a comment in a submission became HTML")
        XCTAssertTrue(
            submissions.students.contains { $0.hasPrefix("chen__b_-") }, "names are made safe as the grader makes them")
        XCTAssertTrue(report.markdown.contains("## Where the matches are"))
        XCTAssertTrue(
            report.markdown.contains("</pre><script>alert(1)</script>"), "in Markdown it is inside a code block")
    }

    /// Code inside strings and comments is not code: renaming never changes tokens; comments
    /// and layout are invisible.
    func testTokensIgnoreNamesCommentsAndLayout() {
        let a = SwiftTokens("let total = x + 1 // add one\nreturn total")
        let b = SwiftTokens("/* a comment */ let   sum =\n  y + 2\n\nreturn sum")
        XCTAssertEqual(a.kinds, b.kinds)
        XCTAssertEqual(b.lines, [1, 1, 1, 2, 2, 2, 4, 4])
        let quote = "\"", three = "\"\"\""
        let source =
            "let s = " + quote + "a // not a comment \\" + quote + " still" + quote + " + #" + quote
            + "raw " + quote + "quote" + quote + "# + " + three + "\nmulti // line\n" + three + " + x"
        let strings = SwiftTokens(source)
        XCTAssertEqual(strings.count, 10, source)  // let I = S + S + S + I
        XCTAssertEqual(SwiftTokens("/* outer /* inner */ still a comment */ x").count, 1)
    }
}
