extension Tensor {
    /// Rows `range` of a matrix (a contiguous minibatch).
    public func rows(_ range: Range<Int>) -> Tensor {
        require(
            rank == 2 && range.lowerBound >= 0 && range.upperBound <= shape[0],
            "rows \(range) out of bounds for shape \(shape)")
        let c = shape[1]
        return Tensor(
            shape: [range.count, c],
            scalars: Array(scalars[(range.lowerBound * c)..<(range.upperBound * c)]))
    }

    /// The rows at `indices`, in that order (a shuffled minibatch); indices may repeat.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        require(rank == 2, "gatherRows needs a matrix, got \(shape)")
        let c = shape[1]
        var out = [Float](repeating: 0, count: indices.count * c)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for (k, i) in indices.enumerated() {
                    require(i >= 0 && i < shape[0], "row \(i) out of bounds for shape \(shape)")
                    for j in 0..<c { o[k * c + j] = p[i * c + j] }
                }
            }
        }
        return Tensor(shape: [indices.count, c], scalars: out)
    }

    /// Columns `range` of a matrix.
    public func columns(_ range: Range<Int>) -> Tensor {
        require(
            rank == 2 && range.lowerBound >= 0 && range.upperBound <= shape[1],
            "columns \(range) out of bounds for shape \(shape)")
        let c = shape[1]
        var out = [Float]()
        out.reserveCapacity(shape[0] * range.count)
        for i in 0..<shape[0] { out += scalars[(i * c + range.lowerBound)..<(i * c + range.upperBound)] }
        return Tensor(shape: [shape[0], range.count], scalars: out)
    }

    /// Row `i` of a matrix as a vector.
    public func row(_ i: Int) -> Tensor { rows(i..<(i + 1)).reshaped([shape[1]]) }

    /// Concatenates matrices along axis 0 (stacking rows) or axis 1 (side by side).
    public static func concatenate(_ parts: [Tensor], alongAxis axis: Int) -> Tensor {
        require(!parts.isEmpty && parts.allSatisfy { $0.rank == 2 }, "concatenate needs matrices")
        if axis == 0 {
            let c = parts[0].shape[1]
            require(
                parts.allSatisfy { $0.shape[1] == c }, "concatenate rows: column counts differ \(parts.map(\.shape))")
            return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }, c], scalars: parts.flatMap(\.scalars))
        }
        require(axis == 1, "axis must be 0 or 1, got \(axis)")
        let r = parts[0].shape[0]
        require(parts.allSatisfy { $0.shape[0] == r }, "concatenate columns: row counts differ \(parts.map(\.shape))")
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        var out = [Float]()
        out.reserveCapacity(r * total)
        for i in 0..<r { for p in parts { out += p.scalars[(i * p.shape[1])..<((i + 1) * p.shape[1])] } }
        return Tensor(shape: [r, total], scalars: out)
    }
}
