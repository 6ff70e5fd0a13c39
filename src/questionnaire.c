/*
 * Questionnaire (CEM+) definitions: loading and validation.
 *
 * A definition is configuration, written by an operator for a region, so it
 * is checked as strictly as config.c checks the main file: unknown or
 * repeated keys, values of the wrong type, unknown item types, empty or
 * inverted ranges, positive rules that do not fit the type, and a second
 * rapportcijfer or "zonder hulp verder" item are all errors, each reported
 * with the file, the JSON path and the reason. A mistake found at start-up
 * costs a minute; one found in the indicators after a year of data costs
 * the year.
 *
 * Every load goes into a scratch copy first, so a failed reload leaves the
 * set in use as it was.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "embedded.h"
#include "json_read.h"
#include "questionnaire.h"
#include "util.h"

#define Q_SHOW_MAX	48	/* bytes of a value shown in a message */
#define Q_SUFFIX	".json"
/* Strings of a definition: not empty, no control characters. */
#define Q_STRING	(JSON_NONEMPTY | JSON_NOCONTROL)

static const char *const q_respondents[QUEST__NRESPONDENTS] = {
	[QUEST_JEUGDIGE] = "jeugdige",
	[QUEST_OUDER] = "ouder",
};

static const char *const q_types[] = {
	[QUEST_SCHAAL] = "schaal",
	[QUEST_CIJFER] = "cijfer",
	[QUEST_JANEE] = "janee",
	[QUEST_OPEN] = "open",
};

static const char *const q_def_keys[] = {
	"id", "titel", "toelichting", "respondenten", NULL
};
static const char *const q_variant_keys[] = {
	"omschrijving", "items", NULL
};
static const char *const q_item_keys[] = {
	"code", "tekst", "type", "min", "max", "verplicht", "positief",
	"rol", NULL
};
static const char *const q_pos_keys[] = { "vanaf", "tot_en_met", NULL };

static uint32_t
q_hash(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* 1 when s is an item code: [a-z0-9_]{1,QUEST_CODE_MAX}. */
static int
q_valid_code(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= QUEST_CODE_MAX)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	}
	return i > 0;
}

/*
 * 1 when s is a definition id: 1..QUEST_ID_MAX of [a-z0-9._-], starting
 * with a letter or digit. Ids appear in URLs, file names and answers.
 */
static int
q_valid_id(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= QUEST_ID_MAX)
			return 0;
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i == 0 || (s[i] != '-' && s[i] != '_' && s[i] != '.'))
			return 0;
	}
	return i > 0;
}

/* The item's type, and min/max, which only a schaal states. */
static int
q_item_type(struct jerr *e, const cJSON *obj, const char *path,
    struct quest_item *it)
{
	const char	*s;
	char		 p[JERR_PATH_MAX], show[Q_SHOW_MAX];
	size_t		 i;
	int		 hasmin, hasmax;

	if (json_string(e, obj, path, "type", JSON_REQUIRED | Q_STRING,
	    Q_SHOW_MAX, &s) == -1)
		return -1;
	for (i = 0; i < ARRAY_LEN(q_types); i++)
		if (strcmp(s, q_types[i]) == 0)
			break;
	jerr_path(p, sizeof(p), path, "type");
	if (i == ARRAY_LEN(q_types))
		return jerr_fail(e, p, "unknown type \"%s\" (schaal, cijfer, "
		    "janee or open)", jerr_clean(show, sizeof(show), s));
	it->type = (enum quest_type)i;
	if (json_int(e, obj, path, "min", QUEST_SCHAAL_MIN, QUEST_SCHAAL_MAX,
	    &it->min, &hasmin) == -1 ||
	    json_int(e, obj, path, "max", QUEST_SCHAAL_MIN, QUEST_SCHAAL_MAX,
	    &it->max, &hasmax) == -1)
		return -1;
	if (it->type != QUEST_SCHAAL) {
		if (hasmin || hasmax) {
			jerr_path(p, sizeof(p), path, hasmin ? "min" : "max");
			return jerr_fail(e, p, "only a schaal has min and max "
			    "(a cijfer is always %d..%d)", QUEST_CIJFER_MIN,
			    QUEST_CIJFER_MAX);
		}
		it->min = it->type == QUEST_CIJFER ? QUEST_CIJFER_MIN :
		    it->type == QUEST_JANEE ? 0 : 1;
		it->max = it->type == QUEST_CIJFER ? QUEST_CIJFER_MAX : 1;
		return 0;
	}
	if (!hasmin || !hasmax) {
		jerr_path(p, sizeof(p), path, hasmin ? "max" : "min");
		return jerr_fail(e, p, "missing (a schaal needs min and max)");
	}
	if (it->min >= it->max) {
		jerr_path(p, sizeof(p), path, "max");
		return jerr_fail(e, p,
		    "must be greater than min (%d)", it->min);
	}
	return 0;
}

/*
 * Which answers count as positive. A janee item names the answer ("ja"
 * or "nee"); a schaal or cijfer gives {"vanaf": n} and/or
 * {"tot_en_met": m} inside its range, so a negatively worded statement
 * can count its low end. An open item has no positive answers.
 */
static int
q_item_positive(struct jerr *e, const cJSON *obj, const char *path,
    struct quest_item *it)
{
	const cJSON	*v;
	char		 p[JERR_PATH_MAX];
	int		 hasfrom, hasto;

	it->has_positief = 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "positief")) == NULL)
		return 0;
	jerr_path(p, sizeof(p), path, "positief");
	switch (it->type) {
	case QUEST_OPEN:
		return jerr_fail(e, p, "an open item has no positive answers");
	case QUEST_JANEE:
		if (!cJSON_IsString(v) || (strcmp(v->valuestring, "ja") != 0 &&
		    strcmp(v->valuestring, "nee") != 0))
			return jerr_fail(e, p, "a janee item takes \"ja\" or "
			    "\"nee\" here");
		it->pos_min = it->pos_max = v->valuestring[0] == 'j';
		break;
	case QUEST_SCHAAL:
	case QUEST_CIJFER:
		if (!cJSON_IsObject(v))
			return jerr_fail(e, p,
			    "expected an object with \"vanaf\""
			    " and/or \"tot_en_met\", got %s", jerr_type(v));
		if (json_keys(e, v, p, q_pos_keys) == -1 ||
		    json_int(e, v, p, "vanaf", it->min, it->max, &it->pos_min,
		    &hasfrom) == -1 ||
		    json_int(e, v, p, "tot_en_met", it->min, it->max,
		    &it->pos_max, &hasto) == -1)
			return -1;
		if (!hasfrom && !hasto)
			return jerr_fail(e, p, "needs \"vanaf\" and/or "
			    "\"tot_en_met\"");
		if (!hasfrom)
			it->pos_min = it->min;
		if (!hasto)
			it->pos_max = it->max;
		if (it->pos_min > it->pos_max)
			return jerr_fail(e, p,
			    "\"vanaf\" is above \"tot_en_met\"");
		break;
	}
	it->has_positief = 1;
	return 0;
}

static int
q_item_role(struct jerr *e, const cJSON *obj, const char *path,
    struct quest_item *it)
{
	const char	*s;
	char		 p[JERR_PATH_MAX], show[Q_SHOW_MAX];

	it->role = QUEST_ROLE_NONE;
	if (json_string(e, obj, path, "rol", Q_STRING, Q_SHOW_MAX, &s) == -1)
		return -1;
	if (s == NULL)
		return 0;
	jerr_path(p, sizeof(p), path, "rol");
	if (strcmp(s, "rapportcijfer") == 0) {
		if (it->type != QUEST_CIJFER)
			return jerr_fail(e, p, "the rapportcijfer must be a "
			    "cijfer item");
		it->role = QUEST_ROLE_RAPPORTCIJFER;
	} else if (strcmp(s, "zonder_hulp_verder") == 0) {
		if (it->type != QUEST_JANEE)
			return jerr_fail(e, p, "zonder_hulp_verder must be a "
			    "janee item");
		it->role = QUEST_ROLE_ZONDER_HULP;
	} else
		return jerr_fail(e, p, "unknown role \"%s\" (rapportcijfer or "
		    "zonder_hulp_verder)", jerr_clean(show, sizeof(show), s));
	return 0;
}

static int
q_parse_item(struct jerr *e, const cJSON *obj, const char *path,
    struct quest_item *it)
{
	const cJSON	*v;
	const char	*s;
	char		 p[JERR_PATH_MAX], show[Q_SHOW_MAX];

	if (!cJSON_IsObject(obj))
		return jerr_fail(e, path, "expected an object, got %s",
		    jerr_type(obj));
	if (json_keys(e, obj, path, q_item_keys) == -1 ||
	    json_string(e, obj, path, "code", JSON_REQUIRED | Q_STRING,
	    QUEST_CODE_MAX + 1, &s) == -1)
		return -1;
	if (!q_valid_code(s)) {
		jerr_path(p, sizeof(p), path, "code");
		return jerr_fail(e, p, "\"%s\" is not a code of 1..%d of "
		    "[a-z0-9_]", jerr_clean(show, sizeof(show), s),
		    QUEST_CODE_MAX);
	}
	it->codelen = strlen(s);
	memcpy(it->code, s, it->codelen + 1);
	it->hash = q_hash(it->code, it->codelen);
	if (json_string(e, obj, path, "tekst", JSON_REQUIRED | Q_STRING,
	    QUEST_TEXT_MAX, &s) == -1)
		return -1;
	memcpy(it->tekst, s, strlen(s) + 1);
	jerr_path(p, sizeof(p), path, "verplicht");
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "verplicht")) == NULL)
		return jerr_fail(e, p, "missing (true or false)");
	if (!cJSON_IsBool(v))
		return jerr_fail(e, p, "expected true or false, got %s",
		    jerr_type(v));
	it->verplicht = cJSON_IsTrue(v);
	if (q_item_type(e, obj, path, it) == -1 ||
	    q_item_positive(e, obj, path, it) == -1 ||
	    q_item_role(e, obj, path, it) == -1)
		return -1;
	return 0;
}

/* Puts item i into the code lookup table; codes were checked unique. */
static void
q_slot_add(struct quest_variant *v, size_t i)
{
	size_t	s = v->items[i].hash & (QUEST_HASH_SIZE - 1);

	while (v->slots[s] != 0)
		s = (s + 1) & (QUEST_HASH_SIZE - 1);
	v->slots[s] = (uint8_t)(i + 1);
}

static int
q_parse_variant(struct jerr *e, const cJSON *obj, const char *path,
    struct quest_variant *v)
{
	const cJSON		*items, *c;
	struct quest_item	*it;
	const char		*s;
	char			 p[JERR_PATH_MAX], ip[JERR_PATH_MAX];
	size_t			 i, j;
	int			 n;

	if (!cJSON_IsObject(obj))
		return jerr_fail(e, path, "expected an object, got %s",
		    jerr_type(obj));
	if (json_keys(e, obj, path, q_variant_keys) == -1 ||
	    json_string(e, obj, path, "omschrijving", Q_STRING,
	    QUEST_NOTE_MAX, &s) == -1)
		return -1;
	jerr_path(p, sizeof(p), path, "items");
	if ((items = cJSON_GetObjectItemCaseSensitive(obj, "items")) == NULL)
		return jerr_fail(e, p, "missing");
	if (!cJSON_IsArray(items))
		return jerr_fail(e, p,
		    "expected an array, got %s", jerr_type(items));
	n = cJSON_GetArraySize(items);
	if (n == 0)
		return jerr_fail(e, p, "must not be empty");
	if (n > QUEST_MAX_ITEMS)
		return jerr_fail(e, p, "%d items, at most %d allowed", n,
		    QUEST_MAX_ITEMS);
	v->present = 1;
	v->rapportcijfer = v->zonder_hulp = -1;
	i = 0;
	cJSON_ArrayForEach(c, items) {
		it = &v->items[i];
		jerr_index(ip, sizeof(ip), p, NULL, i);
		if (q_parse_item(e, c, ip, it) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(v->items[j].code, it->code) == 0)
				return jerr_fail(e, ip,
				    "code \"%s\" also used by "
				    "item %zu", it->code, j);
		if (it->role == QUEST_ROLE_RAPPORTCIJFER) {
			if (v->rapportcijfer != -1)
				return jerr_fail(e, ip,
				    "a second rapportcijfer "
				    "(item %d is one)", v->rapportcijfer);
			v->rapportcijfer = (int)i;
		} else if (it->role == QUEST_ROLE_ZONDER_HULP) {
			if (v->zonder_hulp != -1)
				return jerr_fail(e, ip, "a second "
				    "zonder_hulp_verder item (item %d is one)",
				    v->zonder_hulp);
			v->zonder_hulp = (int)i;
		}
		v->nverplicht += it->verplicht != 0;
		q_slot_add(v, i);
		v->nitems = ++i;
	}
	return 0;
}

static int
q_parse_def(struct jerr *e, const cJSON *root, struct quest_def *def)
{
	const cJSON	*resp, *c;
	const char	*s;
	char		 p[JERR_PATH_MAX], show[Q_SHOW_MAX];
	size_t		 r;

	if (!cJSON_IsObject(root))
		return jerr_fail(e, NULL, "expected an object, got %s",
		    jerr_type(root));
	if (json_keys(e, root, "", q_def_keys) == -1 ||
	    json_string(e, root, "", "id", JSON_REQUIRED | Q_STRING,
	    QUEST_ID_MAX + 1, &s) == -1)
		return -1;
	if (!q_valid_id(s))
		return jerr_fail(e, "id", "\"%s\" is not an id of 1..%d of "
		    "[a-z0-9._-] starting with a letter or digit",
		    jerr_clean(show, sizeof(show), s), QUEST_ID_MAX);
	memcpy(def->id, s, strlen(s) + 1);
	if (json_string(e, root, "", "titel", JSON_REQUIRED | Q_STRING,
	    QUEST_TITLE_MAX, &s) == -1)
		return -1;
	memcpy(def->titel, s, strlen(s) + 1);
	if (json_string(e, root, "", "toelichting", Q_STRING,
	    QUEST_NOTE_MAX, &s) == -1)
		return -1;
	if ((resp = cJSON_GetObjectItemCaseSensitive(root, "respondenten")) ==
	    NULL)
		return jerr_fail(e, "respondenten", "missing");
	if (!cJSON_IsObject(resp))
		return jerr_fail(e, "respondenten",
		    "expected an object, got %s",
		    jerr_type(resp));
	if (resp->child == NULL)
		return jerr_fail(e, "respondenten", "needs \"jeugdige\" and/or "
		    "\"ouder\"");
	for (c = resp->child; c != NULL; c = c->next) {
		jerr_path(p, sizeof(p), "respondenten",
		    jerr_clean(show, sizeof(show), c->string));
		for (r = 0; r < QUEST__NRESPONDENTS; r++)
			if (strcmp(c->string, q_respondents[r]) == 0)
				break;
		if (r == QUEST__NRESPONDENTS)
			return jerr_fail(e, p, "unknown respondent type "
			    "(jeugdige or ouder)");
		if (q_parse_variant(e, c, p, &def->variant[r]) == -1)
			return -1;
	}
	return 0;
}

int
quest_load_buffer(const char *name, const char *json, size_t len,
    struct quest_set *set, char *err, size_t errlen)
{
	struct quest_def	*def = NULL;
	struct jerr		 e;
	cJSON			*root = NULL;
	size_t			 i;
	int			 rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	e.file = name != NULL ? name : "(questionnaire)";
	e.buf = err;
	e.len = err != NULL ? errlen : 0;
	if (set->ndefs >= QUEST_MAX_DEFS) {
		jerr_fail(&e, NULL, "more than %d questionnaire definitions",
		    QUEST_MAX_DEFS);
		goto fail;
	}
	if (len > QUEST_FILE_MAX) {
		jerr_fail(&e, NULL, "larger than %d bytes", QUEST_FILE_MAX);
		goto fail;
	}
	if (json_parse(&e, json, len, 0, &root) == -1)
		goto fail;
	if ((def = calloc(1, sizeof(*def))) == NULL) {
		jerr_fail(&e, NULL, "%s", strerror(errno));
		goto fail;
	}
	(void)jerr_copy(def->source, sizeof(def->source), e.file);
	if (q_parse_def(&e, root, def) == -1)
		goto fail;
	for (i = 0; i < set->ndefs; i++)
		if (strcmp(set->defs[i].id, def->id) == 0) {
			jerr_fail(&e, "id", "\"%s\" is already defined in %s",
			    def->id, set->defs[i].source);
			goto fail;
		}
	set->defs[set->ndefs++] = *def;
	rc = 0;
fail:
	cJSON_Delete(root);
	free(def);
	return rc;
}

static int
q_cmp_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * The names of the definition files in dir, sorted, at most
 * QUEST_MAX_DEFS of them: a folder with more is refused rather than
 * loaded in part.
 */
static int
q_list_dir(struct jerr *e, const char *dir,
    char names[QUEST_MAX_DEFS][QUEST_NAME_MAX], size_t *count)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, len, sl = sizeof(Q_SUFFIX) - 1;
	int		 rc = -1;

	if ((d = opendir(dir)) == NULL)
		return jerr_fail(e, NULL, "cannot open folder: %s",
		    strerror(errno));
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				jerr_fail(e, NULL, "cannot read folder: %s",
				    strerror(errno));
				goto fail;
			}
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sl ||
		    strcmp(de->d_name + len - sl, Q_SUFFIX) != 0)
			continue;
		if (n == QUEST_MAX_DEFS) {
			jerr_fail(e, NULL, "more than %d questionnaire "
			    "definitions", QUEST_MAX_DEFS);
			goto fail;
		}
		if (jerr_copy(names[n], QUEST_NAME_MAX, de->d_name) == -1) {
			jerr_fail(e, NULL,
			    "a file name is longer than %d bytes",
			    QUEST_NAME_MAX - 1);
			goto fail;
		}
		n++;
	}
	if (n == 0) {
		jerr_fail(e, NULL, "no questionnaire definitions (*.json)");
		goto fail;
	}
	qsort(names, n, QUEST_NAME_MAX, q_cmp_names);
	*count = n;
	rc = 0;
fail:
	(void)closedir(d);
	return rc;
}

int
quest_load_dir(const char *dir, struct quest_set *out, char *err,
    size_t errlen)
{
	struct quest_set	*tmp = NULL;
	struct jerr		 e;
	char			 names[QUEST_MAX_DEFS][QUEST_NAME_MAX];
	char			 path[QUEST_NAME_MAX * 2], *data = NULL;
	size_t			 i, n = 0, len;
	int			 rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	e.file = dir;
	e.buf = err;
	e.len = err != NULL ? errlen : 0;
	if (q_list_dir(&e, dir, names, &n) == -1)
		goto fail;
	if ((tmp = calloc(1, sizeof(*tmp))) == NULL) {
		jerr_fail(&e, NULL, "%s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (util_path_join(path, sizeof(path), dir, names[i]) == -1) {
			jerr_fail(&e, names[i], "path too long");
			goto fail;
		}
		e.file = path;
		if (json_read_file(&e, path, QUEST_FILE_MAX, &data, &len) ==
		    -1)
			goto fail;
		if (quest_load_buffer(path, data, len, tmp, err, errlen) == -1)
			goto fail;
		free(data);
		data = NULL;
	}
	memcpy(out, tmp, sizeof(*out));
	rc = 0;
fail:
	free(data);
	free(tmp);
	return rc;
}

const struct quest_def *
quest_find(const struct quest_set *set, const char *id, size_t *index)
{
	size_t	i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < set->ndefs; i++)
		if (strcmp(set->defs[i].id, id) == 0) {
			if (index != NULL)
				*index = i;
			return &set->defs[i];
		}
	return NULL;
}

int
quest_item_find(const struct quest_variant *v, const char *code)
{
	const struct quest_item	*it;
	uint32_t		 h = 2166136261u;
	size_t			 len, s;

	/* The hash of q_hash(), computed while measuring the code. */
	for (len = 0; code[len] != '\0'; len++) {
		if (len >= QUEST_CODE_MAX)
			return -1;
		h ^= (unsigned char)code[len];
		h *= 16777619u;
	}
	for (s = h & (QUEST_HASH_SIZE - 1); v->slots[s] != 0;
	    s = (s + 1) & (QUEST_HASH_SIZE - 1)) {
		it = &v->items[v->slots[s] - 1];
		if (it->hash == h && it->codelen == len &&
		    memcmp(it->code, code, len) == 0)
			return v->slots[s] - 1;
	}
	return -1;
}

int
quest_item_positive(const struct quest_item *it, int value)
{
	if (!it->has_positief || value < 0)
		return -1;
	return value >= it->pos_min && value <= it->pos_max;
}

const char *
quest_respondent_name(enum quest_respondent r)
{
	if ((size_t)r >= QUEST__NRESPONDENTS)
		return "?";
	return q_respondents[r];
}

int
quest_respondent_parse(const char *s, enum quest_respondent *out)
{
	size_t	r;

	for (r = 0; r < QUEST__NRESPONDENTS; r++)
		if (strcmp(s, q_respondents[r]) == 0) {
			*out = (enum quest_respondent)r;
			return 0;
		}
	return -1;
}

const char *
quest_type_name(enum quest_type t)
{
	if ((size_t)t >= ARRAY_LEN(q_types))
		return "?";
	return q_types[t];
}

int
quest_load_config(const struct config *cfg, struct quest_set *out, char *err,
    size_t errlen)
{
	const struct embedded_file	*f;
	char				 label[QUEST_NAME_MAX];

	if (cfg->questionnaires[0] != '\0')
		return quest_load_dir(cfg->questionnaires, out, err, errlen);
	memset(out, 0, sizeof(*out));
	for (f = embedded_files; f->name != NULL; f++) {
		if (strncmp(f->name, "questionnaires/", 15) != 0)
			continue;
		snprintf(label, sizeof(label), "(embedded) %s", f->name);
		if (quest_load_buffer(label, f->data, f->len, out, err,
		    errlen) == -1)
			return -1;
	}
	if (out->ndefs == 0) {
		snprintf(err, errlen, "no questionnaire definitions embedded");
		return -1;
	}
	return 0;
}
