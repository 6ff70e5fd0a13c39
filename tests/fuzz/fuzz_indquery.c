/*
 * Fuzzes the indicator query parser with whole query strings
 * ("by=gemeente&period=month&from=2025-01..."): split on '&' and '=' as
 * libmicrohttpd would hand them over, then parsed. Every accepted query
 * is checked against its rules (a known by and period, from <= to within
 * the month limit, filters inside the reference data), so a wrong
 * acceptance fails like a crash does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "indicators.h"

#define MAXP	32

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct params {
	const char	*key[MAXP + 1];
	const char	*val[MAXP];
	size_t		 n;
};

static const char *
get(void *arg, const char *key)
{
	struct params	*p = arg;
	size_t		 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0)
			return p->val[i];
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	static int		 loaded;
	struct ind_query	 q;
	struct params		 p;
	char			 err[256], code[32], msg[256], *buf, *s, *e;
	size_t			 i;
	int			 kind = size > 0 ? data[0] % IND__NKINDS : 0;

	if (!loaded) {
		if (config_load(NULL, &cfg, err, sizeof(err)) == -1)
			abort();
		loaded = 1;
	}
	if (size > 0) {
		data++;
		size--;
	}
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&p, 0, sizeof(p));
	for (s = buf; s != NULL && *s != '\0' && p.n < MAXP; s = e) {
		if ((e = strchr(s, '&')) != NULL)
			*e++ = '\0';
		p.key[p.n] = s;
		if ((p.val[p.n] = strchr(s, '=')) != NULL)
			*(char *)(uintptr_t)p.val[p.n]++ = '\0';
		else
			p.val[p.n] = "";
		p.n++;
	}
	p.key[p.n] = NULL;
	if (ind_query_parse(&cfg, 20261123, (enum ind_kind)kind, get, &p,
	    p.key, &q, code, sizeof(code), msg, sizeof(msg)) == 0) {
		if (q.from > q.to || q.to - q.from + 1 >
		    config_limit(&cfg, LIMIT_IND_MONTHS_MAX) ||
		    (int)q.kind != kind || q.by > IND_BY_REGIO ||
		    q.period >= IND__NPERIODS ||
		    q.ngemeenten > IND_FILTER_MAX ||
		    q.nclusters > IND_FILTER_MAX ||
		    q.naanbieders > IND_FILTER_MAX)
			abort();
		for (i = 0; i < q.ngemeenten; i++)
			if (q.gemeenten[i] >= cfg.ref.ngemeenten)
				abort();
		for (i = 0; i < q.nclusters; i++)
			if (q.clusters[i] >= cfg.ref.nclusters)
				abort();
		for (i = 0; i < q.naanbieders; i++)
			if (q.aanbieders[i] < 0 || q.aanbieders[i] > 99999999)
				abort();
	} else if (code[0] == '\0' || msg[0] == '\0')
		abort();	/* a refusal always says why */
	free(buf);
	return 0;
}
