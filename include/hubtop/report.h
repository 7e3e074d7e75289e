/* report.h - `hubtop report`: the headline figures of a filtered snapshot,
 * as text or as the stable JSON documented in docs/report-json.md. */
#ifndef HUBTOP_REPORT_H
#define HUBTOP_REPORT_H

#include <stdio.h>
#include "hubtop/engine.h"

enum report_format { REPORT_TEXT = 0, REPORT_JSON };

int report_write(FILE *fp, struct engine *e, const struct filter *f, enum report_format fmt);

#endif
