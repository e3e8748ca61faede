/// Where the VMM places its own structures in guest-physical memory. All of them live in the
/// first `reservedSize` (2 MiB) above `guestPhysicalBase`; the data path (rings, buffers) goes
/// at `dataStart` and above. Every address is a field, so callers can move any of them.
public struct GuestLayout: Sendable, Equatable {
    public static let reservedSize: UInt64 = 2 << 20
    public static let gibibyte: UInt64 = 1 << 30
    public static let stampRecordSize: UInt64 = 32

    /// Guest-physical address of the first byte of the host region.
    public var guestPhysicalBase: UInt64
    /// Size of guest RAM (the whole host region).
    public var memorySize: UInt64
    /// GDT (7 descriptors, 56 bytes).
    public var gdt: UInt64
    /// 64-bit TSS with an all-permitting I/O bitmap (`tssSize` bytes): hardware KVM needs a
    /// valid TR, and kvm_pvm checks the bitmap for OUT at CPL3 whatever RFLAGS.IOPL says.
    public var tss: UInt64
    /// PML4, then the PDPT, then one page directory per GiB of `identityMapSize`.
    public var pageTables: UInt64
    /// irqchip mode only (kvm_intel/kvm_amd): the IDT (256 gates, one page) and the top of the
    /// CPL0 stack TSS.RSP0 points at (it grows down to `interruptStackTop - interruptStackSize`).
    public var idt: UInt64
    public var interruptStackTop: UInt64
    public static let interruptStackSize: UInt64 = 0xF80
    /// Parameter/state page shared with the guest driver (see `GuestMailbox`).
    public var mailbox: UInt64
    /// Guest-written TSC stamps, `stampCapacity` records of 32 bytes.
    public var stampArea: UInt64
    /// Number of stamp records (power of two); packet `seq` uses record `seq & (capacity-1)`.
    public var stampCapacity: Int
    /// Where the guest image is loaded, and the room reserved for it.
    public var code: UInt64
    public var codeCapacity: UInt64
    /// Initial stack pointer (the stack grows down towards `code + codeCapacity`).
    public var stackTop: UInt64
    /// Guest-virtual == guest-physical for [0, identityMapSize) with 2 MiB user pages. It must
    /// cover RAM and every MMIO address the guest touches (the doorbell). Whole GiB, at most 8.
    public var identityMapSize: UInt64

    /// The standard placement inside the reserved 2 MiB at `guestPhysicalBase`.
    public init(guestPhysicalBase: UInt64 = 0, memorySize: UInt64, identityMapSize: UInt64 = 4 << 30) {
        self.guestPhysicalBase = guestPhysicalBase
        self.memorySize = memorySize
        gdt = guestPhysicalBase + 0x0000
        mailbox = guestPhysicalBase + 0x1000
        pageTables = guestPhysicalBase + 0x2000
        tss = guestPhysicalBase + 0xC000
        idt = guestPhysicalBase + 0xF000
        interruptStackTop = guestPhysicalBase + 0xF000
        stampArea = guestPhysicalBase + 0x10000
        stampCapacity = 4096
        code = guestPhysicalBase + 0x40000
        codeCapacity = 0x10000
        stackTop = guestPhysicalBase + 0x80000
        self.identityMapSize = identityMapSize
    }

    /// First guest-physical address free for the data path.
    public var dataStart: UInt64 { guestPhysicalBase + Self.reservedSize }
    /// One past the last RAM address.
    public var memoryEnd: UInt64 { guestPhysicalBase + memorySize }
    var pageDirectoryCount: Int { Int(identityMapSize / Self.gibibyte) }
    var pageTableBytes: UInt64 { UInt64(2 + pageDirectoryCount) * 4096 }
    /// 104-byte TSS + 8192-byte I/O bitmap + the terminating 0xFF byte.
    public static let tssSize: UInt64 = 104 + 8192 + 1
    var stampBytes: UInt64 { UInt64(stampCapacity) * Self.stampRecordSize }

    /// Checks alignment, that every structure fits in RAM and in the identity map, and that
    /// none overlap. Errors name the field.
    public func validate() throws(VMMError) {
        guard memorySize >= Self.reservedSize, memorySize % 4096 == 0 else {
            throw .config("GuestLayout.memorySize", "\(memorySize) bytes: give at least 2 MiB, a multiple of 4 KiB")
        }
        guard guestPhysicalBase % (2 << 20) == 0 else {
            throw .config("GuestLayout.guestPhysicalBase", "0x\(String(guestPhysicalBase, radix: 16)) is not 2 MiB aligned")
        }
        guard identityMapSize % Self.gibibyte == 0, (1...8).contains(pageDirectoryCount) else {
            throw .config("GuestLayout.identityMapSize", "\(identityMapSize) bytes: use 1 to 8 whole GiB")
        }
        guard memoryEnd <= identityMapSize else {
            throw .config("GuestLayout.identityMapSize", "RAM ends at 0x\(String(memoryEnd, radix: 16)), beyond the identity map; enlarge identityMapSize")
        }
        guard stampCapacity > 0, stampCapacity & (stampCapacity - 1) == 0 else {
            throw .config("GuestLayout.stampCapacity", "\(stampCapacity) is not a power of two")
        }
        let regions: [(String, UInt64, UInt64, UInt64)] = [
            ("gdt", gdt, 4096, 4096), ("tss", tss, Self.tssSize, 64), ("mailbox", mailbox, 4096, 4096),
            ("pageTables", pageTables, pageTableBytes, 4096), ("stampArea", stampArea, stampBytes, 64),
            ("code", code, codeCapacity, 16), ("stack", stackTop - 4096, 4096, 16), ("idt", idt, 4096, 4096),
            ("interruptStack", interruptStackTop - Self.interruptStackSize, Self.interruptStackSize, 16),
        ]
        for (name, start, length, alignment) in regions {
            guard start % alignment == 0 else {
                throw .config("GuestLayout.\(name)", "0x\(String(start, radix: 16)) must be \(alignment)-byte aligned")
            }
            guard start >= guestPhysicalBase, start + length <= dataStart else {
                throw .config("GuestLayout.\(name)", "[0x\(String(start, radix: 16)), +0x\(String(length, radix: 16))) must lie in the reserved first 2 MiB")
            }
        }
        for i in regions.indices {
            for j in regions.indices where j > i {
                let a = regions[i], b = regions[j]
                if a.1 < b.1 + b.2 && b.1 < a.1 + a.2 {
                    throw .config("GuestLayout.\(a.0)", "overlaps \(b.0); move one of them")
                }
            }
        }
        guard stackTop - 4096 >= code + codeCapacity || stackTop <= code else {
            throw .config("GuestLayout.stackTop", "the stack would run into the code")
        }
    }
}
