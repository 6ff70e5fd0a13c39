/*
 * Gebieden: postcodes into areas (gebied.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gebied.h"
#include "util.h"

int
gebied_postcode(const char *s, size_t len, int *pc4)
{
	size_t	i;
	int	v = 0;

	if (len < 4 || !util_all_digits(s, 4) || s[0] == '0')
		return -1;
	for (i = 0; i < 4; i++)
		v = v * 10 + (s[i] - '0');
	i = 4;
	if (len > 4 && s[i] == ' ')
		i++;
	if (len > 4 && (len - i != 2 || !isalpha((unsigned char)s[i]) ||
	    !isalpha((unsigned char)s[i + 1]) ||
	    (unsigned char)s[i] > 127 || (unsigned char)s[i + 1] > 127))
		return -1;
	*pc4 = v;
	return 0;
}

static int
gem_number(const struct config *cfg, size_t gem)
{
	long long	v = 0;

	/* Codes are 4 digits: config.c checked them. */
	if (util_memtonum(cfg->ref.gemeenten[gem].code, 4, 0, 9999, &v) == -1)
		return -1;
	return (int)v;
}

int
gebied_of(const struct config *cfg, size_t gem, int pc4)
{
	const struct cfg_refdata *r = &cfg->ref;
	size_t			  i, j;

	for (i = 0; i < r->ngebieden; i++) {
		if (r->gebieden[i].gemeente != gem)
			continue;
		for (j = r->gebieden[i].r0; j < (size_t)r->gebieden[i].r0 +
		    r->gebieden[i].nr; j++)
			if (pc4 >= r->pc_lo[j] && pc4 <= r->pc_hi[j])
				return gem_number(cfg, gem) * 100 +
				    r->gebieden[i].nummer;
	}
	return gem_number(cfg, gem) * 100;
}

int
gebied_from_text(const struct config *cfg, const char *gemcode,
    const char *s, size_t len, int *code)
{
	const struct cfg_gemeente	*g;
	int				 pc4, retired;

	*code = -1;
	if (len == 0)
		return 1;
	if (gebied_postcode(s, len, &pc4) == -1 ||
	    (g = config_gemeente(cfg, gemcode, &retired)) == NULL)
		return -1;
	*code = gebied_of(cfg, (size_t)(g - cfg->ref.gemeenten), pc4);
	return 0;
}

size_t
gebied_count(const struct config *cfg)
{
	return cfg->ref.ngemeenten + cfg->ref.ngebieden;
}

/* The areas of gemeente gem before list entry; sorted by nummer. */
static size_t
areas_before(const struct config *cfg, size_t gem, int nummer)
{
	size_t	i, n = 0;

	for (i = 0; i < cfg->ref.ngebieden; i++)
		if (cfg->ref.gebieden[i].gemeente < gem ||
		    (cfg->ref.gebieden[i].gemeente == gem &&
		    cfg->ref.gebieden[i].nummer < nummer))
			n++;
	return n;
}

int
gebied_index(const struct config *cfg, size_t gem, int code)
{
	size_t	i;
	int	nummer = code % 100;

	if (code < 0 || gem >= cfg->ref.ngemeenten ||
	    code / 100 != gem_number(cfg, gem))
		return -1;
	if (nummer == 0)
		return (int)(gem + areas_before(cfg, gem, 0));
	for (i = 0; i < cfg->ref.ngebieden; i++)
		if (cfg->ref.gebieden[i].gemeente == gem &&
		    cfg->ref.gebieden[i].nummer == nummer)
			return (int)(gem + 1 + areas_before(cfg, gem, nummer));
	return -1;	/* an area no longer in the table */
}

void
gebied_label(const struct config *cfg, size_t idx, char code[8], char *naam,
    size_t naamlen)
{
	const struct cfg_gemeente	*gm;
	size_t				 g, i, n = 0, areas;
	int				 best;

	code[0] = '\0';
	if (naamlen > 0)
		naam[0] = '\0';
	for (g = 0; g < cfg->ref.ngemeenten; g++) {
		gm = &cfg->ref.gemeenten[g];
		areas = 0;
		for (i = 0; i < cfg->ref.ngebieden; i++)
			areas += cfg->ref.gebieden[i].gemeente == g;
		if (idx == n) {
			util_fmt(code, 8, "%s-00", gm->code);
			util_fmt(naam, naamlen, "%s%s", gm->naam,
			    areas ? " (overig)" : "");
			return;
		}
		if (idx <= n + areas) {
			/* The (idx - n)-th area of g by nummer. */
			best = 0;
			for (i = 0; i < cfg->ref.ngebieden; i++)
				if (cfg->ref.gebieden[i].gemeente == g &&
				    gebied_index(cfg, g, gem_number(cfg, g) * 100 +
				    cfg->ref.gebieden[i].nummer) == (int)idx)
					best = (int)i + 1;
			if (best > 0) {
				util_fmt(code, 8, "%s-%02d", gm->code,
				    cfg->ref.gebieden[best - 1].nummer);
				util_fmt(naam, naamlen, "%s",
				    cfg->ref.gebieden[best - 1].naam);
			}
			return;
		}
		n += areas + 1;
	}
}
