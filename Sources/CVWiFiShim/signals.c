#include "vw_signals.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// Lock-free atomics: async-signal-safe, and ordered for the threads that poll them.
static int first_signal = 0;
static int signals_seen = 0;

static void say(const char *text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(2, text, left);
        if (n <= 0) return;
        text += n;
        left -= (size_t)n;
    }
}

// Only async-signal-safe calls: write(2) and _exit(2).
static void on_termination(int sig) {
    int saved_errno = errno;  // the interrupted code may be about to read it
    if (__atomic_fetch_add(&signals_seen, 1, __ATOMIC_SEQ_CST) > 0) {
        say("second signal: exiting now\n");
        _exit(128 + sig);
    }
    __atomic_store_n(&first_signal, sig, __ATOMIC_SEQ_CST);
    say(sig == SIGINT
        ? "\nSIGINT: stopping the current run now; finished results are kept (again to exit at once)\n"
        : "\nSIGTERM: stopping the current run now; finished results are kept (again to exit at once)\n");
    errno = saved_errno;
}

int vw_install_termination_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_termination;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &sa, NULL) != 0) return -errno;
    if (sigaction(SIGTERM, &sa, NULL) != 0) return -errno;
    return 0;
}

int vw_termination_signal(void) { return __atomic_load_n(&first_signal, __ATOMIC_ACQUIRE); }

int vw_restore_termination_handlers(void) {
    if (signal(SIGINT, SIG_DFL) == SIG_ERR) return -errno;
    if (signal(SIGTERM, SIG_DFL) == SIG_ERR) return -errno;
    return 0;
}
