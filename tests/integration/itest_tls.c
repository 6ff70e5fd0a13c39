/*
 * The TLS profile (NCSC-NL 2025, good/sufficient): real handshakes against
 * the real daemon with openssl s_client and gnutls-cli. TLS 1.1, CBC
 * suites, static RSA, SHA-1 signatures and groups outside the profile must
 * fail; TLS 1.3 and the TLS 1.2 ECDHE+AEAD suites must work. A configured
 * priority string replaces the default, and check-config refuses a bad one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static struct h_env	e;

/*
 * Runs one TLS client against the daemon; 1 when the handshake completed.
 * The clients read /dev/null, so they close right after the handshake.
 */
static int
handshake(const char *tool, const char *args)
{
	char	cmd[1024], out[H_PATH_MAX];
	int	rc;

	h_path(&e, out, sizeof(out), "client.out");
	if (strcmp(tool, "openssl") == 0)
		snprintf(cmd, sizeof(cmd), "timeout 30 openssl s_client "
		    "-connect 127.0.0.1:%d %s </dev/null >%s 2>&1", e.port,
		    args, out);
	else
		snprintf(cmd, sizeof(cmd), "timeout 30 gnutls-cli --insecure "
		    "-p %d %s 127.0.0.1 </dev/null >%s 2>&1", e.port, args,
		    out);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	if (WEXITSTATUS(rc) == 124 || WEXITSTATUS(rc) == 127) {
		fprintf(stderr, "itest_tls: %s timed out or is missing\n",
		    tool);
		return -1;
	}
	/* Both tools say so plainly when a handshake went through. */
	if (strcmp(tool, "openssl") == 0)
		return WEXITSTATUS(rc) == 0 &&
		    !h_file_contains(out, "Cipher is (NONE)", 16);
	return WEXITSTATUS(rc) == 0 &&
	    h_file_contains(out, "Handshake was completed", 23);
}

#define REFUSED(tool, args)	CHECK_EQ_INT(handshake(tool, args), 0)
#define ACCEPTED(tool, args)	CHECK_EQ_INT(handshake(tool, args), 1)

static void
test_default_profile(void)
{
	/* Old versions, offered on purpose (OpenSSL's own floor lowered). */
	REFUSED("openssl", "-tls1_1 -cipher DEFAULT:@SECLEVEL=0");
	REFUSED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.1");
	/* CBC with SHA-1 and SHA-2 MACs, as the old build offered. */
	REFUSED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA");
	REFUSED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-AES256-SHA");
	REFUSED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256");
	REFUSED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.2:"
	    "-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC:-MAC-ALL:+SHA1:+SHA256");
	/* Static RSA and DHE key exchange: no forward secrecy, or weak. */
	REFUSED("openssl", "-tls1_2 -cipher AES128-GCM-SHA256");
	REFUSED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.2:"
	    "-KX-ALL:+RSA");
	REFUSED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.2:"
	    "-KX-ALL:+DHE-RSA");
	/* SHA-1 signatures only, and a group outside the profile. */
	REFUSED("openssl", "-tls1_2 -sigalgs ECDSA+SHA1 "
	    "-cipher DEFAULT:@SECLEVEL=0");
	REFUSED("openssl", "-tls1_2 -groups P-521");

	/* The profile's own suites. */
	ACCEPTED("openssl", "-tls1_3");
	ACCEPTED("openssl", "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256");
	ACCEPTED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256");
	ACCEPTED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384");
	ACCEPTED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305");
	/* (OpenSSL's -groups also limits the certificate's curve in 1.2.) */
	ACCEPTED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.2:"
	    "-GROUP-ALL:+GROUP-SECP384R1");
	ACCEPTED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.2:"
	    "-GROUP-ALL:+GROUP-X25519");
	ACCEPTED("gnutls-cli", "--priority NORMAL:-VERS-ALL:+VERS-TLS1.3:"
	    "-GROUP-ALL:+GROUP-SECP256R1");
}

/* tls.priorities replaces the default; check-config judges it. */
static void
test_configured(void)
{
	struct h_out	o;
	char		cfg[H_PATH_MAX], bad[H_PATH_MAX];

	h_config(&e, "bad.json", "{\"tls\": {\"priorities\": "
	    "\"NORMAL:+NO-SUCH-THING\"}}", bad, sizeof(bad));
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", bad, NULL), 1);
	CHECK(o.err != NULL && strstr(o.err, "tls.priorities") != NULL);
	CHECK(o.err != NULL && strstr(o.err, "NO-SUCH-THING") != NULL);
	h_out_free(&o);

	h_config(&e, "tls13.json", "{\"tls\": {\"priorities\": "
	    "\"NORMAL:-VERS-ALL:+VERS-TLS1.3\"}}", cfg, sizeof(cfg));
	CHECK_EQ_INT(h_run(&e, &o, "check-config", "--config", cfg, NULL), 0);
	h_out_free(&o);
	if (h_start(&e, cfg, NULL) == -1) {
		CHECK(!"daemon with tls.priorities did not start");
		return;
	}
	ACCEPTED("openssl", "-tls1_3");
	REFUSED("openssl", "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256");
	CHECK_EQ_INT(h_stop(&e), 0);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itest_tls SORTTP_BINARY\n");
		return 2;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	test_default_profile();
	CHECK_EQ_INT(h_stop(&e), 0);
	test_configured();
	h_teardown(&e);
	return test_done("integration_tls");
}
