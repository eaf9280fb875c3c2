/// Winnowing (Schleimer, Wilkerson & Aiken, "Winnowing: local algorithms for document
/// fingerprinting", SIGMOD 2003 — the method of MOSS): hash every run of k consecutive tokens,
/// then keep the smallest hash of every window of w consecutive hashes (the rightmost on a tie).
///
/// Two guarantees follow. Any run of at least w + k − 1 tokens that two documents share gives
/// both at least one common fingerprint; and no run shorter than k matches at all (so `for i in`
/// or `return x` alone never do). Fingerprints are a set: moving a function around moves its
/// fingerprints but keeps them.
package struct Fingerprints: Sendable {
    package static let k = 12
    package static let window = 8

    /// The selected hashes, with the token where each k-gram starts.
    package var hashes: [UInt64] = []
    package var starts: [Int32] = []

    package init(_ tokens: SwiftTokens, k: Int = Fingerprints.k, window w: Int = Fingerprints.window) {
        let n = tokens.count - k + 1
        guard n > 0 else { return }
        var grams = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the k token kinds
            for j in i..<(i + k) {
                h = (h ^ UInt64(tokens.kinds[j])) &* 0x0000_0100_0000_01b3
            }
            grams[i] = h
        }
        var last = -1
        for start in 0...max(0, n - w) {
            var best = start
            for i in start..<min(n, start + w) where grams[i] <= grams[best] { best = i }
            if best != last {
                hashes.append(grams[best])
                starts.append(Int32(best))
                last = best
            }
        }
    }
}
