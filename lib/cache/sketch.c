/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Count-min sketch of misses for TinyLFU admission (Einziger, Friedman,
 * Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", 2017).
 *
 * 4 rows of 4-bit counters packed 16 to a 64-bit word; each row has
 * 2 * next_pow2(entries) counters (4 bytes of sketch per entry). Updates
 * are conservative (only the counters equal to the minimum are raised),
 * which keeps the estimate of a key seen once close to 1 even after many
 * other keys were counted. Every `period` = 10 * entries samples all
 * counters are halved (TinyLFU's reset), spread over the following
 * samples, 8 words per sample, so no single call does O(size) work.
 * Worker-private: no atomics.
 */
#include "cache_priv.h"

#define HALVE_STEP 8
#define NIBBLES_LO 0x7777777777777777ull

/* Odd 64-bit multipliers: one independent-ish hash per row. */
static const uint64_t row_seed[TW_SKETCH_ROWS] = {
	0x9e3779b97f4a7c15ull,
	0xc2b2ae3d27d4eb4full,
	0x165667b19e3779f9ull,
	0xd6e8feb86659fd93ull,
};

static inline uint32_t
row_index(const struct tw_cache_sketch *s, uint32_t h, unsigned r)
{
	return (uint32_t)(((uint64_t)h * row_seed[r]) >> (64 - s->log_width));
}

static inline uint64_t *
row_word(const struct tw_cache_sketch *s, unsigned r, uint32_t i)
{
	return &s->words[(size_t)r * s->row_words + (i >> 4)];
}

static inline unsigned
get_ctr(const struct tw_cache_sketch *s, unsigned r, uint32_t i)
{
	return (unsigned)(*row_word(s, r, i) >> ((i & 15) * 4)) & 15;
}

int
tw_sketch_init(struct tw_cache_sketch *s, uint32_t entries,
	       const struct tw_cache_config *cfg, uint32_t worker)
{
	uint32_t log_width = 6; /* at least 64 counters: 4 words per row */
	size_t n;

	while (log_width < 31 && (1ull << log_width) < 2ull * entries)
		log_width++;
	s->log_width = log_width;
	s->row_words = (1u << log_width) / 16;
	n = (size_t)TW_SKETCH_ROWS * s->row_words;
	s->words = tw_cache_table_alloc(cfg, worker, n * sizeof(uint64_t),
					TW_CACHE_LINE, &s->mem);
	if (s->words == NULL)
		return -ENOMEM;
	s->halve_pos = 0;
	s->halve_end = 0;
	s->samples = 0;
	s->period = 10ull * entries;
	return 0;
}

void
tw_sketch_fini(struct tw_cache_sketch *s, const struct tw_cache_config *cfg)
{
	tw_cache_table_free(cfg, &s->mem);
	s->words = NULL;
}

uint32_t
tw_sketch_estimate(const struct tw_cache_sketch *s, uint32_t h)
{
	unsigned m = 15;

	for (unsigned r = 0; r < TW_SKETCH_ROWS; r++) {
		unsigned v = get_ctr(s, r, row_index(s, h, r));

		if (v < m)
			m = v;
	}
	return m;
}

void
tw_sketch_add(struct tw_cache_sketch *s, uint32_t h)
{
	uint32_t idx[TW_SKETCH_ROWS];
	unsigned v[TW_SKETCH_ROWS], m = 15;

	for (unsigned r = 0; r < TW_SKETCH_ROWS; r++) {
		idx[r] = row_index(s, h, r);
		v[r] = get_ctr(s, r, idx[r]);
		if (v[r] < m)
			m = v[r];
	}
	if (m < 15) {
		for (unsigned r = 0; r < TW_SKETCH_ROWS; r++)
			if (v[r] == m)
				*row_word(s, r, idx[r]) +=
					1ull << ((idx[r] & 15) * 4);
	}
	if (++s->samples >= s->period && s->halve_end == 0) {
		s->samples = 0;
		s->halve_pos = 0;
		s->halve_end = TW_SKETCH_ROWS * s->row_words;
	}
	for (unsigned k = 0; k < HALVE_STEP && s->halve_end != 0; k++) {
		uint64_t *wd = &s->words[s->halve_pos];

		*wd = (*wd >> 1) & NIBBLES_LO;
		if (++s->halve_pos == s->halve_end)
			s->halve_end = 0;
	}
}
