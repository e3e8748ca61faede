// The IOMMU reports its IOTLB and its faults (its translations are the device's DMA, not counted).
import Platform

extension IOMMU: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.iotlbHits += hits
        readings.iotlbMisses += misses
        readings.iommuFaults += faults
    }
}
