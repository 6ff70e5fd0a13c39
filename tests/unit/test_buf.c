/*
 * The bounded buffer: growth, the ceiling (exactly at, one past), sticky
 * failure, printf across a growth, reset and take, and wiping.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "test.h"

static void
test_add_and_grow(void)
{
	struct buf	 b;
	char		 chunk[1000];
	size_t		 i;

	buf_init(&b, 1 << 20, 0);
	CHECK(b.p == NULL);
	CHECK_EQ_INT(b.len, 0);
	memset(chunk, 'a', sizeof(chunk));
	/* Past the first allocation, so the buffer grows several times. */
	for (i = 0; i < 50; i++)
		CHECK_EQ_INT(buf_add(&b, chunk, sizeof(chunk)), 0);
	CHECK_EQ_INT(b.len, 50000);
	CHECK(b.cap >= 50001);
	CHECK_EQ_INT(b.p[b.len], '\0');
	CHECK_EQ_INT(b.p[49999], 'a');
	CHECK_EQ_INT(buf_str(&b, "xyz"), 0);
	CHECK_STR(b.p + 50000, "xyz");
	CHECK(!buf_failed(&b));
	buf_free(&b);
	CHECK(b.p == NULL);
	CHECK_EQ_INT(b.len, 0);
}

static void
test_ceiling(void)
{
	struct buf	 b;

	buf_init(&b, 10, 0);
	CHECK_EQ_INT(buf_add(&b, "0123456789", 10), 0);	/* exactly max */
	CHECK_EQ_INT(b.len, 10);
	CHECK(b.cap <= 11);
	CHECK_EQ_INT(buf_add(&b, "x", 1), -1);		/* one past */
	CHECK(buf_failed(&b));
	CHECK_STR(b.p, "0123456789");
	/* Sticky: even an empty add fails now. */
	CHECK_EQ_INT(buf_add(&b, "", 0), -1);
	CHECK_EQ_INT(buf_printf(&b, "%d", 1), -1);
	buf_reset(&b);
	CHECK(!buf_failed(&b));
	CHECK_EQ_INT(b.len, 0);
	CHECK_STR(b.p, "");
	CHECK_EQ_INT(buf_printf(&b, "%s", "01234567890"), -1);	/* 11 */
	CHECK_STR(b.p, "");
	buf_free(&b);

	buf_init(&b, 0, 0);
	CHECK_EQ_INT(buf_add(&b, "a", 1), -1);
	buf_free(&b);
}

static void
test_printf(void)
{
	struct buf	 b;
	char		 big[9000];
	int		 i;

	buf_init(&b, 1 << 16, 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ_INT(buf_printf(&b, "%d;", i), 0);
	CHECK_STR(b.p, "0;1;2;");
	/* A line longer than what is left: formatted again after growing. */
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_INT(buf_printf(&b, "[%s]", big), 0);
	CHECK_EQ_INT(b.len, 6 + 2 + sizeof(big) - 1);
	CHECK_EQ_INT(b.p[6], '[');
	CHECK_EQ_INT(b.p[b.len - 1], ']');
	CHECK_EQ_INT(b.p[b.len], '\0');
	buf_free(&b);
}

static void
test_take(void)
{
	struct buf	 b;
	char		*s;
	size_t		 len = 99;

	buf_init(&b, 100, BUF_WIPE);
	s = buf_take(&b, &len);		/* nothing added: "" */
	CHECK(s != NULL);
	CHECK_EQ_INT(len, 0);
	CHECK_STR(s, "");
	free(s);
	CHECK_EQ_INT(buf_str(&b, "hello"), 0);
	s = buf_take(&b, &len);
	CHECK_STR(s, "hello");
	CHECK_EQ_INT(len, 5);
	CHECK(b.p == NULL);
	CHECK_EQ_INT(b.len, 0);
	free(s);
	/* After a failure nothing is handed over. */
	CHECK_EQ_INT(buf_add(&b, "x", 101), -1);
	CHECK(buf_take(&b, &len) == NULL);
	CHECK(b.p == NULL);
	buf_free(&b);
}

static void
test_wipe(void)
{
	struct buf	 b;
	char		 line[5000];

	/* Growth with BUF_WIPE keeps the contents (the block is copied). */
	buf_init(&b, 1 << 20, BUF_WIPE);
	memset(line, 'c', sizeof(line));
	CHECK_EQ_INT(buf_str(&b, "999999990"), 0);
	CHECK_EQ_INT(buf_add(&b, line, sizeof(line)), 0);
	CHECK_EQ_INT(b.len, 9 + sizeof(line));
	CHECK(memcmp(b.p, "999999990", 9) == 0);
	CHECK_EQ_INT(b.p[b.len - 1], 'c');
	/* A reset wipes what was there. */
	buf_reset(&b);
	CHECK(b.p != NULL);
	CHECK_EQ_INT(b.p[1], '\0');
	CHECK_EQ_INT(b.p[8], '\0');
	buf_free(&b);
}

int
main(void)
{
	test_add_and_grow();
	test_ceiling();
	test_printf();
	test_take();
	test_wipe();
	return test_done("buf");
}
