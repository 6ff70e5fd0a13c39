/*
 * GAS T-score; see gas.h. The check values of domain.md are unit tests.
 */
#include <math.h>

#include "gas.h"

double
gas_tscore(const int *x, const int *w, size_t n)
{
	double	swx = 0, sw2 = 0, sw = 0, wi;
	size_t	i;

	for (i = 0; i < n; i++) {
		wi = w != NULL ? w[i] : 1;
		swx += wi * x[i];
		sw2 += wi * wi;
		sw += wi;
	}
	return 50.0 + 10.0 * swx / sqrt((1.0 - GAS_RHO) * sw2 +
	    GAS_RHO * sw * sw);
}
