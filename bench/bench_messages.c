/*
 * Berichtenverkeer benchmark helper (bench/bench_messages.sh drives it):
 *
 *   bench_messages gen N DIR            N iJw messages as files (30% JW301,
 *                                       40% JW305, 30% JW307) in DIR/NNN/
 *   bench_messages parse DIR            libxml2 parse rate of those files
 *                                       (xmlReadMemory, in memory)
 *   bench_messages ijw DIR              sorttp's iJw parser over the same
 *                                       files: messages/s and CPU us per
 *                                       message (this thread's CPU time)
 *   bench_messages http URL TOKEN CA DIR CLIENTS
 *                                       POSTs every file over HTTPS from
 *                                       CLIENTS threads, one keep-alive
 *                                       connection each; prints msgs/s
 *   bench_messages batch URL TOKEN CA DIR CLIENTS PER
 *                                       the same as multipart/mixed
 *                                       batches of PER messages; the
 *                                       per-part answers are counted;
 *                                       also prints the CPU seconds the
 *                                       sending took (all its threads)
 */
#include <sys/stat.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "demo.h"
#include "parse_ijw.h"

struct doc {
	char	*data;
	size_t	 len;
};

static struct doc	*docs;
static size_t		 ndocs, capdocs;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const gemeenten[] = {
	"0363", "0362", "0358", "0384", "0451", "0437", "0479", "0439",
	"0385", "0415", "0431", "0852", "0880"
};
static const char *const redenen[] = {
	"31", "31", "31", "31", "32", "33", "34", "35", "20", "38"
};

static int
gen(long n, const char *dir)
{
	char	 path[1024], bsn[10], sub[1024];
	FILE	*f;
	long	 i;
	int	 kind, code;
	const char *m, *g;

	mkdir(dir, 0700);
	for (i = 0; i < n; i++) {
		if (i % 1000 == 0) {
			snprintf(sub, sizeof(sub), "%s/%03ld", dir, i / 1000);
			mkdir(sub, 0700);
		}
		kind = (int)(i % 10);
		code = kind < 3 ? 301 : kind < 7 ? 305 : 307;
		m = code == 301 ? "jw301" : code == 305 ? "jw305" : "jw307";
		g = gemeenten[i % 13];
		demo_bsn(0, (unsigned)(i / 3), bsn);
		snprintf(path, sizeof(path), "%s/%ld.xml", sub, i);
		if ((f = fopen(path, "w")) == NULL)
			return 1;
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<%s:Bericht xmlns:ijw=\"http://www.istandaarden.nl/ijw/3_2/"
		    "basisschema/schema\" xmlns:%s=\"http://www.istandaarden.nl/"
		    "ijw/3_2/%s/schema\">\n<%s:Header><%s:BerichtCode>%d"
		    "</%s:BerichtCode><%s:BerichtVersie>3</%s:BerichtVersie>"
		    "<%s:BerichtSubversie>2</%s:BerichtSubversie>"
		    "<%s:Afzender>%s</%s:Afzender><%s:Ontvanger>%s"
		    "</%s:Ontvanger><%s:BerichtIdentificatie><ijw:"
		    "Identificatie>B%ld</ijw:Identificatie><ijw:Dagtekening>"
		    "2025-10-01</ijw:Dagtekening></%s:BerichtIdentificatie>"
		    "<%s:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0</ijw:"
		    "BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:"
		    "BerichtXsdVersie></%s:XsdVersie></%s:Header>\n"
		    "<%s:Client><%s:Bsn>%s</%s:Bsn><%s:Geboortedatum><ijw:Datum>"
		    "2011-03-%02ld</ijw:Datum></%s:Geboortedatum><%s:Geslacht>"
		    "%ld</%s:Geslacht><%s:Naam><ijw:Geslachtsnaam><ijw:"
		    "Achternaam>Benchsma</ijw:Achternaam></ijw:Geslachtsnaam>"
		    "<ijw:Voorletters>B</ijw:Voorletters></%s:Naam>\n",
		    m, m, m, m, m, code == 301 ? 436 : code == 305 ? 438 : 440,
		    m, m, m, m, m, m, code == 301 ? g : "87650001", m, m,
		    code == 301 ? "87650001" : g, m, m, i, m, m, m, m, m, m, bsn,
		    m, m, 1 + i % 28, m, m, i % 3, m, m, m);
		if (code == 301)
			fprintf(f, "<%s:ToegewezenProducten><%s:ToegewezenProduct>"
			    "<%s:ToewijzingNummer>%ld</%s:ToewijzingNummer>"
			    "<%s:Product><ijw:Categorie>45</ijw:Categorie><ijw:"
			    "Code>45A03</ijw:Code></%s:Product>"
			    "<%s:Toewijzingsdatum>2025-01-02</%s:Toewijzingsdatum>"
			    "<%s:Toewijzingstijd>10:00:00</%s:Toewijzingstijd>"
			    "<%s:Ingangsdatum>2025-01-06</%s:Ingangsdatum>"
			    "</%s:ToegewezenProduct></%s:ToegewezenProducten>",
			    m, m, m, i / 3, m, m, m, m, m, m, m, m, m, m, m);
		else
			fprintf(f, "<%s:%s><%s:%s><%s:ToewijzingNummer>%ld"
			    "</%s:ToewijzingNummer><%s:Product><ijw:Categorie>45"
			    "</ijw:Categorie></%s:Product><%s:Begindatum>"
			    "2025-01-%02ld</%s:Begindatum>%s%s%s%s%s"
			    "<%s:StatusAanlevering>1</%s:StatusAanlevering>"
			    "</%s:%s></%s:%s>", m,
			    code == 305 ? "StartProducten" : "StopProducten", m,
			    code == 305 ? "StartProduct" : "StopProduct", m,
			    i / 3, m, m, m, m, 6 + i % 20, m,
			    code == 307 ? "<jw307:RedenBeeindiging>" : "",
			    code == 307 ? redenen[i % 10] : "",
			    code == 307 ? "</jw307:RedenBeeindiging>"
			    "<jw307:Einddatum>" : "",
			    code == 307 ? "2025-08-29" : "",
			    code == 307 ? "</jw307:Einddatum>" : "",
			    m, m, m,
			    code == 305 ? "StartProduct" : "StopProduct", m,
			    code == 305 ? "StartProducten" : "StopProducten");
		fprintf(f, "</%s:Client></%s:Bericht>\n", m, m);
		fclose(f);
	}
	return 0;
}

/* Loads every *.xml under dir (two levels) into memory. */
static void
load(const char *dir)
{
	DIR		*d, *s;
	struct dirent	*e, *x;
	char		 sub[1024], path[2048];
	FILE		*f;
	long		 len;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if ((s = opendir(sub)) == NULL)
			continue;
		while ((x = readdir(s)) != NULL) {
			if (x->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", sub, x->d_name);
			if ((f = fopen(path, "rb")) == NULL)
				continue;
			fseek(f, 0, SEEK_END);
			len = ftell(f);
			fseek(f, 0, SEEK_SET);
			if (ndocs == capdocs) {
				capdocs = capdocs ? capdocs * 2 : 4096;
				docs = realloc(docs, capdocs * sizeof(*docs));
			}
			docs[ndocs].data = malloc((size_t)len);
			docs[ndocs].len = fread(docs[ndocs].data, 1,
			    (size_t)len, f);
			ndocs++;
			fclose(f);
		}
		closedir(s);
	}
	closedir(d);
}

static int
parse(const char *dir)
{
	xmlDocPtr	doc;
	double		t0, t;
	size_t		i;

	load(dir);
	xmlInitParser();
	t0 = now_s();
	for (i = 0; i < ndocs; i++) {
		doc = xmlReadMemory(docs[i].data, (int)docs[i].len, NULL, NULL,
		    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
		if (doc == NULL)
			return 1;
		xmlFreeDoc(doc);
	}
	t = now_s() - t0;
	printf("%.0f\n", (double)ndocs / t);
	return 0;
}

static double
cpu_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The iJw parser alone: best of three passes, by CPU time. */
static int
ijw(const char *dir)
{
	struct ijw_message	*m = malloc(sizeof(*m));
	struct ijw_error	 e;
	double			 t0, c0, t, c, best = 0, bestwall = 0;
	size_t			 i;
	int			 pass;

	load(dir);
	if (m == NULL || ndocs == 0)
		return 1;
	for (pass = 0; pass < 3; pass++) {
		t0 = now_s();
		c0 = cpu_s();
		for (i = 0; i < ndocs; i++)
			if (ijw_parse(docs[i].data, docs[i].len, m, &e) == -1)
				return 1;
		c = cpu_s() - c0;
		t = now_s() - t0;
		if (pass == 0 || c < best) {
			best = c;
			bestwall = t;
		}
	}
	printf("%.0f %.2f\n", (double)ndocs / bestwall,
	    best * 1e6 / (double)ndocs);
	free(m);
	return 0;
}

struct client {
	const char	*url, *token, *ca;
	size_t		 from, to;
	long		 ok, dup, bad;
};

static size_t
sink(char *p, size_t s, size_t n, void *a)
{
	(void)p;
	(void)a;
	return s * n;
}

static void *
client_main(void *arg)
{
	struct client		*c = arg;
	struct curl_slist	*h = NULL;
	char			 auth[256];
	long			 status;
	CURL			*cu = curl_easy_init();
	size_t			 i;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: application/xml");
	curl_easy_setopt(cu, CURLOPT_URL, c->url);
	curl_easy_setopt(cu, CURLOPT_CAINFO, c->ca);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	for (i = c->from; i < c->to; i++) {
		curl_easy_setopt(cu, CURLOPT_POSTFIELDS, docs[i].data);
		curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)docs[i].len);
		if (curl_easy_perform(cu) != CURLE_OK) {
			c->bad++;
			continue;
		}
		curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
		if (status == 201)
			c->ok++;
		else if (status == 200)
			c->dup++;
		else
			c->bad++;
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(cu);
	return NULL;
}

static int
http(const char *url, const char *token, const char *ca, const char *dir,
    int nclients)
{
	struct client	*c;
	pthread_t	*t;
	double		 t0, el;
	long		 ok = 0, dup = 0, bad = 0;
	int		 i;

	load(dir);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = calloc((size_t)nclients, sizeof(*c));
	t = calloc((size_t)nclients, sizeof(*t));
	t0 = now_s();
	for (i = 0; i < nclients; i++) {
		c[i].url = url;
		c[i].token = token;
		c[i].ca = ca;
		c[i].from = ndocs * (size_t)i / (size_t)nclients;
		c[i].to = ndocs * (size_t)(i + 1) / (size_t)nclients;
		pthread_create(&t[i], NULL, client_main, &c[i]);
	}
	for (i = 0; i < nclients; i++) {
		pthread_join(t[i], NULL);
		ok += c[i].ok;
		dup += c[i].dup;
		bad += c[i].bad;
	}
	el = now_s() - t0;
	printf("%.0f %ld %ld %ld %.2f\n", (double)ndocs / el, ok, dup, bad, el);
	return bad == 0 ? 0 : 1;
}

#define BENCH_BOUNDARY	"bench-7f3a9c"

/* The answer of one batch, collected to count its per-part statuses. */
struct answer {
	char	*p;
	size_t	 len, cap;
};

static size_t
collect(char *p, size_t s, size_t n, void *arg)
{
	struct answer	*a = arg;
	size_t		 len = s * n;

	if (a->len + len + 1 > a->cap) {
		a->cap = (a->len + len + 1) * 2;
		if ((a->p = realloc(a->p, a->cap)) == NULL)
			return 0;
	}
	memcpy(a->p + a->len, p, len);
	a->len += len;
	a->p[a->len] = '\0';
	return len;
}

static long
count(const char *hay, const char *needle)
{
	long	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

struct batch_client {
	struct client	 c;
	size_t		 per;
	char		**bodies;
	size_t		*lens;
	size_t		 nbodies;
};

static char *
put(char *p, const char *s)
{
	size_t	n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* The client's slice as multipart bodies, built before the clock starts. */
static void
build_bodies(struct batch_client *b)
{
	size_t	i, k, len;
	char	*p;

	b->nbodies = (b->c.to - b->c.from + b->per - 1) / b->per;
	b->bodies = calloc(b->nbodies, sizeof(*b->bodies));
	b->lens = calloc(b->nbodies, sizeof(*b->lens));
	for (k = 0; k < b->nbodies; k++) {
		len = 64;
		for (i = b->c.from + k * b->per; i < b->c.to &&
		    i < b->c.from + (k + 1) * b->per; i++)
			len += docs[i].len + 80;
		p = b->bodies[k] = malloc(len);
		for (i = b->c.from + k * b->per; i < b->c.to &&
		    i < b->c.from + (k + 1) * b->per; i++) {
			p = put(p, "--" BENCH_BOUNDARY "\r\nContent-Type: "
			    "application/xml\r\n\r\n");
			memcpy(p, docs[i].data, docs[i].len);
			p += docs[i].len;
			p = put(p, "\r\n");
		}
		p = put(p, "--" BENCH_BOUNDARY "--\r\n");
		b->lens[k] = (size_t)(p - b->bodies[k]);
	}
}

static void *
batch_main(void *arg)
{
	struct batch_client	*b = arg;
	struct curl_slist	*h = NULL;
	struct answer		 a = { NULL, 0, 0 };
	char			 auth[256];
	long			 status;
	CURL			*cu = curl_easy_init();
	size_t			 k;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", b->c.token);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: multipart/mixed; boundary="
	    BENCH_BOUNDARY);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(cu, CURLOPT_URL, b->c.url);
	curl_easy_setopt(cu, CURLOPT_CAINFO, b->c.ca);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	for (k = 0; k < b->nbodies; k++) {
		a.len = 0;
		curl_easy_setopt(cu, CURLOPT_POSTFIELDS, b->bodies[k]);
		curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)b->lens[k]);
		if (curl_easy_perform(cu) != CURLE_OK || a.p == NULL) {
			b->c.bad += (long)b->per;
			continue;
		}
		curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
		b->c.ok += count(a.p, "\"status\":201");
		b->c.dup += count(a.p, "\"status\":200");
		b->c.bad += count(a.p, "\"status\":4") +
		    count(a.p, "\"status\":5");
		if (status != 200)
			b->c.bad++;
	}
	free(a.p);
	curl_slist_free_all(h);
	curl_easy_cleanup(cu);
	return NULL;
}

static int
batch(const char *url, const char *token, const char *ca, const char *dir,
    int nclients, size_t per)
{
	struct batch_client	*c;
	pthread_t		*t;
	struct timespec		 ts;
	double			 t0, el, c0;
	long			 ok = 0, dup = 0, bad = 0;
	size_t			 k;
	int			 i;

	load(dir);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = calloc((size_t)nclients, sizeof(*c));
	t = calloc((size_t)nclients, sizeof(*t));
	for (i = 0; i < nclients; i++) {
		c[i].c.url = url;
		c[i].c.token = token;
		c[i].c.ca = ca;
		c[i].c.from = ndocs * (size_t)i / (size_t)nclients;
		c[i].c.to = ndocs * (size_t)(i + 1) / (size_t)nclients;
		c[i].per = per;
		build_bodies(&c[i]);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	c0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	t0 = now_s();
	for (i = 0; i < nclients; i++)
		pthread_create(&t[i], NULL, batch_main, &c[i]);
	for (i = 0; i < nclients; i++) {
		pthread_join(t[i], NULL);
		ok += c[i].c.ok;
		dup += c[i].c.dup;
		bad += c[i].c.bad;
		for (k = 0; k < c[i].nbodies; k++)
			free(c[i].bodies[k]);
		free(c[i].bodies);
		free(c[i].lens);
	}
	el = now_s() - t0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	printf("%.0f %ld %ld %ld %.2f %.3f\n", (double)ndocs / el, ok, dup, bad,
	    el, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - c0);
	return bad == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 8 && strcmp(argv[1], "batch") == 0)
		return batch(argv[2], argv[3], argv[4], argv[5],
		    (int)strtol(argv[6], NULL, 10),
		    (size_t)strtoul(argv[7], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(strtol(argv[2], NULL, 10), argv[3]);
	if (argc == 3 && strcmp(argv[1], "parse") == 0)
		return parse(argv[2]);
	if (argc == 3 && strcmp(argv[1], "ijw") == 0)
		return ijw(argv[2]);
	if (argc == 7 && strcmp(argv[1], "http") == 0)
		return http(argv[2], argv[3], argv[4], argv[5],
		    (int)strtol(argv[6], NULL, 10));
	fprintf(stderr, "usage: bench_messages gen N DIR | parse DIR | ijw DIR | "
	    "http URL TOKEN CA DIR CLIENTS | "
	    "batch URL TOKEN CA DIR CLIENTS PER\n");
	return 2;
}
