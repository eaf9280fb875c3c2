import Foundation

/// Finds solution code in the files of a student release, however it was reformatted or renamed.
///
/// Every file is read as a stream of Swift-like tokens with comments removed. *Value names*
/// (an identifier that is not a member `.mean`, not called `matmul(` and not an argument
/// label `alongAxis:`) are compared up to consistent renaming: within the stretch compared,
/// the first name becomes #1, the next new one #2, and so on. So `mse(model(x̃), x)` matches
/// `mse(f(a), b)` but not `mse(f(a), a)`. A solution function body leaks when
/// - its whole token stream (if it has at least `minimumBodyTokens`) appears in a release file, or
/// - any `window` consecutive tokens of it do.
///
/// Quotes are ordinary tokens and JSON/Python string escapes are undone first, so code pasted
/// into a string, a script or a Markdown block is found too.
package enum LeakCheck {
    package static let window = 32
    package static let minimumBodyTokens = 12

    package struct Leak: CustomStringConvertible, Sendable {
        package let file: String, function: String, excerpt: String
        package var description: String { "\(file): code of \(function) — \(excerpt)" }
    }

    /// A token: fixed text (operators, keywords, members, calls, labels, numbers) or a value name.
    package enum Token: Hashable, Sendable {
        case fixed(String)
        case name(String)
    }

    /// Tokens of `text`.
    package static func tokens(_ text: String) -> [Token] {
        let unescaped = text.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\"", with: "\"")
            .replacingOccurrences(of: "\\\\", with: "\\")
        let chars = Array(unescaped.unicodeScalars)
        var raw: [String] = []
        var i = 0
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c == "$" || c.properties.isAlphabetic }
        func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || ("0"..."9").contains(c) }
        let operators = Set("+-*/=<>!&|^%~?".unicodeScalars)
        while i < chars.count {
            let c = chars[i]
            if c.properties.isWhitespace { i += 1; continue }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            var j = i + 1
            if isIdentifierStart(c) {
                while j < chars.count && isIdentifierPart(chars[j]) { j += 1 }
            } else if ("0"..."9").contains(c) {
                while j < chars.count
                    && (isIdentifierPart(chars[j])
                        || chars[j] == "." && j + 1 < chars.count && ("0"..."9").contains(chars[j + 1])
                        || (chars[j] == "-" && (chars[j - 1] == "e" || chars[j - 1] == "E")))
                { j += 1 }
            } else if operators.contains(c) {
                while j < chars.count && operators.contains(chars[j]) { j += 1 }
            }
            raw.append(String(String.UnicodeScalarView(chars[i..<j])))
            i = j
        }
        return raw.indices.map { k in
            let t = raw[k]
            guard let first = t.unicodeScalars.first, isIdentifierStart(first), !keywords.contains(t) else {
                return .fixed(t)
            }
            if k > 0 && raw[k - 1] == "." { return .fixed(t) }
            if k + 1 < raw.count && (raw[k + 1] == "(" || raw[k + 1] == ":") { return .fixed(t) }
            return .name(t)
        }
    }

    static let keywords: Set<String> = [
        "let", "var", "return", "for", "in", "where", "if", "else", "guard", "while", "try", "throw",
        "func", "true", "false", "nil", "self", "break", "continue", "switch", "case", "default",
    ]

    /// The token streams of the bodies of the functions in a Swift source.
    package static func functionBodies(_ source: String) -> [(name: String, tokens: [Token])] {
        let t = tokens(source)
        var bodies: [(String, [Token])] = []
        var k = 0
        while k < t.count {
            guard t[k] == .fixed("func"), k + 1 < t.count else { k += 1; continue }
            let name: String
            switch t[k + 1] {
            case .fixed(let s), .name(let s): name = s
            }
            var open = k
            while open < t.count && t[open] != .fixed("{") { open += 1 }
            var depth = 0, close = open
            while close < t.count {
                if t[close] == .fixed("{") { depth += 1 }
                if t[close] == .fixed("}") { depth -= 1; if depth == 0 { break } }
                close += 1
            }
            if open + 1 < close { bodies.append((name, Array(t[(open + 1)..<close]))) }
            k = close + 1
        }
        return bodies
    }

    /// Interned tokens: fixed text as ids ≥ 0, names as ids < 0.
    struct Interner {
        var fixed: [String: Int] = [:], names: [String: Int] = [:]
        mutating func intern(_ tokens: [Token]) -> [Int] {
            tokens.map { token in
                switch token {
                case .fixed(let s):
                    if let id = fixed[s] { return id }
                    fixed[s] = fixed.count; return fixed.count - 1
                case .name(let s):
                    if let id = names[s] { return id }
                    names[s] = -(names.count + 1); return -names.count
                }
            }
        }
    }

    /// Names renumbered −1, −2, … by first occurrence within the stretch.
    static func canonical(_ stretch: ArraySlice<Int>) -> [Int] {
        var renamed: [Int: Int] = [:]
        return stretch.map { id in
            guard id < 0 else { return id }
            if let r = renamed[id] { return r }
            renamed[id] = -(renamed.count + 1)
            return -renamed.count
        }
    }

    static func text(_ tokens: ArraySlice<Token>) -> String {
        tokens.map {
            switch $0 {
            case .fixed(let s): return s;
            case .name: return "_"
            }
        }.joined(separator: " ")
    }

    /// Every leak of a solution body (from `solutions`: file name → source) into `release`
    /// (relative path → text).
    package static func leaks(solutions: [String: String], release: [String: String]) -> [Leak] {
        var interner = Interner()
        var patterns: [Int: [[Int]: (String, String)]] = [:]  // length → canonical stretch → (function, excerpt)
        for (_, source) in solutions.sorted(by: { $0.key < $1.key }) {
            for body in functionBodies(source) {
                let ids = interner.intern(body.tokens)
                if ids.count >= minimumBodyTokens && ids.count <= window {
                    patterns[ids.count, default: [:]][canonical(ids[...])] = (body.name, text(body.tokens[...]))
                } else if ids.count > window {
                    for s in 0...(ids.count - window) {
                        patterns[window, default: [:]][canonical(ids[s..<(s + window)])] = (
                            body.name, text(body.tokens[s..<(s + window)])
                        )
                    }
                }
            }
        }
        var found: [Leak] = []
        for (file, content) in release.sorted(by: { $0.key < $1.key }) {
            let ids = interner.intern(tokens(content))
            var reported = Set<String>()
            for (length, table) in patterns.sorted(by: { $0.key > $1.key }) where ids.count >= length {
                for s in 0...(ids.count - length) {
                    if let (function, excerpt) = table[canonical(ids[s..<(s + length)])], !reported.contains(function) {
                        reported.insert(function)
                        found.append(Leak(file: file, function: function, excerpt: excerpt))
                    }
                }
            }
        }
        return found
    }
}
