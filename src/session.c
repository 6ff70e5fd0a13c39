/*
 * Browser sessions: a fixed table in memory, guarded by one mutex. The
 * table is small (limit sessions_max) and scanned linearly; a lookup is a
 * few thousand 32-byte comparisons at most, far below a TLS record.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"
#include "session.h"
#include "util.h"

struct session {
	int		in_use;
	unsigned char	id_hash[PARTY_TOKEN_HASH_LEN];
	unsigned char	token_hash[PARTY_TOKEN_HASH_LEN];
	char		csrf[SESSION_CSRF_LEN + 1];
	uint64_t	created_ns;
	uint64_t	used_ns;
};

static pthread_mutex_t	 sess_mu = PTHREAD_MUTEX_INITIALIZER;
static struct session	*sess_tab;
static size_t		 sess_max;
static uint64_t		 sess_idle_ns, sess_age_ns;

int
session_init(size_t max, long long idle_s, long long max_age_s)
{
	struct session	*t;

	if ((t = calloc(max, sizeof(*t))) == NULL)
		return -1;
	pthread_mutex_lock(&sess_mu);
	free(sess_tab);
	sess_tab = t;
	sess_max = max;
	sess_idle_ns = (uint64_t)idle_s * 1000000000ULL;
	sess_age_ns = (uint64_t)max_age_s * 1000000000ULL;
	pthread_mutex_unlock(&sess_mu);
	return 0;
}

void
session_fini(void)
{
	pthread_mutex_lock(&sess_mu);
	if (sess_tab != NULL)
		OPENSSL_cleanse(sess_tab, sess_max * sizeof(*sess_tab));
	free(sess_tab);
	sess_tab = NULL;
	sess_max = 0;
	pthread_mutex_unlock(&sess_mu);
}

/* Hex of n random bytes into out (2n + 1 bytes). */
static int
random_hex(char *out, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 rnd[32];
	size_t			 i;

	if (n > sizeof(rnd) || RAND_priv_bytes(rnd, (int)n) != 1)
		return -1;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 15];
	}
	out[2 * n] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

/*
 * A difference that would go below zero is no age: unsigned, it would wrap
 * to centuries and end a live session. session_lookup reads its time under
 * the lock so that cannot happen there; the guard keeps any other caller
 * (and a clock read before the lock) from ending a live session.
 */
static int
expired(const struct session *s, uint64_t now)
{
	return (now > s->used_ns && now - s->used_ns > sess_idle_ns) ||
	    (now > s->created_ns && now - s->created_ns > sess_age_ns);
}

int
session_create(const unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
    char id[SESSION_ID_LEN + 1], char csrf[SESSION_CSRF_LEN + 1])
{
	struct session	*s = NULL;
	uint64_t	 now = util_now_ns();
	size_t		 i;

	if (random_hex(id, SESSION_ID_LEN / 2) == -1 ||
	    random_hex(csrf, SESSION_CSRF_LEN / 2) == -1)
		return -1;
	pthread_mutex_lock(&sess_mu);
	for (i = 0; i < sess_max; i++) {
		if (sess_tab[i].in_use && expired(&sess_tab[i], now))
			OPENSSL_cleanse(&sess_tab[i], sizeof(sess_tab[i]));
		if (!sess_tab[i].in_use && s == NULL)
			s = &sess_tab[i];
	}
	if (s == NULL) {
		pthread_mutex_unlock(&sess_mu);
		return -1;
	}
	s->in_use = 1;
	auth_token_hash(id, SESSION_ID_LEN, s->id_hash);
	memcpy(s->token_hash, token_hash, PARTY_TOKEN_HASH_LEN);
	memcpy(s->csrf, csrf, SESSION_CSRF_LEN + 1);
	s->created_ns = s->used_ns = now;
	pthread_mutex_unlock(&sess_mu);
	return 0;
}

int
session_lookup(const char *id, unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
    unsigned char id_hash[PARTY_TOKEN_HASH_LEN],
    char csrf[SESSION_CSRF_LEN + 1])
{
	uint64_t	now;
	size_t		i;
	int		rc = -1;

	if (strnlen(id, SESSION_ID_LEN + 1) != SESSION_ID_LEN)
		return -1;
	auth_token_hash(id, SESSION_ID_LEN, id_hash);
	pthread_mutex_lock(&sess_mu);
	/* Read under the lock: used_ns only moves forward (see expired()). */
	now = util_now_ns();
	for (i = 0; i < sess_max; i++) {
		struct session	*s = &sess_tab[i];

		if (!s->in_use || CRYPTO_memcmp(s->id_hash, id_hash,
		    PARTY_TOKEN_HASH_LEN) != 0)
			continue;
		if (expired(s, now)) {
			OPENSSL_cleanse(s, sizeof(*s));
			break;
		}
		s->used_ns = now;
		memcpy(token_hash, s->token_hash, PARTY_TOKEN_HASH_LEN);
		memcpy(csrf, s->csrf, SESSION_CSRF_LEN + 1);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&sess_mu);
	return rc;
}

void
session_end(const unsigned char id_hash[PARTY_TOKEN_HASH_LEN])
{
	size_t	i;

	pthread_mutex_lock(&sess_mu);
	for (i = 0; i < sess_max; i++)
		if (sess_tab[i].in_use && CRYPTO_memcmp(sess_tab[i].id_hash,
		    id_hash, PARTY_TOKEN_HASH_LEN) == 0)
			OPENSSL_cleanse(&sess_tab[i], sizeof(sess_tab[i]));
	pthread_mutex_unlock(&sess_mu);
}

size_t
session_count(void)
{
	uint64_t	now = util_now_ns();
	size_t		i, n = 0;

	pthread_mutex_lock(&sess_mu);
	for (i = 0; i < sess_max; i++)
		if (sess_tab[i].in_use && !expired(&sess_tab[i], now))
			n++;
	pthread_mutex_unlock(&sess_mu);
	return n;
}
