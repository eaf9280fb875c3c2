/// Markdown that stays well-formed whatever text goes into it: a check's failure message, a
/// student's compiler output, a file name. (CommonMark 0.31 and GitHub's tables.)
package enum Markdown {
    /// One table cell: `|` would end the cell and a newline the row, `\` would escape what
    /// follows, a backtick open a code span and `<` an HTML tag; each is escaped (a newline becomes
    /// a space). Digits, letters and the rest stay as they are, so a number reads the same.
    package static func cell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "|", "`", "<": out += "\\\(character)"
            case "\n", "\r", "\r\n", "\t": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A fenced code block holding `text` verbatim: the fence is one backtick longer than the
    /// longest run of backticks in the text (at least three), so no line of it can close the
    /// block early (CommonMark §4.5).
    package static func codeBlock(_ text: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = Swift.max(longest, run)
        }
        let fence = String(repeating: "`", count: Swift.max(3, longest + 1))
        return fence + "\n" + text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + fence
    }

    /// One line of running text (a heading's or a list item's): newlines become spaces and the
    /// characters that would start markup inside a line are escaped.
    package static func inline(_ text: String) -> String { cell(text) }
}
