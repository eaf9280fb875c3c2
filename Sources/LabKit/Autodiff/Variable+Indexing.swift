extension Variable {
    /// Rows `range` of a matrix; the gradient is scattered back into those rows.
    public func rows(_ range: Range<Int>) -> Variable {
        let shape = value.shape
        return Variable(value.rows(range), inputs: [self]) { g in
            var grad = Tensor.zeros(shape)
            let c = shape[1]
            for i in 0..<g.count { grad[range.lowerBound * c + i] = g[i] }
            return [grad]
        }
    }

    /// The rows at `indices`; a row taken twice receives both gradients.
    public func gatherRows(_ indices: [Int]) -> Variable {
        let shape = value.shape
        return Variable(value.gatherRows(indices), inputs: [self]) { g in
            var grad = Tensor.zeros(shape)
            let c = shape[1]
            for (k, i) in indices.enumerated() { for j in 0..<c { grad[i * c + j] += g[k * c + j] } }
            return [grad]
        }
    }

    /// Columns `range` of a matrix (e.g. μ and log σ² from one encoder output).
    public func columns(_ range: Range<Int>) -> Variable {
        let shape = value.shape
        return Variable(value.columns(range), inputs: [self]) { g in
            var grad = Tensor.zeros(shape)
            let (c, w) = (shape[1], range.count)
            for i in 0..<shape[0] { for j in 0..<w { grad[i * c + range.lowerBound + j] = g[i * w + j] } }
            return [grad]
        }
    }

    /// Concatenation along axis 0 (rows) or 1 (columns); each part gets its slice of g.
    public static func concatenate(_ parts: [Variable], alongAxis axis: Int) -> Variable {
        let shapes = parts.map(\.shape)
        return Variable(Tensor.concatenate(parts.map(\.value), alongAxis: axis), inputs: parts) { g in
            var offset = 0
            return shapes.map { s in
                defer { offset += axis == 0 ? s[0] : s[1] }
                return axis == 0 ? g.rows(offset..<(offset + s[0])) : g.columns(offset..<(offset + s[1]))
            }
        }
    }

    /// The same values with another shape of the same size.
    public func reshaped(_ shape: [Int]) -> Variable {
        let old = value.shape
        return Variable(value.reshaped(shape), inputs: [self]) { g in [g.reshaped(old)] }
    }
}
