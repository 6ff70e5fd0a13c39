/* The reference iJw parser (ijw_ref.c), for fuzz_ijw_ref.c only. */
#ifndef SORTTP_IJW_REF_H
#define SORTTP_IJW_REF_H

#include "parse_ijw.h"

int	ijw_ref_parse_limit(const char *, size_t, size_t,
	    struct ijw_message *, struct ijw_error *);

#endif
