/*
 * Goal Attainment Scaling (Kiresuk & Sherman 1968): the T-score of one
 * trajectory measurement from its goal scores (-2..+2) and weights (1..10),
 * with the inter-goal correlation rho fixed at 0.3 as SOR prescribes:
 *
 *   T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2)
 */
#ifndef SORTTP_GAS_H
#define SORTTP_GAS_H

#include <stddef.h>

#define GAS_RHO		0.3
#define GAS_GOALS_MAX	10

/* T-score of n >= 1 goals; weights NULL means all 1. */
double	gas_tscore(const int *x, const int *w, size_t n);

#endif
