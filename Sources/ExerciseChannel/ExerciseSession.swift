#if canImport(Glibc)
import Glibc
#endif
import CSandbox
import Foundation
import LabKit

/// The checks' side of the channel: every call into the student's code goes through here,
/// to a separate exercise process, and only values come back.
///
/// Under the grader the process is already running in its sandbox and the channel is the
/// descriptor `LABKIT_EXERCISE_FD`. Under `swift test` the session starts the
/// `exercise-server` built beside the test binary (or `LABKIT_EXERCISE_SERVER`) for each
/// check, and ends it with the check.
public final class ExerciseSession {
    private let connection: ChannelConnection
    private let local: LocalExerciseProcess?

    private init(connection: ChannelConnection, local: LocalExerciseProcess?) {
        (self.connection, self.local) = (connection, local)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: ExerciseSession?

    static func shared() throws -> ExerciseSession {
        lock.lock()
        defer { lock.unlock() }
        if let current { return current }
        let session: ExerciseSession
        if let fd = ProcessInfo.processInfo.environment["LABKIT_EXERCISE_FD"].flatMap(Int32.init) {
            session = ExerciseSession(connection: ChannelConnection(descriptor: fd), local: nil)
        } else {
            let local = try LocalExerciseProcess.start()
            session = ExerciseSession(connection: ChannelConnection(descriptor: local.descriptor), local: local)
        }
        current = session
        return session
    }

    /// Ends the exercise process this check started (under `swift test`); nothing under the grader.
    public static func endCheck() {
        lock.lock()
        defer { lock.unlock() }
        guard let session = current, session.local != nil else { return }
        session.local?.stop()
        current = nil
    }

    /// Calls the exercise `name` with `arguments`; its result comes back, and so does the state
    /// of every argument object it may have changed (layers, optimizers, generators).
    public static func call<each A: WireValue, R: WireValue>(_ name: String, _ arguments: repeat each A) throws -> R {
        try shared().call(name, repeat each arguments)
    }

    func call<each A: WireValue, R: WireValue>(_ name: String, _ arguments: repeat each A) throws -> R {
        let context = WireContext(isExerciseSide: false)
        let writer = WireWriter()
        writer.string(name)
        writer.bool(GradientMode.isRecording)
        repeat (each arguments).write(to: writer, context)
        context.sealArguments()
        let request = writer.bytes, inputs = context.argumentVariables
        let reply = try exchange(.call, request, context)
        context.makeNode = { [self] value, connected, index in
            guard connected else { return Variable(value) }
            return Variable.operation(value: value, inputs: inputs) { [self] gradient in
                pullback(request, index: index, gradient: gradient, inputs: inputs)
            }
        }
        // The context holds the checks' closures and objects only for the call.
        defer { (context.makeNode, context.callbacks) = (nil, [:]) }
        let result = try context.inResult { try R.read(from: reply, context) }
        repeat try (each arguments).readState(from: reply, context)
        return result
    }

    /// ∂L/∂input for every input of a variable the exercise made, from ∂L/∂output: the
    /// exercise process runs the call again and back-propagates there.
    private func pullback(_ request: [UInt8], index: Int, gradient: Tensor, inputs: [Variable]) -> [Tensor?] {
        let writer = WireWriter(), context = WireContext(isExerciseSide: false)
        writer.int(index)
        gradient.write(to: writer, context)
        guard let reply = try? exchange(.backward, writer.bytes + request, context),
              let gradients = try? [Tensor?].read(from: reply, WireContext(isExerciseSide: false)) else {
            return inputs.map { _ in nil }
        }
        return inputs.indices.map { i in
            guard gradients.indices.contains(i), let g = gradients[i], g.shape == inputs[i].value.shape else {
                return nil
            }
            return g
        }
    }

    /// Sends a frame and answers the exercise's callbacks until its reply arrives.
    private func exchange(_ kind: FrameKind, _ payload: [UInt8], _ context: WireContext) throws -> WireReader {
        do {
            try connection.send(kind, payload)
            while true {
                let (kind, payload) = try connection.receive()
                switch kind {
                case .result, .gradients:
                    return WireReader(payload)
                case .failure:
                    throw Failure.error(from: payload)
                case .callback:
                    let reader = WireReader(payload), reply = WireWriter()
                    guard let callback = context.callbacks[try reader.int()] else {
                        throw WireError("a callback to no closure")
                    }
                    do {
                        try callback(reader, reply, context)
                        try connection.send(.callbackResult, reply.bytes)
                    } catch let error as ChannelClosed {
                        throw error
                    } catch {
                        let message = WireWriter()
                        message.string(String(describing: error))
                        try connection.send(.callbackFailure, message.bytes)
                    }
                default:
                    throw WireError("an unexpected frame from the exercise process")
                }
            }
        } catch is ChannelClosed {
            throw ExerciseProcessEnded(report: local?.endReport() ?? "")
        }
    }
}

/// The exercise process ended in the middle of a call: it crashed, exited or was killed.
public struct ExerciseProcessEnded: Error, CustomStringConvertible {
    /// What it printed about it (under `swift test`); the grader adds its own report.
    public let report: String
    public var description: String {
        "Your code ended the exercise process" + (report.isEmpty ? "." : ": " + report)
    }
}

/// The exercise process a check starts under `swift test`: `exercise-server` with the channel
/// as descriptor 3, its standard output shared, its errors kept for a crash report.
final class LocalExerciseProcess: @unchecked Sendable {
    let pid: pid_t
    let descriptor: Int32
    private let errors: Int32
    private let lock = NSLock()
    private var kept: [UInt8] = []
    private let drained = DispatchSemaphore(value: 0)

    private init(pid: pid_t, descriptor: Int32, errors: Int32) {
        (self.pid, self.descriptor, self.errors) = (pid, descriptor, errors)
        Thread.detachNewThread { [self] in drain() }
    }

    static func serverPath() -> String {
        if let path = ProcessInfo.processInfo.environment["LABKIT_EXERCISE_SERVER"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("exercise-server").path
    }

    static func start() throws -> LocalExerciseProcess {
        let path = serverPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ExerciseError(description: "the exercise process \(path) is missing: "
                                    + "run `swift build` (or `swift test`, which builds it) first")
        }
        var pair: [Int32] = [0, 0], pipe: [Int32] = [0, 0]
        guard cs_socketpair(&pair) == 0, cs_pipe(&pipe) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ExerciseError(description: "could not open a channel to the exercise process: \(reason)")
        }
        // Its output stays the test's; its errors come to us; the channel is its descriptor 3.
        let map: [Int32] = [1, 1, pipe[1], 2, pair[1], 3]
        let environment = ProcessInfo.processInfo.environment.merging(["LABKIT_EXERCISE_FD": "3"]) { $1 }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv = [strdup(path), nil]
        defer { (envp + argv).forEach { free($0) } }
        let pid = cs_spawn(path, argv, envp, nil, map, Int32(map.count / 2), nil, -1, -1)
        let spawnError = errno
        close(pair[1])
        close(pipe[1])
        guard pid > 0 else {
            close(pair[0])
            close(pipe[0])
            throw ExerciseError(description: "could not start \(path): \(String(cString: strerror(spawnError)))")
        }
        return LocalExerciseProcess(pid: pid, descriptor: pair[0], errors: pipe[0])
    }

    /// Echoes the process's errors and keeps their last 64 KiB.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(errors, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            FileHandle.standardError.write(Data(buffer[0..<n]))
            lock.lock()
            kept += buffer[0..<n]
            if kept.count > 65536 { kept.removeFirst(kept.count - 65536) }
            lock.unlock()
        }
        close(errors)
        drained.signal()
    }

    /// Waits for the process (it has closed the channel), and says how it ended.
    func endReport() -> String {
        var status: Int32 = 0
        var waited: pid_t = 0
        for _ in 0..<200 {
            waited = waitpid(pid, &status, WNOHANG)
            if waited != 0 { break }
            usleep(10_000)
        }
        if waited == 0 {
            kill(pid, SIGKILL)
            waited = waitpid(pid, &status, 0)
        }
        _ = drained.wait(timeout: .now() + 5)
        lock.lock()
        let output = String(decoding: kept, as: UTF8.self)
        lock.unlock()
        let signal = status & 0x7f
        let how = waited <= 0 ? "it ended"
            : signal != 0 ? "it crashed (\(CrashReport.describe(signal: signal)))"
            : "it exited with status \((status >> 8) & 0xff)"
        return how + "\n" + CrashReport.summary(output)
    }

    /// Closes the channel (the process exits when it sees that) and reaps it.
    func stop() {
        close(descriptor)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }
}
