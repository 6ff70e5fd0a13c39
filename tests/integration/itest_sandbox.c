/*
 * Least privilege: started as root, serve runs as the user "sorttp" with a
 * seccomp filter on every thread (Seccomp: 2 in /proc/PID/status), and a
 * system call off its list ends the process (SIGSYS). The forbidden call
 * is injected from outside with gdb, so the daemon carries no test
 * trigger; with "seccomp": "log" the same call is only logged.
 *
 * Needs root and gdb (CI has both); without them it is skipped (77).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define SKIP	77

static struct h_env	e;

/* The value after "Name:" in /proc/PID/status, first field, or -1. */
static long
status_field(const char *name)
{
	char	path[64], *s, *p;
	size_t	len;
	long	v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)e.pid);
	if ((s = h_slurp(path, &len)) == NULL)
		return -1;
	if ((p = strstr(s, name)) != NULL)
		v = strtol(p + strlen(name), NULL, 10);
	free(s);
	return v;
}

/* Makes the daemon call socket(2) through gdb; 0 when gdb ran. */
static int
inject_socket_call(void)
{
	char	cmd[256];

	snprintf(cmd, sizeof(cmd), "timeout 120 gdb -p %d -batch -nx "
	    "-ex 'call (int)socket(2, 1, 0)' >/dev/null 2>&1", (int)e.pid);
	(void)system(cmd);
	return 0;
}

/* Waits for the daemon (our child) to end; its wait status, or -1. */
static int
reap(int seconds)
{
	struct timespec	pause = { 0, 100 * 1000 * 1000 };
	int		st, i;

	for (i = 0; i < seconds * 10; i++) {
		if (waitpid(e.pid, &st, WNOHANG) == e.pid) {
			e.pid = 0;
			return st;
		}
		nanosleep(&pause, NULL);
	}
	return -1;
}

static void
test_confined(void)
{
	struct passwd	*pw = getpwnam("sorttp");
	struct h_resp	 r;
	struct stat	 sb;
	int		 st;

	CHECK(pw != NULL);
	CHECK_EQ_INT(h_start(&e, NULL, NULL), 0);
	CHECK_EQ_INT(status_field("Seccomp:"), 2);
	CHECK_EQ_INT(status_field("NoNewPrivs:"), 1);
	if (pw != NULL) {
		CHECK_EQ_INT(status_field("Uid:"), pw->pw_uid);
		CHECK_EQ_INT(status_field("Gid:"), pw->pw_gid);
		CHECK(stat(e.data, &sb) == 0 && sb.st_uid == pw->pw_uid);
	}
	CHECK_EQ_INT(h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0,
	    &r), 0);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);

	inject_socket_call();
	st = reap(60);
	CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	if (st == -1)
		(void)h_stop(&e);	/* it survived the call: stop it */
	if (st != -1 && !WIFSIGNALED(st))
		fprintf(stderr, "itest_sandbox: daemon exited %d instead\n",
		    WEXITSTATUS(st));
}

/* The debug setting: the same call is logged by the kernel, not fatal. */
static void
test_log_mode(void)
{
	struct h_resp	r;
	char		cfg[H_PATH_MAX];

	h_config(&e, "log.json", "{\"seccomp\": \"log\"}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_start(&e, cfg, NULL), 0);
	CHECK_EQ_INT(status_field("Seccomp:"), 2);
	inject_socket_call();
	CHECK_EQ_INT(h_request(&e, "GET", "/healthz", NULL, NULL, NULL, 0, 0,
	    &r), 0);
	CHECK_EQ_INT(r.status, 200);
	h_resp_free(&r);
	CHECK_EQ_INT(h_stop(&e), 0);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_sandbox SORTTP_BINARY\n");
		return 2;
	}
	if (geteuid() != 0 || getpwnam("sorttp") == NULL ||
	    system("command -v gdb >/dev/null 2>&1") != 0) {
		fprintf(stderr, "itest_sandbox: SKIPPED: needs root, the user "
		    "sorttp (scripts/test.sh creates it) and gdb\n");
		return SKIP;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	test_confined();
	test_log_mode();
	h_teardown(&e);
	return test_done("integration_sandbox");
}
