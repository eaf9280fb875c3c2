import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long work on standard error: a live line (epoch, batch, loss, ETA) on a
/// terminal, and one plain line per epoch in CI logs or when redirected to a file.
public struct ProgressReporter: Sendable {
    public let label: String
    public let isTerminal: Bool
    public let isSilent: Bool

    /// Every reporter stays silent (a lab's `--quiet`).
    nonisolated(unsafe) public static var quiet = false

    public init(label: String, silent: Bool = false) {
        self.label = label
        self.isSilent = silent || Self.quiet
        self.isTerminal = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    /// Called after each minibatch: redraws the live line (on a terminal only, at most ~10 Hz).
    public func batch(epoch: Int, of epochs: Int, batch: Int, of batches: Int, loss: Float, elapsed: Double) {
        guard isTerminal, !isSilent, batch % Swift.max(1, batches / 20) == 0 || batch == batches else { return }
        let done = Double((epoch - 1) * batches + batch), total = Double(epochs * batches)
        let eta = done > 0 ? elapsed / done * (total - done) : 0
        let line = String(format: "\r  %@ epoch %d/%d  batch %d/%d  loss %.5f  ETA %@   ",
                          label, epoch, epochs, batch, batches, loss, Self.duration(eta))
        FileHandle.standardError.write(line.data(using: .utf8)!)
    }

    /// Called after each epoch: a permanent line.
    public func epoch(_ epoch: Int, of epochs: Int, loss: Float, parts: [(String, Float)], elapsed: Double) {
        guard !isSilent else { return }
        let eta = elapsed / Double(epoch) * Double(epochs - epoch)
        let extra = parts.map { String(format: "  %@ %.5f", $0.0, $0.1) }.joined()
        let line = String(format: "  %@ epoch %d/%d  loss %.5f%@  %@ elapsed, ETA %@",
                          label, epoch, epochs, loss, extra, Self.duration(elapsed), Self.duration(eta))
        FileHandle.standardError.write(((isTerminal ? "\r" : "") + line + (isTerminal ? "\u{1B}[K\n" : "\n")).data(using: .utf8)!)
    }

    /// Called after each of `total` pieces of work that are not epochs (e.g. one classifier of
    /// many): a permanent line with what it gave.
    public func item(_ done: Int, of total: Int, _ note: String, elapsed: Double) {
        guard !isSilent else { return }
        let eta = elapsed / Double(done) * Double(total - done)
        let line = String(format: "  %@ %d/%d  %@  %@ elapsed, ETA %@", label, done, total, note, Self.duration(elapsed), Self.duration(eta))
        FileHandle.standardError.write(((isTerminal ? "\r" : "") + line + (isTerminal ? "\u{1B}[K\n" : "\n")).data(using: .utf8)!)
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
