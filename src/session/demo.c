/* demo.c - the deterministic demo snapshot generator (see demo.h).
 *
 * Plan: every model first gets an all-time download figure by rank (a
 * Zipf head of 200 about as heavy as the log-normal tail below it, whose
 * median is 200), a creation month and a 30-day figure; then a class (who
 * uploads it, whose lineage it belongs to) chosen so that each period's
 * downloads split by the year's target shares; then, for derivatives, a
 * base among earlier models of the same lineage; last, names, which go to
 * the table builder.  Randomness comes from our own xoshiro256** streams,
 * one per phase, and no clock or locale is read, so the output depends on
 * nothing but the arguments (and the directory).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hubtop/civil.h"
#include "hubtop/country.h"
#include "hubtop/demo.h"
#include "hubtop/store.h"

/* ---- fixed clock ----------------------------------------------------- */

#define T_2019 1546300800LL      /* 2019-01-01T00:00:00Z */
#define T_FETCHED 1775001600LL   /* 2026-04-01T00:00:00Z: fetched_at of every demo */
#define T_LEGACY 1646263744LL    /* 2022-03-02T23:29:04Z: the Hub's date for old repos */
#define N_MONTHS 87              /* 2019-01 .. 2026-03 */
#define N_YEARS 8                /* 2019 .. 2026 */
#define LEGACY_MONTH 38          /* 2022-03 */
#define DAY 86400LL

#define DEMO_MAX_ITEMS 100000000ull

/* ---- random numbers ---------------------------------------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
	for (int i = 0; i < 4; i++) {
		x += 0x9E3779B97F4A7C15ull;
		r->s[i] = mix64(x);
	}
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Inverse of the standard normal distribution (rational approximation,
 * relative error about 1e-9: far finer than the rounding to integers). */
static double norm_quantile(double p)
{
	static const double a[6] = { -3.969683028665376e+01, 2.209460984245205e+02,
				     -2.759285104469687e+02, 1.383577518672690e+02,
				     -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[5] = { -5.447609879822406e+01, 1.615858368580409e+02,
				     -1.556989798598866e+02, 6.680131188771972e+01,
				     -1.328068155288572e+01 };
	static const double c[6] = { -7.784894002430293e-03, -3.223964580411365e-01,
				     -2.400758277161838e+00, -2.549671010173319e+00,
				     4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[4] = { 7.784695709041462e-03, 3.224671290700398e-01,
				     2.445134137142996e+00, 3.754408661907416e+00 };
	double q, t;

	if (p < 1e-15)
		p = 1e-15;
	if (p > 1 - 1e-15)
		p = 1 - 1e-15;
	if (p < 0.02425 || p > 1 - 0.02425) {
		q = sqrt(-2 * log(p < 0.5 ? p : 1 - p));
		t = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
		return p < 0.5 ? t : -t;
	}
	q = p - 0.5;
	t = q * q;
	return (((((a[0] * t + a[1]) * t + a[2]) * t + a[3]) * t + a[4]) * t + a[5]) * q /
	       (((((b[0] * t + b[1]) * t + b[2]) * t + b[3]) * t + b[4]) * t + 1);
}

static double rng_normal(struct rng *r)
{
	return norm_quantile((rng_unit(r) * 0.999999998) + 1e-9);
}

/* ---- small strings ------------------------------------------------------ */

/* A bounded string under construction; overflow truncates silently, and the
 * caller checks the id with table_id_valid. */
struct sb {
	char buf[256];
	size_t len;
};

static void sb_reset(struct sb *o)
{
	o->len = 0;
	o->buf[0] = '\0';
}

static void sb_addn(struct sb *o, const char *s, size_t n)
{
	if (n > sizeof o->buf - 1 - o->len)
		n = sizeof o->buf - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void sb_add(struct sb *o, const char *s)
{
	sb_addn(o, s, strlen(s));
}

static void sb_num(struct sb *o, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_addn(o, tmp + sizeof tmp - n, n);
}

static char lower_ascii(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower_ascii(*a) != lower_ascii(*b))
			return 0;
	return *a == *b;
}

/* Number of '|' separated fields of a list (an empty list has one, empty). */
static uint32_t field_count(const char *list)
{
	uint32_t n = 1;
	for (; *list; list++)
		n += *list == '|';
	return n;
}

/* Large tables are probed at random: ask for huge pages to spare the TLB
 * (a hint; ignored where unsupported). */
static void advise_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	if (p && len >= (8u << 20))
		(void)madvise((void *)a, len - (size_t)(a - (uintptr_t)p), MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

static void sb_pick(struct sb *o, struct rng *r, const char *list)
{
	uint32_t k = rng_below(r, field_count(list));
	const char *end;
	while (k > 0) {
		if (*list++ == '|')
			k--;
	}
	for (end = list; *end && *end != '|'; end++)
		;
	sb_addn(o, list, (size_t)(end - list));
}

/* Strings that must stay put: synthetic account names, ids of base models. */
struct arena {
	char **blocks;
	size_t n, cap, used;
};

#define ARENA_BLOCK 65536u

static char *arena_dup(struct arena *a, const char *s, size_t len)
{
	char *p;
	if (len + 1 > ARENA_BLOCK)
		return NULL;
	if (a->n == 0 || a->used + len + 1 > ARENA_BLOCK) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 64;
			char **nb = realloc(a->blocks, cap * sizeof *nb);
			if (!nb)
				return NULL;
			a->blocks = nb;
			a->cap = cap;
		}
		a->blocks[a->n] = malloc(ARENA_BLOCK);
		if (!a->blocks[a->n])
			return NULL;
		a->n++;
		a->used = 0;
	}
	p = a->blocks[a->n - 1] + a->used;
	memcpy(p, s, len);
	p[len] = '\0';
	a->used += len + 1;
	return p;
}

static void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->blocks[i]);
	free(a->blocks);
}

/* Case-insensitive set of names, by 64-bit hash (as the Hub treats ids). */
struct nameset {
	uint64_t *slot;
	uint64_t mask;
};

static int nameset_init(struct nameset *ns, uint64_t expect)
{
	uint64_t size = 1024;
	while (size < expect * 2)
		size <<= 1;
	ns->slot = calloc(size, sizeof *ns->slot);
	ns->mask = size - 1;
	advise_huge(ns->slot, size * sizeof *ns->slot);
	return ns->slot ? 0 : -1;
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)lower_ascii(*s)) * 0x100000001b3ull;
	h = mix64(h);
	return h ? h : 1;
}

/* Adds a name; returns 0 if it was new, 1 if already present. The set is
 * sized for twice the names it will hold, so probing stays short. */
static int nameset_add(struct nameset *ns, const char *s)
{
	uint64_t h = name_hash(s), i = h & ns->mask;
	while (ns->slot[i]) {
		if (ns->slot[i] == h)
			return 1;
		i = (i + 1) & ns->mask;
	}
	ns->slot[i] = h;
	return 0;
}

/* ---- vocabulary ---------------------------------------------------------- */

enum pipe {
	PI_NONE, PI_TEXTGEN, PI_IMGTXT, PI_FILLMASK, PI_SENTSIM, PI_FEATEX, PI_ASR, PI_T2I,
	PI_IMGCLS, PI_TXTCLS, PI_TOKCLS, PI_QA, PI_T2T, PI_TRANS, PI_RL, PI_ZSIC, PI_TTS,
	PI_SUMM, PI_VAD, PI_TS, PI_UNCOND, PI_IMG2TXT, PI_OBJDET, PI_COUNT
};
static const char *const pipe_name[PI_COUNT] = {
	NULL, "text-generation", "image-text-to-text", "fill-mask", "sentence-similarity",
	"feature-extraction", "automatic-speech-recognition", "text-to-image",
	"image-classification", "text-classification", "token-classification",
	"question-answering", "text2text-generation", "translation", "reinforcement-learning",
	"zero-shot-image-classification", "text-to-speech", "summarization",
	"voice-activity-detection", "time-series-forecasting", "unconditional-image-generation",
	"image-to-text", "object-detection"
};

enum lib {
	LB_NONE, LB_TRANSFORMERS, LB_GGUF, LB_DIFFUSERS, LB_ST, LB_PEFT, LB_MLX, LB_TIMM,
	LB_SB3, LB_MLAGENTS, LB_NEMO, LB_PYANNOTE, LB_TJS, LB_ULTRALYTICS, LB_COUNT
};
static const char *const lib_name[LB_COUNT] = {
	NULL, "transformers", "gguf", "diffusers", "sentence-transformers", "peft", "mlx",
	"timm", "stable-baselines3", "ml-agents", "nemo", "pyannote-audio", "transformers.js",
	"ultralytics"
};

enum lic {
	LI_NONE, LI_APACHE, LI_MIT, LI_LLAMA2, LI_LLAMA3, LI_LLAMA31, LI_LLAMA32, LI_LLAMA4,
	LI_GEMMA, LI_OPENRAIL, LI_OPENRAILPP, LI_CCBY, LI_CCBYNC, LI_OTHER, LI_BSD3,
	LI_AGPL, LI_BLOOM, LI_CCBYSA, LI_COUNT
};
static const char *const lic_name[LI_COUNT] = {
	NULL, "apache-2.0", "mit", "llama2", "llama3", "llama3.1", "llama3.2", "llama4", "gemma",
	"openrail", "openrail++", "cc-by-4.0", "cc-by-nc-4.0", "other", "bsd-3-clause",
	"agpl-3.0", "bigscience-bloom-rail-1.0", "cc-by-sa-4.0"
};
static const char *const lic_tag[LI_COUNT] = {
	NULL, "license:apache-2.0", "license:mit", "license:llama2", "license:llama3",
	"license:llama3.1", "license:llama3.2", "license:llama4", "license:gemma",
	"license:openrail", "license:openrail++", "license:cc-by-4.0", "license:cc-by-nc-4.0",
	"license:other", "license:bsd-3-clause", "license:agpl-3.0",
	"license:bigscience-bloom-rail-1.0", "license:cc-by-sa-4.0"
};

/* A model family: names are stem[-size][-suffix].  owner NULL: generic,
 * usable by any organisation ('@' is replaced by a word made from the
 * account, '#' by a version number); owner "": individuals' own models. */
struct family {
	const char *owner, *stem, *sizes, *suffixes;
	uint8_t pipe, lib, lic;
	uint16_t year;
	uint8_t gated; /* 0 open, 1 gated automatically, 2 manually */
};

#define TG PI_TEXTGEN
#define TR LB_TRANSFORMERS
static const struct family families[] = {
	{ "Qwen", "Qwen", "1_8B|7B|14B|72B", "|Chat", TG, TR, LI_OTHER, 2023, 0 },
	{ "Qwen", "Qwen2", "0.5B|1.5B|7B|72B", "|Instruct", TG, TR, LI_APACHE, 2024, 0 },
	{ "Qwen", "Qwen2.5", "0.5B|1.5B|3B|7B|14B|32B|72B", "|Instruct|Coder-Instruct|Math-Instruct", TG, TR, LI_APACHE, 2024, 0 },
	{ "Qwen", "Qwen2.5-VL", "3B|7B|32B|72B", "Instruct", PI_IMGTXT, TR, LI_APACHE, 2025, 0 },
	{ "Qwen", "Qwen3", "0.6B|1.7B|4B|8B|14B|32B|30B-A3B|235B-A22B", "|Base|Instruct-2507|Thinking-2507|FP8", TG, TR, LI_APACHE, 2025, 0 },
	{ "Qwen", "Qwen3-Embedding", "0.6B|4B|8B", "", PI_FEATEX, LB_ST, LI_APACHE, 2025, 0 },
	{ "deepseek-ai", "deepseek-llm", "7b|67b", "base|chat", TG, TR, LI_OTHER, 2023, 0 },
	{ "deepseek-ai", "deepseek-coder", "1.3b|6.7b|33b", "base|instruct", TG, TR, LI_OTHER, 2023, 0 },
	{ "deepseek-ai", "DeepSeek-V3", "", "|Base|0324", TG, TR, LI_MIT, 2025, 0 },
	{ "deepseek-ai", "DeepSeek-R1", "", "|Zero|0528", TG, TR, LI_MIT, 2025, 0 },
	{ "deepseek-ai", "DeepSeek-R1-Distill-Qwen", "1.5B|7B|14B|32B", "", TG, TR, LI_MIT, 2025, 0 },
	{ "THUDM", "chatglm3", "6b", "|base|32k", TG, TR, LI_OTHER, 2023, 0 },
	{ "THUDM", "glm-4", "9b", "|chat|chat-hf", TG, TR, LI_OTHER, 2024, 0 },
	{ "zai-org", "GLM-4.5", "", "|Air|Air-FP8", TG, TR, LI_MIT, 2025, 0 },
	{ "zai-org", "GLM-4.1V", "9B", "Thinking", PI_IMGTXT, TR, LI_MIT, 2025, 0 },
	{ "moonshotai", "Kimi-K2", "", "Instruct|Base|Instruct-0905", TG, TR, LI_OTHER, 2025, 0 },
	{ "BAAI", "bge", "small|base|large", "en-v1.5|zh-v1.5", PI_FEATEX, LB_ST, LI_MIT, 2023, 0 },
	{ "BAAI", "bge-reranker", "base|large|v2-m3", "", PI_TXTCLS, LB_ST, LI_MIT, 2023, 0 },
	{ "BAAI", "bge-m3", "", "", PI_SENTSIM, LB_ST, LI_MIT, 2024, 0 },
	{ "internlm", "internlm2_5", "1_8b|7b|20b", "|chat", TG, TR, LI_OTHER, 2024, 0 },
	{ "01-ai", "Yi-1.5", "6B|9B|34B", "|Chat", TG, TR, LI_APACHE, 2024, 0 },
	{ "OpenGVLab", "InternVL2_5", "1B|4B|8B|26B|78B", "|MPO", PI_IMGTXT, TR, LI_MIT, 2024, 0 },
	{ "Alibaba-NLP", "gte", "base|large", "en-v1.5", PI_SENTSIM, LB_ST, LI_APACHE, 2024, 0 },
	{ "tencent", "Hunyuan", "1.8B|4B|7B", "Instruct|Pretrain", TG, TR, LI_OTHER, 2025, 0 },
	{ "baidu", "ERNIE-4.5", "0.3B|21B-A3B|300B-A47B", "PT|Base-PT", TG, TR, LI_APACHE, 2025, 0 },
	{ "MiniMaxAI", "MiniMax", "M1-40k|M1-80k|Text-01", "", TG, TR, LI_APACHE, 2025, 0 },
	{ "meta-llama", "Llama-2", "7b|13b|70b", "hf|chat-hf", TG, TR, LI_LLAMA2, 2023, 2 },
	{ "meta-llama", "Meta-Llama-3", "8B|70B", "|Instruct", TG, TR, LI_LLAMA3, 2024, 2 },
	{ "meta-llama", "Llama-3.1", "8B|70B|405B", "|Instruct", TG, TR, LI_LLAMA31, 2024, 2 },
	{ "meta-llama", "Llama-3.2", "1B|3B|11B-Vision", "|Instruct", TG, TR, LI_LLAMA32, 2024, 2 },
	{ "meta-llama", "Llama-4", "Scout-17B-16E|Maverick-17B-128E", "|Instruct", PI_IMGTXT, TR, LI_LLAMA4, 2025, 2 },
	{ "google", "bert", "base|large", "uncased|cased|multilingual-cased", PI_FILLMASK, TR, LI_APACHE, 2019, 0 },
	{ "google", "electra", "small|base|large", "discriminator|generator", PI_FILLMASK, TR, LI_APACHE, 2020, 0 },
	{ "google", "vit", "base|large", "patch16-224|patch16-384", PI_IMGCLS, TR, LI_APACHE, 2021, 0 },
	{ "google", "flan-t5", "small|base|large|xl", "", PI_T2T, TR, LI_APACHE, 2022, 0 },
	{ "google", "gemma", "2b|7b", "|it", TG, TR, LI_GEMMA, 2024, 1 },
	{ "google", "gemma-2", "2b|9b|27b", "|it", TG, TR, LI_GEMMA, 2024, 1 },
	{ "google", "siglip", "base|large|so400m", "patch16-224|patch14-384", PI_ZSIC, TR, LI_APACHE, 2024, 0 },
	{ "google", "gemma-3", "1b|4b|12b|27b", "it|pt", PI_IMGTXT, TR, LI_GEMMA, 2025, 1 },
	{ "microsoft", "deberta-v3", "small|base|large", "", PI_FILLMASK, TR, LI_MIT, 2021, 0 },
	{ "microsoft", "resnet", "18|50|101", "", PI_IMGCLS, TR, LI_APACHE, 2022, 0 },
	{ "microsoft", "phi-2", "", "", TG, TR, LI_MIT, 2023, 0 },
	{ "microsoft", "Phi-3", "mini-4k|mini-128k|medium-4k", "instruct", TG, TR, LI_MIT, 2024, 0 },
	{ "microsoft", "Phi-4", "mini", "|instruct|reasoning", TG, TR, LI_MIT, 2025, 0 },
	{ "openai", "clip-vit", "base-patch32|base-patch16|large-patch14", "|336", PI_ZSIC, TR, LI_OTHER, 2021, 0 },
	{ "openai", "whisper", "tiny|base|small|medium|large-v2|large-v3|large-v3-turbo", "", PI_ASR, TR, LI_APACHE, 2022, 0 },
	{ "openai", "gpt-oss", "20b|120b", "", TG, TR, LI_APACHE, 2025, 0 },
	{ "openai-community", "gpt2", "|medium|large|xl", "", TG, TR, LI_MIT, 2019, 0 },
	{ "FacebookAI", "roberta", "base|large", "", PI_FILLMASK, TR, LI_MIT, 2019, 0 },
	{ "FacebookAI", "xlm-roberta", "base|large", "", PI_FILLMASK, TR, LI_MIT, 2019, 0 },
	{ "facebook", "bart", "base|large", "|cnn|xsum", PI_SUMM, TR, LI_APACHE, 2020, 0 },
	{ "facebook", "wav2vec2", "base|large", "960h|xlsr-53", PI_ASR, TR, LI_APACHE, 2021, 0 },
	{ "facebook", "opt", "125m|350m|1.3b|6.7b", "", TG, TR, LI_OTHER, 2022, 0 },
	{ "facebook", "nllb-200", "distilled-600M|1.3B|3.3B", "", PI_TRANS, TR, LI_CCBYNC, 2022, 0 },
	{ "facebook", "dinov2", "small|base|large|giant", "", PI_FEATEX, TR, LI_APACHE, 2023, 0 },
	{ "sentence-transformers", "all-MiniLM", "L6|L12", "v2", PI_SENTSIM, LB_ST, LI_APACHE, 2021, 0 },
	{ "sentence-transformers", "all-mpnet", "base", "v2", PI_SENTSIM, LB_ST, LI_APACHE, 2021, 0 },
	{ "sentence-transformers", "paraphrase-multilingual", "MiniLM-L12|mpnet-base", "v2", PI_SENTSIM, LB_ST, LI_APACHE, 2021, 0 },
	{ "nvidia", "parakeet", "tdt-0.6b|ctc-1.1b", "v2", PI_ASR, LB_NEMO, LI_CCBY, 2024, 0 },
	{ "nvidia", "Llama-3.1-Nemotron", "Nano-8B|70B", "Instruct|v1", TG, TR, LI_OTHER, 2024, 0 },
	{ "stabilityai", "stable-diffusion", "2-1|xl-base|3.5-large|3.5-medium", "|1.0", PI_T2I, LB_DIFFUSERS, LI_OPENRAILPP, 2022, 0 },
	{ "black-forest-labs", "FLUX.1", "dev|schnell", "", PI_T2I, LB_DIFFUSERS, LI_OTHER, 2024, 1 },
	{ "mistralai", "Mistral", "7B", "v0.1|Instruct-v0.2|Instruct-v0.3", TG, TR, LI_APACHE, 2023, 0 },
	{ "mistralai", "Mixtral", "8x7B|8x22B", "v0.1|Instruct-v0.1", TG, TR, LI_APACHE, 2024, 0 },
	{ "mistralai", "Mistral-Small", "24B|3.1-24B", "Instruct-2501|Base-2501", TG, TR, LI_APACHE, 2025, 0 },
	{ "mistralai", "Voxtral", "Mini-3B|Small-24B", "2507", PI_ASR, TR, LI_APACHE, 2025, 0 },
	{ "tiiuae", "falcon", "7b|40b", "|instruct", TG, TR, LI_APACHE, 2023, 0 },
	{ "tiiuae", "Falcon3", "1B|3B|7B|10B", "Base|Instruct", TG, TR, LI_OTHER, 2024, 0 },
	{ "CohereLabs", "aya-expanse", "8b|32b", "", TG, TR, LI_CCBYNC, 2024, 1 },
	{ "allenai", "longformer", "base|large", "4096", PI_FILLMASK, TR, LI_APACHE, 2020, 0 },
	{ "allenai", "OLMo-2", "1124-7B|1124-13B|0325-32B", "|Instruct", TG, TR, LI_APACHE, 2024, 0 },
	{ "ibm-granite", "granite-3.3", "2b|8b", "base|instruct", TG, TR, LI_APACHE, 2025, 0 },
	{ "HuggingFaceTB", "SmolLM2", "135M|360M|1.7B", "|Instruct", TG, TR, LI_APACHE, 2024, 0 },
	{ "nomic-ai", "nomic-embed-text", "v1|v1.5|v2-moe", "", PI_SENTSIM, LB_ST, LI_APACHE, 2024, 0 },
	{ "Helsinki-NLP", "opus-mt", "en-de|en-fr|en-zh|de-en|fr-en|zh-en|en-es|es-en|en-ru|ru-en|ja-en|en-ROMANCE", "", PI_TRANS, TR, LI_APACHE, 2020, 0 },
	{ "pyannote", "segmentation", "|3.0", "", PI_VAD, LB_PYANNOTE, LI_MIT, 2022, 1 },
	{ "LGAI-EXAONE", "EXAONE-3.5", "2.4B|7.8B|32B", "Instruct", TG, TR, LI_OTHER, 2024, 0 },
	{ "rinna", "japanese-gpt-neox", "small|3.6b", "|instruction-sft", TG, TR, LI_MIT, 2023, 0 },
	{ "sarvamai", "sarvam", "1|m", "", TG, TR, LI_OTHER, 2025, 0 },
	{ "upstage", "SOLAR", "10.7B", "v1.0|Instruct-v1.0", TG, TR, LI_APACHE, 2023, 0 },
	{ "apple", "OpenELM", "270M|1_1B|3B", "|Instruct", TG, TR, LI_OTHER, 2024, 0 },
	{ "Salesforce", "blip", "image-captioning-base|image-captioning-large|vqa-base", "", PI_IMG2TXT, TR, LI_BSD3, 2023, 0 },
	{ "EleutherAI", "gpt-neo", "125m|1.3B|2.7B", "", TG, TR, LI_MIT, 2021, 0 },
	{ "EleutherAI", "pythia", "70m|160m|410m|1b|2.8b|6.9b|12b", "|deduped", TG, TR, LI_APACHE, 2023, 0 },
	{ "bigscience", "bloom", "560m|1b7|3b|7b1", "", TG, TR, LI_BLOOM, 2022, 0 },
	{ "amazon", "chronos-t5", "tiny|mini|small|base|large", "", PI_TS, TR, LI_APACHE, 2024, 0 },
	/* generic families of organisations without their own */
	{ NULL, "@#", "1B|3B|7B|13B|70B", "|Instruct|Chat|Base", TG, TR, LI_APACHE, 2019, 0 },
	{ NULL, "@#", "2B|8B|32B", "|Instruct|Reasoning", TG, TR, LI_APACHE, 2019, 0 },
	{ NULL, "@-embed", "small|base|large", "|v1.5", PI_SENTSIM, LB_ST, LI_APACHE, 2019, 0 },
	{ NULL, "@-asr", "small|medium|large", "|v2", PI_ASR, TR, LI_CCBY, 2019, 0 },
	{ NULL, "@-vit", "base|large", "|patch16", PI_IMGCLS, LB_TIMM, LI_APACHE, 2019, 0 },
	{ NULL, "@-diffusion", "v1|v2|xl", "", PI_T2I, LB_DIFFUSERS, LI_OPENRAIL, 2019, 0 },
	{ NULL, "@#-VL", "2B|7B", "Instruct", PI_IMGTXT, TR, LI_APACHE, 2019, 0 },
	{ NULL, "@-bert", "base|large", "|cased|uncased", PI_FILLMASK, TR, LI_APACHE, 2019, 0 },
	{ NULL, "@-tts", "base|large", "", PI_TTS, TR, LI_CCBY, 2019, 0 },
	/* individuals' own models */
	{ "", "char-rnn", "tiny|small", "", TG, LB_NONE, LI_MIT, 2019, 0 },
	{ "", "tiny-gpt", "10M|50M", "|shakespeare", TG, TR, LI_MIT, 2020, 0 },
	{ "", "my_awesome_model", "", "|v2", PI_TXTCLS, TR, LI_APACHE, 2022, 0 },
	{ "", "ppo", "LunarLander-v2|CartPole-v1|SpaceInvadersNoFrameskip-v4|BreakoutNoFrameskip-v4", "", PI_RL, LB_SB3, LI_NONE, 2022, 0 },
	{ "", "sd-class", "butterflies-32|butterflies-64", "", PI_UNCOND, LB_DIFFUSERS, LI_MIT, 2022, 0 },
	{ "", "yolov8", "n|s|m", "|custom", PI_OBJDET, LB_ULTRALYTICS, LI_AGPL, 2023, 0 },
	{ "", "test-model", "", "|1|2", PI_NONE, LB_NONE, LI_NONE, 2023, 0 },
	{ "", "mini-chat", "tiny|small", "|sft", TG, TR, LI_APACHE, 2024, 0 },
	{ "", "bert-mini", "uncased|cased", "|ner", PI_TXTCLS, TR, LI_MIT, 2021, 0 },
};
#undef TG
#undef TR
#define N_FAMILIES (sizeof families / sizeof families[0])

/* Well-known accounts: the list used without a directory, and the weights
 * and families of those accounts when a directory names them. */
struct known {
	const char *account;
	char group;      /* 'C' China, 'U' United States, 'O' elsewhere or unknown */
	uint8_t type;    /* enum org_type */
	uint16_t weight;
	uint8_t deriv;   /* publishes derivatives (quantizations) rather than originals */
	uint8_t lib;     /* for derivatives: preferred library, 0 any */
};

static const struct known known_accounts[] = {
	{ "Qwen", 'C', OT_INDUSTRY, 100, 0, 0 },
	{ "deepseek-ai", 'C', OT_INDUSTRY, 70, 0, 0 },
	{ "THUDM", 'C', OT_ACADEMIA, 15, 0, 0 },
	{ "zai-org", 'C', OT_INDUSTRY, 20, 0, 0 },
	{ "moonshotai", 'C', OT_INDUSTRY, 12, 0, 0 },
	{ "BAAI", 'C', OT_NONPROFIT, 35, 0, 0 },
	{ "internlm", 'C', OT_NONPROFIT, 8, 0, 0 },
	{ "01-ai", 'C', OT_INDUSTRY, 6, 0, 0 },
	{ "OpenGVLab", 'C', OT_NONPROFIT, 12, 0, 0 },
	{ "Alibaba-NLP", 'C', OT_INDUSTRY, 15, 0, 0 },
	{ "tencent", 'C', OT_INDUSTRY, 8, 0, 0 },
	{ "baidu", 'C', OT_INDUSTRY, 8, 0, 0 },
	{ "MiniMaxAI", 'C', OT_INDUSTRY, 6, 0, 0 },
	{ "meta-llama", 'U', OT_INDUSTRY, 90, 0, 0 },
	{ "google", 'U', OT_INDUSTRY, 85, 0, 0 },
	{ "microsoft", 'U', OT_INDUSTRY, 55, 0, 0 },
	{ "openai", 'U', OT_INDUSTRY, 55, 0, 0 },
	{ "openai-community", 'U', OT_INDUSTRY, 30, 0, 0 },
	{ "FacebookAI", 'U', OT_INDUSTRY, 30, 0, 0 },
	{ "facebook", 'U', OT_INDUSTRY, 40, 0, 0 },
	{ "nvidia", 'U', OT_INDUSTRY, 25, 0, 0 },
	{ "allenai", 'U', OT_NONPROFIT, 10, 0, 0 },
	{ "ibm-granite", 'U', OT_INDUSTRY, 8, 0, 0 },
	{ "HuggingFaceTB", 'U', OT_INDUSTRY, 12, 0, 0 },
	{ "nomic-ai", 'U', OT_INDUSTRY, 10, 0, 0 },
	{ "apple", 'U', OT_INDUSTRY, 6, 0, 0 },
	{ "Salesforce", 'U', OT_INDUSTRY, 10, 0, 0 },
	{ "EleutherAI", 'U', OT_NONPROFIT, 10, 0, 0 },
	{ "amazon", 'U', OT_INDUSTRY, 10, 0, 0 },
	{ "unsloth", 'U', OT_INDUSTRY, 30, 1, 0 },
	{ "sentence-transformers", 'O', OT_ACADEMIA, 60, 0, 0 },
	{ "mistralai", 'O', OT_INDUSTRY, 40, 0, 0 },
	{ "stabilityai", 'O', OT_INDUSTRY, 25, 0, 0 },
	{ "black-forest-labs", 'O', OT_INDUSTRY, 20, 0, 0 },
	{ "tiiuae", 'O', OT_GOVERNMENT, 10, 0, 0 },
	{ "CohereLabs", 'O', OT_INDUSTRY, 8, 0, 0 },
	{ "Helsinki-NLP", 'O', OT_ACADEMIA, 15, 0, 0 },
	{ "pyannote", 'O', OT_INDUSTRY, 10, 0, 0 },
	{ "LGAI-EXAONE", 'O', OT_INDUSTRY, 6, 0, 0 },
	{ "rinna", 'O', OT_INDUSTRY, 5, 0, 0 },
	{ "sarvamai", 'O', OT_INDUSTRY, 4, 0, 0 },
	{ "upstage", 'O', OT_INDUSTRY, 5, 0, 0 },
	{ "bigscience", 'O', OT_COMMUNITY, 8, 0, 0 },
	{ "lmstudio-community", 'O', OT_COMMUNITY, 15, 1, LB_GGUF },
	{ "mlx-community", 'O', OT_COMMUNITY, 20, 1, LB_MLX },
	{ "TheBloke", 'O', OT_INDEPENDENT, 30, 1, 0 },
	{ "bartowski", 'O', OT_INDEPENDENT, 40, 1, LB_GGUF },
	{ "mradermacher", 'O', OT_INDEPENDENT, 40, 1, LB_GGUF },
};
#define N_KNOWN (sizeof known_accounts / sizeof known_accounts[0])

static const char *const first_names[] = {
	"alex", "maria", "li", "wei", "john", "anna", "omar", "sara", "kenji", "yuki", "ivan",
	"lucas", "emma", "noah", "fatima", "arjun", "priya", "mohamed", "chen", "jun", "min",
	"david", "laura", "marco", "sofia", "ahmed", "hana", "daniel", "nina", "paul", "julia",
	"tomas", "elena", "ravi", "amir", "leo", "mia", "kai", "zoe", "felix"
};
static const char *const last_names[] = {
	"kim", "wang", "zhang", "smith", "garcia", "mueller", "rossi", "sato", "tanaka", "nguyen",
	"patel", "singh", "silva", "costa", "ivanov", "novak", "li", "liu", "chen", "yang",
	"park", "lee", "martin", "dubois", "jensen", "khan", "ali", "hassan", "lopez", "moreau",
	"schmidt", "fischer", "kowalski", "yilmaz", "okafor", "mensah", "santos", "ferreira",
	"hoang", "zhou"
};
static const char *const adjectives[] = {
	"neural", "deep", "tiny", "lazy", "quantum", "silent", "rapid", "clever", "open",
	"happy", "cosmic", "sparse", "dense", "little", "wild", "bright", "sleepy", "mighty",
	"curious", "random"
};
static const char *const nouns[] = {
	"nomad", "coder", "llama", "panda", "fox", "owl", "tensor", "pixel", "otter", "falcon",
	"lab", "forge", "kernel", "whale", "tiger", "raven", "wolf", "gecko", "koala", "robot"
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- classes and their target shares --------------------------------- */

/* Who uploads a model and whose lineage it belongs to. */
enum cls {
	C_ORG_CN, C_ORG_US, C_ORG_OT,   /* organisations (lineage: their own group) */
	C_IND_CN, C_IND_US, C_IND_OT,   /* independents; lineage of the base they build on */
	C_UNK,                          /* organisations the directory does not know */
	C_COUNT
};
enum lineage { LN_CN, LN_US, LN_OT, LN_COUNT };
static const uint8_t cls_lineage[C_COUNT] = { LN_CN, LN_US, LN_OT, LN_CN, LN_US, LN_OT, LN_OT };

/* Share (percent) of the downloads of models created each year, 2019..2026.
 * For 2025 on: by lineage China 41, U.S. 36; by uploader independents 39. */
static const double year_mass[N_YEARS][C_COUNT] = {
	{ 1, 62, 26, 0, 2, 8, 1 },
	{ 1, 60, 26, 0, 3, 9, 1 },
	{ 2, 57, 25, 0, 5, 10, 1 },
	{ 4, 54, 21, 1, 8, 11, 1 },
	{ 10, 46, 18, 2, 10, 12, 2 },
	{ 22, 33, 12, 7, 11, 13, 2 },
	{ 30, 24, 5, 11, 12, 16, 2 },
	{ 30, 24, 5, 11, 12, 16, 2 },
};
/* Relative number of models created per year (the Hub keeps growing). */
static const double year_count[N_YEARS] = { 1, 1.8, 3.5, 6, 12, 20, 30, 40 };

enum pool { P_ORG_CN, P_ORG_US, P_ORG_OT, P_IND_DIR, P_IND_SYN, P_UNK, P_COUNT };

struct acct {
	const char *name;
	const struct known *kn;
	uint32_t fam_first, fam_count; /* own families in families[] */
	double weight;
	uint8_t used;
};

struct pool_t {
	uint32_t *acct;
	double *cum;
	uint32_t n, cap;
};

enum rel { R_NONE = 0, R_FINETUNE, R_ADAPTER, R_QUANTIZED, R_MERGE };

#define MF_HAS_CHILD 0x01u
#define MF_DONE 0x02u

struct dmodel {
	uint64_t all, d30;
	const char *id;          /* kept only for models that are some model's base */
	uint32_t created;        /* seconds since 2019-01-01, as shown */
	uint32_t age_days;       /* real age at fetched_at */
	uint32_t acct, base, base2;
	uint16_t family;
	uint8_t cls, rel, pipe, lib, lic, mflags, hflags;
	uint8_t bucket;          /* month of the shown creation date, 0 = 2019-01 */
};

struct gen {
	uint64_t seed;
	const struct orgdir *dir;
	struct acct *acct;
	uint32_t n_acct, cap_acct;
	uint32_t syn_first, syn_count; /* synthetic individuals: contiguous accounts */
	struct pool_t pool[P_COUNT];
	struct arena names;
	struct nameset acct_names;
	double w[N_YEARS][C_COUNT];
	struct dmodel *m;
	uint64_t n_models;
	struct ht_builder *b;
};

/* ---- accounts ------------------------------------------------------------ */

static const struct known *known_find(const char *account)
{
	for (size_t i = 0; i < N_KNOWN; i++)
		if (eq_nocase(known_accounts[i].account, account))
			return &known_accounts[i];
	return NULL;
}

static int64_t acct_add(struct gen *g, const char *name, const struct known *kn, double weight)
{
	struct acct *a;
	if (g->n_acct == g->cap_acct) {
		uint32_t cap = g->cap_acct ? g->cap_acct * 2 : 256;
		struct acct *na = realloc(g->acct, cap * sizeof *na);
		if (!na)
			return -1;
		g->acct = na;
		g->cap_acct = cap;
	}
	a = &g->acct[g->n_acct];
	memset(a, 0, sizeof *a);
	a->name = name;
	a->kn = kn;
	a->weight = weight;
	/* Only well-known accounts own families; the range may hold others'
	 * families, which choose_family skips. */
	for (uint32_t f = 0; kn && f < N_FAMILIES; f++) {
		if (families[f].owner && families[f].owner[0] && eq_nocase(families[f].owner, name)) {
			if (!a->fam_count)
				a->fam_first = f;
			a->fam_count = f - a->fam_first + 1;
		}
	}
	return g->n_acct++;
}

static int pool_push(struct pool_t *p, uint32_t acct, double weight)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 64;
		uint32_t *na = realloc(p->acct, cap * sizeof *na);
		double *nc;
		if (!na)
			return -1;
		p->acct = na;
		nc = realloc(p->cum, cap * sizeof *nc);
		if (!nc)
			return -1;
		p->cum = nc;
		p->cap = cap;
	}
	p->acct[p->n] = acct;
	p->cum[p->n] = (p->n ? p->cum[p->n - 1] : 0) + weight;
	p->n++;
	return 0;
}

/* First index whose cumulative weight exceeds x. */
static uint32_t cum_search(const double *cum, uint32_t n, double x)
{
	uint32_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static uint32_t pool_pick(struct gen *g, enum pool p, struct rng *r)
{
	const struct pool_t *pl = &g->pool[p];
	if (p == P_IND_SYN) {
		/* A few individuals upload a lot, most upload little. */
		double u = rng_unit(r);
		return g->syn_first + (uint32_t)((double)g->syn_count * u * u * u);
	}
	return pl->acct[cum_search(pl->cum, pl->n, rng_unit(r) * pl->cum[pl->n - 1])];
}

static int valid_account(const char *name)
{
	return name && *name && !strchr(name, '/') && table_id_valid(name);
}

/* Draws a fresh account name not taken and not in the directory. */
static const char *synth_name(struct gen *g, struct rng *r, int org)
{
	struct sb o;
	for (unsigned attempt = 0;; attempt++) {
		sb_reset(&o);
		if (org) {
			static const char *const ends[] = { "-labs", "-ai", "-research", "AI", "-tech",
							    "-lab", "-studio", "-intelligence" };
			sb_add(&o, rng_below(r, 2) ? adjectives[rng_below(r, NELEM(adjectives))]
						   : nouns[rng_below(r, NELEM(nouns))]);
			if (rng_below(r, 3) == 0)
				sb_add(&o, nouns[rng_below(r, NELEM(nouns))]);
			sb_add(&o, ends[rng_below(r, NELEM(ends))]);
		} else {
			const char *fn = first_names[rng_below(r, NELEM(first_names))];
			const char *ln = last_names[rng_below(r, NELEM(last_names))];
			switch (rng_below(r, 7)) {
			case 0: sb_add(&o, fn); sb_add(&o, ln); break;
			case 1: sb_add(&o, fn); sb_add(&o, "-"); sb_add(&o, ln); break;
			case 2: sb_add(&o, fn); sb_num(&o, 1 + rng_below(r, 99)); break;
			case 3:
				sb_add(&o, adjectives[rng_below(r, NELEM(adjectives))]);
				sb_add(&o, "-");
				sb_add(&o, nouns[rng_below(r, NELEM(nouns))]);
				break;
			case 4: sb_add(&o, fn); sb_add(&o, "_"); sb_add(&o, ln); break;
			case 5:
				sb_addn(&o, fn, 1);
				sb_add(&o, ln);
				break;
			default:
				sb_add(&o, fn);
				sb_addn(&o, ln, 1);
				sb_num(&o, rng_below(r, 1000));
				break;
			}
		}
		if (attempt > 2)
			sb_num(&o, rng_below(r, 100000));
		if (g->dir && orgdir_lookup(g->dir, o.buf))
			continue;
		if (nameset_add(&g->acct_names, o.buf))
			continue;
		return arena_dup(&g->names, o.buf, o.len);
	}
}

static int setup_accounts(struct gen *g, uint64_t n_models, uint64_t n_datasets)
{
	size_t n_dir = g->dir ? orgdir_count(g->dir) : 0;
	uint32_t n_syn = (uint32_t)((n_models + n_datasets) / 6 + 100);
	uint32_t n_unk = (uint32_t)(n_models / 500 + 5);
	struct rng r;

	rng_init(&r, g->seed, 1);
	if (nameset_init(&g->acct_names, n_dir + N_KNOWN + n_syn + n_unk) < 0)
		return -1;
	if (n_dir > 0) {
		for (size_t i = 0; i < n_dir; i++) {
			const struct org_entry *e = orgdir_entry(g->dir, i), *ce = e;
			const struct known *kn;
			enum pool p;
			double w;
			int64_t ai;
			if (!e || !valid_account(e->account))
				continue;
			if (nameset_add(&g->acct_names, e->account))
				continue; /* the same account twice (an override) */
			if (e->canonical >= 0 && orgdir_entry(g->dir, (size_t)e->canonical))
				ce = orgdir_entry(g->dir, (size_t)e->canonical);
			/* Aliases are legacy or renamed namespaces (and legacy model
			 * ids like "gpt2"): new repositories live under the current one. */
			if (ce != e)
				continue;
			if (ce->type == OT_INDEPENDENT) {
				p = P_IND_DIR;
			} else if (ce->type == OT_UNKNOWN_ORG) {
				continue;
			} else {
				enum country_group cg = ce->n_countries
					? country_group_of(ce->countries[0]) : CG_UNKNOWN;
				p = cg == CG_CN ? P_ORG_CN : cg == CG_US ? P_ORG_US : P_ORG_OT;
			}
			kn = known_find(e->account);
			/* Unknown to us: a modest, varied weight; legacy namespaces
			 * carry less than the organisation's current one. */
			w = kn ? kn->weight : 0.5 + 2.0 * rng_unit(&r) * rng_unit(&r);
			if (ce != e)
				w *= 0.5;
			ai = acct_add(g, e->account, kn, w);
			if (ai < 0 || pool_push(&g->pool[p], (uint32_t)ai, w) < 0)
				return -1;
		}
	}
	if (g->pool[P_ORG_CN].n + g->pool[P_ORG_US].n + g->pool[P_ORG_OT].n == 0) {
		/* No directory (or nothing usable in it): the built-in accounts. */
		for (size_t i = 0; i < N_KNOWN; i++) {
			const struct known *kn = &known_accounts[i];
			enum pool p = kn->type == OT_INDEPENDENT ? P_IND_DIR
				      : kn->group == 'C' ? P_ORG_CN
				      : kn->group == 'U' ? P_ORG_US : P_ORG_OT;
			int64_t ai;
			if (nameset_add(&g->acct_names, kn->account))
				continue;
			ai = acct_add(g, kn->account, kn, kn->weight);
			if (ai < 0 || pool_push(&g->pool[p], (uint32_t)ai, kn->weight) < 0)
				return -1;
		}
	}
	for (uint32_t i = 0; i < n_unk; i++) {
		const char *name = synth_name(g, &r, 1);
		int64_t ai = name ? acct_add(g, name, NULL, 1) : -1;
		if (ai < 0 || pool_push(&g->pool[P_UNK], (uint32_t)ai, 1) < 0)
			return -1;
	}
	g->syn_first = g->n_acct;
	for (uint32_t i = 0; i < n_syn; i++) {
		const char *name = synth_name(g, &r, 0);
		if (!name || acct_add(g, name, NULL, 1) < 0)
			return -1;
	}
	g->syn_count = n_syn;
	g->pool[P_IND_SYN].n = n_syn;

	/* Targets per year, moving the share of a missing kind of
	 * organisation to the kind that can stand in for it. */
	for (int y = 0; y < N_YEARS; y++) {
		double *w = g->w[y], sum = 0;
		memcpy(w, year_mass[y], sizeof year_mass[y]);
		if (!g->pool[P_ORG_CN].n) {
			w[C_ORG_OT] += w[C_ORG_CN];
			w[C_IND_OT] += w[C_IND_CN];
			w[C_ORG_CN] = w[C_IND_CN] = 0;
		}
		if (!g->pool[P_ORG_US].n) {
			w[C_ORG_OT] += w[C_ORG_US];
			w[C_IND_OT] += w[C_IND_US];
			w[C_ORG_US] = w[C_IND_US] = 0;
		}
		if (!g->pool[P_ORG_OT].n) {
			w[C_IND_OT] += w[C_ORG_OT];
			w[C_ORG_OT] = 0;
		}
		for (int c = 0; c < C_COUNT; c++)
			sum += w[c];
		for (int c = 0; c < C_COUNT; c++)
			w[c] /= sum;
	}
	return 0;
}

/* ---- dates ----------------------------------------------------------------- */

static int64_t month_start(int m)
{
	return civil_days(2019 + m / 12, (unsigned)(m % 12 + 1), 1) * DAY;
}

static int month_of(int64_t t)
{
	int lo = 0, hi = N_MONTHS - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (month_start(mid) <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* ---- phase 1: figures and dates --------------------------------------------- */

#define HEAD_MAX 200u
#define TAIL_MEDIAN 200.0
#define TAIL_SIGMA 2.6
#define DEEP_TAIL 2000u /* all-time downloads under which classes follow counts */

static uint32_t head_size(uint64_t n)
{
	return n >= 2000 ? HEAD_MAX : (uint32_t)(n / 10);
}

static void gen_figures(struct gen *g)
{
	uint64_t n = g->n_models;
	uint32_t k = head_size(n);
	double mcum[N_MONTHS], tail_sum = 0, zipf_sum = 0, a;
	struct rng r;

	rng_init(&r, g->seed, 2);
	for (int m = 0; m < N_MONTHS; m++)
		mcum[m] = (m ? mcum[m - 1] : 0) + year_count[m / 12];
	/* Ranks k..n-1: stratified draws of a log-normal, so the shape holds
	 * at every size; ranks 0..k-1: a Zipf head as heavy as the tail. */
	for (uint64_t i = k; i < n; i++) {
		double u = 1.0 - ((double)i + rng_unit(&r)) / (double)n;
		double v = exp(log(TAIL_MEDIAN) + TAIL_SIGMA * norm_quantile(u));
		g->m[i].all = (uint64_t)v;
		tail_sum += (double)g->m[i].all;
	}
	for (uint32_t i = 0; i < k; i++)
		zipf_sum += 1.0 / pow(i + 1.0, 0.9);
	/* A head a little lighter than the tail: ranked by 30-day downloads,
	 * where young tail models overtake old head ones, it then weighs about
	 * as much as the tail too. */
	a = 0.85 * tail_sum / (zipf_sum ? zipf_sum : 1);
	for (uint32_t i = 0; i < k; i++)
		g->m[i].all = (uint64_t)(a / pow(i + 1.0, 0.9) * (0.9 + 0.2 * rng_unit(&r)));

	for (uint64_t i = 0; i < n; i++) {
		struct dmodel *d = &g->m[i];
		int mo = cum_search(mcum, N_MONTHS, rng_unit(&r) * mcum[N_MONTHS - 1]);
		int64_t start = month_start(mo), len = month_start(mo + 1) - start;
		int64_t t = start + (int64_t)(rng_unit(&r) * (double)len);
		int64_t shown = t;
		double age, frac;
		if (mo < 36 && rng_unit(&r) < 0.5)
			shown = T_LEGACY;
		d->created = (uint32_t)(shown - T_2019);
		d->bucket = (uint8_t)(shown == T_LEGACY ? LEGACY_MONTH : mo);
		age = (double)(T_FETCHED - t) / DAY;
		d->age_days = (uint32_t)age;
		/* Share of its downloads a model got in the last 30 days: all of
		 * them when young, less with age; the head stays in demand. */
		frac = age <= 30 ? 1.0 : pow(30.0 / age, 0.75);
		frac *= exp(0.25 * rng_normal(&r));
		if (frac > 1)
			frac = 1;
		d->d30 = (uint64_t)((double)d->all * frac);
		d->base = d->base2 = UINT32_MAX;
	}
}

/* ---- phase 2: classes, uploaders, roles ------------------------------------- */

static int is_ind(int c)
{
	return c == C_IND_CN || c == C_IND_US || c == C_IND_OT;
}

static int pick_weighted(const double *w, int n, struct rng *r)
{
	double sum = 0, x;
	for (int c = 0; c < n; c++)
		sum += w[c] > 0 ? w[c] : 0;
	if (sum <= 0)
		return -1;
	x = rng_unit(r) * sum;
	for (int c = 0; c < n; c++) {
		double v = w[c] > 0 ? w[c] : 0;
		if (x < v)
			return c;
		x -= v;
	}
	for (int c = n - 1; c >= 0; c--)
		if (w[c] > 0)
			return c;
	return -1;
}

static int bucket_of(const struct dmodel *d)
{
	return d->bucket;
}

/* Periods the shares are balanced over: whole years, but 2025 split at
 * April so that both "2025" and "the last year" (from 2025-04-01) are
 * unions of balanced periods.  Longer periods than months keep a few large
 * models from tipping the shares. */
#define N_PERIODS 9
static int period_of(int month)
{
	return month < 72 ? month / 12 : month < 75 ? 6 : month < 84 ? 7 : 8;
}
static const int period_year[N_PERIODS] = { 0, 1, 2, 3, 4, 5, 6, 6, 7 };

static void gen_classes(struct gen *g)
{
	double total[N_PERIODS], have[N_PERIODS][C_COUNT];
	uint64_t n = g->n_models, deep = n;
	struct rng r;

	memset(total, 0, sizeof total);
	memset(have, 0, sizeof have);
	rng_init(&r, g->seed, 3);
	for (uint64_t i = 0; i < n; i++)
		total[period_of(bucket_of(&g->m[i]))] += (double)g->m[i].d30;
	while (deep > head_size(n) && g->m[deep - 1].all < DEEP_TAIL)
		deep--;
	/* The small models first, by counts: most are individuals'. */
	for (uint64_t i = deep; i < n; i++) {
		struct dmodel *d = &g->m[i];
		int b = period_of(bucket_of(d)), y = period_year[b];
		double w[C_COUNT];
		for (int c = 0; c < C_COUNT; c++)
			w[c] = g->w[y][c] * (is_ind(c) ? 4.0 : 0.3);
		d->cls = (uint8_t)pick_weighted(w, C_COUNT, &r);
		have[b][d->cls] += (double)d->d30;
	}
	/* Then from the largest down, filling each period's target shares:
	 * a large model goes where the deficit is largest, the others at
	 * random in proportion to what is missing. */
	for (uint64_t i = 0; i < deep; i++) {
		struct dmodel *d = &g->m[i];
		int b = period_of(bucket_of(d)), y = period_year[b], c = -1;
		double def[C_COUNT], best = 0;
		for (int k = 0; k < C_COUNT; k++) {
			def[k] = g->w[y][k] > 0 ? g->w[y][k] * total[b] - have[b][k] : 0;
			if (g->w[y][k] > 0 && (c < 0 || def[k] > best)) {
				best = def[k];
				c = k;
			}
		}
		if ((double)d->d30 < 0.05 * total[b] || best <= 0) {
			int p = pick_weighted(def, C_COUNT, &r);
			if (p < 0)
				p = pick_weighted(g->w[y], C_COUNT, &r);
			c = p;
		}
		d->cls = (uint8_t)c;
		have[b][c] += (double)d->d30;
	}
	/* Uploader and role. */
	for (uint64_t i = 0; i < n; i++) {
		struct dmodel *d = &g->m[i];
		double u = rng_unit(&r), root_p = 0;
		switch (d->cls) {
		case C_ORG_CN: case C_ORG_US: case C_ORG_OT:
			d->acct = pool_pick(g, (enum pool)d->cls, &r);
			root_p = g->acct[d->acct].kn && g->acct[d->acct].kn->deriv ? 0
				 : i < 50 ? 0.9 : 0.62;
			break;
		case C_IND_OT:
			/* Individuals' own models are mostly small. */
			root_p = i < 1000 ? 0.1 : 0.45;
			/* fall through */
		case C_IND_CN: case C_IND_US:
			d->acct = pool_pick(g, P_IND_SYN, &r);
			break;
		default:
			d->acct = pool_pick(g, P_UNK, &r);
			root_p = 0.8;
			break;
		}
		if (u < root_p) {
			d->rel = R_NONE;
			continue;
		}
		u = rng_unit(&r);
		if (g->acct[d->acct].kn && g->acct[d->acct].kn->deriv)
			d->rel = u < 0.85 ? R_QUANTIZED : R_FINETUNE;
		else if (d->cls <= C_ORG_OT)
			d->rel = u < 0.55 ? R_FINETUNE : u < 0.95 ? R_QUANTIZED : R_ADAPTER;
		else if (d->cls == C_UNK)
			d->rel = R_FINETUNE;
		else
			d->rel = u < 0.40 ? R_FINETUNE : u < 0.75 ? R_QUANTIZED
				 : u < 0.90 ? R_ADAPTER : R_MERGE;
		/* The famous community quantizers. */
		if (is_ind(d->cls) && g->pool[P_IND_DIR].n &&
		    rng_unit(&r) < (d->rel == R_QUANTIZED ? 0.35 : 0.05)) {
			d->acct = pool_pick(g, P_IND_DIR, &r);
			if (d->rel != R_QUANTIZED && d->rel != R_FINETUNE)
				d->rel = R_QUANTIZED;
		}
	}
}

/* ---- phase 3: lineage ------------------------------------------------------- */

/* Candidate bases of one lineage, by date, with cumulative weights and a
 * coarse copy (every CAND_BLOCK-th sum) small enough to stay in cache. */
#define CAND_BLOCK 64u
struct cands {
	uint32_t *idx;
	uint32_t *created;
	double *cum;
	double *coarse;
	uint32_t n;
};

static int cands_alloc(struct cands *c, uint64_t n)
{
	c->n = 0;
	c->idx = malloc((n ? n : 1) * sizeof *c->idx);
	c->created = malloc((n ? n : 1) * sizeof *c->created);
	c->cum = malloc((n ? n : 1) * sizeof *c->cum);
	c->coarse = malloc((n / CAND_BLOCK + 1) * sizeof *c->coarse);
	return c->idx && c->created && c->cum && c->coarse ? 0 : -1;
}

static void cands_free(struct cands *c)
{
	free(c->idx);
	free(c->created);
	free(c->cum);
	free(c->coarse);
}

static void cands_push(struct cands *c, const struct dmodel *m, uint32_t i)
{
	/* Popular models attract derivatives; originals more than fine-tunes. */
	double w = pow((double)m[i].all + 1.0, 0.75) * (m[i].rel == R_NONE ? 1.0 : 0.3);
	c->idx[c->n] = i;
	c->created[c->n] = m[i].created;
	c->cum[c->n] = (c->n ? c->cum[c->n - 1] : 0) + w;
	if (c->n % CAND_BLOCK == CAND_BLOCK - 1)
		c->coarse[c->n / CAND_BLOCK] = c->cum[c->n];
	c->n++;
}

/* Weighted pick among the first n candidates. */
static uint32_t cands_pick(const struct cands *c, uint32_t n, struct rng *r)
{
	double x = rng_unit(r) * c->cum[n - 1];
	uint32_t full = (n - 1) / CAND_BLOCK; /* blocks wholly before entry n-1 */
	uint32_t blk = full ? cum_search(c->coarse, full, x) : 0, first, len;
	if (full && c->coarse[blk] <= x)
		blk = full; /* beyond every full block: the last, partial one */
	first = blk * CAND_BLOCK;
	len = n - first < CAND_BLOCK ? n - first : CAND_BLOCK;
	return c->idx[first + cum_search(c->cum + first, len, x)];
}

/* Number of candidates created strictly before t. */
static uint32_t cands_before(const struct cands *c, uint32_t t)
{
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->created[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Puts the models in order of creation (ties by rank), in place, and
 * fills rank_pos[rank] = new row.  Radix sort of (created, rank) keys, then
 * the permutation applied cycle by cycle: later passes walk the records in
 * memory order instead of jumping around.  Returns -1 out of memory. */
static int sort_by_created(struct gen *g, uint32_t *rank_pos)
{
	uint64_t n = g->n_models;
	uint64_t *key = malloc((n ? n : 1) * sizeof *key), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	uint64_t *cnt = malloc(65536 * sizeof *cnt);
	uint32_t *src = (uint32_t *)tmp; /* reused once the keys are sorted */

	if (!key || !tmp || !cnt) {
		free(key);
		free(tmp);
		free(cnt);
		return -1;
	}
	for (uint64_t i = 0; i < n; i++)
		key[i] = (uint64_t)g->m[i].created << 32 | i;
	for (int shift = 0; shift < 64; shift += 16) {
		uint64_t sum = 0;
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (uint64_t i = 0; i < n; i++)
			cnt[(key[i] >> shift) & 0xffff]++;
		for (size_t b = 0; b < 65536; b++) {
			uint64_t c = cnt[b];
			cnt[b] = sum;
			sum += c;
		}
		for (uint64_t i = 0; i < n; i++)
			tmp[cnt[(key[i] >> shift) & 0xffff]++] = key[i];
		memcpy(key, tmp, n * sizeof *key);
	}
	free(cnt);
	for (uint64_t k = 0; k < n; k++) {
		src[k] = (uint32_t)key[k];
		rank_pos[src[k]] = (uint32_t)k;
	}
	free(key);
	/* Row k takes the record now at src[k]; src[k] = k marks a row done. */
	for (uint64_t k = 0; k < n; k++) {
		struct dmodel held;
		uint64_t j = k;
		if (src[k] == k)
			continue;
		held = g->m[k];
		while (src[j] != k) {
			uint64_t from = src[j];
			g->m[j] = g->m[from];
			src[j] = (uint32_t)j;
			j = from;
		}
		g->m[j] = held;
		src[j] = (uint32_t)j;
	}
	free(tmp);
	return 0;
}

/* Bases are earlier models of the same lineage (a root, or a fine-tune),
 * or when none is earlier, any root of it: chains always end at a root and
 * never loop. */
static int gen_lineage(struct gen *g)
{
	struct cands cand[LN_COUNT], roots[LN_COUNT];
	uint64_t n = g->n_models, cnt[LN_COUNT] = { 0 }, rcnt[LN_COUNT] = { 0 };
	struct rng r;
	int rc = -1;

	memset(cand, 0, sizeof cand);
	memset(roots, 0, sizeof roots);
	rng_init(&r, g->seed, 4);
	for (uint64_t i = 0; i < n; i++) {
		int l = cls_lineage[g->m[i].cls];
		if (g->m[i].rel == R_NONE)
			rcnt[l]++;
		if (g->m[i].rel == R_NONE || g->m[i].rel == R_FINETUNE)
			cnt[l]++;
	}
	for (int l = 0; l < LN_COUNT; l++)
		if (cands_alloc(&cand[l], cnt[l]) < 0 || cands_alloc(&roots[l], rcnt[l]) < 0)
			goto out;
	for (uint64_t k = 0; k < n; k++) {
		uint32_t i = (uint32_t)k;
		int l = cls_lineage[g->m[i].cls];
		if (g->m[i].rel == R_NONE)
			cands_push(&roots[l], g->m, i);
		if (g->m[i].rel == R_NONE || g->m[i].rel == R_FINETUNE)
			cands_push(&cand[l], g->m, i);
	}
	for (uint64_t k = 0; k < n; k++) {
		struct dmodel *d = &g->m[k];
		int l = cls_lineage[d->cls];
		uint32_t before;
		const struct cands *from;
		if (d->rel == R_NONE)
			continue;
		before = cands_before(&cand[l], d->created);
		from = &cand[l];
		if (!before) {
			from = &roots[l];
			before = roots[l].n;
		}
		if (!before) {
			d->rel = R_NONE; /* nothing to build on: an original */
			continue;
		}
		d->base = cands_pick(from, before, &r);
		g->m[d->base].mflags |= MF_HAS_CHILD;
		if (d->rel == R_MERGE) {
			uint32_t b2 = cands_pick(from, before, &r);
			if (b2 != d->base) {
				d->base2 = b2;
				g->m[b2].mflags |= MF_HAS_CHILD;
			}
		}
	}
	rc = 0;
out:
	for (int l = 0; l < LN_COUNT; l++) {
		cands_free(&cand[l]);
		cands_free(&roots[l]);
	}
	return rc;
}

/* ---- phase 4: names and items ----------------------------------------------- */

/* A word for generic family names, from the account ("acme-ai" -> "Acme"). */
static void sb_word(struct sb *o, const char *account)
{
	size_t n = 0;
	for (const char *p = account; *p && n < 12; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) {
			if (n)
				break;
			continue;
		}
		if (n == 0 && ch >= '0' && ch <= '9')
			sb_add(o, "M");
		if (n == 0 && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		sb_addn(o, &ch, 1);
		n++;
	}
	if (!n)
		sb_add(o, "Model");
}

static uint16_t choose_family(const struct gen *g, const struct dmodel *d, struct rng *r)
{
	const struct acct *a = &g->acct[d->acct];
	int year = 2019 + bucket_of(d) / 12;
	uint32_t first, count, pick = UINT32_MAX, seen = 0;

	if (a->fam_count) {
		first = a->fam_first;
		count = a->fam_count;
	} else {
		/* Generic families, then individuals' ones, close the table. */
		uint32_t gen_first = N_FAMILIES, ind_first = N_FAMILIES;
		while (ind_first > 0 && families[ind_first - 1].owner && !families[ind_first - 1].owner[0])
			ind_first--;
		gen_first = ind_first;
		while (gen_first > 0 && !families[gen_first - 1].owner)
			gen_first--;
		if (is_ind(d->cls)) {
			first = ind_first;
			count = (uint32_t)N_FAMILIES - ind_first;
		} else {
			first = gen_first;
			count = ind_first - gen_first;
			/* Generic organisations mostly publish language models. */
			if (rng_unit(r) < 0.55)
				return (uint16_t)(first + rng_below(r, 2));
		}
	}
	/* Families out by then, recent ones first; else the oldest. */
	for (uint32_t f = first; f < first + count; f++) {
		const struct family *fa = &families[f];
		if (fa->owner && families[f].owner[0] && !eq_nocase(fa->owner, a->name))
			continue;
		if (fa->year <= year && fa->year + 3 > year && rng_below(r, ++seen) == 0)
			pick = f;
	}
	if (pick == UINT32_MAX) {
		for (uint32_t f = first; f < first + count; f++)
			if (families[f].year <= year && rng_below(r, ++seen) == 0)
				pick = f;
	}
	if (pick == UINT32_MAX)
		pick = first;
	return (uint16_t)pick;
}

static void root_name(const struct gen *g, struct dmodel *d, struct sb *o, struct rng *r)
{
	const struct family *f = &families[d->family];
	int year = 2019 + bucket_of(d) / 12;
	struct sb tmp;
	for (const char *p = f->stem; *p; p++) {
		if (*p == '@') {
			sb_reset(&tmp);
			sb_word(&tmp, g->acct[d->acct].name);
			sb_add(o, tmp.buf);
		} else if (*p == '#') {
			uint64_t v = (uint64_t)(1 + (year - 2019) / 2 + rng_below(r, 2));
			/* "T5" stays "T5", not "T53". */
			if (o->len && !(o->buf[o->len - 1] >= '0' && o->buf[o->len - 1] <= '9'))
				sb_num(o, v);
		} else {
			sb_addn(o, p, 1);
		}
	}
	sb_reset(&tmp);
	sb_pick(&tmp, r, f->sizes);
	if (tmp.len) {
		sb_add(o, "-");
		sb_add(o, tmp.buf);
	}
	sb_reset(&tmp);
	sb_pick(&tmp, r, f->suffixes);
	if (tmp.len) {
		sb_add(o, "-");
		sb_add(o, tmp.buf);
	}
}

static const char *const ft_textgen =
	"sft|dpo|orpo|grpo|chat|roleplay|medical|math|code|reasoning|uncensored|abliterated|"
	"finetuned|ft|instruct-v2|it-ja|ko-chat|zh-sft|v0.1|v1|distill|legal|function-calling|"
	"summarizer|tr|ar-chat|vi|hi-instruct";
static const char *const ft_tasks = "emotion|imdb|squad|ner|sst2|conll2003|mrpc|cola|tweet-sentiment|xnli";
static const char *const ft_langs = "hi|ar|sw|fr|zh|ja|ko|vi|ta|bn|pt|de|es|tr|id|ur";
static const char *const ft_images = "eurosat|cifar10|food101|beans|oxford-pets|chest-xray";
static const char *const ft_styles = "anime|pixel-art|realistic|watercolor|lcm|product-photo";

/* Derivative name: the base's name and what was done to it. */
static void derived_name(const char *base_id, struct dmodel *d, struct sb *o, struct rng *r)
{
	const char *slash = strchr(base_id, '/');
	const char *bn = slash ? slash + 1 : base_id;
	size_t len = strlen(bn);
	/* Long chains: keep the head of the base's name, cut at a '-'. */
	if (len > 60) {
		len = 60;
		while (len > 20 && bn[len] != '-')
			len--;
	}
	while (len > 1 && (bn[len - 1] == '-' || bn[len - 1] == '.' || bn[len - 1] == '_'))
		len--;
	sb_addn(o, bn, len);
	switch (d->rel) {
	case R_QUANTIZED:
		sb_add(o, "-");
		if (d->lib == LB_GGUF)
			sb_pick(o, r, "GGUF|GGUF|Q4_K_M-GGUF|Q8_0-GGUF|i1-GGUF");
		else if (d->lib == LB_MLX)
			sb_pick(o, r, "4bit|8bit|mlx|MLX-4bit");
		else if (d->lib == LB_TJS)
			sb_pick(o, r, "onnx|ONNX|web");
		else
			sb_pick(o, r, "AWQ|GPTQ-Int4|bnb-4bit|FP8|GPTQ-Int8|unsloth-bnb-4bit");
		break;
	case R_ADAPTER:
		sb_add(o, "-");
		if (d->pipe == PI_T2I) {
			sb_pick(o, r, ft_styles);
			sb_add(o, "-lora");
		} else {
			sb_pick(o, r, "lora|qlora|lora-r16|adapter|LoRA-sft|lora-alpaca");
		}
		break;
	case R_MERGE:
		sb_add(o, "-");
		sb_pick(o, r, "slerp|merge|ties|dare-ties|model-stock|passthrough");
		break;
	default:
		switch (d->pipe) {
		case PI_TXTCLS: case PI_TOKCLS: case PI_QA: case PI_FILLMASK:
			sb_add(o, "-finetuned-");
			sb_pick(o, r, ft_tasks);
			break;
		case PI_ASR: case PI_TTS:
			sb_add(o, "-");
			sb_pick(o, r, ft_langs);
			break;
		case PI_IMGCLS:
			sb_add(o, "-finetuned-");
			sb_pick(o, r, ft_images);
			break;
		case PI_T2I:
			sb_add(o, "-");
			sb_pick(o, r, ft_styles);
			break;
		case PI_SENTSIM: case PI_FEATEX:
			sb_add(o, "-");
			sb_pick(o, r, "ft|legal|medical|ja|ko|finance|code-search|matryoshka");
			break;
		case PI_TEXTGEN: case PI_IMGTXT: case PI_T2T: case PI_SUMM: case PI_TRANS:
			sb_add(o, "-");
			sb_pick(o, r, ft_textgen);
			break;
		default:
			sb_add(o, "-");
			sb_pick(o, r, "finetuned|ft|custom|v1|v2|test");
			break;
		}
	}
}

/* What a derivative keeps of its base, and what its kind implies. */
static void derive_fields(struct gen *g, struct dmodel *d, struct rng *r)
{
	const struct dmodel *b = &g->m[d->base];
	const struct known *kn = g->acct[d->acct].kn;
	int textual = b->pipe == PI_TEXTGEN || b->pipe == PI_IMGTXT;
	double u = rng_unit(r);

	d->family = b->family;
	d->pipe = b->pipe;
	d->lic = u < 0.85 ? b->lic : (uint8_t)(1 + rng_below(r, LI_COUNT - 1));
	if (d->rel == R_MERGE && b->pipe != PI_TEXTGEN)
		d->rel = R_FINETUNE;
	if (d->rel == R_QUANTIZED && !textual && b->pipe != PI_SENTSIM && b->pipe != PI_FEATEX)
		d->rel = R_FINETUNE;
	u = rng_unit(r);
	switch (d->rel) {
	case R_QUANTIZED:
		if (!textual)
			d->lib = LB_TJS;
		else if (kn && kn->lib)
			d->lib = kn->lib;
		else
			d->lib = u < 0.6 ? LB_GGUF : u < 0.75 ? LB_MLX : LB_TRANSFORMERS;
		break;
	case R_ADAPTER:
		d->lib = b->pipe == PI_T2I ? LB_DIFFUSERS : LB_PEFT;
		break;
	case R_MERGE:
		d->lib = LB_TRANSFORMERS;
		break;
	default:
		d->lib = b->lib == LB_GGUF || b->lib == LB_MLX ? LB_TRANSFORMERS : b->lib;
		if (b->pipe == PI_FILLMASK)
			d->pipe = u < 0.6 ? PI_TXTCLS : u < 0.85 ? PI_TOKCLS : PI_QA;
		break;
	}
}

static const char *const rel_tag[] = { NULL, "base_model:finetune:", "base_model:adapter:",
				       "base_model:quantized:", "base_model:merge:" };

static int add_model(struct gen *g, uint32_t i, struct nameset *ids, struct rng *r)
{
	struct dmodel *d = &g->m[i];
	struct acct *a = &g->acct[d->acct];
	struct ht_item it;
	struct sb id, name, tag[2];
	int64_t created = (int64_t)d->created + T_2019;
	double likes, mod;

	if (d->rel == R_NONE) {
		const struct family *f;
		d->family = choose_family(g, d, r);
		f = &families[d->family];
		d->pipe = f->pipe;
		d->lib = f->lib;
		d->lic = f->lic;
		if (f->gated && f->owner && *f->owner)
			d->hflags = f->gated == 2 ? HT_F_GATED | HT_F_GATED_MAN : HT_F_GATED;
		else if (rng_unit(r) < 0.003)
			d->hflags = HT_F_GATED;
	} else {
		derive_fields(g, d, r);
	}
	for (unsigned attempt = 0;; attempt++) {
		sb_reset(&name);
		if (d->rel == R_NONE)
			root_name(g, d, &name, r);
		else
			derived_name(g->m[d->base].id, d, &name, r);
		if (attempt == 1) {
			/* Same name again: a dated release, as labs do. */
			int m = month_of(created);
			sb_add(&name, "-");
			sb_num(&name, (uint64_t)(19 + m / 12));
			if (m % 12 < 9)
				sb_add(&name, "0");
			sb_num(&name, (uint64_t)(m % 12 + 1));
		} else if (attempt > 1 && attempt < 5) {
			sb_add(&name, "-v");
			sb_num(&name, attempt);
		} else if (attempt >= 5) {
			/* Crowded name space (big sizes): the row number is unique. */
			sb_add(&name, "-");
			sb_num(&name, i);
			if (attempt > 5) {
				sb_add(&name, "-");
				sb_num(&name, attempt);
			}
		}
		sb_reset(&id);
		sb_add(&id, a->name);
		sb_add(&id, "/");
		if (id.len + name.len > 200)
			name.len = id.len < 190 ? 200 - id.len : 10;
		while (name.len > 1 && strchr("-._", name.buf[name.len - 1]))
			name.len--;
		name.buf[name.len] = '\0';
		sb_add(&id, name.buf);
		if (!table_id_valid(id.buf)) {
			sb_reset(&id);
			sb_add(&id, a->name);
			sb_add(&id, "/model-");
			sb_num(&id, i);
			sb_add(&id, "-");
			sb_num(&id, attempt);
		}
		if (!nameset_add(ids, id.buf))
			break;
		if (attempt > 1000)
			return -1; /* cannot happen with valid account names */
	}
	if (d->mflags & MF_HAS_CHILD) {
		d->id = arena_dup(&g->names, id.buf, id.len);
		if (!d->id)
			return -1;
	}
	d->mflags |= MF_DONE;
	a->used = 1;

	memset(&it, 0, sizeof it);
	it.id = id.buf;
	it.downloads = d->d30;
	it.downloads_all = d->all;
	likes = pow((double)d->all, 0.6) * 0.05 * exp(0.8 * rng_normal(r));
	it.likes = likes > 1e6 ? 1000000u : (uint32_t)likes;
	if (d->age_days < 60)
		it.trending = (uint32_t)((double)it.likes * (60.0 - d->age_days) / 60.0 * rng_unit(r));
	it.created = created;
	mod = rng_unit(r); /* last change: more often soon after creation */
	it.modified = created + (int64_t)((double)(T_FETCHED - created) * mod * mod);
	it.pipeline = pipe_name[d->pipe];
	it.library = lib_name[d->lib];
	it.license = lic_name[d->lic];
	it.flags = d->hflags;
	if (d->lic)
		it.tags[it.n_tags++] = lic_tag[d->lic];
	if (d->rel != R_NONE) {
		sb_reset(&tag[0]);
		sb_add(&tag[0], rel_tag[d->rel]);
		sb_add(&tag[0], g->m[d->base].id);
		it.tags[it.n_tags++] = tag[0].buf;
		if (d->base2 != UINT32_MAX) {
			sb_reset(&tag[1]);
			sb_add(&tag[1], rel_tag[d->rel]);
			sb_add(&tag[1], g->m[d->base2].id);
			it.tags[it.n_tags++] = tag[1].buf;
		}
	}
	return table_builder_add(g->b, HT_MODELS, &it) < 0 ? -1 : 0;
}

static int gen_models(struct gen *g)
{
	uint64_t n = g->n_models;
	uint32_t *rank_pos = malloc((n ? n : 1) * sizeof *rank_pos);
	struct nameset ids = { 0 };
	struct rng r;
	int rc = -1;

	if (!rank_pos || nameset_init(&ids, n) < 0)
		goto out;
	gen_figures(g);
	gen_classes(g);
	/* From here on rows are in order of creation. */
	if (sort_by_created(g, rank_pos) < 0 || gen_lineage(g) < 0)
		goto out;
	/* Originals first, the most downloaded first so that they get the
	 * plain names; then derivatives by date: every base is named before
	 * the models that name it. */
	rng_init(&r, g->seed, 5);
	for (uint64_t k = 0; k < n && k < 20000; k++) {
		uint32_t i = rank_pos[k];
		if (g->m[i].rel == R_NONE && add_model(g, i, &ids, &r) < 0)
			goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t k = 0; k < n; k++) {
			const struct dmodel *d = &g->m[k];
			if ((d->mflags & MF_DONE) || (d->rel == R_NONE) != (pass == 0))
				continue;
			if (add_model(g, (uint32_t)k, &ids, &r) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(rank_pos);
	free(ids.slot);
	return rc;
}

/* ---- datasets ------------------------------------------------------------- */

struct topic {
	const char *name, *task, *lang;
};

static const struct topic topics[] = {
	{ "squad", "question-answering", "en" },
	{ "openwebtext", "text-generation", "en" },
	{ "alpaca", "text-generation", "en" },
	{ "ultrachat", "text-generation", "en" },
	{ "gsm8k", "text-generation", "en" },
	{ "math-reasoning", "question-answering", "en" },
	{ "code-instructions", "text-generation", "en" },
	{ "imdb", "text-classification", "en" },
	{ "tweet-sentiment", "text-classification", "en" },
	{ "news-topics", "text-classification", "en" },
	{ "conll-ner", "token-classification", "en" },
	{ "wikitext", "text-generation", "en" },
	{ "wiki-corpus", "fill-mask", "multilingual" },
	{ "common-voice", "automatic-speech-recognition", "multilingual" },
	{ "speech-commands", "audio-classification", "en" },
	{ "librispeech-clean", "automatic-speech-recognition", "en" },
	{ "coco-captions", "image-to-text", "en" },
	{ "pets-images", "image-classification", "" },
	{ "chest-xray", "image-classification", "" },
	{ "product-photos", "text-to-image", "en" },
	{ "anime-portraits", "text-to-image", "en" },
	{ "parallel-corpus", "translation", "multilingual" },
	{ "dialogue", "text-generation", "zh" },
	{ "instruct", "text-generation", "zh" },
	{ "ko-instructions", "text-generation", "ko" },
	{ "japanese-qa", "question-answering", "ja" },
	{ "arabic-news", "text-classification", "ar" },
	{ "hindi-corpus", "text-generation", "hi" },
	{ "german-legal", "text-generation", "de" },
	{ "french-reviews", "text-classification", "fr" },
	{ "spanish-medical", "question-answering", "es" },
	{ "preference-pairs", "text-generation", "en" },
	{ "rlhf-feedback", "reinforcement-learning", "en" },
	{ "retrieval-pairs", "sentence-similarity", "en" },
	{ "table-qa", "table-question-answering", "en" },
	{ "docvqa", "visual-question-answering", "en" },
	{ "summaries", "summarization", "en" },
	{ "time-series-energy", "time-series-forecasting", "" },
	{ "video-clips", "video-classification", "" },
	{ "robot-trajectories", "robotics", "" },
};

static const char *const ds_variants =
	"|cleaned|v2|filtered|sample|10k|50k|dedup|mini|large|sft|dpo|eval|train|processed|"
	"formatted|tokenized|subset|gpt4|synthetic";

static const char *lang_tag(const char *lang, struct sb *o)
{
	sb_reset(o);
	sb_add(o, "language:");
	sb_add(o, lang);
	return o->buf;
}

static int gen_datasets(struct gen *g, uint64_t n)
{
	static const char *const extra_langs[] = { "en", "zh", "fr", "de", "es", "ja", "ko", "ru",
						   "ar", "hi", "pt", "it", "vi", "tr", "id", "sw" };
	struct nameset ids = { 0 };
	struct rng r;
	uint32_t k = head_size(n);
	double tail_sum = 0, zipf_sum = 0, a;
	uint64_t *all = NULL;
	int rc = -1;

	if (!n)
		return 0;
	all = malloc(n * sizeof *all);
	if (!all || nameset_init(&ids, n) < 0)
		goto out;
	rng_init(&r, g->seed, 6);
	for (uint64_t i = k; i < n; i++) {
		double u = 1.0 - ((double)i + rng_unit(&r)) / (double)n;
		all[i] = (uint64_t)exp(log(60.0) + 2.8 * norm_quantile(u));
		tail_sum += (double)all[i];
	}
	for (uint32_t i = 0; i < k; i++)
		zipf_sum += 1.0 / pow(i + 1.0, 0.9);
	a = tail_sum / (zipf_sum ? zipf_sum : 1);
	for (uint32_t i = 0; i < k; i++)
		all[i] = (uint64_t)(a / pow(i + 1.0, 0.9) * (0.9 + 0.2 * rng_unit(&r)));

	for (uint64_t i = 0; i < n; i++) {
		const struct topic *t = &topics[rng_below(&r, NELEM(topics))];
		struct ht_item it;
		struct sb id, task, lang[3];
		uint32_t acct;
		int y = (int)rng_below(&r, 100), yr;
		int64_t start, end;
		double age, frac, likes, mod;

		/* Datasets by year: 2019 few, most since 2023. */
		yr = y < 3 ? 0 : y < 8 ? 1 : y < 16 ? 2 : y < 28 ? 3 : y < 45 ? 4 : y < 68 ? 5 : y < 92 ? 6 : 7;
		start = month_start(yr * 12);
		end = yr == 7 ? T_FETCHED : month_start(yr * 12 + 12);
		if (rng_unit(&r) < 0.3) {
			static const enum pool op[3] = { P_ORG_CN, P_ORG_US, P_ORG_OT };
			enum pool p = op[rng_below(&r, 3)];
			acct = g->pool[p].n ? pool_pick(g, p, &r) : pool_pick(g, P_IND_SYN, &r);
		} else {
			acct = pool_pick(g, P_IND_SYN, &r);
		}
		g->acct[acct].used = 1;
		memset(&it, 0, sizeof it);
		it.created = start + (int64_t)(rng_unit(&r) * (double)(end - start));
		if (yr < 3 && rng_unit(&r) < 0.5)
			it.created = T_LEGACY;
		age = (double)(T_FETCHED - it.created) / DAY;
		frac = age <= 30 ? 1.0 : pow(30.0 / age, 0.75) * exp(0.25 * rng_normal(&r));
		it.downloads_all = all[i];
		it.downloads = (uint64_t)((double)all[i] * (frac > 1 ? 1 : frac));
		likes = pow((double)all[i], 0.55) * 0.05 * exp(0.8 * rng_normal(&r));
		it.likes = likes > 1e6 ? 1000000u : (uint32_t)likes;
		if (age < 60)
			it.trending = (uint32_t)((double)it.likes * (60.0 - age) / 60.0 * rng_unit(&r));
		mod = rng_unit(&r); /* last change: more often soon after creation */
		it.modified = it.created + (int64_t)((double)(T_FETCHED - it.created) * mod * mod);
		it.license = lic_name[rng_unit(&r) < 0.7 ? (rng_below(&r, 2) ? LI_MIT : LI_APACHE)
						      : (uint8_t)(1 + rng_below(&r, LI_COUNT - 1))];
		if (rng_unit(&r) < 0.01)
			it.flags = HT_F_GATED;

		for (unsigned attempt = 0;; attempt++) {
			sb_reset(&id);
			sb_add(&id, g->acct[acct].name);
			sb_add(&id, "/");
			sb_add(&id, t->name);
			sb_reset(&task);
			sb_pick(&task, &r, ds_variants);
			if (task.len) {
				sb_add(&id, "-");
				sb_add(&id, task.buf);
			}
			if (attempt > 2 && attempt < 6) {
				sb_add(&id, "-");
				sb_num(&id, attempt);
			} else if (attempt >= 6) {
				sb_add(&id, "-");
				sb_num(&id, i);
				if (attempt > 6) {
					sb_add(&id, "-");
					sb_num(&id, attempt);
				}
			}
			if (!table_id_valid(id.buf)) {
				sb_reset(&id);
				sb_add(&id, g->acct[acct].name);
				sb_add(&id, "/dataset-");
				sb_num(&id, i);
				sb_add(&id, "-");
				sb_num(&id, attempt);
			}
			if (!nameset_add(&ids, id.buf))
				break;
			if (attempt > 1000)
				goto out;
		}
		it.id = id.buf;
		sb_reset(&task);
		sb_add(&task, "task_categories:");
		sb_add(&task, t->task);
		it.tags[it.n_tags++] = task.buf;
		if (*t->lang)
			it.tags[it.n_tags++] = lang_tag(t->lang, &lang[0]);
		if (!strcmp(t->lang, "multilingual") || rng_unit(&r) < 0.1) {
			it.tags[it.n_tags++] = lang_tag(extra_langs[rng_below(&r, NELEM(extra_langs))], &lang[1]);
			it.tags[it.n_tags++] = lang_tag(extra_langs[rng_below(&r, NELEM(extra_langs))], &lang[2]);
			if (!strcmp(it.tags[it.n_tags - 1], it.tags[it.n_tags - 2]))
				it.n_tags--;
		}
		if (it.license)
			for (int l = 1; l < LI_COUNT; l++)
				if (lic_name[l] == it.license)
					it.tags[it.n_tags++] = lic_tag[l];
		if (table_builder_add(g->b, HT_DATASETS, &it) < 0)
			goto out;
	}
	rc = 0;
out:
	free(all);
	free(ids.slot);
	return rc;
}

/* ---- entry points ------------------------------------------------------------ */

static void gen_free(struct gen *g)
{
	for (int p = 0; p < P_COUNT; p++) {
		free(g->pool[p].acct);
		free(g->pool[p].cum);
	}
	free(g->acct);
	free(g->m);
	free(g->acct_names.slot);
	arena_free(&g->names);
	if (g->b)
		table_builder_free(g->b);
}

struct ht_snapshot *demo_generate(uint64_t n_models, uint64_t n_datasets, uint64_t seed,
				  const struct orgdir *d)
{
	struct gen g;
	struct ht_meta meta;
	struct ht_snapshot *s;

	if (n_models > DEMO_MAX_ITEMS || n_datasets > DEMO_MAX_ITEMS)
		return NULL;
	memset(&g, 0, sizeof g);
	g.seed = seed;
	g.dir = d && orgdir_count(d) ? d : NULL;
	g.n_models = n_models;
	g.m = calloc(n_models ? n_models : 1, sizeof *g.m);
	g.b = table_builder_new();
	if (!g.m || !g.b || setup_accounts(&g, n_models, n_datasets) < 0 ||
	    gen_models(&g) < 0 || gen_datasets(&g, n_datasets) < 0) {
		gen_free(&g);
		return NULL;
	}
	/* Organisations the directory does not know, as the hub client
	 * would have learned them. */
	for (uint32_t i = 0; i < g.pool[P_UNK].n; i++) {
		const struct acct *a = &g.acct[g.pool[P_UNK].acct[i]];
		if (a->used && table_builder_set_account_kind(g.b, a->name, HT_ACCT_ORG) < 0) {
			gen_free(&g);
			return NULL;
		}
	}
	memset(&meta, 0, sizeof meta);
	meta.format_version = STORE_FORMAT_VERSION;
	meta.demo = 1;
	meta.complete = 1;
	meta.fetched_at = T_FETCHED;
	meta.as_of = T_FETCHED;
	memcpy(meta.endpoint, "demo", 5);
	s = table_builder_finish(g.b, &meta);
	g.b = NULL;
	gen_free(&g);
	return s;
}

int demo_write(uint64_t n_models, uint64_t n_datasets, uint64_t seed, const struct orgdir *d,
	       const char *path, char *err, size_t errlen)
{
	struct store_err se;
	struct ht_snapshot *s;

	if (n_models > DEMO_MAX_ITEMS || n_datasets > DEMO_MAX_ITEMS) {
		snprintf(err, errlen,
			 "demo: %llu models and %llu datasets asked; at most %llu of each can be "
			 "generated: ask for fewer",
			 (unsigned long long)n_models, (unsigned long long)n_datasets,
			 (unsigned long long)DEMO_MAX_ITEMS);
		return -1;
	}
	s = demo_generate(n_models, n_datasets, seed, d);
	if (!s) {
		snprintf(err, errlen,
			 "demo: out of memory generating %llu models and %llu datasets: "
			 "ask for fewer or free memory",
			 (unsigned long long)n_models, (unsigned long long)n_datasets);
		return -1;
	}
	if (store_write(s, path, &se) < 0) {
		snprintf(err, errlen, "%s", se.msg);
		table_free(s);
		return -1;
	}
	table_free(s);
	return 0;
}
