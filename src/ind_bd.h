/*
 * The breakdowns' hooks for the cube (ind_breakdown.c, ind_cube.c). The
 * cube adds a kind's units to its cells and to the breakdown cells in one
 * pass: ind_bd_begin makes the accumulator, ind_bd_cells gives the cells
 * a unit adds to, and ind_bd_build makes them the snapshot's (s->bd),
 * items of the kind's disclosure table with their relations (or perturbs
 * them: ckt), after the kind's cube cells and before dc_run. It always
 * takes the accumulator; ind_bd_abort frees one that is not built.
 */
#ifndef SORTTP_IND_BD_H
#define SORTTP_IND_BD_H

#include <stdint.h>

#include "ind_impl.h"

struct ind_bdacc;

/* The cells' cnt_x go to xmem (the caller's, freed after ind_bd_build). */
struct ind_bdacc *ind_bd_begin(const struct ind_snapshot *,
	    const struct config *, const struct layout *,
	    struct ind_slab *xmem);
void	ind_bd_abort(struct ind_bdacc *);
/* The cells (up to IND_BD_CELLS) a unit adds to; -1 out of memory. */
#define IND_BD_CELLS	(3 * (IND__NBD - 1))
int	ind_bd_cells(struct ind_bdacc *, int period, int gem, uint32_t bd,
	    struct ind_cref *out);
int	ind_bd_build(struct ind_snapshot *, const struct config *,
	    enum ind_kind, const struct layout *, int window, int today,
	    const struct ck_table *, struct ind_bdacc *);

#endif
