import LabKit
import XCTest

/// Asserts the contract of every exercise that takes a generator `inout`:
///
/// 1. the same seed gives the same result (no other source of randomness);
/// 2. another seed gives another result (no private fixed seed);
/// 3. a second call with the same generator gives a new result (fresh noise for every minibatch);
/// 4. the call advances the caller's generator (the draws come from it, not from a copy).
///
/// `draw` calls the exercise once with the generator it is given. Returns false when the
/// exercise threw (the failure is already recorded).
@discardableResult
public func expectRandomnessContract(
    _ what: String, hint: String = "draw every random number from the generator passed in (inout): no private seed, no copy of it.",
    file: StaticString = #filePath, line: UInt = #line,
    draw: (inout SeededGenerator) throws -> Tensor
) -> Bool {
    var first = SeededGenerator(seed: 0x5EED_0001), twin = SeededGenerator(seed: 0x5EED_0001)
    var other = SeededGenerator(seed: 0x5EED_0002)
    guard let a = graded({ try draw(&first) }, file: file, line: line) else { return false }
    var afterFirstCall = first
    guard let next = graded({ try draw(&first) }, file: file, line: line),
          let again = graded({ try draw(&twin) }, file: file, line: line),
          let elsewhere = graded({ try draw(&other) }, file: file, line: line) else { return false }
    var untouched = SeededGenerator(seed: 0x5EED_0001)
    expect(a == again, "\(what): two generators with the same seed gave different results",
           hint: "use only the generator passed in — no global or time-based randomness.", file: file, line: line)
    expect(a != elsewhere, "\(what): two different seeds gave the same result",
           hint: "don't create a generator with a fixed seed inside the function; " + hint, file: file, line: line)
    expect(a != next, "\(what): two calls with the same generator gave the same result",
           hint: "each call must draw new numbers (a new minibatch needs new noise); " + hint, file: file, line: line)
    expect(afterFirstCall.next() != untouched.next(), "\(what): the caller's generator did not advance",
           hint: "draw from `generator` itself (declared inout), not from a copy such as `var g = generator`.", file: file, line: line)
    return true
}
