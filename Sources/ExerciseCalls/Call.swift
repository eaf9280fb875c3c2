// The exercises as the checks call them: the same functions, with the same signatures as in
// Labs/LabNN/, each of which runs the student's code in the exercise process and returns
// what it computed. The checks import these and never link the student's code.
import ExerciseChannel
import LabKit

/// Calls exercise `name` in the exercise process.
func call<each A: WireValue, R: WireValue>(_ name: String, _ arguments: repeat each A) throws -> R {
    try ExerciseSession.call(name, repeat each arguments)
}

/// Calls an exercise that takes a generator `inout`: the generator's state goes in, and the
/// state it is left in comes back into the caller's.
func call<each A: WireValue, R: WireValue>(
    _ name: String, _ arguments: repeat each A, generator: inout SeededGenerator
) throws -> R {
    let box = WireGenerator(generator)
    defer { generator = box.generator }
    return try ExerciseSession.call(name, repeat each arguments, box)
}
