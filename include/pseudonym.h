/*
 * Pseudonymiser: every client identifier becomes a keyed hash in memory,
 * before anything is written anywhere.
 *
 * A 32-byte master key (DIR/sorttp.key) is the input keying material; per
 * identifier kind a subkey is derived with HKDF-SHA256 (domain separation),
 * and a pseudonym is HMAC-SHA256(subkey, canonical form). The HMAC inner and
 * outer states are computed once per subkey, so one pseudonym costs two
 * SHA-256 compressions. The master key, the subkeys and those states all
 * live in one locked, non-dumpable page that is wiped on free.
 *
 * Identifier validation lives here too, because only a valid, canonical
 * identifier may be pseudonymised: BSN (elfproef), AGB, gemeentecode format,
 * ToewijzingNummer.
 */
#ifndef SORTTP_PSEUDONYM_H
#define SORTTP_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#define PSEUDO_KEY_LEN		32	/* master key bytes, exactly */
#define PSEUDO_LEN		32	/* HMAC-SHA256 output */
#define PSEUDO_KEY_ID_LEN	16	/* public key check value */
#define PSEUDO_TOEWIJZING_MAX	9	/* digits of a ToewijzingNummer */

enum pseudo_kind {
	PSEUDO_BSN = 0,		/* canonical 9-digit BSN */
	PSEUDO_TOEWIJZING,	/* "GGGG:N": gemeentecode + ToewijzingNummer */
	PSEUDO_BRON,		/* source record ids, scoped to the sender */
	PSEUDO_KEYCHECK,	/* key identification only, never data */
	PSEUDO__NKINDS
};

struct pseudo_ctx;

/*
 * Creates a new key file: 32 bytes from the OS CSPRNG, O_CREAT|O_EXCL,
 * mode 0600, fsync'd. Never overwrites: an existing file is an error
 * (returns -1 with errno EEXIST). Returns 0, or -1 with a message in err.
 */
int	pseudo_keyfile_create(const char *path, char *err, size_t errlen);

/*
 * Destroys a key file: overwrites its bytes with random ones and syncs,
 * then removes it and syncs its folder. On a copy-on-write or
 * wear-levelled device the old blocks may survive (docs/operations.md).
 * Returns 0, 1 when there is no such file, or -1 with a message in err.
 */
int	pseudo_keyfile_destroy(const char *path, char *err, size_t errlen);

/*
 * Loads the key file at path: it must be a regular file of exactly 32 bytes
 * that neither group nor others can read or write. key_version is the label
 * stored beside every pseudonym made with this key. Returns 0 and a new
 * context, or -1 with a clear message in err (never any key bytes).
 */
int	pseudo_load_keyfile(const char *path, unsigned key_version,
	    struct pseudo_ctx **out, char *err, size_t errlen);

/* As pseudo_load_keyfile for a key already in memory (tests, benchmarks). */
int	pseudo_init_key(const unsigned char key[PSEUDO_KEY_LEN],
	    unsigned key_version, struct pseudo_ctx **out);

/* Wipes and releases the context; NULL is a no-op. */
void	pseudo_free(struct pseudo_ctx *);

unsigned pseudo_key_version(const struct pseudo_ctx *);

/*
 * A public check value of the key (HMAC under the KEYCHECK subkey of a
 * fixed label), stored in the database so that a daemon started with
 * another key refuses instead of writing unlinkable pseudonyms.
 */
void	pseudo_key_id(const struct pseudo_ctx *,
	    unsigned char out[PSEUDO_KEY_ID_LEN]);

/*
 * HMAC-SHA256 under the subkey of kind, from the precomputed state.
 * A kind outside the enum is a programming error and aborts.
 */
void	pseudo_mac(const struct pseudo_ctx *, enum pseudo_kind,
	    const void *msg, size_t len, unsigned char out[PSEUDO_LEN]);

/* Pseudonym of a canonical 9-digit BSN (see pseudo_bsn_canon). */
void	pseudo_bsn(const struct pseudo_ctx *, const char canon[9],
	    unsigned char out[PSEUDO_LEN]);

/*
 * Pseudonym of a ToewijzingNummer, keyed with its gemeente: gemeente is a
 * 4-digit code, nr 1..9 digits (leading zeros are not significant).
 * Returns 0, or -1 when gemeente is not 4 digits or nr is not 1..9 digits.
 */
int	pseudo_toewijzing(const struct pseudo_ctx *, const char gemeente[4],
	    const char *nr, size_t len, unsigned char out[PSEUDO_LEN]);

/*
 * Pseudonym of a source record id (bron_id), scoped to the sending party
 * so two senders' ids never collide. id is 1..256 bytes.
 * Returns 0, or -1 when id is empty or too long.
 */
int	pseudo_bron(const struct pseudo_ctx *, int64_t party_id,
	    const char *id, size_t len, unsigned char out[PSEUDO_LEN]);

/*
 * Key rotation (sorttp key rotate). From a rotation on, pseudonyms are made
 * under the new key (this context); during the overlap window the old key
 * is attached as well, and every BSN and toewijzing pseudonym is also made
 * under it and handed to the link sink as an (old, new) pair, so that a
 * client seen in the window links across the rotation. Source ids
 * (PSEUDO_BRON: resends, receipts, message keys) stay under the old key
 * until the window ends, so a resend is still recognised across the
 * rotation. After window_end (seconds since the epoch) only the new key is
 * used, even by a context loaded before then.
 */
struct pseudo_link_sink {
	/* kind: an enum pseudo_kind, as int so the store needs no enum */
	void	(*fn)(int kind, const unsigned char old[PSEUDO_LEN],
		    const unsigned char new_[PSEUDO_LEN], void *arg);
	void	*arg;
};

/*
 * Attaches old (another key, an older version) to ctx until window_end;
 * ctx owns old from here on (pseudo_free frees both). Returns 0, or -1
 * when old is NULL, is ctx, or ctx has an old key already.
 */
int	pseudo_attach_old(struct pseudo_ctx *ctx, struct pseudo_ctx *old,
	    long long window_end);

/* Where the (old, new) pairs go; NULL fn: nowhere. */
void	pseudo_set_link_sink(struct pseudo_ctx *,
	    const struct pseudo_link_sink *);

/* 1 while an old key is attached and its window has not ended. */
int	pseudo_in_window(const struct pseudo_ctx *);

/* The version label, once the store has said which version the key is. */
void	pseudo_set_key_version(struct pseudo_ctx *, unsigned);

/* BSN validation. */
enum bsn_result {
	BSN_OK = 0,
	BSN_EMPTY,		/* nothing there */
	BSN_NOT_DIGITS,		/* a character other than 0-9 */
	BSN_LENGTH,		/* not 8 or 9 digits */
	BSN_ZERO,		/* 000000000 */
	BSN_ELFPROEF		/* fails the elfproef */
};

/*
 * Canonicalises a BSN: surrounding spaces and tabs are ignored, 8 digits
 * get a leading zero, the result must pass the elfproef and not be
 * 000000000. On BSN_OK, out holds 9 digits (not NUL-terminated).
 */
enum bsn_result pseudo_bsn_canon(const char *s, size_t len, char out[9]);

/* Stable error code ("bsn_elfproef") and Dutch message for a result. */
const char *pseudo_bsn_code(enum bsn_result);
const char *pseudo_bsn_message(enum bsn_result);

/* AGB code: exactly 8 ASCII digits. 1 when valid. */
int	pseudo_agb_valid(const char *s, size_t len);

/* Gemeentecode format: exactly 4 ASCII digits. 1 when valid. */
int	pseudo_gemeente_format_valid(const char *s, size_t len);

/*
 * The primitives, exposed for the RFC 4231 / RFC 5869 test vectors and the
 * benchmark. A state holds the SHA-256 state after the inner and the outer
 * padded key block; keys longer than 64 bytes are hashed first (RFC 2104).
 */
struct pseudo_hmac_state;
size_t	pseudo_hmac_state_size(void);
void	pseudo_hmac_init(struct pseudo_hmac_state *, const void *key,
	    size_t keylen);
void	pseudo_hmac_mac(const struct pseudo_hmac_state *, const void *msg,
	    size_t len, unsigned char out[PSEUDO_LEN]);

/* HKDF-SHA256 (RFC 5869), extract and expand. Returns 0 or -1. */
int	pseudo_hkdf(const void *salt, size_t saltlen, const void *ikm,
	    size_t ikmlen, const void *info, size_t infolen,
	    unsigned char *out, size_t outlen);

/*
 * A 32-byte HKDF subkey of the master key with info label, for keys that
 * are not pseudonyms (cellkey.h). Returns 0 or -1.
 */
int	pseudo_subkey(const struct pseudo_ctx *, const char *label,
	    unsigned char out[PSEUDO_LEN]);

#endif
