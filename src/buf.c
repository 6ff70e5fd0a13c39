/*
 * The bounded growable buffer (buf.h). Capacity doubles from BUF_FIRST
 * and is clamped to the maximum, so a buffer never holds more than twice
 * what it needed, nor more than max + 1 bytes.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BUF_FIRST	4096	/* first allocation, bytes */

void
buf_init(struct buf *b, size_t max, int flags)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
	b->flags = flags;
}

static void
release(struct buf *b)
{
	if (b->p != NULL && (b->flags & BUF_WIPE))
		explicit_bzero(b->p, b->cap);
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/*
 * Room for more bytes and the NUL. With BUF_WIPE the old block is copied
 * and wiped rather than realloc'd, which could leave it behind unwiped.
 */
static int
reserve(struct buf *b, size_t more)
{
	size_t	 need, cap;
	char	*p;

	if (b->failed)
		return -1;
	if (more > b->max - b->len)
		goto fail;
	need = b->len + more + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : BUF_FIRST;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if (b->flags & BUF_WIPE) {
		if ((p = malloc(cap)) == NULL)
			goto fail;
		if (b->p != NULL) {
			memcpy(p, b->p, b->len + 1);
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
	} else if ((p = realloc(b->p, cap)) == NULL)
		goto fail;
	if (b->p == NULL)
		p[0] = '\0';
	b->p = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

int
buf_add(struct buf *b, const void *s, size_t n)
{
	if (reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	/* Most lines fit what is left: format once, grow only if not. */
	if (reserve(b, 0) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = '\0';
		b->failed = 1;
		return -1;
	}
	if ((size_t)n >= b->cap - b->len) {
		b->p[b->len] = '\0';
		if (reserve(b, (size_t)n) == -1)
			return -1;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0 || (size_t)n >= b->cap - b->len) {
			b->p[b->len] = '\0';
			b->failed = 1;
			return -1;
		}
	}
	b->len += (size_t)n;
	return 0;
}

int
buf_failed(const struct buf *b)
{
	return b->failed;
}

void
buf_reset(struct buf *b)
{
	if (b->p != NULL) {
		if (b->flags & BUF_WIPE)
			explicit_bzero(b->p, b->len);
		b->p[0] = '\0';
	}
	b->len = 0;
	b->failed = 0;
}

char *
buf_take(struct buf *b, size_t *len)
{
	char	*p;

	if (b->failed || (b->p == NULL && reserve(b, 0) == -1)) {
		release(b);
		b->failed = 0;
		return NULL;
	}
	p = b->p;
	*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_free(struct buf *b)
{
	release(b);
	b->failed = 0;
}
