/*
 * A per-upload staging file: fixed-size records, written while an upload
 * streams in and read back for its final merge, so that no network
 * stream ever holds the database's write lock. Only pseudonymised,
 * minimised records are ever staged; the file has no name (O_TMPFILE,
 * or unlinked at once) and is gone when it is closed or the process ends.
 */
#ifndef SORTTP_STAGE_H
#define SORTTP_STAGE_H

#include <stddef.h>

struct stage;

/* A new, empty staging file in dir for records of recsize bytes. */
int	stage_open(struct stage **, const char *dir, size_t recsize,
	    char *err, size_t errlen);
/* Appends n records. */
int	stage_write(struct stage *, const void *recs, size_t n);
/* Reading starts again at the first record. */
int	stage_rewind(struct stage *);
/* Reads up to max records; returns how many (0 at the end), -1 on error. */
long	stage_read(struct stage *, void *recs, size_t max);
/* The same from record number first on, without moving the position. */
long	stage_read_at(struct stage *, size_t first, void *recs, size_t max);
/* Records written so far. */
size_t	stage_count(const struct stage *);
void	stage_close(struct stage *);

#endif
