/// The minimum-cost one-to-one assignment of rows to columns (the Hungarian algorithm of
/// Kuhn, 1955, and Munkres, 1957, in the O(n²m) form with row and column potentials).
///
/// ```
/// let match = minimumCostAssignment([[4, 1], [2, 3]])   // [1, 0]: row 0 → column 1, row 1 → column 0
/// ```
/// - Parameter cost: n rows of m costs each, n ≤ m.
/// - Returns: for each row, its column; no two rows share a column, and the total cost is minimal.
public func minimumCostAssignment(_ cost: [[Double]]) -> [Int] {
    let n = cost.count, m = cost.first?.count ?? 0
    require(n <= m && cost.allSatisfy { $0.count == m }, "minimumCostAssignment needs n ≤ m rows of equal length")
    guard n > 0 else { return [] }
    // 1-indexed as in the classic formulation; index 0 is a sentinel.
    var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
    var match = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
    for i in 1...n {
        match[0] = i
        var j0 = 0
        var minimum = [Double](repeating: .infinity, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        repeat {
            used[j0] = true
            let i0 = match[j0]
            var delta = Double.infinity, j1 = 0
            for j in 1...m where !used[j] {
                let reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                if reduced < minimum[j] { minimum[j] = reduced; way[j] = j0 }
                if minimum[j] < delta { delta = minimum[j]; j1 = j }
            }
            for j in 0...m {
                if used[j] { u[match[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
            }
            j0 = j1
        } while match[j0] != 0
        repeat {
            let j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
        } while j0 != 0
    }
    var assignment = [Int](repeating: -1, count: n)
    for j in 1...m where match[j] != 0 { assignment[match[j] - 1] = j - 1 }
    return assignment
}
