// SIGINT and SIGTERM for the CLI, handled by a plain async-signal-safe handler. A handler
// thread (such as a Dispatch signal source's) would be woken by the kernel for signals sent to
// other threads of the process too - every KVM vCPU kick - and compete with the pipeline.
#ifndef VW_SIGNALS_H
#define VW_SIGNALS_H
/// Installs the handler for SIGINT and SIGTERM: the first such signal is recorded and a line
/// saying the run stops is written to stderr; a second one exits at once with 128 + its number.
/// Returns 0 or -errno.
int vw_install_termination_handlers(void);
/// The first SIGINT/SIGTERM received since install, 0 before any.
int vw_termination_signal(void);
/// Restores the default dispositions. Returns 0 or -errno.
int vw_restore_termination_handlers(void);
#endif
