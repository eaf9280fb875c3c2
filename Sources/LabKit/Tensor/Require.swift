/// Checks a condition the caller must meet and stops with `message` if it fails.
///
/// Unlike `precondition`, whose message is dropped from optimised (`-O`) builds — and the
/// core is always built with `-O` — `fatalError` prints it in every build, so a shape
/// mistake in an exercise reads "matmul: inner sizes differ …", not "precondition failure".
@inline(__always)
func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
