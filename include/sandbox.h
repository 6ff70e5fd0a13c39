/*
 * Least privilege for sorttp serve: switch from root to an unprivileged
 * user once everything privileged is done (socket bound, key, certificate
 * and configuration loaded), then confine every thread to an allow-list
 * of system calls (seccomp, libseccomp).
 */
#ifndef SORTTP_SANDBOX_H
#define SORTTP_SANDBOX_H

#include <sys/types.h>

#include "config.h"

#define SANDBOX_DEFAULT_USER	"sorttp"

struct sandbox_user {
	int	 drop;			/* 0: stay as we are */
	uid_t	 uid;
	gid_t	 gid;
	char	 name[CFG_USER_MAX];
};

/*
 * Decides whom to become. Not root: nobody, nothing to drop. Root: the
 * configured user, or "sorttp". A configured user that does not exist is
 * an error; a missing "sorttp" is a warning and the daemon stays root,
 * unless the configuration says production, which refuses that.
 */
int	sandbox_user(const struct config *, struct sandbox_user *, char *err,
	    size_t errlen);

/*
 * Hands the data folder and the database files to the user (they are
 * written after the switch), then switches: groups, gid, uid, and checks
 * that root cannot be regained. A no-op when u->drop is 0. When the user
 * cannot reach the folder (a closed folder above it), the daemon stays
 * root with a warning, or refuses to start in production.
 */
int	sandbox_drop(const struct sandbox_user *u, const char *dir,
	    int production, char *err, size_t errlen);

/*
 * Loads the system-call filter into every thread of the process. A call
 * off the list kills the process (CFG_SECCOMP_KILL) or is only logged by
 * the kernel (CFG_SECCOMP_LOG).
 */
int	sandbox_seccomp(enum cfg_seccomp mode, char *err, size_t errlen);

#endif
