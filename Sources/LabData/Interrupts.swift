import Foundation

/// What a command undoes when a signal ends it early, so that an interrupted run leaves nothing
/// half-written and no litter: one place for every command (labs, `figures`, `release`).
///
/// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2 and SIGPIPE run every registered clean-up, the
/// newest first, print the newest one's message, and exit with 128 + the signal (the shell's
/// convention). Inside `withSignalsHeld` (a swap that must not stop half-way) a signal waits until
/// the block is done. SIGKILL cannot be caught: what it leaves is marked so the next run removes it.
///
/// A clean-up never runs twice or on two threads at once: the signal's thread runs them holding
/// the lock until the process exits, and `finish` (the normal path's clean-up) runs one under the
/// same lock — so a signal that arrives while a folder is being removed waits for the removal.
package enum Interrupts {
    package struct Registration: Hashable, Sendable { let id: Int }

    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE]
    private static let lock = NSRecursiveLock()
    nonisolated(unsafe) private static var cleanups: [(id: Int, message: String, run: () -> Void)] = []
    nonisolated(unsafe) private static var nextID = 0
    nonisolated(unsafe) private static var heldDepth = 0
    nonisolated(unsafe) private static var pending: Int32?
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Runs `cleanup` if a signal ends the process before `remove` is called with the result.
    /// `message` (one sentence) tells the user what the interruption left as it was.
    @discardableResult
    package static func onInterrupt(_ message: String, cleanup: @escaping () -> Void) -> Registration {
        lock.lock()
        defer { lock.unlock() }
        installHandlers()
        nextID += 1
        cleanups.append((nextID, message, cleanup))
        return Registration(id: nextID)
    }

    /// The work is done: the clean-up is no longer needed.
    package static func remove(_ registration: Registration) {
        lock.lock()
        cleanups.removeAll { $0.id == registration.id }
        lock.unlock()
    }

    /// Runs the clean-up now (the normal path: a scratch folder that goes in any case).
    package static func finish(_ registration: Registration) {
        lock.lock()
        defer { lock.unlock() }
        guard let index = cleanups.firstIndex(where: { $0.id == registration.id }) else { return }
        cleanups.remove(at: index).run()
    }

    /// Runs `body` with signals deferred: one that arrives meanwhile ends the process right after,
    /// with `afterMessage`, and without the clean-ups (what `body` did is complete).
    package static func withSignalsHeld<T>(afterMessage: String, _ body: () throws -> T) rethrows -> T {
        lock.lock(); heldDepth += 1; lock.unlock()
        defer {
            lock.lock(); heldDepth -= 1; let signal = heldDepth == 0 ? pending : nil; lock.unlock()
            if let signal {
                FileHandle.standardError.write(Data("\nInterrupted: \(afterMessage)\n".utf8))
                exit(128 + signal)
            }
        }
        return try body()
    }

    /// Called with `lock` held.
    private static func installHandlers() {
        guard sources.isEmpty else { return }
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handle(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs the clean-ups and exits, holding the lock to the end: a thread that comes to `remove`,
    /// `finish` or `withSignalsHeld` meanwhile waits there until the process is gone.
    private static func handle(_ number: Int32) {
        lock.lock()
        if heldDepth > 0 { pending = number; lock.unlock(); return }
        let work = cleanups
        cleanups = []
        for cleanup in work.reversed() { cleanup.run() }
        let message = work.last?.message ?? "stopped."
        FileHandle.standardError.write(Data("\nInterrupted: \(message)\n".utf8))
        exit(128 + number)
    }
}
