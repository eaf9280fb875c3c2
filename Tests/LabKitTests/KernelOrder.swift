import LabKit

/// The order in which every matrix-product kernel sums an element of C, written out: k in equal
/// blocks of at most 256 (784 = 4 × 196), each block's terms fused-multiply-added in order onto 0,
/// the blocks' sums added to C in order. A product of the kit's must equal this bit for bit,
/// whatever path, tile or thread computed it.
func productInTheKernelsOrder(_ a: Tensor, _ b: Tensor, transposeA ta: Bool = false, transposeB tb: Bool = false)
    -> [Float]
{
    let (m, k) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let n = tb ? b.shape[0] : b.shape[1]
    let (pa, pb) = (a.scalars, b.scalars)
    let blocks = (k + 255) / 256, step = (k + blocks - 1) / blocks
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var total: Float = 0
            for start in stride(from: 0, to: k, by: step) {
                var acc: Float = 0
                for p in start..<Swift.min(k, start + step) {
                    acc = acc.addingProduct(ta ? pa[p * m + i] : pa[i * k + p], tb ? pb[j * k + p] : pb[p * n + j])
                }
                total = start == 0 ? acc : total + acc
            }
            c[i * n + j] = total
        }
    }
    return c
}
