/* fuzz_filter.c - libFuzzer target: filter values as typed by a user.
 *
 * The first byte picks the key; the rest (up to a NUL) is the value.  An
 * accepted value must print back (filter_get, filter_to_args) and the
 * printed value must be accepted again with the same meaning. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct filter f, g;
	char err[1024], val[4096], args[8192];
	char *value;
	size_t nkeys = 0, i;
	const char *key;

	if (size < 1)
		return 0;
	while (filter_keys[nkeys])
		nkeys++;
	key = filter_keys[data[0] % nkeys];
	value = malloc(size);
	if (!value)
		return 0;
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';

	filter_init(&f);
	err[0] = '\0';
	if (filter_set(&f, key, value, err, sizeof err) != 0) {
		if (!err[0])
			abort(); /* a refusal always says why */
		free(value);
		return 0;
	}
	for (i = 0; i < nkeys; i++)
		filter_get(&f, filter_keys[i], val, sizeof val);
	filter_to_args(&f, args, sizeof args);
	(void)filter_active(&f);

	/* What filter_get prints, filter_set reads back to the same filter. */
	filter_get(&f, key, val, sizeof val);
	filter_init(&g);
	if (filter_set(&g, key, val, err, sizeof err) != 0) {
		fprintf(stderr, "%s: '%s' accepted, printed as '%s', refused: %s\n", key, value,
			val, err);
		abort();
	}
	if (!filter_equal(&f, &g)) {
		fprintf(stderr, "%s: '%s' printed as '%s' reads back differently\n", key, value, val);
		abort();
	}
	free(value);
	return 0;
}
