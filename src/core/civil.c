/* civil.c - calendar arithmetic and ISO 8601 formatting (see civil.h). */
#include <stdio.h>

#include "hubtop/civil.h"

int64_t civil_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_date(int64_t z, int *py, unsigned *pm, unsigned *pd)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*py = (int)(y + (m <= 2));
	*pm = m;
	*pd = d;
}

int64_t civil_year_start(int64_t y)
{
	return civil_days(y, 1, 1) * 86400;
}

static int civil_format(int64_t t, int with_time, char *buf, size_t len)
{
	int y;
	unsigned m, d;
	int64_t day, sec;

	if (len)
		buf[0] = '\0';
	if (t <= 0)
		return -1;
	day = t / 86400;
	sec = t % 86400;
	civil_date(day, &y, &m, &d);
	if (with_time)
		snprintf(buf, len, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
			 (int)(sec / 60 % 60), (int)(sec % 60));
	else
		snprintf(buf, len, "%04d-%02u-%02u", y, m, d);
	return 0;
}

int civil_iso_time(int64_t t, char *buf, size_t len)
{
	return civil_format(t, 1, buf, len);
}

int civil_iso_date(int64_t t, char *buf, size_t len)
{
	return civil_format(t, 0, buf, len);
}
