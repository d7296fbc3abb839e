#define _GNU_SOURCE
#include "gated_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/// Moves `fd` above the standard descriptors (so dup2 onto 0, 1 and 2 never overwrites it), close-on-exec.
static int above_standard(int fd) {
    if (fd < 0 || fd > 2) return fd;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return copy;
}

static void close_pair(int ends[2]) {
    if (ends[0] >= 0) close(ends[0]);
    if (ends[1] >= 0) close(ends[1]);
}

/// A pipe (or, for the gate, a socket pair, which the parent can write to without SIGPIPE) with both ends above 2
/// and close-on-exec; returns 0 or an errno value.
static int make_channel(int ends[2], int socket_pair) {
    ends[0] = ends[1] = -1;
    int made = socket_pair ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) : pipe2(ends, O_CLOEXEC);
    if (made != 0) return errno;
    ends[0] = above_standard(ends[0]);
    ends[1] = above_standard(ends[1]);
    if (ends[0] < 0 || ends[1] < 0) {
        int code = errno;
        close_pair(ends);
        return code;
    }
    return 0;
}

/// In the child: reports `code` to the parent and exits.
static void child_fail(int status, int code) {
    while (write(status, &code, sizeof code) < 0 && errno == EINTR) {
    }
    _exit(127);
}

/// In the child: closes the descriptors in [low, high].
static void close_span(unsigned low, unsigned high) {
    if (low > high) return;
    if (syscall(SYS_close_range, low, high, 0) == 0) return;
    // Linux before 5.9: one by one, up to the descriptor limit (at most 65536 of them).
    struct rlimit limit;
    unsigned last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (unsigned)limit.rlim_cur : 65536;
    for (unsigned fd = low; fd <= high && fd < last; fd++) close((int)fd);
}

/// In the child: closes every descriptor from 3 on but `keep_a` and `keep_b`.
static void close_others(int keep_a, int keep_b) {
    unsigned low = (unsigned)(keep_a < keep_b ? keep_a : keep_b);
    unsigned high = (unsigned)(keep_a < keep_b ? keep_b : keep_a);
    close_span(3, low - 1);
    close_span(low + 1, high - 1);
    close_span(high + 1, ~0U);
}

/// In the child, after fork: only async-signal-safe calls.
static void run_child(const char *path, char *const argv[], char *const envp[], const char *directory, int output, int gate,
                      int status) {
    struct sigaction defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    // SIGKILL, SIGSTOP and the C library's internal signals refuse; every other one gets its default.
    for (int signal_number = 1; signal_number < NSIG; signal_number++) sigaction(signal_number, &defaults, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setpgid(0, 0) != 0) child_fail(status, errno);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0) child_fail(status, errno);
    if (null != 0 && dup2(null, 0) < 0) child_fail(status, errno);
    if (dup2(output, 1) < 0 || dup2(output, 2) < 0) child_fail(status, errno);
    if (directory != NULL && chdir(directory) != 0) child_fail(status, errno);
    close_others(gate, status);
    char go = 0;
    ssize_t count;
    do {
        count = read(gate, &go, 1);
    } while (count < 0 && errno == EINTR);
    // End of file: the parent could not record the process, or is gone. The program must not run.
    if (count != 1) _exit(127);
    close(gate);
    execve(path, argv, envp);
    child_fail(status, errno);
}

int gated_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, gated_child *child) {
    int output[2], gate[2], status[2];
    int code = make_channel(output, 0);
    if (code != 0) return code;
    if ((code = make_channel(gate, 1)) != 0) {
        close_pair(output);
        return code;
    }
    if ((code = make_channel(status, 0)) != 0) {
        close_pair(output);
        close_pair(gate);
        return code;
    }
    pid_t pid = fork();
    if (pid == 0) run_child(path, argv, envp, directory, output[1], gate[0], status[1]);
    code = pid < 0 ? errno : 0;
    close(output[1]);
    close(gate[0]);
    close(status[1]);
    if (pid < 0) {
        close(output[0]);
        close(gate[1]);
        close(status[0]);
        return code;
    }
    // The child does the same: whichever runs first, the group exists before the parent signals it.
    setpgid(pid, pid);
    fcntl(output[0], F_SETFL, fcntl(output[0], F_GETFL) | O_NONBLOCK);
    child->pid = pid;
    child->output = output[0];
    child->gate = gate[1];
    child->status = status[0];
    return 0;
}

int gated_spawn_release(gated_child *child) {
    char go = 1;
    while (send(child->gate, &go, 1, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
    close(child->gate);
    int code = 0;
    size_t received = 0;
    while (received < sizeof code) {
        ssize_t count = read(child->status, (char *)&code + received, sizeof code - received);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        received += (size_t)count;
    }
    close(child->status);
    // End of file before a whole errno: the program runs (the status pipe closed on exec).
    return received == sizeof code ? code : 0;
}

void gated_spawn_abandon(gated_child *child) {
    close(child->gate);
    close(child->status);
}
