/*
 * Error messages for JSON data files (configuration, reference data,
 * questionnaire definitions): one clear line, "<file>: <json path>:
 * <reason>", bounded, with anything quoted from the file cleaned so a
 * corrupt file cannot garble the line an operator reads.
 */
#ifndef SORTTP_JSONERR_H
#define SORTTP_JSONERR_H

#include <stddef.h>

struct cJSON;

#define JERR_REASON_MAX	512	/* bytes of a reason */
#define JERR_PATH_MAX	256	/* bytes of a JSON path */

/* Where messages about the file being read go, and its name for them. */
struct jerr {
	const char	*file;
	char		*buf;
	size_t		 len;
};

/*
 * Writes "<file>: <path>: <reason>" (or "<file>: <reason>" when path is
 * NULL or "") into the buffer and returns -1.
 */
int	jerr_fail(struct jerr *, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Marks text that snprintf cut short (n is its return) with "...": a
 * cut-off label is still more use than none, as long as it shows.
 */
void	jerr_cut(char *buf, size_t size, int n);

/* "parent.key", or "key" at the top. */
void	jerr_path(char *dst, size_t size, const char *parent, const char *key);

/* "parent.key[i]" ("key[i]" at the top), or "parent[i]" when key is NULL. */
void	jerr_index(char *dst, size_t size, const char *parent,
	    const char *key, size_t i);

/* A bounded copy of s for a message: printable ASCII only, else '?'. */
const char *jerr_clean(char *dst, size_t size, const char *s);

/* "a string", "a number", ... for "expected X, got Y" messages. */
const char *jerr_type(const struct cJSON *);

/* 1 when s holds a control character. */
int	jerr_has_control(const char *s);

/* Copies src into dst like strlcpy; -1 when it does not fit. */
int	jerr_copy(char *dst, size_t size, const char *src);

#endif
