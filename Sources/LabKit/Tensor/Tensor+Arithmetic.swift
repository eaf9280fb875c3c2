// Elementwise arithmetic with broadcasting of rows and columns.
//
// Two operands broadcast when, seen as matrices, each axis has equal sizes or size 1:
//   [N, D] ∘ [N, D]   elementwise
//   [N, D] ∘ [D] or [1, D]   the row is repeated for every row (a bias)
//   [N, D] ∘ [N, 1]   the column is repeated for every column (a per-example scale)
//   [N, D] ∘ []       a scalar

extension Tensor {
    /// The shape two operands broadcast to.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        if a == b { return a }
        let (ar, ac) = matrixSize(a), (br, bc) = matrixSize(b)
        require(
            (ar == br || ar == 1 || br == 1) && (ac == bc || ac == 1 || bc == 1),
            "shapes \(a) and \(b) do not broadcast")
        let rows = Swift.max(ar, br), columns = Swift.max(ac, bc)
        switch Swift.max(a.count, b.count) {
        case 0: return []
        case 1: return [columns]
        default: return [rows, columns]
        }
    }

    @usableFromInline static func matrixSize(_ shape: [Int]) -> (rows: Int, columns: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (1, shape[0])
        case 2: return (shape[0], shape[1])
        default: fatalError("broadcasting supports rank ≤ 2, got shape \(shape)")
        }
    }

    /// Applies `op` elementwise after broadcasting both operands to a common shape.
    @inlinable
    public static func broadcasting(
        _ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float
    ) -> Tensor {
        if a.shape == b.shape {
            let out = a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    [Float](unsafeUninitializedCapacity: pa.count) { o, count in
                        for i in 0..<pa.count { o[i] = op(pa[i], pb[i]) }
                        count = pa.count
                    }
                }
            }
            return Tensor(shape: a.shape, scalars: out)
        }
        let shape = broadcastShape(a.shape, b.shape)
        let (rows, columns) = matrixSize(shape)
        let (ar, ac) = matrixSize(a.shape), (br, bc) = matrixSize(b.shape)
        // Strides of 0 repeat a row or a column.
        let aRowStride = ar == 1 ? 0 : ac, aColStride = ac == 1 ? 0 : 1
        let bRowStride = br == 1 ? 0 : bc, bColStride = bc == 1 ? 0 : 1
        var out = [Float](repeating: 0, count: rows * columns)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    for i in 0..<rows {
                        let ra = i * aRowStride, rb = i * bRowStride, ro = i * columns
                        for j in 0..<columns {
                            po[ro + j] = op(pa[ra + j * aColStride], pb[rb + j * bColStride])
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Applies `op` to every element.
    @inlinable
    public func map(_ op: (Float) -> Float) -> Tensor {
        // Every element is written, so the output skips zero-filling.
        let out = scalars.withUnsafeBufferPointer { p in
            [Float](unsafeUninitializedCapacity: p.count) { o, count in
                for i in 0..<p.count { o[i] = op(p[i]) }
                count = p.count
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Sums a broadcast result back to `shape` — the backward pass of broadcasting.
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let (tr, tc) = Tensor.matrixSize(target)
        var result = self
        if tr == 1 && rowCount != 1 { result = result.sum(alongAxis: 0, keepingDimension: true) }
        if tc == 1 && columnCount != 1 { result = result.sum(alongAxis: 1, keepingDimension: true) }
        return result.reshaped(target)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, *) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, /) }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func / (s: Float, a: Tensor) -> Tensor { a.map { s / $0 } }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, s: Float) { a = a * s }

    /// a += s · b in place, for same-shaped tensors (gradient accumulation, optimizers).
    public mutating func addScaled(_ b: Tensor, _ s: Float = 1) {
        require(shape == b.shape, "addScaled: shapes \(shape) and \(b.shape) differ")
        b.scalars.withUnsafeBufferPointer { pb in
            scalars.withUnsafeMutableBufferPointer { pa in
                for i in 0..<pa.count { pa[i] += s * pb[i] }
            }
        }
    }
}
