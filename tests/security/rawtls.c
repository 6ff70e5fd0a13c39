/*
 * Raw TLS connections for the security tests (see rawtls.h).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rawtls.h"

long long
rt_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
rt_tcp(struct rt *c, const struct h_env *e, const char *src)
{
	struct sockaddr_in	sin;

	memset(c, 0, sizeof(*c));
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (src != NULL) {
		inet_pton(AF_INET, src, &sin.sin_addr);
		if (bind(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			goto fail;
	}
	sin.sin_port = htons((uint16_t)e->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	return 0;
fail:
	close(c->fd);
	c->fd = -1;
	return -1;
}

int
rt_handshake(struct rt *c, const struct h_env *e)
{
	char	ca[H_PATH_MAX + 32];
	int	rc;

	snprintf(ca, sizeof(ca), "%s/tls/cert.pem", e->data);
	if (gnutls_certificate_allocate_credentials(&c->cred) < 0 ||
	    gnutls_certificate_set_x509_trust_file(c->cred, ca,
	    GNUTLS_X509_FMT_PEM) < 1 ||
	    gnutls_init(&c->s, GNUTLS_CLIENT) < 0 ||
	    gnutls_set_default_priority(c->s) < 0 ||
	    gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, c->cred) < 0)
		return -1;
	gnutls_transport_set_int(c->s, c->fd);
	gnutls_handshake_set_timeout(c->s, 10000);
	do {
		rc = gnutls_handshake(c->s);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
	if (rc < 0)
		return -1;
	c->tls = 1;
	return 0;
}

int
rt_connect(struct rt *c, const struct h_env *e, const char *src)
{
	if (rt_tcp(c, e, src) == -1)
		return -1;
	if (rt_handshake(c, e) == -1) {
		rt_close(c);
		return -1;
	}
	return 0;
}

int
rt_send(struct rt *c, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if (c->tls)
			n = gnutls_record_send(c->s, p, len);
		else
			n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
rt_sends(struct rt *c, const char *s)
{
	return rt_send(c, s, strlen(s));
}

size_t
rt_read(struct rt *c, char *buf, size_t len, int ms, int *closed)
{
	struct pollfd	pfd = { c->fd, POLLIN, 0 };
	long long	end = rt_now_ms() + ms;
	size_t		got = 0;
	ssize_t		n;
	int		left;

	*closed = 0;
	buf[0] = '\0';
	while (got + 1 < len) {
		if (!c->tls || gnutls_record_check_pending(c->s) == 0) {
			left = (int)(end - rt_now_ms());
			if (poll(&pfd, 1, left < 0 ? 0 : left) != 1)
				break;
		}
		if (c->tls)
			n = gnutls_record_recv(c->s, buf + got, len - got - 1);
		else
			n = recv(c->fd, buf + got, len - got - 1, 0);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0) {
			*closed = 1;
			break;
		}
		got += (size_t)n;
		buf[got] = '\0';
	}
	return got;
}

int
rt_wait_closed(struct rt *c, int ms)
{
	char	buf[4096];
	int	closed = 0;
	long long end = rt_now_ms() + ms;

	while (!closed && rt_now_ms() < end)
		rt_read(c, buf, sizeof(buf), (int)(end - rt_now_ms()), &closed);
	return closed;
}

void
rt_close(struct rt *c)
{
	if (c->s != NULL)
		gnutls_deinit(c->s);
	if (c->cred != NULL)
		gnutls_certificate_free_credentials(c->cred);
	if (c->fd != -1)
		close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}
