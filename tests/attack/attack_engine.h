/*
 * The harness's access to the engine (attack_engine.c): the answers a
 * party may obtain, and, test-only, the true counts of the cube.
 */
#ifndef SORTTP_ATTACK_ENGINE_H
#define SORTTP_ATTACK_ENGINE_H

#include "attack.h"

struct ind_engine;
struct party;
struct quest_set;

/* Asks every question p may ask over months from..to (month indexes
 * from January 2000); refused counts the 403 answers. */
int	atk_collect(struct atk_model *, struct ind_engine *,
	    const struct party *p, int from, int to, size_t *refused);

/* Fills the model's true values from the unprotected cube. */
int	atk_truth(struct atk_model *, const struct quest_set *,
	    const char *dbpath);

#endif
