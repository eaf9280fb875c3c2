import CSandbox
import Foundation
import LabKit

#if canImport(Glibc)
    import Glibc
#endif

/// The checks' side of the channel: every call into the student's code goes through here,
/// to a separate exercise process, and only values come back. Each check starts its own
/// exercise process at its first call (`ExerciseProcess`: under the grader, in its sandbox)
/// and ends it with the check.
package final class ExerciseSession {
    private let connection: ChannelConnection
    private let process: ExerciseProcess

    private init(connection: ChannelConnection, process: ExerciseProcess) {
        (self.connection, self.process) = (connection, process)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: ExerciseSession?

    static func shared() throws -> ExerciseSession {
        lock.lock()
        defer { lock.unlock() }
        if let current { return current }
        let process = try ExerciseProcess.start()
        let connection = ChannelConnection(descriptor: process.descriptor)
        connection.deadline = process.launch.checkSeconds.map { Date() + $0 }
        let session = ExerciseSession(connection: connection, process: process)
        current = session
        return session
    }

    /// Ends the exercise process of this check (each check starts its own).
    package static func endCheck() {
        lock.lock()
        defer { lock.unlock() }
        current?.process.stop()
        current = nil
    }

    /// Calls the exercise `name` with `arguments`; its result comes back, and so does the state
    /// of every argument object it may have changed (layers, optimizers, generators).
    package static func call<each A: WireValue, R: WireValue>(_ name: String, _ arguments: repeat each A) throws -> R {
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
            let gradients = try? [Tensor?].read(from: reply, WireContext(isExerciseSide: false))
        else {
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
            let (crashed, report) = process.ending()
            throw ExerciseProcessEnded(crashed: crashed, report: report)
        } catch is ChannelTimedOut {
            process.kill()
            throw ExerciseTimedOut(seconds: process.launch.checkSeconds ?? 0)
        }
    }
}

/// The exercise process ended in the middle of a call: it crashed, exited or was killed.
package struct ExerciseProcessEnded: Error, CustomStringConvertible {
    /// Whether a signal ended it (else it exited).
    package let crashed: Bool
    /// How it ended, the runtime's message and the student's frames.
    package let report: String
    package var description: String {
        "Your code ended the exercise process" + (report.isEmpty ? "." : ": " + report)
    }
}

/// The check ran out of time inside the student's code; the exercise process was killed.
package struct ExerciseTimedOut: Error, CustomStringConvertible {
    package let seconds: Double
    package init(seconds: Double) { self.seconds = seconds }
    package var description: String { "The check did not finish within \(Int(seconds)) s (an endless loop?)." }
}
