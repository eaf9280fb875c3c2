import Foundation

/// What the graded-check harness reported over the verdict channel for one check: the
/// only evidence the grader accepts. See `LabTesting/VerdictChannel.swift` for the format.
struct Verdict: Sendable {
    var began = false
    var passed = false
    /// Failure messages, whole (hints included), in order.
    var failures: [String] = []
    /// A call found the exercise process gone: "crashed" (a signal) or "exited".
    var exerciseEnded: String?
    /// A call ran past the check's time limit; the exercise process was killed.
    var timedOut = false
}

/// Reads verdict records from the checks' process's private pipe (no student code holds it),
/// for the checks that process runs one after another: BEGIN names a check, and every record
/// up to the next BEGIN is that check's. A PASS counts only with its own check's name.
struct VerdictParser {
    let checks: [String]
    private(set) var verdicts: [String: Verdict] = [:]
    private var current: String?
    private var pending: [UInt8] = []
    private var records = 0

    init(checks: [String]) { self.checks = checks }

    mutating func consume(_ bytes: [UInt8]) {
        pending += bytes
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            handle(line)
        }
        // A genuine record is at most 4 KiB and arrives whole.
        if pending.count > 16 * 1024 { pending.removeFirst(pending.count - 8 * 1024) }
    }

    private mutating func handle(_ line: String) {
        let marker = "LABKIT-VERDICT "
        guard records < 500 * Swift.max(1, checks.count), line.hasPrefix(marker) else { return }
        let fields = line.dropFirst(marker.count).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard fields.count == 2, let data = Data(base64Encoded: String(fields[1])) else { return }
        records += 1
        let payload = String(decoding: data, as: UTF8.self)
        if fields[0] == "BEGIN" {
            current = check(named: payload)
            if let current { verdicts[current, default: Verdict()].began = true }
            return
        }
        guard let current else { return }
        switch fields[0] {
        case "PASS": if check(named: payload) == current { verdicts[current, default: Verdict()].passed = true }
        case "FAIL": verdicts[current, default: Verdict()].failures.append(payload)
        case "ENDED": verdicts[current, default: Verdict()].exerciseEnded = payload
        case "TIMEOUT": verdicts[current, default: Verdict()].timedOut = true
        default: break
        }
    }

    /// XCTest names a check "-[Lab02Checks test_2_1_x]" or "Lab02Checks.test_2_1_x"; the
    /// grader's name is "Lab02Checks.Lab02Checks/test_2_1_x".
    private func check(named name: String) -> String? {
        let words = Set(name.split(whereSeparator: { " .[]-".contains($0) }).map(String.init))
        return checks.first { check in
            guard let method = check.split(separator: "/").last,
                let type = check.split(separator: "/").first?.split(separator: ".").last
            else { return false }
            return words.contains(String(method)) && words.contains(String(type))
        }
    }
}
