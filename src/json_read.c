/*
 * Reading JSON data files; see json_read.h. Shared by config.c and
 * questionnaire.c, so both refuse the same documents the same way.
 */
#include <errno.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_read.h"
#include "util.h"

int
json_read_file(struct jerr *e, const char *path, size_t max, char **data,
    size_t *len)
{
	if (util_read_file(path, max, data, len) == 0)
		return 0;
	if (errno == EFBIG)
		return jerr_fail(e, NULL, "larger than %zu bytes", max);
	if (errno == EINVAL)
		return jerr_fail(e, NULL, "not a regular file");
	return jerr_fail(e, NULL, "cannot read: %s", strerror(errno));
}

/* Line and column (from 1) of offset off in text. */
static void
position(const char *text, size_t off, size_t *line, size_t *col)
{
	size_t	i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static int
syntax(struct jerr *e, const char *text, size_t off, int flags)
{
	char	at[64];
	size_t	line, col;

	if (!(flags & JSON_AT_LINE))
		return jerr_fail(e, NULL, "invalid JSON near byte %zu", off);
	position(text, off, &line, &col);
	util_fmt(at, sizeof(at), "line %zu, column %zu", line, col);
	return jerr_fail(e, at, "invalid JSON");
}

/*
 * The tree rule, anywhere in the document: an object key given twice
 * (cJSON keeps both and lookups would quietly see the first), and
 * nesting deeper than any valid file has, which also bounds this
 * recursion.
 */
static int
tree(struct jerr *e, const cJSON *v, const char *path, int depth)
{
	const cJSON	*c, *d;
	char		 p[JERR_PATH_MAX], show[JSON_SHOW_MAX];
	size_t		 i = 0;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	if (depth >= JSON_DEPTH_MAX)
		return jerr_fail(e, path, "nested more than %d levels deep",
		    JSON_DEPTH_MAX);
	for (c = v->child; c != NULL; c = c->next, i++) {
		if (cJSON_IsArray(v))
			jerr_index(p, sizeof(p), path, NULL, i);
		else {
			if (c->string == NULL)
				return jerr_fail(e, path, "key without a name");
			jerr_path(p, sizeof(p), path,
			    jerr_clean(show, sizeof(show), c->string));
			for (d = v->child; d != c; d = d->next)
				if (strcmp(d->string, c->string) == 0)
					return jerr_fail(e, p,
					    "key given twice");
		}
		if (tree(e, c, p, depth + 1) == -1)
			return -1;
	}
	return 0;
}

int
json_parse(struct jerr *e, const char *text, size_t len, int flags,
    cJSON **out)
{
	const char	*end = NULL;
	size_t		 off;

	*out = NULL;
	/* cJSON would stop at a NUL and ignore whatever follows it. */
	if (memchr(text, '\0', len) != NULL)
		return jerr_fail(e, NULL, "contains a NUL byte");
	if ((*out = cJSON_ParseWithLengthOpts(text, len, &end, 0)) == NULL)
		return syntax(e, text, end != NULL && end >= text &&
		    end <= text + len ? (size_t)(end - text) : 0, flags);
	for (off = (size_t)(end - text); off < len; off++)
		if (strchr(" \t\r\n", text[off]) == NULL) {
			cJSON_Delete(*out);
			*out = NULL;
			if (flags & JSON_AT_LINE)
				return syntax(e, text, off, flags);
			return jerr_fail(e, NULL, "text after the JSON value "
			    "at byte %zu", off);
		}
	if (tree(e, *out, "", 0) == -1) {
		cJSON_Delete(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
json_keys(struct jerr *e, const cJSON *obj, const char *path,
    const char *const *allowed)
{
	const cJSON	*c;
	char		 p[JERR_PATH_MAX], show[JSON_SHOW_MAX];
	size_t		 i;

	for (c = obj->child; c != NULL; c = c->next) {
		if (c->string == NULL)
			return jerr_fail(e, path, "key without a name");
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(c->string, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			jerr_path(p, sizeof(p), path,
			    jerr_clean(show, sizeof(show), c->string));
			return jerr_fail(e, p, "unknown key");
		}
	}
	return 0;
}

int
json_object(struct jerr *e, const cJSON *obj, const char *path,
    const char *key, const cJSON **out)
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX];

	*out = NULL;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return 0;
	if (!cJSON_IsObject(v)) {
		jerr_path(p, sizeof(p), path, key);
		return jerr_fail(e, p, "expected an object, got %s",
		    jerr_type(v));
	}
	*out = v;
	return 0;
}

int
json_array(struct jerr *e, const cJSON *obj, const char *path,
    const char *key, int max, int required, const cJSON **out)
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX];
	int		 n;

	*out = NULL;
	jerr_path(p, sizeof(p), path, key);
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL) {
		if (required)
			return jerr_fail(e, p, "missing");
		return 0;
	}
	if (!cJSON_IsArray(v))
		return jerr_fail(e, p, "expected an array, got %s",
		    jerr_type(v));
	n = cJSON_GetArraySize(v);
	if (n == 0 && required)
		return jerr_fail(e, p, "must not be empty");
	if (n > max)
		return jerr_fail(e, p,
		    "%d entries, at most %d allowed", n, max);
	*out = v;
	return 0;
}

int
json_string(struct jerr *e, const cJSON *obj, const char *path,
    const char *key, int flags, size_t max, const char **out)
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX];
	const char	*s;

	*out = NULL;
	jerr_path(p, sizeof(p), path, key);
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL) {
		if (flags & JSON_REQUIRED)
			return jerr_fail(e, p, "missing");
		return 0;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return jerr_fail(e, p, "expected a string, got %s",
		    jerr_type(v));
	s = v->valuestring;
	if ((flags & JSON_NONEMPTY) && s[0] == '\0')
		return jerr_fail(e, p, "must not be empty");
	if (max > 0 && strlen(s) >= max)
		return jerr_fail(e, p, "longer than %zu characters",
		    max - 1);
	if ((flags & JSON_NOCONTROL) && jerr_has_control(s))
		return jerr_fail(e, p, "contains a control character");
	*out = s;
	return 0;
}

/*
 * cJSON keeps numbers as doubles: the range test comes first, so the
 * conversion is exact.
 */
int
json_int(struct jerr *e, const cJSON *obj, const char *path,
    const char *key, int min, int max, int *out, int *present)
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX];
	double		 d;

	*present = 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, key)) == NULL)
		return 0;
	jerr_path(p, sizeof(p), path, key);
	if (!cJSON_IsNumber(v))
		return jerr_fail(e, p, "expected an integer in %d..%d, got %s",
		    min, max, jerr_type(v));
	d = v->valuedouble;
	if (!(d >= (double)min && d <= (double)max) || d != (double)(int)d)
		return jerr_fail(e, p,
		    "expected an integer in %d..%d", min, max);
	*out = (int)d;
	*present = 1;
	return 0;
}
