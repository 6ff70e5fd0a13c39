/*
 * Unit tests for the pseudonymiser: the primitives against the RFC 4231 and
 * RFC 5869 vectors and against OpenSSL's own HMAC() and HKDF, the subkey
 * derivation recomputed independently (so a changed label or a changed
 * derivation fails here before it orphans a database), the elfproef, and
 * the key file checks.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "pseudonym.h"
#include "test.h"

/*
 * The derivation parameters, written out again on purpose: if the module
 * changes them, every stored pseudonym is orphaned, and this test must
 * notice.
 */
#define T_SALT		"sorttp pseudonym v1"
#define T_KEYCHECK	"sorttp key check v1"

#define T_BUF_MAX	512
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define T_PATH_MAX	256

static size_t
unhex(const char *hex, unsigned char *out, size_t outlen)
{
	size_t		 i, n = strlen(hex) / 2;
	unsigned int	 v;
	char		 pair[3];

	if (n > outlen)
		abort();
	for (i = 0; i < n; i++) {
		pair[0] = hex[2 * i];
		pair[1] = hex[2 * i + 1];
		pair[2] = '\0';
		if (sscanf(pair, "%2x", &v) != 1)
			abort();
		out[i] = (unsigned char)v;
	}
	return n;
}

static void
tohex(const unsigned char *in, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static struct pseudo_hmac_state *
state_new(void)
{
	struct pseudo_hmac_state	*st;

	if ((st = malloc(pseudo_hmac_state_size())) == NULL)
		abort();
	return st;
}

/* HKDF through OpenSSL's EVP_KDF, independent of the module. */
static int
ref_hkdf(const unsigned char *salt, size_t saltlen, const unsigned char *ikm,
    size_t ikmlen, const unsigned char *info, size_t infolen,
    unsigned char *out, size_t outlen)
{
	static char	 digest[] = "SHA256";
	unsigned char	 s[T_BUF_MAX], k[T_BUF_MAX], i[T_BUF_MAX];
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*kctx;
	OSSL_PARAM	 params[5], *p = params;
	int		 rv;

	/* OSSL_PARAM wants non-const buffers. */
	if (saltlen > sizeof(s) || ikmlen > sizeof(k) || infolen > sizeof(i))
		abort();
	memcpy(s, salt, saltlen);
	memcpy(k, ikm, ikmlen);
	memcpy(i, info, infolen);
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return -1;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (kctx == NULL)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, k, ikmlen);
	if (saltlen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    s, saltlen);
	if (infolen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		    i, infolen);
	*p = OSSL_PARAM_construct_end();
	rv = EVP_KDF_derive(kctx, out, outlen, params) == 1 ? 0 : -1;
	EVP_KDF_CTX_free(kctx);
	return rv;
}

/* HMAC(HKDF(salt, key, info), msg), computed with OpenSSL only. */
static void
ref_pseudonym(const unsigned char key[PSEUDO_KEY_LEN], const char *info,
    const void *msg, size_t len, unsigned char out[PSEUDO_LEN])
{
	unsigned char	 subkey[32];
	unsigned int	 outlen = 0;

	if (ref_hkdf((const unsigned char *)T_SALT, strlen(T_SALT), key,
	    PSEUDO_KEY_LEN, (const unsigned char *)info, strlen(info), subkey,
	    sizeof(subkey)) == -1)
		abort();
	if (HMAC(EVP_sha256(), subkey, (int)sizeof(subkey), msg, len, out,
	    &outlen) == NULL || outlen != PSEUDO_LEN)
		abort();
}

static void
test_rfc4231(void)
{
	static const struct {
		const char	*key;	/* hex */
		size_t		 keyrep;	/* key repeated this often */
		const char	*data;	/* hex */
		size_t		 datarep;
		const char	*mac;
	} tc[] = {
		/* 1 */ { "0b", 20, "4869205468657265", 1,
		    "b0344c61d8db38535ca8afceaf0bf12b"
		    "881dc200c9833da726e9376c2e32cff7" },
		/* 2 */ { "4a656665", 1,
		    "7768617420646f2079612077616e7420"
		    "666f72206e6f7468696e673f", 1,
		    "5bdcc146bf60754e6a042426089575c7"
		    "5a003f089d2739839dec58b964ec3843" },
		/* 3 */ { "aa", 20, "dd", 50,
		    "773ea91e36800e46854db8ebd09181a7"
		    "2959098b3ef8c122d9635514ced565fe" },
		/* 4 */ { "0102030405060708090a0b0c0d0e0f10"
		    "111213141516171819", 1, "cd", 50,
		    "82558a389a443c0ea4cc819899f2083a"
		    "85f0faa3e578f8077a2e3ff46729665b" },
		/* 5, truncated to 128 bits */ { "0c", 20,
		    "546573742057697468205472756e6361"
		    "74696f6e", 1,
		    "a3b6167473100ee06e0c796c2955552b" },
		/* 6 */ { "aa", 131,
		    "54657374205573696e67204c61726765"
		    "72205468616e20426c6f636b2d53697a"
		    "65204b6579202d2048617368204b6579"
		    "204669727374", 1,
		    "60e431591ee0b67f0d8a26aacbf5b77f"
		    "8e0bc6213728c5140546040f0ee37f54" },
		/* 7 */ { "aa", 131,
		    "54686973206973206120746573742075"
		    "73696e672061206c6172676572207468"
		    "616e20626c6f636b2d73697a65206b65"
		    "7920616e642061206c61726765722074"
		    "68616e20626c6f636b2d73697a652064"
		    "6174612e20546865206b6579206e6565"
		    "647320746f2062652068617368656420"
		    "6265666f7265206265696e6720757365"
		    "642062792074686520484d414320616c"
		    "676f726974686d2e", 1,
		    "9b09ffa71b942fcb27635fbcd5b0e944"
		    "bfdc63644f0713938a7f51535c3a35e2" },
	};
	struct pseudo_hmac_state	*st = state_new();
	unsigned char			 key[T_BUF_MAX], data[T_BUF_MAX];
	unsigned char			 want[PSEUDO_LEN], mac[PSEUDO_LEN];
	size_t				 i, r, klen, dlen, n, wlen;

	for (i = 0; i < ARRAY_SIZE(tc); i++) {
		n = unhex(tc[i].key, key, sizeof(key));
		for (r = 1, klen = n; r < tc[i].keyrep; r++, klen += n)
			memcpy(key + klen, key, n);
		n = unhex(tc[i].data, data, sizeof(data));
		for (r = 1, dlen = n; r < tc[i].datarep; r++, dlen += n)
			memcpy(data + dlen, data, n);
		wlen = unhex(tc[i].mac, want, sizeof(want));

		pseudo_hmac_init(st, key, klen);
		memset(mac, 0, sizeof(mac));
		pseudo_hmac_mac(st, data, dlen, mac);
		if (memcmp(mac, want, wlen) != 0)
			fprintf(stderr, "RFC 4231 test case %zu\n", i + 1);
		CHECK(memcmp(mac, want, wlen) == 0);
		CHECK(wlen == (i == 4 ? 16 : 32));
	}
	free(st);
}

/* Against OpenSSL's HMAC() around the block and padding boundaries. */
static void
test_hmac_vs_openssl(void)
{
	static const size_t	 msglens[] = { 0, 1, 55, 56, 63, 64, 65, 200 };
	static const size_t	 keylens[] = { 1, 32, 64, 65, 131 };
	struct pseudo_hmac_state *st = state_new();
	unsigned char		 key[131], msg[200];
	unsigned char		 mac[PSEUDO_LEN], ref[PSEUDO_LEN];
	unsigned int		 reflen;
	size_t			 k, m;

	for (k = 0; k < ARRAY_SIZE(keylens); k++) {
		for (m = 0; m < ARRAY_SIZE(msglens); m++) {
			CHECK(RAND_bytes(key, (int)sizeof(key)) == 1);
			CHECK(RAND_bytes(msg, (int)sizeof(msg)) == 1);
			pseudo_hmac_init(st, key, keylens[k]);
			pseudo_hmac_mac(st, msg, msglens[m], mac);
			reflen = 0;
			CHECK(HMAC(EVP_sha256(), key, (int)keylens[k], msg,
			    msglens[m], ref, &reflen) != NULL);
			CHECK_EQ_INT(reflen, PSEUDO_LEN);
			if (memcmp(mac, ref, sizeof(mac)) != 0)
				fprintf(stderr, "HMAC key %zu msg %zu\n",
				    keylens[k], msglens[m]);
			CHECK(memcmp(mac, ref, sizeof(mac)) == 0);
			/* The state is reusable: a second MAC is the same. */
			pseudo_hmac_mac(st, msg, msglens[m], mac);
			CHECK(memcmp(mac, ref, sizeof(mac)) == 0);
		}
	}
	free(st);
}

static void
test_rfc5869(void)
{
	static const struct {
		const char	*ikm, *salt, *info, *okm;
	} tc[] = {
		/* 1 */ { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		    "000102030405060708090a0b0c",
		    "f0f1f2f3f4f5f6f7f8f9",
		    "3cb25f25faacd57a90434f64d0362f2a"
		    "2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		    "34007208d5b887185865" },
		/* 2 */ {
		    "000102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e1f"
		    "202122232425262728292a2b2c2d2e2f"
		    "303132333435363738393a3b3c3d3e3f"
		    "404142434445464748494a4b4c4d4e4f",
		    "606162636465666768696a6b6c6d6e6f"
		    "707172737475767778797a7b7c7d7e7f"
		    "808182838485868788898a8b8c8d8e8f"
		    "909192939495969798999a9b9c9d9e9f"
		    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
		    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
		    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
		    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
		    "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
		    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
		    "b11e398dc80327a1c8e7f78c596a4934"
		    "4f012eda2d4efad8a050cc4c19afa97c"
		    "59045a99cac7827271cb41c65e590e09"
		    "da3275600c2f09b8367793a9aca3db71"
		    "cc30c58179ec3e87c14c01d5c1f3434f"
		    "1d87" },
		/* 3: no salt, no info */ {
		    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
		    "8da4e775a563c18f715f802a063c5a31"
		    "b8a11f5c5ee1879ec3454e5f3c738d2d"
		    "9d201395faa4b61a96c8" },
	};
	unsigned char	 ikm[128], salt[128], info[128];
	unsigned char	 want[128], okm[128], ref[128];
	size_t		 i, ikmlen, saltlen, infolen, len;

	for (i = 0; i < ARRAY_SIZE(tc); i++) {
		ikmlen = unhex(tc[i].ikm, ikm, sizeof(ikm));
		saltlen = unhex(tc[i].salt, salt, sizeof(salt));
		infolen = unhex(tc[i].info, info, sizeof(info));
		len = unhex(tc[i].okm, want, sizeof(want));
		CHECK_EQ_INT(len, i == 1 ? 82 : 42);

		memset(okm, 0, sizeof(okm));
		CHECK_EQ_INT(pseudo_hkdf(saltlen ? salt : NULL, saltlen, ikm,
		    ikmlen, infolen ? info : NULL, infolen, okm, len), 0);
		if (memcmp(okm, want, len) != 0)
			fprintf(stderr, "RFC 5869 test case %zu\n", i + 1);
		CHECK(memcmp(okm, want, len) == 0);

		/* The reference used below must pass the same vectors. */
		memset(ref, 0, sizeof(ref));
		CHECK_EQ_INT(ref_hkdf(salt, saltlen, ikm, ikmlen, info,
		    infolen, ref, len), 0);
		CHECK(memcmp(ref, want, len) == 0);
	}

	/* L may not exceed 255 * HashLen. */
	{
		static unsigned char	 big[255 * 32 + 1];

		CHECK_EQ_INT(pseudo_hkdf(salt, 1, ikm, 1, info, 1, big,
		    255 * 32), 0);
		CHECK_EQ_INT(pseudo_hkdf(salt, 1, ikm, 1, info, 1, big,
		    sizeof(big)), -1);
	}
}

static void
test_bsn(void)
{
	static const char *const valid[] = {
		"999993847", "999992077", "999993483", "999990482",
		"999993653", "999995017", "999990408", "999994669",
		"999992806", "999993926", "999991905",
	};
	static const struct {
		const char	*in;
		enum bsn_result	 want;
	} bad[] = {
		{ "000000000", BSN_ZERO },
		{ "00000000", BSN_ZERO },
		{ "999993848", BSN_ELFPROEF },
		{ "123456789", BSN_ELFPROEF },
		{ "99999384a", BSN_NOT_DIGITS },
		{ "9999-3847", BSN_NOT_DIGITS },
		{ "999 993 847", BSN_NOT_DIGITS },
		{ "+99993847", BSN_NOT_DIGITS },
		{ "9999938470", BSN_LENGTH },
		{ "0999993847", BSN_LENGTH },
		{ "1234567", BSN_LENGTH },
		{ "", BSN_EMPTY },
		{ "    ", BSN_EMPTY },
		{ " \t \t", BSN_EMPTY },
	};
	static const enum bsn_result all[] = {
		BSN_OK, BSN_EMPTY, BSN_NOT_DIGITS, BSN_LENGTH, BSN_ZERO,
		BSN_ELFPROEF,
	};
	char		 canon[9], s[12];
	const char	*msg;
	size_t		 i, j;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		memset(canon, 'x', sizeof(canon));
		CHECK_EQ_INT(pseudo_bsn_canon(valid[i], strlen(valid[i]),
		    canon), BSN_OK);
		CHECK(memcmp(canon, valid[i], 9) == 0);
	}

	/*
	 * "12345672" padded is 012345672:
	 * 9*0 + 8*1 + 7*2 + 6*3 + 5*4 + 4*5 + 3*6 + 2*7 = 112, and
	 * 112 - 1*2 = 110 = 10 * 11, so it passes.
	 */
	memset(canon, 'x', sizeof(canon));
	CHECK_EQ_INT(pseudo_bsn_canon("12345672", 8, canon), BSN_OK);
	CHECK(memcmp(canon, "012345672", 9) == 0);
	CHECK_EQ_INT(pseudo_bsn_canon("012345672", 9, canon), BSN_OK);
	/* The same number with another check digit fails. */
	CHECK_EQ_INT(pseudo_bsn_canon("12345673", 8, canon), BSN_ELFPROEF);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(canon, 'x', sizeof(canon));
		CHECK_EQ_INT(pseudo_bsn_canon(bad[i].in, strlen(bad[i].in),
		    canon), bad[i].want);
		/* Nothing is written for an invalid BSN. */
		CHECK(memcmp(canon, "xxxxxxxxx", 9) == 0);
	}
	CHECK_EQ_INT(pseudo_bsn_canon(NULL, 0, canon), BSN_EMPTY);

	/* Surrounding blanks are ignored, inner ones are not. */
	CHECK_EQ_INT(pseudo_bsn_canon(" 999993847 ", 11, canon), BSN_OK);
	CHECK(memcmp(canon, "999993847", 9) == 0);
	CHECK_EQ_INT(pseudo_bsn_canon("\t999993847\t", 11, canon), BSN_OK);
	CHECK_EQ_INT(pseudo_bsn_canon(" 12345672", 9, canon), BSN_OK);
	CHECK(memcmp(canon, "012345672", 9) == 0);

	/* The length is honoured: no reading up to a NUL. */
	memcpy(s, "9999938470", 11);
	CHECK_EQ_INT(pseudo_bsn_canon(s, 9, canon), BSN_OK);
	CHECK_EQ_INT(pseudo_bsn_canon(s, 10, canon), BSN_LENGTH);

	/* Every result has its own code and message, without digits. */
	CHECK_STR(pseudo_bsn_code(BSN_OK), "ok");
	CHECK_STR(pseudo_bsn_code(BSN_EMPTY), "bsn_leeg");
	CHECK_STR(pseudo_bsn_code(BSN_NOT_DIGITS), "bsn_geen_cijfers");
	CHECK_STR(pseudo_bsn_code(BSN_LENGTH), "bsn_lengte");
	CHECK_STR(pseudo_bsn_code(BSN_ZERO), "bsn_nul");
	CHECK_STR(pseudo_bsn_code(BSN_ELFPROEF), "bsn_elfproef");
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		msg = pseudo_bsn_message(all[i]);
		CHECK(msg != NULL && msg[0] != '\0');
		CHECK(pseudo_bsn_code(all[i])[0] != '\0');
		CHECK(msg != NULL && strpbrk(msg, "0123456789") == NULL);
		for (j = 0; j < i; j++) {
			CHECK(strcmp(pseudo_bsn_code(all[i]),
			    pseudo_bsn_code(all[j])) != 0);
			CHECK(strcmp(pseudo_bsn_message(all[i]),
			    pseudo_bsn_message(all[j])) != 0);
		}
	}
}

static void
test_formats(void)
{
	CHECK_EQ_INT(pseudo_agb_valid("12345678", 8), 1);
	CHECK_EQ_INT(pseudo_agb_valid("1234567", 7), 0);
	CHECK_EQ_INT(pseudo_agb_valid("123456789", 9), 0);
	CHECK_EQ_INT(pseudo_agb_valid("1234567a", 8), 0);
	CHECK_EQ_INT(pseudo_agb_valid(" 1234567", 8), 0);
	CHECK_EQ_INT(pseudo_agb_valid("", 0), 0);
	CHECK_EQ_INT(pseudo_gemeente_format_valid("0363", 4), 1);
	CHECK_EQ_INT(pseudo_gemeente_format_valid("363", 3), 0);
	CHECK_EQ_INT(pseudo_gemeente_format_valid("03630", 5), 0);
	CHECK_EQ_INT(pseudo_gemeente_format_valid("03a3", 4), 0);
	CHECK_EQ_INT(pseudo_gemeente_format_valid("", 0), 0);
}

static void
test_pseudonyms(void)
{
	unsigned char		 key1[PSEUDO_KEY_LEN], key2[PSEUDO_KEY_LEN];
	unsigned char		 a[PSEUDO_LEN], b[PSEUDO_LEN], ref[PSEUDO_LEN];
	unsigned char		 id1[PSEUDO_KEY_ID_LEN], id2[PSEUDO_KEY_ID_LEN];
	char			 id[257];
	struct pseudo_ctx	*c1 = NULL, *c1b = NULL, *c2 = NULL;

	/* Fixed keys, so a failure reproduces. */
	memset(key1, 0x11, sizeof(key1));
	memset(key2, 0x22, sizeof(key2));
	key1[31] = 0x01;
	CHECK_EQ_INT(pseudo_init_key(key1, 7, &c1), 0);
	CHECK_EQ_INT(pseudo_init_key(key1, 8, &c1b), 0);
	CHECK_EQ_INT(pseudo_init_key(key2, 7, &c2), 0);
	if (c1 == NULL || c1b == NULL || c2 == NULL)
		goto done;
	CHECK_EQ_INT(pseudo_key_version(c1), 7);
	CHECK_EQ_INT(pseudo_key_version(c1b), 8);

	/* Deterministic per key, different per BSN and per key. */
	pseudo_bsn(c1, "999993847", a);
	pseudo_bsn(c1, "999993847", b);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	pseudo_bsn(c1b, "999993847", b);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	pseudo_bsn(c1, "999992077", b);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	pseudo_bsn(c2, "999993847", b);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);

	/* The derivation, recomputed with OpenSSL's HKDF and HMAC(). */
	ref_pseudonym(key1, "sorttp/bsn", "999993847", 9, ref);
	CHECK(memcmp(a, ref, PSEUDO_LEN) == 0);
	pseudo_mac(c1, PSEUDO_BSN, "999993847", 9, b);
	CHECK(memcmp(b, ref, PSEUDO_LEN) == 0);
	ref_pseudonym(key2, "sorttp/bsn", "999993847", 9, ref);
	pseudo_bsn(c2, "999993847", b);
	CHECK(memcmp(b, ref, PSEUDO_LEN) == 0);

	/* Domain separation: the same bytes under another kind differ. */
	pseudo_mac(c1, PSEUDO_TOEWIJZING, "999993847", 9, b);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	pseudo_mac(c1, PSEUDO_BRON, "999993847", 9, b);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	pseudo_mac(c1, PSEUDO_KEYCHECK, "999993847", 9, b);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);

	/* ToewijzingNummer: "GGGG:N", leading zeros not significant. */
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "000123", 6, a), 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "123", 3, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	ref_pseudonym(key1, "sorttp/toewijzing", "0363:123", 8, ref);
	CHECK(memcmp(a, ref, PSEUDO_LEN) == 0);
	pseudo_mac(c1, PSEUDO_BSN, "0363:123", 8, b);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0599", "123", 3, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "1230", 4, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "000", 3, a), 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "0", 1, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	ref_pseudonym(key1, "sorttp/toewijzing", "0363:0", 6, ref);
	CHECK(memcmp(a, ref, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "123456789", 9, a), 0);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "0123456789", 10, a), -1);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "", 0, a), -1);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "1234567890", 10, a), -1);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "12a", 3, a), -1);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", " 123", 4, a), -1);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "0363", "-123", 4, a), -1);
	CHECK_EQ_INT(pseudo_toewijzing(c1, "03a3", "123", 3, a), -1);

	/* Source ids are scoped to the sender. */
	CHECK_EQ_INT(pseudo_bron(c1, 42, "rec-1", 5, a), 0);
	ref_pseudonym(key1, "sorttp/bron", "42:rec-1", 8, ref);
	CHECK(memcmp(a, ref, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(pseudo_bron(c1, 43, "rec-1", 5, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	/* "4" + "2:rec-1" must not meet "42" + "rec-1". */
	CHECK_EQ_INT(pseudo_bron(c1, 4, "2:rec-1", 7, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) != 0);
	CHECK_EQ_INT(pseudo_bron(c1, -1, "x", 1, a), 0);
	ref_pseudonym(key1, "sorttp/bron", "-1:x", 4, ref);
	CHECK(memcmp(a, ref, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(pseudo_bron(c1, INT64_MIN, "x", 1, a), 0);
	ref_pseudonym(key1, "sorttp/bron", "-9223372036854775808:x", 22, ref);
	CHECK(memcmp(a, ref, PSEUDO_LEN) == 0);
	memset(id, 'z', sizeof(id));
	CHECK_EQ_INT(pseudo_bron(c1, INT64_MAX, id, 256, a), 0);
	CHECK_EQ_INT(pseudo_bron(c1, 42, id, 257, a), -1);
	CHECK_EQ_INT(pseudo_bron(c1, 42, id, 0, a), -1);
	CHECK_EQ_INT(pseudo_bron(c1, 42, NULL, 1, a), -1);

	/* The key id: stable for a key, independent of the version. */
	pseudo_key_id(c1, id1);
	pseudo_key_id(c1b, id2);
	CHECK(memcmp(id1, id2, sizeof(id1)) == 0);
	ref_pseudonym(key1, "sorttp/keycheck", T_KEYCHECK,
	    strlen(T_KEYCHECK), ref);
	CHECK(memcmp(id1, ref, PSEUDO_KEY_ID_LEN) == 0);
	pseudo_key_id(c2, id2);
	CHECK(memcmp(id1, id2, sizeof(id1)) != 0);

done:
	pseudo_free(c1);
	pseudo_free(c1b);
	pseudo_free(c2);
	pseudo_free(NULL);
}

static int
write_file(const char *path, const unsigned char *buf, size_t len)
{
	int	 fd;
	ssize_t	 n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	n = write(fd, buf, len);
	if (fchmod(fd, 0600) == -1 || close(fd) == -1 || n != (ssize_t)len)
		return -1;
	return 0;
}

static int
read_file(const char *path, unsigned char *buf, size_t len)
{
	int	 fd;
	ssize_t	 n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len);
	(void)close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void
join(char *buf, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, T_PATH_MAX, "%s/%s", dir, name) >=
	    T_PATH_MAX)
		abort();
}

/* No message may hold the key, raw or in hex, whole or in part. */
static void
check_no_key(const char *err, const unsigned char key[PSEUDO_KEY_LEN],
    const char *hex)
{
	char	 prefix[17];

	memcpy(prefix, hex, 16);
	prefix[16] = '\0';
	CHECK(strstr(err, hex) == NULL);
	CHECK(strstr(err, prefix) == NULL);
	CHECK(strstr(err, hex + 48) == NULL);
	CHECK(memmem(err, strlen(err), key, 8) == NULL);
}

static void
test_keyfile(void)
{
	char			 tmpl[T_PATH_MAX], keyp[T_PATH_MAX];
	char			 p31[T_PATH_MAX], p33[T_PATH_MAX];
	char			 subdir[T_PATH_MAX], link[T_PATH_MAX];
	char			 missing[T_PATH_MAX];
	char			 err[512], hex[2 * PSEUDO_KEY_LEN + 1];
	unsigned char		 key[PSEUDO_KEY_LEN], again[PSEUDO_KEY_LEN];
	unsigned char		 buf[33], id1[PSEUDO_KEY_ID_LEN];
	unsigned char		 id2[PSEUDO_KEY_ID_LEN];
	const char		*tmp;
	struct pseudo_ctx	*ctx = NULL, *mem = NULL;
	struct stat		 st;
	char			*dir;
	mode_t			 old;
	int			 rv;

	if ((tmp = getenv("TMPDIR")) == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	join(tmpl, tmp, "sorttp-pseudo-XXXXXX");
	if ((dir = mkdtemp(tmpl)) == NULL) {
		CHECK(dir != NULL);
		return;
	}
	join(keyp, dir, "sorttp.key");
	join(p31, dir, "short.key");
	join(p33, dir, "long.key");
	join(subdir, dir, "dir.key");
	join(link, dir, "link.key");
	join(missing, dir, "missing.key");

	/* A hostile umask must not leave the file unreadable to its owner. */
	old = umask(0277);
	err[0] = '\0';
	rv = pseudo_keyfile_create(keyp, err, sizeof(err));
	(void)umask(old);
	CHECK_EQ_INT(rv, 0);
	CHECK(stat(keyp, &st) == 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ_INT(st.st_size, PSEUDO_KEY_LEN);
	CHECK(read_file(keyp, key, sizeof(key)) == 0);
	tohex(key, sizeof(key), hex);

	/* Never overwritten. */
	errno = 0;
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_keyfile_create(keyp, err, sizeof(err)), -1);
	CHECK_EQ_INT(errno, EEXIST);
	CHECK(strstr(err, "already exists") != NULL);
	CHECK(strstr(err, "orphan") != NULL);
	check_no_key(err, key, hex);
	CHECK(read_file(keyp, again, sizeof(again)) == 0);
	CHECK(memcmp(key, again, sizeof(key)) == 0);

	/* Loading gives the same context as the bytes in memory. */
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(keyp, 3, &ctx, err, sizeof(err)), 0);
	CHECK_EQ_INT(pseudo_init_key(key, 3, &mem), 0);
	if (ctx != NULL && mem != NULL) {
		CHECK_EQ_INT(pseudo_key_version(ctx), 3);
		pseudo_key_id(ctx, id1);
		pseudo_key_id(mem, id2);
		CHECK(memcmp(id1, id2, sizeof(id1)) == 0);
	}
	pseudo_free(ctx);
	pseudo_free(mem);
	ctx = NULL;

	/* Group or other access is refused, with the mode and the fix. */
	CHECK(chmod(keyp, 0644) == 0);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(keyp, 1, &ctx, err, sizeof(err)), -1);
	CHECK(ctx == NULL);
	CHECK(strstr(err, "0644") != NULL);
	CHECK(strstr(err, "chmod 600") != NULL);
	check_no_key(err, key, hex);
	CHECK(chmod(keyp, 0640) == 0);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(keyp, 1, &ctx, err, sizeof(err)), -1);
	CHECK(strstr(err, "0640") != NULL);
	CHECK(chmod(keyp, 0602) == 0);
	CHECK_EQ_INT(pseudo_load_keyfile(keyp, 1, &ctx, err, sizeof(err)), -1);
	CHECK(chmod(keyp, 0600) == 0);
	CHECK_EQ_INT(pseudo_load_keyfile(keyp, 1, &ctx, err, sizeof(err)), 0);
	pseudo_free(ctx);
	ctx = NULL;

	/* Another user's key file is refused (only root can test this). */
	if (geteuid() == 0) {
		CHECK(chown(keyp, 65534, 65534) == 0);
		err[0] = '\0';
		CHECK_EQ_INT(pseudo_load_keyfile(keyp, 1, &ctx, err,
		    sizeof(err)), -1);
		CHECK(strstr(err, "owned by uid 65534") != NULL);
		CHECK(chown(keyp, 0, 0) == 0);
	}

	/* Exactly 32 bytes. */
	memcpy(buf, key, sizeof(key));
	buf[32] = 0x5a;
	CHECK(write_file(p31, buf, 31) == 0);
	CHECK(write_file(p33, buf, 33) == 0);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(p31, 1, &ctx, err, sizeof(err)), -1);
	CHECK(strstr(err, "exactly 32 bytes") != NULL);
	CHECK(strstr(err, "has 31") != NULL);
	check_no_key(err, key, hex);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(p33, 1, &ctx, err, sizeof(err)), -1);
	CHECK(strstr(err, "has 33") != NULL);
	check_no_key(err, key, hex);

	/* Not a directory, not through a symbolic link, not absent. */
	CHECK(mkdir(subdir, 0700) == 0);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(subdir, 1, &ctx, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "regular file") != NULL);
	CHECK(symlink(keyp, link) == 0);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(link, 1, &ctx, err, sizeof(err)), -1);
	CHECK(strstr(err, "symbolic link") != NULL);
	check_no_key(err, key, hex);
	/* Creating through a symbolic link does not touch its target. */
	CHECK_EQ_INT(pseudo_keyfile_create(link, err, sizeof(err)), -1);
	CHECK(read_file(keyp, again, sizeof(again)) == 0);
	CHECK(memcmp(key, again, sizeof(key)) == 0);
	err[0] = '\0';
	CHECK_EQ_INT(pseudo_load_keyfile(missing, 1, &ctx, err, sizeof(err)),
	    -1);
	CHECK(err[0] != '\0');
	CHECK(ctx == NULL);

	/* A second key file holds another key. */
	CHECK_EQ_INT(pseudo_keyfile_create(missing, err, sizeof(err)), 0);
	CHECK(read_file(missing, again, sizeof(again)) == 0);
	CHECK(memcmp(key, again, sizeof(key)) != 0);

	/* A NULL or empty err buffer is allowed. */
	CHECK_EQ_INT(pseudo_keyfile_create(keyp, NULL, 0), -1);
	CHECK_EQ_INT(pseudo_load_keyfile(p31, 1, &ctx, NULL, 0), -1);

	CHECK(unlink(keyp) == 0);
	CHECK(unlink(p31) == 0);
	CHECK(unlink(p33) == 0);
	CHECK(unlink(link) == 0);
	CHECK(unlink(missing) == 0);
	CHECK(rmdir(subdir) == 0);
	CHECK(rmdir(dir) == 0);
}

/* Key rotation: what the link sink receives. */
struct t_links {
	int		 n;
	int		 kind[8];
	unsigned char	 old[8][PSEUDO_LEN];
	unsigned char	 new_[8][PSEUDO_LEN];
};

static void
t_sink(int kind, const unsigned char old[PSEUDO_LEN],
    const unsigned char new_[PSEUDO_LEN], void *arg)
{
	struct t_links	*l = arg;

	if (l->n >= 8)
		abort();
	l->kind[l->n] = kind;
	memcpy(l->old[l->n], old, PSEUDO_LEN);
	memcpy(l->new_[l->n], new_, PSEUDO_LEN);
	l->n++;
}

static void
test_two_versions(void)
{
	unsigned char		 k1[PSEUDO_KEY_LEN], k2[PSEUDO_KEY_LEN];
	unsigned char		 a[PSEUDO_LEN], b[PSEUDO_LEN], c[PSEUDO_LEN];
	unsigned char		 id1[PSEUDO_KEY_ID_LEN], id2[PSEUDO_KEY_ID_LEN];
	struct pseudo_ctx	*v2 = NULL, *old = NULL;
	struct pseudo_ctx	*ref1 = NULL, *ref2 = NULL;
	struct pseudo_link_sink	 sink;
	struct t_links		 got;

	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(pseudo_init_key(k2, 2, &v2), 0);
	CHECK_EQ_INT(pseudo_init_key(k1, 1, &old), 0);
	CHECK_EQ_INT(pseudo_init_key(k1, 1, &ref1), 0);
	CHECK_EQ_INT(pseudo_init_key(k2, 2, &ref2), 0);
	if (v2 == NULL || old == NULL || ref1 == NULL || ref2 == NULL)
		return;
	pseudo_key_id(v2, id1);

	/* Not attached: no window, nothing linked. */
	CHECK_EQ_INT(pseudo_in_window(v2), 0);
	CHECK_EQ_INT(pseudo_attach_old(v2, v2, 0), -1);
	CHECK_EQ_INT(pseudo_attach_old(v2, NULL, 0), -1);
	CHECK_EQ_INT(pseudo_attach_old(v2, old, (long long)time(NULL) +
	    3600), 0);
	CHECK_EQ_INT(pseudo_in_window(v2), 1);
	CHECK_EQ_INT(pseudo_attach_old(v2, ref1, 0), -1);	/* one only */
	sink.fn = t_sink;
	sink.arg = &got;
	pseudo_set_link_sink(v2, &sink);

	/* The pseudonym is the new key's; the old one goes to the sink. */
	pseudo_bsn(v2, "999993847", a);
	pseudo_bsn(ref2, "999993847", b);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.kind[0], PSEUDO_BSN);
	pseudo_bsn(ref1, "999993847", c);
	CHECK(memcmp(got.old[0], c, PSEUDO_LEN) == 0);
	CHECK(memcmp(got.new_[0], b, PSEUDO_LEN) == 0);
	CHECK(memcmp(got.old[0], got.new_[0], PSEUDO_LEN) != 0);
	CHECK_EQ_INT(pseudo_key_version(v2), 2);

	/* Toewijzing, through pseudo_toewijzing and pseudo_mac alike. */
	CHECK_EQ_INT(pseudo_toewijzing(v2, "0363", "00123", 5, a), 0);
	CHECK_EQ_INT(pseudo_toewijzing(ref2, "0363", "123", 3, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.kind[1], PSEUDO_TOEWIJZING);
	CHECK_EQ_INT(pseudo_toewijzing(ref1, "0363", "123", 3, c), 0);
	CHECK(memcmp(got.old[1], c, PSEUDO_LEN) == 0);
	pseudo_mac(v2, PSEUDO_TOEWIJZING, "0363:P:45:X", 11, a);
	CHECK_EQ_INT(got.n, 3);

	/* Source ids stay under the old key in the window, unlinked. */
	CHECK_EQ_INT(pseudo_bron(v2, 7, "r-1", 3, a), 0);
	CHECK_EQ_INT(pseudo_bron(ref1, 7, "r-1", 3, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(got.n, 3);

	/* The key check value stays the new key's own. */
	pseudo_key_id(v2, id2);
	CHECK(memcmp(id1, id2, sizeof(id1)) == 0);
	pseudo_key_id(ref2, id2);
	CHECK(memcmp(id1, id2, sizeof(id1)) == 0);

	/* Without a sink: the new key, nothing linked, nothing crashes. */
	pseudo_set_link_sink(v2, NULL);
	pseudo_bsn(v2, "999992077", a);
	CHECK_EQ_INT(got.n, 3);
	pseudo_free(v2);	/* frees old too (ASan would see a leak) */

	/* After the window: the new key only, for source ids as well. */
	memset(&got, 0, sizeof(got));
	CHECK_EQ_INT(pseudo_init_key(k2, 2, &v2), 0);
	CHECK_EQ_INT(pseudo_init_key(k1, 1, &old), 0);
	CHECK_EQ_INT(pseudo_attach_old(v2, old, (long long)time(NULL) - 1),
	    0);
	pseudo_set_link_sink(v2, &sink);
	CHECK_EQ_INT(pseudo_in_window(v2), 0);
	pseudo_bsn(v2, "999993847", a);
	pseudo_bsn(ref2, "999993847", b);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(pseudo_bron(v2, 7, "r-1", 3, a), 0);
	CHECK_EQ_INT(pseudo_bron(ref2, 7, "r-1", 3, b), 0);
	CHECK(memcmp(a, b, PSEUDO_LEN) == 0);
	CHECK_EQ_INT(got.n, 0);

	/* The version label follows the store (cmd_open). */
	pseudo_set_key_version(v2, 5);
	CHECK_EQ_INT(pseudo_key_version(v2), 5);
	pseudo_free(v2);
	pseudo_free(ref1);
	pseudo_free(ref2);
}

/* A destroyed key file is gone; a missing one is reported as such. */
static void
test_keyfile_destroy(void)
{
	char	dir[] = "/tmp/sorttp-keydestroy-XXXXXX", path[T_PATH_MAX];
	char	err[T_BUF_MAX];

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	join(path, dir, "k");
	CHECK_EQ_INT(pseudo_keyfile_create(path, err, sizeof(err)), 0);
	CHECK_EQ_INT(pseudo_keyfile_destroy(path, err, sizeof(err)), 0);
	CHECK(access(path, F_OK) == -1 && errno == ENOENT);
	CHECK_EQ_INT(pseudo_keyfile_destroy(path, err, sizeof(err)), 1);
	CHECK(rmdir(dir) == 0);
}

int
main(void)
{
	test_rfc4231();
	test_hmac_vs_openssl();
	test_rfc5869();
	test_bsn();
	test_formats();
	test_pseudonyms();
	test_keyfile();
	test_two_versions();
	test_keyfile_destroy();
	return test_done("pseudonym");
}
