/*
 * Browser sessions (issue #13): a person logs in once with the party's
 * token and gets a session cookie instead. Only the SHA-256 of a session
 * id is kept, in memory; a daemon restart ends every session, which is
 * the safe side. A session remembers the hash of the party's token, not
 * the party: every request looks the party up again, so revoking the
 * party ends its sessions at once. A session ends after an idle time and
 * after an absolute lifetime (limits session_idle_s, session_max_age_s).
 */
#ifndef SORTTP_SESSION_H
#define SORTTP_SESSION_H

#include <stddef.h>

#include "store.h"

#define SESSION_COOKIE		"__Host-sorttp"
#define SESSION_ID_LEN		64	/* hex of 32 random bytes */
#define SESSION_CSRF_LEN	64	/* hex of 32 random bytes */
#define SESSION_CSRF_HEADER	"X-CSRF-Token"

/* Sets up the table; 0, or -1 when out of memory. */
int	session_init(size_t max, long long idle_s, long long max_age_s);
void	session_fini(void);

/*
 * A new session for the party holding the token with this hash. Fills
 * id and csrf (NUL-terminated). Returns 0, or -1 when the table is full
 * of live sessions or randomness failed.
 */
int	session_create(const unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
	    char id[SESSION_ID_LEN + 1], char csrf[SESSION_CSRF_LEN + 1]);

/*
 * Looks up the session with this id (a cookie value) and marks it used.
 * Fills the token hash, the id's hash (the handle for session_end) and
 * the CSRF token. Returns 0, or -1 when there is no such live session
 * (an expired one is removed).
 */
int	session_lookup(const char *id,
	    unsigned char token_hash[PARTY_TOKEN_HASH_LEN],
	    unsigned char id_hash[PARTY_TOKEN_HASH_LEN],
	    char csrf[SESSION_CSRF_LEN + 1]);

/* Ends the session whose id has this hash (logout, revoked party). */
void	session_end(const unsigned char id_hash[PARTY_TOKEN_HASH_LEN]);

/* Live sessions, for tests and metrics. */
size_t	session_count(void);

#endif
