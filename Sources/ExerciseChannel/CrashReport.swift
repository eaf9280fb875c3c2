#if canImport(Glibc)
    import Glibc
#endif

/// What a student needs from a crashed exercise process: the runtime's message
/// (`Fatal error: …`), and the frames of the backtrace that lie in their own code.
package enum CrashReport {
    package static func describe(signal: Int32) -> String {
        switch signal {
        case SIGILL, SIGTRAP:
            return "signal \(signal): a failed precondition, an index out of range or a force-unwrapped nil"
        case SIGABRT: return "signal \(signal): the runtime stopped it — often an allocation beyond the memory limit"
        case SIGSEGV, SIGBUS: return "signal \(signal): a bad memory access"
        case SIGKILL: return "signal \(signal): killed, e.g. for using too much memory"
        case SIGSYS: return "signal \(signal): a system call exercise code may not make"
        default: return "signal \(signal)"
        }
    }

    /// The runtime's messages and the student's frames from a crash's output; else its last lines.
    package static func summary(_ output: String) -> String {
        let lines = output.split(separator: "\n").map(String.init)
        let markers = [
            "Fatal error", "Precondition failed", "Assertion failed", "Program crashed",
            "Fatal access conflict",
        ]
        let runtimeLines = lines.filter { line in markers.contains { line.contains($0) } }
        let frames = lines.compactMap(studentFrame).prefix(4)
        // "*** Program crashed: Illegal instruction at 0x… ***" adds nothing to a runtime message.
        let explained = runtimeLines.contains { !$0.contains("Program crashed") }
        let messages = (explained ? runtimeLines.filter { !$0.contains("Program crashed") } : runtimeLines)
            .map(withoutFolders)
        if !messages.isEmpty { return (messages.prefix(4) + frames).joined(separator: "\n") }
        let tail = lines.suffix(12).filter {
            !$0.hasPrefix("Test Suite") && !$0.hasPrefix("Test Case") && !$0.contains("Executed ")
        }
        return tail.isEmpty ? "(no output)" : "Last output:\n" + tail.map(withoutFolders).joined(separator: "\n")
    }

    /// A frame of the runtime's backtrace that lies in the student's code, as
    /// "in your code: Labs/Lab05/Lab05VAE.swift:15 — reparameterize(mu:logVariance:using:)".
    package static func studentFrame(_ line: String) -> String? {
        guard let at = line.range(of: " at ", options: .backwards) else { return nil }
        let path = line[at.upperBound...]
        let folders = [
            "/submission/Lab", "/Labs/Lab",
            // instructor-only: begin
            "/Solutions/Lab",
            // instructor-only: end
        ]
        guard let labs = folders.lazy.compactMap({ path.range(of: $0) }).first else { return nil }
        let start = path[labs.lowerBound...].dropFirst().drop { $0 != "/" }.dropFirst()
        var location = "Labs/" + start
        if location.split(separator: ":").count == 3, let column = location.lastIndex(of: ":") {
            location = String(location[..<column])
        }
        let words = line[..<at.lowerBound].split(separator: " ", omittingEmptySubsequences: true)
        let function =
            words.firstIndex { $0.hasPrefix("0x") }.map { start -> String in
                let rest = words[(start + 1)...].joined(separator: " ")
                let end = rest.range(of: " + ")?.lowerBound ?? rest.range(of: " in ")?.lowerBound ?? rest.endIndex
                return String(rest[..<end])
            } ?? ""
        return "in your code: \(location)" + (function.isEmpty ? "" : " — \(function)")
    }

    /// A line with every absolute folder in front of `Labs/…`, `Lab…/` or a file name cut off,
    /// so no report shows where the grader keeps its files.
    package static func withoutFolders(_ line: String) -> String {
        line.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.hasPrefix("/") || word.hasPrefix("\"/") || word.hasPrefix("(/") else { return String(word) }
            let lead = word.prefix { $0 == "\"" || $0 == "(" }
            let parts = word.dropFirst(lead.count).split(separator: "/")
            if let lab = parts.lastIndex(where: { $0.hasPrefix("Lab") && !$0.contains(".") }) {
                return lead + "Labs/" + parts[lab...].joined(separator: "/")
            }
            return lead + (parts.last.map(String.init) ?? "")
        }.joined(separator: " ")
    }
}
