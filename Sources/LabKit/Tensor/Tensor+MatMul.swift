import CKernels
import Foundation

extension Tensor {
    /// Matrix product op(a)·op(b), where op transposes when asked.
    ///
    /// ```
    /// matmul(x, w)                          // [N, D]·[D, H] → [N, H]
    /// matmul(x, w, transposeB: true)        // [N, H]·[D, H]ᵀ → [N, D]
    /// matmul(x, g, transposeA: true)        // [N, D]ᵀ·[N, H] → [D, H]
    /// ```
    /// Runs the packed SIMD kernel of `CKernels` on all cores; every element is summed in
    /// the same order however the work is split, so results never depend on thread timing.
    /// - Complexity: 2·M·N·K floating-point operations.
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
    ) -> Tensor {
        require(a.rank == 2 && b.rank == 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
        let (m, ka) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        require(
            ka == kb,
            "matmul: inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        // Every element is written by the kernel (accumulate: false), so skip zero-filling.
        var c = [Float](unsafeUninitializedCapacity: m * n) { _, count in count = m * n }
        matmulKernel(
            m: m, n: n, k: ka, a.scalars, transposeA: transposeA, lda: a.shape[1],
            b.scalars, transposeB: transposeB, ldb: b.shape[1], into: &c, accumulate: false)
        return Tensor(shape: [m, n], scalars: c)
    }

    /// The number of threads the matrix product uses (all cores, at most 8).
    public static var matmulThreads: Int { Parallel.threads }

    /// The name of the micro-kernel the matrix product runs on this CPU.
    public static var matmulKernelName: String { String(cString: ck_sgemm_kernel_name()) }

    /// The micro-kernel's tile for a product n columns wide, rows × columns: threads split C on these.
    static func matmulTile(columns n: Int) -> (rows: Int, columns: Int) {
        var (mr, nr): (Int32, Int32) = (0, 0)
        ck_sgemm_tile(Int32(n), &mr, &nr)
        return (Int(mr), Int(nr))
    }

    /// c (M×N) = op(a)·op(b) (+ c when accumulating), split over threads by rows or columns;
    /// then, if given, the epilogue c = activation(c + bias) on each thread's block.
    static func matmulKernel(
        m: Int, n: Int, k: Int, _ a: [Float], transposeA: Bool, lda: Int,
        _ b: [Float], transposeB: Bool, ldb: Int, into c: inout [Float], accumulate: Bool,
        bias: [Float]? = nil, activation: ck_activation = CK_ACTIVATION_IDENTITY
    ) {
        let (rsA, csA) = transposeA ? (1, lda) : (lda, 1)
        let (rsB, csB) = transposeB ? (1, ldb) : (ldb, 1)
        // Blocks of whole tiles; the larger side of C is split.
        let splitRows = m >= n
        let tile = splitRows ? matmulTile(columns: n).rows : matmulTile(columns: n).columns
        let extent = splitRows ? m : n
        let work = m * n * k
        let threads = work < 1 << 18 ? 1 : Swift.min(matmulThreads, (extent + tile - 1) / tile)
        let chunk = ((extent + threads - 1) / threads + tile - 1) / tile * tile
        withOptionalPointer(bias) { pBias in
            var epilogue = ck_epilogue(bias: pBias, activation: Int32(activation.rawValue))
            let fused = pBias != nil || activation != CK_ACTIVATION_IDENTITY
            withUnsafePointer(to: &epilogue) { pEpilogue in
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            // Each thread writes its own rows or columns of C.
                            let (A, B, C) = (pa.baseAddress, pb.baseAddress, pc.baseAddress)
                            let E = fused ? pEpilogue : nil
                            Parallel.forEach(threads) { t in
                                let lo = Swift.min(extent, t * chunk), hi = Swift.min(extent, lo + chunk)
                                let (m0, m1, n0, n1) = splitRows ? (lo, hi, 0, n) : (0, m, lo, hi)
                                ck_sgemm_block(
                                    Int32(m), Int32(n), Int32(k), A, rsA, csA, B, rsB, csB, accumulate ? 1 : 0,
                                    C, n, Int32(m0), Int32(m1), Int32(n0), Int32(n1), E)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The transpose of a matrix.
    public var transposed: Tensor {
        require(rank == 2, "transposed needs a matrix, got \(shape)")
        let (r, c) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<r { for j in 0..<c { o[j * r + i] = p[i * c + j] } }
            }
        }
        return Tensor(shape: [c, r], scalars: out)
    }
}

/// Calls `body` with a pointer to the array's elements, or nil for no array.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
