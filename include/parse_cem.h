/*
 * CEM+ questionnaire responses: a POST /v1/questionnaires body (JSON) to
 * validated records.
 *
 * The body is one response object or {"responses": [ ... ]}. Every
 * response is checked against its questionnaire definition
 * (questionnaire.h) and the reference data (config.h); every error is
 * collected, up to a cap, with the total count, because the sender fixes
 * a batch in one go and the whole body is one transaction anyway.
 *
 * Pure: no I/O, no clock (the caller passes "today"), no globals, so the
 * fuzzer and the tests drive it directly.
 *
 * Privacy: the records hold the canonical BSN and the bron_id in clear
 * until the caller pseudonymises them, and nothing else that identifies
 * anyone; the text of open answers is read past and never copied. Error
 * fields and messages name fields and items, never a value from the body.
 */
#ifndef SORTTP_PARSE_CEM_H
#define SORTTP_PARSE_CEM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "questionnaire.h"

struct config;

#define CEM_BATCH_MAX		100000	/* responses in one body */
#define CEM_DEPTH_MAX		16	/* nesting of arrays and objects */
#define CEM_STRING_MAX		4096	/* bytes of one string, decoded */
#define CEM_NUMBER_MAX		32	/* characters of one number */
#define CEM_RESPONSE_VALUES	256	/* JSON values in one response */
#define CEM_BRON_ID_MAX		256	/* bytes of a bron_id */
#define CEM_TOEWIJZING_MAX	9	/* digits of a toewijzingnummer */
#define CEM_FIELD_MAX		96	/* an error's field path */
#define CEM_MESSAGE_MAX		256	/* an error's message */

/*
 * One valid response. Fixed size, no pointers: the array is wiped and
 * freed in one go by cem_batch_free().
 */
struct cem_response {
	char			bsn[10];	/* canonical, 9 digits + NUL */
	char			agb[9];		/* 8 digits + NUL */
	char			gemeente[5];	/* current code: retired mapped */
	char			toewijzingnummer[CEM_TOEWIJZING_MAX + 1];
						/* digits as sent, or "" */
	char			ingevuld_op[11];	/* YYYY-MM-DD */
	char			geboortedatum[11];	/* YYYY-MM-DD or "" */
	int			geslacht;	/* 0, 1, 2; -1 when absent */
	int			pc4;		/* postcode digits, 0 absent */
	size_t			vragenlijst;	/* index into quest_set.defs */
	enum quest_respondent	respondent;
	size_t			bron_id_len;	/* 1..CEM_BRON_ID_MAX */
	char			bron_id[CEM_BRON_ID_MAX + 1];	/* + NUL */
	/*
	 * Per item of the definition's variant (same index as
	 * quest_variant.items): -1 not answered; schaal and cijfer the
	 * value; janee 1 ja, 0 nee; open 1 when answered (the text is
	 * never kept). Entries past nitems are -1.
	 */
	int8_t			waarden[QUEST_MAX_ITEMS];
};

struct cem_error {
	long		 index;		/* response in the batch from 0, or -1
					   for the body as a whole */
	char		 field[CEM_FIELD_MAX];	/* "/responses/3/bsn", "/bsn",
						   or "" for the body */
	const char	*code;		/* stable: "bsn_elfproef", ... */
	char		 message[CEM_MESSAGE_MAX];	/* Dutch */
};

struct cem_batch {
	struct cem_response	*responses;	/* CEM_OK only */
	size_t			 nresponses;
	struct cem_error	*errors;	/* CEM_REJECTED only */
	size_t			 nerrors;	/* listed, at most max_errors */
	size_t			 errors_total;	/* found, listed or not */
};

struct cem_params {
	const struct quest_set	*defs;
	const struct config	*cfg;		/* gemeenten */
	/*
	 * NULL for a party that may send for any AGB (bergop); for an
	 * aanbieder its own 8-digit AGB: any other is "agb_niet_eigen".
	 */
	const char		*only_agb;
	/* "YYYY-MM-DD": later dates are "datum_in_toekomst". */
	const char		*today;
	size_t			 max_errors;	/* errors listed; 0 = count only */
	size_t			 max_responses;	/* 0 or > CEM_BATCH_MAX means
						   CEM_BATCH_MAX */
};

enum cem_status {
	CEM_OK = 0,		/* every response valid: out->responses */
	CEM_REJECTED,		/* out->errors says why; nothing else kept */
	CEM_NOMEM		/* out of memory: nothing in out */
};

/*
 * Parses and validates the body buf of len bytes (need not be
 * NUL-terminated) into *out, which the caller releases with
 * cem_batch_free() whatever the result. The body must be UTF-8 JSON
 * (a leading BOM is allowed) nested at most CEM_DEPTH_MAX deep with no
 * string over CEM_STRING_MAX bytes; it is checked for that, and the
 * responses counted, before cJSON allocates anything. cJSON then sees one
 * response (at most CEM_RESPONSE_VALUES values) at a time, so memory is
 * the records plus one small tree whatever the body's size.
 *
 * Errors are listed in body order (body-level first, then by response);
 * every one is counted in errors_total, listed or not. A null value
 * counts as absent, for fields and answers alike.
 *
 * params->today must be a valid date: anything else is a programming
 * error and fatal.
 */
enum cem_status cem_parse(const char *buf, size_t len,
	    const struct cem_params *params, struct cem_batch *out);

/* Wipes the records (they hold BSNs) and frees everything in b. */
void	cem_batch_free(struct cem_batch *b);

/*
 * The calendar date at time now in the Netherlands (CET/CEST, EU summer
 * time rules), as "YYYY-MM-DD": a response filled in just after midnight
 * is not in the future because the server's clock runs on UTC.
 */
void	cem_today_nl(time_t now, char out[11]);

#endif
