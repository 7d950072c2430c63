/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cache_test.h"

static struct tw_cache *
new_cache(const struct tw_cache_config *over)
{
	struct tw_cache_config cfg = { .n_workers = 1, .entries = 64 };
	struct tw_cache *c = NULL;

	if (over != NULL)
		cfg = *over;
	assert_int_equal(tw_cache_create(&cfg, &c), 0);
	return c;
}

static void
expect_einval(struct tw_cache *c, const struct tw_cache_answer *a)
{
	struct tw_cache_blob *b = NULL;

	assert_int_equal(tw_cache_blob_create(c, a, 100, &b), -EINVAL);
	assert_null(b);
}

static void
test_create_validation(void **state)
{
	struct tw_cache *c = new_cache(NULL);
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a, bad;
	struct tw_cache_blob *b = NULL;
	const struct tw_cache_key *k =
		t_key(&tk, "www.example.com", 1, TW_CACHE_KF_EDNS);
	uint8_t badkey[TW_CACHE_KEY_MAX + 1];
	uint16_t off;

	(void)state;
	t_msg(&m, k, 2, 300, 0, 0, 1);
	t_answer(&a, k, &m, 300, TW_CACHE_POSITIVE);

	assert_int_equal(tw_cache_blob_create(NULL, &a, 100, &b), -EINVAL);
	assert_int_equal(tw_cache_blob_create(c, NULL, 100, &b), -EINVAL);
	assert_int_equal(tw_cache_blob_create(c, &a, 100, NULL), -EINVAL);

	bad = a;
	bad.key.data = NULL;
	expect_einval(c, &bad);
	bad = a;
	bad.msg = NULL;
	expect_einval(c, &bad);
	bad = a;
	bad.key.len = 4; /* below the root + QTYPE + QCLASS */
	expect_einval(c, &bad);
	memset(badkey, 1, sizeof(badkey));
	bad = a;
	bad.key.data = badkey;
	bad.key.len = TW_CACHE_KEY_MAX + 1;
	expect_einval(c, &bad);
	bad = a;
	bad.key.flags = 0x20; /* unknown flag */
	expect_einval(c, &bad);
	bad = a;
	bad.kind = 3;
	expect_einval(c, &bad);

	/* QNAME not ending where key length - 4 says. */
	memcpy(badkey, k->data, k->len);
	badkey[0] = 4; /* "www" claimed 4 long: labels no longer add up */
	bad = a;
	bad.key.data = badkey;
	expect_einval(c, &bad);
	badkey[0] = 64; /* label too long (RFC 1035 2.3.4) */
	expect_einval(c, &bad);

	bad = a;
	bad.msg_len = (uint16_t)(12 + k->len - 1);
	expect_einval(c, &bad);

	/* QDCOUNT 2. */
	m.buf[5] = 2;
	expect_einval(c, &a);
	m.buf[5] = 1;
	/* Question differs from the key: name, then QTYPE. */
	m.buf[13] = 'x';
	expect_einval(c, &a);
	m.buf[13] = 'W'; /* case alone is fine */
	m.buf[12 + k->len - 3] = 28;
	expect_einval(c, &a);
	m.buf[12 + k->len - 3] = 1;

	/* TTL offsets: in the question, past the end, over the OPT RR. */
	bad = a;
	off = 14;
	bad.ttl_off = &off;
	bad.n_ttl = 1;
	expect_einval(c, &bad);
	off = (uint16_t)(m.len - 3);
	expect_einval(c, &bad);
	off = (uint16_t)(m.opt_off + 5);
	expect_einval(c, &bad);
	off = (uint16_t)(m.opt_off - 2);
	expect_einval(c, &bad);
	bad.ttl_off = NULL;
	expect_einval(c, &bad);

	/* opt_off: not an OPT, out of range, inside the question. */
	bad = a;
	bad.opt_off = m.ttl_off[0];
	expect_einval(c, &bad);
	bad.opt_off = (uint16_t)(m.len - 10);
	expect_einval(c, &bad);
	bad.opt_off = 12;
	expect_einval(c, &bad);

	/* The good one, with an upper-case question. */
	assert_int_equal(tw_cache_blob_create(c, &a, 100, &b), 0);
	assert_non_null(b);
	assert_int_equal(tw_cache_blob_refcnt(b), 1);
	tw_cache_blob_put(b);
	tw_cache_blob_put(NULL);
	assert_int_equal(tw_cache_blob_count(c), 0);
	tw_cache_destroy(c);
}

static void
test_render(void **state)
{
	struct tw_cache *c = new_cache(NULL);
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a;
	struct tw_cache_blob *b;
	const struct tw_cache_key *k =
		t_key(&tk, "www.example.com", 1, TW_CACHE_KF_EDNS);
	uint8_t out[600], qname[64];
	size_t qlen = t_name(qname, "wWw.ExAmPle.COM");
	int n;

	(void)state;
	t_msg(&m, k, 3, 300, 7, 0, 1);
	m.buf[0] = 0xab; /* upstream's ID: not kept */
	m.buf[1] = 0xcd;
	t_answer(&a, k, &m, 300, TW_CACHE_POSITIVE);
	assert_int_equal(tw_cache_blob_create(c, &a, 1000, &b), 0);
	assert_int_equal(tw_cache_blob_len(b), m.len);
	assert_int_equal(tw_cache_blob_msg(b)[0], 0);
	assert_int_equal(tw_cache_blob_msg(b)[1], 0);
	assert_int_equal(qlen, (size_t)k->len - 4);

	/* Age 0: the message as built, with the client's ID. */
	n = tw_cache_blob_render(b, out, sizeof(out), 0x1234, NULL, 1000);
	assert_int_equal(n, m.len);
	assert_int_equal(tw_get16(out), 0x1234);
	assert_memory_equal(out + 2, m.buf + 2, m.len - 2u);

	/* Age 100: every TTL is 200, the rest unchanged; client's case. */
	n = tw_cache_blob_render(b, out, sizeof(out), 0xbeef, qname, 1100);
	assert_int_equal(n, m.len);
	assert_int_equal(tw_get16(out), 0xbeef);
	assert_memory_equal(out + 12, qname, qlen);
	for (unsigned i = 0; i < m.n_ttl; i++) {
		assert_int_equal(tw_get32(out + m.ttl_off[i]), 200);
		tw_put32(out + m.ttl_off[i], 300);
	}
	memcpy(out + 12, k->data, qlen);
	assert_memory_equal(out + 2, m.buf + 2, m.len - 2u);
	/* The OPT RR is untouched (its TTL is flags, RFC 6891 6.1.3). */
	assert_int_equal(tw_cache_blob_opt_off(b), m.opt_off);
	assert_int_equal(tw_get16(out + m.opt_off + 3), 1232);

	/* Older than the TTL: 0, never negative (wrapped). */
	n = tw_cache_blob_render(b, out, sizeof(out), 1, NULL, 1000 + 5000);
	assert_int_equal(n, m.len);
	for (unsigned i = 0; i < m.n_ttl; i++)
		assert_int_equal(tw_get32(out + m.ttl_off[i]), 0);
	/* Exactly at the TTL: 0. One second before: 1. */
	tw_cache_blob_render(b, out, sizeof(out), 1, NULL, 1300);
	assert_int_equal(tw_get32(out + m.ttl_off[0]), 0);
	tw_cache_blob_render(b, out, sizeof(out), 1, NULL, 1299);
	assert_int_equal(tw_get32(out + m.ttl_off[0]), 1);
	/* A clock behind the creator's: age 0. */
	tw_cache_blob_render(b, out, sizeof(out), 1, NULL, 900);
	assert_int_equal(tw_get32(out + m.ttl_off[0]), 300);

	/* Room: exact fits, one less does not (and writes nothing). */
	assert_int_equal(tw_cache_blob_render(b, out, m.len, 1, NULL, 1000),
			 m.len);
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(
		tw_cache_blob_render(b, out, m.len - 1u, 1, NULL, 1000),
		-ENOSPC);
	assert_int_equal(out[0], 0x5a);
	tw_cache_blob_put(b);
	tw_cache_destroy(c);
}

static uint32_t life_limit; /* tw_cache_answer.ttl_limit of life_of() */

static uint32_t
life_of(struct tw_cache *c, uint8_t kind, uint32_t ttl, uint32_t rec_ttl,
	int *rc, uint32_t *rec_out)
{
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a;
	struct tw_cache_blob *b = NULL;
	const struct tw_cache_key *k = t_key(&tk, "a.example", 1, 0);
	uint32_t life;

	t_msg(&m, k, 1, rec_ttl, 0, kind == TW_CACHE_NEGATIVE ? 3 : 0, 0);
	t_answer(&a, k, &m, ttl, kind);
	a.ttl_limit = life_limit;
	*rc = tw_cache_blob_create(c, &a, 5000, &b);
	if (*rc != 0)
		return 0;
	life = tw_cache_blob_expire(b) - tw_cache_blob_created(b);
	assert_int_equal(tw_cache_blob_created(b), 5000);
	assert_int_equal(tw_cache_blob_kind(b), kind);
	*rec_out = tw_get32(tw_cache_blob_msg(b) + m.ttl_off[0]);
	tw_cache_blob_put(b);
	return life;
}

static uint32_t
xs32(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/*
 * tw_cache_blob_render_inplace() writes what tw_cache_blob_render() with
 * the client's QNAME writes: names of several lengths, 0..6 records with
 * their own TTLs, with and without OPT, random letter case, IDs, ages
 * (none, some, past the TTLs, a clock behind the creator's).
 */
static void
test_render_inplace(void **state)
{
	static const char *const names[] = { "www.example.com",
					     "ww.example.com", "a.b",
					     "xn--bcher-kva.example.org" };
	struct tw_cache *c = new_cache(NULL);
	uint32_t st = 12345;
	uint8_t out[1024], dst[1024];

	(void)state;
	for (int i = 0; i < 4000; i++) {
		struct t_key tk;
		struct t_msg m;
		struct tw_cache_answer a;
		struct tw_cache_blob *b;
		const struct tw_cache_key *k =
			t_key(&tk, names[xs32(&st) % TW_ARRAY_SIZE(names)],
			      (uint16_t)(1 + xs32(&st) % 30), TW_CACHE_KF_EDNS);
		uint32_t now;
		uint16_t id = (uint16_t)xs32(&st);
		int n, n2;

		t_msg(&m, k, xs32(&st) % 7, 0, xs32(&st), 0,
		      (int)(xs32(&st) & 1));
		for (unsigned r = 0; r < m.n_ttl; r++)
			tw_put32(m.buf + m.ttl_off[r], xs32(&st) % 100000);
		t_answer(&a, k, &m, 100000, TW_CACHE_POSITIVE);
		assert_int_equal(tw_cache_blob_create(c, &a, 5000, &b), 0);
		switch (xs32(&st) % 4) {
		case 0:
			now = 5000;
			break;
		case 1:
			now = 4000;
			break;
		case 2:
			now = 5000 + xs32(&st) % 200000;
			break;
		default:
			now = 5000 + xs32(&st) % 1000;
			break;
		}
		/* The query: header and question as a client sent them. */
		for (size_t j = 0; j < sizeof(dst); j++)
			dst[j] = (uint8_t)xs32(&st);
		memcpy(dst + 12, k->data, k->len);
		for (size_t j = 12; j < 12u + k->len - 4u; j++)
			if (isalpha(dst[j]) && (xs32(&st) & 1))
				dst[j] = (uint8_t)toupper(dst[j]);
		n = tw_cache_blob_render(b, out, sizeof(out), id, dst + 12,
					 now);
		n2 = tw_cache_blob_render_inplace(b, dst, sizeof(dst), id, now);
		assert_int_equal(n2, n);
		assert_memory_equal(dst, out, (size_t)n);
		/* No room: -ENOSPC, nothing written. */
		memcpy(out, dst, (size_t)n);
		assert_int_equal(tw_cache_blob_render_inplace(
					 b, dst, (size_t)n - 1, id, now),
				 -ENOSPC);
		assert_memory_equal(dst, out, (size_t)n);
		tw_cache_blob_put(b);
	}
	tw_cache_destroy(c);
}

static void
test_ttl_caps(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 1,
		.entries = 64,
		.ttl_min = 30,
		.ttl_max = 86400,
		.neg_ttl_max = 900,
		.bogus_ttl_max = 20,
	};
	struct tw_cache *c = new_cache(&cfg);
	uint32_t rec;
	int rc;

	(void)state;
	/* Positive: capped to ttl_max; record TTLs never above it. */
	assert_int_equal(
		life_of(c, TW_CACHE_POSITIVE, 200000, 200000, &rc, &rec),
		86400);
	assert_int_equal(rec, 86400);
	/* Within range: as given; a record TTL below stays. */
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 300, 100, &rc, &rec),
			 300);
	assert_int_equal(rec, 100);
	/* Record TTL above the entry lifetime: lowered to it. */
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 300, 3600, &rc, &rec),
			 300);
	assert_int_equal(rec, 300);
	/* ttl_min raises the lifetime, not the record TTLs ... */
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 5, 5, &rc, &rec), 30);
	assert_int_equal(rec, 5);
	/* ... except past ttl_limit (the signatures' expiry, RFC 4035
	 * 5.3.3), which also bounds everything else */
	life_limit = 12;
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 5, 5, &rc, &rec), 12);
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 300, 300, &rc, &rec),
			 12);
	assert_int_equal(rec, 12);
	life_limit = 0;
	/* RFC 2181 8: top bit set counts as 0 (then ttl_min). */
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 0x80000001u, 0x80000001u,
				 &rc, &rec),
			 30);
	assert_int_equal(rec, 0);
	/* Negative (RFC 2308): capped to neg_ttl_max. */
	assert_int_equal(life_of(c, TW_CACHE_NEGATIVE, 3600, 3600, &rc, &rec),
			 900);
	assert_int_equal(rec, 900);
	assert_int_equal(life_of(c, TW_CACHE_NEGATIVE, 60, 60, &rc, &rec), 60);
	/* Bogus (RFC 4035 4.7): capped to bogus_ttl_max, no minimum. */
	assert_int_equal(life_of(c, TW_CACHE_BOGUS, 300, 300, &rc, &rec), 20);
	assert_int_equal(life_of(c, TW_CACHE_BOGUS, 5, 5, &rc, &rec), 5);
	/* TTL 0 bogus: not cacheable. */
	life_of(c, TW_CACHE_BOGUS, 0, 0, &rc, &rec);
	assert_int_equal(rc, -ERANGE);
	tw_cache_destroy(c);

	/* Without a minimum, TTL 0 is not cached (RFC 1035 3.2.1). */
	c = new_cache(NULL);
	life_of(c, TW_CACHE_POSITIVE, 0, 0, &rc, &rec);
	assert_int_equal(rc, -ERANGE);
	life_of(c, TW_CACHE_NEGATIVE, 0x90000000u, 10, &rc, &rec);
	assert_int_equal(rc, -ERANGE);
	/* Defaults: 86400 / 10800 / 60. */
	assert_int_equal(life_of(c, TW_CACHE_POSITIVE, 1u << 30, 1, &rc, &rec),
			 86400);
	assert_int_equal(life_of(c, TW_CACHE_NEGATIVE, 1u << 30, 1, &rc, &rec),
			 10800);
	assert_int_equal(life_of(c, TW_CACHE_BOGUS, 1u << 30, 1, &rc, &rec),
			 60);
	tw_cache_destroy(c);
}

static void
test_metadata(void **state)
{
	struct tw_cache *c = new_cache(NULL);
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a;
	struct tw_cache_blob *b;
	const struct tw_cache_key *k =
		t_key(&tk, "bad.example", 1, TW_CACHE_KF_EDNS | TW_CACHE_KF_DO);

	(void)state;
	t_msg(&m, k, 0, 0, 0, 2, 1); /* SERVFAIL */
	m.buf[m.opt_off + 5] = 1;    /* extended RCODE upper bits */
	t_answer(&a, k, &m, 10, TW_CACHE_BOGUS);
	a.status = 7;
	a.ede = 6; /* DNSSEC Bogus (RFC 8914 4.7) */
	assert_int_equal(tw_cache_blob_create(c, &a, 1, &b), 0);
	assert_int_equal(tw_cache_blob_rcode(b), 16 | 2);
	assert_int_equal(tw_cache_blob_status(b), 7);
	assert_int_equal(tw_cache_blob_ede(b), 6);
	assert_int_equal(tw_cache_blob_kind(b), TW_CACHE_BOGUS);
	assert_int_equal(tw_cache_blob_expire(b), 11);
	assert_true(tw_cache_blob_size(b) > m.len);
	assert_int_equal(tw_cache_blob_bytes(c), tw_cache_blob_size(b));
	assert_int_equal(tw_cache_blob_count(c), 1);

	/* References. */
	tw_cache_blob_get(b);
	tw_cache_blob_get(b);
	assert_int_equal(tw_cache_blob_refcnt(b), 3);
	tw_cache_blob_put(b);
	tw_cache_blob_put(b);
	assert_int_equal(tw_cache_blob_count(c), 1);
	tw_cache_blob_put(b);
	assert_int_equal(tw_cache_blob_count(c), 0);
	assert_int_equal(tw_cache_blob_bytes(c), 0);
	tw_cache_destroy(c);
}

static void
test_total_bytes_and_nomem(void **state)
{
	struct tw_cache_config cfg = {
		.n_workers = 1,
		.entries = 64,
		.total_bytes_max = 2000,
	};
	struct tw_cache *c = new_cache(&cfg);
	struct tw_cache_blob *b[64];
	unsigned n = 0;
	struct t_key tk;
	struct t_msg m;
	struct tw_cache_answer a;
	struct tw_cache_blob *x = NULL;
	const struct tw_cache_key *k = t_key(&tk, "x.example", 1, 0);
	int rc;

	(void)state;
	t_msg(&m, k, 4, 60, 0, 0, 0);
	t_answer(&a, k, &m, 60, TW_CACHE_POSITIVE);
	while ((rc = tw_cache_blob_create(c, &a, 1, &b[n])) == 0)
		n++;
	assert_int_equal(rc, -ENOBUFS);
	assert_true(n >= 2);
	assert_true(tw_cache_blob_bytes(c) <= 2000);
	assert_true(tw_cache_blob_bytes(c) + tw_cache_blob_size(b[0]) > 2000);
	tw_cache_blob_put(b[--n]);
	assert_int_equal(tw_cache_blob_create(c, &a, 1, &b[n]), 0);
	n++;
	while (n > 0)
		tw_cache_blob_put(b[--n]);
	assert_int_equal(tw_cache_blob_bytes(c), 0);

	/* Allocation failure: -ENOMEM, gauges untouched. */
	atomic_store(&t_fail_after, 0);
	assert_int_equal(tw_cache_blob_create(c, &a, 1, &x), -ENOMEM);
	atomic_store(&t_fail_after, -1);
	assert_null(x);
	assert_int_equal(tw_cache_blob_bytes(c), 0);
	assert_int_equal(tw_cache_blob_count(c), 0);
	tw_cache_destroy(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T_TEST(test_create_validation),
		T_TEST(test_render),
		T_TEST(test_render_inplace),
		T_TEST(test_ttl_caps),
		T_TEST(test_metadata),
		T_TEST(test_total_bytes_and_nomem),
	};

	return cmocka_run_group_tests_name("cache/blob", tests, NULL, NULL);
}
