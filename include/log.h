/*
 * Logging: one line per event on stderr, printf-checked.
 *
 * Nothing that identifies a client may ever be passed to these functions:
 * no BSN, ToewijzingNummer, name, date of birth, free text, token or request
 * body. Callers log party names, route templates, counts and error codes.
 */
#ifndef SORTTP_LOG_H
#define SORTTP_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

void	log_set_level(enum log_level);
int	log_level_parse(const char *, enum log_level *);
int	log_enabled(enum log_level);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_vlog(enum log_level, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* Start-up failures and broken invariants only; never for client input. */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
