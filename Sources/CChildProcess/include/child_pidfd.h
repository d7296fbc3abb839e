#ifndef GITOPS_BRIDGE_CHILD_PIDFD_H
#define GITOPS_BRIDGE_CHILD_PIDFD_H

#include <sys/epoll.h>
#include <sys/types.h>

/// `pidfd_open(2)` (Linux 5.3): a descriptor for the process `pid`, close-on-exec, which polls readable once the
/// process has exited; -1 with `errno` set (ENOSYS on an older kernel). Called through `syscall`, which Swift cannot
/// call (it is variadic).
int child_pidfd_open(pid_t pid);

#endif
