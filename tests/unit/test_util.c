/*
 * Unit tests for util.c (bounded number parsing, formatting, paths, file
 * reading, hex, clocks) and for log_level_parse in log.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "test.h"

static char tmpdir[] = "/tmp/test_util.XXXXXX";

/* Files the tests create under tmpdir, removed at the end. */
static const char *const tmpfiles[] = {
	"data.txt", "empty.txt", "exact.txt", NULL
};

static void
tmp_path(char *buf, size_t size, const char *name)
{
	int	n;

	n = snprintf(buf, size, "%s/%s", tmpdir, name);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "path too long\n");
		exit(1);
	}
}

static void
write_file(const char *name, const char *data, size_t len)
{
	char	 path[256];
	FILE	*f;

	tmp_path(path, sizeof(path), name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		exit(1);
	}
	if ((len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/*
 * Expects util_strtonum to accept s in [min, max] with value want. errstr
 * is preset to a sentinel so that a success which forgets to clear it
 * shows.
 */
static void
num_ok(const char *s, long long min, long long max, long long want)
{
	const char	*errstr = "unset";
	long long	 v = 12345;
	int		 rc;

	rc = util_strtonum(s, min, max, &v, &errstr);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(v, want);
	CHECK(errstr == NULL);
	if (rc != 0 || v != want)
		fprintf(stderr, "  case: \"%s\" in [%lld, %lld]\n", s, min,
		    max);
}

/* Expects util_strtonum to refuse s with reason why and leave *out. */
static void
num_bad(const char *s, long long min, long long max, const char *why)
{
	const char	*errstr = NULL;
	long long	 v = 12345;
	int		 rc;

	rc = util_strtonum(s, min, max, &v, &errstr);
	CHECK_EQ_INT(rc, -1);
	CHECK_EQ_INT(v, 12345);
	CHECK_STR(errstr, why);
	if (rc != -1 || errstr == NULL || strcmp(errstr, why) != 0)
		fprintf(stderr, "  case: \"%s\" in [%lld, %lld], want %s\n",
		    s, min, max, why);
}

static void
test_strtonum(void)
{
	const char	*errstr = NULL;
	long long	 v = 7;

	num_ok("0", 0, 10, 0);
	num_ok("7", 0, 10, 7);
	num_ok("007", 0, 10, 7);
	num_ok("-3", -5, 5, -3);
	num_ok("-0", -5, 5, 0);
	num_ok("65535", 0, 65535, 65535);
	num_ok("1", 1, 1, 1);

	/* The bounds are inclusive; one past either end is refused. */
	num_ok("10", 10, 20, 10);
	num_ok("20", 10, 20, 20);
	num_bad("9", 10, 20, "too small");
	num_bad("21", 10, 20, "too large");
	num_bad("-6", -5, 5, "too small");
	num_bad("65536", 0, 65535, "too large");

	num_ok("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX);
	num_ok("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN);
	num_bad("9223372036854775807", 0, LLONG_MAX - 1, "too large");
	num_bad("-9223372036854775808", LLONG_MIN + 1, 0, "too small");

	/* The whole string, digits only: no spaces, no '+', no suffix. */
	num_bad("", 0, 10, "invalid");
	num_bad("12a", 0, 100, "invalid");
	num_bad("a12", 0, 100, "invalid");
	num_bad(" 1", 0, 10, "invalid");
	num_bad("1 ", 0, 10, "invalid");
	num_bad("+1", 0, 10, "invalid");
	num_bad("-", -10, 10, "invalid");
	num_bad("--1", -10, 10, "invalid");
	num_bad("0x10", 0, 100, "invalid");
	num_bad("1.5", 0, 100, "invalid");

	/* util.h: "no sign for unsigned". */
	num_bad("-0", 0, 10, "invalid");

	/*
	 * Out of the range of long long. util.h promises strtonum's manner,
	 * and OpenBSD's strtonum reports these as "too large"/"too small"
	 * (ERANGE), not as malformed.
	 */
	num_bad("9223372036854775808", LLONG_MIN, LLONG_MAX, "too large");
	num_bad("99999999999999999999", LLONG_MIN, LLONG_MAX, "too large");
	num_bad("-9223372036854775809", LLONG_MIN, LLONG_MAX, "too small");

	/* A negative number in an unsigned range is refused all the same. */
	CHECK_EQ_INT(util_strtonum("-5", 0, 10, &v, &errstr), -1);
	CHECK(errstr != NULL);
	CHECK_EQ_INT(v, 7);
}

static void
test_memtonum(void)
{
	char		 buf[8];
	char		*exact;
	long long	 v;

	/* Only len bytes are read: "123" followed by more digits. */
	memcpy(buf, "12345678", 8);
	v = -1;
	CHECK_EQ_INT(util_memtonum(buf, 3, 0, 1000, &v), 0);
	CHECK_EQ_INT(v, 123);
	v = -1;
	CHECK_EQ_INT(util_memtonum(buf, 8, 0, 99999999, &v), 0);
	CHECK_EQ_INT(v, 12345678);
	CHECK_EQ_INT(util_memtonum(buf, 8, 0, 1000, &v), -1);

	/* A heap buffer of exactly len bytes: ASan sees any overread. */
	if ((exact = malloc(4)) == NULL)
		exit(1);
	memcpy(exact, "-42x", 4);
	v = 0;
	CHECK_EQ_INT(util_memtonum(exact, 3, -100, 100, &v), 0);
	CHECK_EQ_INT(v, -42);
	CHECK_EQ_INT(util_memtonum(exact, 4, -100, 100, &v), -1);
	CHECK_EQ_INT(util_memtonum(exact, 1, -100, 100, &v), -1);
	CHECK_EQ_INT(util_memtonum(exact, 0, -100, 100, &v), -1);
	CHECK_EQ_INT(util_memtonum(exact, 3, -10, 100, &v), -1);
	free(exact);

	memcpy(buf, "9223372036854775807", 8);	/* truncated on purpose */
	v = 0;
	CHECK_EQ_INT(util_memtonum(buf, 8, 0, LLONG_MAX, &v), 0);
	CHECK_EQ_INT(v, 92233720);
	CHECK_EQ_INT(util_memtonum("9223372036854775807", 19, 0, LLONG_MAX,
	    &v), 0);
	CHECK_EQ_INT(v, LLONG_MAX);
	CHECK_EQ_INT(util_memtonum("9223372036854775808", 19, 0, LLONG_MAX,
	    &v), -1);
	CHECK_EQ_INT(util_memtonum("-9223372036854775808", 20, LLONG_MIN, 0,
	    &v), 0);
	CHECK_EQ_INT(v, LLONG_MIN);
	CHECK_EQ_INT(util_memtonum(" 5", 2, 0, 10, &v), -1);
	CHECK_EQ_INT(util_memtonum("+5", 2, 0, 10, &v), -1);
}

static void
test_all_digits(void)
{
	CHECK_EQ_INT(util_all_digits("", 0), 0);
	CHECK_EQ_INT(util_all_digits("0", 1), 1);
	CHECK_EQ_INT(util_all_digits("0123456789", 10), 1);
	CHECK_EQ_INT(util_all_digits("12a", 3), 0);
	CHECK_EQ_INT(util_all_digits("12a", 2), 1);
	CHECK_EQ_INT(util_all_digits(" 1", 2), 0);
	CHECK_EQ_INT(util_all_digits("-1", 2), 0);
	CHECK_EQ_INT(util_all_digits("1/", 2), 0);	/* '0' - 1 */
	CHECK_EQ_INT(util_all_digits("1:", 2), 0);	/* '9' + 1 */
	CHECK_EQ_INT(util_all_digits("abc", 0), 0);
}

static void
test_fmt(void)
{
	char	buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(util_fmt(buf, sizeof(buf), "%s-%d", "ab", 42), 0);
	CHECK_STR(buf, "ab-42");

	/* Seven characters and the NUL fit exactly. */
	CHECK_EQ_INT(util_fmt(buf, sizeof(buf), "%s", "1234567"), 0);
	CHECK_STR(buf, "1234567");

	/* One more does not: -1, and the buffer holds a terminated prefix. */
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(util_fmt(buf, sizeof(buf), "%s", "12345678"), -1);
	CHECK_EQ_INT(buf[sizeof(buf) - 1], '\0');
	CHECK_STR(buf, "1234567");

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(util_fmt(buf, 1, "%s", "a"), -1);
	CHECK_EQ_INT(buf[0], '\0');
	CHECK_EQ_INT(buf[1], 'x');
	CHECK_EQ_INT(util_fmt(buf, 1, "%s", ""), 0);

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(util_fmt(buf, 0, "%s", "a"), -1);
	CHECK_EQ_INT(buf[0], 'x');
}

static void
test_path_join(void)
{
	char	buf[16];

	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/var/db", "x.db"), 0);
	CHECK_STR(buf, "/var/db/x.db");
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/var/db/", "x.db"), 0);
	CHECK_STR(buf, "/var/db/x.db");
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/", "etc"), 0);
	CHECK_STR(buf, "/etc");
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "data", "tls/k.pem"),
	    0);
	CHECK_STR(buf, "data/tls/k.pem");

	/* 15 characters fit in 16; 16 do not, with and without the slash. */
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/abcdefg", "hijklm"),
	    0);
	CHECK_STR(buf, "/abcdefg/hijklm");
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/abcdefg", "hijklmn"),
	    -1);
	CHECK_EQ_INT(buf[sizeof(buf) - 1], '\0');
	CHECK_STR(buf, "/abcdefg/hijklm");
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/abcdefg/", "hijklm"),
	    0);
	CHECK_STR(buf, "/abcdefg/hijklm");
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(util_path_join(buf, sizeof(buf), "/abcdefg/",
	    "hijklmn"), -1);
	CHECK_EQ_INT(buf[sizeof(buf) - 1], '\0');
	CHECK_STR(buf, "/abcdefg/hijklm");
}

static void
test_read_file(void)
{
	static const char	 text[] = "hello\nworld\0binary";
	char			 path[256];
	char			*data;
	size_t			 len;
	int			 rc;

	/* Contents, embedded NUL included, and a terminating NUL after. */
	write_file("data.txt", text, sizeof(text) - 1);
	tmp_path(path, sizeof(path), "data.txt");
	data = NULL;
	len = 0;
	rc = util_read_file(path, 1024, &data, &len);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(len, sizeof(text) - 1);
	CHECK(data != NULL && memcmp(data, text, sizeof(text) - 1) == 0);
	CHECK(data != NULL && data[len] == '\0');
	free(data);

	/* max is inclusive: a file of exactly max bytes is read. */
	write_file("exact.txt", "12345", 5);
	tmp_path(path, sizeof(path), "exact.txt");
	data = NULL;
	CHECK_EQ_INT(util_read_file(path, 5, &data, &len), 0);
	CHECK_EQ_INT(len, 5);
	CHECK(data != NULL && strcmp(data, "12345") == 0);
	free(data);

	/* One byte more than max: EFBIG, and no buffer handed out. */
	data = NULL;
	errno = 0;
	CHECK_EQ_INT(util_read_file(path, 4, &data, &len), -1);
	CHECK_EQ_INT(errno, EFBIG);
	CHECK(data == NULL);

	/* A directory is not a regular file. */
	data = NULL;
	errno = 0;
	CHECK_EQ_INT(util_read_file(tmpdir, 1 << 20, &data, &len), -1);
	CHECK(errno != 0);
	CHECK(data == NULL);

	tmp_path(path, sizeof(path), "missing.txt");
	data = NULL;
	errno = 0;
	CHECK_EQ_INT(util_read_file(path, 1024, &data, &len), -1);
	CHECK_EQ_INT(errno, ENOENT);
	CHECK(data == NULL);

	write_file("empty.txt", "", 0);
	tmp_path(path, sizeof(path), "empty.txt");
	data = NULL;
	len = 99;
	CHECK_EQ_INT(util_read_file(path, 1024, &data, &len), 0);
	CHECK_EQ_INT(len, 0);
	CHECK(data != NULL && data[0] == '\0');
	free(data);

	/* An empty file is within even a zero limit. */
	data = NULL;
	CHECK_EQ_INT(util_read_file(path, 0, &data, &len), 0);
	CHECK_EQ_INT(len, 0);
	free(data);
}

static void
test_hex(void)
{
	static const unsigned char	in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab,
					    0xff };
	char				out[2 * sizeof(in) + 2];

	memset(out, 'x', sizeof(out));
	util_hex(in, sizeof(in), out);
	CHECK_STR(out, "00017f80abff");
	CHECK_EQ_INT(out[2 * sizeof(in) + 1], 'x');

	memset(out, 'x', sizeof(out));
	util_hex(in, 0, out);
	CHECK_STR(out, "");

	util_hex(in + 4, 1, out);
	CHECK_STR(out, "ab");
}

static void
test_utc_iso8601(void)
{
	char	out[32];
	size_t	i;

	memset(out, 'x', sizeof(out));
	util_utc_iso8601(out);
	CHECK_EQ_INT(strlen(out), 20);
	CHECK_EQ_INT(out[4], '-');
	CHECK_EQ_INT(out[7], '-');
	CHECK_EQ_INT(out[10], 'T');
	CHECK_EQ_INT(out[13], ':');
	CHECK_EQ_INT(out[16], ':');
	CHECK_EQ_INT(out[19], 'Z');
	CHECK_EQ_INT(out[21], 'x');
	for (i = 0; i < 19; i++) {
		if (i == 4 || i == 7 || i == 10 || i == 13 || i == 16)
			continue;
		CHECK(out[i] >= '0' && out[i] <= '9');
	}
	/* Not the fallback epoch string: the clock is read. */
	CHECK(strncmp(out, "2024", 4) >= 0);
}

/*
 * Mapped arrays keep their contents as they grow (moved by the kernel,
 * not copied), start zeroed, and refuse sizes that overflow.
 */
static void
test_map(void)
{
	uint64_t	*a = NULL, *z;
	size_t		 cap = 0, i, n = 300000, ok = 1;

	CHECK_EQ_INT(util_map_grow((void **)&a, &cap, 1, sizeof(*a)), 0);
	CHECK(a != NULL && cap >= 1);
	for (i = 0; i < n; i++) {
		if (util_map_grow((void **)&a, &cap, i + 1, sizeof(*a)) != 0) {
			ok = 0;
			break;
		}
		a[i] = i * 2654435761u;
	}
	CHECK(ok);
	CHECK(cap >= n);
	for (i = 0; i < n && ok; i++)
		ok = a[i] == i * 2654435761u;
	CHECK(ok);
	/* Room enough already: nothing moves. */
	z = a;
	CHECK_EQ_INT(util_map_grow((void **)&a, &cap, n, sizeof(*a)), 0);
	CHECK(a == z);
	CHECK_EQ_INT(util_map_grow((void **)&a, &cap, SIZE_MAX / 4,
	    sizeof(*a)), -1);
	CHECK(a == z);		/* as it was */
	util_map_free(a, cap, sizeof(*a));

	z = util_map_zero(100000, sizeof(*z), 1);
	CHECK(z != NULL);
	for (i = 0, ok = 1; z != NULL && i < 100000; i++)
		ok &= z[i] == 0;
	CHECK(ok);
	util_map_free(z, 100000, sizeof(*z));
	CHECK(util_map_zero(0, 8, 0) == NULL);
	CHECK(util_map_zero(SIZE_MAX / 4, 8, 0) == NULL);
	util_map_free(NULL, 0, 8);
}

static void
test_now_ns(void)
{
	struct timespec	ts = { 0, 2000000 };	/* 2 ms */
	uint64_t	a, b, c;

	a = util_now_ns();
	b = util_now_ns();
	CHECK(a > 0);
	CHECK(b >= a);
	nanosleep(&ts, NULL);
	c = util_now_ns();
	CHECK(c - b >= 2000000);
	CHECK(c - b < 10ULL * 1000000000ULL);
}

static void
test_log_level_parse(void)
{
	enum log_level	l;

	l = LOG_LEVEL_DEBUG;
	CHECK_EQ_INT(log_level_parse("error", &l), 0);
	CHECK_EQ_INT(l, LOG_LEVEL_ERROR);
	CHECK_EQ_INT(log_level_parse("warn", &l), 0);
	CHECK_EQ_INT(l, LOG_LEVEL_WARN);
	CHECK_EQ_INT(log_level_parse("info", &l), 0);
	CHECK_EQ_INT(l, LOG_LEVEL_INFO);
	CHECK_EQ_INT(log_level_parse("debug", &l), 0);
	CHECK_EQ_INT(l, LOG_LEVEL_DEBUG);

	l = LOG_LEVEL_WARN;
	CHECK_EQ_INT(log_level_parse("verbose", &l), -1);
	CHECK_EQ_INT(l, LOG_LEVEL_WARN);
	CHECK_EQ_INT(log_level_parse("", &l), -1);
	CHECK_EQ_INT(log_level_parse("info ", &l), -1);
	CHECK_EQ_INT(log_level_parse("inf", &l), -1);
	CHECK_EQ_INT(l, LOG_LEVEL_WARN);
}

static void
cleanup(void)
{
	char	path[256];
	size_t	i;

	for (i = 0; tmpfiles[i] != NULL; i++) {
		tmp_path(path, sizeof(path), tmpfiles[i]);
		unlink(path);
	}
	if (rmdir(tmpdir) == -1)
		perror(tmpdir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_strtonum();
	test_memtonum();
	test_all_digits();
	test_fmt();
	test_path_join();
	test_read_file();
	test_hex();
	test_utc_iso8601();
	test_now_ns();
	test_map();
	test_log_level_parse();
	cleanup();
	return test_done("util");
}
