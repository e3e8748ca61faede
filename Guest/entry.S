/*
 * entry.S - the guest program's fixed entry points and its interrupt entry. The rest is C
 * (driver.c, isr.c), linked at GuestLayout's code GPA by guest.ld and built by build.sh.
 *
 * Runs at CPL3 in 64-bit long mode (the only mode kvm_pvm runs natively; also correct on
 * hardware KVM). Guest-virtual == guest-physical (identity map built by the host).
 *
 * Register ABI (set by the host): r15 = mailbox GPA (never clobbered: C reserves it),
 * rsp = stack top, RFLAGS.IOPL = 3 so that OUT works at CPL3.
 *
 * Entry points (fixed offsets, 16 bytes apart):
 *   +0x00 entry            the driver (driver_main, mode from the mailbox)
 *   +0x10 probe_entry      one MMIO store of PROBE_MAGIC to the doorbell, then OUT done
 *   +0x20 exit_cost_entry  exit-cost measurement (exit_cost_main)
 *   isr_start              interrupt entry: the host pushed the interrupted RIP and set RIP
 *                          here; [isr_start, isr_end) is the ISR (stub, isr_body and what it
 *                          calls); the host never enters it while RIP is inside.
 *
 * Interrupt model: the device model sets mailbox.irqPending and makes the vCPU leave the
 * guest; the host run loop then enters isr_start unless RIP is already inside the ISR. The main
 * loop also polls irqPending, so an interrupt raised while the ISR runs is never lost.
 * Waiting: CPL3 code cannot HLT; the guest writes its observed isrCount to the wait port and
 * the host blocks only if it is unchanged and nothing is pending (a futex-style compare).
 *
 * irqchip mode (mailbox MB_IRQ_MODE = IRQ_MODE_IRQCHIP; kvm_intel/kvm_amd only, never on
 * kvm_pvm, which ignores the IDT): the host loads an IDT whose gates point at the idt_* entries
 * below (CPL0, kernel code selector, stack from TSS.RSP0) and routes the device's interrupt as
 * an MSI to VECTOR_DEVICE; the guest runs with RFLAGS.IF = 1 and waits through the wait gate
 * (HLT at CPL0) instead of the wait port. Nothing here runs in pending-flag mode.
 */
    .intel_syntax noprefix

    .section .text.entry, "ax"
    .globl entry
entry:
    jmp driver_start
    .balign 16
    .globl probe_entry
probe_entry:
    jmp probe_start
    .balign 16
    .globl exit_cost_entry
exit_cost_entry:
    jmp exit_cost_start
    .balign 16

/* C expects rsp + 8 to be 16-byte aligned at a function's first instruction. */
driver_start:
    and rsp, -16
    call driver_main
1:  jmp 1b
probe_start:
    and rsp, -16
    call probe_main
1:  jmp 1b
exit_cost_start:
    and rsp, -16
    call exit_cost_main
1:  jmp 1b

/* Saves what a C call may clobber and aligns the stack to 16 for the call (the ISR stub and the IDT entries share it). */
.macro SAVE_CALLER
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    push rbp
    mov rbp, rsp
    and rsp, -16
.endm
.macro RESTORE_CALLER
    mov rsp, rbp
    pop rbp
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
.endm

/*
 * The ISR stub: [rsp] = interrupted RIP. Saves what a C call may clobber (the caller-saved
 * general registers and the flags; the C code uses no vector registers), realigns the stack,
 * runs isr_body, restores, and returns to the interrupted RIP. No red zone to skip: the C code
 * is built with -mno-red-zone.
 */
    .section .isr.entry, "ax"
    .globl isr_start
isr_start:
    pushfq
    SAVE_CALLER
    inc qword ptr [r15 + 0x130]          /* MB_HOST_ISR */
    call isr_body
    RESTORE_CALLER
    popfq
    ret


/* VECTOR_DEVICE (interrupt gate, IF = 0): the device's cause bit, the same ISR body, EOI. */
    .balign 16
    .globl idt_device_entry
idt_device_entry:
    SAVE_CALLER
    lock or dword ptr [r15 + 0x180], 1   /* MB_IRQ_PENDING |= CAUSE_DEVICE: isr_body takes it */
    inc qword ptr [r15 + 0x1f8]          /* MB_IDT_ISR */
    call isr_body
    mov eax, 0xFEE000B0                  /* APIC_BASE + APIC_EOI (mov eax zero-extends) */
    mov dword ptr [rax], 0
    RESTORE_CALLER
    iretq

/* VECTOR_WAKE: the LAPIC one-shot timer only ends a HLT; EOI. */
    .balign 16
    .globl idt_wake_entry
idt_wake_entry:
    push rax
    mov eax, 0xFEE000B0
    mov dword ptr [rax], 0
    pop rax
    iretq

/* VECTOR_WAIT (interrupt gate, DPL3; `int 0x80` from the driver): rdi = the isrCount the driver
   saw, rsi = LAPIC timer ticks to the deadline (0: none). IF = 0 here, so the compare and the
   HLT cannot miss an interrupt: STI's one-instruction shadow makes `sti; hlt` atomic. */
    .balign 16
    .globl idt_wait_entry
idt_wait_entry:
    cmp qword ptr [r15 + 0x110], rdi     /* MB_ISR_COUNT: an ISR ran since the driver looked */
    jne 2f
    push rax
    mov eax, 0xFEE00380                  /* APIC_BASE + APIC_TMICT */
    test rsi, rsi
    jz 1f
    mov dword ptr [rax], esi             /* one-shot: VECTOR_WAKE at the deadline */
1:  sti
    hlt                                  /* in-kernel halt: KVM wakes the vCPU to inject */
    cli
    mov dword ptr [rax], 0               /* disarm (a no-op when not armed) */
    pop rax
2:  iretq
    .section .note.GNU-stack, "", @progbits
