/// Swift source as the token stream plagiarism detection compares: what survives renaming,
/// reformatting and rewritten comments.
///
/// Comments and whitespace are dropped; every identifier becomes `I` (a renamed variable or
/// function changes nothing), every number `N` and every string literal `S`; keywords,
/// operators and punctuation stay as they are, since they are the program's structure. Each
/// token keeps the line it starts on, so a match can be shown where it is.
package struct SwiftTokens: Sendable {
    /// Each token's kind ("I", "N", "S", "for", "+=", "{", …) as a 32-bit FNV-1a hash of its text:
    /// the same in every document and every run.
    package var kinds: [UInt32] = []
    /// The 1-based line of each token.
    package var lines: [Int32] = []

    package var count: Int { kinds.count }

    package init(_ source: String) {
        let bytes = Array(source.utf8)
        var i = 0, line: Int32 = 1
        func add(_ kind: String, at start: Int32) {
            var h: UInt32 = 0x811c_9dc5
            for byte in kind.utf8 { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
            kinds.append(h)
            lines.append(start)
        }
        func at(_ k: Int) -> UInt8 { k < bytes.count ? bytes[k] : 0 }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\n") {
                line += 1
                i += 1
            } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                i += 1
            } else if c == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "/") {
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            } else if c == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "*") {
                // Block comments nest in Swift.
                var depth = 0
                repeat {
                    if at(i) == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "*") {
                        depth += 1
                        i += 2
                    } else if at(i) == UInt8(ascii: "*") && at(i + 1) == UInt8(ascii: "/") {
                        depth -= 1
                        i += 2
                    } else {
                        if at(i) == UInt8(ascii: "\n") { line += 1 }
                        i += 1
                    }
                } while depth > 0 && i < bytes.count
            } else if c == UInt8(ascii: "\"") || (c == UInt8(ascii: "#") && Self.startsRawString(bytes, i)) {
                let start = line
                i = Self.skipString(bytes, from: i, line: &line)
                add("S", at: start)
            } else if Self.isDigit(c) {
                while i < bytes.count
                    && (Self.isIdentifierByte(bytes[i])
                        || bytes[i] == UInt8(ascii: ".")
                            && Self.isDigit(at(i + 1)))
                {
                    i += 1
                }
                add("N", at: line)
            } else if Self.isIdentifierStart(c) {
                let start = i
                while i < bytes.count && Self.isIdentifierByte(bytes[i]) { i += 1 }
                let word = String(decoding: bytes[start..<i], as: UTF8.self)
                add(Self.keywords.contains(word) ? word : "I", at: line)
            } else if Self.operatorBytes.contains(c) {
                let start = i
                while i < bytes.count && Self.operatorBytes.contains(bytes[i])
                    && !(bytes[i] == UInt8(ascii: "/")
                        && (at(i + 1) == UInt8(ascii: "/") || at(i + 1) == UInt8(ascii: "*")))
                {
                    i += 1
                }
                add(String(decoding: bytes[start..<max(i, start + 1)], as: UTF8.self), at: line)
                i = max(i, start + 1)
            } else {
                add(String(UnicodeScalar(c)), at: line)
                i += 1
            }
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    /// Letters, `_`, `$`, `@`, and every byte of a non-ASCII character (Swift allows ρ̂ or σ in names).
    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || c == UInt8(ascii: "@") || c >= 0x80
    }
    static func isIdentifierByte(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }

    static let operatorBytes = Set("+-*/%=<>!&|^~?.".utf8)

    /// `#"…"#`, `##"…"##`: a raw string starts with hashes and a quote.
    static func startsRawString(_ bytes: [UInt8], _ i: Int) -> Bool {
        var k = i
        while k < bytes.count && bytes[k] == UInt8(ascii: "#") { k += 1 }
        return k < bytes.count && bytes[k] == UInt8(ascii: "\"")
    }

    /// The index after the string literal at `i`: plain, multi-line (`"""`) or raw (`#"…"#`), with
    /// escapes; interpolations are skipped with the literal.
    static func skipString(_ bytes: [UInt8], from i: Int, line: inout Int32) -> Int {
        var k = i, hashes = 0
        while k < bytes.count && bytes[k] == UInt8(ascii: "#") {
            hashes += 1
            k += 1
        }
        let quote = UInt8(ascii: "\"")
        let multiLine = k + 2 < bytes.count && bytes[k + 1] == quote && bytes[k + 2] == quote
        k += multiLine ? 3 : 1
        let close: [UInt8] =
            (multiLine ? [quote, quote, quote] : [quote]) + Array(repeating: UInt8(ascii: "#"), count: hashes)
        while k < bytes.count {
            if bytes[k] == UInt8(ascii: "\n") {
                line += 1
                if !multiLine { return k }  // an unterminated string ends with its line
            }
            if bytes[k] == UInt8(ascii: "\\") && hashes == 0 {
                k += 2
                continue
            }
            if bytes[k] == quote && k + close.count <= bytes.count && Array(bytes[k..<(k + close.count)]) == close {
                return k + close.count
            }
            k += 1
        }
        return k
    }

    /// Swift's keywords and the declaration words that shape code (kept as themselves).
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "protocol", "public", "package", "rethrows", "static",
        "struct", "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any",
        "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "async", "await",
        "mutating", "nonmutating", "override", "final", "lazy", "weak", "some", "any", "consuming", "borrowing",
    ]
}
