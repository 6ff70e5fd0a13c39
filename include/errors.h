/*
 * Every error code sorttp can answer with, defined once. The codes are
 * public: senders' software matches on them, so a code is never renamed
 * (datum_ongeldig of the scores CSV and ongeldige_datum of CEM+ mean the
 * same and both stay). docs/errors.md lists each with its Dutch meaning,
 * and tests/unit/test_errors.c holds the two to each other; the table
 * with the same text is in errors.c.
 */
#ifndef SORTTP_ERRORS_H
#define SORTTP_ERRORS_H

#include <stddef.h>

/* http */
#define ERR_BAD_REQUEST		"bad_request"
#define ERR_UNAUTHORIZED	"unauthorized"
#define ERR_TOKEN_EXPIRED	"token_expired"
#define ERR_FORBIDDEN		"forbidden"
#define ERR_NOT_FOUND		"not_found"
#define ERR_METHOD_NOT_ALLOWED	"method_not_allowed"
#define ERR_LENGTH_REQUIRED	"length_required"
#define ERR_BODY_TOO_LARGE	"body_too_large"
#define ERR_UNSUPPORTED_MEDIA_TYPE	"unsupported_media_type"
#define ERR_INTERNAL		"internal"
#define ERR_UNAVAILABLE		"unavailable"
#define ERR_BAD_FRAMING		"bad_framing"
#define ERR_UNSUPPORTED_ENCODING	"unsupported_encoding"
#define ERR_BODY_TOO_SLOW	"body_too_slow"
#define ERR_OVERLOADED		"overloaded"
#define ERR_NOT_READY		"not_ready"
#define ERR_CSRF_ONGELDIG	"csrf_ongeldig"

/* upload */
#define ERR_VALIDATION_FAILED	"validation_failed"

/* cli */
#define ERR_UNREADABLE		"unreadable"

/* scores */
#define ERR_GEEN_CSV		"geen_csv"
#define ERR_NOT_CSV		"not_csv"
#define ERR_CSV_SYNTAXFOUT	"csv_syntaxfout"
#define ERR_REGEL_TE_LANG	"regel_te_lang"
#define ERR_TE_VEEL_KOLOMMEN	"te_veel_kolommen"
#define ERR_KOLOM_ONBEKEND	"kolom_onbekend"
#define ERR_KOLOM_DUBBEL	"kolom_dubbel"
#define ERR_KOLOM_ONTBREEKT	"kolom_ontbreekt"
#define ERR_AANTAL_VELDEN	"aantal_velden"
#define ERR_GEEN_RIJEN		"geen_rijen"
#define ERR_TE_VEEL_RIJEN	"te_veel_rijen"
#define ERR_WAARDE_ONTBREEKT	"waarde_ontbreekt"
#define ERR_DATUM_ONGELDIG	"datum_ongeldig"
#define ERR_DATUM_IN_TOEKOMST	"datum_in_toekomst"
#define ERR_GEBOORTEDATUM_NA_MEETDATUM	"geboortedatum_na_meetdatum"
#define ERR_MEETMOMENT_ONGELDIG	"meetmoment_ongeldig"
#define ERR_PRODUCTCATEGORIE_ONGELDIG	"productcategorie_ongeldig"
#define ERR_GAS_ONGELDIG	"gas_ongeldig"
#define ERR_GEWICHT_ONGELDIG	"gewicht_ongeldig"
#define ERR_EIND_ZONDER_DOELEN	"eind_zonder_doelen"
#define ERR_PROBLEEMAFNAME_ONGELDIG	"probleemafname_ongeldig"
#define ERR_ZONDER_HULP_ONGELDIG	"zonder_hulp_ongeldig"
#define ERR_RIJ_DUBBEL		"rij_dubbel"

/* scores, questionnaires */
#define ERR_AGB_ONGELDIG	"agb_ongeldig"
#define ERR_AGB_NIET_EIGEN	"agb_niet_eigen"
#define ERR_GEMEENTE_ONGELDIG	"gemeente_ongeldig"

/* scores, questionnaires, messages */
#define ERR_GEMEENTE_ONBEKEND	"gemeente_onbekend"

/* scores, questionnaires */
#define ERR_TOEWIJZINGNUMMER_ONGELDIG	"toewijzingnummer_ongeldig"
#define ERR_GESLACHT_ONGELDIG	"geslacht_ongeldig"

/* questionnaires */
#define ERR_INVALID_JSON	"invalid_json"
#define ERR_GEEN_RESPONSES	"geen_responses"
#define ERR_JSON_ONGELDIG	"json_ongeldig"
#define ERR_TE_DIEP_GENEST	"te_diep_genest"
#define ERR_TE_LANG		"te_lang"
#define ERR_TE_VEEL_RESPONSES	"te_veel_responses"
#define ERR_TE_VEEL_WAARDEN	"te_veel_waarden"
#define ERR_VERKEERD_TYPE	"verkeerd_type"
#define ERR_ONBEKEND_VELD	"onbekend_veld"
#define ERR_DUBBEL_VELD		"dubbel_veld"
#define ERR_VELD_ONTBREEKT	"veld_ontbreekt"
#define ERR_BRON_ID_ONGELDIG	"bron_id_ongeldig"
#define ERR_DUBBELE_BRON_ID	"dubbele_bron_id"
#define ERR_ONBEKENDE_VRAGENLIJST	"onbekende_vragenlijst"
#define ERR_ONGELDIGE_RESPONDENT	"ongeldige_respondent"
#define ERR_ONGELDIGE_DATUM	"ongeldige_datum"
#define ERR_GEBOORTEDATUM_NA_INVULDATUM	"geboortedatum_na_invuldatum"
#define ERR_ONBEKEND_ITEM	"onbekend_item"
#define ERR_BUITEN_BEREIK	"buiten_bereik"
#define ERR_VERPLICHT_ITEM_ONTBREEKT	"verplicht_item_ontbreekt"

/* messages */
#define ERR_XML_MALFORMED	"xml_malformed"
#define ERR_DTD_FORBIDDEN	"dtd_forbidden"
#define ERR_XML_TOO_COMPLEX	"xml_too_complex"
#define ERR_TOO_LARGE		"too_large"
#define ERR_XML_TOO_COMPLEX	"xml_too_complex"
#define ERR_NOT_IJW		"not_ijw"
#define ERR_UNSUPPORTED_MESSAGE	"unsupported_message"
#define ERR_HEADER_MISMATCH	"header_mismatch"
#define ERR_MISSING_ELEMENT	"missing_element"
#define ERR_INVALID_VALUE	"invalid_value"
#define ERR_TOO_MANY_PRODUCTS	"too_many_products"

/* messages: multipart/mixed batches */
#define ERR_MULTIPART_BOUNDARY	"multipart_boundary"
#define ERR_MULTIPART_MALFORMED	"multipart_malformed"
#define ERR_MULTIPART_HEADER	"multipart_header"
#define ERR_MULTIPART_TRUNCATED	"multipart_truncated"
#define ERR_TOO_MANY_PARTS	"too_many_parts"

/* indicators */
#define ERR_BAD_PARAMETER	"bad_parameter"
#define ERR_BAD_RANGE		"bad_range"
#define ERR_OUT_OF_SCOPE	"out_of_scope"
#define ERR_INDICATORS_UNAVAILABLE	"indicators_unavailable"
#define ERR_AUDIT_UNAVAILABLE	"audit_unavailable"

/* scores, questionnaires, messages: the BSN (pseudonym.c) */
#define ERR_BSN_LEEG		"bsn_leeg"
#define ERR_BSN_GEEN_CIJFERS	"bsn_geen_cijfers"
#define ERR_BSN_LENGTE		"bsn_lengte"
#define ERR_BSN_NUL		"bsn_nul"
#define ERR_BSN_ELFPROEF	"bsn_elfproef"
#define ERR_BSN_ONBEKEND	"bsn_onbekend"

/* scores: multipart/form-data uploads and manual entry (issue #13) */
#define ERR_GEEN_BESTAND	"geen_bestand"
#define ERR_MEER_BESTANDEN	"meer_dan_een_bestand"
#define ERR_FORMULIER_ONGELDIG	"formulier_ongeldig"
#define ERR_INVOER_ONGELDIG	"invoer_ongeldig"
#define ERR_VELD_ONBEKEND	"veld_onbekend"
/* scores: opt-out (issue #15) */
#define ERR_OPT_OUT_ONGELDIG	"opt_out_ongeldig"
/* indicators: breakdowns; scores, questionnaires, messages: postcode (#15) */
#define ERR_UITSPLITSING_NIET_TOEGESTAAN "uitsplitsing_niet_toegestaan"
#define ERR_POSTCODE_ONGELDIG	"postcode_ongeldig"
/* indicators: one aanbieder's figures the config does not publish (#15) */
#define ERR_PERIODE_NIET_GEPUBLICEERD	"periode_niet_gepubliceerd"

struct err_code {
	const char	*code;
	unsigned	 status;	/* HTTP status; 0 outside HTTP */
	const char	*text;		/* Dutch, as in docs/errors.md */
};

extern const struct err_code err_codes[];
extern const size_t err_ncodes;

/* The entry of code, or NULL when sorttp has no such code. */
const struct err_code *err_find(const char *code);

#endif
