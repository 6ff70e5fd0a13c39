/*
 * Authentication and authorisation: bearer tokens, roles and scopes.
 *
 * A token is "sorttp_" followed by 43 base64url characters (256 random
 * bits). Only its SHA-256 is stored; because the token has full entropy a
 * fast hash is enough, and a lookup by hash leaks nothing about the token.
 * The stored hash is compared once more with CRYPTO_memcmp. Party
 * management is local only (the CLI on the server), never over the network.
 */
#ifndef SORTTP_AUTH_H
#define SORTTP_AUTH_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "store.h"

#define AUTH_TOKEN_PREFIX	"sorttp_"
#define AUTH_TOKEN_RANDOM	32	/* bytes of randomness */
#define AUTH_TOKEN_LEN		(7 + 43)
#define AUTH_HEADER_MAX		512	/* bytes of an Authorization header */

enum auth_result {
	AUTH_OK = 0,
	AUTH_MISSING,		/* no Authorization header: 401 */
	AUTH_INVALID,		/* malformed, unknown or revoked token: 401 */
	AUTH_ERROR,		/* the store failed: 500 */
	AUTH_EXPIRED		/* a known token past its expiry: 401 */
};

/* A new token (NUL-terminated, AUTH_TOKEN_LEN chars) and its hash. */
int	auth_token_new(char token[AUTH_TOKEN_LEN + 1],
	    unsigned char hash[PARTY_TOKEN_HASH_LEN]);

void	auth_token_hash(const char *token, size_t len,
	    unsigned char hash[PARTY_TOKEN_HASH_LEN]);

/*
 * Authenticates the value of an Authorization header ("Bearer <token>",
 * NULL when absent) and fills *out with the party.
 */
enum auth_result auth_bearer(struct store *, const char *header,
	    struct party *out);

/* 1 when the party's token has expired at now. */
int	auth_expired(const struct party *, time_t now);
/*
 * The hash of the token in an Authorization header ("Bearer <token>"):
 * 0, or -1 when absent or malformed. A browser session keeps this hash
 * to look its party up again on every request (session.h).
 */
int	auth_bearer_hash(const char *header,
	    unsigned char hash[PARTY_TOKEN_HASH_LEN]);

/* 1 when the party's role is in the mask of ROLE_BIT()s. */
int	auth_role_allowed(const struct party *, unsigned role_mask);

/* Party names: 1..64 of [a-z0-9._-], starting with a letter or digit. */
int	auth_party_name_valid(const char *);

/*
 * Parses "cluster:NAME" or "gemeente:CODE" against the reference data
 * (a retired gemeentecode is refused: scopes name current gemeenten).
 */
int	auth_scope_parse(const struct config *, const char *arg,
	    struct party_scope *out, char *err, size_t errlen);

/* Formats a scope as "cluster:NAME" / "gemeente:CODE". */
int	auth_scope_format(const struct party_scope *, char *buf, size_t len);

#endif
