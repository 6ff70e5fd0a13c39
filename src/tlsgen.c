/*
 * Self-signed certificate generation with OpenSSL.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tlsgen.h"
#include "util.h"

/* Opens path for a new file with the given mode, as a stdio stream. */
static FILE *
create_excl(const char *path, mode_t mode)
{
	FILE	*f;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1)
		return NULL;
	if (fchmod(fd, mode) == -1 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		return NULL;
	}
	return f;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* Closes f; on a write or close error removes path. */
static int
finish_file(FILE *f, const char *path, int ok)
{
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		unlink(path);
	return ok ? 0 : -1;
}

int
tlsgen_self_signed(const char *cert_path, const char *key_path,
    char fingerprint[65], char *err, size_t errlen)
{
	EVP_PKEY	*pkey = NULL;
	X509		*x = NULL;
	X509_NAME	*name;
	FILE		*kf = NULL, *cf = NULL;
	unsigned char	 serial[16], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	BIGNUM		*bn = NULL;
	char		 host[256], san[512];
	int		 ret = -1, ok;

	if ((pkey = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL) {
		util_fmt(err, errlen, "cannot generate an ECDSA P-256 key");
		goto out;
	}
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	/* A host name that is not a plain DNS label set is left out. */
	if (host[0] == '\0' || strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(host) ||
	    strcmp(host, "localhost") == 0)
		util_fmt(san, sizeof(san), "DNS:localhost,IP:127.0.0.1,IP:::1");
	else
		util_fmt(san, sizeof(san), "DNS:localhost,DNS:%s,IP:127.0.0.1,"
		    "IP:::1", host);
	serial[0] = 0;
	if (RAND_bytes(serial + 1, sizeof(serial) - 1) != 1 ||
	    (bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_set_version(x, 2) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), TLSGEN_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(x, pkey) != 1 ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"sorttp", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"sorttp self-signed", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") == -1 ||
	    add_ext(x, NID_subject_alt_name, san) == -1 ||
	    add_ext(x, NID_subject_key_identifier, "hash") == -1 ||
	    X509_sign(x, pkey, EVP_sha256()) == 0) {
		util_fmt(err, errlen, "cannot build the certificate");
		goto out;
	}
	if ((kf = create_excl(key_path, 0600)) == NULL) {
		util_fmt(err, errlen, "%s: %s", key_path, strerror(errno));
		goto out;
	}
	ok = PEM_write_PKCS8PrivateKey(kf, pkey, NULL, NULL, 0, NULL,
	    NULL) == 1;
	if (finish_file(kf, key_path, ok) == -1) {
		util_fmt(err, errlen, "%s: cannot write the key", key_path);
		goto out;
	}
	if ((cf = create_excl(cert_path, 0644)) == NULL) {
		util_fmt(err, errlen, "%s: %s", cert_path, strerror(errno));
		unlink(key_path);
		goto out;
	}
	ok = PEM_write_X509(cf, x) == 1;
	if (finish_file(cf, cert_path, ok) == -1) {
		util_fmt(err, errlen, "%s: cannot write the certificate",
		    cert_path);
		unlink(key_path);
		goto out;
	}
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32) {
		util_fmt(err, errlen, "cannot compute the fingerprint");
		goto out;
	}
	util_hex(md, mdlen, fingerprint);
	ret = 0;
out:
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return ret;
}
