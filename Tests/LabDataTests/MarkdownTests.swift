import XCTest

@testable import LabData

/// Markdown outputs stay well-formed whatever a message holds.
final class MarkdownTests: XCTestCase {
    static let hostile = [
        "‖x‖ written |x| = 3 | y", "```\n# not a heading\n```", "````", "line 1\nline 2\r\nline 3\ttab",
        "back\\slash | and \\| too", "<script>alert(1)</script>", "`unclosed", "", "\\", "|||", "``` ````` ``",
        "> quote\n- list\n## heading",
    ]

    /// The cells of one table row, split at the pipes Markdown sees (those not escaped).
    func split(_ row: String) -> [String] {
        var cells: [String] = [], current = "", escaped = false
        for character in row {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "|" { cells.append(current); current = ""; continue }
            current.append(character)
        }
        cells.append(current)
        return cells
    }

    func testATableCellHoldsAnyText() {
        for text in Self.hostile {
            let row = "| " + Markdown.cell(text) + " | 2 |"
            XCTAssertFalse(row.contains("\n") || row.contains("\r"), "one line: \(text.debugDescription)")
            let cells = split(row)
            XCTAssertEqual(cells.count, 4, "two cells: \(text.debugDescription) → \(row)")
            let expected = text.replacingOccurrences(of: "\r\n", with: " ").map {
                "\n\r\t".contains($0) ? " " : String($0)
            }.joined()
            XCTAssertEqual(
                cells[1].dropFirst().dropLast(), Substring(expected), "the text survives: \(text.debugDescription)")
        }
    }

    /// A minimal CommonMark fence reader: the lines inside each fenced block, and whether a
    /// block was left open.
    static func fencedBlocks(_ markdown: String) -> (blocks: [String], open: Bool) {
        var blocks: [String] = [], current: [String]?, fence = 0
        for line in markdown.components(separatedBy: "\n") {
            let ticks = line.prefix { $0 == "`" }.count
            if current == nil {
                if ticks >= 3 { current = []; fence = ticks }
            } else if ticks >= fence && line.allSatisfy({ $0 == "`" || $0 == " " }) {
                blocks.append(current!.joined(separator: "\n")); current = nil
            } else {
                current!.append(line)
            }
        }
        return (blocks, current != nil)
    }

    func testACodeBlockHoldsAnyTextVerbatim() {
        for text in Self.hostile {
            let document = "before\n\n" + Markdown.codeBlock(text) + "\n\nafter"
            let (blocks, open) = Self.fencedBlocks(document)
            XCTAssertFalse(open, "the block closes: \(text.debugDescription)")
            XCTAssertEqual(
                blocks, [text.hasSuffix("\n") ? String(text.dropLast()) : text], "verbatim: \(text.debugDescription)")
        }
    }
}
