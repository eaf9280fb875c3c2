import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The graded checks' side of the grader's verdict channel.
///
/// The grader starts the checks' process with a pipe on `LABKIT_VERDICT_FD` and reads one
/// record per line from it. Only this process holds the pipe: the student's code runs in
/// another process (`ExerciseSession`), which never gets the descriptor, so nothing it does
/// can write a record. A record is one `write(2)` of at most `PIPE_BUF` bytes:
///
///     LABKIT-VERDICT <BEGIN|FAIL|PASS> <base64 payload>\n
///
/// Outside the grader (`swift test`) the variable is unset and the channel does nothing.
enum VerdictChannel {
    static let marker = "LABKIT-VERDICT"
    /// PIPE_BUF on Linux; a record is never longer, so the kernel writes it atomically.
    static let recordLimit = 4096

    private static let lock = NSLock()
    nonisolated(unsafe) private static var opened = false
    nonisolated(unsafe) private static var verdictDescriptor: Int32 = -1

    static func open() {
        lock.lock()
        defer { lock.unlock() }
        guard !opened else { return }
        opened = true
        verdictDescriptor = ProcessInfo.processInfo.environment["LABKIT_VERDICT_FD"].flatMap(Int32.init) ?? -1
    }

    static func send(_ kind: String, _ payload: String) {
        lock.lock()
        defer { lock.unlock() }
        guard verdictDescriptor >= 0 else { return }
        let head = "\(marker) \(kind) "
        // base64 grows 4/3: keep the payload short enough for the whole record to fit.
        var data = Data(payload.utf8)
        let room = (recordLimit - head.utf8.count - 2) / 4 * 3
        if data.count > room { data = data.prefix(room - 12) + Data(" [cut]".utf8) }
        let record = Array((head + data.base64EncodedString() + "\n").utf8)
        _ = record.withUnsafeBytes { write(verdictDescriptor, $0.baseAddress, $0.count) }
    }
}
