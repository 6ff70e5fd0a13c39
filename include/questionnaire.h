/*
 * Questionnaire (CEM+) definitions.
 *
 * The items of the client-experience questionnaire are set by the region
 * and change between versions, so they are data: one JSON file per version
 * in config/questionnaires/, loaded and validated here at start-up. Nothing
 * about a particular questionnaire is known to the C code; the parser
 * (parse_cem.c) and the indicators only see the structures below.
 *
 * A definition has an id ("cem-plus-2026"), a title and, per respondent
 * type (jeugdige, ouder), up to QUEST_MAX_ITEMS items. An item has a code,
 * its Dutch text, a type, whether it is required, optionally which answers
 * count as positive, and optionally a role: the rapportcijfer, or the
 * "kan zonder hulp verder" question (NJi criterion 3.1).
 *
 * Validation is strict, as for the configuration: unknown or repeated keys,
 * unknown types, empty or inverted ranges and roles on the wrong type are
 * errors whose message names the file and the JSON path.
 */
#ifndef SORTTP_QUESTIONNAIRE_H
#define SORTTP_QUESTIONNAIRE_H

#include <stddef.h>
#include <stdint.h>

#define QUEST_MAX_ITEMS		64	/* items per respondent type */
#define QUEST_MAX_DEFS		16	/* definitions loaded at once */
#define QUEST_CODE_MAX		32	/* bytes of an item code, [a-z0-9_] */
#define QUEST_ID_MAX		64	/* bytes of a definition id */
#define QUEST_TITLE_MAX		256	/* bytes of a title, with the NUL */
#define QUEST_TEXT_MAX		512	/* bytes of an item text, with the NUL */
#define QUEST_NOTE_MAX		8192	/* bytes of "toelichting"/"omschrijving" */
#define QUEST_FILE_MAX		(1024 * 1024)	/* bytes of one definition */
#define QUEST_NAME_MAX		256	/* file name kept for messages */
#define QUEST_HASH_SIZE		128	/* code lookup slots, 2 * MAX_ITEMS */

/*
 * Bounds of a schaal. Answers are kept in a signed char with -1 meaning
 * "not answered", so a scale may not go below 0 (the parser's records
 * would be ambiguous) and stays small.
 */
#define QUEST_SCHAAL_MIN	0
#define QUEST_SCHAAL_MAX	100
#define QUEST_CIJFER_MIN	1
#define QUEST_CIJFER_MAX	10

enum quest_respondent {
	QUEST_JEUGDIGE = 0,	/* "jeugdige": the young person (12+) */
	QUEST_OUDER,		/* "ouder": parent or carer */
	QUEST__NRESPONDENTS
};

enum quest_type {
	QUEST_SCHAAL = 0,	/* integer min..max (statements, 1..5) */
	QUEST_CIJFER,		/* rapportcijfer, integer 1..10 */
	QUEST_JANEE,		/* "ja" / "nee", kept as 1 / 0 */
	QUEST_OPEN		/* free text, never kept: only answered or not */
};

enum quest_role {
	QUEST_ROLE_NONE = 0,
	QUEST_ROLE_RAPPORTCIJFER,	/* must be a cijfer item */
	QUEST_ROLE_ZONDER_HULP		/* must be a janee item (NJi 3.1) */
};

struct quest_item {
	char		 code[QUEST_CODE_MAX + 1];
	size_t		 codelen;
	uint32_t	 hash;			/* of code, for the lookup */
	char		 tekst[QUEST_TEXT_MAX];
	enum quest_type	 type;
	/*
	 * The range of a kept value: schaal as defined, cijfer 1..10,
	 * janee 0 (nee) ..1 (ja), open 1..1 (answered).
	 */
	int		 min;
	int		 max;
	int		 verplicht;
	/*
	 * A value v counts as positive when pos_min <= v <= pos_max;
	 * has_positief is 0 when the item does not count at all (open items,
	 * and items without a "positief" rule).
	 */
	int		 has_positief;
	int		 pos_min;
	int		 pos_max;
	enum quest_role	 role;
};

/* The items for one respondent type. */
struct quest_variant {
	int			present;	/* defined in this version */
	struct quest_item	items[QUEST_MAX_ITEMS];
	size_t			nitems;
	size_t			nverplicht;	/* required items */
	int			rapportcijfer;	/* item index, -1 when none */
	int			zonder_hulp;	/* item index, -1 when none */
	uint8_t			slots[QUEST_HASH_SIZE];	/* index + 1, 0 free */
};

struct quest_def {
	char			id[QUEST_ID_MAX + 1];
	char			titel[QUEST_TITLE_MAX];
	char			source[QUEST_NAME_MAX];	/* file, for messages */
	struct quest_variant	variant[QUEST__NRESPONDENTS];
};

/*
 * A set of definitions; a zeroed struct is an empty set. It is large
 * (about 1.2 MB), so allocate it statically or on the heap.
 */
struct quest_set {
	struct quest_def	defs[QUEST_MAX_DEFS];
	size_t			ndefs;
};

/*
 * Loads every regular file whose name ends in ".json" (not starting with
 * a dot) in dir, in byte order of their names, into a new set that
 * replaces *out only when all of them are valid: a failed reload leaves
 * the running set as it was. A folder without definitions is an error.
 * Returns 0, or -1 with "<file>: <json path>: <reason>" in err.
 */
int	quest_load_dir(const char *dir, struct quest_set *out, char *err,
	    size_t errlen);

/*
 * Validates one definition of len bytes (need not be NUL-terminated) and
 * adds it to *set. name labels messages (a file name, or "(embedded) x").
 * An id already in the set is an error. On error *set is unchanged.
 */
int	quest_load_buffer(const char *name, const char *json, size_t len,
	    struct quest_set *set, char *err, size_t errlen);

/* The definition with this id, or NULL; *index is set when not NULL. */
const struct quest_def *quest_find(const struct quest_set *, const char *id,
	    size_t *index);

/*
 * The index of the item with this NUL-terminated code in v, or -1. A hash
 * lookup: a few byte compares per answer, whatever the number of items.
 */
int	quest_item_find(const struct quest_variant *v, const char *code);

/*
 * 1 when value counts as positive for item, 0 when it does not, -1 when
 * the item has no positive rule or value is -1 (not answered).
 */
int	quest_item_positive(const struct quest_item *, int value);

/* "jeugdige" / "ouder"; and back (-1 when unknown). */
const char *quest_respondent_name(enum quest_respondent);
int	quest_respondent_parse(const char *, enum quest_respondent *);

/* "schaal", "cijfer", "janee", "open". */
const char *quest_type_name(enum quest_type);

struct config;

/*
 * The definitions a configuration names: the embedded questionnaires/
 * files with the embedded default, else every *.json in the folder
 * cfg->questionnaires. Returns 0, or -1 with a message in err.
 */
int	quest_load_config(const struct config *, struct quest_set *,
	    char *err, size_t errlen);

#endif
