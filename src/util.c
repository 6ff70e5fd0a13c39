/*
 * Bounded helpers that replace the banned libc calls (atoi, sprintf, ...):
 * every number is range-checked, every string write reports truncation.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

enum num_parse {
	NUM_OK,
	NUM_INVALID,
	NUM_TOO_SMALL,
	NUM_TOO_LARGE
};

/*
 * Decimal digits with an optional leading '-', nothing else. A sign is
 * invalid where the range has no negative numbers, so "-0" is no zero.
 */
static enum num_parse
parse_num(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	unsigned long long	v = 0, limit;
	size_t			i = 0;
	int			neg = 0;

	if (len > 0 && s[0] == '-') {
		if (min >= 0)
			return NUM_INVALID;
		neg = 1;
		i = 1;
	}
	if (i == len)
		return NUM_INVALID;
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return NUM_INVALID;
		if (v > (limit - (unsigned long long)(s[i] - '0')) / 10) {
			/* Overflow; the rest must still be digits. */
			for (; i < len; i++)
				if (s[i] < '0' || s[i] > '9')
					return NUM_INVALID;
			return neg ? NUM_TOO_SMALL : NUM_TOO_LARGE;
		}
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (neg)
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)v;
	else
		*out = (long long)v;
	if (*out < min)
		return NUM_TOO_SMALL;
	if (*out > max)
		return NUM_TOO_LARGE;
	return NUM_OK;
}

int
util_memtonum(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	long long	v;

	if (parse_num(s, len, min, max, &v) != NUM_OK)
		return -1;
	*out = v;
	return 0;
}

int
util_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	static const char *const reasons[] = {
		[NUM_OK] = NULL,
		[NUM_INVALID] = "invalid",
		[NUM_TOO_SMALL] = "too small",
		[NUM_TOO_LARGE] = "too large",
	};
	enum num_parse	rc;
	long long	v = 0;

	rc = parse_num(s, strlen(s), min, max, &v);
	*errstr = reasons[rc];
	if (rc != NUM_OK)
		return -1;
	*out = v;
	return 0;
}

int
util_all_digits(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
util_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (size == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return -1;
	}
	return (size_t)n < size ? 0 : -1;
}

int
util_path_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t	dl = strlen(dir);

	if (dl > 0 && dir[dl - 1] == '/')
		return util_fmt(buf, size, "%s%s", dir, name);
	return util_fmt(buf, size, "%s/%s", dir, name);
}

int
util_read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;		/* the file shrank while we read it */
		off += (size_t)n;
	}
	buf[off] = '\0';
	close(fd);
	*data = buf;
	*len = off;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

void
util_hex(const unsigned char *in, size_t len, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

uint64_t
util_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void
util_utc_iso8601(char out[21])
{
	util_utc_iso8601_at(time(NULL), out);
}

void
util_utc_iso8601_at(time_t now, char out[21])
{
	struct tm	tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
}

void
util_sort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	/* qsort's array may not be NULL, even with nothing to sort. */
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* The first mapping util_map_grow makes: 1 MiB, whole pages. */
#define MAP_FIRST	(1024 * 1024)

int
util_map_grow(void **p, size_t *cap, size_t need, size_t size)
{
	void	*q;
	size_t	 ncap, bytes;

	if (need <= *cap)
		return 0;
	if (size == 0)
		return -1;
	ncap = *cap ? *cap : MAP_FIRST / size + 1;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -1;
	bytes = ncap * size;
	if (*p == NULL)
		q = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		q = mremap(*p, *cap * size, bytes, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

void *
util_map_zero(size_t n, size_t size, int populate)
{
	void	*q;

	if (n == 0 || size == 0 || n > SIZE_MAX / size)
		return NULL;
	q = mmap(NULL, n * size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		return NULL;
	if (populate) {
		/* Huge pages asked for first: populating fixes the size. */
		util_map_huge(q, n * size);
#ifdef MADV_POPULATE_WRITE
		(void)madvise(q, n * size, MADV_POPULATE_WRITE);
#endif
	}
	return q;
}

void
util_map_free(void *p, size_t cap, size_t size)
{
	if (p != NULL && cap > 0)
		(void)munmap(p, cap * size);
}

void
util_map_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

int
util_grow(void **p, size_t *cap, size_t need, size_t size)
{
	void	*q;
	size_t	 ncap = *cap ? *cap : 64;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((q = reallocarray(*p, ncap, size)) == NULL)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}
