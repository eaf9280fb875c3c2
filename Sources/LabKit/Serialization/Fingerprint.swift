/// FNV-1a, 64 bits: a fingerprint for "has this changed?" (a dataset, a submission, an
/// exercise file), not for security. Chain calls by passing the previous hash as `seed`.
package func fnv1a<S: Sequence>(_ bytes: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where S.Element == UInt8 {
    var hash = seed
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}
