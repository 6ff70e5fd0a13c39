/*
 * Configuration and reference data.
 *
 * One JSON file (config/sorttp.json) names the listen address, TLS files, the
 * disclosure threshold k, the log level, every limit, and the reference data
 * files (gemeenten and clusters with the retired-code mapping). The defaults
 * in config/ are compiled into the binary; `--config FILE` replaces them, and
 * relative reference paths then resolve against FILE's directory. Reference
 * data is data, never code: gemeenten merge and clusters change.
 *
 * Every limit is a named constant with a bounded override: a value outside
 * its [min, max] is a configuration error, never silently clamped.
 */
#ifndef SORTTP_CONFIG_H
#define SORTTP_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

#define CFG_FILE_MAX		(1024 * 1024)	/* bytes of one config file */
#define CFG_MAX_CLUSTERS	64		/* the 42 jeugdregio's fit */
#define CFG_MAX_GEMEENTEN	512		/* all 342 gemeenten fit */
#define CFG_MAX_RETIRED		128
#define CFG_MAX_AANBIEDERS	1024		/* names in reference.aanbieders */
#define CFG_MAX_GEBIEDEN	512		/* areas in reference.gebieden */
#define CFG_MAX_PC_RANGES	2048		/* their postcode ranges */
#define CFG_NAME_MAX		64		/* cluster/gemeente names */
#define CFG_LISTEN_MAX		128
#define CFG_PATH_MAX		1024
#define CFG_USER_MAX		64		/* a login name */

/*
 * The default TLS profile: NCSC-NL "ICT-beveiligingsrichtlijnen voor TLS"
 * (2025), good and sufficient settings only. TLS 1.3, and TLS 1.2 with
 * ECDHE and AEAD suites (AES-GCM, ChaCha20-Poly1305); groups X25519,
 * secp256r1, secp384r1; no SHA-1 (or SHA-224) signatures; no static RSA,
 * no DHE, no CBC. A GnuTLS priority string, overridable as tls.priorities.
 */
#define CFG_TLS_PRIORITIES_DEFAULT					\
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"			\
	"-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:"	\
	"-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"		\
	"-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:"	\
	"-SIGN-ALL:+SIGN-ECDSA-SECP256R1-SHA256:"			\
	"+SIGN-ECDSA-SECP384R1-SHA384:+SIGN-ECDSA-SECP521R1-SHA512:"	\
	"+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SHA384:+SIGN-ECDSA-SHA512:"	\
	"+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-RSA-PSS-RSAE-SHA384:"		\
	"+SIGN-RSA-PSS-RSAE-SHA512:+SIGN-RSA-PSS-SHA256:"		\
	"+SIGN-RSA-PSS-SHA384:+SIGN-RSA-PSS-SHA512:+SIGN-RSA-SHA256:"	\
	"+SIGN-RSA-SHA384:+SIGN-RSA-SHA512:+SIGN-EDDSA-ED25519:"	\
	"+SIGN-EDDSA-ED448:%SERVER_PRECEDENCE"

/* What the seccomp filter does with a system call not on its list. */
enum cfg_seccomp {
	CFG_SECCOMP_KILL = 0,		/* the default: the process dies */
	CFG_SECCOMP_LOG			/* debugging: logged by the kernel */
};

/* How aggregates are protected (issue #11; docs/indicators.md 9, 9a). */
enum cfg_disclosure {
	CFG_DISCLOSURE_SUPPRESSION = 0,	/* the default: withhold small cells */
	CFG_DISCLOSURE_CELLKEY		/* perturb every count (cellkey.h) */
};

/*
 * "publicatie": the finest period published for one aanbieder's figures at
 * each level of geography (issue #15, docs/indicators.md 11). The values
 * are the period types of indicators.h (0 month, 1 quarter, 2 year), or
 * CFG_PUB_NONE: that level has no cells of one aanbieder at all. The
 * default is every period at every level.
 */
enum cfg_pub_level {
	CFG_PUB_GEMEENTE = 0,	/* one aanbieder in one gemeente */
	CFG_PUB_CLUSTER,	/* one aanbieder in one cluster */
	CFG_PUB_REGIO,		/* one aanbieder in the whole regio */
	CFG_PUB__NLEVELS
};
#define CFG_PUB_NONE	3

/*
 * The limits. The table in config.c gives each its JSON name under
 * "limits", its default and its bounds; ingest and indicator modules add
 * theirs here and there.
 */
enum cfg_limit {
	LIMIT_K,			/* disclosure threshold, never below 5 */
	LIMIT_CONN_TIMEOUT_S,		/* idle connection timeout */
	LIMIT_CONN_MAX,			/* connections in total */
	LIMIT_CONN_PER_IP,		/* connections per client address */
	LIMIT_SHUTDOWN_GRACE_S,		/* wait for in-flight requests on stop */
	LIMIT_BODY_SCORES,		/* bytes of one POST /v1/scores body */
	LIMIT_ROWS_SCORES,		/* data rows of one scores upload */
	LIMIT_BODY_QUESTIONNAIRES,	/* bytes of one POST /v1/questionnaires */
	LIMIT_BODY_MESSAGES,		/* bytes of one POST /v1/messages */
	LIMIT_ERRORS_MAX,		/* errors listed in one 422 answer */
	LIMIT_HERINSTROOM_MONTHS,	/* window for a new start after an end */
	LIMIT_IND_REFRESH_S,		/* indicator data may lag this much */
	LIMIT_IND_MONTHS_MAX,		/* months one indicator query spans */
	LIMIT_IND_CACHE,		/* indicator answers kept for reuse */
	LIMIT_HEADER_TIMEOUT_S,		/* accept to complete request headers */
	LIMIT_BODY_GRACE_S,		/* before the body rate rule applies */
	LIMIT_BODY_RATE_MIN,		/* bytes/s a body must average */
	LIMIT_BODY_MEMORY,		/* bytes of bodies held whole, in total */
	LIMIT_READY_LOCK_MS,		/* /readyz: longest wait for the lock */
	LIMIT_READY_FAIL_S,		/* /readyz: a failed write counts this long */
	LIMIT_BODY_MESSAGE_BATCH,	/* bytes of one multipart message batch */
	LIMIT_PARTS_MESSAGES,		/* messages (parts) in one batch */
	LIMIT_REPORT_DAY,		/* day of the month of the report run */
	LIMIT_REPORT_RETENTION_DAYS,	/* reports are kept this long */
	LIMIT_RETENTION_DETAIL_MONTHS,	/* bewaartermijn of detail records */
	LIMIT_RETENTION_RECEIPTS_MONTHS, /* ... of upload receipts */
	LIMIT_RETENTION_AUDIT_MONTHS,	/* ... of the audit trail */
	LIMIT_SESSION_IDLE_S,		/* a browser session ends unused */
	LIMIT_SESSION_MAX_AGE_S,	/* a browser session ends anyway */
	LIMIT_SESSIONS_MAX,		/* browser sessions at once */
	LIMIT_KEY_OVERLAP_MONTHS,	/* key rotation: both keys in use */
	LIMIT_CEM_DAYS_BEFORE,		/* aanlevering: CEM+ before the end */
	LIMIT_CEM_DAYS_AFTER,		/* ... and after it */
	LIMIT_UITVAL_VOORLOPIG_MONTHS,	/* uitval stays voorlopig this long */
	LIMIT__COUNT
};

struct cfg_limit_def {
	const char	*name;		/* key under "limits" (k is top level) */
	long long	 def;
	long long	 min;
	long long	 max;
};

/* The table of limit definitions, indexed by enum cfg_limit. */
extern const struct cfg_limit_def config_limit_defs[LIMIT__COUNT];

struct cfg_cluster {
	char		 name[CFG_NAME_MAX];
};

struct cfg_gemeente {
	char		 code[5];		/* 4-digit CBS code, "0363" */
	char		 naam[CFG_NAME_MAX];
	size_t		 cluster;		/* index into clusters[] */
};

struct cfg_retired {
	char		 code[5];		/* retired code, "0457" */
	char		 naam[CFG_NAME_MAX];	/* "Weesp" */
	char		 nieuw[5];		/* current code, "0363" */
	char		 sinds[11];		/* "2022-03-24" */
};

/* A display name per AGB code (reference.aanbieders; issue #13). */
struct cfg_aanbieder {
	char		 agb[9];		/* 8 digits */
	char		 naam[CFG_NAME_MAX];
};

/*
 * A named area of a gemeente (reference.gebieden; gebied.h): the 4-digit
 * postcodes ranges[r0 .. r0 + nr) of cfg_refdata.pc_lo/pc_hi.
 */
struct cfg_gebied {
	size_t		 gemeente;		/* index into gemeenten[] */
	int		 nummer;		/* 1..99 within the gemeente */
	char		 naam[CFG_NAME_MAX];
	uint16_t	 r0, nr;
};

struct cfg_refdata {
	struct cfg_cluster	clusters[CFG_MAX_CLUSTERS];
	size_t			nclusters;
	struct cfg_gemeente	gemeenten[CFG_MAX_GEMEENTEN];
	size_t			ngemeenten;
	struct cfg_retired	retired[CFG_MAX_RETIRED];
	size_t			nretired;
	struct cfg_aanbieder	aanbieders[CFG_MAX_AANBIEDERS];
	size_t			naanbieders;
	struct cfg_gebied	gebieden[CFG_MAX_GEBIEDEN];
	size_t			ngebieden;
	uint16_t		pc_lo[CFG_MAX_PC_RANGES];
	uint16_t		pc_hi[CFG_MAX_PC_RANGES];
	size_t			npc;
};

struct config {
	char		 source[CFG_PATH_MAX];	/* file path, or "(embedded)" */
	char		 listen[CFG_LISTEN_MAX];/* "ADDR:PORT" */
	char		 tls_cert[CFG_PATH_MAX];/* relative to the data folder */
	char		 tls_key[CFG_PATH_MAX];	/* unless absolute */
	char		 tls_client_ca[CFG_PATH_MAX]; /* "" = no client certs */
	enum log_level	 log_level;
	long long	 limits[LIMIT__COUNT];
	struct cfg_refdata ref;
	/*
	 * The folder of questionnaire definitions (reference.questionnaires),
	 * resolved like the other reference paths; with the embedded default
	 * it is "", and the embedded questionnaires/ files are used.
	 */
	char		 questionnaires[CFG_PATH_MAX];
	/* GnuTLS priority string (tls.priorities), checked at load time. */
	char		 tls_priorities[CFG_PATH_MAX];
	/*
	 * The pseudonymisation key (key_file), absolute or relative to the
	 * data folder; "" means DATA/sorttp.key. $CREDENTIALS_DIRECTORY/
	 * sorttp-key, when present, wins over both.
	 */
	char		 key_file[CFG_PATH_MAX];
	int		 production;	/* refuse a key inside the data folder */
	char		 user[CFG_USER_MAX]; /* serve drops to it; "" = sorttp */
	enum cfg_seccomp seccomp;
	/*
	 * "disclosure" and the "cellkey" block: the maximum deviation D, the
	 * variance V and js (counts 1..js never published), checked at load
	 * time by ck_check.
	 */
	enum cfg_disclosure disclosure;
	long long	 ck_max_deviation;
	double		 ck_variance;
	long long	 ck_js;
	int		 pub_aanbieder[CFG_PUB__NLEVELS]; /* "publicatie" */
};

/*
 * Loads path, or the embedded default when path is NULL, and every
 * reference file it names, and validates all of it. Returns 0, or -1 with
 * a clear English message in err (file, JSON path and reason) and *cfg
 * left as it was.
 */
int	config_load(const char *path, struct config *cfg, char *err,
	    size_t errlen);

long long config_limit(const struct config *, enum cfg_limit);

/*
 * Looks up a 4-digit gemeentecode (exactly 4 bytes at code). A retired code
 * resolves to its successor and sets *retired to 1. Returns NULL for a code
 * that is neither current nor retired.
 */
const struct cfg_gemeente *config_gemeente(const struct config *,
	    const char *code, int *retired);

/* The display name of an AGB code, or NULL when the reference has none. */
const char *config_aanbieder_naam(const struct config *, int agb);

/* A cluster by its exact, case-sensitive name; NULL when unknown. */
const struct cfg_cluster *config_cluster(const struct config *,
	    const char *name);

/*
 * Splits "ADDR:PORT" or "[V6ADDR]:PORT" into host (without the brackets)
 * and port (0..65535). Returns 0, or -1 when malformed or when the host
 * does not fit in hostlen.
 */
int	config_parse_listen(const char *listen, char *host, size_t hostlen,
	    unsigned *port);

#endif
