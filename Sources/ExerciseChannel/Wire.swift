import LabKit

/// A value that crosses the channel between the checks' process and the exercise process.
///
/// The wire format is little-endian binary: integers as 8 bytes, floats in their IEEE bits,
/// arrays as a count then their elements, tensors as a shape then their float32 values.
/// Objects (variables, layers, optimizers) are written with an id, so that the object the
/// checks passed in is the one that comes back (`WireContext`), and their state travels both
/// ways: `writeState` after a call (or a callback) sends what the other side may have changed.
package protocol WireValue {
    func write(to writer: WireWriter, _ context: WireContext)
    static func read(from reader: WireReader, _ context: WireContext) throws -> Self
    /// After a call: the state the callee may have changed (nothing for plain values).
    func writeState(to writer: WireWriter, _ context: WireContext)
    /// Takes that state back into this value's objects.
    func readState(from reader: WireReader, _ context: WireContext) throws
}

extension WireValue {
    package func writeState(to writer: WireWriter, _ context: WireContext) {}
    package func readState(from reader: WireReader, _ context: WireContext) throws {}
}

/// An object whose whole self is its state: after a call it travels again, whole, and reading
/// it back updates the object its id names.
package protocol WireObject: WireValue {}

extension WireObject {
    package func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    package func readState(from reader: WireReader, _ context: WireContext) throws {
        _ = try Self.read(from: reader, context)
    }
}

/// Bytes that do not decode: a malformed or hostile message. The checks treat it as a
/// failure of the exercise process, never as an answer.
package struct WireError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Appends values in the wire format.
package final class WireWriter {
    package private(set) var bytes: [UInt8] = []
    package init() {}

    package func byte(_ value: UInt8) { bytes.append(value) }
    package func word(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    package func int(_ value: Int) { word(UInt64(bitPattern: Int64(value))) }
    package func bool(_ value: Bool) { byte(value ? 1 : 0) }
    package func double(_ value: Double) { word(value.bitPattern) }
    package func float(_ value: Float) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
    package func string(_ value: String) {
        int(value.utf8.count)
        bytes += value.utf8
    }
    package func floats(_ values: [Float]) {
        int(values.count)
        values.withUnsafeBytes { bytes += $0 }  // x86-64 and arm64 are little-endian
    }
}

/// Reads values in the wire format, checking every length against what is left, so no
/// message can make the reader allocate more than it holds or read past its end.
package final class WireReader {
    private let bytes: [UInt8]
    private var offset = 0
    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package var isAtEnd: Bool { offset == bytes.count }

    func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else { throw WireError("a message ended early") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
    package func byte() throws -> UInt8 { try take(1).first! }
    package func word() throws -> UInt64 {
        try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    package func int() throws -> Int { Int(Int64(bitPattern: try word())) }
    package func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw WireError("a Boolean that is neither 0 nor 1")
        }
    }
    package func double() throws -> Double { Double(bitPattern: try word()) }
    package func float() throws -> Float {
        Float(bitPattern: try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }
    /// A count of items of at least `size` bytes each that the rest of the message can hold.
    package func count(itemSize size: Int = 1) throws -> Int {
        let n = try int()
        guard n >= 0, n <= (bytes.count - offset) / Swift.max(size, 1) else {
            throw WireError("a count of \(n) that the message cannot hold")
        }
        return n
    }
    package func string() throws -> String { String(decoding: try take(try count()), as: UTF8.self) }
    package func floats() throws -> [Float] {
        let n = try count(itemSize: 4)
        let raw = try take(4 * n)
        return raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

// MARK: Plain values

extension Int: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.int(self) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Int { try reader.int() }
}

extension UInt64: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.word(self) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> UInt64 { try reader.word() }
}

extension Float: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.float(self) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Float { try reader.float() }
}

extension Double: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.double(self) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Double { try reader.double() }
}

extension Bool: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.bool(self) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Bool { try reader.bool() }
}

extension String: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.string(self) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> String { try reader.string() }
}

/// Nothing: the result of an exercise that returns `Void`.
package struct Nothing: WireValue {
    package init() {}
    package func write(to writer: WireWriter, _ context: WireContext) {}
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Nothing { Nothing() }
}

extension Array: WireValue where Element: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(count)
        for element in self { element.write(to: writer, context) }
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> [Element] {
        try (0..<reader.count()).map { _ in try Element.read(from: reader, context) }
    }
    package func writeState(to writer: WireWriter, _ context: WireContext) {
        for element in self { element.writeState(to: writer, context) }
    }
    package func readState(from reader: WireReader, _ context: WireContext) throws {
        for element in self { try element.readState(from: reader, context) }
    }
}

extension Optional: WireValue where Wrapped: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) {
        writer.bool(self != nil)
        self?.write(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Wrapped? {
        try reader.bool() ? try Wrapped.read(from: reader, context) : nil
    }
}

extension ClosedRange: WireValue where Bound: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) {
        lowerBound.write(to: writer, context)
        upperBound.write(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> ClosedRange<Bound> {
        let lower = try Bound.read(from: reader, context), upper = try Bound.read(from: reader, context)
        guard lower <= upper else { throw WireError("a range whose lower bound is above its upper bound") }
        return lower...upper
    }
}

/// Two results (exercises that return a tuple).
package struct Pair<A: WireValue, B: WireValue>: WireValue {
    package var first: A, second: B
    package init(_ first: A, _ second: B) { (self.first, self.second) = (first, second) }
    package func write(to writer: WireWriter, _ context: WireContext) {
        first.write(to: writer, context)
        second.write(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Pair {
        Pair(try A.read(from: reader, context), try B.read(from: reader, context))
    }
    package func writeState(to writer: WireWriter, _ context: WireContext) {
        first.writeState(to: writer, context)
        second.writeState(to: writer, context)
    }
    package func readState(from reader: WireReader, _ context: WireContext) throws {
        try first.readState(from: reader, context)
        try second.readState(from: reader, context)
    }
}

/// Three results.
package struct Triple<A: WireValue, B: WireValue, C: WireValue>: WireValue {
    package var first: A, second: B, third: C
    package init(_ first: A, _ second: B, _ third: C) { (self.first, self.second, self.third) = (first, second, third) }
    package func write(to writer: WireWriter, _ context: WireContext) {
        first.write(to: writer, context)
        second.write(to: writer, context)
        third.write(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Triple {
        Triple(try A.read(from: reader, context), try B.read(from: reader, context), try C.read(from: reader, context))
    }
}
