import ExerciseChannel
import LabKit
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The channel between the checks and the exercise process takes only well-formed values:
/// whatever bytes the exercise process sends, the checks' side throws, never crashes or
/// allocates without bound, and objects keep their identity across a round trip.
final class WireTests: XCTestCase {
    func testATensorWhoseShapeDoesNotMatchItsValuesIsRejected() {
        let writer = WireWriter()
        writer.int(2); writer.int(3); writer.int(3)  // shape [3, 3] …
        writer.floats([1, 2, 3])  // … with 3 values
        XCTAssertThrowsError(try Tensor.read(from: WireReader(writer.bytes), WireContext(isExerciseSide: false)))
    }

    func testACountLargerThanTheMessageIsRejectedBeforeAllocating() {
        let writer = WireWriter()
        writer.int(1 << 60)
        XCTAssertThrowsError(try [Float].read(from: WireReader(writer.bytes), WireContext(isExerciseSide: false)))
        let huge: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]
        XCTAssertThrowsError(try String.read(from: WireReader(huge), WireContext(isExerciseSide: false)))
        XCTAssertThrowsError(try Bool.read(from: WireReader([7]), WireContext(isExerciseSide: false)))
    }

    func testAnOversizedOrTruncatedFrameIsRejected() throws {
        var pair: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair), 0)
        defer { close(pair[0]); close(pair[1]) }
        var header: [UInt8] = [0xff, 0xff, 0xff, 0x7f, 1]
        _ = write(pair[1], &header, header.count)
        XCTAssertThrowsError(try ChannelConnection(descriptor: pair[0]).receive())
        var short: [UInt8] = [10, 0, 0, 0, 1, 2]
        _ = write(pair[1], &short, short.count)
        close(pair[1])
        XCTAssertThrowsError(try ChannelConnection(descriptor: pair[0]).receive())
    }

    /// A layer that goes out and comes back is the same object, with the state the other side
    /// gave it; the variables of the arguments are listed in the order they were sent.
    func testObjectsKeepTheirIdentityAndTakeBackTheirState() throws {
        var rng = SeededGenerator(seed: 1)
        let layer = Dense(3, 2, activation: .tanh, using: &rng)
        let checks = WireContext(isExerciseSide: false), exercise = WireContext(isExerciseSide: true)
        let out = WireWriter()
        layer.write(to: out, checks)
        let remote = try Dense.read(from: WireReader(out.bytes), exercise)
        XCTAssertEqual(remote.weight.value, layer.weight.value)
        XCTAssertEqual(exercise.variables.count, 2)
        remote.weight.value = remote.weight.value * 2
        remote.freeze()
        let back = WireWriter()
        remote.writeState(to: back, exercise)
        try layer.readState(from: WireReader(back.bytes), checks)
        XCTAssertEqual(layer.weight.value, remote.weight.value)
        XCTAssertTrue(layer.isFrozen)
    }
}
