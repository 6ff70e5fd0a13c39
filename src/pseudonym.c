/*
 * Pseudonymiser: the key file, the HKDF subkeys, HMAC-SHA256 from a
 * precomputed state, and validation of the identifiers that may be
 * pseudonymised (BSN, AGB, gemeentecode, ToewijzingNummer).
 *
 * Every upload row carries one or more identifiers, so a pseudonym must be
 * cheap: the HMAC inner and outer states are computed once per subkey and
 * copied by value per call, which leaves two SHA-256 compressions for a BSN.
 * Everything derived from the master key lives in one anonymous mapping that
 * is locked (never swapped), excluded from core dumps and wiped on free;
 * stack temporaries are wiped before they go out of scope.
 */

/*
 * SHA256_Init/Update/Final are deprecated in OpenSSL 3.0, but they are the
 * only interface that keeps the hash state in a plain struct we can copy by
 * value. EVP_MAC cannot snapshot a keyed state without a heap copy per call
 * (EVP_MAC_CTX_dup), and the one-shot HMAC() derives the padded key blocks
 * again on every call and measures about 15 times slower. The low-level
 * functions still run OpenSSL's SHA-NI assembly. Only this file opts out of
 * the deprecation warnings.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "errors.h"
#include "pseudonym.h"

#define HASH_LEN		SHA256_DIGEST_LENGTH
#define HASH_BLOCK		SHA256_CBLOCK
#define HKDF_MAX		(255 * HASH_LEN)	/* RFC 5869, L <= 255*HashLen */
#define BSN_LEN			9
#define GEMEENTE_LEN		4
#define AGB_LEN			8
#define BRON_ID_MAX		256
#define INT64_DEC_MAX		20	/* "-9223372036854775808" */

/*
 * The labels are part of every stored pseudonym: changing one orphans the
 * whole database, exactly as a new master key would.
 */
#define HKDF_SALT		"sorttp pseudonym v1"
#define KEYCHECK_LABEL		"sorttp key check v1"

static const char *const kind_info[PSEUDO__NKINDS] = {
	[PSEUDO_BSN] = "sorttp/bsn",
	[PSEUDO_TOEWIJZING] = "sorttp/toewijzing",
	[PSEUDO_BRON] = "sorttp/bron",
	[PSEUDO_KEYCHECK] = "sorttp/keycheck",
};

/* SHA-256 state after the key^ipad block and after the key^opad block. */
struct pseudo_hmac_state {
	SHA256_CTX	inner;
	SHA256_CTX	outer;
};

/*
 * The whole context is the start of its own page-aligned mapping, so one
 * mlock and one madvise cover every secret in it. maplen and locked are
 * read before the wipe in pseudo_free.
 */
struct pseudo_ctx {
	struct pseudo_hmac_state st[PSEUDO__NKINDS];
	unsigned char	master[PSEUDO_KEY_LEN];
	unsigned char	subkey[PSEUDO__NKINDS][PSEUDO_LEN];
	size_t		maplen;
	unsigned	version;
	int		locked;
	/* Key rotation: the previous key during the overlap window. */
	struct pseudo_ctx *old;
	long long	window_end;
	struct pseudo_link_sink sink;
};

static void	seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
all_digits(const char *s, size_t len)
{
	size_t	i;

	if (s == NULL || len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* HMAC-SHA256 (RFC 2104) */

size_t
pseudo_hmac_state_size(void)
{
	return sizeof(struct pseudo_hmac_state);
}

void
pseudo_hmac_init(struct pseudo_hmac_state *st, const void *key, size_t keylen)
{
	unsigned char	 block[HASH_BLOCK], pad[HASH_BLOCK];
	SHA256_CTX	 c;
	size_t		 i;

	/* A key longer than a block is replaced by its hash (RFC 2104). */
	memset(block, 0, sizeof(block));
	memset(&c, 0, sizeof(c));
	if (keylen > HASH_BLOCK) {
		SHA256_Init(&c);
		SHA256_Update(&c, key, keylen);
		SHA256_Final(block, &c);
	} else if (keylen > 0)
		memcpy(block, key, keylen);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] = (unsigned char)(block[i] ^ 0x36);
	SHA256_Init(&st->inner);
	SHA256_Update(&st->inner, pad, sizeof(pad));
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = (unsigned char)(block[i] ^ 0x5c);
	SHA256_Init(&st->outer);
	SHA256_Update(&st->outer, pad, sizeof(pad));

	OPENSSL_cleanse(block, sizeof(block));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(&c, sizeof(c));
}

/*
 * Finishes a MAC whose message has been fed into c, a copy of the inner
 * state. c is reused for the outer hash so that only one copy needs wiping.
 */
static void
hmac_finish(const struct pseudo_hmac_state *st, SHA256_CTX *c,
    unsigned char out[PSEUDO_LEN])
{
	unsigned char	 inner[HASH_LEN];

	SHA256_Final(inner, c);
	*c = st->outer;
	SHA256_Update(c, inner, sizeof(inner));
	SHA256_Final(out, c);
	OPENSSL_cleanse(inner, sizeof(inner));
	OPENSSL_cleanse(c, sizeof(*c));
}

void
pseudo_hmac_mac(const struct pseudo_hmac_state *st, const void *msg,
    size_t len, unsigned char out[PSEUDO_LEN])
{
	SHA256_CTX	 c;

	c = st->inner;
	if (len > 0)
		SHA256_Update(&c, msg, len);
	hmac_finish(st, &c, out);
}

/* HKDF-SHA256 (RFC 5869), built on the state above. */

/* PRK = HMAC(salt, IKM), returned as a ready HMAC state keyed with PRK. */
static void
hkdf_extract(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, struct pseudo_hmac_state *prkst)
{
	struct pseudo_hmac_state	 saltst;
	unsigned char			 prk[HASH_LEN];

	pseudo_hmac_init(&saltst, salt, saltlen);
	pseudo_hmac_mac(&saltst, ikm, ikmlen, prk);
	pseudo_hmac_init(prkst, prk, sizeof(prk));
	OPENSSL_cleanse(&saltst, sizeof(saltst));
	OPENSSL_cleanse(prk, sizeof(prk));
}

/* T(i) = HMAC(PRK, T(i-1) | info | i); OKM is the first outlen bytes. */
static int
hkdf_expand(const struct pseudo_hmac_state *prkst, const void *info,
    size_t infolen, unsigned char *out, size_t outlen)
{
	unsigned char	 t[HASH_LEN], ctr;
	SHA256_CTX	 c;
	size_t		 done, n;

	if (outlen > HKDF_MAX || (out == NULL && outlen > 0))
		return -1;
	for (done = 0, ctr = 1; done < outlen; done += n, ctr++) {
		c = prkst->inner;
		if (ctr > 1)
			SHA256_Update(&c, t, sizeof(t));
		if (infolen > 0)
			SHA256_Update(&c, info, infolen);
		SHA256_Update(&c, &ctr, 1);
		hmac_finish(prkst, &c, t);
		n = outlen - done < sizeof(t) ? outlen - done : sizeof(t);
		memcpy(out + done, t, n);
	}
	OPENSSL_cleanse(t, sizeof(t));
	return 0;
}

int
pseudo_hkdf(const void *salt, size_t saltlen, const void *ikm, size_t ikmlen,
    const void *info, size_t infolen, unsigned char *out, size_t outlen)
{
	struct pseudo_hmac_state	 prkst;
	int				 rv;

	if (outlen > HKDF_MAX || (out == NULL && outlen > 0))
		return -1;
	hkdf_extract(salt, saltlen, ikm, ikmlen, &prkst);
	rv = hkdf_expand(&prkst, info, infolen, out, outlen);
	OPENSSL_cleanse(&prkst, sizeof(prkst));
	return rv;
}

/* The context */

/*
 * Maps fresh, zeroed pages for a context. Failing to lock them is not
 * fatal (RLIMIT_MEMLOCK can be small in containers), but the operator has
 * to know that the key may reach swap.
 */
static struct pseudo_ctx *
ctx_map(void)
{
	struct pseudo_ctx	*ctx;
	void			*p;
	long			 pg;
	size_t			 pagesz, len;
	int			 locked = 1;

	pg = sysconf(_SC_PAGESIZE);
	pagesz = pg > 0 ? (size_t)pg : 4096;
	len = (sizeof(*ctx) + pagesz - 1) / pagesz * pagesz;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/*
	 * Core dumps are disabled in the daemon anyway; this also covers a
	 * dump taken with gcore, so a failure here is not worth a warning.
	 */
	(void)madvise(p, len, MADV_DONTDUMP);
	if (mlock(p, len) == -1) {
		locked = 0;
		fprintf(stderr, "sorttp: warning: could not lock key memory: "
		    "%s\n", strerror(errno));
	}
	ctx = p;
	ctx->maplen = len;
	ctx->locked = locked;
	return ctx;
}

int
pseudo_init_key(const unsigned char key[PSEUDO_KEY_LEN], unsigned key_version,
    struct pseudo_ctx **out)
{
	struct pseudo_ctx		*ctx;
	struct pseudo_hmac_state	 prkst;
	int				 k;

	*out = NULL;
	if ((ctx = ctx_map()) == NULL)
		return -1;
	memcpy(ctx->master, key, PSEUDO_KEY_LEN);
	ctx->version = key_version;

	/* One extract serves every kind; the info label separates them. */
	hkdf_extract(HKDF_SALT, sizeof(HKDF_SALT) - 1, ctx->master,
	    PSEUDO_KEY_LEN, &prkst);
	for (k = 0; k < PSEUDO__NKINDS; k++) {
		if (hkdf_expand(&prkst, kind_info[k], strlen(kind_info[k]),
		    ctx->subkey[k], PSEUDO_LEN) == -1)
			goto fail;
		pseudo_hmac_init(&ctx->st[k], ctx->subkey[k], PSEUDO_LEN);
	}
	OPENSSL_cleanse(&prkst, sizeof(prkst));
	*out = ctx;
	return 0;

fail:
	OPENSSL_cleanse(&prkst, sizeof(prkst));
	pseudo_free(ctx);
	errno = EINVAL;
	return -1;
}

void
pseudo_free(struct pseudo_ctx *ctx)
{
	size_t	 len;
	int	 locked;

	if (ctx == NULL)
		return;
	pseudo_free(ctx->old);
	len = ctx->maplen;
	locked = ctx->locked;
	OPENSSL_cleanse(ctx, len);
	if (locked)
		(void)munlock(ctx, len);
	(void)munmap(ctx, len);
}

unsigned
pseudo_key_version(const struct pseudo_ctx *ctx)
{
	return ctx->version;
}

void
pseudo_key_id(const struct pseudo_ctx *ctx, unsigned char out[PSEUDO_KEY_ID_LEN])
{
	unsigned char	 mac[PSEUDO_LEN];

	pseudo_mac(ctx, PSEUDO_KEYCHECK, KEYCHECK_LABEL,
	    sizeof(KEYCHECK_LABEL) - 1, mac);
	memcpy(out, mac, PSEUDO_KEY_ID_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
}

/* Pseudonyms */

/* The old key while its window is open, else NULL. */
static const struct pseudo_ctx *
window_old(const struct pseudo_ctx *ctx)
{
	if (ctx->old == NULL)
		return NULL;
	return (long long)time(NULL) < ctx->window_end ? ctx->old : NULL;
}

/*
 * One pseudonym, with the rotation rules: identities (BSN, toewijzing)
 * under the new key, and during the window also under the old one, the
 * pair going to the link sink; source ids under the old key while the
 * window is open, so resends keep matching. The key check value is always
 * this key's own.
 */
static void
mac_rotating(const struct pseudo_ctx *ctx, enum pseudo_kind kind,
    const void *msg, size_t len, unsigned char out[PSEUDO_LEN])
{
	const struct pseudo_ctx	*old = window_old(ctx);
	unsigned char		 o[PSEUDO_LEN];

	if (old != NULL && kind == PSEUDO_BRON) {
		pseudo_hmac_mac(&old->st[kind], msg, len, out);
		return;
	}
	pseudo_hmac_mac(&ctx->st[kind], msg, len, out);
	if (old == NULL || ctx->sink.fn == NULL ||
	    (kind != PSEUDO_BSN && kind != PSEUDO_TOEWIJZING))
		return;
	pseudo_hmac_mac(&old->st[kind], msg, len, o);
	ctx->sink.fn((int)kind, o, out, ctx->sink.arg);
	OPENSSL_cleanse(o, sizeof(o));
}

void
pseudo_mac(const struct pseudo_ctx *ctx, enum pseudo_kind kind,
    const void *msg, size_t len, unsigned char out[PSEUDO_LEN])
{
	/*
	 * A kind out of range is a programming error; carrying on would read
	 * past the states, and returning a constant would merge pseudonyms.
	 */
	if ((unsigned)kind >= (unsigned)PSEUDO__NKINDS)
		abort();
	mac_rotating(ctx, kind, msg, len, out);
}

void
pseudo_bsn(const struct pseudo_ctx *ctx, const char canon[BSN_LEN],
    unsigned char out[PSEUDO_LEN])
{
	mac_rotating(ctx, PSEUDO_BSN, canon, BSN_LEN, out);
}

int
pseudo_attach_old(struct pseudo_ctx *ctx, struct pseudo_ctx *old,
    long long window_end)
{
	if (ctx == NULL || old == NULL || old == ctx || ctx->old != NULL ||
	    old->old != NULL)
		return -1;
	ctx->old = old;
	ctx->window_end = window_end;
	return 0;
}

void
pseudo_set_link_sink(struct pseudo_ctx *ctx,
    const struct pseudo_link_sink *sink)
{
	if (sink == NULL)
		memset(&ctx->sink, 0, sizeof(ctx->sink));
	else
		ctx->sink = *sink;
}

int
pseudo_in_window(const struct pseudo_ctx *ctx)
{
	return window_old(ctx) != NULL;
}

void
pseudo_set_key_version(struct pseudo_ctx *ctx, unsigned version)
{
	ctx->version = version;
}

/*
 * A ToewijzingNummer is an integer, so "000123" and "123" are the same
 * assignment; the message is "GGGG:" and the digits without leading zeros.
 */
int
pseudo_toewijzing(const struct pseudo_ctx *ctx, const char gemeente[GEMEENTE_LEN],
    const char *nr, size_t len, unsigned char out[PSEUDO_LEN])
{
	char	 msg[GEMEENTE_LEN + 1 + PSEUDO_TOEWIJZING_MAX];
	size_t	 skip;

	if (!pseudo_gemeente_format_valid(gemeente, GEMEENTE_LEN))
		return -1;
	if (len > PSEUDO_TOEWIJZING_MAX || !all_digits(nr, len))
		return -1;
	for (skip = 0; skip + 1 < len && nr[skip] == '0'; skip++)
		continue;
	memcpy(msg, gemeente, GEMEENTE_LEN);
	msg[GEMEENTE_LEN] = ':';
	memcpy(msg + GEMEENTE_LEN + 1, nr + skip, len - skip);
	pseudo_mac(ctx, PSEUDO_TOEWIJZING, msg, GEMEENTE_LEN + 1 + len - skip,
	    out);
	OPENSSL_cleanse(msg, sizeof(msg));
	return 0;
}

/*
 * The party id is decimal and cannot contain ':', so "party:id" is
 * unambiguous whatever bytes the id holds.
 */
int
pseudo_bron(const struct pseudo_ctx *ctx, int64_t party_id, const char *id,
    size_t len, unsigned char out[PSEUDO_LEN])
{
	char	 msg[INT64_DEC_MAX + 1 + BRON_ID_MAX];
	int	 n;

	if (id == NULL || len == 0 || len > BRON_ID_MAX)
		return -1;
	n = snprintf(msg, sizeof(msg), "%" PRId64 ":", party_id);
	if (n < 0 || (size_t)n > INT64_DEC_MAX + 1)
		return -1;
	memcpy(msg + n, id, len);
	pseudo_mac(ctx, PSEUDO_BRON, msg, (size_t)n + len, out);
	OPENSSL_cleanse(msg, sizeof(msg));
	return 0;
}

/* Identifier validation */

/*
 * The elfproef weighs the digits 9..2 and the last one -1. Adding 10 times
 * the last digit is the same modulo 11 and keeps the sum unsigned. Nothing
 * is written to out unless the BSN is valid.
 */
enum bsn_result
pseudo_bsn_canon(const char *s, size_t len, char out[BSN_LEN])
{
	unsigned	 i, pad, d, sum, any;

	if (s == NULL)
		len = 0;
	while (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return BSN_EMPTY;
	if (!all_digits(s, len))
		return BSN_NOT_DIGITS;
	if (len != BSN_LEN && len != BSN_LEN - 1)
		return BSN_LENGTH;

	pad = BSN_LEN - (unsigned)len;
	sum = any = 0;
	for (i = pad; i < BSN_LEN; i++) {
		d = (unsigned)(s[i - pad] - '0');
		any |= d;
		sum += (i < BSN_LEN - 1 ? BSN_LEN - i : 10) * d;
	}
	if (any == 0)
		return BSN_ZERO;
	if (sum % 11 != 0)
		return BSN_ELFPROEF;
	memset(out, '0', pad);
	memcpy(out + pad, s, len);
	return BSN_OK;
}

const char *
pseudo_bsn_code(enum bsn_result r)
{
	switch (r) {
	case BSN_OK:
		return "ok";
	case BSN_EMPTY:
		return ERR_BSN_LEEG;
	case BSN_NOT_DIGITS:
		return ERR_BSN_GEEN_CIJFERS;
	case BSN_LENGTH:
		return ERR_BSN_LENGTE;
	case BSN_ZERO:
		return ERR_BSN_NUL;
	case BSN_ELFPROEF:
		return ERR_BSN_ELFPROEF;
	}
	return ERR_BSN_ONBEKEND;
}

/*
 * The messages contain no digits at all, so a test can prove that no
 * message ever echoes a value.
 */
const char *
pseudo_bsn_message(enum bsn_result r)
{
	switch (r) {
	case BSN_OK:
		return "BSN is geldig";
	case BSN_EMPTY:
		return "BSN ontbreekt";
	case BSN_NOT_DIGITS:
		return "BSN bevat andere tekens dan cijfers";
	case BSN_LENGTH:
		return "BSN moet negen cijfers hebben (acht mag, dan wordt "
		    "er een nul vooraan gezet)";
	case BSN_ZERO:
		return "BSN met alleen nullen is ongeldig";
	case BSN_ELFPROEF:
		return "BSN voldoet niet aan de elfproef";
	}
	return "BSN is ongeldig";
}

int
pseudo_agb_valid(const char *s, size_t len)
{
	return len == AGB_LEN && all_digits(s, len);
}

int
pseudo_gemeente_format_valid(const char *s, size_t len)
{
	return len == GEMEENTE_LEN && all_digits(s, len);
}

/* The key file */

/* getrandom(2) blocks only until the pool is seeded, once after boot. */
static int
random_bytes(unsigned char *buf, size_t len)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < len) {
		n = getrandom(buf + done, len - done, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS)
				return RAND_priv_bytes(buf, (int)len) == 1 ?
				    0 : -1;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Returns the number of bytes read, short only at end of file, or -1. */
static ssize_t
read_all(int fd, unsigned char *buf, size_t len)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/*
 * A new key file must survive a crash: once pseudonyms made with it are
 * stored, losing its directory entry loses them all. So the directory is
 * synced as well as the file.
 */
static int
sync_parent(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash;
	size_t		 len;
	int		 fd, rv, saved;

	if ((slash = strrchr(path, '/')) == NULL) {
		dir[0] = '.';
		len = 1;
	} else {
		len = slash == path ? 1 : (size_t)(slash - path);
		if (len >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, len);
	}
	dir[len] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rv = fsync(fd);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

int
pseudo_keyfile_create(const char *path, char *err, size_t errlen)
{
	unsigned char	 key[PSEUDO_KEY_LEN];
	int		 fd, created = 0, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			seterr(err, errlen, "key file %s already exists and "
			    "will not be overwritten: that would orphan every "
			    "stored pseudonym", path);
		else
			seterr(err, errlen, "cannot create key file %s: %s",
			    path, strerror(errno));
		goto fail;
	}
	created = 1;
	/* The umask may have taken the owner's bits away. */
	if (fchmod(fd, 0600) == -1) {
		seterr(err, errlen, "cannot set mode 0600 on key file %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	if (random_bytes(key, sizeof(key)) == -1) {
		seterr(err, errlen, "cannot get random bytes for key file "
		    "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (write_all(fd, key, sizeof(key)) == -1 || fsync(fd) == -1) {
		seterr(err, errlen, "cannot write key file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	OPENSSL_cleanse(key, sizeof(key));
	if (close(fd) == -1) {
		fd = -1;
		seterr(err, errlen, "cannot write key file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	/*
	 * The file itself is complete from here on, so it is kept even if
	 * the directory cannot be synced; the message says so.
	 */
	created = 0;
	if (sync_parent(path) == -1) {
		seterr(err, errlen, "key file %s was written, but its "
		    "directory could not be synced: %s", path, strerror(errno));
		goto fail;
	}
	return 0;

fail:
	saved = errno;
	OPENSSL_cleanse(key, sizeof(key));
	if (fd != -1)
		(void)close(fd);
	/* O_EXCL means the file is ours: do not leave a partial key behind. */
	if (created)
		(void)unlink(path);
	errno = saved;
	return -1;
}

int
pseudo_keyfile_destroy(const char *path, char *err, size_t errlen)
{
	unsigned char	 junk[PSEUDO_KEY_LEN];
	struct stat	 st;
	off_t		 done;
	size_t		 n;
	int		 fd, saved;

	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		seterr(err, errlen, "cannot open key file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "key file %s is not a regular file", path);
		goto fail;
	}
	for (done = 0; done < st.st_size; done += (off_t)n) {
		n = st.st_size - done < (off_t)sizeof(junk) ?
		    (size_t)(st.st_size - done) : sizeof(junk);
		if (random_bytes(junk, n) == -1 ||
		    write_all(fd, junk, n) == -1) {
			seterr(err, errlen, "cannot overwrite key file %s: %s",
			    path, strerror(errno));
			goto fail;
		}
	}
	if (fsync(fd) == -1) {
		seterr(err, errlen, "cannot sync key file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	(void)close(fd);
	OPENSSL_cleanse(junk, sizeof(junk));
	if (unlink(path) == -1 || sync_parent(path) == -1) {
		seterr(err, errlen, "key file %s was overwritten but not "
		    "removed: %s", path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	saved = errno;
	OPENSSL_cleanse(junk, sizeof(junk));
	(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * O_NONBLOCK keeps a FIFO planted at the path from hanging start-up; it
 * has no effect on a regular file.
 */
int
pseudo_load_keyfile(const char *path, unsigned key_version,
    struct pseudo_ctx **out, char *err, size_t errlen)
{
	unsigned char	 key[PSEUDO_KEY_LEN];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, saved;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ELOOP)
			seterr(err, errlen, "key file %s is a symbolic link; "
			    "refusing to follow it", path);
		else
			seterr(err, errlen, "cannot open key file %s: %s",
			    path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errlen, "cannot stat key file %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "key file %s is not a regular file", path);
		errno = EINVAL;
		goto fail;
	}
	if ((st.st_mode & 077) != 0) {
		seterr(err, errlen, "key file %s is accessible by group or "
		    "others (mode %04o); run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		errno = EPERM;
		goto fail;
	}
	/* As ssh does: another user's file could be swapped under us. */
	if (st.st_uid != geteuid()) {
		seterr(err, errlen, "key file %s is owned by uid %u, not by "
		    "this user (uid %u)", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		errno = EPERM;
		goto fail;
	}
	if (st.st_size != PSEUDO_KEY_LEN) {
		seterr(err, errlen, "key file %s must hold exactly %d bytes "
		    "(has %lld)", path, PSEUDO_KEY_LEN,
		    (long long)st.st_size);
		errno = EINVAL;
		goto fail;
	}
	if ((n = read_all(fd, key, sizeof(key))) != (ssize_t)sizeof(key)) {
		if (n == -1)
			seterr(err, errlen, "cannot read key file %s: %s",
			    path, strerror(errno));
		else {
			seterr(err, errlen, "key file %s became shorter while "
			    "it was read", path);
			errno = EIO;
		}
		goto fail;
	}
	(void)close(fd);
	fd = -1;
	if (pseudo_init_key(key, key_version, out) == -1) {
		seterr(err, errlen, "cannot set up memory for the key: %s",
		    strerror(errno));
		goto fail;
	}
	OPENSSL_cleanse(key, sizeof(key));
	return 0;

fail:
	saved = errno;
	OPENSSL_cleanse(key, sizeof(key));
	if (fd != -1)
		(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * A subkey of the master key for a purpose outside pseudonymisation (the
 * cell-key record keys, cellkey.h): the same extract, its own info label,
 * so it is independent of every pseudonym subkey.
 */
int
pseudo_subkey(const struct pseudo_ctx *ctx, const char *label,
    unsigned char out[PSEUDO_LEN])
{
	return pseudo_hkdf(HKDF_SALT, sizeof(HKDF_SALT) - 1, ctx->master,
	    PSEUDO_KEY_LEN, label, strlen(label), out, PSEUDO_LEN);
}
