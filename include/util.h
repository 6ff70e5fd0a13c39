/*
 * Small helpers shared by every module: bounded number parsing (in place of
 * atoi/strtol without checks), bounded formatting and file reading.
 */
#ifndef SORTTP_UTIL_H
#define SORTTP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Parses a decimal integer in [min, max] from the whole of s (no sign for
 * unsigned, no spaces, no trailing characters). Returns 0 and sets *out, or
 * -1 with a short English reason in *errstr ("invalid", "too small",
 * "too large"), in the manner of OpenBSD's strtonum.
 */
int	util_strtonum(const char *s, long long min, long long max,
	    long long *out, const char **errstr);

/* As above for a buffer of len bytes that need not be NUL-terminated. */
int	util_memtonum(const char *s, size_t len, long long min, long long max,
	    long long *out);

/* 1 when all len bytes are ASCII digits and len > 0, else 0. */
int	util_all_digits(const char *s, size_t len);

/*
 * snprintf that reports truncation: returns 0 when the whole string fit,
 * -1 otherwise (the buffer then holds a truncated, terminated string).
 */
int	util_fmt(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Joins dir and name with one '/'; -1 when it does not fit. */
int	util_path_join(char *buf, size_t size, const char *dir, const char *name);

/*
 * Reads a whole regular file of at most max bytes into a new NUL-terminated
 * buffer. Returns 0 and sets *data and *len, or -1 with errno set (EFBIG when
 * the file is larger than max).
 */
int	util_read_file(const char *path, size_t max, char **data, size_t *len);

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void	util_hex(const unsigned char *in, size_t len, char *out);

/* Monotonic clock in nanoseconds. */
uint64_t util_now_ns(void);

/*
 * Makes room for need elements of size bytes in the array *p of *cap
 * elements, doubling; 0, or -1 when out of memory (*p is then as it was).
 */
int	util_grow(void **p, size_t *cap, size_t need, size_t size);

/*
 * Large arrays in mappings of their own (util.c): grown in place or moved
 * by the kernel (mremap: nothing is copied, no copy is left behind) and
 * given back whole (munmap: the pages leave the process, so that unlike
 * the heap's free there is nothing to wipe). Pages count towards RSS only
 * once written. util_map_grow is util_grow's twin (*p NULL, *cap 0 at
 * first, never shrinks); util_map_zero maps n zeroed elements, with
 * populate every page present at once, in huge pages where the kernel has
 * them (for a table that will be touched all over anyway, at random, such
 * as a hash table), NULL when out of memory;
 * util_map_free takes the capacity the array was mapped with.
 */
int	util_map_grow(void **p, size_t *cap, size_t need, size_t size);
void	*util_map_zero(size_t n, size_t size, int populate);
void	util_map_free(void *p, size_t cap, size_t size);
/*
 * Asks for huge pages (2 MiB) in the mapping p of len bytes, before its
 * pages are first touched: for arrays read at random, where with small
 * pages nearly every read would also miss the TLB. A kernel without them
 * maps small ones; nothing but the speed changes.
 */
void	util_map_huge(void *p, size_t len);

/* qsort, except that an empty (even NULL) array is fine. */
void	util_sort(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *));

/* Seconds since the epoch, UTC, as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ". */
void	util_utc_iso8601(char out[21]);

/* The same for a given time. */
void	util_utc_iso8601_at(time_t, char out[21]);

#endif
