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
    inc qword ptr [r15 + 0x130]          /* MB_HOST_ISR */
    call isr_body
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
    popfq
    ret
    .section .note.GNU-stack, "", @progbits
