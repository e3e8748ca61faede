/// Descriptor flag bits shared by every ring in the harness.
public enum DescriptorFlag {
    /// `addr` is a host address the device may use directly (host driver's own buffers, or a
    /// GPA already translated to HPA by the device model).
    public static let hostAddress: UInt16 = 1 << 0
    /// `addr` is a GPA already tagged with the VM-ID in bits 35-38 (IOMMU translation).
    public static let tagged: UInt16 = 1 << 1
    /// Completion status: the frame was dropped (reason in `status`).
    public static let dropped: UInt16 = 1 << 2
}
