#ifndef GITOPS_BRIDGE_SPAWN_CLOSE_FROM_H
#define GITOPS_BRIDGE_SPAWN_CLOSE_FROM_H

#include <spawn.h>

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not expose: the
/// spawned child closes every descriptor from `from` up. Returns 0 or an `errno` value.
int spawn_file_actions_close_from(posix_spawn_file_actions_t *actions, int from);

#endif
