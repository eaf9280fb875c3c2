import CKernels

/// Parallel loops on the kit's worker threads (CKernels/threads.c): the caller and one worker
/// per other core, which spin briefly between loops so that the many short loops of a
/// training step start without waiting for a thread to wake.
///
/// Every use in the kit gives each index its own part of the output, so results never depend
/// on how many threads there are or which one ran an index.
enum Parallel {
    /// The number of threads a loop uses (all the cores this process may run on, at most 8).
    static let threads = Int(ck_thread_count())

    /// Runs `body(i)` for every i in 0..<count and returns when all have run. A loop started
    /// inside another (or by another thread while one runs) runs on its caller alone.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { pointer in
                ck_parallel_for(
                    count,
                    { context, index in
                        context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
                    }, UnsafeMutableRawPointer(mutating: pointer))
            }
        }
    }
}
