/* demo_priv.h - what the demo generator's two files share: its fixed clock,
 * random streams, small string and name helpers, vocabulary, classes and
 * the generator's state.  Private to src/session/demo*.c. */
#ifndef HUBTOP_DEMO_PRIV_H
#define HUBTOP_DEMO_PRIV_H

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

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
	for (int i = 0; i < 4; i++) {
		x += 0x9E3779B97F4A7C15ull;
		r->s[i] = mix64(x);
	}
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
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
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Inverse of the standard normal distribution (rational approximation,
 * relative error about 1e-9: far finer than the rounding to integers). */
static inline double norm_quantile(double p)
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

static inline double rng_normal(struct rng *r)
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

static inline void sb_reset(struct sb *o)
{
	o->len = 0;
	o->buf[0] = '\0';
}

static inline void sb_addn(struct sb *o, const char *s, size_t n)
{
	if (n > sizeof o->buf - 1 - o->len)
		n = sizeof o->buf - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static inline void sb_add(struct sb *o, const char *s)
{
	sb_addn(o, s, strlen(s));
}

static inline void sb_num(struct sb *o, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_addn(o, tmp + sizeof tmp - n, n);
}

static inline char lower_ascii(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline int eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower_ascii(*a) != lower_ascii(*b))
			return 0;
	return *a == *b;
}

/* Number of '|' separated fields of a list (an empty list has one, empty). */
static inline uint32_t field_count(const char *list)
{
	uint32_t n = 1;
	for (; *list; list++)
		n += *list == '|';
	return n;
}

/* Large tables are probed at random: ask for huge pages to spare the TLB
 * (a hint; ignored where unsupported). */
static inline void advise_huge(void *p, size_t len)
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

static inline void sb_pick(struct sb *o, struct rng *r, const char *list)
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

static inline char *arena_dup(struct arena *a, const char *s, size_t len)
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

static inline void arena_free(struct arena *a)
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

static inline int nameset_init(struct nameset *ns, uint64_t expect)
{
	uint64_t size = 1024;
	while (size < expect * 2)
		size <<= 1;
	ns->slot = calloc(size, sizeof *ns->slot);
	ns->mask = size - 1;
	advise_huge(ns->slot, size * sizeof *ns->slot);
	return ns->slot ? 0 : -1;
}

static inline uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)lower_ascii(*s)) * 0x100000001b3ull;
	h = mix64(h);
	return h ? h : 1;
}

/* Adds a name; returns 0 if it was new, 1 if already present. The set is
 * sized for twice the names it will hold, so probing stays short. */
static inline int nameset_add(struct nameset *ns, const char *s)
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
	uint8_t lang;            /* demo_items.c's model languages: 0 none, else index + 1 */
	uint64_t params;         /* total parameters, 0 unknown (derivatives read their base's) */
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


/* The phases before names (demo.c), shared with demo_items.c. */
int demo_bucket_of(const struct dmodel *d);
int demo_is_ind(int c);
int demo_month_of(int64_t t);
void demo_gen_figures(struct gen *g);
void demo_gen_classes(struct gen *g);
int demo_sort_by_created(struct gen *g, uint32_t *rank_pos);
int demo_gen_lineage(struct gen *g);
uint32_t demo_head_size(uint64_t n);
int64_t demo_month_start(int m);
uint32_t demo_pool_pick(struct gen *g, enum pool p, struct rng *r);

/* Phase 4 and the datasets (demo_items.c). */
int demo_gen_models(struct gen *g);
int demo_gen_datasets(struct gen *g, uint64_t n);

#endif
