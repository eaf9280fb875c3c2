import ExerciseChannel
import LabKit
import XCTest

/// Asserts the contract of every exercise that takes a generator `inout`:
///
/// 1. the same seed gives the same result — in this exercise process and in a fresh one (no
///    other source of randomness: a `Dictionary`'s or `Set`'s order is seeded anew in every
///    process, so iterating one gives another result next run);
/// 2. another seed gives another result (no private fixed seed);
/// 3. a second call with the same generator gives a new result (fresh noise for every minibatch);
/// 4. the call advances the caller's generator by at least `minimumDraws` numbers — the draws
///    come from it, not from a copy, and the next call starts after them. A result that holds
///    more than 64·m bits of randomness cannot come from m draws of 64 bits, so a check passes
///    that bound (e.g. n/64 for n independent coin flips); a copy of the generator that the
///    exercise draws from while it advances the real one once fails it.
///
/// `variety` is how many other seeds (and further calls) parts 2 and 3 may try before they
/// conclude that the result never changes: 1 where any two draws differ (continuous noise),
/// more where a correct result repeats by chance (a clustering with few good answers); with
/// probability p of a repeat, a correct answer fails with probability p^variety.
///
/// `draw` calls the exercise once with the generator it is given. Returns false when the
/// exercise threw (the failure is already recorded).
@discardableResult
public func expectRandomnessContract(
    _ what: String,
    hint: String = "draw every random number from the generator passed in (inout): no private seed, no copy of it.",
    minimumDraws: Int = 1, variety: Int = 1,
    file: StaticString = #filePath, line: UInt = #line,
    draw: (inout SeededGenerator) throws -> Tensor
) -> Bool {
    let seed: UInt64 = 0x5EED_0001
    var first = SeededGenerator(seed: seed), twin = SeededGenerator(seed: seed)
    guard let a = graded({ try draw(&first) }, file: file, line: line) else { return false }
    let afterFirstCall = first
    guard let again = graded({ try draw(&twin) }, file: file, line: line) else { return false }
    // Part 3: further calls with the same generator, until one differs.
    var later: [Tensor] = []
    for _ in 0..<variety {
        guard let next = graded({ try draw(&first) }, file: file, line: line) else { return false }
        later.append(next)
        if next != a { break }
    }
    // Part 2: other seeds, until one differs.
    var elsewhere: [Tensor] = []
    for i in 0..<variety {
        var other = SeededGenerator(seed: seed + 1 + UInt64(i))
        guard let result = graded({ try draw(&other) }, file: file, line: line) else { return false }
        elsewhere.append(result)
        if result != a { break }
    }
    // Part 1 again, in a new exercise process.
    ExerciseSession.endCheck()
    var fresh = SeededGenerator(seed: seed)
    guard let inNewProcess = graded({ try draw(&fresh) }, file: file, line: line) else { return false }

    expect(
        a == again, "\(what): two generators with the same seed gave different results",
        hint: "use only the generator passed in — no global or time-based randomness.", file: file, line: line)
    expect(
        a == inNewProcess, "\(what): the same seed gave another result when the program ran again (in a new process)",
        hint: "iterating a Dictionary or a Set visits its entries in an order that changes from run to run: "
            + "iterate sorted keys or arrays instead; and use only the generator passed in.", file: file, line: line)
    expect(
        elsewhere.contains { $0 != a },
        "\(what): \(elsewhere.count == 1 ? "two different seeds" : "\(elsewhere.count + 1) different seeds") gave the same result",
        hint: "don't create a generator with a fixed seed inside the function; " + hint, file: file, line: line)
    expect(
        later.contains { $0 != a }, "\(what): \(later.count + 1) calls with the same generator gave the same result",
        hint: "each call must draw new numbers (a new minibatch needs new noise); " + hint, file: file, line: line)
    let advanced = drawsBetween(SeededGenerator(seed: seed), afterFirstCall, atMost: Swift.max(1, minimumDraws))
    if advanced == 0 {
        expect(
            false, "\(what): the caller's generator did not advance",
            hint: "draw from `generator` itself (declared inout), not from a copy such as `var g = generator`.",
            file: file, line: line)
    } else if let advanced, advanced < minimumDraws {
        expect(
            false,
            "\(what): the caller's generator advanced by \(advanced) number\(advanced == 1 ? "" : "s"), "
                + "but a result like this needs at least \(minimumDraws): the next call would reuse the same draws",
            hint: "draw from `generator` itself (declared inout), not from a copy such as `var g = generator`.",
            file: file, line: line)
    }
    return true
}

/// How many `next()` calls take `start` to `end`, if at most `limit` do (nil: more, or never).
func drawsBetween(_ start: SeededGenerator, _ end: SeededGenerator, atMost limit: Int) -> Int? {
    var g = start
    for k in 0...limit {
        if g.stateWords == end.stateWords { return k }
        _ = g.next()
    }
    return nil
}
