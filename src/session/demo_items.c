/* demo_items.c - the demo generator's last phase: names for every model,
 * its fields, the items handed to the table builder; then the datasets. */
#include <ctype.h>
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
#include "demo_priv.h"

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
	int year = 2019 + demo_bucket_of(d) / 12;
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
		if (demo_is_ind(d->cls)) {
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
	int year = 2019 + demo_bucket_of(d) / 12;
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

/* ---- sizes and languages ----------------------------------------------- */

/* Languages of models: most carry none; English leads, then Chinese and
 * several at once (LANG_SEVERAL: two tags). */
static const char *const model_langs[] = { "en", "zh", "fr", "de", "es", "ja", "ko", "ru", "ar", "hi", "vi" };
#define LANG_SEVERAL 255

/* A size written in a name ("7B", "1_8B", "0.5B", "350M"), 0 when none. */
static uint64_t size_in_name(const char *name)
{
	for (const char *p = name; *p; p++) {
		uint64_t whole = 0, frac = 0, div = 1;
		const char *q = p;
		if (!isdigit((unsigned char)*p) || (p > name && isalnum((unsigned char)p[-1])))
			continue;
		while (isdigit((unsigned char)*q))
			whole = whole * 10 + (uint64_t)(*q++ - '0');
		if ((*q == '.' || *q == '_') && isdigit((unsigned char)q[1]))
			for (q++; isdigit((unsigned char)*q); q++)
				if (div < 1000) {
					frac = frac * 10 + (uint64_t)(*q - '0');
					div *= 10;
				}
		if ((*q == 'B' || *q == 'b' || *q == 'M' || *q == 'm') && !isalpha((unsigned char)q[1])) {
			uint64_t unit = (*q == 'B' || *q == 'b') ? 1000000000ull : 1000000ull;
			if (whole || frac)
				return whole * unit + frac * unit / div;
		}
	}
	return 0;
}

/* The parameters and languages of model i, from a stream of its own so
 * that the rest of the demo does not move: sizes from the name when it
 * has one, else typical of the task; derivatives take their base's (an
 * adapter holds a few percent of it); older models more often without
 * safetensors or gguf, so of unknown size. */
static void model_dims(struct gen *g, struct dmodel *d, uint32_t i, const char *id, struct ht_item *it,
		       struct sb *lang)
{
	struct rng r;
	double u, year = 2019.0 + d->created / 31557600.0;
	uint64_t p = 0;
	rng_init(&r, g->seed ^ 0x5a17e5ull, i);
	u = rng_unit(&r);
	if (d->rel != R_NONE && g->m[d->base].params) {
		p = g->m[d->base].params;
		if (d->rel == R_ADAPTER)
			p = p / 50 + 1000000ull * (1 + rng_below(&r, 8));
	} else if (!(p = size_in_name(id))) {
		static const double typical[PI_COUNT] = { [PI_TEXTGEN] = 1.2e9, [PI_FILLMASK] = 1.4e8,
			[PI_SENTSIM] = 1.1e8, [PI_FEATEX] = 1.1e8, [PI_ASR] = 3e8, [PI_T2I] = 1e9,
			[PI_IMGTXT] = 4e9, [PI_TXTCLS] = 1.2e8, [PI_TOKCLS] = 1.1e8, [PI_QA] = 1.2e8,
			[PI_IMGCLS] = 8.6e7, [PI_TRANS] = 7.5e7, [PI_TTS] = 8e7, [PI_RL] = 2e6 };
		double t = d->pipe < PI_COUNT && typical[d->pipe] > 0 ? typical[d->pipe] : 1e8;
		p = (uint64_t)(t * exp(0.9 * rng_normal(&r)));
	}
	/* safetensors became the norm from 2023: before, most weights were
	 * pickles, which give no count */
	if (u < (year < 2022 ? 0.75 : year < 2023 ? 0.5 : 0.2))
		p = 0;
	d->params = p;
	it->params = p;
	if (!p)
		it->flags |= HT_F_PARAMS_UNKNOWN;
	if (d->rel != R_NONE && rng_unit(&r) < 0.8) {
		d->lang = g->m[d->base].lang;
	} else {
		double v = rng_unit(&r);
		d->lang = v < 0.68 ? 0 : v < 0.86 ? 1 : v < 0.92 ? 2 : v < 0.95 ? LANG_SEVERAL :
			  (uint8_t)(3 + rng_below(&r, NELEM(model_langs) - 2));
		if (strstr(id, "chinese") || strstr(id, "Chinese"))
			d->lang = 2;
	}
	if (d->lang == LANG_SEVERAL) {
		it->tags[it->n_tags++] = "language:en";
		it->tags[it->n_tags++] = rng_unit(&r) < 0.5 ? "language:zh" : "language:fr";
	} else if (d->lang) {
		sb_reset(lang);
		sb_add(lang, "language:");
		sb_add(lang, model_langs[d->lang - 1]);
		it->tags[it->n_tags++] = lang->buf;
	}
}

static int add_model(struct gen *g, uint32_t i, struct nameset *ids, struct rng *r)
{
	struct dmodel *d = &g->m[i];
	struct acct *a = &g->acct[d->acct];
	struct ht_item it;
	struct sb id, name, tag[2], lang;
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
			int m = demo_month_of(created);
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
	model_dims(g, d, i, id.buf, &it, &lang);
	return table_builder_add(g->b, HT_MODELS, &it) < 0 ? -1 : 0;
}

int demo_gen_models(struct gen *g)
{
	uint64_t n = g->n_models;
	uint32_t *rank_pos = malloc((n ? n : 1) * sizeof *rank_pos);
	struct nameset ids = { 0 };
	struct rng r;
	int rc = -1;

	if (!rank_pos || nameset_init(&ids, n) < 0)
		goto out;
	demo_gen_figures(g);
	demo_gen_classes(g);
	/* From here on rows are in order of creation. */
	if (demo_sort_by_created(g, rank_pos) < 0 || demo_gen_lineage(g) < 0)
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

int demo_gen_datasets(struct gen *g, uint64_t n)
{
	static const char *const extra_langs[] = { "en", "zh", "fr", "de", "es", "ja", "ko", "ru",
						   "ar", "hi", "pt", "it", "vi", "tr", "id", "sw" };
	struct nameset ids = { 0 };
	struct rng r;
	uint32_t k = demo_head_size(n);
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
		start = demo_month_start(yr * 12);
		end = yr == 7 ? T_FETCHED : demo_month_start(yr * 12 + 12);
		if (rng_unit(&r) < 0.3) {
			static const enum pool op[3] = { P_ORG_CN, P_ORG_US, P_ORG_OT };
			enum pool p = op[rng_below(&r, 3)];
			acct = g->pool[p].n ? demo_pool_pick(g, p, &r) : demo_pool_pick(g, P_IND_SYN, &r);
		} else {
			acct = demo_pool_pick(g, P_IND_SYN, &r);
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

