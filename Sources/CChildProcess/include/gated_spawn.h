#ifndef GITOPS_BRIDGE_GATED_SPAWN_H
#define GITOPS_BRIDGE_GATED_SPAWN_H

#include <sys/types.h>

/// A child process created by `gated_spawn`, waiting at its gate before it runs its program.
typedef struct {
    /// The child's pid, which is also its process group's id.
    pid_t pid;
    /// The read end of the pipe on which the program's stdout and stderr arrive: non-blocking, close-on-exec.
    int output;
    /// The parent's end of the gate: one byte sent lets the child run the program; closing it unsent makes the child
    /// exit with status 127 without running anything. Close-on-exec.
    int gate;
    /// The read end of the status pipe: end of file once the program runs, or the `errno` (an int) of why the child
    /// could not run it. Close-on-exec.
    int status;
} gated_child;

/// Forks a child that becomes the leader of a new process group, resets every signal to its default disposition
/// with an empty mask, takes stdin from /dev/null and stdout and stderr from one pipe, changes to `directory`
/// (unless NULL), closes every other descriptor, and then waits at its gate before it runs `path` with `argv` and
/// `envp` (NULL-terminated). Returns 0 and fills `child`, or an `errno` value.
///
/// Between fork and exec the child calls only async-signal-safe functions, as a child of a multi-threaded
/// process must.
int gated_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, gated_child *child);

/// Opens the gate: the child runs its program. Returns 0 once it does, or the `errno` of why it could not (the
/// child has then exited with status 127). Closes `gate` and `status`.
int gated_spawn_release(gated_child *child);

/// Closes the gate unopened: the child exits with status 127 without running its program. Closes `gate` and
/// `status`.
void gated_spawn_abandon(gated_child *child);

#endif
