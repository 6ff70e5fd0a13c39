/*
 * Raw TLS connections for the security tests. libcurl normalises what it
 * sends (one Content-Length, its own Transfer-Encoding), so requests that
 * attack the framing are written byte for byte on a GnuTLS session. A
 * connection can come from any loopback address (127.0.0.x), to act as
 * many clients, and can stop after the TCP connect or part-way through.
 */
#ifndef SORTTP_RAWTLS_H
#define SORTTP_RAWTLS_H

#include <stddef.h>

#include <gnutls/gnutls.h>

#include "harness.h"

struct rt {
	int				 fd;
	gnutls_session_t		 s;
	gnutls_certificate_credentials_t cred;
	int				 tls;	/* handshake done */
};

/* TCP connect from src (NULL: any) to the daemon; no TLS yet. */
int	rt_tcp(struct rt *, const struct h_env *, const char *src);
/* The TLS handshake on a connected rt, trusting the daemon's certificate. */
int	rt_handshake(struct rt *, const struct h_env *);
/* rt_tcp then rt_handshake. */
int	rt_connect(struct rt *, const struct h_env *, const char *src);
/* Sends all of buf; -1 when the connection is gone. */
int	rt_send(struct rt *, const void *buf, size_t len);
int	rt_sends(struct rt *, const char *s);
/*
 * Reads until the server closes or ms pass; returns the bytes read (the
 * buffer is NUL-terminated) and sets *closed when the server closed.
 */
size_t	rt_read(struct rt *, char *buf, size_t len, int ms, int *closed);
/* Waits up to ms for the server to close (reading and dropping data). */
int	rt_wait_closed(struct rt *, int ms);
void	rt_close(struct rt *);

/* Milliseconds on the monotonic clock. */
long long rt_now_ms(void);

#endif
