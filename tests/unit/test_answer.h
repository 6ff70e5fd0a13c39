/*
 * For unit tests of the indicator engine: the answer to a query whose
 * scope is applied (pop), on snapshot s, through cell selection,
 * disclosure control and the writer, as the engine gives it. Include
 * after ind_impl.h.
 */
#ifndef SORTTP_TEST_ANSWER_H
#define SORTTP_TEST_ANSWER_H

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

#endif
