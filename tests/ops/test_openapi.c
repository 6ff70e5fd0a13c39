/*
 * docs/openapi.yaml against the daemon's route table, both ways: every
 * route (method and path template) is described, every described
 * operation is a route, and for each the roles (x-sorttp-roles) and the
 * request body media types agree. A failure lists what differs, e.g.
 *   in the daemon, not in docs/openapi.yaml: GET /readyz
 *
 * The file is read line by line in the layout it is written in (two spaces
 * per level), which is all this check needs; @redocly/cli lints the YAML
 * itself (scripts/test.sh).
 *
 * Usage: test_openapi SOURCE_DIR
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "store.h"
#include "test.h"
#include "util.h"

#define OPS_MAX		64

struct op {
	char	method[8];		/* "GET" */
	char	path[128];		/* "/v1/uploads/{id}" */
	char	roles[256];		/* "aanbieder,bergop" (sorted as listed) */
	char	types[256];		/* "application/xml,text/xml" */
	int	seen;
};

static struct op	doc[OPS_MAX];
static size_t		ndoc;
static int		differ;

static int
indent(const char *l)
{
	int	n = 0;

	while (l[n] == ' ')
		n++;
	return n;
}

/* "[a, b]" into "a,b". */
static void
flow_list(const char *s, char *out, size_t len)
{
	size_t	o = 0;

	out[0] = '\0';
	for (; *s != '\0' && *s != ']'; s++) {
		if (*s == '[' || *s == ' ' || *s == '\n')
			continue;
		if (o + 1 < len)
			out[o++] = *s;
	}
	out[o] = '\0';
}

static void
parse_doc(const char *path)
{
	char	*data = NULL, *line, *save = NULL, *p;
	size_t	 len;
	int	 in_paths = 0, in_body = 0, in_content = 0;
	char	 cur[128] = "";
	struct op *o = NULL;

	if (util_read_file(path, 1024 * 1024, &data, &len) == -1) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	for (line = strtok_r(data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		int	ind = indent(line);

		p = line + ind;
		if (*p == '\0' || *p == '#')
			continue;
		if (ind == 0) {
			in_paths = strcmp(p, "paths:") == 0;
			continue;
		}
		if (!in_paths)
			continue;
		if (ind == 2 && *p == '/') {
			util_fmt(cur, sizeof(cur), "%.*s",
			    (int)(strlen(p) - 1), p);
			o = NULL;
		} else if (ind == 4 && strchr(p, ':') != NULL &&
		    ndoc < OPS_MAX) {
			o = &doc[ndoc++];
			memset(o, 0, sizeof(*o));
			util_fmt(o->path, sizeof(o->path), "%s", cur);
			for (len = 0; p[len] != ':' && len + 1 <
			    sizeof(o->method); len++)
				o->method[len] = (char)toupper(
				    (unsigned char)p[len]);
			in_body = in_content = 0;
		} else if (o != NULL && ind == 6) {
			in_body = strcmp(p, "requestBody:") == 0;
			in_content = 0;
			if (strncmp(p, "x-sorttp-roles:", 15) == 0)
				flow_list(p + 15, o->roles, sizeof(o->roles));
		} else if (o != NULL && in_body && ind == 8)
			in_content = strcmp(p, "content:") == 0;
		else if (o != NULL && in_content && ind == 10 &&
		    strchr(p, '/') != NULL) {
			len = strlen(o->types);
			util_fmt(o->types + len, sizeof(o->types) - len,
			    "%s%.*s", len ? "," : "", (int)(strlen(p) - 1), p);
		}
	}
	free(data);
}

static void
route_roles(unsigned mask, char *out, size_t len)
{
	size_t	o = 0;
	int	r;

	out[0] = '\0';
	for (r = 0; r < ROLE__COUNT; r++)
		if (mask & ROLE_BIT(r)) {
			util_fmt(out + o, len - o, "%s%s", o ? "," : "",
			    store_role_name((enum role)r));
			o = strlen(out);
		}
}

static void
route_types(const char *const *types, char *out, size_t len)
{
	size_t	o = 0, i;

	out[0] = '\0';
	for (i = 0; types != NULL && types[i] != NULL; i++) {
		util_fmt(out + o, len - o, "%s%s", o ? "," : "", types[i]);
		o = strlen(out);
	}
}

int
main(int argc, char **argv)
{
	const struct http_route	*rt;
	char			 path[1024], roles[256], types[256];
	size_t			 i, nroutes = 0;
	struct op		*o;

	if (argc != 2) {
		fprintf(stderr, "usage: test_openapi SOURCE_DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", argv[1]);
	parse_doc(path);
	CHECK(ndoc >= 9);
	api_routes_init();
	for (rt = api_routes; rt->method != NULL; rt++) {
		nroutes++;
		for (o = NULL, i = 0; i < ndoc; i++)
			if (strcmp(doc[i].method, rt->method) == 0 &&
			    strcmp(doc[i].path, rt->label) == 0)
				o = &doc[i];
		if (o == NULL) {
			fprintf(stderr, "in the daemon, not in "
			    "docs/openapi.yaml: %s %s\n", rt->method,
			    rt->label);
			differ++;
			continue;
		}
		o->seen = 1;
		route_roles(rt->roles, roles, sizeof(roles));
		if (strcmp(roles, o->roles) != 0) {
			fprintf(stderr, "%s %s: roles [%s] in the daemon, "
			    "x-sorttp-roles [%s] in docs/openapi.yaml\n",
			    rt->method, rt->label, roles, o->roles);
			differ++;
		}
		route_types(rt->types, types, sizeof(types));
		if (strcmp(types, o->types) != 0) {
			fprintf(stderr, "%s %s: body types [%s] in the daemon, "
			    "[%s] in docs/openapi.yaml\n", rt->method,
			    rt->label, types, o->types);
			differ++;
		}
	}
	for (i = 0; i < ndoc; i++)
		if (!doc[i].seen) {
			fprintf(stderr, "in docs/openapi.yaml, not in the "
			    "daemon: %s %s\n", doc[i].method, doc[i].path);
			differ++;
		}
	CHECK(nroutes >= 9);
	CHECK_EQ_INT(differ, 0);
	return test_done("ops_openapi");
}
