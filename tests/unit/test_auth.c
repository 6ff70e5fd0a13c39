/*
 * Unit tests for auth.c: token generation and hashing (checked against
 * OpenSSL directly), bearer authentication against a real store in a
 * temporary directory, roles, party names, and scopes against the embedded
 * reference data.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "auth.h"
#include "config.h"
#include "store.h"
#include "util.h"
#include "test.h"

#define ERR_MAX		1024
#define PREFIX_LEN	(sizeof(AUTH_TOKEN_PREFIX) - 1)

static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char tmpdir[] = "/tmp/test_auth.XXXXXX";

/* SHA-256 computed here, independently of auth_token_hash. */
static void
sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int	n = 32;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != 32) {
		fprintf(stderr, "EVP_Digest failed\n");
		exit(1);
	}
}

static int
b64url_only(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(b64url_chars, s[i]) == NULL)
			return 0;
	return 1;
}

static void
test_token_new(void)
{
	char		t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
	unsigned char	h1[PARTY_TOKEN_HASH_LEN], h2[PARTY_TOKEN_HASH_LEN];
	unsigned char	want[32], again[PARTY_TOKEN_HASH_LEN];
	int		seen[64];
	const char	*p;
	size_t		i, j, missing;
	int		canonical = 1;

	CHECK_EQ_INT(AUTH_TOKEN_LEN, 50);
	memset(t1, 'x', sizeof(t1));
	CHECK_EQ_INT(auth_token_new(t1, h1), 0);
	CHECK_EQ_INT(t1[AUTH_TOKEN_LEN], '\0');
	CHECK_EQ_INT(strlen(t1), AUTH_TOKEN_LEN);
	CHECK(strncmp(t1, "sorttp_", 7) == 0);
	CHECK(b64url_only(t1 + PREFIX_LEN, AUTH_TOKEN_LEN - PREFIX_LEN));

	/* The hash is SHA-256 of the whole token, prefix included. */
	sha256(t1, strlen(t1), want);
	CHECK(memcmp(h1, want, 32) == 0);
	auth_token_hash(t1, strlen(t1), again);
	CHECK(memcmp(again, want, 32) == 0);
	auth_token_hash(t1, strlen(t1), again);
	CHECK(memcmp(again, h1, 32) == 0);
	auth_token_hash(t1, strlen(t1) - 1, again);
	CHECK(memcmp(again, h1, 32) != 0);
	sha256("", 0, want);
	auth_token_hash("", 0, again);
	CHECK(memcmp(again, want, 32) == 0);

	CHECK_EQ_INT(auth_token_new(t2, h2), 0);
	CHECK(strcmp(t1, t2) != 0);
	CHECK(memcmp(h1, h2, 32) != 0);

	/*
	 * Over many tokens the whole alphabet shows up ('-' and '_'
	 * included), and the last character, which carries 4 bits and 2
	 * zero bits, is always a canonical one.
	 */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 256; i++) {
		if (auth_token_new(t2, h2) != 0) {
			CHECK(0);
			break;
		}
		for (j = PREFIX_LEN; j < AUTH_TOKEN_LEN; j++)
			if ((p = strchr(b64url_chars, t2[j])) != NULL &&
			    *p != '\0')
				seen[p - b64url_chars] = 1;
		if (strchr("AEIMQUYcgkosw048", t2[AUTH_TOKEN_LEN - 1]) ==
		    NULL)
			canonical = 0;
		CHECK(b64url_only(t2 + PREFIX_LEN,
		    AUTH_TOKEN_LEN - PREFIX_LEN));
	}
	for (missing = 0, i = 0; i < 64; i++)
		if (!seen[i])
			missing++;
	CHECK_EQ_INT(missing, 0);
	CHECK(canonical);
}

/* The store and the parties the bearer tests run against. */
struct fixture {
	struct store	*st;
	char		 db[256];
	char		 token[AUTH_TOKEN_LEN + 1];
	int64_t		 id;
	int		 nextname;
};

/* Adds a party whose token hash is that of the string tok. */
static int64_t
add_party(struct fixture *f, const char *tok, size_t toklen)
{
	struct party	p;
	unsigned char	hash[PARTY_TOKEN_HASH_LEN];
	int64_t		id = 0;

	memset(&p, 0, sizeof(p));
	util_fmt(p.name, sizeof(p.name), "shape-%d", f->nextname++);
	p.role = ROLE_MONITOR;
	auth_token_hash(tok, toklen, hash);
	CHECK_EQ_INT(store_party_add(f->st, &p, hash, &id), STORE_OK);
	return id;
}

static enum auth_result
bearer(struct fixture *f, const char *fmt_prefix, const char *tok,
    const char *suffix, struct party *out)
{
	char	hdr[1024];

	if (util_fmt(hdr, sizeof(hdr), "%s%s%s", fmt_prefix, tok,
	    suffix) == -1) {
		fprintf(stderr, "header too long\n");
		exit(1);
	}
	return auth_bearer(f->st, hdr, out);
}

static void
fixture_open(struct fixture *f)
{
	struct party	p;
	unsigned char	hash[PARTY_TOKEN_HASH_LEN];
	char		err[ERR_MAX] = "";

	memset(f, 0, sizeof(*f));
	if (util_path_join(f->db, sizeof(f->db), tmpdir, STORE_DB_NAME) ||
	    store_open(f->db, 1, &f->st, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_open: %s\n", err);
		exit(1);
	}
	memset(&p, 0, sizeof(p));
	util_fmt(p.name, sizeof(p.name), "analist-1");
	p.role = ROLE_ANALIST;
	p.nscopes = 2;
	p.scopes[0].kind = SCOPE_CLUSTER;
	util_fmt(p.scopes[0].value, sizeof(p.scopes[0].value), "DUO");
	p.scopes[1].kind = SCOPE_GEMEENTE;
	util_fmt(p.scopes[1].value, sizeof(p.scopes[1].value), "0363");
	if (auth_token_new(f->token, hash) != 0 ||
	    store_party_add(f->st, &p, hash, &f->id) != STORE_OK) {
		fprintf(stderr, "cannot add the test party\n");
		exit(1);
	}
}

static void
test_bearer_ok(struct fixture *f)
{
	struct party	got;
	char		hdr[AUTH_HEADER_MAX + 2];
	size_t		n;

	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, "", &got), AUTH_OK);
	CHECK_EQ_INT(got.id, f->id);
	CHECK_STR(got.name, "analist-1");
	CHECK_EQ_INT(got.role, ROLE_ANALIST);
	CHECK_EQ_INT(got.nscopes, 2);
	if (got.nscopes == 2) {
		CHECK_EQ_INT(got.scopes[0].kind, SCOPE_CLUSTER);
		CHECK_STR(got.scopes[0].value, "DUO");
		CHECK_EQ_INT(got.scopes[1].kind, SCOPE_GEMEENTE);
		CHECK_STR(got.scopes[1].value, "0363");
	}
	CHECK_STR(got.revoked, "");

	/* The scheme is case-insensitive (RFC 9110 11.1). */
	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(bearer(f, "bearer ", f->token, "", &got), AUTH_OK);
	CHECK_STR(got.name, "analist-1");
	CHECK_EQ_INT(bearer(f, "BEARER ", f->token, "", &got), AUTH_OK);

	/* Whitespace around the token (1*SP before, OWS after). */
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, "   ", &got), AUTH_OK);
	CHECK_EQ_INT(bearer(f, "Bearer   ", f->token, "", &got), AUTH_OK);
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, " \t", &got), AUTH_OK);

	/* Exactly AUTH_HEADER_MAX bytes, padded with trailing spaces. */
	CHECK_EQ_INT(util_fmt(hdr, sizeof(hdr), "Bearer %s", f->token), 0);
	n = strlen(hdr);
	memset(hdr + n, ' ', AUTH_HEADER_MAX - n);
	hdr[AUTH_HEADER_MAX] = '\0';
	CHECK_EQ_INT(strlen(hdr), AUTH_HEADER_MAX);
	CHECK_EQ_INT(auth_bearer(f->st, hdr, &got), AUTH_OK);

	/* One byte longer: refused for its length alone. */
	hdr[AUTH_HEADER_MAX] = ' ';
	hdr[AUTH_HEADER_MAX + 1] = '\0';
	CHECK_EQ_INT(auth_bearer(f->st, hdr, &got), AUTH_INVALID);
}

static void
test_bearer_refused(struct fixture *f)
{
	struct party	got;
	char		tok[AUTH_TOKEN_LEN + 8];
	char		big[AUTH_HEADER_MAX * 2];
	size_t		len = AUTH_TOKEN_LEN;

	CHECK_EQ_INT(auth_bearer(f->st, NULL, &got), AUTH_MISSING);
	CHECK_EQ_INT(auth_bearer(f->st, "", &got), AUTH_INVALID);
	CHECK_EQ_INT(auth_bearer(f->st, "Bearer", &got), AUTH_INVALID);
	CHECK_EQ_INT(auth_bearer(f->st, "Bearer ", &got), AUTH_INVALID);
	CHECK_EQ_INT(auth_bearer(f->st, "Bearer    ", &got), AUTH_INVALID);
	CHECK_EQ_INT(auth_bearer(f->st, "Basic xyz", &got), AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "Basic ", f->token, "", &got), AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "Bearer", f->token, "", &got), AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "Token ", f->token, "", &got), AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "", f->token, "", &got), AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, " x", &got),
	    AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "Bearer x ", f->token, "", &got),
	    AUTH_INVALID);

	/* One character changed, in the random part and in the prefix. */
	memcpy(tok, f->token, sizeof(f->token));
	tok[20] = tok[20] == 'A' ? 'B' : 'A';
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	memcpy(tok, f->token, sizeof(f->token));
	tok[0] = 'S';
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);

	/*
	 * Malformed tokens whose hashes ARE in the store: refused for their
	 * shape, not merely because the lookup misses.
	 */
	/* Without the prefix. */
	add_party(f, f->token + PREFIX_LEN, len - PREFIX_LEN);
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token + PREFIX_LEN, "", &got),
	    AUTH_INVALID);
	/* Too short by one. */
	memcpy(tok, f->token, len);
	tok[len - 1] = '\0';
	add_party(f, tok, len - 1);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	/* Too long by one. */
	memcpy(tok, f->token, len);
	tok[len] = 'A';
	tok[len + 1] = '\0';
	add_party(f, tok, len + 1);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	/* '+', '/' (base64, not base64url) and '=' padding. */
	memcpy(tok, f->token, sizeof(f->token));
	tok[30] = '+';
	add_party(f, tok, len);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	tok[30] = '/';
	add_party(f, tok, len);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	tok[30] = f->token[30];
	tok[len - 1] = '=';
	add_party(f, tok, len);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	/* A different prefix of the same length. */
	memcpy(tok, f->token, sizeof(f->token));
	memcpy(tok, "SORTTP_", PREFIX_LEN);
	add_party(f, tok, len);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);

	/* A well-formed token nobody holds. */
	memcpy(tok, f->token, sizeof(f->token));
	tok[PREFIX_LEN] = tok[PREFIX_LEN] == 'z' ? 'y' : 'z';
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);

	/* Far longer than AUTH_HEADER_MAX. */
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "Bearer ", 7);
	CHECK_EQ_INT(auth_bearer(f->st, big, &got), AUTH_INVALID);

	/* The real token still works after all of that. */
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, "", &got), AUTH_OK);
}

static void
test_bearer_revoked(struct fixture *f)
{
	struct party	got;

	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, "", &got), AUTH_OK);
	CHECK_EQ_INT(store_party_revoke(f->st, "analist-1"), STORE_OK);
	CHECK_EQ_INT(bearer(f, "Bearer ", f->token, "", &got), AUTH_INVALID);
	CHECK_EQ_INT(bearer(f, "bearer ", f->token, "  ", &got),
	    AUTH_INVALID);
}

/*
 * The token cache: a revocation committed by another connection (as
 * `sorttp party revoke` does, from another process) is seen by the very
 * next request, though the token was served from the cache before.
 */
static void
test_bearer_revoked_elsewhere(struct fixture *f)
{
	struct store	*other;
	struct party	 p, got;
	unsigned char	 hash[PARTY_TOKEN_HASH_LEN];
	char		 tok[AUTH_TOKEN_LEN + 1], err[ERR_MAX] = "";
	int64_t		 id;
	int		 i;

	if (store_open(f->db, 0, &other, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_open: %s\n", err);
		exit(1);
	}
	memset(&p, 0, sizeof(p));
	util_fmt(p.name, sizeof(p.name), "bergop-2");
	p.role = ROLE_BERGOP;
	CHECK_EQ_INT(auth_token_new(tok, hash), 0);
	CHECK_EQ_INT(store_party_add(other, &p, hash, &id), STORE_OK);
	for (i = 0; i < 3; i++) {
		CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_OK);
		CHECK_STR(got.name, "bergop-2");
	}
	CHECK_EQ_INT(store_party_revoke(other, "bergop-2"), STORE_OK);
	CHECK_EQ_INT(bearer(f, "Bearer ", tok, "", &got), AUTH_INVALID);
	store_close(other);
}

static void
fixture_close(struct fixture *f)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[512];

	store_close(f->st);
	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (util_path_join(path, sizeof(path), tmpdir,
			    de->d_name) == 0)
				unlink(path);
		}
		closedir(d);
	}
	if (rmdir(tmpdir) == -1)
		perror(tmpdir);
}

static void
test_role_allowed(void)
{
	struct party	p;
	unsigned	r, s, all = 0;

	memset(&p, 0, sizeof(p));
	for (r = 0; r < ROLE__COUNT; r++)
		all |= ROLE_BIT(r);
	for (r = 0; r < ROLE__COUNT; r++) {
		p.role = (enum role)r;
		CHECK_EQ_INT(auth_role_allowed(&p, ROLE_BIT(r)), 1);
		CHECK_EQ_INT(auth_role_allowed(&p, all), 1);
		CHECK_EQ_INT(auth_role_allowed(&p, all & ~ROLE_BIT(r)), 0);
		CHECK_EQ_INT(auth_role_allowed(&p, 0), 0);
		for (s = 0; s < ROLE__COUNT; s++)
			CHECK_EQ_INT(auth_role_allowed(&p, ROLE_BIT(s)),
			    r == s);
	}
	p.role = ROLE_ANALIST;
	CHECK_EQ_INT(auth_role_allowed(&p,
	    ROLE_BIT(ROLE_ANALIST) | ROLE_BIT(ROLE_MONITOR)), 1);
	CHECK_EQ_INT(auth_role_allowed(&p,
	    ROLE_BIT(ROLE_AANBIEDER) | ROLE_BIT(ROLE_BERGOP)), 0);
}

static void
test_party_name(void)
{
	char	name[PARTY_NAME_MAX + 2];

	CHECK_EQ_INT(auth_party_name_valid("a"), 1);
	CHECK_EQ_INT(auth_party_name_valid("0"), 1);
	CHECK_EQ_INT(auth_party_name_valid("zorg-aanbieder_1.x"), 1);
	CHECK_EQ_INT(auth_party_name_valid("1abc"), 1);
	CHECK_EQ_INT(auth_party_name_valid("a-"), 1);

	CHECK_EQ_INT(auth_party_name_valid(""), 0);
	CHECK_EQ_INT(auth_party_name_valid("-a"), 0);
	CHECK_EQ_INT(auth_party_name_valid(".a"), 0);
	CHECK_EQ_INT(auth_party_name_valid("_a"), 0);
	CHECK_EQ_INT(auth_party_name_valid("A"), 0);
	CHECK_EQ_INT(auth_party_name_valid("zorgA"), 0);
	CHECK_EQ_INT(auth_party_name_valid("a b"), 0);
	CHECK_EQ_INT(auth_party_name_valid("a/b"), 0);
	CHECK_EQ_INT(auth_party_name_valid("a\n"), 0);
	CHECK_EQ_INT(auth_party_name_valid("caf\xc3\xa9"), 0);

	memset(name, 'a', sizeof(name));
	name[PARTY_NAME_MAX] = '\0';
	CHECK_EQ_INT(strlen(name), 64);
	CHECK_EQ_INT(auth_party_name_valid(name), 1);
	name[PARTY_NAME_MAX] = 'a';
	name[PARTY_NAME_MAX + 1] = '\0';
	CHECK_EQ_INT(strlen(name), 65);
	CHECK_EQ_INT(auth_party_name_valid(name), 0);
}

/* Expects arg to be refused with a message containing want. */
static void
scope_bad(const struct config *cfg, const char *arg, const char *want)
{
	struct party_scope	s;
	char			err[ERR_MAX] = "";
	int			rc;

	rc = auth_scope_parse(cfg, arg, &s, err, sizeof(err));
	CHECK_EQ_INT(rc, -1);
	CHECK(strstr(err, want) != NULL);
	if (rc != -1 || strstr(err, want) == NULL)
		fprintf(stderr, "  case: %s\n  want: %s\n  got:  %s\n", arg,
		    want, err);
}

/* Expects arg to parse to kind and value, and to format back to arg. */
static void
scope_ok(const struct config *cfg, const char *arg, enum scope_kind kind,
    const char *value)
{
	struct party_scope	s;
	char			err[ERR_MAX] = "", buf[128];

	memset(&s, 0x5a, sizeof(s));
	CHECK_EQ_INT(auth_scope_parse(cfg, arg, &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(s.kind, kind);
	s.value[sizeof(s.value) - 1] = '\0';
	CHECK_STR(s.value, value);
	CHECK_EQ_INT(auth_scope_format(&s, buf, sizeof(buf)), 0);
	CHECK_STR(buf, arg);
	/* Too small a buffer: -1, terminated. */
	CHECK_EQ_INT(auth_scope_format(&s, buf, strlen(arg)), -1);
	CHECK_EQ_INT(strlen(buf), strlen(arg) - 1);
}

static void
test_scopes(void)
{
	static struct config	cfg;
	char			err[ERR_MAX] = "";

	CHECK_EQ_INT(config_load(NULL, &cfg, err, sizeof(err)), 0);
	if (err[0] != '\0')
		fprintf(stderr, "config_load: %s\n", err);

	scope_ok(&cfg, "cluster:DUO", SCOPE_CLUSTER, "DUO");
	scope_ok(&cfg, "cluster:Amstelveen-Aalsmeer", SCOPE_CLUSTER,
	    "Amstelveen-Aalsmeer");
	scope_ok(&cfg, "gemeente:0363", SCOPE_GEMEENTE, "0363");
	scope_ok(&cfg, "gemeente:0852", SCOPE_GEMEENTE, "0852");

	scope_bad(&cfg, "cluster:Nope", "Nope");
	scope_bad(&cfg, "cluster:duo", "duo");		/* case-sensitive */
	scope_bad(&cfg, "cluster:", "cluster");
	/* Weesp (0457) merged into Amsterdam: the message names 0363. */
	scope_bad(&cfg, "gemeente:0457", "0363");
	scope_bad(&cfg, "gemeente:0457", "0457");
	scope_bad(&cfg, "gemeente:363", "363");
	scope_bad(&cfg, "gemeente:03630", "03630");
	scope_bad(&cfg, "gemeente:9999", "9999");
	scope_bad(&cfg, "gemeente:036a", "036a");
	scope_bad(&cfg, "gemeente:", "gemeente");
	scope_bad(&cfg, "foo:bar", "foo:bar");
	scope_bad(&cfg, "Cluster:DUO", "Cluster:DUO");
	scope_bad(&cfg, "DUO", "cluster:NAME");
	scope_bad(&cfg, "", "gemeente:CODE");
}

int
main(void)
{
	struct fixture	f;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_token_new();
	fixture_open(&f);
	test_bearer_ok(&f);
	test_bearer_refused(&f);
	test_bearer_revoked_elsewhere(&f);
	test_bearer_revoked(&f);
	fixture_close(&f);
	test_role_allowed();
	test_party_name();
	test_scopes();
	return test_done("auth");
}
