/* fuzz_config.c - libFuzzer target: the configuration file parser. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(void *ctx, const char *msg)
{
	if (!msg || !*msg)
		abort(); /* every bad line is named */
	(*(unsigned *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config c;
	unsigned reported = 0, bad;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	config_init(&c);
	bad = config_load_string(&c, text, "config", count, &reported);
	if (bad != reported) {
		fprintf(stderr, "%u bad lines counted, %u reported\n", bad, reported);
		abort();
	}
	if (memchr(c.pane, '\0', sizeof c.pane) == NULL || memchr(c.theme, '\0', sizeof c.theme) == NULL)
		abort();
	free(text);
	return 0;
}
