/*
 * sorttp serve: the HTTPS daemon.
 *
 * Start-up order: configuration, key (refused when group or others can read
 * it), database (refused when bound to another key), TLS material, then the
 * listener. Signals are blocked before any thread starts and taken by this
 * thread with sigwait, so no handler ever runs inside a request. On SIGTERM
 * or SIGINT the daemon stops accepting, lets requests in flight finish
 * (bounded by shutdown_grace_s), closes the database and wipes the key.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "api.h"
#include "cmd.h"
#include "disclosure.h"
#include "feed.h"
#include "purge.h"
#include "http_server.h"
#include "log.h"
#include "pseudonym.h"
#include "sandbox.h"
#include "indicators.h"
#include "questionnaire.h"
#include "report.h"
#include "store.h"
#include "util.h"

#define TLS_PEM_MAX	(64 * 1024)

static const struct cmd_help serve_help = { "serve",
	"usage: sorttp serve --data DIR [--listen ADDR:PORT] "
	"[--config FILE]\n"
	"\n"
	"Runs the HTTPS daemon. --listen overrides the configured address "
	"(default\n"
	"0.0.0.0:8443); port 0 picks a free port. When listening, prints one "
	"line on\n"
	"stderr: 'sorttp: listening on https://ADDR:PORT'. SIGTERM or SIGINT "
	"stops it\n"
	"cleanly.\n"
};

/* A TLS file, resolved against the data folder, read into memory. */
static char *
read_tls(const char *dir, const char *p, int secret)
{
	struct stat	 sb;
	char		 path[CFG_PATH_MAX], *data;
	size_t		 len;

	if (cmd_data_path(path, sizeof(path), dir, p) == -1)
		return NULL;
	if (secret && stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		log_error("TLS key %s is accessible by group or others (mode "
		    "%04o); run: chmod 600 %s", path,
		    (unsigned)(sb.st_mode & 07777), path);
		return NULL;
	}
	if (util_read_file(path, TLS_PEM_MAX, &data, &len) == -1) {
		log_error("TLS file %s: %s", path, strerror(errno));
		return NULL;
	}
	return data;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* Waits for SIGTERM or SIGINT; SIGHUP is logged and otherwise ignored. */
static void
wait_for_stop(const sigset_t *set)
{
	int	sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: restart to reload the "
			    "configuration");
			continue;
		}
		log_info("signal %d: stopping", sig);
		return;
	}
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config	 cfg;
	struct http_env		 env;
	struct http_server	*srv = NULL;
	struct cmd_data		 d = { "", "", NULL, NULL };
	struct store_msgw	*msgw = NULL;
	struct quest_set	*quest = NULL;
	struct ind_engine	*ind = NULL;
	struct report_sched	*rsched = NULL;
	struct purge_thread	*purger = NULL;
	struct sandbox_user	 su;
	sigset_t		 set;
	const char		*dir = NULL, *config = NULL, *listen = NULL;
	char			 err[512];
	char			*cert = NULL, *key = NULL, *ca = NULL;
	int			 opt, rc, ret = 1, lock, from;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		default:
			return cmd_getopt_common(&serve_help, opt, argv);
		}
	}
	if ((rc = cmd_args_end(&serve_help, argc, argv, dir, 1)) != 0)
		return rc;
	/*
	 * One daemon per data folder, and restore and migrate wait for
	 * none; an older schema is backed up, then migrated, before use.
	 */
	if ((lock = cmd_data_lock(dir, "serve")) == -1)
		return 1;
	if (cmd_migrate_data(dir, &from, err, sizeof(err)) == -1 ||
	    cmd_open(&d, dir, config, &cfg, err, sizeof(err)) == -1) {
		if (err[0] != '\0')
			log_error("%s", err);
		close(lock);
		return 1;
	}
	if (listen == NULL)
		listen = cfg.listen;
	if (sandbox_user(&cfg, &su, err, sizeof(err)) == -1 ||
	    cmd_key_check(&cfg, dir, d.keyp) == -1) {
		if (err[0] != '\0')
			log_error("%s", err);
		goto out;
	}
	if (feed_init(d.st) == -1)
		log_warn("feed metrics: the last upload times are not known "
		    "until the next uploads");
	if ((cert = read_tls(dir, cfg.tls_cert, 0)) == NULL ||
	    (key = read_tls(dir, cfg.tls_key, 1)) == NULL ||
	    (cfg.tls_client_ca[0] != '\0' &&
	    (ca = read_tls(dir, cfg.tls_client_ca, 0)) == NULL))
		goto out;

	/* Block before the listener's threads exist, so they inherit it. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((quest = calloc(1, sizeof(*quest))) == NULL ||
	    quest_load_config(&cfg, quest, err, sizeof(err)) == -1) {
		log_error("questionnaires: %s", quest ? err : "out of memory");
		goto out;
	}
	if (store_msgw_start(d.st, &msgw, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto out;
	}
	if (ind_engine_open_key(&cfg, quest, d.dbp, 1, d.pc, &ind, err,
	    sizeof(err)) == -1) {
		log_error("indicators: %s", err);
		goto out;
	}
	memset(&env, 0, sizeof(env));
	env.ind = ind;
	env.cfg = &cfg;
	env.store = d.st;
	env.pseudo = d.pc;
	env.msgw = msgw;
	env.quest = quest;
	env.data_dir = dir;
	env.started_ns = util_now_ns();
	api_routes_init();
	if (http_server_start(&srv, &env, api_routes, listen, cert, key, ca,
	    err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto out;
	}
	/* Bound, key and files loaded: give up root, then confine. */
	report_pdf_preload();
	if (sandbox_drop(&su, dir, cfg.production, err, sizeof(err)) == -1 ||
	    sandbox_seccomp(cfg.seccomp, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto out;
	}
	/*
	 * Threads that write files start only now, as the daemon user: a
	 * report or a WAL file made by root before the drop would be one the
	 * daemon can no longer write.
	 */
	if (report_sched_start(&cfg, ind, d.st, dir, &rsched, err,
	    sizeof(err)) == -1) {
		log_error("%s", err);
		goto out;
	}
	/* The bewaartermijnen, applied daily (purge.c). */
	if (purge_start(&cfg, d.dbp, &purger, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto out;
	}
	http_server_open(srv);
	fprintf(stderr, "sorttp: listening on %s\n", http_server_url(srv));
	fflush(stderr);
	store_audit(d.st, 0, "serve_start", NULL);
	wait_for_stop(&set);
	/* A snapshot build in progress gives up (its LP audit is long). */
	dc_stop();
	http_server_stop(srv, config_limit(&cfg, LIMIT_SHUTDOWN_GRACE_S));
	store_audit(d.st, 0, "serve_stop", NULL);
	log_info("stopped cleanly");
	ret = 0;
out:
	report_sched_stop(rsched);
	purge_stop(purger);
	ind_engine_close(ind);
	store_msgw_stop(msgw);
	free(quest);
	cmd_close(&d);
	free_secret(key);
	free(cert);
	free(ca);
	close(lock);
	return ret;
}
