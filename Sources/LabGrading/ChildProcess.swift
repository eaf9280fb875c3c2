import CSandbox
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of running one process with a time limit.
package struct ProcessOutcome: Sendable {
    package enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut(seconds: Double)
    }
    package let ending: Ending
    /// What it printed (stdout and stderr together), decoded lossily: the first
    /// `headBytes` and the last `tailBytes`, with a line saying how much was left out.
    package let output: String
    /// Everything it printed, counted, though most of it was never stored.
    package let outputBytes: Int
    package let seconds: Double
}

/// How to start a child: environment, folder, limits and the descriptors it inherits.
package struct SpawnOptions: Sendable {
    package var environment: [String: String]?
    package var directory: String?
    package var timeout: Double
    /// Kept of the output: this much from the start and `tailBytes` from the end.
    package var headBytes = 192 * 1024
    package var tailBytes = 64 * 1024
    package var limits: cs_limits?
    /// Run as this (uid, gid) — only possible when the grader is root.
    package var user: (uid: Int32, gid: Int32)?
    /// Parent descriptors passed to the child: (parent fd, fd number in the child).
    package var inherited: [(parent: Int32, child: Int32)] = []
    /// Read ends the runner drains while the child runs; each chunk goes to `onChannel`.
    package var channels: [Int32] = []
    package var onChannel: (@Sendable (Int32, [UInt8]) -> Void)?
    /// Sees each chunk of the child's output as it arrives (e.g. to show a build's progress).
    package var onOutput: (@Sendable ([UInt8]) -> Void)?
    /// Parent descriptors to close once the child has them (the parent's pipe ends).
    package var closeAfterSpawn: [Int32] = []

    package init(environment: [String: String]? = nil, directory: String? = nil, timeout: Double) {
        (self.environment, self.directory, self.timeout) = (environment, directory, timeout)
    }
}

/// Runs commands as child processes with a time limit. Output arrives through a pipe and
/// is capped while it is read, so a child that prints gigabytes costs time, not memory. A
/// child runs in its own session; at its end the whole session is killed, and orphans it
/// left behind (re-parented to the grader, a child subreaper) are found and killed too.
package enum ChildProcess {
    package static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, timeout: Double
    ) -> ProcessOutcome {
        var options = SpawnOptions(environment: environment, directory: directory, timeout: timeout)
        options.headBytes = 4 * 1024 * 1024
        return run(executable, arguments, options: options)
    }

    package static func run(_ executable: String, _ arguments: [String], options: SpawnOptions) -> ProcessOutcome {
        let start = Date()
        guard let path = resolve(executable) else {
            return ProcessOutcome(ending: .exited(127), output: "cannot find \(executable)", outputBytes: 0, seconds: 0)
        }
        var outputPipe: [Int32] = [0, 0]
        guard cs_pipe(&outputPipe) == 0 else {
            return ProcessOutcome(
                ending: .exited(127), output: "cannot create a pipe: \(String(cString: strerror(errno)))",
                outputBytes: 0, seconds: 0)
        }
        var map: [Int32] = [outputPipe[1], 1, outputPipe[1], 2]
        for (parent, child) in options.inherited { map += [parent, child] }
        let environment = (options.environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var limits = options.limits ?? cs_limits()
        // Spawn and register under the lock the orphan sweep takes: a sweep running for
        // another check must never see this child before it is known to be ours.
        Live.shared.lock.lock()
        let pid: pid_t = withCStrings([path] + arguments) { argv in
            withCStrings(environment) { envp in
                withUnsafePointer(to: &limits) { limitsPointer in
                    cs_spawn(
                        path, argv, envp, options.directory, map, Int32(map.count / 2),
                        options.limits == nil ? nil : limitsPointer, options.user?.uid ?? -1, options.user?.gid ?? -1)
                }
            }
        }
        let spawnError = errno
        if pid > 0 { Live.shared.pids.insert(pid) }
        Live.shared.lock.unlock()
        close(outputPipe[1])
        for fd in options.closeAfterSpawn { close(fd) }
        guard pid > 0 else {
            close(outputPipe[0])
            return ProcessOutcome(
                ending: .exited(127), output: "cannot start \(executable): \(String(cString: strerror(spawnError)))",
                outputBytes: 0, seconds: 0)
        }
        defer { Live.shared.remove(pid) }

        var capture = CappedOutput(head: options.headBytes, tail: options.tailBytes)
        var open = [outputPipe[0]] + options.channels
        var status: Int32 = 0
        var exited = false, timedOut = false
        var exitTime: Date?
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty || !exited {
            if !exited, case let reaped = waitpid(pid, &status, WNOHANG),
                reaped == pid || (reaped < 0 && errno == ECHILD)
            {
                // ECHILD: it is gone and its status with it (it cannot happen while every
                // sweep respects `Live`, but a lost child must never hang the grader).
                if reaped < 0 { status = SIGKILL }
                exited = true
                exitTime = Date()
                // Its session dies with it: a child that outlives the check is killed.
                kill(-pid, SIGKILL)
            }
            if !exited, Date().timeIntervalSince(start) > options.timeout {
                timedOut = true
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
            // After the exit, wait briefly for the pipes to close (a detached process may
            // hold them open); then stop reading.
            if let exitTime, Date().timeIntervalSince(exitTime) > 2 { break }
            if open.isEmpty { usleep(5000); continue }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 50)
            guard ready > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                let n = read(entry.fd, &buffer, buffer.count)
                if n > 0 {
                    if entry.fd == outputPipe[0] {
                        capture.append(buffer[0..<n]); options.onOutput?(Array(buffer[0..<n]))
                    } else {
                        options.onChannel?(entry.fd, Array(buffer[0..<n]))
                    }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        close(outputPipe[0])
        if !exited {
            kill(-pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        sweepOrphans()
        let seconds = Date().timeIntervalSince(start)
        let ending: ProcessOutcome.Ending
        if timedOut {
            ending = .timedOut(seconds: options.timeout)
        } else if status & 0x7f == 0 {
            ending = .exited((status >> 8) & 0xff)
        } else {
            ending = .signalled(status & 0x7f)
        }
        return ProcessOutcome(ending: ending, output: capture.text, outputBytes: capture.total, seconds: seconds)
    }

    /// Makes the grader the subreaper of everything it starts (Linux), once.
    package static func becomeSubreaper() { _ = cs_become_subreaper() }

    /// Kills and reaps every process re-parented to the grader that is not a child it is
    /// waiting for: what a check left behind after its own process ended.
    package static func sweepOrphans() {
        Live.shared.lock.lock()
        defer { Live.shared.lock.unlock() }
        for _ in 0..<5 {
            let me = getpid()
            let strays = processes().filter { $0.parent == me && !Live.shared.pids.contains($0.pid) }.map(\.pid)
            guard !strays.isEmpty else { return }
            for pid in strays {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
    }

    /// (pid, parent pid, session) of every process, from /proc.
    static func processes() -> [(pid: Int32, parent: Int32, session: Int32)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name in
            guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // "pid (comm) state ppid …": comm may hold spaces and parentheses.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, let parent = Int32(fields[1]), let session = Int32(fields[3]) else { return nil }
            return (pid, parent, session)
        }
    }

    static func resolve(_ executable: String) -> String? {
        if executable.contains("/") { return executable }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The pids the runner is waiting for, so that the orphan sweep leaves them alone.
    /// Spawning a child and sweeping orphans both hold `lock`.
    /// Kills every child still running and everything in its session (for a command that is
    /// interrupted), and waits (up to 10 s) until they are gone, so that nothing writes into a
    /// folder removed next. The session, not the process group: build tools such as SwiftPM put
    /// each compiler job in a group of its own.
    package static func killRunningChildren() {
        Live.shared.lock.lock()
        let sessions = Live.shared.pids
        Live.shared.lock.unlock()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            // A killed process stays in the list as a zombie until it is reaped; those are gone already.
            let living = processes().filter { sessions.contains($0.session) && !isZombie($0.pid) }
            guard !living.isEmpty else { return }
            for process in living { kill(process.pid, SIGKILL) }
            usleep(10_000)
        }
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    final class Live: @unchecked Sendable {
        static let shared = Live()
        var pids = Set<Int32>()
        let lock = NSLock()
        func remove(_ pid: Int32) { lock.lock(); pids.remove(pid); lock.unlock() }
    }
}

/// The first `head` and last `tail` bytes of a stream, and its total length.
struct CappedOutput {
    let head: Int, tail: Int
    private(set) var first: [UInt8] = []
    private var last: [UInt8] = []
    private(set) var total = 0

    init(head: Int, tail: Int) { (self.head, self.tail) = (head, tail) }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        total += bytes.count
        var rest = bytes
        if first.count < head {
            let take = min(head - first.count, rest.count)
            first += rest.prefix(take)
            rest = rest.dropFirst(take)
        }
        guard !rest.isEmpty, tail > 0 else { return }
        last += rest.suffix(tail)
        if last.count > 2 * tail { last.removeFirst(last.count - tail) }
    }

    /// Lossy UTF-8: a byte that is not UTF-8 becomes U+FFFD, never an empty string.
    var text: String {
        let kept = last.suffix(tail)
        let omitted = total - first.count - kept.count
        guard omitted > 0 else { return String(decoding: first + kept, as: UTF8.self) }
        return String(decoding: first, as: UTF8.self) + "\n[… \(omitted) bytes of output left out …]\n"
            + String(decoding: kept, as: UTF8.self)
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
