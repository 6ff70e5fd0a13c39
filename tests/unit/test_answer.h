/*
 * For unit tests of the indicator engine: the answer to a query whose
 * scope is applied (pop), on snapshot s, through cell selection,
 * disclosure control and the writer, as the engine gives it; and the
 * snapshot of a test's store. Include after ind_impl.h and store.h.
 */
#ifndef SORTTP_TEST_ANSWER_H
#define SORTTP_TEST_ANSWER_H

#include <stdio.h>
#include <string.h>

/*
 * *body: the answer (the caller frees it), NULL when refused: *status
 * and *code then say why. *ncells (when not NULL): the cells written.
 * Returns 0, or -1 when refused or not written.
 */
static int
test_answer(const struct config *cfg, const struct ind_items *items,
    struct ind_snapshot *s, const struct ind_query *q, struct pop *pop,
    char **body, unsigned *status, const char **code, long *ncells)
{
	struct run	 r;
	struct sel	 sel;
	const char	*m;
	size_t		 len;
	long		 nc = 0, ns = 0;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	memset(&sel, 0, sizeof(sel));
	r.cfg = cfg;
	r.q = q;
	r.snap = s;
	r.items = items;
	r.pop = pop;
	r.lay = &s->lay[q->kind];
	r.k = config_limit(cfg, LIMIT_K);
	r.window = (int)config_limit(cfg, LIMIT_HERINSTROOM_MONTHS);
	*body = NULL;
	*status = 200;
	if (ind_select_cells(&r, &sel, status, code, &m) == 0)
		rc = ind_write_answer(&r, &sel, body, &len, &nc, &ns);
	ind_sel_free(&sel);
	if (ncells != NULL)
		*ncells = nc;
	return rc;
}

/*
 * The snapshot a build makes of the store at db on day today (yyyymmdd),
 * with the config's k and herinstroom window; NULL, said on stderr, when
 * the store does not open or the build fails.
 */
static struct ind_snapshot *
test_snapshot_of(const struct config *cfg, const struct quest_set *qs,
    const struct ind_items *items, const char *db, int today)
{
	struct store		*st;
	struct ind_snapshot	*s;
	char			 err[256];

	if (store_open(db, 0, &st, err, sizeof(err)) == -1) {
		fprintf(stderr, "store: %s\n", err);
		return NULL;
	}
	s = ind_snapshot_build(cfg, qs, items, st, config_limit(cfg, LIMIT_K),
	    (int)config_limit(cfg, LIMIT_HERINSTROOM_MONTHS), today);
	store_close(st);
	if (s == NULL)
		fprintf(stderr, "snapshot of %s failed\n", db);
	return s;
}

#endif
