// Student's t distribution, for predicting how far apart two future runs of the same code may
// land from the spread of a few past ones: with k run medians of sample standard deviation s,
// the difference of two new medians over s * sqrt(2) follows t with k - 1 degrees of freedom
// (normal run-to-run drift assumed). Few runs make the quantile large, which is the point: three
// runs cannot promise much.
import Foundation

extension Statistics {
    /// The regularized incomplete beta function I_x(a, b), by the continued fraction (modified
    /// Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...400 {
            let m = Double(m)
            // Even step, then odd step of the fraction's terms.
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            f *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            f *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return exp(logFront) * f / a
    }

    /// P(T <= t) for Student's t with `degreesOfFreedom` > 0.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T <= t) = `probability`, by bisection on the CDF (monotone, so the bracket
    /// always holds the root); accurate to about 1e-9 relative.
    public static func studentTQuantile(_ probability: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(probability > 0 && probability < 1 && nu > 0, "t quantile of \(probability) at \(nu) degrees of freedom")
        if probability == 0.5 { return 0 }
        if probability < 0.5 { return -studentTQuantile(1 - probability, degreesOfFreedom: nu) }
        var low = 0.0, high = 1.0
        while studentTCDF(high, degreesOfFreedom: nu) < probability { low = high; high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if studentTCDF(mid, degreesOfFreedom: nu) < probability { low = mid } else { high = mid }
            if high - low <= 1e-10 * high { break }
        }
        return (low + high) / 2
    }
}
