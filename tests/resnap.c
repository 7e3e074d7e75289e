/* resnap.c - crafts a snapshot whose checksum is valid: every occurrence of
 * FROM in IN becomes TO (the same number of bytes, given with \xHH escapes),
 * then the checksum is made right, as an older version or an attacker could.
 * Usage: resnap IN OUT FROM TO [FROM TO ...] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/store.h"

/* "\x1b" and "\\" escapes into bytes; returns the length. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };
			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	FILE *fp;
	unsigned char *buf;
	long len;
	uint64_t sum;
	int i, hits = 0;

	if (argc < 5 || argc % 2 == 0) {
		fprintf(stderr, "usage: resnap IN OUT FROM TO [FROM TO ...]\n");
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp || fseek(fp, 0, SEEK_END) || (len = ftell(fp)) < 1024 || fseek(fp, 0, SEEK_SET)) {
		perror(argv[1]);
		return 1;
	}
	buf = malloc((size_t)len);
	if (!buf || fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		perror(argv[1]);
		return 1;
	}
	fclose(fp);
	for (i = 3; i + 1 < argc; i += 2) {
		char from[256], to[256];
		size_t nf, nt;
		if (strlen(argv[i]) >= sizeof from || strlen(argv[i + 1]) >= sizeof to)
			return 2;
		nf = unescape(argv[i], from);
		nt = unescape(argv[i + 1], to);
		if (nf != nt || !nf) {
			fprintf(stderr, "resnap: '%s' and '%s' differ in length\n", argv[i], argv[i + 1]);
			return 2;
		}
		for (long p = 0; p + (long)nf <= len; p++)
			if (!memcmp(buf + p, from, nf)) {
				memcpy(buf + p, to, nf);
				hits++;
			}
	}
	if (!hits) {
		fprintf(stderr, "resnap: nothing to replace\n");
		return 1;
	}
	memset(buf + 24, 0, 8);
	sum = store_checksum(buf, (size_t)len);
	memcpy(buf + 24, &sum, 8);
	fp = fopen(argv[2], "wb");
	if (!fp || fwrite(buf, 1, (size_t)len, fp) != (size_t)len || fclose(fp)) {
		perror(argv[2]);
		return 1;
	}
	free(buf);
	printf("%d\n", hits);
	return 0;
}
