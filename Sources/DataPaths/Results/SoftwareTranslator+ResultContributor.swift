// A VM's software translator reports the guest addresses it translated.
import Platform

extension SoftwareTranslator: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.translations += translations
    }
}
