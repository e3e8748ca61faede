// Student's t quantiles against the published table values, and the CDF's symmetry.
import Testing
@testable import Measurement

@Suite struct StatisticsStudentTTests {
    /// (probability, degrees of freedom, quantile) from standard t tables.
    static let table: [(Double, Double, Double)] = [
        (0.975, 1, 12.7062), (0.995, 1, 63.6567), (0.995, 2, 9.9248), (0.995, 3, 5.8409),
        (0.995, 4, 4.6041), (0.975, 10, 2.2281), (0.95, 30, 1.6973), (0.9, 5, 1.4759),
    ]

    @Test func quantilesMatchTheTables() {
        for (p, nu, expected) in Self.table {
            let t = Statistics.studentTQuantile(p, degreesOfFreedom: nu)
            #expect(abs(t - expected) < 1e-3 * expected, "t(\(p), \(nu)) = \(t), table \(expected)")
            #expect(abs(Statistics.studentTCDF(t, degreesOfFreedom: nu) - p) < 1e-9)
        }
    }

    @Test func theCDFIsSymmetricAndTendsToTheNormal() {
        for nu in [1.0, 3, 12] {
            for t in [0.3, 1.5, 4.0] {
                let sum = Statistics.studentTCDF(t, degreesOfFreedom: nu) + Statistics.studentTCDF(-t, degreesOfFreedom: nu)
                #expect(abs(sum - 1) < 1e-12)
            }
        }
        #expect(Statistics.studentTCDF(0, degreesOfFreedom: 7) == 0.5)
        #expect(abs(Statistics.studentTQuantile(0.975, degreesOfFreedom: 100_000) - 1.95996) < 1e-3)
        #expect(Statistics.studentTQuantile(0.025, degreesOfFreedom: 10) == -Statistics.studentTQuantile(0.975, degreesOfFreedom: 10))
    }
}
