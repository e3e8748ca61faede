/// Which way a data frame crosses the distribution system; fixes the address fields' meaning.
public enum FrameDirection: Sendable, Equatable {
    /// Station to AP (ToDS): addr1 = BSSID (receiver), addr2 = source (transmitter), addr3 = destination.
    case toAP
    /// AP to station (FromDS): addr1 = destination (receiver), addr2 = BSSID (transmitter), addr3 = source.
    case fromAP
}
