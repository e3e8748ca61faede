/// 802.11g slot time: long (20 us, the default with 802.11b stations about) or short (9 us).
public enum SlotKind: String, Sendable, Codable, CaseIterable {
    case long
    case short
}
