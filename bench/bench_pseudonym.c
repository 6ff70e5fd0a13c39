/*
 * Benchmark: BSN pseudonyms per second on one core, validation included,
 * with the module's precomputed HMAC state against OpenSSL's one-shot
 * HMAC() under the same subkey, on the same inputs, in the same run.
 *
 * The inputs are generated before any timing. Each measurement runs three
 * times, alternating, and the best run of each is reported, which filters
 * out a noisy neighbour rather than hiding a slow path. Both loops fold
 * their output into a checksum that is printed; because the subkey is the
 * same, the two checksums must be equal, which also proves that the fast
 * path computes plain HMAC-SHA256.
 *
 * Usage: bench_pseudonym [n]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pseudonym.h"

#define BENCH_N_DEFAULT		2000000
#define BENCH_N_MAX		100000000
#define BENCH_RUNS		3
#define BSN_LEN			9

/* Targets from the design: 3 M ids/s and 5 times the one-shot figure. */
#define TARGET_RATE		3e6
#define TARGET_RATIO		5.0

/* The BSN subkey derivation, as in src/pseudonym.c. */
#define BENCH_SALT		"sorttp pseudonym v1"
#define BENCH_INFO_BSN		"sorttp/bsn"

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: reproducible inputs, no libc state. */
static uint64_t
rand64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/*
 * Picks eight digits and solves the elfproef for the ninth:
 * 9a+8b+...+2h - i = 0 (mod 11) gives i = sum mod 11, which must be a
 * single digit; 000000000 is skipped.
 */
static void
make_bsn(char out[BSN_LEN])
{
	unsigned	 i, d, sum;

	for (;;) {
		sum = 0;
		for (i = 0; i < BSN_LEN - 1; i++) {
			d = (unsigned)(rand64() % 10);
			out[i] = (char)('0' + d);
			sum += (BSN_LEN - i) * d;
		}
		if (sum % 11 == 10 || sum == 0)
			continue;
		out[BSN_LEN - 1] = (char)('0' + sum % 11);
		return;
	}
}

static double
now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1) {
		perror("clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
fold(const unsigned char out[PSEUDO_LEN])
{
	uint64_t	 w[PSEUDO_LEN / 8];

	memcpy(w, out, sizeof(w));
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

static double
run_precomputed(const struct pseudo_ctx *ctx, const char *bsns, size_t n,
    uint64_t *sum)
{
	unsigned char	 out[PSEUDO_LEN];
	char		 canon[BSN_LEN];
	double		 t0;
	size_t		 i;

	*sum = 0;
	t0 = now();
	for (i = 0; i < n; i++) {
		if (pseudo_bsn_canon(bsns + i * BSN_LEN, BSN_LEN, canon) !=
		    BSN_OK)
			abort();
		pseudo_bsn(ctx, canon, out);
		*sum ^= fold(out);
	}
	return now() - t0;
}

static double
run_oneshot(const unsigned char subkey[PSEUDO_LEN], const char *bsns,
    size_t n, uint64_t *sum)
{
	unsigned char	 out[PSEUDO_LEN];
	unsigned int	 len;
	char		 canon[BSN_LEN];
	double		 t0;
	size_t		 i;

	*sum = 0;
	t0 = now();
	for (i = 0; i < n; i++) {
		if (pseudo_bsn_canon(bsns + i * BSN_LEN, BSN_LEN, canon) !=
		    BSN_OK)
			abort();
		if (HMAC(EVP_sha256(), subkey, PSEUDO_LEN,
		    (const unsigned char *)canon, BSN_LEN, out, &len) == NULL)
			abort();
		*sum ^= fold(out);
	}
	return now() - t0;
}

static int
parse_n(const char *s, size_t *n)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 ||
	    v > BENCH_N_MAX)
		return -1;
	*n = (size_t)v;
	return 0;
}

int
main(int argc, char *argv[])
{
	unsigned char		 key[PSEUDO_KEY_LEN], subkey[PSEUDO_LEN];
	struct pseudo_ctx	*ctx = NULL;
	char			*bsns = NULL;
	double			 t, best_pre = 0, best_one = 0, rate_pre, rate_one;
	uint64_t		 sum_pre = 0, sum_one = 0;
	size_t			 n = BENCH_N_DEFAULT, i;
	int			 run, rv = 1;

	if (argc > 2 || (argc == 2 && parse_n(argv[1], &n) == -1)) {
		fprintf(stderr, "usage: bench_pseudonym [n], n in 1..%d\n",
		    BENCH_N_MAX);
		return 2;
	}
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)rand64();
	if (pseudo_init_key(key, 1, &ctx) == -1) {
		perror("pseudo_init_key");
		goto fail;
	}
	if (pseudo_hkdf(BENCH_SALT, strlen(BENCH_SALT), key, sizeof(key),
	    BENCH_INFO_BSN, strlen(BENCH_INFO_BSN), subkey,
	    sizeof(subkey)) == -1) {
		fprintf(stderr, "bench_pseudonym: hkdf failed\n");
		goto fail;
	}
	if ((bsns = malloc(n * BSN_LEN)) == NULL) {
		perror("malloc");
		goto fail;
	}
	for (i = 0; i < n; i++)
		make_bsn(bsns + i * BSN_LEN);

	printf("bench_pseudonym: n=%zu\n", n);
	for (run = 0; run < BENCH_RUNS; run++) {
		t = run_precomputed(ctx, bsns, n, &sum_pre);
		if (run == 0 || t < best_pre)
			best_pre = t;
		t = run_oneshot(subkey, bsns, n, &sum_one);
		if (run == 0 || t < best_one)
			best_one = t;
	}
	rate_pre = (double)n / best_pre;
	rate_one = (double)n / best_one;
	printf("precomputed: %.2f M ids/s (%.0f ns/id)\n", rate_pre / 1e6,
	    best_pre * 1e9 / (double)n);
	printf("one-shot HMAC(): %.2f M ids/s (%.0f ns/id)\n",
	    rate_one / 1e6, best_one * 1e9 / (double)n);
	printf("ratio: %.1fx  (target: >= %.0f M ids/s and >= %.0fx): %s\n",
	    rate_pre / rate_one, TARGET_RATE / 1e6, TARGET_RATIO,
	    rate_pre >= TARGET_RATE && rate_pre / rate_one >= TARGET_RATIO ?
	    "met" : "MISSED");
	printf("checksum: %016llx %s\n", (unsigned long long)sum_pre,
	    sum_pre == sum_one ? "(both paths agree)" :
	    "(MISMATCH with one-shot HMAC)");
	rv = sum_pre == sum_one ? 0 : 1;

fail:
	free(bsns);
	pseudo_free(ctx);
	return rv;
}
