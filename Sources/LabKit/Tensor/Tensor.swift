import Foundation

/// A dense array of `Float` values with a shape — the kit's one data type.
///
/// Tensors are values: assigning one copies it lazily (the scalars are a Swift `Array`,
/// which is copy-on-write), so a function can never change a tensor its caller holds.
/// Most operations work on scalars (rank 0), vectors (rank 1) and matrices (rank 2), stored
/// row-major; a vector of length n behaves as a 1×n row wherever a matrix is expected.
///
/// ```
/// let x = Tensor([[1, 2], [3, 4]])     // shape [2, 2]
/// let y = (x * 2 + 1).sum(alongAxis: 0) // shape [2]: [10, 14]
/// ```
public struct Tensor: Equatable, Sendable {
    /// The size of each axis, outermost first: `[rows, columns]` for a matrix.
    public private(set) var shape: [Int]
    /// The values in row-major order; `scalars.count == shape.reduce(1, *)`.
    /// Mutated only inside the core, so the count always matches the shape.
    public internal(set) var scalars: [Float]

    /// A tensor with the given shape and row-major values.
    public init(shape: [Int], scalars: [Float]) {
        require(shape.allSatisfy { $0 >= 0 }, "negative size in shape \(shape)")
        require(
            shape.reduce(1, *) == scalars.count,
            "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A vector.
    public init(_ vector: [Float]) { self.init(shape: [vector.count], scalars: vector) }

    /// A matrix from its rows, which must all have the same length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == columns }, "rows of different lengths")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A scalar (rank-0 tensor).
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// The number of rows of the tensor seen as a matrix (1 for a scalar or a vector).
    /// `rows(_:)` is a different thing: a slice of rows.
    public var rowCount: Int { rank == 2 ? shape[0] : 1 }
    /// The number of columns of the tensor seen as a matrix (the length of a vector).
    public var columnCount: Int { rank == 0 ? 1 : shape[rank - 1] }

    @available(*, deprecated, renamed: "rowCount", message: "a count is rowCount; rows(_:) is a slice of rows")
    public var rows: Int { rowCount }
    @available(
        *, deprecated, renamed: "columnCount", message: "a count is columnCount; columns(_:) is a slice of columns"
    )
    public var columns: Int { columnCount }

    /// The only value of a one-element tensor.
    public var scalar: Float {
        require(count == 1, "`scalar` of a tensor with shape \(shape)")
        return scalars[0]
    }

    /// The element at (row, column) of a matrix.
    public subscript(row: Int, column: Int) -> Float {
        get { scalars[row * columnCount + column] }
        set { scalars[row * columnCount + column] = newValue }
    }

    /// The element at a flat (row-major) index.
    public subscript(index: Int) -> Float {
        get { scalars[index] }
        set { scalars[index] = newValue }
    }

    /// The same scalars with another shape of the same size.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, scalars: scalars) }

    /// Rows of a matrix as arrays (handy in tests and reports).
    public var arrayRows: [[Float]] {
        (0..<rowCount).map { Array(scalars[($0 * columnCount)..<(($0 + 1) * columnCount)]) }
    }

    /// True when every value is finite (no NaN, no ±∞).
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
