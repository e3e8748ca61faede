/// What a descriptor carries (the raw value travels in `Descriptor.kind`).
public enum DescriptorKind: UInt8, Sendable, CaseIterable {
    case tx = 1
    case rx = 2
    case txStatus = 3
    case rxFrame = 4
    case command = 5
    case ping = 6
}
