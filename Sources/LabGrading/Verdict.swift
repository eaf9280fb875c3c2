import Foundation

/// What the graded-check harness reported over the verdict channel for one check: the
/// only evidence the grader accepts. See `LabTesting/VerdictChannel.swift` for the format.
struct Verdict: Sendable {
    var began = false
    var passed = false
    /// A call found the exercise process gone (it crashed, exited or was killed).
    var exerciseEnded = false
    /// Failure messages, whole (hints included), in order.
    var failures: [String] = []

}

/// Reads verdict records from the checks' process's private pipe (no student code holds
/// it). A PASS counts only for the expected check name; malformed lines are skipped.
struct VerdictParser {
    let check: String
    private(set) var verdict = Verdict()
    private var pending: [UInt8] = []
    private var records = 0

    init(check: String) { self.check = check }

    mutating func consume(_ bytes: [UInt8]) {
        pending += bytes
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            handle(line)
        }
        // A genuine record is at most 4 KiB and arrives whole: a longer unfinished line is
        // noise, and only its end could still begin a record.
        if pending.count > 16 * 1024 { pending.removeFirst(pending.count - 8 * 1024) }
    }

    private mutating func handle(_ line: String) {
        let marker = "LABKIT-VERDICT "
        guard records < 500, line.hasPrefix(marker), let start = line.range(of: marker) else { return }
        let fields = line[start.upperBound...].split(separator: " ", maxSplits: 1)
        guard fields.count == 2, let data = Data(base64Encoded: String(fields[1])) else { return }
        records += 1
        let payload = String(decoding: data, as: UTF8.self)
        switch fields[0] {
        case "BEGIN": verdict.began = verdict.began || matches(payload)
        case "PASS": verdict.passed = verdict.passed || matches(payload)
        case "FAIL": verdict.failures.append(payload)
        case "ENDED": verdict.exerciseEnded = true
        default: break
        }
    }

    /// XCTest names a check "-[Lab02Checks test_2_1_x]" or "Lab02Checks.test_2_1_x"; the
    /// grader asks for "Lab02Checks.Lab02Checks/test_2_1_x".
    private func matches(_ name: String) -> Bool {
        guard let method = check.split(separator: "/").last, let type = check.split(separator: "/").first?.split(separator: ".").last else { return false }
        let words = name.split(whereSeparator: { " .[]-".contains($0) }).map(String.init)
        return words.contains(String(method)) && words.contains(String(type))
    }
}
