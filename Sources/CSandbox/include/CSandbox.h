#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <sys/types.h>

/// Resource limits for a sandboxed child; 0 leaves a limit as inherited.
typedef struct {
    unsigned long long address_space_bytes; ///< RLIMIT_AS: the memory it may map
    unsigned long long file_size_bytes;     ///< RLIMIT_FSIZE: the largest file it may write
    unsigned long long processes;           ///< RLIMIT_NPROC: tasks of its (real) user
    unsigned long long cpu_seconds;         ///< RLIMIT_CPU: a backstop behind the wall-clock limit
} cs_limits;

/// Starts `path` as a child in a new session (so the whole group can be killed), with
/// stdin from /dev/null, and only the file descriptors named in `fd_map` open:
/// `fd_map[2i]` in the parent becomes `fd_map[2i + 1]` in the child (use 1 and 2 for the
/// output). Every other descriptor is closed, `limits` are applied, and, when `uid` is not
/// -1, the child drops every group and switches to `gid`/`uid` before `execve`.
/// Returns the child's pid, or -1 with errno set.
pid_t cs_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
               const int *fd_map, int fd_pairs, const cs_limits *limits, int uid, int gid);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no other child inherits by accident.
int cs_pipe(int fds[2]);

/// A connected pair of Unix stream sockets, close-on-exec (the channel between a check and
/// the exercise process it calls).
int cs_socketpair(int fds[2]);

/// Makes this process the "child subreaper" of its descendants: an orphan is re-parented
/// to it instead of to init, so the grader can find and kill a check's detached processes.
int cs_become_subreaper(void);

/// Atomically swaps two existing paths (renameat2 with RENAME_EXCHANGE): a lab's finished
/// output replaces the previous one in one step. Returns 0, or -1 with errno set.
int cs_exchange(const char *a, const char *b);

#endif
