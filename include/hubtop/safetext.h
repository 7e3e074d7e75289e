/* safetext.h - the one rule for text that leaves hubtop.
 *
 * Every string shown on the screen, printed on standard output or error, or
 * written to an export passes this rule, whatever a snapshot, a listing page
 * or a file name holds; ids, account names and directory lines are checked
 * against it when they come in.  The forbidden set:
 *   - C0 controls (U+0000..U+001F), DEL (U+007F), C1 controls (U+0080..U+009F):
 *     a terminal acts on them (ESC, BEL, the one-byte CSI 0x9b);
 *   - bidirectional and zero-width formatting characters (U+00AD, U+200B..U+200F,
 *     U+2028..U+202E, U+2060..U+206F, U+FEFF, U+FFF9..U+FFFB): they disguise
 *     what is shown (RLO turns "gpj.exe" into "exe.jpg");
 *   - anything that is not valid UTF-8 (stray continuation bytes, overlong
 *     forms, surrogates, beyond U+10FFFF, a sequence cut short).
 * Cost: one pass over the bytes; printable ASCII is checked eight bytes at a
 * time.  No allocation.  Thread-safe.
 */
#ifndef HUBTOP_SAFETEXT_H
#define HUBTOP_SAFETEXT_H

#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

/* What a forbidden character or invalid byte becomes when text is cleaned. */
#define SAFETEXT_REPLACEMENT '?'

/* Length (1..4) of the allowed character at p, of at most avail bytes, or 0
 * when it is forbidden or not valid UTF-8. */
size_t safetext_char(const unsigned char *p, size_t avail);

/* At a forbidden character (safetext_char gave 0): its length when it is
 * valid UTF-8 (a C1 control, RLO), else 1 (one invalid byte).  Each becomes
 * one SAFETEXT_REPLACEMENT. */
size_t safetext_bad_len(const unsigned char *p, size_t avail);

/* 1 when the n bytes at s hold only allowed characters. */
int safetext_valid_n(const char *s, size_t n);

/* 1 when s is at most max bytes (SIZE_MAX: no limit) and holds only allowed
 * characters; 0 for NULL. */
int safetext_valid(const char *s, size_t max);

/* Copies src into dst (of size dstlen > 0), each forbidden character or
 * invalid byte becoming SAFETEXT_REPLACEMENT; cut at a character boundary
 * when dst is short.  Returns dst. */
char *safetext_clean(char *dst, size_t dstlen, const char *src);

/* Cleans s where it is (the result is never longer).  Returns s. */
char *safetext_clean_inplace(char *s);

/* s itself when it is allowed text, else a cleaned copy in buf (cut to fit
 * len).  For one-off messages: safetext_show(name, buf, sizeof buf). */
const char *safetext_show(const char *s, char *buf, size_t len);

/* Writes s to fp cleaned, any length; keep_newlines lets '\n' (and '\t')
 * through for multi-line text.  0, or EOF on a write error. */
int safetext_fputs(const char *s, FILE *fp, int keep_newlines);

/* vfprintf through the rule: the formatted text is cleaned, '\n' kept. */
int safetext_vfprintf(FILE *fp, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int safetext_fprintf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
