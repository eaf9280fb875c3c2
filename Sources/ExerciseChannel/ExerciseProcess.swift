import CSandbox
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a check starts its exercise process. Under `swift test` (no `LABKIT_EXERCISE_LAUNCH`):
/// `exercise-server` beside the test binary (or `LABKIT_EXERCISE_SERVER`), with the test's
/// environment and output. Under the grader: the sandbox's command line, environment, user and
/// limits, as JSON in `LABKIT_EXERCISE_LAUNCH`, and a time limit for each check.
package struct ExerciseLaunch: Codable, Sendable {
    package var arguments: [String]
    package var environment: [String: String]
    package var directory: String?
    package var user: [Int32]?
    package var memoryBytes: UInt64 = 0
    package var fileBytes: UInt64 = 0
    package var processes: UInt64 = 0
    package var checkSeconds: Double?
    /// Whether the exercise process writes to the test's own output (else only to the report).
    package var sharesOutput = false

    package init(arguments: [String], environment: [String: String]) {
        (self.arguments, self.environment) = (arguments, environment)
    }

    static func current() -> ExerciseLaunch {
        let environment = ProcessInfo.processInfo.environment
        if let json = environment["LABKIT_EXERCISE_LAUNCH"],
            let launch = try? JSONDecoder().decode(ExerciseLaunch.self, from: Data(json.utf8))
        {
            return launch
        }
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let beside = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("exercise-server").path
        var launch = ExerciseLaunch(
            arguments: [environment["LABKIT_EXERCISE_SERVER"] ?? beside],
            environment: environment)
        launch.sharesOutput = true
        return launch
    }
}

/// One check's exercise process: the channel is its descriptor 3; its errors (and, under the
/// grader, its output) are kept for a crash report.
final class ExerciseProcess: @unchecked Sendable {
    let launch: ExerciseLaunch
    let pid: pid_t
    let descriptor: Int32
    private let errors: Int32
    private let lock = NSLock()
    private var kept: [UInt8] = []
    private let drained = DispatchSemaphore(value: 0)

    private init(launch: ExerciseLaunch, pid: pid_t, descriptor: Int32, errors: Int32) {
        (self.launch, self.pid, self.descriptor, self.errors) = (launch, pid, descriptor, errors)
        Thread.detachNewThread { [self] in drain() }
    }

    static func start() throws -> ExerciseProcess {
        let launch = ExerciseLaunch.current()
        guard let path = launch.arguments.first, FileManager.default.isExecutableFile(atPath: path) else {
            throw ExerciseError(
                description: "the exercise process \(launch.arguments.first ?? "") is missing: "
                    + "run `swift build` (or `swift test`, which builds it) first")
        }
        var pair: [Int32] = [0, 0], pipe: [Int32] = [0, 0]
        guard cs_socketpair(&pair) == 0, cs_pipe(&pipe) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ExerciseError(description: "could not open a channel to the exercise process: \(reason)")
        }
        // The channel is its descriptor 3; its errors come to us, and its output too unless it shares the test's.
        let map: [Int32] = [launch.sharesOutput ? 1 : pipe[1], 1, pipe[1], 2, pair[1], 3]
        let environment = launch.environment.merging(["LABKIT_EXERCISE_FD": "3"]) { $1 }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv = launch.arguments.map { strdup($0) } + [nil]
        defer { for pointer in envp + argv { free(pointer) } }
        var limits = cs_limits(
            address_space_bytes: launch.memoryBytes, file_size_bytes: launch.fileBytes,
            processes: launch.processes, cpu_seconds: 0)
        let (uid, gid) = launch.user.map { ($0[0], $0[1]) } ?? (-1, -1)
        let pid = cs_spawn(path, argv, envp, launch.directory, map, Int32(map.count / 2), &limits, uid, gid)
        let spawnError = errno
        close(pair[1])
        close(pipe[1])
        guard pid > 0 else {
            close(pair[0])
            close(pipe[0])
            throw ExerciseError(description: "could not start \(path): \(String(cString: strerror(spawnError)))")
        }
        return ExerciseProcess(launch: launch, pid: pid, descriptor: pair[0], errors: pipe[0])
    }

    /// Keeps the last 64 KiB of what the process writes (and echoes it under `swift test`).
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(errors, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if launch.sharesOutput { FileHandle.standardError.write(Data(buffer[0..<n])) }
            lock.lock()
            kept += buffer[0..<n]
            if kept.count > 65536 { kept.removeFirst(kept.count - 65536) }
            lock.unlock()
        }
        close(errors)
        drained.signal()
    }

    /// Waits for the process (it has closed the channel), and says how it ended: whether a
    /// signal ended it (bubblewrap reports signal N as exit 128 + N), then the report.
    func ending() -> (crashed: Bool, report: String) {
        var status: Int32 = 0
        var waited: pid_t = 0
        for _ in 0..<200 {
            waited = waitpid(pid, &status, WNOHANG)
            if waited != 0 { break }
            usleep(10_000)
        }
        if waited == 0 {
            kill()
            waited = waitpid(pid, &status, 0)
        }
        _ = drained.wait(timeout: .now() + 5)
        lock.lock()
        let output = String(decoding: kept, as: UTF8.self)
        lock.unlock()
        let code = (status >> 8) & 0xff
        let signal = status & 0x7f != 0 ? status & 0x7f : (128..<160).contains(code) ? code - 128 : 0
        let how =
            waited <= 0
            ? "it ended"
            : signal != 0
                ? "it crashed (\(CrashReport.describe(signal: signal)))"
                : "it exited with status \(code)"
        let quiet = output.allSatisfy(\.isWhitespace)
        return (signal != 0, quiet ? how + "." : how + "\n" + CrashReport.summary(output))
    }

    /// Kills the process and everything it started (its own session).
    func kill() {
        Glibc.kill(-pid, SIGKILL)
        Glibc.kill(pid, SIGKILL)
    }

    /// Closes the channel (the process exits when it sees that), and reaps it.
    func stop() {
        close(descriptor)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(10_000)
        }
        kill()
        waitpid(pid, &status, 0)
    }
}
