/* fuzz_store.c - libFuzzer target: the snapshot loader.
 *
 * Each input is tried twice: as it is (the checksum stops nearly all of
 * them) and with its size and checksum fields made right, so that the
 * structural checks behind the checksum see hostile files too.  A snapshot
 * that loads is walked end to end: every index it holds must be in bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/store.h"

#define HEADER_SIZE 1024u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const struct ht_snapshot *s)
{
	size_t sum = 0;
	uint32_t i, r, j;
	int k;

	for (i = 0; i < s->n_terms; i++)
		sum += strlen(ht_term(s, i));
	for (i = 0; i < s->n_accounts; i++)
		sum += strlen(ht_str(s, s->acct_name[i])) + s->acct_kind[i];
	for (i = 0; i < s->n_lists; i++)
		sum += strlen(ht_term(s, s->lists[i]));
	for (i = 0; i < s->n_links; i++) {
		sum += strlen(ht_str(s, s->link_base[i])) + s->link_rel[i];
		if (s->link_row[i] != UINT32_MAX)
			sum += strlen(ht_id(s, HT_MODELS, s->link_row[i]));
	}
	for (k = 0; k < HT_KIND_COUNT; k++) {
		const struct ht_table *t = &s->t[k];
		for (r = 0; r < t->n; r++) {
			sum += strlen(ht_id(s, k, r)) + strlen(ht_author(s, k, r));
			sum += strlen(ht_term(s, t->pipeline[r])) + strlen(ht_term(s, t->library[r])) +
			       strlen(ht_term(s, t->license[r]));
			for (j = 0; j < t->list_count[r]; j++)
				sum += strlen(ht_term(s, s->lists[t->list_first[r] + j]));
			for (j = 0; j < t->link_count[r]; j++)
				sum += strlen(ht_str(s, s->link_base[t->link_first[r] + j]));
		}
		if (t->n) {
			(void)table_find_id(s, k, ht_id(s, k, 0));
			(void)table_find_account(s, ht_author(s, k, t->n - 1));
		}
	}
	(void)table_find_term(s, "text-generation");
	return sum;
}

static void try_load(const uint8_t *data, size_t size, int fix)
{
	struct store_err err;
	struct ht_snapshot *s;
	unsigned char *buf = malloc(size ? size : 1);
	volatile size_t sink;

	if (!buf)
		return;
	memcpy(buf, data, size);
	if (fix) {
		uint64_t v = size, sum;
		memcpy(buf + 16, &v, 8);
		memset(buf + 24, 0, 8);
		sum = store_checksum(buf, size);
		memcpy(buf + 24, &sum, 8);
	}
	err.msg[0] = '\0';
	s = store_load_mem(buf, size, "fuzz.hts", &err); /* takes buf */
	if (!s) {
		if (!err.msg[0]) {
			fprintf(stderr, "refused without a message\n");
			abort();
		}
		return;
	}
	sink = walk(s);
	(void)sink;
	table_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_load(data, size, 0);
	if (size >= HEADER_SIZE)
		try_load(data, size, 1);
	return 0;
}
