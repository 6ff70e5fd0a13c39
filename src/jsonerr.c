/*
 * Messages about JSON data files; see jsonerr.h. Shared by config.c and
 * questionnaire.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonerr.h"

void
jerr_cut(char *buf, size_t size, int n)
{
	if (n >= 0 && (size_t)n < size)
		return;
	if (n < 0 && size > 0)
		buf[0] = '\0';
	else if (size > 3)
		memcpy(buf + size - 4, "...", 4);
}

int
jerr_fail(struct jerr *e, const char *path, const char *fmt, ...)
{
	char	reason[JERR_REASON_MAX];
	va_list	ap;
	int	n;

	if (e->buf == NULL || e->len == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	jerr_cut(reason, sizeof(reason), n);
	if (path == NULL || path[0] == '\0')
		n = snprintf(e->buf, e->len, "%s: %s", e->file, reason);
	else
		n = snprintf(e->buf, e->len, "%s: %s: %s", e->file, path,
		    reason);
	jerr_cut(e->buf, e->len, n);
	return -1;
}

void
jerr_path(char *dst, size_t size, const char *parent, const char *key)
{
	int	n;

	if (parent[0] == '\0')
		n = snprintf(dst, size, "%s", key);
	else
		n = snprintf(dst, size, "%s.%s", parent, key);
	jerr_cut(dst, size, n);
}

void
jerr_index(char *dst, size_t size, const char *parent, const char *key,
    size_t i)
{
	int	n;

	if (key == NULL)
		n = snprintf(dst, size, "%s[%zu]", parent, i);
	else if (parent[0] == '\0')
		n = snprintf(dst, size, "%s[%zu]", key, i);
	else
		n = snprintf(dst, size, "%s.%s[%zu]", parent, key, i);
	jerr_cut(dst, size, n);
}

const char *
jerr_clean(char *dst, size_t size, const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i + 4 < size; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i] != '\0') {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
	return dst;
}

const char *
jerr_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "an invalid value";
}

int
jerr_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int
jerr_copy(char *dst, size_t size, const char *src)
{
	size_t	len = strlen(src);

	if (len >= size)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}
