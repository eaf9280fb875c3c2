import CKernels

extension Tensor {
    /// Σ of all elements (accumulated in Double so long sums stay accurate).
    public func sum() -> Float {
        var s = 0.0
        scalars.withUnsafeBufferPointer { p in for v in p { s += Double(v) } }
        return Float(s)
    }

    /// The mean of all elements.
    public func mean() -> Float { count == 0 ? .nan : Float(Double(sum()) / Double(count)) }

    /// The largest element.
    public func max() -> Float { scalars.max() ?? -.infinity }
    /// The smallest element.
    public func min() -> Float { scalars.min() ?? .infinity }

    /// Sums a matrix along an axis: axis 0 sums the rows (one value per column), axis 1 sums
    /// across each row (one value per row). The result drops that axis unless
    /// `keepingDimension`, in which case it has size 1 ([1, D] or [N, 1]).
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        require(axis == 0 || axis == 1, "axis must be 0 or 1, got \(axis)")
        if axis == 1 { return rowSums(keepingDimension: keepingDimension) }
        let (r, c) = (rowCount, columnCount)
        let out = [Float](unsafeUninitializedCapacity: c) { o, count in
            scalars.withUnsafeBufferPointer { ck_sum_columns($0.baseAddress, r, c, o.baseAddress) }
            count = c
        }
        return Tensor(shape: keepingDimension ? [1, c] : [c], scalars: out)
    }

    /// Σ across each row, left to right (CKernels' row sums: several rows at once, blocks of rows
    /// on every core for a large matrix; the same bits as one plain loop).
    private func rowSums(keepingDimension: Bool) -> Tensor {
        let (r, c) = (rowCount, columnCount)
        let blocks = r * c < 1 << 20 ? 1 : Parallel.threads
        let rowsPerBlock = (r + blocks - 1) / blocks
        let out = [Float](unsafeUninitializedCapacity: r) { o, count in
            scalars.withUnsafeBufferPointer { p in
                let (x, sums) = (p.baseAddress, o.baseAddress)
                Parallel.forEach(blocks) { block in
                    let r0 = Swift.min(r, block * rowsPerBlock)
                    ck_sum_rows(x, c, r0, Swift.min(r, r0 + rowsPerBlock), sums)
                }
            }
            count = r
        }
        return Tensor(shape: keepingDimension ? [r, 1] : [r], scalars: out)
    }

    /// The mean along an axis (see `sum(alongAxis:)`).
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let n = axis == 0 ? rowCount : columnCount
        return sum(alongAxis: axis, keepingDimension: keepingDimension) / Float(n)
    }

    /// The maximum along an axis (see `sum(alongAxis:)`).
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        reduce(alongAxis: axis, keepingDimension: keepingDimension, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// Index of the largest element in each row (axis 1) or each column (axis 0); the first
    /// one wins ties.
    public func argmax(alongAxis axis: Int = 1) -> [Int] { argBest(alongAxis: axis, by: >) }
    /// Index of the smallest element in each row (axis 1) or each column (axis 0).
    public func argmin(alongAxis axis: Int = 1) -> [Int] { argBest(alongAxis: axis, by: <) }

    private func argBest(alongAxis axis: Int, by better: (Float, Float) -> Bool) -> [Int] {
        require(axis == 0 || axis == 1, "axis must be 0 or 1, got \(axis)")
        let (r, c) = (rowCount, columnCount)
        let outer = axis == 1 ? r : c, inner = axis == 1 ? c : r
        return (0..<outer).map { o in
            var best = 0
            var bestValue = scalars[axis == 1 ? o * c : o]
            for i in 1..<Swift.max(inner, 1) {
                let v = scalars[axis == 1 ? o * c + i : i * c + o]
                if better(v, bestValue) { best = i; bestValue = v }
            }
            return best
        }
    }

    private func reduce(
        alongAxis axis: Int, keepingDimension: Bool, initial: Float, _ op: (Float, Float) -> Float
    ) -> Tensor {
        require(axis == 0 || axis == 1, "axis must be 0 or 1, got \(axis)")
        let (r, c) = (rowCount, columnCount)
        var out = [Float](repeating: initial, count: axis == 0 ? c : r)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                if axis == 0 {
                    for i in 0..<r { for j in 0..<c { o[j] = op(o[j], p[i * c + j]) } }
                } else {
                    for i in 0..<r {
                        var acc = initial
                        for j in 0..<c { acc = op(acc, p[i * c + j]) }
                        o[i] = acc
                    }
                }
            }
        }
        let shape = axis == 0 ? (keepingDimension ? [1, c] : [c]) : (keepingDimension ? [r, 1] : [r])
        return Tensor(shape: shape, scalars: out)
    }
}
