/*
 * Logging to stderr, one line per event.
 *
 * Each line is formatted into a bounded buffer and written with a single
 * write(2), so lines from concurrent threads never interleave. Control
 * characters are replaced, so no caller can forge a second log line. What
 * may be logged at all is a matter for the callers (see log.h): this module
 * only guarantees the shape of a line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define LOG_LINE_MAX	1024

static volatile int log_current = LOG_LEVEL_INFO;

static const char *const log_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_set_level(enum log_level level)
{
	log_current = (int)level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < ARRAY_LEN(log_names); i++) {
		if (strcmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int
log_enabled(enum log_level level)
{
	return (int)level <= log_current;
}

void
log_vlog(enum log_level level, const char *fmt, va_list ap)
{
	char	line[LOG_LINE_MAX];
	char	ts[21];
	int	n, m;
	size_t	len, i;
	ssize_t	w;

	if (!log_enabled(level))
		return;
	util_utc_iso8601(ts);
	n = snprintf(line, sizeof(line), "%s sorttp %s: ", ts,
	    log_names[level]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0)
		return;
	len = (size_t)n + (size_t)m;
	if (len >= sizeof(line) - 1)
		len = sizeof(line) - 2;	/* truncated: keep room for '\n' */
	for (i = (size_t)n; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[len++] = '\n';
	for (i = 0; i < len; i += (size_t)w) {
		w = write(STDERR_FILENO, line + i, len - i);
		if (w < 0) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			return;
		}
	}
}

#define LOG_FN(fn, level)				\
void							\
fn(const char *fmt, ...)				\
{							\
	va_list	ap;					\
							\
	va_start(ap, fmt);				\
	log_vlog(level, fmt, ap);			\
	va_end(ap);					\
}

LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
