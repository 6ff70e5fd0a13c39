/*
 * Integration test harness: runs the real sorttp binary in a fresh data
 * folder, starts `sorttp serve` on 127.0.0.1:0, waits for its ready line and
 * talks to it over TLS with libcurl, verifying the daemon's certificate.
 */
#ifndef SORTTP_HARNESS_H
#define SORTTP_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include "test.h"

#define H_PATH_MAX	512

struct h_env {
	char	 bin[H_PATH_MAX];	/* the sorttp binary */
	char	 root[H_PATH_MAX];	/* temp folder holding all below */
	char	 data[H_PATH_MAX];	/* the data folder */
	char	 log[H_PATH_MAX];	/* the daemon's stderr */
	pid_t	 pid;			/* the daemon, or 0 */
	int	 port;
	char	 url[128];		/* https://127.0.0.1:PORT */
};

struct h_out {
	int	 status;		/* exit code, or 128+signal */
	char	*out;			/* stdout, NUL-terminated */
	char	*err;			/* stderr, NUL-terminated */
};

struct h_resp {
	long	 status;		/* HTTP status, 0 on transport error */
	char	*body;
	size_t	 len;
	char	*headers;		/* raw response headers */
	size_t	 sent;			/* request body bytes curl sent */
};

/* Creates root and data paths (data is not created: init does that). */
void	h_setup(struct h_env *, const char *bin);
/* Stops the daemon if running and removes the temp folder. */
void	h_teardown(struct h_env *);

/* Runs bin with the NULL-terminated arguments; captures both streams. */
int	h_run(const struct h_env *, struct h_out *, ...)
	    __attribute__((sentinel));
void	h_out_free(struct h_out *);

/* sorttp init --data DATA; aborts the test on failure. */
void	h_init(struct h_env *);

/*
 * sorttp party add NAME --role ROLE [extra args...] --data DATA; returns
 * the token (the last stdout line) in a static-size buffer.
 */
int	h_party_add(const struct h_env *, char *token, size_t len,
	    const char *name, const char *role, ...)
	    __attribute__((sentinel));

/*
 * Starts `sorttp serve --data DATA --listen 127.0.0.1:0 [--config F]` and
 * waits for the ready line. Returns 0, or -1 when the daemon exited first
 * (its exit status then in *status) or did not become ready in time.
 */
int	h_start(struct h_env *, const char *config, int *status);

/* SIGTERM, then wait; returns the daemon's exit status (-1 on timeout). */
int	h_stop(struct h_env *);

/*
 * One HTTPS request. token may be NULL; headers is a NULL-terminated list
 * of "Name: value" strings or NULL; body may be NULL. For an upload of
 * upload_len bytes that are produced lazily, pass body NULL and upload_len
 * > 0: the bytes are 'x's, and resp->sent counts how many curl sent.
 */
int	h_request(const struct h_env *, const char *method, const char *path,
	    const char *token, const char *const *headers, const char *body,
	    size_t body_len, size_t upload_len, struct h_resp *);
void	h_resp_free(struct h_resp *);

/*
 * POST body (a string) with headers; returns the status. answer, when not
 * NULL, takes the body (the caller frees it); otherwise a status other
 * than 200/201 is printed with the body, for the test's log.
 */
long	h_post(const struct h_env *, const char *path, const char *token,
	    const char *const *headers, const char *body, char **answer);

/*
 * An iJw message for one product of client bsn (with a name, which must
 * never be stored): a JW305 start when reden is 0, else a JW307 stop
 * ending on end. id names the message (its BerichtIdentificatie).
 * Returns 0, or -1 when it does not fit in len.
 */
int	h_ijw_product(char *xml, size_t len, const char *agb, const char *gem,
	    const char *id, const char *bsn, int toew, const char *begin,
	    int reden, const char *end);

/*
 * GET path; *status is the HTTP status. Returns the body parsed when the
 * status is 200 and the body a JSON object, else NULL; raw, when not NULL,
 * takes the body (the caller frees it).
 */
struct cJSON *h_get_json(const struct h_env *, const char *token,
	    const char *path, long *status, char **raw);

/*
 * Sends body with chunked transfer encoding (no Content-Length), chunk
 * bytes at a time, sleeping delay_ms between chunks: a slow client.
 */
int	h_request_stream(const struct h_env *, const char *method,
	    const char *path, const char *token, const char *const *headers,
	    const char *body, size_t len, size_t chunk, int delay_ms,
	    struct h_resp *);

/* Reads a whole file (NULL when missing) / tests whether it contains s. */
char	*h_slurp(const char *path, size_t *len);
int	h_file_contains(const char *path, const void *needle, size_t len);

/*
 * The privacy scan: looks for each of the n strings in the database, its
 * WAL and shared-memory files and the daemon's log, byte for byte.
 * Returns how many (file, string) pairs were found, naming each.
 */
size_t	h_leaks(const struct h_env *, const char *const *secrets, size_t n);

/* Writes a file with the given mode. */
void	h_write_file(const char *path, const char *text, int mode);

/*
 * Writes root/NAME with json, beside copies of the source tree's reference
 * data (gemeenten.json, questionnaires/), as an operator's config folder.
 * path receives root/NAME.
 */
void	h_config(const struct h_env *, const char *name, const char *json,
	    char *path, size_t len);
/*
 * Writes json as a config beside the reference files and runs
 * check-config on it: 0 when that exits 1 with want in its error, else -1
 * (printing what it said).
 */
int	h_config_refused(const struct h_env *, const char *json,
	    const char *want);

/*
 * The first column of the first row of a query on the data folder's
 * database, opened read-only beside the running daemon; -1 on error.
 */
long long h_db_count(const struct h_env *, const char *sql);
double	h_db_double(const struct h_env *, const char *sql);
/*
 * Runs sql read-write on the data folder's database (a test that must
 * move time: an expiry into the past); 0 or -1.
 */
int	h_db_exec(const struct h_env *, const char *sql);

/*
 * Waits up to seconds for the daemon's report run of the previous month
 * to be marked done (it starts with the daemon when report_day has
 * passed). A test whose expected suppression pattern is worked out for
 * its final data waits for it before sending any: a snapshot built on
 * part of the data would be in the disclosure history (dc_history.h).
 * 0, or -1 on time-out.
 */
int	h_wait_reports(const struct h_env *, int seconds);

/* Joins root-relative paths: buf = root/name. */
void	h_path(const struct h_env *, char *buf, size_t len, const char *name);

#endif
