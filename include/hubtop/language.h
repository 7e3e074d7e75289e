/* language.h - ISO 639 language codes and their English names: a small
 * built-in table for the languages the Hub's items name most (language:xx
 * tags), so a picker shows "Chinese" where the data says "zh".
 *
 * Owns: a static table.  Every call is O(table) at most (about 90 rows).
 */
#ifndef HUBTOP_LANGUAGE_H
#define HUBTOP_LANGUAGE_H

#include <stddef.h>

/* The English name of a code ("zh" -> "Chinese"), NULL when the table does
 * not hold it.  Case-insensitive; a region or script after '-' or '_'
 * ("zh-Hans", "en_US") is ignored. */
const char *language_name(const char *code);
/* The code of an English name ("chinese" -> "zh", case-insensitive), NULL
 * when the table does not hold it. */
const char *language_code_of(const char *name);
/* 1 when s has the shape of a language code as the Hub's tags hold them:
 * 2 or 3 ASCII letters, then optional parts of 1-8 letters or digits after
 * '-' or '_' (at most 15 bytes in all). */
int language_code_valid(const char *s);
/* Row i of the table (code and name), for pickers and --help; NULL past
 * the end. */
const char *language_table_code(size_t i);

#endif
