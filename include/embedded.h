/*
 * Files compiled into the binary at build time (cmake/embed.cmake): the
 * default configuration and reference data from config/.
 */
#ifndef SORTTP_EMBEDDED_H
#define SORTTP_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char	*name;	/* base name, e.g. "gemeenten.json" */
	const char	*data;	/* NUL-terminated contents */
	size_t		 len;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_file embedded_files[];

/* The web app's files, named by their path below web/ ("app.js"). */
extern const struct embedded_file embedded_web_files[];

/* Returns the embedded file with this base name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
