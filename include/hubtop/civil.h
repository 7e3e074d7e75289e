/* civil.h - dates of the proleptic Gregorian calendar in UTC, without the
 * C library's time zone or locale: days since 1970-01-01 and back, and the
 * ISO 8601 forms hubtop prints ("2024-05-01", "2024-05-01T12:00:00Z").
 *
 * Owns no state.  Every call is a few integer operations (H. Hinnant's
 * days_from_civil / civil_from_days), safe from any thread.
 */
#ifndef HUBTOP_CIVIL_H
#define HUBTOP_CIVIL_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of year y, month m (1..12), day d (1..31). */
int64_t civil_days(int64_t y, unsigned m, unsigned d);
/* The date of day z since 1970-01-01. */
void civil_date(int64_t z, int *y, unsigned *m, unsigned *d);
/* Seconds since the epoch of 00:00 UTC on the first of January of year y. */
int64_t civil_year_start(int64_t y);

/* "2024-05-01T12:00:00Z" into buf; for t <= 0 (unknown) buf gets "" and
 * the call returns -1. */
int civil_iso_time(int64_t t, char *buf, size_t len);
/* "2024-05-01"; "" and -1 for t <= 0. */
int civil_iso_date(int64_t t, char *buf, size_t len);

#endif
