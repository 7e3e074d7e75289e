/* country.h - ISO 3166-1 alpha-2 countries and the country groups of the
 * Regions pane.  Static tables; no state.
 *
 * Country index 0 is "unknown" (no code).  Indexes are stable within a build
 * and fit in a uint16_t; code strings are the stable identity (exports,
 * filters, the directory file).
 */
#ifndef HUBTOP_COUNTRY_H
#define HUBTOP_COUNTRY_H

#include <stdint.h>

#define COUNTRY_UNKNOWN 0u
/* The one name of the unknown country wherever a code stands (the word
 * --country takes): never "??", "-" or an empty cell. */
#define COUNTRY_UNKNOWN_KEY "unknown"

enum country_group {
	CG_US = 0,        /* United States */
	CG_CN,            /* China (mainland, Hong Kong, Macao) */
	CG_EU,            /* European Union member states */
	CG_EUROPE_OTHER,  /* rest of Europe (UK, Switzerland, Norway, ...) */
	CG_ASIA_OTHER,    /* rest of Asia (Japan, Korea, India, Middle East, ...) */
	CG_WORLD_OTHER,   /* rest of the world */
	CG_UNKNOWN,       /* no country */
	CG_COUNT
};

/* Number of entries including index 0 (unknown). */
unsigned country_count(void);
/* Index of an alpha-2 code (case-insensitive), or -1 when not ISO 3166-1. */
int country_find(const char *code);
const char *country_code(unsigned idx);   /* "" for unknown */
const char *country_name(unsigned idx);   /* "Unknown" for 0 */
/* What a user may have meant by a country that is not an alpha-2 code:
 * an alpha-3 code (CHN), a name (China) or a common one (UK, USA).
 * Returns the index, or -1.  Linear; for error messages. */
int country_guess(const char *text);
enum country_group country_group_of(unsigned idx);
const char *country_group_key(enum country_group g);   /* "us", "cn", "eu", "europe-other", ... */
const char *country_group_name(enum country_group g);  /* "United States", ... */
/* Group by key (case-insensitive), or -1. */
int country_group_find(const char *key);

#endif
