import LabKit

#if canImport(Glibc)
    import Glibc
#endif

/// One exercise as the exercise process serves it: reads the arguments, calls the student's
/// function, writes the result and then the state of every argument.
package struct ServedExercise {
    package let name: String
    let run: (WireReader, WireContext, WireWriter) throws -> Void
}

/// Serves `body` under `name`: `exercise("Lab01.centred") { (data: Tensor) in … }`.
package func exercise<each A: WireValue, R: WireValue>(
    _ name: String, _ body: @escaping (repeat each A) throws -> R
) -> ServedExercise {
    ServedExercise(name: name) { reader, context, writer in
        let arguments = (repeat try (each A).read(from: reader, context))
        context.sealArguments()
        let result = try body(repeat each arguments)
        context.inResult { result.write(to: writer, context) }
        repeat (each arguments).writeState(to: writer, context)
    }
}

/// The exercise process's loop: it answers frames until the checks close the channel.
/// It decides nothing: it only runs the student's functions on the inputs it is sent.
package final class ExerciseServer {
    private let exercises: [String: ServedExercise]
    private let connection: ChannelConnection

    package init(_ exercises: [ServedExercise], descriptor: Int32) {
        self.exercises = Dictionary(exercises.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        connection = ChannelConnection(descriptor: descriptor)
    }

    package var names: [String] { exercises.keys.sorted() }

    /// Answers frames until the channel closes, then exits.
    package func serve() -> Never {
        while true {
            guard let (kind, payload) = try? connection.receive() else { exit(0) }
            handle(kind, payload)
        }
    }

    private func handle(_ kind: FrameKind, _ payload: [UInt8]) {
        do {
            switch kind {
            case .call: try call(payload)
            case .backward: try backward(payload)
            default: exit(3)
            }
        } catch is ChannelClosed {
            exit(0)
        } catch {
            exit(3)  // a frame that does not decode: the checks' side never sends one
        }
    }

    private func context() -> WireContext {
        let context = WireContext(isExerciseSide: true)
        context.callBack = { [unowned self] id, writeInput, readReply in
            let writer = WireWriter()
            writer.int(id)
            writeInput(writer)
            try connection.send(.callback, writer.bytes)
            while true {
                let (kind, payload) = try connection.receive()
                switch kind {
                case .callbackResult: return try readReply(WireReader(payload))
                case .callbackFailure:
                    let message = (try? WireReader(payload).string()) ?? "the check's closure threw"
                    throw CallbackFailed(description: message)
                default: handle(kind, payload)  // a call made from inside the closure
                }
            }
        }
        return context
    }

    /// Runs one exercise from `reader` (name, gradient mode, arguments) into `writer`.
    private func run(
        _ reader: WireReader, _ context: WireContext, _ writer: WireWriter,
        recordingOverride: Bool? = nil
    ) throws {
        let name = try reader.string(), recording = try reader.bool()
        guard let served = exercises[name] else { throw WireError("no exercise named \(name) in this build") }
        if recordingOverride ?? recording {
            try served.run(reader, context, writer)
        } else {
            try withoutGradients { try served.run(reader, context, writer) }
        }
    }

    private func call(_ payload: [UInt8]) throws {
        let writer = WireWriter()
        do {
            try run(WireReader(payload), context(), writer)
        } catch let error as WireError {
            throw error
        } catch let error as ChannelClosed {
            throw error
        } catch {
            return try connection.send(.failure, Failure(error).bytes)
        }
        try connection.send(.result, writer.bytes)
    }

    /// Runs the call again, takes the `index`-th variable it made, back-propagates the given
    /// gradient from it and sends ∂L/∂argument for every variable among the arguments.
    private func backward(_ payload: [UInt8]) throws {
        let reader = WireReader(payload)
        let index = try reader.int()
        let gradient = try Tensor.read(from: reader, WireContext(isExerciseSide: true))
        let context = context()
        var gradients: [Tensor?] = []
        do {
            try run(reader, context, WireWriter(), recordingOverride: true)
            let arguments = context.argumentVariables
            for v in arguments { v.grad = nil }
            if context.madeVariables.indices.contains(index) {
                try context.madeVariables[index].backward(gradient: gradient)
            }
            gradients = arguments.map(\.grad)
        } catch let error as ChannelClosed {
            throw error
        } catch {
            gradients = context.argumentVariables.map { _ in nil }
        }
        let writer = WireWriter()
        gradients.write(to: writer, context)
        try connection.send(.gradients, writer.bytes)
    }
}

/// A closure of the checks' threw; the exercise sees this error.
package struct CallbackFailed: Error, CustomStringConvertible {
    package let description: String
}

/// How an exercise's error travels: `NotImplemented` keeps its fields, others their description.
struct Failure {
    let bytes: [UInt8]
    init(_ error: Error) {
        let writer = WireWriter()
        if let stub = error as? NotImplemented {
            writer.byte(0)
            for field in [stub.exercise, stub.function, stub.file] { writer.string(field) }
        } else {
            writer.byte(1)
            writer.string(String(String(describing: error).prefix(4000)))
        }
        bytes = writer.bytes
    }

    static func error(from payload: [UInt8]) -> Error {
        let reader = WireReader(payload)
        let unreadable = ExerciseError(description: "an error that could not be read")
        guard let kind = try? reader.byte() else { return unreadable }
        if kind == 0, let exercise = try? reader.string(), let function = try? reader.string(),
            let file = try? reader.string()
        {
            return NotImplemented(exercise: exercise, function: function, file: file)
        }
        return (try? reader.string()).map(ExerciseError.init(description:)) ?? unreadable
    }
}

/// An error the student's code threw, as its description.
package struct ExerciseError: Error, CustomStringConvertible {
    package let description: String
}
