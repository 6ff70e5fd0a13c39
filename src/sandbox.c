/*
 * Privilege drop and seccomp for sorttp serve; see sandbox.h.
 *
 * Why: the daemon parses XML, CSV and JSON from the network. Should one of
 * those parsers be exploited, the attacker should hold neither root nor
 * the ability to start programs, open sockets or trace processes: what
 * remains is what the daemon itself does, reading and writing its
 * database and answering its connections.
 *
 * The allow-list is the daemon's own working set: file I/O on already
 * chosen paths (SQLite opens, locks, syncs and truncates its files; the
 * indicator engine opens a read-only connection), memory, threads (one per
 * connection), sockets that already exist (accept, recv, send, poll),
 * time, randomness and signals. Missing on purpose: socket, connect,
 * bind, listen, execve, fork-style clone, ptrace, mount, setuid and the
 * other credential calls, module and key management. Sanitizer builds
 * add what ASan/LSan/UBSan need to report and to check for leaks at exit
 * (they stop the world with ptrace and may start a symbolizer).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "util.h"

static const char *const allowed[] = {
	/* files */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv",
	"pwritev", "lseek", "close", "close_range", "fstat", "newfstatat",
	"stat", "lstat", "statx", "access", "faccessat", "faccessat2",
	"open", "openat", "fsync", "fdatasync", "ftruncate", "fallocate",
	"fcntl", "flock", "unlink", "unlinkat", "rename", "renameat",
	"renameat2", "mkdir", "mkdirat", "rmdir", "getcwd", "readlink",
	"readlinkat", "getdents", "getdents64", "fadvise64", "dup", "dup2",
	"dup3", "fchown", "statfs", "fstatfs",
	"umask", "fchmod", "utimensat",
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mlock",
	"munlock", "mincore",
	/* threads and time */
	"futex", "set_robust_list", "get_robust_list", "rseq", "gettid",
	"getpid", "getppid", "tgkill", "tkill", "exit", "exit_group",
	"sched_yield", "sched_getaffinity", "nanosleep", "clock_nanosleep",
	"clock_gettime", "clock_getres", "gettimeofday", "time",
	"restart_syscall", "membarrier", "getuid", "geteuid", "getgid",
	"getegid", "sysinfo", "uname", "getrlimit", "prlimit64",
	"getrusage", "getpriority",
	/* signals */
	"rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "rt_sigtimedwait",
	"sigaltstack",
	/* sockets that exist already */
	"accept", "accept4", "recvfrom", "recvmsg", "recvmmsg", "sendto",
	"sendmsg", "sendmmsg", "shutdown", "setsockopt", "getsockopt",
	"getsockname", "getpeername", "poll", "ppoll", "select",
	"pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd2", "pipe",
	"pipe2", "ioctl",
	/* randomness */
	"getrandom",
	NULL
};

/* What the sanitizers' runtimes need on top (reports, leak check). */
static const char *const allowed_sanitizer[] = {
	"ptrace", "wait4", "waitid", "prctl", "process_vm_readv", "kill",
	"execve", "vfork", "fork", "sched_getparam", "sched_setaffinity",
	"personality", "getpgid", "setpgid", "getsid", "set_tid_address",
	"arch_prctl", "socketpair",
	NULL
};

int
sandbox_user(const struct config *cfg, struct sandbox_user *u, char *err,
    size_t errlen)
{
	struct passwd	*pw;
	const char	*name;

	memset(u, 0, sizeof(*u));
	if (geteuid() != 0)
		return 0;
	name = cfg->user[0] != '\0' ? cfg->user : SANDBOX_DEFAULT_USER;
	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		if (cfg->user[0] != '\0' || cfg->production) {
			util_fmt(err, errlen, "user %s does not exist; create "
			    "it (useradd --system --no-create-home --shell "
			    "/usr/sbin/nologin %s) or set \"user\"", name,
			    name);
			return -1;
		}
		log_warn("started as root and there is no user %s to switch "
		    "to: staying root. Create it: useradd --system "
		    "--no-create-home --shell /usr/sbin/nologin %s", name,
		    name);
		return 0;
	}
	if (pw->pw_uid == 0) {
		util_fmt(err, errlen, "user %s is root; name an unprivileged "
		    "user", name);
		return -1;
	}
	u->drop = 1;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	(void)util_fmt(u->name, sizeof(u->name), "%s", name);
	return 0;
}

/* Gives path to the user, when it exists. */
static int
give(const struct sandbox_user *u, const char *dir, const char *name,
    char *err, size_t errlen)
{
	char	path[CFG_PATH_MAX];

	if (name == NULL)
		(void)util_fmt(path, sizeof(path), "%s", dir);
	else if (util_path_join(path, sizeof(path), dir, name) == -1) {
		util_fmt(err, errlen, "path too long: %s/%s", dir, name);
		return -1;
	}
	if (chown(path, u->uid, u->gid) == -1 && errno != ENOENT) {
		util_fmt(err, errlen, "cannot hand %s to user %s: %s", path,
		    u->name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Whether the user can reach and write dir: every folder above it must
 * let the user pass. Tried with the user's effective ids, then back.
 */
static int
reachable(const struct sandbox_user *u, const char *dir)
{
	int	ok;

	if (setegid(u->gid) == -1)
		return 0;
	if (seteuid(u->uid) == -1) {
		if (setegid(0) == -1)
			fatal("cannot return to root after an access check");
		return 0;
	}
	/* access() would check the real ids, which are still root's. */
	ok = faccessat(AT_FDCWD, dir, R_OK | W_OK | X_OK, AT_EACCESS) == 0;
	if (seteuid(0) == -1 || setegid(0) == -1)
		fatal("cannot return to root after an access check");
	return ok;
}

int
sandbox_drop(const struct sandbox_user *u, const char *dir,
    int production, char *err, size_t errlen)
{
	static const char *const files[] = {
		"sorttp.db", "sorttp.db-wal", "sorttp.db-shm", "reports",
		"staging", NULL
	};
	size_t	i;

	if (!u->drop)
		return 0;
	if (give(u, dir, NULL, err, errlen) == -1)
		return -1;
	for (i = 0; files[i] != NULL; i++)
		if (give(u, dir, files[i], err, errlen) == -1)
			return -1;
	if (!reachable(u, dir)) {
		if (production) {
			util_fmt(err, errlen, "user %s cannot reach the data "
			    "folder %s (a folder above it is closed to it)",
			    u->name, dir);
			return -1;
		}
		log_warn("user %s cannot reach the data folder %s (a folder "
		    "above it is closed to it): staying root. Move the folder "
		    "or open the path (chmod o+x)", u->name, dir);
		return 0;
	}
	if (setgroups(0, NULL) == -1 || setgid(u->gid) == -1 ||
	    setuid(u->uid) == -1) {
		util_fmt(err, errlen, "cannot switch to user %s: %s", u->name,
		    strerror(errno));
		return -1;
	}
	if (setuid(0) != -1 || geteuid() == 0) {
		util_fmt(err, errlen, "switched to user %s but root could be "
		    "regained", u->name);
		return -1;
	}
	log_info("running as user %s (uid %u)", u->name, (unsigned)u->uid);
	return 0;
}

static int
allow_list(scmp_filter_ctx ctx, const char *const *names, char *err,
    size_t errlen)
{
	int	nr;
	size_t	i;

	for (i = 0; names[i] != NULL; i++) {
		/* A name this architecture does not have is skipped. */
		if ((nr = seccomp_syscall_resolve_name(names[i])) ==
		    __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0) {
			util_fmt(err, errlen, "seccomp: cannot allow %s",
			    names[i]);
			return -1;
		}
	}
	return 0;
}

/* clone for threads only: a new process (no CLONE_THREAD) is refused. */
static int
allow_threads(scmp_filter_ctx ctx, int sanitized)
{
	int	nr = seccomp_syscall_resolve_name("clone");

	if (sanitized)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
		    seccomp_syscall_resolve_name("clone3"), 0) < 0 ? -1 : 0;
	/* Threads may name themselves (prctl PR_SET_NAME), nothing more. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
	    seccomp_syscall_resolve_name("prctl"), 1,
	    SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME, 0)) < 0)
		return -1;
	/*
	 * clone3 passes its flags in memory, where a filter cannot look:
	 * answer ENOSYS, and glibc falls back to clone.
	 */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD))
	    < 0 || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    seccomp_syscall_resolve_name("clone3"), 0) < 0)
		return -1;
	return 0;
}

int
sandbox_seccomp(enum cfg_seccomp mode, char *err, size_t errlen)
{
	scmp_filter_ctx	 ctx;
	int		 sanitized = 0, rc;

	if (errlen > 0)
		err[0] = '\0';

#if defined(__SANITIZE_ADDRESS__)
	sanitized = 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
	sanitized = 1;
#endif
#endif
#ifdef SORTTP_SANITIZED
	sanitized = 1;
#endif
	ctx = seccomp_init(mode == CFG_SECCOMP_LOG ? SCMP_ACT_LOG :
	    SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL) {
		util_fmt(err, errlen, "seccomp: cannot start a filter");
		return -1;
	}
	/* Every thread, those of libmicrohttpd and SQLite's included. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) < 0 ||
	    allow_list(ctx, allowed, err, errlen) == -1 ||
	    (sanitized && allow_list(ctx, allowed_sanitizer, err,
	    errlen) == -1) || allow_threads(ctx, sanitized) == -1) {
		if (err[0] == '\0')
			util_fmt(err, errlen, "seccomp: cannot build the "
			    "filter");
		seccomp_release(ctx);
		return -1;
	}
	if ((rc = seccomp_load(ctx)) < 0) {
		util_fmt(err, errlen, "seccomp: cannot load the filter: %s",
		    strerror(-rc));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	log_info("seccomp filter on (%s)", mode == CFG_SECCOMP_LOG ?
	    "log only" : "forbidden calls kill");
	return 0;
}
