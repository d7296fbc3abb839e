#ifndef GITOPS_BRIDGE_GATED_SPAWN_H
#define GITOPS_BRIDGE_GATED_SPAWN_H

#include <stdint.h>
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
    /// Internal: the thread that created the child and the copies of the arguments the child reads, released by
    /// `gated_spawn_release` or `gated_spawn_abandon` (an address, held as an integer so the value stays plain data).
    uintptr_t job;
} gated_child;

/// Creates a child that becomes the leader of a new process group, resets every signal to its default disposition
/// with an empty mask, takes stdin from /dev/null and stdout and stderr from one pipe, changes to `directory`
/// (unless NULL), closes every other descriptor, and then waits at its gate before it runs `path` with `argv` and
/// `envp` (NULL-terminated; copied, so the caller may free them on return). Returns 0 once the child waits at its
/// gate, and fills `child`; or an `errno` value.
///
/// The child is made with `vfork` on a thread of its own, which stays suspended until the child runs the program or
/// exits: it shares the server's memory instead of copying its page tables, so spawning costs the same whatever the
/// server's size, and the server's other threads never take copy-on-write faults for it (a `fork` of the server
/// made every spawn cost milliseconds of the listener's core). Until its `exec` the child calls only
/// async-signal-safe functions, touches nothing but its own stack and the copies made here, and runs with every
/// signal blocked until it has reset them, so no handler of the server ever runs in it.
int gated_spawn(const char *path, char *const argv[], char *const envp[], const char *directory, gated_child *child);

/// Opens the gate: the child runs its program. Returns 0 once it does, or the `errno` of why it could not (the
/// child has then exited with status 127). Closes `gate` and `status`.
int gated_spawn_release(gated_child *child);

/// Closes the gate unopened: the child exits with status 127 without running its program. Closes `gate` and
/// `status`.
void gated_spawn_abandon(gated_child *child);

#endif
