/*
 * A bounded growable byte buffer, in the spirit of curl's dynbuf: every
 * buffer is given its maximum where it is created, so no input can make
 * one grow without bound. The contents are always NUL-terminated (the NUL
 * is not counted in len nor in the maximum). A failed add (over the
 * maximum, or out of memory) is sticky: later adds do nothing and fail,
 * so a writer can add many pieces and check once at the end.
 *
 * BUF_WIPE is for anything that may have held request bytes or client
 * identifiers: the memory is wiped before it is freed, also the old block
 * when the buffer grows (so it never uses realloc).
 */
#ifndef SORTTP_BUF_H
#define SORTTP_BUF_H

#include <stddef.h>

#define BUF_WIPE	0x1	/* explicit_bzero before every free */

struct buf {
	char	*p;		/* NULL until the first add */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* the most len may reach */
	int	 flags;
	int	 failed;	/* an add failed; see buf_failed */
};

/* An empty buffer that may hold up to max bytes; allocates nothing. */
void	buf_init(struct buf *, size_t max, int flags);
/* 0, or -1 when it would pass the maximum or memory ran out. */
int	buf_add(struct buf *, const void *, size_t);
int	buf_str(struct buf *, const char *);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Whether any add has failed since buf_init or buf_reset. */
int	buf_failed(const struct buf *);
/* Empties the buffer (wiped with BUF_WIPE) but keeps its memory. */
void	buf_reset(struct buf *);
/*
 * Hands the contents over: a malloc'd NUL-terminated string ("" when
 * empty) and its length; the buffer is empty afterwards. NULL when an add
 * had failed or memory ran out (the buffer is freed then).
 */
char	*buf_take(struct buf *, size_t *len);
/* Frees the memory (wiped with BUF_WIPE); the buffer is empty again. */
void	buf_free(struct buf *);

#endif
