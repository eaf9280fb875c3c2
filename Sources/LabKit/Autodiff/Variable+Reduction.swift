extension Variable {
    /// Σ of all elements; the gradient is g for every element.
    public func sum() -> Variable {
        let shape = value.shape
        return Variable(Tensor(value.sum()), inputs: [self]) { g in [Tensor(repeating: g.scalar, shape: shape)] }
    }

    /// The mean of all elements; the gradient is g/n for every element.
    public func mean() -> Variable { sum() / Float(value.count) }

    /// Σ along an axis (0: over rows, one value per column; 1: across each row).
    /// The gradient repeats g along the summed axis.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        let shape = value.shape
        let kept = axis == 0 ? [1, value.columnCount] : [value.rowCount, 1]
        return Variable(value.sum(alongAxis: axis, keepingDimension: keepingDimension), inputs: [self]) { g in
            [(Tensor.zeros(shape) + g.reshaped(kept)).reshaped(shape)]
        }
    }

    /// The mean along an axis.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        sum(alongAxis: axis, keepingDimension: keepingDimension) / Float(axis == 0 ? value.rowCount : value.columnCount)
    }

    /// The maximum along an axis; the gradient flows to the (first) largest element only.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        let winners = value.argmax(alongAxis: axis)
        let (shape, columns) = (value.shape, value.columnCount)
        return Variable(value.max(alongAxis: axis, keepingDimension: keepingDimension), inputs: [self]) { g in
            var grad = Tensor.zeros(shape)
            for (o, w) in winners.enumerated() {
                grad[axis == 1 ? o * columns + w : w * columns + o] = g[o]
            }
            return [grad]
        }
    }
}
