/*
 * Bounded XML cost against the real daemon: a Bericht of 80,000 attributes
 * (about 0.87 MB, well under the body limit) used to cost libxml2 17 s of
 * CPU in its quadratic duplicate-attribute check. It must now get 400
 * xml_too_complex within 50 ms of the daemon's CPU beyond what a harmless
 * body of the same size costs (TLS, the body copy), measured from
 * /proc/PID/stat in the same run, so a busy machine does not decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct h_env	e;
static char		tok[128];
static const char *const xml_hdr[] = {
	"Content-Type: application/xml", NULL
};

/* The daemon's user + system CPU time so far, in milliseconds. */
static double
daemon_cpu_ms(void)
{
	char	path[64], *s, *p;
	size_t	len;
	unsigned long long ut = 0, st = 0;
	int	field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)e.pid);
	if ((s = h_slurp(path, &len)) == NULL)
		return -1;
	/* Fields after the command name, which ends with the last ')'. */
	p = strrchr(s, ')');
	for (field = 2; p != NULL && field < 14; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu %llu", &ut, &st) != 2) {
		free(s);
		return -1;
	}
	free(s);
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static char *
attributes_doc(size_t n, size_t *len)
{
	char	*d, a[32];
	size_t	 i, l;

	if ((d = malloc(n * 16 + 64)) == NULL)
		exit(2);
	memcpy(d, "<Bericht", 8);
	*len = 8;
	for (i = 0; i < n; i++) {
		l = (size_t)snprintf(a, sizeof(a), " at%05zu=\"\"", i);
		memcpy(d + *len, a, l);
		*len += l;
	}
	memcpy(d + *len, "/>", 2);
	*len += 2;
	return d;
}

/* POSTs doc; returns the daemon's CPU milliseconds spent on it. */
static double
post(const char *doc, size_t len, long want, const char *code)
{
	struct h_resp	r;
	double		t0, t1;

	t0 = daemon_cpu_ms();
	CHECK_EQ_INT(h_request(&e, "POST", "/v1/messages", tok, xml_hdr, doc,
	    len, 0, &r), 0);
	t1 = daemon_cpu_ms();
	CHECK_EQ_INT(r.status, want);
	if (code != NULL)
		CHECK(r.body != NULL && strstr(r.body, code) != NULL);
	h_resp_free(&r);
	return t1 - t0;
}

static void
test_attributes(void)
{
	char	*doc, *same;
	size_t	 len;
	double	 base = 1e9, attack = 1e9, t;
	int	 i;

	doc = attributes_doc(80000, &len);
	printf("itest_xmlcost: 80000 attributes, %zu bytes\n", len);
	CHECK(len > 800000 && len < 1000000);
	/* Same size, no markup cost: one text run of spaces in a comment. */
	if ((same = malloc(len)) == NULL)
		exit(2);
	memset(same, ' ', len);
	memcpy(same, "<!--", 4);
	memcpy(same + len - 7, "--><a/>", 7);
	/* The best of three of each: noise only ever adds. */
	for (i = 0; i < 3; i++) {
		if ((t = post(same, len, 422, NULL)) < base)
			base = t;
		if ((t = post(doc, len, 400, "xml_too_complex")) < attack)
			attack = t;
	}
	printf("itest_xmlcost: daemon CPU %.0f ms for the attack, %.0f ms "
	    "for a harmless body of the same size\n", attack, base);
	CHECK(attack >= 0 && base >= 0);
	CHECK(attack < base + 50);
	free(same);
	free(doc);
}

/* The other shape bounds, at the daemon: each a prompt 400. */
static void
test_shapes(void)
{
	char	*d;
	size_t	 n = 100000, i;

	if ((d = malloc(4 * n + 16)) == NULL)
		exit(2);
	for (i = 0; i < n; i++)
		memcpy(d + 3 * i, "<a>", 3);
	(void)post(d, 3 * n, 400, "xml_too_complex");		/* depth */
	memcpy(d, "<a>", 3);
	for (i = 0; i < n; i++)
		memcpy(d + 3 + 4 * i, "<b/>", 4);
	(void)post(d, 3 + 4 * n, 400, "xml_too_complex");	/* elements */
	free(d);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_xmlcost SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok, sizeof(tok), "backoffice",
	    "berichtenverkeer", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_attributes();
	test_shapes();
	CHECK_EQ_INT(h_stop(&e), 0);
	h_teardown(&e);
	return test_done("integration_xmlcost");
}
