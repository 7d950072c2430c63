/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Question key: lowercasing (only A-Z, RFC 4343 3), QTYPE/QCLASS kept
 * verbatim, hash agreement with tw_dns_qkey_hash() and tw_dns_parse(),
 * every name length, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns_priv.h"
#include "tw_dns.h"

#define SEED 0x5eed1234u

/* dig www.example.com A: RD AD, EDNS with a client cookie (not parsed by
 * tw_dns_qkey_parse, which stops after the question). */
static const uint8_t pkt_query[] = {
	0x1f, 0x2e, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29,
	0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08,
	0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18,
};

/* A query for @p name (wire) with the given type, into an exact-size
 * heap buffer (ASan catches overreads). */
static uint8_t *
make_query(const uint8_t *name, size_t nlen, uint16_t qtype, size_t *len)
{
	uint8_t *p = malloc(TW_DNS_HDR_LEN + nlen + 4);

	assert_non_null(p);
	memcpy(p, "\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	memcpy(p + 12, name, nlen);
	tw_put16(p + 12 + nlen, qtype);
	tw_put16(p + 12 + nlen + 2, TW_DNS_C_IN);
	*len = TW_DNS_HDR_LEN + nlen + 4;
	return p;
}

static void
test_query_key(void **state)
{
	struct tw_dns_qkey k;

	(void)state;
	assert_int_equal(
		tw_dns_qkey_parse(pkt_query, sizeof(pkt_query), SEED, &k), 33);
	assert_int_equal(k.name_len, 17);
	assert_int_equal(k.len, 21);
	assert_memory_equal(k.key, "\3www\7example\3com\0\0\1\0\1", 21);
	assert_int_equal(k.hash, tw_dns_qkey_hash(k.key, k.len, SEED));
	/* The question alone is enough. */
	assert_int_equal(tw_dns_qkey_parse(pkt_query, 33, SEED, &k), 33);
}

static void
test_case_folding(void **state)
{
	static const uint8_t upper[] = "\3WwW\7ExAmPlE\3COM";
	static const uint8_t odd[] = "\10@[`{\301\341Za";
	struct tw_dns_qkey a, b;
	uint8_t *p;
	size_t len;

	(void)state;
	p = make_query(upper, sizeof(upper), TW_DNS_T_A, &len);
	assert_int_equal(tw_dns_qkey_parse(p, len, SEED, &a), (int)len);
	free(p);
	assert_int_equal(
		tw_dns_qkey_parse(pkt_query, sizeof(pkt_query), SEED, &b), 33);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.key, b.key, a.len);
	assert_int_equal(a.hash, b.hash);

	/* Only A-Z fold: '@' '[' '`' '{' 0xC1 0xE1 stay. */
	p = make_query(odd, sizeof(odd), TW_DNS_T_A, &len);
	assert_int_equal(tw_dns_qkey_parse(p, len, SEED, &a), (int)len);
	free(p);
	assert_memory_equal(a.key, "\10@[`{\301\341za\0\0\1\0\1", 14);
}

static void
test_qtype_verbatim(void **state)
{
	/* QTYPE/QCLASS octets that look like capitals are not folded:
	 * HTTPS is 0x0041 ('A'), 0x5a5a is "ZZ". Name lengths put them in
	 * and out of the 8-octet fold. */
	static const uint16_t types[] = { TW_DNS_T_HTTPS, 0x5a5a, 0x4142 };
	uint8_t name[TW_DNS_NAME_MAX];
	struct tw_dns_qkey k;

	(void)state;
	for (size_t t = 0; t < TW_ARRAY_SIZE(types); t++) {
		for (size_t nl = 1; nl <= 24; nl++) {
			size_t len;
			uint8_t *p;

			/* One label of nl - 2 'Q's (nl = 1: the root). */
			if (nl == 2)
				continue;
			name[0] = 0;
			if (nl > 2) {
				name[0] = (uint8_t)(nl - 2);
				memset(name + 1, 'Q', nl - 2);
				name[nl - 1] = 0;
			}
			p = make_query(name, nl, types[t], &len);
			p[len - 1] = 'A'; /* QCLASS 0x0041 */
			assert_int_equal(tw_dns_qkey_parse(p, len, SEED, &k),
					 (int)len);
			assert_int_equal(tw_get16(k.key + nl), types[t]);
			assert_int_equal(k.key[nl + 3], 'A');
			for (size_t i = 1; i + 1 < nl; i++)
				assert_int_equal(k.key[i], 'q');
			free(p);
		}
	}
}

static void
test_every_length(void **state)
{
	uint8_t name[TW_DNS_NAME_MAX], exp[TW_DNS_NAME_MAX];
	struct tw_dns_qkey k;
	struct tw_dns_msg m;

	(void)state;
	/* Names of 1..255 octets, labels of varying length, mixed case. */
	for (size_t total = 1; total <= TW_DNS_NAME_MAX; total++) {
		size_t pos = 0, len, rem = total - 1;
		size_t lab = 1;
		uint8_t *p;

		if (total == 2)
			continue; /* would need an empty label */
		while (rem > 0) {
			size_t l = TW_MIN(TW_MIN(lab, (size_t)63), rem - 1);

			/* Never leave a single octet: no label fits it. */
			if (rem - l - 1 == 1)
				l = l < 63 ? l + 1 : l - 1;
			name[pos] = (uint8_t)l;
			for (size_t i = 1; i <= l; i++)
				name[pos + i] =
					(uint8_t)("aBcDeFgHzZ@["[(pos + i) %
								 12]);
			pos += l + 1;
			rem -= l + 1;
			lab = lab % 63 + 7;
		}
		name[pos] = 0;
		assert_int_equal(tw_dns_name_check(name, total), (int)total);
		memcpy(exp, name, total);
		tw_dns_name_lower(exp);

		p = make_query(name, total, TW_DNS_T_AAAA, &len);
		assert_int_equal(tw_dns_qkey_parse(p, len, SEED, &k), (int)len);
		assert_int_equal(k.name_len, total);
		assert_int_equal(k.len, total + 4);
		assert_memory_equal(k.key, exp, total);
		assert_int_equal(k.hash, tw_dns_qkey_hash(k.key, k.len, SEED));
		/* The full parse sees the same question. */
		assert_int_equal(tw_dns_parse(&m, p, len), 0);
		assert_int_equal(m.q.name_len, k.name_len);
		assert_int_equal(m.q.qtype, TW_DNS_T_AAAA);
		free(p);
	}
}

static void
test_hash_properties(void **state)
{
	struct tw_dns_qkey a, b;
	uint8_t *p;
	size_t len;
	uint8_t zeros[16] = { 0 };
	uint32_t h[17];

	(void)state;
	/* Different QTYPE, different hash. */
	p = make_query((const uint8_t *)"\3www\7example\3com", 17, TW_DNS_T_A,
		       &len);
	assert_true(tw_dns_qkey_parse(p, len, SEED, &a) > 0);
	tw_put16(p + 29, TW_DNS_T_AAAA);
	assert_true(tw_dns_qkey_parse(p, len, SEED, &b) > 0);
	assert_int_not_equal(a.hash, b.hash);
	/* Different seed, different hash; same seed, same hash. */
	assert_true(tw_dns_qkey_parse(p, len, SEED ^ 1, &a) > 0);
	assert_int_not_equal(a.hash, b.hash);
	assert_true(tw_dns_qkey_parse(p, len, SEED, &a) > 0);
	assert_int_equal(a.hash, b.hash);
	free(p);
	/* Length is part of the hash: runs of zeros all differ. */
	for (size_t n = 0; n <= 16; n++) {
		h[n] = tw_dns_qkey_hash(zeros, n, SEED);
		for (size_t i = 0; i < n; i++)
			assert_int_not_equal(h[i], h[n]);
	}
}

static void
test_hash_distribution(void **state)
{
	enum { N = 1 << 16, BUCKETS = 1 << 10 };
	static uint16_t lo[BUCKETS], hi[BUCKETS];
	uint8_t key[TW_DNS_QKEY_MAX];
	unsigned max_lo = 0, max_hi = 0;

	(void)state;
	memset(lo, 0, sizeof(lo));
	memset(hi, 0, sizeof(hi));
	/* Sequential hostnames: the worst case for a weak hash. */
	for (unsigned i = 0; i < N; i++) {
		char s[64];
		int n;

		snprintf(s, sizeof(s), "host%u.example.com", i);
		n = tw_dns_name_from_str(s, key);
		assert_true(n > 0);
		memcpy(key + n, "\0\1\0\1", 4);
		uint32_t h = tw_dns_qkey_hash(key, (size_t)n + 4, SEED);
		lo[h % BUCKETS]++;
		hi[h >> 22]++;
	}
	for (unsigned i = 0; i < BUCKETS; i++) {
		max_lo = TW_MAX(max_lo, lo[i]);
		max_hi = TW_MAX(max_hi, hi[i]);
	}
	/* Mean 64 per bucket; a fair hash stays well under 2x. */
	assert_true(max_lo < 110);
	assert_true(max_hi < 110);
}

static void
test_errors(void **state)
{
	struct tw_dns_qkey k;
	uint8_t q[300];
	size_t len;
	uint8_t *p;

	(void)state;
	/* Every truncation of the question. */
	for (size_t l = 0; l < 33; l++) {
		uint8_t *c = malloc(l ? l : 1);

		assert_non_null(c);
		memcpy(c, pkt_query, l);
		assert_int_equal(tw_dns_qkey_parse(c, l, SEED, &k),
				 l < 17 || (c[4] == 0 && c[5] == 1)
					 ? -TW_ETRUNC
					 : -TW_EFORMAT);
		free(c);
	}
	memcpy(q, pkt_query, sizeof(pkt_query));
	/* A response (QR set). */
	q[2] |= 0x80;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_EFORMAT);
	q[2] &= 0x7f;
	/* QDCOUNT 0 and 2. */
	q[5] = 0;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_EFORMAT);
	q[5] = 2;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_EFORMAT);
	q[4] = 1;
	q[5] = 1;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_EFORMAT);
	q[4] = 0;
	/* Compressed qname, reserved label types. */
	q[16] = 0xc0;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_EFORMAT);
	q[16] = 0x47;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_ELABEL);
	q[16] = 0x87;
	assert_int_equal(tw_dns_qkey_parse(q, sizeof(pkt_query), SEED, &k),
			 -TW_ELABEL);
	/* Names of 256 octets. */
	memset(q, 0, sizeof(q));
	for (size_t pos = 0; pos < 256; pos += 64) {
		q[pos] = 63;
		memset(q + pos + 1, 'x', 63);
	}
	q[255] = 0; /* 4 x 64 = 256 octets before any root */
	p = make_query(q, 260, TW_DNS_T_A, &len);
	assert_int_equal(tw_dns_qkey_parse(p, len, SEED, &k), -TW_ENAMELEN);
	free(p);
	/* 255 octets (63, 63, 63, 61) fit. */
	q[192] = 61;
	q[254] = 0;
	p = make_query(q, 255, TW_DNS_T_A, &len);
	assert_int_equal(tw_dns_qkey_parse(p, len, SEED, &k), (int)len);
	assert_int_equal(k.name_len, 255);
	assert_int_equal(k.len, TW_DNS_QKEY_MAX);
	assert_int_equal(k.hash, tw_dns_qkey_hash(k.key, k.len, SEED));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_key),
		cmocka_unit_test(test_case_folding),
		cmocka_unit_test(test_qtype_verbatim),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_hash_properties),
		cmocka_unit_test(test_hash_distribution),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("dns/qkey", tests, NULL, NULL);
}
