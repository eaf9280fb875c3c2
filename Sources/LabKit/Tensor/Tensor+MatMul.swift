import Foundation

import CKernels
import Dispatch

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
        require(ka == kb, "matmul: inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        // Every element is written by the kernel (accumulate: false), so skip zero-filling.
        var c = [Float](unsafeUninitializedCapacity: m * n) { _, count in count = m * n }
        matmulKernel(m: m, n: n, k: ka, a.scalars, transposeA: transposeA, lda: a.shape[1],
                     b.scalars, transposeB: transposeB, ldb: b.shape[1], into: &c, accumulate: false)
        return Tensor(shape: [m, n], scalars: c)
    }

    /// The number of threads the matrix product uses (all cores, at most 8).
    public static let matmulThreads = Swift.max(1, Swift.min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// The name of the micro-kernel the matrix product runs on this CPU.
    public static var matmulKernelName: String { String(cString: ck_sgemm_kernel_name()) }

    /// c (M×N) = op(a)·op(b) (+ c when accumulating), split over threads by rows or columns.
    static func matmulKernel(
        m: Int, n: Int, k: Int, _ a: [Float], transposeA: Bool, lda: Int,
        _ b: [Float], transposeB: Bool, ldb: Int, into c: inout [Float], accumulate: Bool
    ) {
        let (rsA, csA) = transposeA ? (1, lda) : (lda, 1)
        let (rsB, csB) = transposeB ? (1, ldb) : (ldb, 1)
        // Blocks of 6 rows / 16 columns match the micro-kernel's tile.
        let splitRows = m >= n
        let tile = splitRows ? 6 : 16
        let extent = splitRows ? m : n
        let work = m * n * k
        let threads = work < 1 << 18 ? 1 : Swift.min(matmulThreads, (extent + tile - 1) / tile)
        let chunk = ((extent + threads - 1) / threads + tile - 1) / tile * tile
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    // Each thread writes its own rows or columns of C.
                    nonisolated(unsafe) let (A, B, C) = (pa.baseAddress, pb.baseAddress, pc.baseAddress)
                    let run = { @Sendable (t: Int) in
                        let lo = Swift.min(extent, t * chunk), hi = Swift.min(extent, lo + chunk)
                        let (m0, m1, n0, n1) = splitRows ? (lo, hi, 0, n) : (0, m, lo, hi)
                        ck_sgemm_block(Int32(m), Int32(n), Int32(k), A, rsA, csA, B, rsB, csB,
                                       accumulate ? 1 : 0, C, n, Int32(m0), Int32(m1), Int32(n0), Int32(n1))
                    }
                    if threads == 1 { run(0) } else {
                        DispatchQueue.concurrentPerform(iterations: threads, execute: run)
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
