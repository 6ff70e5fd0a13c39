/*
 * Bearer tokens, roles and scopes.
 */
#include <string.h>

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

enum auth_result
auth_bearer(struct store *st, const char *header, struct party *out)
{
	unsigned char		 hash[PARTY_TOKEN_HASH_LEN];
	enum store_result	 rc;
	const char		*tok;
	size_t			 len;

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
	rc = store_party_by_token(st, hash, out);
	if (rc == STORE_ERROR)
		return AUTH_ERROR;
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc == STORE_OK ? AUTH_OK : AUTH_INVALID;
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
