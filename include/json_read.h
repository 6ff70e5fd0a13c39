/*
 * Reading JSON data files (configuration, reference data, questionnaire
 * definitions) with cJSON, one way: the file read whole up to a maximum,
 * the document parsed strictly, and one rule for the whole tree (a key
 * given twice in any object is refused, as is nesting deeper than
 * JSON_DEPTH_MAX), then typed lookups that say what was expected. Errors
 * are messages in a struct jerr (jsonerr.h).
 */
#ifndef SORTTP_JSON_READ_H
#define SORTTP_JSON_READ_H

#include <stddef.h>

#include "jsonerr.h"

struct cJSON;

/* Nesting of any data file: above what a valid one needs, and bounded. */
#define JSON_DEPTH_MAX		8
#define JSON_SHOW_MAX		80	/* bytes of a key shown in a message */

/* Flags of json_parse. */
#define JSON_AT_LINE		0x1	/* syntax errors by line and column */

/* Flags of json_string. */
#define JSON_REQUIRED		0x1
#define JSON_NONEMPTY		0x2
#define JSON_NOCONTROL		0x4

/*
 * The regular file at path, at most max bytes, into a new NUL-terminated
 * buffer (util_read_file); -1 with a message ("larger than", "not a
 * regular file", "cannot read: ...").
 */
int	json_read_file(struct jerr *, const char *path, size_t max,
	    char **data, size_t *len);

/*
 * Parses text[0..len) as one JSON value with nothing but white space
 * after it, and applies the tree rule. A syntax error names the byte
 * ("invalid JSON near byte N"), or with JSON_AT_LINE the line and column
 * ("line L, column C: invalid JSON"), for files edited by hand. The
 * caller frees *out with cJSON_Delete.
 */
int	json_parse(struct jerr *, const char *text, size_t len, int flags,
	    struct cJSON **out);

/* Refuses keys of obj not in allowed (NULL-terminated). */
int	json_keys(struct jerr *, const struct cJSON *obj, const char *path,
	    const char *const *allowed);

/* The object at obj.key; *out NULL when absent. */
int	json_object(struct jerr *, const struct cJSON *obj, const char *path,
	    const char *key, const struct cJSON **out);

/* The array at obj.key with at most max entries (required: 1..max). */
int	json_array(struct jerr *, const struct cJSON *obj, const char *path,
	    const char *key, int max, int required,
	    const struct cJSON **out);

/*
 * The string at obj.key, shorter than max bytes (0: any length); *out
 * NULL when absent and not JSON_REQUIRED.
 */
int	json_string(struct jerr *, const struct cJSON *obj, const char *path,
	    const char *key, int flags, size_t max, const char **out);

/* The integer at obj.key in [min, max]; *present says whether it was. */
int	json_int(struct jerr *, const struct cJSON *obj, const char *path,
	    const char *key, int min, int max, int *out, int *present);

#endif
