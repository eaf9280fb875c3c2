import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a frame on the channel carries.
package enum FrameKind: UInt8 {
    /// checks → exercise: run an exercise (its name, the gradient mode, its arguments).
    case call = 1
    /// checks → exercise: run it again and send back ∂L/∂input for a given ∂L/∂output.
    case backward
    /// exercise → checks: the result, then the state of every argument.
    case result
    /// exercise → checks: the exercise threw (not implemented, or another error).
    case failure
    /// exercise → checks: call one of the closures passed in.
    case callback
    /// checks → exercise: the closure's result and the state of its arguments.
    case callbackResult
    /// checks → exercise: the closure threw.
    case callbackFailure
    /// exercise → checks: the gradients of a backward frame.
    case gradients
}

/// The other end closed the channel: on the checks' side, the exercise process ended.
package struct ChannelClosed: Error {}

/// Nothing arrived before the connection's deadline.
package struct ChannelTimedOut: Error {}

/// One end of the channel: frames of `[UInt32 length][UInt8 kind][payload]` over a stream
/// socket, read whole and bounded, so neither side can make the other allocate without limit.
package final class ChannelConnection {
    package let descriptor: Int32
    /// When waiting for a frame stops with `ChannelTimedOut` (nil: never).
    package var deadline: Date?
    /// No frame is longer (a check's tensors are kilobytes to a few megabytes).
    package static let frameLimit = 256 << 20

    package init(descriptor: Int32) { self.descriptor = descriptor }

    package func send(_ kind: FrameKind, _ payload: [UInt8]) throws {
        let length = UInt32(payload.count + 1)
        var frame = withUnsafeBytes(of: length.littleEndian) { Array($0) }
        frame.append(kind.rawValue)
        frame += payload
        var sent = 0
        while sent < frame.count {
            let n = frame.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + sent, frame.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ChannelClosed() }
            sent += n
        }
    }

    package func receive() throws -> (FrameKind, [UInt8]) {
        let header = try read(exactly: 4)
        let length = header.reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length >= 1, length <= Self.frameLimit else { throw WireError("a frame of \(length) bytes") }
        let body = try read(exactly: length)
        guard let kind = FrameKind(rawValue: body[0]) else { throw WireError("a frame of unknown kind \(body[0])") }
        return (kind, Array(body.dropFirst()))
    }

    private func read(exactly count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            if let deadline {
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&entry, 1, Int32(Swift.max(0, Swift.min(deadline.timeIntervalSinceNow, 3600)) * 1000))
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 { throw ChannelTimedOut() }
            }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + got, count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ChannelClosed() }
            got += n
        }
        return bytes
    }
}
