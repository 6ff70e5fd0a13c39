/*
 * Fuzzes the questionnaire parser with a fixed definition set, the
 * embedded reference data and a fixed "today". Beyond not crashing, every
 * result is checked against the rules restated plainly: a valid record has
 * a 9-digit BSN that passes the elfproef, an 8-digit AGB (the sender's own
 * when one is set), a current gemeentecode, dates not after today, values
 * inside their item's range; a rejection lists at most the cap of errors,
 * none with a run of seven digits (a BSN echoed); and CEM_NOMEM, which
 * would mean cJSON refused what the scanner let through, never happens.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "parse_cem.h"
#include "questionnaire.h"

#define FUZZ_TODAY	"2026-03-15"
#define FUZZ_AGB	"12345678"
#define FUZZ_ERRORS	8

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_def[] =
	"{\"id\": \"cem-plus-2026\", \"titel\": \"Fuzz\", \"respondenten\": {"
	"\"jeugdige\": {\"items\": ["
	"{\"code\": \"s1\", \"tekst\": \"S\", \"type\": \"schaal\", "
	"\"min\": 1, \"max\": 5, \"verplicht\": true, \"positief\": "
	"{\"vanaf\": 4}},"
	"{\"code\": \"s0\", \"tekst\": \"S\", \"type\": \"schaal\", "
	"\"min\": 0, \"max\": 100, \"verplicht\": false},"
	"{\"code\": \"rc\", \"tekst\": \"R\", \"type\": \"cijfer\", "
	"\"verplicht\": false, \"rol\": \"rapportcijfer\"},"
	"{\"code\": \"zh\", \"tekst\": \"Z\", \"type\": \"janee\", "
	"\"verplicht\": false, \"rol\": \"zonder_hulp_verder\"},"
	"{\"code\": \"open\", \"tekst\": \"O\", \"type\": \"open\", "
	"\"verplicht\": false}]},"
	"\"ouder\": {\"items\": ["
	"{\"code\": \"rc\", \"tekst\": \"R\", \"type\": \"cijfer\", "
	"\"verplicht\": true}]}}}";

static struct quest_set	defs;
static struct config	cfg;

static void
setup(void)
{
	char	err[512];

	if (config_load(NULL, &cfg, err, sizeof(err)) == -1 ||
	    quest_load_buffer("fuzz", fuzz_def, sizeof(fuzz_def) - 1, &defs,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "fuzz_cem setup: %s\n", err);
		abort();
	}
}

static int
digits(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[len] == '\0';
}

static void
check_bsn(const char *bsn)
{
	int	sum = 0, i, zero = 1;

	if (!digits(bsn, 9))
		abort();
	for (i = 0; i < 9; i++) {
		sum += (bsn[i] - '0') * (i < 8 ? 9 - i : -1);
		zero &= bsn[i] == '0';
	}
	if (zero || sum % 11 != 0)
		abort();
}

static void
check_date(const char *d, int optional)
{
	if (optional && d[0] == '\0')
		return;
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' ||
	    strcmp(d, FUZZ_TODAY) > 0 || strcmp(d, "1900-01-01") < 0)
		abort();
}

static void
check_record(const struct cem_response *r, const char *only_agb)
{
	const struct quest_variant	*v;
	const struct cfg_gemeente	*g;
	size_t				 i, tw;
	int				 retired, w;

	check_bsn(r->bsn);
	if (!digits(r->agb, 8) || (only_agb && strcmp(r->agb, only_agb)))
		abort();
	if ((g = config_gemeente(&cfg, r->gemeente, &retired)) == NULL ||
	    retired || strcmp(g->code, r->gemeente) != 0)
		abort();
	tw = strlen(r->toewijzingnummer);
	if (tw > 9 || (tw > 0 && !digits(r->toewijzingnummer, tw)))
		abort();
	check_date(r->ingevuld_op, 0);
	check_date(r->geboortedatum, 1);
	if (r->geboortedatum[0] != '\0' &&
	    strcmp(r->geboortedatum, r->ingevuld_op) > 0)
		abort();
	if (r->geslacht < -1 || r->geslacht > 2)
		abort();
	if (r->bron_id_len < 1 || r->bron_id_len > CEM_BRON_ID_MAX ||
	    strlen(r->bron_id) != r->bron_id_len)
		abort();
	if (r->vragenlijst >= defs.ndefs ||
	    (unsigned)r->respondent >= QUEST__NRESPONDENTS)
		abort();
	v = &defs.defs[r->vragenlijst].variant[r->respondent];
	if (!v->present)
		abort();
	for (i = 0; i < QUEST_MAX_ITEMS; i++) {
		w = r->waarden[i];
		if (w == -1)
			continue;
		if (i >= v->nitems || w < v->items[i].min ||
		    w > v->items[i].max)
			abort();
	}
	for (i = 0; i < v->nitems; i++)
		if (v->items[i].verplicht && r->waarden[i] == -1)
			abort();
}

static void
check_text(const char *s, size_t size)
{
	size_t	i, run = 0;

	if (memchr(s, '\0', size) == NULL)
		abort();
	for (i = 0; s[i] != '\0'; i++) {
		run = (s[i] >= '0' && s[i] <= '9') ? run + 1 : 0;
		if (run >= 7)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 ready;
	struct cem_params	 p;
	struct cem_batch	 b;
	enum cem_status		 st;
	size_t			 i;

	if (!ready) {
		setup();
		ready = 1;
	}
	memset(&p, 0, sizeof(p));
	p.defs = &defs;
	p.cfg = &cfg;
	/* Both roles, chosen by a bit the fuzzer controls. */
	p.only_agb = (size & 1) ? FUZZ_AGB : NULL;
	p.today = FUZZ_TODAY;
	p.max_errors = FUZZ_ERRORS;
	st = cem_parse((const char *)data, size, &p, &b);
	switch (st) {
	case CEM_OK:
		if (b.errors_total != 0 || b.nerrors != 0)
			abort();
		for (i = 0; i < b.nresponses; i++)
			check_record(&b.responses[i], p.only_agb);
		break;
	case CEM_REJECTED:
		if (b.errors_total == 0 || b.nresponses != 0 ||
		    b.nerrors > FUZZ_ERRORS || b.nerrors > b.errors_total ||
		    (b.nerrors == 0) != (b.errors_total == 0))
			abort();
		for (i = 0; i < b.nerrors; i++) {
			if (b.errors[i].code == NULL ||
			    b.errors[i].index < -1 ||
			    b.errors[i].index >= CEM_BATCH_MAX)
				abort();
			check_text(b.errors[i].field,
			    sizeof(b.errors[i].field));
			check_text(b.errors[i].message,
			    sizeof(b.errors[i].message));
		}
		break;
	case CEM_NOMEM:
		abort();
	}
	cem_batch_free(&b);
	return 0;
}
