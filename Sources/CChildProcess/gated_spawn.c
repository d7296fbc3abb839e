#define _GNU_SOURCE
#include "gated_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/// What the spawning thread and the child share: copies of the arguments, and the child's ends of the channels.
typedef struct {
    char *path;
    char **argv;
    char **envp;
    char *directory;
    /// The child's ends: output's write end, the gate's child socket, status's write end, started's write end.
    int output;
    int gate;
    int status;
    int started;
    pthread_t thread;
    /// Set by the spawning thread once `vfork` returned: the child's pid, or -1 with `error`.
    pid_t pid;
    int error;
} job;

/// Moves `fd` above the standard descriptors (so dup2 onto 0, 1 and 2 never overwrites it), close-on-exec.
static int above_standard(int fd) {
    if (fd < 0 || fd > 2) return fd;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return copy;
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
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
        close_fd(&ends[0]);
        close_fd(&ends[1]);
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

/// In the child: closes every descriptor from 3 on but the three it keeps (sorted here).
static void close_others(int keep_a, int keep_b, int keep_c) {
    int keep[3] = {keep_a, keep_b, keep_c};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                int swap = keep[i];
                keep[i] = keep[j];
                keep[j] = swap;
            }
    unsigned low = 3;
    for (int i = 0; i < 3; i++) {
        if (keep[i] > 0) close_span(low, (unsigned)keep[i] - 1);
        low = (unsigned)keep[i] + 1;
    }
    close_span(low, ~0U);
}

/// In the child, after vfork: only async-signal-safe calls, on the suspended thread's stack. Never returns.
static void run_child(const job *work) {
    struct sigaction defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    // SIGKILL, SIGSTOP and the C library's internal signals refuse; every other one gets its default, before any is
    // unblocked, so no handler of the server's ever runs in the child.
    for (int signal_number = 1; signal_number < NSIG; signal_number++) sigaction(signal_number, &defaults, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setpgid(0, 0) != 0) child_fail(work->status, errno);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0) child_fail(work->status, errno);
    if (null != 0 && dup2(null, 0) < 0) child_fail(work->status, errno);
    if (dup2(work->output, 1) < 0 || dup2(work->output, 2) < 0) child_fail(work->status, errno);
    if (work->directory != NULL && chdir(work->directory) != 0) child_fail(work->status, errno);
    close_others(work->gate, work->status, work->started);
    // Ready: the parent learns the pid (the group's id too) and records it before it opens the gate.
    pid_t self = getpid();
    ssize_t written;
    do {
        written = write(work->started, &self, sizeof self);
    } while (written < 0 && errno == EINTR);
    if (written != (ssize_t)sizeof self) _exit(127);
    close(work->started);
    char go = 0;
    ssize_t count;
    do {
        count = read(work->gate, &go, 1);
    } while (count < 0 && errno == EINTR);
    // End of file: the parent could not record the process, or is gone. The program must not run.
    if (count != 1) _exit(127);
    close(work->gate);
    execve(work->path, work->argv, work->envp);
    child_fail(work->status, errno);
}

/// The spawning thread: vfork suspends it (only it) until the child runs its program or exits.
static void *spawn_thread(void *argument) {
    job *work = argument;
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = vfork();
    if (pid == 0) run_child(work);
    work->error = pid < 0 ? errno : 0;
    work->pid = pid;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    // The child has its own copies (closed by its exec, or its exit); the parent's go now, so the output and status
    // pipes end when the child's copies do, and `started` ends at once when there is no child.
    close_fd(&work->output);
    close_fd(&work->gate);
    close_fd(&work->status);
    close_fd(&work->started);
    return NULL;
}

static char *copy_string(const char *text) {
    return text == NULL ? NULL : strdup(text);
}

/// A NULL-terminated deep copy of `strings`, or NULL when memory ran out.
static char **copy_strings(char *const strings[]) {
    size_t count = 0;
    while (strings[count] != NULL) count++;
    char **copy = calloc(count + 1, sizeof *copy);
    if (copy == NULL) return NULL;
    for (size_t index = 0; index < count; index++) {
        copy[index] = strdup(strings[index]);
        if (copy[index] == NULL) {
            for (size_t done = 0; done < index; done++) free(copy[done]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

static void free_strings(char **strings) {
    if (strings == NULL) return;
    for (size_t index = 0; strings[index] != NULL; index++) free(strings[index]);
    free(strings);
}

static void free_job(job *work) {
    close_fd(&work->output);
    close_fd(&work->gate);
    close_fd(&work->status);
    close_fd(&work->started);
    free(work->path);
    free_strings(work->argv);
    free_strings(work->envp);
    free(work->directory);
    free(work);
}

/// Reads the errno the child reported before exiting, 0 if it reported none; closes `status`.
static int read_status(int *status) {
    int code = 0;
    size_t received = 0;
    while (received < sizeof code) {
        ssize_t count = read(*status, (char *)&code + received, sizeof code - received);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        received += (size_t)count;
    }
    close_fd(status);
    return received == sizeof code ? code : 0;
}

/// Starts the spawning thread with a small stack: the child's setup runs on it.
static int start_thread(job *work) {
    pthread_attr_t attributes;
    if (pthread_attr_init(&attributes) != 0) return ENOMEM;
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    int code = pthread_create(&work->thread, &attributes, spawn_thread, work);
    pthread_attr_destroy(&attributes);
    return code;
}

int gated_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, gated_child *child) {
    job *work = calloc(1, sizeof *work);
    if (work == NULL) return ENOMEM;
    work->output = work->gate = work->status = work->started = -1;
    work->path = copy_string(path);
    work->argv = copy_strings(argv);
    work->envp = copy_strings(envp);
    work->directory = copy_string(directory);
    if (work->path == NULL || work->argv == NULL || work->envp == NULL || (directory != NULL && work->directory == NULL)) {
        free_job(work);
        return ENOMEM;
    }
    int output[2], gate[2], status[2], started[2];
    int code = make_channel(output, 0);
    if (code == 0 && (code = make_channel(gate, 1)) != 0) close_fd(&output[0]), close_fd(&output[1]);
    if (code == 0 && (code = make_channel(status, 0)) != 0) {
        close_fd(&output[0]), close_fd(&output[1]), close_fd(&gate[0]), close_fd(&gate[1]);
    }
    if (code == 0 && (code = make_channel(started, 0)) != 0) {
        close_fd(&output[0]), close_fd(&output[1]), close_fd(&gate[0]), close_fd(&gate[1]);
        close_fd(&status[0]), close_fd(&status[1]);
    }
    if (code != 0) {
        free_job(work);
        return code;
    }
    work->output = output[1];
    work->gate = gate[0];
    work->status = status[1];
    work->started = started[1];
    if ((code = start_thread(work)) != 0) {
        close_fd(&output[0]), close_fd(&gate[1]), close_fd(&status[0]), close_fd(&started[0]);
        free_job(work);
        return code;
    }
    pid_t pid = 0;
    size_t received = 0;
    while (received < sizeof pid) {
        ssize_t count = read(started[0], (char *)&pid + received, sizeof pid - received);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        received += (size_t)count;
    }
    close_fd(&started[0]);
    if (received != sizeof pid) {
        // No child, or one that failed its set-up and exited: say why, and reap it.
        close_fd(&gate[1]);
        code = read_status(&status[0]);
        pthread_join(work->thread, NULL);
        if (code == 0) code = work->error != 0 ? work->error : ECHILD;
        if (work->pid > 0) {
            int wait_status;
            while (waitpid(work->pid, &wait_status, 0) < 0 && errno == EINTR) {
            }
        }
        close_fd(&output[0]);
        free_job(work);
        return code;
    }
    fcntl(output[0], F_SETFL, fcntl(output[0], F_GETFL) | O_NONBLOCK);
    child->pid = pid;
    child->output = output[0];
    child->gate = gate[1];
    child->status = status[0];
    child->job = (uintptr_t)work;
    return 0;
}

/// Waits for the spawning thread (which returns as soon as the child has run its program or exited) and frees what
/// the child read.
static void finish_job(gated_child *child) {
    job *work = (job *)child->job;
    child->job = 0;
    if (work == NULL) return;
    pthread_join(work->thread, NULL);
    free_job(work);
}

int gated_spawn_release(gated_child *child) {
    char go = 1;
    while (send(child->gate, &go, 1, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
    close_fd(&child->gate);
    // End of file before a whole errno: the program runs (the status pipe closed on exec).
    int code = read_status(&child->status);
    finish_job(child);
    return code;
}

void gated_spawn_abandon(gated_child *child) {
    close_fd(&child->gate);
    close_fd(&child->status);
    finish_job(child);
}
