/*
 * iJw message ingest: XML bytes → parse_ijw → checks → pseudonyms → a job
 * for the store's message writer.
 *
 * The parsed message holds the BSN, ToewijzingNummers and the birth date;
 * it is wiped as soon as the job is built. Names, addresses, phone numbers
 * and Commentaar never get this far: the parser reads past them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "feed.h"
#include "dates.h"
#include "errors.h"
#include "gebied.h"
#include "ingest.h"
#include "log.h"
#include "parse_ijw.h"
#include "pseudonym.h"
#include "util.h"

/*
 * A parse error as an answer: malformed, too complex XML and DTDs 400, the
 * rest 422.
 */
static void
parse_error(const struct ijw_error *e, struct ingest_answer *a)
{
	unsigned	 status = 422;
	cJSON		*j;

	if (strcmp(e->code, IJW_ERR_XML_MALFORMED) == 0 ||
	    strcmp(e->code, IJW_ERR_DTD_FORBIDDEN) == 0 ||
	    strcmp(e->code, IJW_ERR_TOO_COMPLEX) == 0)
		status = 400;
	else if (strcmp(e->code, IJW_ERR_TOO_LARGE) == 0)
		status = 413;
	if ((j = ingest_error_json(e->code, e->message)) != NULL) {
		if (e->line > 0)
			cJSON_AddNumberToObject(j, "line", (double)e->line);
		if (e->column > 0)
			cJSON_AddNumberToObject(j, "column",
			    (double)e->column);
		if (e->field[0] != '\0')
			cJSON_AddStringToObject(j, "field", e->field);
	}
	ingest_answer_set(a, status, j);
}

static void
refuse(struct ingest_answer *a, const char *code, const char *field,
    const char *message)
{
	cJSON	*j = ingest_error_json(code, message);

	if (j != NULL && field != NULL)
		cJSON_AddStringToObject(j, "field", field);
	ingest_answer_set(a, 422, j);
}

static int
num(const char *s)
{
	long long	v = 0;

	if (s[0] == '\0' || util_memtonum(s, strlen(s), 0, 99999999, &v) == -1)
		return 0;
	return (int)v;
}

/*
 * Age band at date from a birth date of which DatumGebruik says what is
 * known: with an unknown day the first of the month is taken, with only
 * the year known the first of July; an unknown date gives no band.
 */
static int
age_band(const struct ijw_message *m, int date)
{
	int	birth;

	if (m->geboortedatum[0] == '\0' ||
	    m->datum_gebruik == IJW_DATUM_ONBEKEND ||
	    date_parse_iso(m->geboortedatum, strlen(m->geboortedatum),
	    &birth) == -1)
		return -1;
	if (m->datum_gebruik == IJW_DATUM_DAG_ONBEKEND)
		birth = birth / 100 * 100 + 1;
	else if (m->datum_gebruik == IJW_DATUM_ALLEEN_JAAR)
		birth = birth / 10000 * 10000 + 701;
	if (date_age(birth, date) < 0)
		return -1;
	return date_age_band(date_age(birth, date));
}

/*
 * The product key: the ToewijzingNummer keyed with the gemeente that
 * issued it; for taakgericht care (no number) the product itself, which
 * with the client and Begindatum is the logical key (domain.md).
 */
static int
product_key(struct pseudo_ctx *pc, const struct ijw_message *m,
    const struct ijw_product *p, struct traj_rec *r)
{
	unsigned char	ps[PSEUDO_LEN];
	char		buf[32];

	if (p->toewijzingnummer[0] != '\0') {
		if (pseudo_toewijzing(pc, m->gemeente, p->toewijzingnummer,
		    strlen(p->toewijzingnummer), ps) == -1)
			return -1;
	} else {
		if (util_fmt(buf, sizeof(buf), "%.4s:P:%s:%s", m->gemeente,
		    p->categorie, p->code) == -1)
			return -1;
		pseudo_mac(pc, PSEUDO_TOEWIJZING, buf, strlen(buf), ps);
	}
	r->prod_key = store_ps64(ps, 0);
	r->prod_chk = store_ps64(ps, 1);
	explicit_bzero(ps, sizeof(ps));
	return 0;
}

/* One product into one change of the trajectory model. */
static int
product_rec(struct pseudo_ctx *pc, const struct ijw_message *m,
    const struct ijw_product *p, int64_t client, int gemeente,
    struct traj_rec *r, const char **field)
{
	const char	*begin;

	memset(r, 0, sizeof(*r));
	r->client = client;
	r->gemeente = gemeente;
	r->agb = num(m->agb);
	r->categorie = num(p->categorie);
	memcpy(r->code, p->code, sizeof(r->code));
	r->geslacht = m->geslacht;
	begin = m->type == IJW_JW301 ? p->ingangsdatum : p->begindatum;
	*field = "Begindatum";
	if (date_parse_iso(begin, strlen(begin), &r->begindatum) == -1)
		return -1;
	*field = "Einddatum";
	if (p->einddatum[0] != '\0' && date_parse_iso(p->einddatum,
	    strlen(p->einddatum), &r->einddatum) == -1)
		return -1;
	r->leeftijd = age_band(m, r->begindatum);
	r->reden = num(p->reden_beeindiging);
	switch (m->type) {
	case IJW_JW301:
		r->op = TRAJ_TOEWIJZING;
		break;
	case IJW_JW305:
		r->op = p->status_aanlevering == 3 ? TRAJ_START_DELETE :
		    TRAJ_START;
		break;
	default:
		r->op = p->status_aanlevering == 3 ? TRAJ_STOP_DELETE :
		    TRAJ_STOP;
		break;
	}
	*field = "ToewijzingNummer";
	return product_key(pc, m, p, r);
}

void
ingest_job_free(struct msg_job *j)
{
	if (j == NULL)
		return;
	if (j->recs != NULL)
		explicit_bzero(j->recs, j->nrecs * sizeof(*j->recs));
	free(j->recs);
	free(j);
}

/* Builds the job from a parsed, checked message. */
static struct msg_job *
build_job(const struct config *cfg, struct pseudo_ctx *pc,
    const struct party *party, const struct ijw_message *m,
    const char *canon, const struct cfg_gemeente *g,
    struct ingest_answer *a)
{
	int		 gemeente = num(g->code);
	struct msg_job	*j;
	unsigned char	 ps[PSEUDO_LEN];
	char		 key[128];
	const char	*field = NULL;
	int64_t		 client;
	size_t		 i;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->recs = calloc(m->nproducts, sizeof(*j->recs))) == NULL) {
		free(j);
		ingest_answer_set(a, 500, NULL);
		return NULL;
	}
	j->party_id = party->id;
	j->key_version = pseudo_key_version(pc);
	j->ijw_type = (int)m->type;	/* for the feed metrics */
	pseudo_bsn(pc, canon, ps);
	client = store_ps64(ps, 0);
	explicit_bzero(ps, sizeof(ps));
	for (i = 0; i < m->nproducts; i++) {
		if (product_rec(pc, m, &m->products[i], client, gemeente,
		    &j->recs[i], &field) == -1) {
			refuse(a, ERR_INVALID_VALUE, field, "Een product heeft "
			    "een datum of sleutel die niet te verwerken is");
			ingest_job_free(j);
			return NULL;
		}
		/* Only the area of the postcode is kept (gebied.h). */
		j->recs[i].gebied = m->pc4 > 0 ? gebied_of(cfg,
		    (size_t)(g - cfg->ref.gemeenten), m->pc4) : -1;
	}
	j->nrecs = m->nproducts;
	/*
	 * "The same message": the same bytes give the same key, so this one
	 * lookup also finds a resend of identical bytes. The writer scopes
	 * the key to the sending party.
	 */
	util_fmt(key, sizeof(key), "ijw:%s:%s:%s", m->afzender,
	    m->identificatie, m->dagtekening);
	pseudo_bron(pc, 0, key, strlen(key), j->msg_key);
	explicit_bzero(key, sizeof(key));
	return j;
}

struct msg_job *
ingest_message_prepare(const struct config *cfg, struct pseudo_ctx *pc,
    const struct party *party, const char *body, size_t len,
    char sha_hex[65], struct ingest_answer *a)
{
	const struct cfg_gemeente	*g;
	struct ijw_message		*m;
	struct ijw_error		 e;
	struct msg_job			*j = NULL;
	enum bsn_result			 br;
	unsigned char			 sha[32];
	unsigned int			 shalen = 0;
	char				 canon[9];

	memset(a, 0, sizeof(*a));
	if ((m = malloc(sizeof(*m))) == NULL) {
		ingest_answer_set(a, 500, NULL);
		return NULL;
	}
	if (ijw_parse_limit(body, len, (size_t)config_limit(cfg,
	    LIMIT_BODY_MESSAGES), m, &e) == -1) {
		parse_error(&e, a);
		goto out;
	}
	if ((g = config_gemeente(cfg, m->gemeente, NULL)) == NULL) {
		refuse(a, ERR_GEMEENTE_ONBEKEND, m->type == IJW_JW301 ?
		    "Afzender" : "Ontvanger", "Deze gemeentecode hoort niet bij "
		    "de regio");
		goto out;
	}
	if ((br = pseudo_bsn_canon(m->bsn, strlen(m->bsn), canon)) != BSN_OK) {
		refuse(a, pseudo_bsn_code(br), "Client/Bsn",
		    pseudo_bsn_message(br));
		goto out;
	}
	if (EVP_Digest(body, len, sha, &shalen, EVP_sha256(), NULL) != 1) {
		ingest_answer_set(a, 500, NULL);
		goto out;
	}
	util_hex(sha, sizeof(sha), sha_hex);
	j = build_job(cfg, pc, party, m, canon, g, a);
out:
	explicit_bzero(canon, sizeof(canon));
	ijw_message_wipe(m);
	free(m);
	return j;
}

void
ingest_message_answer(struct store_msgw *w, struct msg_job *j,
    const char *sha_hex, struct ingest_answer *a)
{
	store_msgw_wait(w, j);
	ingest_message_result(j, sha_hex, 1, a);
}

void
ingest_message_result(const struct msg_job *j, const char *sha_hex,
    int receipt, struct ingest_answer *a)
{
	if (j->rc == STORE_OK)
		feed_message_type(j->ijw_type);
	if ((j->rc == STORE_OK || j->rc == STORE_EXISTS) && !receipt) {
		a->status = j->rc == STORE_OK ? 201 : 200;
		a->body = NULL;
	} else if (j->rc == STORE_OK)
		ingest_answer_set(a, 201, ingest_receipt_json(&j->receipt, sha_hex, 0));
	else if (j->rc == STORE_EXISTS)
		ingest_answer_set(a, 200, ingest_receipt_json(&j->receipt, sha_hex, 1));
	else if (j->ids_exhausted)
		ingest_answer_set(a, 503, ingest_error_json(ERR_UNAVAILABLE, "de "
		    "ontvangstnummers van deze database zijn op; het bericht is "
		    "niet opgeslagen. Meld dit aan de beheerder"));
	else
		ingest_answer_set(a, 503, ingest_error_json(ERR_UNAVAILABLE, "het bericht kon "
		    "niet worden opgeslagen; stuur het later opnieuw"));
}

void
ingest_message(const struct config *cfg, struct pseudo_ctx *pc,
    struct store_msgw *w, const struct party *party, const char *body,
    size_t len, struct ingest_answer *a)
{
	struct msg_job	*j;
	char		 sha_hex[65];

	if ((j = ingest_message_prepare(cfg, pc, party, body, len, sha_hex,
	    a)) == NULL)
		return;
	store_msgw_submit(w, j);
	ingest_message_answer(w, j, sha_hex, a);
	ingest_job_free(j);
}
