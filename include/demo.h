/*
 * Demo data: a synthetic but plausible region (13 gemeenten, 40
 * aanbieders, several years of youth care) for `sorttp demo`, or the same
 * model spread over the gemeenten and clusters of a configuration (a
 * national shape: 342 gemeenten in 42 jeugdregio's, about 1,000
 * aanbieders).
 *
 * The generator only produces bytes in the formats the endpoints accept:
 * iJw XML messages, scores CSV bodies and questionnaire JSON bodies. It
 * never touches the store; the command feeds those bytes through the real
 * ingest code paths, so the demo exercises exactly what production does.
 *
 * Everything is a function of the seed: the same seed and client count
 * give the same bytes on the same day (the timeline ends at today). Bodies
 * hold generated BSNs in clear, so the caller wipes every buffer it gets.
 */
#ifndef SORTTP_DEMO_H
#define SORTTP_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define DEMO_GEMEENTEN		13	/* the built-in region */
#define DEMO_AANBIEDERS		40
#define DEMO_REGION_MAX		4096	/* gemeenten of a configured region */
#define DEMO_CLIENTS_DEFAULT	5000
#define DEMO_CLIENTS_MAX	5000000	/* distinct BSNs up to 10^7 */
#define DEMO_SEED_DEFAULT	2022
#define DEMO_FIRST_DAY		20220103	/* first start of care */

/*
 * Scale, for --help and the benchmark sizes: per client about this many
 * trajectories (trajecten rows), score rows and questionnaire responses.
 */
#define DEMO_TRAJ_PER_CLIENT	"4"
#define DEMO_SCORES_PER_CLIENT	"4"
#define DEMO_RESP_PER_CLIENT	"2"

/*
 * The n-th generated BSN for a seed: '9' (or '8') followed by seven
 * digits of (offset(seed) + n) mod 10^7 and the elfproef check digit, so
 * n < 10^7 gives distinct numbers that all pass the elfproef. The leading
 * 9/8 keeps them out of the ranges the BRP issues to real people today.
 * out receives 9 digits and a NUL.
 */
void	demo_bsn(uint64_t seed, uint64_t n, char out[10]);

/*
 * The upload bodies below go into a struct buf (buf.h) the caller made,
 * with the body limit of the upload as its maximum and BUF_WIPE (they
 * hold BSNs); reaching the maximum is an error, as running out of memory.
 */
/* Message kinds, for the caller's tally. */
enum demo_msg {
	DEMO_JW301 = 0,
	DEMO_JW305,
	DEMO_JW307,
	DEMO__NMSG
};

struct demo;

/*
 * A generator for n clients with this seed, up to today (yyyymmdd), in
 * the built-in region (DEMO_GEMEENTEN gemeenten of Sturen op Resultaat,
 * DEMO_AANBIEDERS aanbieders). NULL when out of memory.
 */
struct demo *demo_new(uint64_t seed, long clients, int today);

/* A gemeente of a configured region and its cluster (0 .. nclusters-1). */
struct demo_place {
	char	code[5];	/* 4-digit CBS code */
	size_t	cluster;
};

/*
 * The same for the n gemeenten of places in nclusters clusters (a
 * config's reference data): synthetic population weights and postcode
 * ranges per gemeente (each its own range in 1000-9999) and about 40
 * aanbieders per 13 gemeenten, each serving one or a few clusters. NULL
 * when out of memory or when n or nclusters is 0 or above
 * DEMO_REGION_MAX, or a cluster index is out of range.
 */
struct demo *demo_new_region(uint64_t seed, long clients, int today,
	    const struct demo_place *places, size_t n, size_t nclusters);
void	demo_free(struct demo *);

/* The numbers of aanbieders and gemeenten of the generator's region. */
size_t	demo_naanbieders(const struct demo *);
size_t	demo_ngemeenten(const struct demo *);

/* The AGB code of aanbieder i (0 .. demo_naanbieders()-1). */
const char *demo_agb(const struct demo *, size_t i);

/* The CBS code of built-in gemeente i (0 .. DEMO_GEMEENTEN-1). */
const char *demo_gemeente(size_t i);

/*
 * Generates the next client's whole history and calls fn once per iJw
 * message, in the order a backoffice would forward them (a correction
 * after what it corrects). Scores and questionnaire responses are kept
 * in compact form for the upload bodies below. Returns 1 when a client
 * was made, 0 when all are done, -1 when fn returned -1 or out of
 * memory.
 */
int	demo_next_client(struct demo *,
	    int (*fn)(void *arg, enum demo_msg, const char *xml, size_t len),
	    void *arg);

/*
 * The scores CSV of aanbieder i for the measurements of one calendar
 * year, into out (replacing its contents). Returns the number of rows
 * (0: nothing to upload), or -1 when out of memory.
 */
long	demo_scores_csv(struct demo *, size_t i, int year,
	    struct buf *out);

/*
 * Questionnaire responses, as the questionnaire platform sends them:
 * batch k (0, 1, ...) of at most max responses, in order of the date
 * they were filled in, each batch within one calendar month, answering
 * the items of def (whatever they are: the items are data). Returns the
 * number of responses in the batch, 0 when there are no more, -1 when
 * out of memory.
 */
struct quest_def;
long	demo_responses_json(struct demo *, const struct quest_def *def,
	    size_t k, size_t max, struct buf *out);

/* Totals so far, for the summary. */
struct demo_stats {
	long long	clients;
	long long	trajecten;	/* start rows (incl. resumed starts) */
	long long	score_rows;	/* measurements kept for upload */
	long long	responses;	/* responses kept for upload */
	long long	msgs[DEMO__NMSG];
};

void	demo_stats(const struct demo *, struct demo_stats *);

#endif
