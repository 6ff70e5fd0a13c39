/*
 * Integration harness; see harness.h.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "dates.h"
#include "harness.h"

#define H_ARGS_MAX	64
#define H_READY_S	60	/* sanitizer builds start slowly */
#define H_STOP_S	60

static void
h_die(const char *what)
{
	fprintf(stderr, "harness: %s: %s\n", what, strerror(errno));
	exit(2);
}

void
h_path(const struct h_env *e, char *buf, size_t len, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", e->root, name) >= len) {
		fprintf(stderr, "harness: path too long\n");
		exit(2);
	}
}

void
h_setup(struct h_env *e, const char *bin)
{
	memset(e, 0, sizeof(*e));
	/* A write to a connection the daemon closed is an error, not death. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(e->bin, sizeof(e->bin), "%s", bin);
	snprintf(e->root, sizeof(e->root), "/tmp/sorttp-itest-XXXXXX");
	if (mkdtemp(e->root) == NULL)
		h_die("mkdtemp");
	/*
	 * Started as root, serve switches to the user "sorttp" and takes
	 * the data folder along; that user must be able to pass through.
	 */
	if (chmod(e->root, 0711) == -1)
		h_die("chmod");
	h_path(e, e->data, sizeof(e->data), "data");
	h_path(e, e->log, sizeof(e->log), "serve.log");
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

void
h_teardown(struct h_env *e)
{
	if (e->pid > 0)
		h_stop(e);
	if (getenv("SORTTP_KEEP_TMP") == NULL)
		nftw(e->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	curl_global_cleanup();
}

/* Reads all of fd into a NUL-terminated buffer. */
static char *
read_all(int fd)
{
	char	*buf = NULL, *np;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((np = realloc(buf, cap)) == NULL)
				h_die("realloc");
			buf = np;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static int
run_argv(const struct h_env *e, struct h_out *o, char *const argv[])
{
	int	opipe[2], epipe[2], st;
	pid_t	pid;

	memset(o, 0, sizeof(*o));
	if (pipe(opipe) == -1 || pipe(epipe) == -1)
		h_die("pipe");
	if ((pid = fork()) == -1)
		h_die("fork");
	if (pid == 0) {
		dup2(opipe[1], 1);
		dup2(epipe[1], 2);
		close(opipe[0]);
		close(epipe[0]);
		close(opipe[1]);
		close(epipe[1]);
		execv(e->bin, argv);
		_exit(127);
	}
	close(opipe[1]);
	close(epipe[1]);
	/* stderr is read after stdout; commands here print little. */
	o->out = read_all(opipe[0]);
	o->err = read_all(epipe[0]);
	close(opipe[0]);
	close(epipe[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			h_die("waitpid");
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return o->status;
}

int
h_run(const struct h_env *e, struct h_out *o, ...)
{
	char	*argv[H_ARGS_MAX];
	va_list	 ap;
	int	 n = 0;

	argv[n++] = (char *)(uintptr_t)e->bin;
	va_start(ap, o);
	while (n < H_ARGS_MAX - 1 &&
	    (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(e, o, argv);
}

void
h_out_free(struct h_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}

void
h_init(struct h_env *e)
{
	struct h_out	o;

	if (h_run(e, &o, "init", "--data", e->data, NULL) != 0) {
		fprintf(stderr, "harness: init failed: %s%s\n", o.out, o.err);
		exit(2);
	}
	h_out_free(&o);
}

int
h_party_add(const struct h_env *e, char *token, size_t len,
    const char *name, const char *role, ...)
{
	char		*argv[H_ARGS_MAX], *last, *nl;
	struct h_out	 o;
	va_list		 ap;
	int		 n = 0, rc;

	argv[n++] = (char *)(uintptr_t)e->bin;
	argv[n++] = (char *)(uintptr_t)"party";
	argv[n++] = (char *)(uintptr_t)"add";
	argv[n++] = (char *)(uintptr_t)name;
	argv[n++] = (char *)(uintptr_t)"--role";
	argv[n++] = (char *)(uintptr_t)role;
	va_start(ap, role);
	while (n < H_ARGS_MAX - 3 &&
	    (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n++] = (char *)(uintptr_t)"--data";
	argv[n++] = e->data[0] ? (char *)(uintptr_t)e->data : NULL;
	argv[n] = NULL;
	rc = run_argv(e, &o, argv);
	token[0] = '\0';
	if (rc == 0) {
		/* The token is the last line on stdout. */
		if ((nl = strrchr(o.out, '\n')) != NULL && nl[1] == '\0')
			*nl = '\0';
		last = strrchr(o.out, '\n');
		last = last ? last + 1 : o.out;
		snprintf(token, len, "%s", last);
	} else
		fprintf(stderr, "harness: party add %s: %s", name, o.err);
	h_out_free(&o);
	return rc;
}

int
h_start(struct h_env *e, const char *config, int *status)
{
	struct timespec	 pause = { 0, 20 * 1000 * 1000 };
	time_t		 deadline = time(NULL) + H_READY_S;
	char		*log, *p;
	size_t		 skip, len;
	int		 fd, st;
	pid_t		 pid;

	/* The log accumulates over restarts; look only past its end now. */
	if ((log = h_slurp(e->log, &skip)) == NULL)
		skip = 0;
	free(log);
	if ((fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600)) == -1)
		h_die("open log");
	if ((pid = fork()) == -1)
		h_die("fork");
	if (pid == 0) {
		/*
		 * Both outputs to the log: a daemon left behind by a test that
		 * died must not hold ctest's output pipe open (ctest would wait
		 * for it for ever).
		 */
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		if (config != NULL)
			execl(e->bin, e->bin, "serve", "--data", e->data,
			    "--listen", "127.0.0.1:0", "--config", config,
			    (char *)NULL);
		else
			execl(e->bin, e->bin, "serve", "--data", e->data,
			    "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	close(fd);
	e->pid = pid;
	while (time(NULL) < deadline) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			e->pid = 0;
			if (status != NULL)
				*status = WIFEXITED(st) ? WEXITSTATUS(st) :
				    128 + WTERMSIG(st);
			return -1;
		}
		if ((log = h_slurp(e->log, &len)) != NULL) {
			p = len < skip ? NULL : strstr(log + skip,
			    "sorttp: listening on https://127.0.0.1:");
			if (p != NULL && strchr(p, '\n') != NULL) {
				e->port = (int)strtol(p + strlen("sorttp: "
				    "listening on https://127.0.0.1:"), NULL,
				    10);
				snprintf(e->url, sizeof(e->url),
				    "https://127.0.0.1:%d", e->port);
				free(log);
				return 0;
			}
			free(log);
		}
		nanosleep(&pause, NULL);
	}
	return -1;
}

int
h_stop(struct h_env *e)
{
	struct timespec	pause = { 0, 20 * 1000 * 1000 };
	time_t		deadline = time(NULL) + H_STOP_S;
	int		st;

	if (e->pid <= 0)
		return -1;
	kill(e->pid, SIGTERM);
	while (time(NULL) < deadline) {
		if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
			e->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
		}
		nanosleep(&pause, NULL);
	}
	kill(e->pid, SIGKILL);
	waitpid(e->pid, &st, 0);
	e->pid = 0;
	return -1;
}

struct h_buf {
	char	*p;
	size_t	 len;
};

static size_t
on_write(char *data, size_t size, size_t n, void *arg)
{
	struct h_buf	*b = arg;
	char		*np;

	if ((np = realloc(b->p, b->len + size * n + 1)) == NULL)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, data, size * n);
	b->len += size * n;
	b->p[b->len] = '\0';
	return size * n;
}

struct h_upload {
	size_t	 left;
	size_t	 sent;
};

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct h_upload	*u = arg;
	size_t		 k = size * n < u->left ? size * n : u->left;

	memset(buf, 'x', k);
	u->left -= k;
	u->sent += k;
	return k;
}

/* One request being made: the handle, headers and answer buffers. */
struct h_call {
	CURL			*c;
	struct curl_slist	*hl;
	struct h_buf		 b, hb;
	char			 url[1024], auth[256];
	char			 cafile[H_PATH_MAX + 32];
};

/* A verified-TLS request with token and headers; the body comes after. */
static int
call_begin(struct h_call *k, const struct h_env *e, const char *method,
    const char *path, const char *token, const char *const *headers)
{
	size_t	i;

	memset(k, 0, sizeof(*k));
	if ((k->c = curl_easy_init()) == NULL)
		return -1;
	snprintf(k->url, sizeof(k->url), "%s%s", e->url, path);
	snprintf(k->cafile, sizeof(k->cafile), "%s/tls/cert.pem", e->data);
	curl_easy_setopt(k->c, CURLOPT_URL, k->url);
	curl_easy_setopt(k->c, CURLOPT_CAINFO, k->cafile);
	curl_easy_setopt(k->c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(k->c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(k->c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(k->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(k->c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(k->c, CURLOPT_WRITEDATA, &k->b);
	curl_easy_setopt(k->c, CURLOPT_HEADERFUNCTION, on_write);
	curl_easy_setopt(k->c, CURLOPT_HEADERDATA, &k->hb);
	curl_easy_setopt(k->c, CURLOPT_CUSTOMREQUEST, method);
	if (token != NULL) {
		snprintf(k->auth, sizeof(k->auth), "Authorization: Bearer %s",
		    token);
		k->hl = curl_slist_append(k->hl, k->auth);
	}
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		k->hl = curl_slist_append(k->hl, headers[i]);
	return 0;
}

/* Performs the request and fills r; 0, or -1 on a transport error. */
static int
call_end(struct h_call *k, const char *method, const char *path,
    struct h_resp *r)
{
	CURLcode	rc;

	curl_easy_setopt(k->c, CURLOPT_HTTPHEADER, k->hl);
	rc = curl_easy_perform(k->c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(k->c, CURLINFO_RESPONSE_CODE, &r->status);
	else
		fprintf(stderr, "harness: %s %s: %s\n", method, path,
		    curl_easy_strerror(rc));
	r->body = k->b.p ? k->b.p : strdup("");
	r->len = k->b.len;
	r->headers = k->hb.p ? k->hb.p : strdup("");
	curl_slist_free_all(k->hl);
	curl_easy_cleanup(k->c);
	return rc == CURLE_OK ? 0 : -1;
}

int
h_request(const struct h_env *e, const char *method, const char *path,
    const char *token, const char *const *headers, const char *body,
    size_t body_len, size_t upload_len, struct h_resp *r)
{
	struct h_upload	up = { upload_len, 0 };
	struct h_call	k;
	int		rc;

	memset(r, 0, sizeof(*r));
	if (call_begin(&k, e, method, path, token, headers) == -1)
		return -1;
	if (body != NULL) {
		curl_easy_setopt(k.c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(k.c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)body_len);
	} else if (upload_len > 0) {
		curl_easy_setopt(k.c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(k.c, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)upload_len);
		curl_easy_setopt(k.c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(k.c, CURLOPT_READDATA, &up);
	}
	rc = call_end(&k, method, path, r);
	r->sent = up.sent;
	return rc;
}

int
h_ijw_product(char *xml, size_t len, const char *agb, const char *gem,
    const char *id, const char *bsn, int toew, const char *begin, int reden,
    const char *end)
{
	char	stop[160] = "";
	int	n;

	if (reden != 0 && snprintf(stop, sizeof(stop),
	    "<m:RedenBeeindiging>%02d</m:RedenBeeindiging>"
	    "<m:Einddatum>%s</m:Einddatum>", reden, end) >= (int)sizeof(stop))
		return -1;
	n = snprintf(xml, len,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<m:Bericht xmlns:b=\"http://www.istandaarden.nl/ijw/3_2/"
	    "basisschema/schema\" xmlns:m=\"http://www.istandaarden.nl/ijw/"
	    "3_2/%s/schema\"><m:Header><m:BerichtCode>%d</m:BerichtCode>"
	    "<m:BerichtVersie>3</m:BerichtVersie>"
	    "<m:BerichtSubversie>2</m:BerichtSubversie>"
	    "<m:Afzender>%s</m:Afzender><m:Ontvanger>%s</m:Ontvanger>"
	    "<m:BerichtIdentificatie><b:Identificatie>%s</b:Identificatie>"
	    "<b:Dagtekening>2025-01-01</b:Dagtekening>"
	    "</m:BerichtIdentificatie><m:XsdVersie>"
	    "<b:BasisschemaXsdVersie>1.0.0</b:BasisschemaXsdVersie>"
	    "<b:BerichtXsdVersie>1.0.0</b:BerichtXsdVersie></m:XsdVersie>"
	    "</m:Header><m:Client><m:Bsn>%s</m:Bsn><m:Geboortedatum>"
	    "<b:Datum>2012-06-01</b:Datum></m:Geboortedatum>"
	    "<m:Geslacht>2</m:Geslacht><m:Naam><b:Geslachtsnaam>"
	    "<b:Achternaam>Testkind</b:Achternaam></b:Geslachtsnaam>"
	    "</m:Naam><m:%s><m:%s>"
	    "<m:ToewijzingNummer>%d</m:ToewijzingNummer><m:Product>"
	    "<b:Categorie>45</b:Categorie></m:Product>"
	    "<m:Begindatum>%s</m:Begindatum>%s"
	    "<m:StatusAanlevering>1</m:StatusAanlevering></m:%s></m:%s>"
	    "</m:Client></m:Bericht>",
	    reden ? "jw307" : "jw305", reden ? 440 : 438, agb, gem, id, bsn,
	    reden ? "StopProducten" : "StartProducten",
	    reden ? "StopProduct" : "StartProduct", toew, begin, stop,
	    reden ? "StopProduct" : "StartProduct",
	    reden ? "StopProducten" : "StartProducten");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

long
h_post(const struct h_env *e, const char *path, const char *token,
    const char *const *headers, const char *body, char **answer)
{
	struct h_resp	r;
	long		st;

	h_request(e, "POST", path, token, headers, body, strlen(body), 0, &r);
	st = r.status;
	if (answer != NULL) {
		*answer = r.body;
		r.body = NULL;
	} else if (st != 200 && st != 201)
		fprintf(stderr, "POST %s: %ld %s\n", path, st,
		    r.body ? r.body : "");
	h_resp_free(&r);
	return st;
}

struct cJSON *
h_get_json(const struct h_env *e, const char *token, const char *path,
    long *status, char **raw)
{
	struct h_resp	r;
	cJSON		*j = NULL;

	h_request(e, "GET", path, token, NULL, NULL, 0, 0, &r);
	*status = r.status;
	if (r.status == 200 && r.body && r.body[0] == '{')
		j = cJSON_Parse(r.body);
	if (raw != NULL) {
		*raw = r.body;
		r.body = NULL;
	}
	h_resp_free(&r);
	return j;
}

void
h_resp_free(struct h_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

char *
h_slurp(const char *path, size_t *lenp)
{
	char	*buf;
	int	 fd;
	size_t	 len;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	buf = read_all(fd);
	close(fd);
	len = strlen(buf);
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

int
h_file_contains(const char *path, const void *needle, size_t nlen)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd, found;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	if (fstat(fd, &sb) == -1 || (buf = malloc((size_t)sb.st_size +
	    1)) == NULL) {
		close(fd);
		return 0;
	}
	while (off < (size_t)sb.st_size &&
	    (n = read(fd, buf + off, (size_t)sb.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	found = memmem(buf, off, needle, nlen) != NULL;
	free(buf);
	return found;
}

void
h_write_file(const char *path, const char *text, int mode)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		h_die(path);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

struct h_stream {
	const char	*p;
	size_t		 left;
	size_t		 chunk;
	int		 delay_ms;
	size_t		 sent;
};

static size_t
on_stream(char *buf, size_t size, size_t n, void *arg)
{
	struct h_stream	*s = arg;
	struct timespec	 pause;
	size_t		 k = size * n;

	if (k > s->chunk)
		k = s->chunk;
	if (k > s->left)
		k = s->left;
	if (s->delay_ms > 0 && s->sent > 0 && k > 0) {
		pause.tv_sec = s->delay_ms / 1000;
		pause.tv_nsec = (long)(s->delay_ms % 1000) * 1000000L;
		nanosleep(&pause, NULL);
	}
	memcpy(buf, s->p, k);
	s->p += k;
	s->left -= k;
	s->sent += k;
	return k;
}

int
h_request_stream(const struct h_env *e, const char *method, const char *path,
    const char *token, const char *const *headers, const char *body,
    size_t len, size_t chunk, int delay_ms, struct h_resp *r)
{
	struct h_stream	st = { body, len, chunk, delay_ms, 0 };
	struct h_call	k;
	int		rc;

	memset(r, 0, sizeof(*r));
	if (call_begin(&k, e, method, path, token, headers) == -1)
		return -1;
	curl_easy_setopt(k.c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(k.c, CURLOPT_READFUNCTION, on_stream);
	curl_easy_setopt(k.c, CURLOPT_READDATA, &st);
	k.hl = curl_slist_append(k.hl, "Transfer-Encoding: chunked");
	rc = call_end(&k, method, path, r);
	r->sent = st.sent;
	return rc;
}

void
h_config(const struct h_env *e, const char *name, const char *json,
    char *path, size_t len)
{
	static const char *const refs[] = {
		"gemeenten.json", "questionnaires/cem-plus-2026.json"
	};
	char	src[1024], dst[H_PATH_MAX + 64], *data;
	size_t	i;

	h_path(e, dst, sizeof(dst), "questionnaires");
	mkdir(dst, 0700);
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		snprintf(src, sizeof(src), "%s/config/%s", SORTTP_SOURCE_DIR,
		    refs[i]);
		if ((data = h_slurp(src, NULL)) == NULL) {
			fprintf(stderr, "harness: missing %s\n", src);
			exit(2);
		}
		h_path(e, dst, sizeof(dst), refs[i]);
		h_write_file(dst, data, 0600);
		free(data);
	}
	h_path(e, path, len, name);
	h_write_file(path, json, 0600);
}

int
h_config_refused(const struct h_env *e, const char *json, const char *want)
{
	char		path[H_PATH_MAX];
	struct h_out	o;
	int		rc, ok;

	h_config(e, "refused.json", json, path, sizeof(path));
	rc = h_run(e, &o, "check-config", "--config", path, NULL);
	ok = rc == 1 && strstr(o.err, want) != NULL;
	if (!ok)
		fprintf(stderr, "check-config %s: exit %d: %s\n", json, rc,
		    o.err);
	h_out_free(&o);
	return ok ? 0 : -1;
}

/* Runs sql read-only; fills *i or *d from the first column. */
static int
db_first(const struct h_env *e, const char *sql, long long *i, double *d)
{
	char		 path[H_PATH_MAX + 32];
	sqlite3		*db;
	sqlite3_stmt	*s;
	int		 rc = -1;

	snprintf(path, sizeof(path), "%s/sorttp.db", e->data);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW) {
			*i = sqlite3_column_int64(s, 0);
			*d = sqlite3_column_double(s, 0);
			rc = 0;
		}
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return rc;
}

int
h_db_exec(const struct h_env *e, const char *sql)
{
	char	 path[H_PATH_MAX + 32];
	sqlite3	*db;
	int	 rc;

	snprintf(path, sizeof(path), "%s/sorttp.db", e->data);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sqlite3_close(db);
	return rc;
}

long long
h_db_count(const struct h_env *e, const char *sql)
{
	long long	i;
	double		d;

	return db_first(e, sql, &i, &d) == 0 ? i : -1;
}

double
h_db_double(const struct h_env *e, const char *sql)
{
	long long	i;
	double		d;

	return db_first(e, sql, &i, &d) == 0 ? d : -1;
}

size_t
h_leaks(const struct h_env *e, const char *const *secrets, size_t n)
{
	static const char *const files[] = {
		"sorttp.db", "sorttp.db-wal", "sorttp.db-shm"
	};
	char	path[H_PATH_MAX + 32];
	size_t	i, k, found = 0;

	for (k = 0; k <= sizeof(files) / sizeof(files[0]); k++) {
		if (k < sizeof(files) / sizeof(files[0]))
			snprintf(path, sizeof(path), "%s/%s", e->data,
			    files[k]);
		else
			snprintf(path, sizeof(path), "%s", e->log);
		for (i = 0; i < n; i++) {
			if (h_file_contains(path, secrets[i],
			    strlen(secrets[i]))) {
				/* Says which; the value itself is a test one. */
				fprintf(stderr, "harness: %s holds secret #%zu\n",
				    path, i);
				found++;
			}
		}
	}
	return found;
}

int
h_wait_reports(const struct h_env *e, int seconds)
{
	char		path[H_PATH_MAX + 64];
	struct stat	sb;
	int		today = date_today(time(NULL)), month, i;

	month = (today / 10000) * 12 + (today / 100) % 100 - 1 - 1;
	snprintf(path, sizeof(path), "%s/reports/.done-%04d-%02d", e->data,
	    month / 12, month % 12 + 1);
	for (i = 0; i < seconds * 10; i++) {
		if (stat(path, &sb) == 0)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}
