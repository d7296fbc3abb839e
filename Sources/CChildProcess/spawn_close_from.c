#define _GNU_SOURCE
#include "spawn_close_from.h"

int spawn_file_actions_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
