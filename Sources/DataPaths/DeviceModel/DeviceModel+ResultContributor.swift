// The device model reports its injections and every guest input it refused.
import Platform

extension DeviceModel: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.interruptsVirtual += injections
        readings.refusals(rejections)
        readings.drop("rx_no_guest_buffer", rxDropped)
        // Not packets, but guest input refused all the same: reported beside the drops.
        readings.drop(DropReason.ringIndexOutOfRange.name, ringIndicesOutOfRange)
        readings.drop("tx_deferred_guest_completion_ring_full", completionRingFullDeferrals)
        readings.drop("undefined_register_writes", undefinedRegisterWrites)
        readings.drop("undefined_register_reads", undefinedRegisterReads)
    }
}
