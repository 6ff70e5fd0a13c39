/*
 * A self-signed TLS certificate for first use, made by `sorttp init`.
 *
 * ECDSA P-256: a new TLS connection costs about 2.5 times less CPU than
 * with RSA-2048. The certificate names localhost, this host, 127.0.0.1 and
 * ::1; operators replace it with one from their own CA (config "tls").
 */
#ifndef SORTTP_TLSGEN_H
#define SORTTP_TLSGEN_H

#include <stddef.h>

#define TLSGEN_DAYS	825	/* the longest validity clients accept */

/*
 * Writes a new key (PKCS#8 PEM, mode 0600) and certificate (PEM, 0644).
 * Neither file may exist. fingerprint receives the certificate's SHA-256
 * as hex. Returns 0, or -1 with a message in err.
 */
int	tlsgen_self_signed(const char *cert_path, const char *key_path,
	    char fingerprint[65], char *err, size_t errlen);

#endif
