/*
 * Internals of the indicator engine shared by ind_snapshot.c (building the
 * in-memory unit facts from the store), ind_cube.c, and the answering
 * side: ind_query.c, ind_select.c, ind_write.c and indicators.c.
 */
#ifndef SORTTP_IND_IMPL_H
#define SORTTP_IND_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "cellkey.h"
#include "config.h"
#include "disclosure.h"
#include "indicators.h"
#include "questionnaire.h"

#define IND_YEAR0	2000	/* period indexes count from January 2000 */
#define IND_YEARS	100
#define IND_GEM_NONE	0xffff	/* a gemeente index is 16 bits */

/* Categories of RedenBeeindiging: 02, 31..39 and anything else. */
#define IND_NREDEN	11
#define IND_REDEN_OVERIG 10

/* A trajectory's latest eind measurement in one period. */
struct u_doel {
	uint32_t	 client;
	uint16_t	 period;
	uint16_t	 agb;		/* index into snap->agbs */
	uint16_t	 gem;		/* index into cfg->ref.gemeenten */
	uint8_t		 pz;		/* probleemafname 1..3 (0 = none) in
					   bits 0-1, zonder hulp verder + 1
					   (0 none, 1 niet, 2 ja) in 2-3 */
	uint8_t		 tmask;		/* bit t: the trajectory's last
					   measurement in its period of type t */
	uint16_t	 doelen;
	uint16_t	 behaald;
	float		 gas_t;		/* NaN = none */
	uint32_t	 bd;		/* breakdown values (ind_bd_pack) */
};
#define U_DOEL_PZ(pa, zh)	((uint8_t)(((pa) & 3) | ((zh) + 1) << 2))
#define U_DOEL_PA(u)		((u)->pz & 3)
#define U_DOEL_ZH(u)		(((u)->pz >> 2 & 3) - 1)

/*
 * A definitively ended product, in the period of its Einddatum: a unit of
 * uitval and the very same unit of aanlevering, which adds what was
 * delivered for it (aan). The two kinds share one array of them
 * (snap->ubase of both).
 */
struct u_uit {
	uint32_t	 client;
	uint16_t	 period;
	uint16_t	 agb;
	uint16_t	 gem;
	uint8_t		 reden;		/* category 0..IND_NREDEN-1 */
	uint8_t		 aan;		/* A_GAS, A_OPT or A_NONE (U_AAN_CAT),
					   | U_AAN_CEM: a CEM+ response in
					   the window; herinstroom in
					   U_AAN_HER: 0 not 31, 1 new start,
					   2 none */
	uint32_t	 bd;
};
#define U_AAN_CAT	0x03
#define U_AAN_CEM	0x04
#define U_AAN_HER_SHIFT	4
#define U_AAN_HER(u)	((u)->aan >> U_AAN_HER_SHIFT & 3)

/* A questionnaire response. */
struct u_tev {
	uint32_t	 client;
	uint16_t	 period;
	uint16_t	 agb;
	uint16_t	 gem;
	uint8_t		 resp;		/* enum quest_respondent */
	uint8_t		 def;		/* index into the quest_set */
	uint32_t	 voff;		/* its answers: snap->vals[voff..] */
	uint32_t	 bd;
};

/*
 * The units are the bulk of a snapshot's memory: a gemeente index of 16
 * bits (up to CFG_MAX_GEMEENTEN, a national deployment) costs them no
 * size. IND_GEM_NONE and the snapshot's GEM_UNSEEN lie above every index.
 */
_Static_assert(sizeof(struct u_doel) == 24, "u_doel grew");
_Static_assert(sizeof(struct u_uit) == 16, "u_uit grew");
_Static_assert(sizeof(struct u_tev) == 20, "u_tev grew");
_Static_assert(CFG_MAX_GEMEENTEN < IND_GEM_NONE - 1,
    "gemeente indexes must stay below IND_GEM_NONE and GEM_UNSEEN");
_Static_assert(QUEST_MAX_DEFS <= 256, "u_tev.def is a byte");

/*
 * The units of one kind are made once, with the month as their period
 * (snap->ubase); for each period type in turn, ix orders them by
 * (period, client). They only live while the cube is built from them.
 */
struct ind_units {
	void		*u;		/* snap->ubase[kind], not owned */
	uint32_t	*ix;		/* unit i in order: u[ix[i]] */
	size_t		 n;
	uint32_t	*off;		/* units of period p: off[p]..off[p+1] */
	int		 nperiods;
};

/*
 * A count of units and of the distinct clients among them. 32 bits hold
 * any count: a cell counts units of one kind, and ind_cube_build refuses
 * a kind of more than IND_MAX_UNITS units (the unit orders index them
 * with 32 bits too), which leaves room for the cell-key method's
 * deviation above a count.
 */
struct cnt {
	uint32_t	 units;
	uint32_t	 clients;
};
#define IND_MAX_UNITS	((size_t)INT32_MAX)

/*
 * A struct cnt while the cube is built, with what counting it needs and
 * nothing after: kept apart (struct cell's x), copied into the cell's
 * counts once all units are added (ind_cell_final) and freed before the
 * disclosure run, so that a snapshot keeps 8 bytes a count.
 */
struct cnt_x {
	uint32_t	 units;
	uint32_t	 clients;
	uint32_t	 last;		/* client index + 1 counted last */
	uint32_t	 ckey;		/* cell key: record keys of the clients */
};

/*
 * A cell while the cube is built, with its cnt_x beside it: the counts a
 * unit adds to are found without loading the cell first.
 */
struct ind_cref {
	struct cell	*c;
	struct cnt_x	*x;
};

/*
 * Memory for many small blocks freed together (the cells of a cube):
 * large zeroed chunks, no per-block overhead, freed in one go.
 */
struct ind_slab {
	struct ind_chunk *head;
	size_t		 used, cap;	/* in head */
};
void	*ind_slab_alloc(struct ind_slab *, size_t);
void	 ind_slab_free(struct ind_slab *);

/* Categories of a cell. */
enum { D_PA0, D_PA1, D_PA2, D_PA3, D_ZH_JA, D_ZH_NIET, D__NCAT };
enum { U_HER_NEW = IND_NREDEN, U_HER_NONE, U__NCAT };
/*
 * Aanlevering: GAS eind, opt-out and neither add up to the ended
 * trajectories, and so do with and without a CEM+ response.
 */
enum { A_GAS, A_OPT, A_NONE, A_CEM, A_NOCEM, A__NCAT };

/* Where a kind keeps its numbers in a cell. */
struct layout {
	int		 ncat, nsub, nsum, nnum;
	/* tevredenheid, per respondent type: first slot of its block */
	int		 sub0[QUEST__NRESPONDENTS];
	int		 sum0[QUEST__NRESPONDENTS];
	int		 num0[QUEST__NRESPONDENTS];
	int		 nitems[QUEST__NRESPONDENTS];
	/*
	 * Tevredenheid: the number of answers to item s of respondent type
	 * r, num[num0[r] + s] (s up to nitems[r], the rapportcijfer), is
	 * the units of sub[sub0[r] + s], set from it (ind_cell_final).
	 */
	int		 num_of_sub;
};

/*
 * A cell of the cube: aanbieder (an index, or nagbs for all of them) x
 * geo (a gemeente index, IND_GEO_CLUSTER or IND_GEO_REGIO) x period.
 */
struct cell {
	int		 agb;
	int		 geo;
	int		 period;
	struct cnt	 tot;
	struct cnt	*cat;		/* layout.ncat */
	struct cnt	*sub;		/* layout.nsub: item-level clients */
	double		*sum;		/* layout.nsum */
	int64_t		*num;		/* layout.nnum */
	struct cnt_x	*x;		/* while built: tot, cat, sub; then
					   NULL */
	uint32_t	 it_tot;	/* disclosure items */
	uint32_t	 it_cat;
	int		 naanbieders;	/* all-aanbieder cells: how many */
};

/* The cells of one kind and period type, sorted by (geo, period, agb). */
struct ind_cube {
	struct cell	**cells;
	size_t		 n;
	struct ind_slab	 mem;		/* the cells */
};

/*
 * The pattern a kind's cells are read with. Aanlevering counts the very
 * units uitval counts, so its cells share uitval's table: a total that
 * one answer withholds is withheld in the other too, and its categories
 * are protected in the same system of relations (ind_cube.c).
 */
#define IND_DC_KIND(k)	((k) == IND_AANLEVERING ? IND_UITVAL : (k))

#define IND_GEO_CLUSTER(s, c)	((s)->ngem + (c))
#define IND_GEO_REGIO(s)	((s)->ngem + (s)->nclu)

/*
 * The breakdown cells of one kind (ind_breakdown.c): all aanbieders x
 * (gemeente, cluster, regio) x year x (breakdown, value), sorted by
 * (geo, period, dim, val). val 0 is "onbekend", v + 1 value v.
 */
struct ind_bdcell {
	int		 geo, period, dim, val;
	struct cell	*c;
};
struct ind_bdcube {
	struct ind_bdcell *v;
	size_t		 n;
	struct ind_slab	 mem;		/* the cells */
};

struct ind_snapshot {
	int64_t		 generation;
	uint64_t	 built_ns;
	int		 today;		/* herinstroom windows judged on */
	int		 ngem, nclu;
	struct ind_cube	 cube[IND__NKINDS][IND__NPERIODS];
	struct dc_table	 dc[IND__NKINDS];	/* one pattern per kind, but
						   see IND_DC_KIND */
	struct layout	 lay[IND__NKINDS];
	int		*agbs;		/* sorted AGB codes */
	size_t		 nagbs;
	size_t		 nclients;
	struct ind_units units[IND__NKINDS][IND__NPERIODS];
	void		*ubase[IND__NKINDS];	/* units, periods in months */
	size_t		 nbase[IND__NKINDS];
	signed char	*vals;
	size_t		 nvals;
	int		 refs;		/* queries using it, plus the engine */
	/*
	 * The cell-key method (cellkey.h): the cube's counts are the
	 * perturbed ones and no suppression pattern is made. rkeys holds
	 * the record key of each client while the cube is built.
	 */
	int		 cellkey;
	uint32_t	*rkeys;
	struct ind_bdcube bd[IND__NKINDS];	/* uitsplitsingen */
	/* Where the build's time went (ns), for the log. */
	uint64_t	 ns_store, ns_facts, ns_cube, ns_dc;
	/* The disclosure history (dc_history.h) while the cube is built. */
	struct store	*dch_store;
	struct dch	*dch;
	pthread_mutex_t	 dch_mu;	/* dch_apply from the kinds' threads */
};

/*
 * The schaal items of all definitions, per respondent type, merged by
 * code (an id never changes meaning: questionnaire.h), and where each
 * definition's item lands.
 */
struct ind_items {
	size_t		 n[QUEST__NRESPONDENTS];
	char		 code[QUEST__NRESPONDENTS][QUEST_MAX_ITEMS * QUEST_MAX_DEFS]
			    [QUEST_CODE_MAX + 1];
	/* The Dutch text of each, from its first definition (or NULL). */
	const char	*text[QUEST__NRESPONDENTS][QUEST_MAX_ITEMS *
			    QUEST_MAX_DEFS];
	/* map[def][resp][item]: merged index, or -1 (not a schaal item). */
	int16_t		 map[QUEST_MAX_DEFS][QUEST__NRESPONDENTS][QUEST_MAX_ITEMS];
};

void	ind_items_build(const struct quest_set *, struct ind_items *);

/*
 * Builds a snapshot from the store and its cube (ind_cube.c): window is
 * the herinstroom window in months, today the date windows are judged on.
 * Returns NULL on a fault.
 */
struct ind_snapshot *ind_snapshot_build(const struct config *,
	    const struct quest_set *, const struct ind_items *,
	    struct store *, long long k, int window_months, int today);
/* As ind_snapshot_build, with the cell-key context the config's
 * "disclosure": "cellkey" needs (NULL with suppression). */
struct ind_snapshot *ind_snapshot_build_ck(const struct config *,
	    const struct quest_set *, const struct ind_items *,
	    struct store *, long long k, int window_months, int today,
	    const struct ck_ctx *);

/* The cube (ind_cube.c), one kind at a time, in enum order. */
void	ind_layout_init(struct layout *, enum ind_kind,
	    const struct ind_items *);
int	ind_cube_build(struct ind_snapshot *, const struct config *,
	    const struct quest_set *, const struct ind_items *, long long k,
	    int window, int today, const struct ck_table *, enum ind_kind,
	    uint64_t *ns_cells);
void	ind_cube_free(struct ind_cube *);
/*
 * Orders the units of kind k for period type t (snap->units[k][t]) and
 * frees that order again (ind_snapshot.c); 0 or -1.
 */
int	ind_units_order(struct ind_snapshot *, enum ind_kind k,
	    enum ind_period t);
void	ind_units_release(struct ind_snapshot *, enum ind_kind k,
	    enum ind_period t);
const struct cell *ind_cube_find(const struct ind_cube *, int agb, int geo,
	    int period);
/* The cells at (geo, period), every aanbieder, all-aanbieders last. */
size_t	ind_cube_range(const struct ind_cube *, int geo, int period,
	    struct cell *const **first);
int	ind_window_closed(int period, enum ind_period, int today, int window);
void	ind_dc_cell(struct dc_table *, enum ind_kind, const struct layout *,
	    struct cell *, int closed, const int64_t *clients);
void	ind_snapshot_free(struct ind_snapshot *);
/*
 * Tests: when set, snapshots keep their disclosure tables whole (not
 * dc_compact), so that dc_check can audit a built snapshot's pattern.
 */
extern int	ind_dc_keep;

/*
 * Hooks for the breakdowns (ind_breakdown.c). ind_cube.c lends its cell
 * helpers; the breakdowns' own hooks are in ind_bd.h.
 */
/* A zeroed cell in mem, its counts while built (x) in xmem. */
struct cell *ind_cell_new(struct ind_slab *mem, struct ind_slab *xmem,
	    const struct layout *, int agb, int geo, int period);
/* The cell's counts (tot, cat, sub) from its x, all units added. */
void	ind_cell_final(const struct layout *, struct cell *);
/*
 * The gemeenten of each cluster index below nclu, ascending: those of
 * cluster cl are (*glp)[(*offp)[cl]] to [(*offp)[cl + 1]]; the caller
 * frees both. 0, or -1 out of memory.
 */
int	ind_cluster_gemeenten(const struct config *, size_t nclu,
	    size_t **offp, int **glp);
void	ind_cell_relate(struct dc_table *, const struct layout *,
	    const struct cell *total, const struct cell *const *parts,
	    size_t n, int le);
void	ind_cell_ck(const struct ck_table *, enum ind_kind,
	    const struct layout *, struct cell *);
void	ind_bd_free(struct ind_snapshot *);
/* A unit's breakdown values; -1 = unknown; gebied: its stored code. */
uint32_t ind_bd_pack(const struct config *, int gem, int leeftijd,
	    int geslacht, int categorie, int gebied);
/* Value of breakdown d in packed bd: 0 unknown, v + 1 value v. */
int	ind_bd_value(uint32_t bd, enum ind_bd d);
/* The breakdown cells at (geo, period, dim), by value. */
size_t	ind_bd_range(const struct ind_bdcube *, int geo, int period, int dim,
	    const struct ind_bdcell **first);
/* The label of value val of breakdown d ("12-17", "onbekend") and, for
 * gebied and geslacht, its name; naam "" when none. */
void	ind_bd_label(const struct config *, enum ind_bd d, int val,
	    char *code, size_t codelen, char *naam, size_t naamlen);

/* The index of an AGB code in s->agbs, or -1 when it has no data. */
int	ind_agb_index(const struct ind_snapshot *, int agb);

/* Period index of a yyyymmdd for a period type; -1 when out of range. */
int	ind_period_of(int ymd, enum ind_period);

/* The last day of period p of type t, as yyyymmdd. */
int	ind_period_last_day(int p, enum ind_period t);

/* First and last month index of period p of type t. */
void	ind_period_months(int p, enum ind_period t, int *first, int *last);

/* ------------------------------------------------------------------ */
/* Answering a query (ind_query.c, ind_select.c, ind_write.c). */

const char *ind_by_name(enum ind_by);
const char *ind_period_name(enum ind_period);
/* The Dutch meaning of a per_reden key ("31"), or NULL (ind_write.c). */
const char *ind_reden_label(const char *key);

/* The population a query may see, after scope. */
struct pop {
	uint8_t		 gem_ok[CFG_MAX_GEMEENTEN];
	size_t		 ngem_ok;
	int		 agb_filter;		/* restricted to agbs[] */
	int		 agbs[IND_FILTER_MAX];
	size_t		 nagbs;
	int		 vergelijking;		/* aanbieder: add cluster cells */
	int		 own_agb;
};

/*
 * The population q may see for party p (NULL: the CLI, everything); -1
 * with code and msg set when the party may not ask it (403).
 */
int	ind_scope_apply(const struct config *, const struct party *,
	    const struct ind_query *, struct pop *, char *code,
	    size_t codelen, char *msg, size_t msglen);
/* The population a refused query asked for, for the audit trail. */
void	ind_requested_pop(const struct config *, const struct ind_query *,
	    struct pop *);
/*
 * The query as audited: parameters after scope, codes only. Whole in
 * IND_AUDIT_PARAMS_MAX: by, period, months and format, every gemeente in
 * scope (4 digits and a comma each), every aanbieder filtered on and the
 * uitsplitsing.
 */
#define IND_AUDIT_PARAMS_MAX \
	(256 + CFG_MAX_GEMEENTEN * 5 + IND_FILTER_MAX * 9)
void	ind_audit_params(const struct ind_query *, const struct pop *,
	    const struct config *, char *out, size_t len);

/* One answer being computed. */
struct run {
	const struct config	*cfg;
	const struct ind_query	*q;
	struct ind_snapshot	*snap;
	const struct ind_items	*items;
	struct pop		*pop;
	const struct layout	*lay;
	long long		 k;
	int			 window;
};

/* A cell of the answer and the suppression pattern it is read with. */
struct out {
	const struct cell	*c;
	const struct dc_table	*dc;
	size_t			 verg;	/* vergelijking: its index + 1 */
	const struct cell	*own;	/* vergelijking: the asker's cell */
	int			 bdv;	/* uitsplitsing: value + 1, -1 the
					   cell itself, 0 not a breakdown */
};

/* A vergelijking: its own copy of the cluster's cell, its own pattern. */
struct verg {
	struct cell		 copy;
	struct dc_table		 dc;
};

/* The selected cells of an answer. */
struct sel {
	struct out	*v;
	size_t		 n, cap;
	struct verg	*vg;
	size_t		 nvg, capvg;
};

/*
 * The cells an answer holds, from the cube, in output order; 0, or -1
 * with *status and the error set. r->lay must be set.
 */
int	ind_select_cells(struct run *, struct sel *, unsigned *status,
	    const char **code, const char **msg);
void	ind_sel_free(struct sel *);
/* The clients behind sub-count i of c (own: the asker's, vergelijking). */
int64_t	ind_sub_clients(const struct cell *c, const struct cell *own, int i);
/* The cluster index of a geo, or -1 for the regio. */
int	ind_geo_cluster(const struct run *, int geo);
/* Whether period p's herinstroom window has closed. */
int	ind_run_window_closed(const struct run *, int p);
/*
 * Whether the figures of cell c may still change (docs/indicators.md,
 * voorlopig): its period is not over yet on the snapshot's today, or,
 * for uitval and aanlevering, late messages and responses may still come.
 */
int	ind_voorlopig(const struct run *, const struct cell *c);

/* The answer as JSON or CSV (ind_write.c); -1 when memory ran out. */
int	ind_write_answer(const struct run *, const struct sel *, char **body,
	    size_t *len, long *ncells, long *nsup);

#endif
