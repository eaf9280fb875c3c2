import Foundation

/// Tick positions at "nice" values (1, 2, 2.5 or 5 × 10ᵏ) and their labels.
package enum Ticks {
    /// About `target` ticks covering [low, high].
    /// With `integers`, steps are whole numbers (epochs, k, iterations).
    package static func linear(_ low: Double, _ high: Double, target: Int = 6, integers: Bool = false) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else { return [low] }
        var step = niceStep((high - low) / Double(target))
        if integers { step = step < 1 ? 1 : (step == 2.5 ? 2 : step.rounded()) }
        let (k0, k1) = (Int((low / step - 1e-9).rounded(.up)), Int((high / step + 1e-9).rounded(.down)))
        guard k0 <= k1 else { return [low] }
        // k · step formed as (k · mantissa) / 10^−e, so 3 × 0.2 prints as 0.6, not 0.6000000000000001.
        let exponent = log10(step).rounded(.down), mantissa = step / pow(10, exponent)
        return (k0...k1).map { k in
            exponent < 0 ? Double(k) * mantissa / pow(10, -exponent) : Double(k) * mantissa * pow(10, exponent)
        }
    }

    /// Ticks for a log₁₀ axis over [low, high] (both > 0): powers of ten, plus 2× and 5× when
    /// the range spans less than two decades.
    package static func logarithmic(_ low: Double, _ high: Double) -> [Double] {
        guard low > 0, high > low else { return [low] }
        let (e0, e1) = (Int(log10(low).rounded(.down)), Int(log10(high).rounded(.up)))
        let decades = log10(high / low)
        let multiples: [Double] = decades <= 1 ? [1, 1.5, 2, 3, 4, 5, 6, 8] : (decades <= 2.5 ? [1, 2, 5] : [1])
        var ticks: [Double] = []
        for e in e0...e1 {
            for m in multiples {
                let v = m * pow(10, Double(e))
                if v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9) { ticks.append(v) }
            }
        }
        return ticks.count >= 2 ? ticks : linear(low, high, target: 4)
    }

    /// The step nearest `raw` among 1, 2, 2.5, 5 × 10ᵏ.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double =
            fraction < 1.5 ? 1 : (fraction < 2.25 ? 2 : (fraction < 3.5 ? 2.5 : (fraction < 7.5 ? 5 : 10)))
        return nice * magnitude
    }

    /// Labels for ticks, with just enough decimals to tell neighbours apart.
    package static func labels(_ ticks: [Double]) -> [String] {
        let largest = ticks.map(abs).max() ?? 0
        if largest != 0 && (largest < 1e-3 || largest >= 1e5) { return ticks.map(scientific) }
        let step = ticks.count > 1 ? zip(ticks, ticks.dropFirst()).map { abs($1 - $0) }.min()! : 1
        let decimals =
            step <= 0 ? 2 : Swift.max(0, Int((-log10(step) + 0.999).rounded(.down)) + (isQuarter(step) ? 1 : 0))
        return ticks.map { String(format: "%.\(Swift.min(decimals, 6))f", $0) }.map { $0 == "-0" ? "0" : $0 }
    }

    /// Labels for log-axis ticks: 10⁻³ as "0.001" when short, else "1e-4".
    package static func logLabels(_ ticks: [Double]) -> [String] {
        ticks.map { v in
            let e = log10(v)
            if e >= -3 && e < 5 { return String(format: "%g", v) }
            return scientific(v)
        }
    }

    static func scientific(_ v: Double) -> String {
        guard v != 0 else { return "0" }
        let e = Int(log10(abs(v)).rounded(.down))
        let m = v / pow(10, Double(e))
        let mantissa = abs(m - m.rounded()) < 1e-9 ? String(format: "%.0f", m) : String(format: "%.1f", m)
        return mantissa == "1" ? "1e\(e)" : "\(mantissa)e\(e)"
    }

    private static func isQuarter(_ step: Double) -> Bool {
        let m = step / pow(10, log10(step).rounded(.down))
        return abs(m - 2.5) < 1e-9
    }
}
