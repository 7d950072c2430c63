/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the lib/cache unit tests: a tiny DNS response writer,
 * key construction and thread-safe counting allocation hooks.
 */
#ifndef TW_CACHE_TEST_H
#define TW_CACHE_TEST_H

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_cache.h"

/* Counting allocation hooks (atomic: several threads allocate). */
static atomic_long t_allocs, t_frees;
static atomic_int t_fail_after = -1; /* fail the Nth allocation from now */

static int
t_should_fail(void)
{
	int n = atomic_load(&t_fail_after);

	if (n < 0)
		return 0;
	if (n == 0)
		return 1;
	atomic_store(&t_fail_after, n - 1);
	return 0;
}

static void *
t_malloc(size_t size, void *ctx)
{
	void *p;

	(void)ctx;
	if (t_should_fail())
		return NULL;
	p = malloc(size);
	if (p != NULL)
		atomic_fetch_add(&t_allocs, 1);
	return p;
}

static void *
t_calloc(size_t n, size_t size, void *ctx)
{
	void *p;

	(void)ctx;
	if (t_should_fail())
		return NULL;
	p = calloc(n, size);
	if (p != NULL)
		atomic_fetch_add(&t_allocs, 1);
	return p;
}

static void *
t_realloc(void *p, size_t size, void *ctx)
{
	(void)ctx;
	(void)p;
	(void)size;
	return NULL; /* lib/cache never reallocates */
}

static void
t_free(void *p, void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&t_frees, 1);
	free(p);
}

static inline void
t_hooks_install(void)
{
	static const struct tw_alloc_hooks h = {
		.malloc_fn = t_malloc,
		.calloc_fn = t_calloc,
		.realloc_fn = t_realloc,
		.free_fn = t_free,
	};
	atomic_store(&t_allocs, 0);
	atomic_store(&t_frees, 0);
	atomic_store(&t_fail_after, -1);
	tw_alloc_set_hooks(&h);
}

static inline long
t_outstanding(void)
{
	return atomic_load(&t_allocs) - atomic_load(&t_frees);
}

/* Per-test setup and teardown: counting hooks on, then no leak. */
static inline int
t_setup(void **state)
{
	(void)state;
	t_hooks_install();
	return 0;
}

static inline int
t_teardown(void **state)
{
	(void)state;
	/* Every allocation of the test was freed: no leaks. */
	assert_int_equal(t_outstanding(), 0);
	tw_alloc_set_hooks(NULL);
	return 0;
}

#define T_TEST(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

/* FNV-1a: stands in for the data plane's keyed hash. */
static inline uint32_t
t_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/* Presentation name ("www.Example.com") to wire; returns its length. */
static inline size_t
t_name(uint8_t *out, const char *name)
{
	size_t n = 0;
	const char *s = name;

	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t l = dot != NULL ? (size_t)(dot - s) : strlen(s);

		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	out[n++] = 0;
	return n;
}

/* A key's storage. */
struct t_key {
	uint8_t data[TW_CACHE_KEY_MAX];
	struct tw_cache_key k;
};

static inline const struct tw_cache_key *
t_key(struct t_key *tk, const char *name, uint16_t qtype, uint8_t flags)
{
	size_t n = t_name(tk->data, name);

	for (size_t i = 0; i < n; i++)
		tk->data[i] = (uint8_t)tolower(tk->data[i]);
	tk->data[n] = (uint8_t)(qtype >> 8);
	tk->data[n + 1] = (uint8_t)qtype;
	tk->data[n + 2] = 0;
	tk->data[n + 3] = 1; /* IN */
	tk->k.data = tk->data;
	tk->k.len = (uint16_t)(n + 4);
	tk->k.flags = flags;
	tk->k.hash = t_hash(tk->data, tk->k.len);
	return &tk->k;
}

/* A response under construction. */
struct t_msg {
	uint8_t buf[4096];
	uint16_t len;
	uint16_t ttl_off[64];
	uint16_t n_ttl;
	uint16_t opt_off;
};

/*
 * Response to `k` (question copied from the key, i.e. lowercase) with
 * `n_a` A records of TTL `ttl` (rdata 10.0.0.i + rdata_seed), RCODE
 * `rcode`, and an OPT RR when `edns`.
 */
static inline void
t_msg(struct t_msg *m, const struct tw_cache_key *k, unsigned n_a, uint32_t ttl,
      uint32_t rdata_seed, uint8_t rcode, int edns)
{
	uint8_t *p = m->buf;
	uint16_t n = 12;

	memset(m, 0, sizeof(*m));
	tw_put16(p + 2, (uint16_t)(0x8180 | rcode)); /* QR RD RA */
	tw_put16(p + 4, 1);
	tw_put16(p + 6, (uint16_t)n_a);
	tw_put16(p + 10, edns ? 1 : 0);
	memcpy(p + n, k->data, k->len);
	n = (uint16_t)(n + k->len);
	for (unsigned i = 0; i < n_a; i++) {
		tw_put16(p + n, 0xc00c);
		tw_put16(p + n + 2, 1);
		tw_put16(p + n + 4, 1);
		m->ttl_off[m->n_ttl++] = (uint16_t)(n + 6);
		tw_put32(p + n + 6, ttl);
		tw_put16(p + n + 10, 4);
		tw_put32(p + n + 12, 0x0a000000u + i + rdata_seed);
		n = (uint16_t)(n + 16);
	}
	if (edns) {
		m->opt_off = n;
		p[n] = 0;
		tw_put16(p + n + 1, 41);
		tw_put16(p + n + 3, 1232);
		tw_put32(p + n + 5, (k->flags & TW_CACHE_KF_DO) ? 0x8000 : 0);
		tw_put16(p + n + 9, 0);
		n = (uint16_t)(n + 11);
	}
	m->len = n;
}

static inline void
t_answer(struct tw_cache_answer *a, const struct tw_cache_key *k,
	 const struct t_msg *m, uint32_t ttl, uint8_t kind)
{
	memset(a, 0, sizeof(*a));
	a->key = *k;
	a->msg = m->buf;
	a->msg_len = m->len;
	a->ttl_off = m->ttl_off;
	a->n_ttl = m->n_ttl;
	a->opt_off = m->opt_off;
	a->ttl = ttl;
	a->kind = kind;
	a->ede = TW_CACHE_NO_EDE;
}

/* One-call blob for `name`: n_a A records, TTL ttl, lifetime ttl. */
static inline struct tw_cache_blob *
t_blob(struct tw_cache *c, const char *name, uint16_t qtype, uint8_t flags,
       uint32_t ttl, uint32_t now, uint32_t seed)
{
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a;
	struct tw_cache_blob *b = NULL;
	const struct tw_cache_key *k = t_key(&tk, name, qtype, flags);

	t_msg(&m, k, 1, ttl, seed, 0, (flags & TW_CACHE_KF_EDNS) != 0);
	t_answer(&a, k, &m, ttl, TW_CACHE_POSITIVE);
	if (tw_cache_blob_create(c, &a, now, &b) != 0)
		return NULL;
	return b;
}

/* The key of "<pfx><i in hex>.example" (type A). */
static inline const struct tw_cache_key *
t_key_n(struct t_key *tk, const char *pfx, unsigned i, uint8_t flags)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%x.example", pfx, i);
	return t_key(tk, name, 1, flags);
}

/* t_blob() for "<pfx><i in hex>.example", rdata seed i; never NULL. */
static inline struct tw_cache_blob *
t_blob_n(struct tw_cache *c, const char *pfx, unsigned i, uint8_t flags,
	 uint32_t ttl, uint32_t now)
{
	char name[64];
	struct tw_cache_blob *b;

	snprintf(name, sizeof(name), "%s%x.example", pfx, i);
	b = t_blob(c, name, 1, flags, ttl, now, i);
	assert_non_null(b);
	return b;
}

#endif /* TW_CACHE_TEST_H */
