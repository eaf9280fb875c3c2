// Starting an untrusted child: fork, then only async-signal-safe calls until execve.
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void set_limit(int resource, unsigned long long value) {
    if (value == 0) return;
    struct rlimit limit = { .rlim_cur = value, .rlim_max = value };
    setrlimit(resource, &limit);
}

/// Closes every descriptor from `first` up: close_range(2) where the kernel has it, else a loop.
static void close_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0) return;
#endif
    long most = sysconf(_SC_OPEN_MAX);
    for (long fd = first; fd < (most > 0 ? most : 65536); fd++) close((int)fd);
}

pid_t cs_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
               const int *fd_map, int fd_pairs, const cs_limits *limits, int uid, int gid) {
    pid_t pid = fork();
    if (pid != 0) return pid; // the parent (or -1)

    // The child. Signals back to their defaults (the grader may ignore SIGPIPE), unblocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    // Dispositions a parent set to "ignore" survive execve: give the child the defaults back.
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    setsid();

    // Move the sources out of the way first (to 100 + i), so that no dup2 overwrites a
    // source that a later pair still needs; then place them.
    int highest = 2;
    for (int i = 0; i < fd_pairs; i++) {
        if (dup2(fd_map[2 * i], 100 + i) < 0) _exit(126);
    }
    for (int i = 0; i < fd_pairs; i++) {
        int target = fd_map[2 * i + 1];
        if (dup2(100 + i, target) < 0) _exit(126);
        if (target > highest) highest = target;
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) { dup2(null, 0); }
    close_from(highest + 1);

    if (limits) {
        set_limit(RLIMIT_AS, limits->address_space_bytes);
        set_limit(RLIMIT_FSIZE, limits->file_size_bytes);
        set_limit(RLIMIT_NPROC, limits->processes);
        set_limit(RLIMIT_CPU, limits->cpu_seconds);
        struct rlimit no_core = { 0, 0 }; // no core dumps
        setrlimit(RLIMIT_CORE, &no_core);
    }
    if (uid != -1) {
        if (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0) _exit(125);
    }
    // The grader died: so does the check. (After setuid, which clears this setting; the
    // spawning thread waits for the child, so "parent" stays alive for the whole check.)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (directory && chdir(directory) != 0) _exit(124);
    execve(path, argv, envp);
    _exit(127);
}

int cs_become_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int cs_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cs_socketpair(int fds[2]) { return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds); }

int cs_exchange(const char *a, const char *b) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}
