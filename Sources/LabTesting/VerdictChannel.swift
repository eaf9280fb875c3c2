#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The graded checks' side of the grader's verdict channel.
///
/// The grader starts each check with two pipes: it writes a random nonce into the first
/// (`LABKIT_NONCE_FD`) and closes it, and it reads records from the second
/// (`LABKIT_VERDICT_FD`). The harness reads the nonce before any check body runs and closes
/// that descriptor, so student code never sees it; every record the harness writes carries
/// the nonce, so nothing student code prints or writes, and no exit status, can pass a check.
/// A record is one line, written with one `write(2)` of at most `PIPE_BUF` bytes, so it
/// arrives whole even if student code writes to the same pipe:
///
///     LABKIT-VERDICT <nonce> <BEGIN|FAIL|PASS> <base64 payload>\n
///
/// Outside the grader (`swift test`) the variables are unset and the channel does nothing.
enum VerdictChannel {
    static let marker = "LABKIT-VERDICT"
    /// PIPE_BUF on Linux; a record is never longer, so the kernel writes it atomically.
    static let recordLimit = 4096

    private static let lock = NSLock()
    nonisolated(unsafe) private static var opened = false
    nonisolated(unsafe) private static var nonce: String?
    nonisolated(unsafe) private static var verdictDescriptor: Int32 = -1

    /// Reads the nonce (once, before the first check body) and closes its descriptor.
    static func open() {
        lock.lock()
        defer { lock.unlock() }
        guard !opened else { return }
        opened = true
        let environment = ProcessInfo.processInfo.environment
        guard let nonceFD = environment["LABKIT_NONCE_FD"].flatMap(Int32.init),
              let verdictFD = environment["LABKIT_VERDICT_FD"].flatMap(Int32.init) else { return }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while bytes.count < 1024 {
            let n = read(nonceFD, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        close(nonceFD)
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 32 else { return }
        (nonce, verdictDescriptor) = (text, verdictFD)
    }

    static func send(_ kind: String, _ payload: String) {
        lock.lock()
        defer { lock.unlock() }
        guard let nonce, verdictDescriptor >= 0 else { return }
        let head = "\(marker) \(nonce) \(kind) "
        // base64 grows 4/3: keep the payload short enough for the whole record to fit.
        var data = Data(payload.utf8)
        let room = (recordLimit - head.utf8.count - 2) / 4 * 3
        if data.count > room { data = data.prefix(room - 12) + Data(" [cut]".utf8) }
        let record = Array((head + data.base64EncodedString() + "\n").utf8)
        _ = record.withUnsafeBytes { write(verdictDescriptor, $0.baseAddress, $0.count) }
    }
}
