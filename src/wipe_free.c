/*
 * free and realloc for the daemon binary that wipe what they give back.
 *
 * The hooks in wipe.c cover the libraries that let their allocator be
 * chosen (libxml2, cJSON, libcsv), but not GnuTLS: its allocation hooks
 * have had no effect since 3.3, and it decrypts every TLS record into a
 * heap buffer that it frees unwiped, so a core image would hold the last
 * request bodies in clear. Wrapping free itself closes that for every
 * library at once. glibc still does the allocating: these wrappers only
 * clear a block (malloc_usable_size: slack included) before handing it to
 * glibc's own __libc_free, and make realloc copy and wipe instead of
 * moving a block and dropping the old copy.
 *
 * A block glibc mapped on its own (above the mmap threshold: the large
 * arrays of the indicator snapshot) is neither wiped nor copied: free
 * unmaps it, so it leaves the process and any core image at once, and
 * the kernel clears the pages before anyone else gets them; realloc
 * moves its pages with mremap, which leaves no copy behind. Wiping
 * them only cost time (tens of megabytes per snapshot build).
 *
 * Linked into the sorttp executable only, and only without sanitizers:
 * ASan and friends replace the allocator themselves.
 */
#include <malloc.h>
#include <string.h>

void	*__libc_malloc(size_t);
void	*__libc_realloc(void *, size_t);
void	 __libc_free(void *);

void	 free(void *);
void	*realloc(void *, size_t);

/*
 * Whether glibc mapped p's chunk on its own: bit 1 (IS_MMAPPED) of the
 * chunk's size field, the word just before the block.
 */
static int
mapped(const void *p)
{
	size_t	sz;

	memcpy(&sz, (const char *)p - sizeof(sz), sizeof(sz));
	return (sz & 2) != 0;
}

void
free(void *p)
{
	if (p == NULL)
		return;
	if (!mapped(p))
		explicit_bzero(p, malloc_usable_size(p));
	__libc_free(p);
}

void *
realloc(void *p, size_t n)
{
	size_t	 old;
	void	*q;

	if (p == NULL)
		return __libc_malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	if (mapped(p))
		return __libc_realloc(p, n);	/* mremap, or a fresh block */
	old = malloc_usable_size(p);
	if (n <= old) {
		/* A shrink may split off the tail as a free chunk. */
		explicit_bzero((char *)p + n, old - n);
		return __libc_realloc(p, n);
	}
	if ((q = __libc_malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	free(p);
	return q;
}
