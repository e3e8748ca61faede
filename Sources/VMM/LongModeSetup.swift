import CVWiFiShim

/// Builds what a 64-bit CPL3 guest needs in guest RAM (identity-mapped 2 MiB user pages, GDT,
/// TSS) and the matching special registers. kvm_pvm runs only this mode natively; hardware KVM
/// runs it too.
public enum LongModeSetup {
    static let kernelCode: UInt16 = 0x08
    static let kernelData: UInt16 = 0x10
    /// User data and code selectors (RPL 3).
    public static let userData: UInt16 = 0x18 | 3
    public static let userCode: UInt16 = 0x20 | 3
    static let taskRegister: UInt16 = 0x28

    // Page-table entry bits: present, writable, user (at every level: CPL3 walks them), 2 MiB page.
    static let present: UInt64 = 1, writable: UInt64 = 2, user: UInt64 = 4, largePage: UInt64 = 0x80

    static let cr0PE: UInt64 = 1, cr0MP: UInt64 = 2, cr0ET: UInt64 = 0x10, cr0NE: UInt64 = 0x20
    static let cr0WP: UInt64 = 0x10000, cr0PG: UInt64 = 0x8000_0000
    static let cr4PAE: UInt64 = 0x20, cr4OSFXSR: UInt64 = 0x200, cr4OSXMMEXCPT: UInt64 = 0x400
    static let eferLME: UInt64 = 0x100, eferLMA: UInt64 = 0x400
    /// RFLAGS: reserved bit 1 and IOPL = 3, so OUT to the wait/done ports works at CPL3.
    public static let userFlags: UInt64 = 0x3002
    /// RFLAGS.IF: set only in irqchip mode, where the CPU takes injected vectors through the IDT.
    public static let interruptFlag: UInt64 = 0x200

    /// Writes page tables, GDT and TSS for `layout` into `ram`.
    public static func install(_ layout: GuestLayout, in ram: GuestRAM) throws(VMMError) {
        try layout.validate()
        guard let tables = ram.pointer(layout.pageTables, length: layout.pageTableBytes) else {
            throw .config("GuestLayout.pageTables", "outside guest RAM")
        }
        // SAFETY: bounds: `ram.pointer` checked pageTableBytes = (2 + directories) * 4096 bytes are RAM;
        // the page-aligned region holds the PML4, the PDPT and one directory per GiB (indices < 512).
        tables.initializeMemory(as: UInt8.self, repeating: 0, count: Int(layout.pageTableBytes))
        let pml4 = tables.assumingMemoryBound(to: UInt64.self)
        let pdpt = (tables + 4096).assumingMemoryBound(to: UInt64.self)
        let flags = present | writable | user
        pml4[0] = (layout.pageTables + 4096) | flags
        for gib in 0..<layout.pageDirectoryCount {
            let directoryAddress = layout.pageTables + UInt64(2 + gib) * 4096
            pdpt[gib] = directoryAddress | flags
            // SAFETY: bounds: gib < pageDirectoryCount, so this directory page lies in the checked region.
            let directory = (tables + (2 + gib) * 4096).assumingMemoryBound(to: UInt64.self)
            for entry in 0..<512 {
                let physical = UInt64(gib) * GuestLayout.gibibyte + UInt64(entry) << 21
                directory[entry] = physical | flags | largePage
            }
        }

        guard let gdt = ram.pointer(layout.gdt, length: 7 * 8), let tss = ram.pointer(layout.tss, length: GuestLayout.tssSize) else {
            throw .config("GuestLayout.gdt/tss", "outside guest RAM")
        }
        // SAFETY: bounds: `ram.pointer` checked 7 * 8 bytes at the 4096-aligned gdt (indices 0...6 below).
        let descriptors = gdt.assumingMemoryBound(to: UInt64.self)
        descriptors[0] = 0
        descriptors[1] = 0x00AF_9A00_0000_FFFF   // kernel code, 64-bit
        descriptors[2] = 0x00CF_9200_0000_FFFF   // kernel data
        descriptors[3] = 0x00CF_F200_0000_FFFF   // user data, DPL 3
        descriptors[4] = 0x00AF_FA00_0000_FFFF   // user code, 64-bit, DPL 3
        let base = layout.tss, limit = GuestLayout.tssSize - 1
        descriptors[5] = (limit & 0xFFFF) | (base & 0xFF_FFFF) << 16 | UInt64(0x89) << 40
            | ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56
        descriptors[6] = base >> 32
        // I/O bitmap right after the 104-byte TSS, all zero (every port permitted), then the
        // 0xFF byte the CPU may read past the last port.
        // SAFETY: bounds: `ram.pointer` checked tssSize bytes at tss; offsets 102 and tssSize - 1 are inside.
        tss.initializeMemory(as: UInt8.self, repeating: 0, count: Int(GuestLayout.tssSize))
        tss.storeBytes(of: UInt16(104), toByteOffset: 102, as: UInt16.self)
        tss.storeBytes(of: UInt8(0xFF), toByteOffset: Int(GuestLayout.tssSize) - 1, as: UInt8.self)
    }

    /// Sets `sregs` for 64-bit long mode at CPL3 over the tables `install` wrote; with
    /// `idt`, IDTR points at InterruptDescriptorTable's gates (irqchip mode), else it is empty.
    public static func configure(_ sregs: inout kvm_sregs, layout: GuestLayout, idt: Bool = false) {
        func segment(_ selector: UInt16, type: UInt8, code: Bool) -> kvm_segment {
            var s = kvm_segment()
            s.base = 0
            s.limit = 0xFFFF_FFFF
            s.selector = selector
            s.type = type
            s.present = 1
            s.dpl = UInt8(selector & 3)
            s.db = code ? 0 : 1
            s.s = 1
            s.l = code ? 1 : 0
            s.g = 1
            return s
        }
        sregs.cs = segment(userCode, type: 11, code: true)
        let data = segment(userData, type: 3, code: false)
        sregs.ds = data
        sregs.es = data
        sregs.fs = data
        sregs.gs = data
        sregs.ss = data
        var tr = kvm_segment()
        tr.base = layout.tss
        tr.limit = UInt32(GuestLayout.tssSize - 1)
        tr.selector = taskRegister
        tr.type = 11   // busy 64-bit TSS
        tr.present = 1
        sregs.tr = tr
        var ldt = kvm_segment()
        ldt.type = 2
        ldt.unusable = 1
        sregs.ldt = ldt
        sregs.gdt.base = layout.gdt
        sregs.gdt.limit = 7 * 8 - 1
        sregs.idt.base = idt ? layout.idt : 0
        sregs.idt.limit = idt ? InterruptDescriptorTable.limit : 0
        sregs.cr0 = cr0PE | cr0MP | cr0ET | cr0NE | cr0WP | cr0PG
        sregs.cr3 = layout.pageTables
        sregs.cr4 = cr4PAE | cr4OSFXSR | cr4OSXMMEXCPT
        sregs.efer = eferLME | eferLMA
    }
}
