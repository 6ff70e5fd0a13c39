/*
 * Bearer tokens, roles and scopes.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth.h"
#include "log.h"
#include "pseudonym.h"
#include "util.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of 32 bytes: exactly 43 characters. */
static void
b64url_32(const unsigned char in[32], char out[44])
{
	size_t		i, o = 0;
	uint32_t	v;

	for (i = 0; i + 3 <= 30; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	v = (uint32_t)in[30] << 16 | (uint32_t)in[31] << 8;
	out[o++] = b64url[(v >> 18) & 63];
	out[o++] = b64url[(v >> 12) & 63];
	out[o++] = b64url[(v >> 6) & 63];
	out[o] = '\0';
}

void
auth_token_hash(const char *token, size_t len,
    unsigned char hash[PARTY_TOKEN_HASH_LEN])
{
	unsigned int	n = PARTY_TOKEN_HASH_LEN;

	if (EVP_Digest(token, len, hash, &n, EVP_sha256(), NULL) != 1)
		fatal("SHA-256 failed");
}

int
auth_token_new(char token[AUTH_TOKEN_LEN + 1],
    unsigned char hash[PARTY_TOKEN_HASH_LEN])
{
	unsigned char	rnd[AUTH_TOKEN_RANDOM];
	char		enc[44];

	if (RAND_priv_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	b64url_32(rnd, enc);
	memcpy(token, AUTH_TOKEN_PREFIX, 7);
	memcpy(token + 7, enc, 44);
	auth_token_hash(token, AUTH_TOKEN_LEN, hash);
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(enc, sizeof(enc));
	return 0;
}

/* The shape of a token: the prefix and 43 base64url characters. */
static int
token_well_formed(const char *t, size_t len)
{
	size_t	i;

	if (len != AUTH_TOKEN_LEN || memcmp(t, AUTH_TOKEN_PREFIX, 7) != 0)
		return 0;
	for (i = 7; i < len; i++)
		if (strchr(b64url, t[i]) == NULL || t[i] == '\0')
			return 0;
	return 1;
}

/*
 * The token cache. Every request used to cost two queries under the
 * shared store's lock (the party and its scopes); now a known token costs
 * a hash, a check of SQLite's data_version, and a copy. Revocation stays
 * immediate: data_version changes whenever another connection commits
 * (`sorttp party revoke` runs in another process), and then the parties
 * generation, which triggers bump on every change to parties or scopes,
 * is read; if it moved, the whole cache is dropped. Only valid tokens are
 * kept, so an unknown token always goes to the database.
 */
#define AUTH_CACHE_MAX	64	/* parties; there are a few dozen at most */

struct auth_cache_entry {
	unsigned char	 hash[PARTY_TOKEN_HASH_LEN];
	struct party	 party;
	time_t		 touched;	/* last use recorded */
	int		 used;
};

static struct {
	pthread_mutex_t		 mu;
	struct store		*st;		/* the store the entries are of */
	int64_t			 data_version;
	int64_t			 generation;
	struct auth_cache_entry	 e[AUTH_CACHE_MAX];
	size_t			 next;		/* round-robin replacement */
} cache = { .mu = PTHREAD_MUTEX_INITIALIZER, .data_version = -1,
    .generation = -1 };

static void
cache_flush(void)
{
	OPENSSL_cleanse(cache.e, sizeof(cache.e));
	cache.next = 0;
}

/*
 * Brings the cache up to date with the store; returns the generation its
 * entries are valid for, or -1 on a fault (the cache is then empty).
 */
static int64_t
cache_check(struct store *st)
{
	int64_t	dv, gen, ret;

	pthread_mutex_lock(&cache.mu);
	if (cache.st != st) {
		cache_flush();
		cache.st = st;
		cache.data_version = -1;
		cache.generation = -1;
	}
	dv = cache.data_version;
	gen = cache.generation;
	if (store_parties_generation(st, &dv, &gen) == -1) {
		cache_flush();
		cache.data_version = -1;
		ret = -1;
	} else {
		if (gen != cache.generation)
			cache_flush();
		cache.data_version = dv;
		cache.generation = gen;
		ret = gen;
	}
	pthread_mutex_unlock(&cache.mu);
	return ret;
}

/*
 * *touch says whether the use should be recorded in the store: at most once
 * a STORE_TOUCH_GRANULARITY_S per cached party, so that a cached request
 * costs no write transaction.
 */
static int
cache_get(const unsigned char hash[PARTY_TOKEN_HASH_LEN], struct party *out,
    int *touch)
{
	size_t	i;
	int	found = 0;
	time_t	now = time(NULL);

	pthread_mutex_lock(&cache.mu);
	for (i = 0; i < AUTH_CACHE_MAX && !found; i++)
		if (cache.e[i].used && CRYPTO_memcmp(cache.e[i].hash, hash,
		    PARTY_TOKEN_HASH_LEN) == 0) {
			*out = cache.e[i].party;
			found = 1;
			*touch = now - cache.e[i].touched >=
			    STORE_TOUCH_GRANULARITY_S;
			if (*touch)
				cache.e[i].touched = now;
		}
	pthread_mutex_unlock(&cache.mu);
	return found;
}

/*
 * Keeps a party found in the database, unless the generation moved since
 * gen was read before the lookup: the party may be revoked by now.
 */
static void
cache_put(struct store *st, int64_t gen,
    const unsigned char hash[PARTY_TOKEN_HASH_LEN], const struct party *p)
{
	struct auth_cache_entry	*e;

	pthread_mutex_lock(&cache.mu);
	if (cache.st == st && cache.generation == gen && gen >= 0) {
		e = &cache.e[cache.next];
		cache.next = (cache.next + 1) % AUTH_CACHE_MAX;
		memcpy(e->hash, hash, PARTY_TOKEN_HASH_LEN);
		e->party = *p;
		e->touched = time(NULL);
		e->used = 1;
	}
	pthread_mutex_unlock(&cache.mu);
}

int
auth_expired(const struct party *p, time_t now)
{
	char	at[21];

	if (p->expires[0] == '\0')
		return 0;
	/* Both are "YYYY-MM-DDTHH:MM:SSZ": text order is time order. */
	util_utc_iso8601_at(now, at);
	return strcmp(at, p->expires) >= 0;
}

enum auth_result
auth_bearer(struct store *st, const char *header, struct party *out)
{
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	enum store_result	 rc;
	const char		*tok;
	size_t			 len;
	int64_t			 gen;
	time_t			 now;
	int			 touch = 0;

	if (header == NULL)
		return AUTH_MISSING;
	len = strnlen(header, AUTH_HEADER_MAX + 1);
	if (len > AUTH_HEADER_MAX || len < 7 ||
	    strncasecmp(header, "Bearer ", 7) != 0)
		return AUTH_INVALID;
	tok = header + 7;
	while (*tok == ' ')
		tok++;
	len = strlen(tok);
	while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
		len--;
	if (!token_well_formed(tok, len))
		return AUTH_INVALID;
	auth_token_hash(tok, len, hash);
	gen = cache_check(st);
	if (gen >= 0 && cache_get(hash, out, &touch)) {
		OPENSSL_cleanse(hash, sizeof(hash));
		rc = STORE_OK;
	} else {
		rc = store_party_by_token(st, hash, out);
		if (rc == STORE_OK)
			cache_put(st, gen, hash, out);
		OPENSSL_cleanse(hash, sizeof(hash));
		touch = 1;
	}
	if (rc == STORE_ERROR)
		return AUTH_ERROR;
	if (rc != STORE_OK)
		return AUTH_INVALID;
	now = time(NULL);
	/* A cached party still expires on time: the check is on every call. */
	if (auth_expired(out, now))
		return AUTH_EXPIRED;
	if (touch)
		store_party_touch(st, out->id, now);
	return AUTH_OK;
}

int
auth_role_allowed(const struct party *p, unsigned role_mask)
{
	return (role_mask & ROLE_BIT(p->role)) != 0;
}

int
auth_party_name_valid(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > PARTY_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i > 0 && (s[i] == '.' || s[i] == '_' || s[i] == '-'))
			continue;
		return 0;
	}
	return 1;
}

int
auth_scope_parse(const struct config *cfg, const char *arg,
    struct party_scope *out, char *err, size_t errlen)
{
	const struct cfg_gemeente	*g;
	const char			*v;
	int				 retired;

	memset(out, 0, sizeof(*out));
	if (strncmp(arg, "cluster:", 8) == 0) {
		v = arg + 8;
		if (config_cluster(cfg, v) == NULL) {
			util_fmt(err, errlen, "unknown cluster '%s' (see the "
			    "reference data: sorttp check-config)", v);
			return -1;
		}
		out->kind = SCOPE_CLUSTER;
	} else if (strncmp(arg, "gemeente:", 9) == 0) {
		v = arg + 9;
		if (strlen(v) != 4 || !pseudo_gemeente_format_valid(v, 4) ||
		    (g = config_gemeente(cfg, v, &retired)) == NULL) {
			util_fmt(err, errlen, "unknown gemeentecode '%s'", v);
			return -1;
		}
		if (retired) {
			util_fmt(err, errlen, "gemeentecode %s is retired; use "
			    "%s", v, g->code);
			return -1;
		}
		out->kind = SCOPE_GEMEENTE;
	} else {
		util_fmt(err, errlen, "scope '%s' must be cluster:NAME or "
		    "gemeente:CODE", arg);
		return -1;
	}
	if (util_fmt(out->value, sizeof(out->value), "%s", v) == -1) {
		util_fmt(err, errlen, "scope value too long");
		return -1;
	}
	return 0;
}

int
auth_scope_format(const struct party_scope *s, char *buf, size_t len)
{
	return util_fmt(buf, len, "%s:%s",
	    s->kind == SCOPE_CLUSTER ? "cluster" : "gemeente", s->value);
}

int
auth_bearer_hash(const char *header, unsigned char hash[PARTY_TOKEN_HASH_LEN])
{
	const char	*tok;
	size_t		 len;

	if (header == NULL)
		return -1;
	len = strnlen(header, AUTH_HEADER_MAX + 1);
	if (len > AUTH_HEADER_MAX || len < 7 ||
	    strncasecmp(header, "Bearer ", 7) != 0)
		return -1;
	tok = header + 7;
	while (*tok == ' ')
		tok++;
	len = strlen(tok);
	while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
		len--;
	if (!token_well_formed(tok, len))
		return -1;
	auth_token_hash(tok, len, hash);
	return 0;
}
