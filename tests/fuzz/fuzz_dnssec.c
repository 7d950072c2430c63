/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the validator (lib/dnssec) on hostile responses and
 * hostile DS/DNSKEY answers.
 *
 * Input:
 *
 *   mode (1 octet) | len (2, big endian) | response | { len | answer }...
 *
 * The first chunk is the upstream response; its own question is the
 * question validated (a fixed one when it has none). The other chunks are
 * the answers the fake resolver hands back: each request of the validator
 * (tw_val_need()) gets the first unused chunk whose question is the
 * request's name and type; with mode bit 0 set, failing that, the next
 * unused chunk in order (a mismatched or malformed answer); else NULL (a
 * failed fetch). Mode bit 1 runs the response through tw_val_start_burst()
 * twice in one burst instead of tw_val_start().
 *
 * Trust anchors: the RFC 8080 6.1 Ed25519 key as a DNSKEY anchor at the
 * root and its DS (RFC 8080 6.1) at example.com., plus a negative trust
 * anchor at nta.example.com. (RFC 7646). The seeds in corpus/dnssec/ are
 * signed with the RFC's published private key, so the secure paths are
 * reachable. Time is fixed; the limits are small.
 *
 * Checked for every input: no crash, no leak (ASan), the result is well
 * formed (status, EDE allowed for that status as tw_dnssec.h documents,
 * TTL cap of bogus and indeterminate results, reason terminated), and the
 * work stays within the caps: signature jobs and public-key operations
 * within sigs_per_validation, fetches within chain_depth, NSEC3 names
 * within nsec3_hashes and their SHA-1 computations within
 * nsec3_hashes * (nsec3_iter_insecure + 1), memory held by the context
 * bounded. Any violation aborts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "tw_dnssec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW	   1780272000u /* 2026-06-01, as the dnssec unit tests */
#define MAX_CHUNKS 16
#define KEY_CACHE  16

static const char anchors[] =
	". IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=\n"
	"example.com. IN DS 3613 15 2 "
	"3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b\n";

static const uint8_t nta_name[] = "\3nta\7example\3com";
static const uint8_t fixed_qname[] = "\3www\7example\3com";

static struct tw_dnssec_ctx *ctx;
static struct tw_dnssec_config cfg;
static long live;

static void *
h_malloc(size_t n, void *c)
{
	void *p = malloc(n);

	(void)c;
	live += p != NULL;
	return p;
}

static void *
h_calloc(size_t n, size_t s, void *c)
{
	void *p = calloc(n, s);

	(void)c;
	live += p != NULL;
	return p;
}

static void *
h_realloc(void *p, size_t n, void *c)
{
	void *q = realloc(p, n);

	(void)c;
	if (!p)
		live += q != NULL;
	return q;
}

static void
h_free(void *p, void *c)
{
	(void)c;
	live -= p != NULL;
	free(p);
}

static void
init(void)
{
	static const struct tw_alloc_hooks h = { h_malloc, h_calloc, h_realloc,
						 h_free, NULL };

	tw_alloc_set_hooks(&h);
	tw_dnssec_config_init(&cfg);
	cfg.limits.sigs_per_rrset = 4;
	cfg.limits.sigs_per_validation = 12;
	cfg.limits.keys_per_tag = 2;
	cfg.limits.nsec3_hashes = 24;
	cfg.limits.chain_depth = 8;
	cfg.limits.cname_chain = 4;
	cfg.nsec3_iter_insecure = 10;
	cfg.nsec3_iter_bogus = 20;
	cfg.cache_entries = 16;
	cfg.crypto.key_cache_entries = KEY_CACHE;
	cfg.crypto.verdict_cache_entries = 64;
	CHECK(tw_dnssec_ctx_create(&cfg, &ctx) == 0);
	CHECK(tw_dnssec_anchor_add_text(ctx, anchors, NULL) == 2);
	CHECK(tw_dnssec_nta_add(ctx, nta_name, 0) == 0);
}

struct chunk {
	const uint8_t *p;
	size_t len;
	bool used;
};

/* Split the input into length-prefixed chunks. */
static unsigned int
split(const uint8_t *data, size_t size, struct chunk *c)
{
	unsigned int n = 0;

	while (size >= 2 && n < MAX_CHUNKS) {
		size_t len = (size_t)data[0] << 8 | data[1];

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		c[n].p = data;
		c[n].len = len;
		c[n].used = false;
		n++;
		data += len;
		size -= len;
	}
	return n;
}

/* Whether the chunk's question is (name, qtype). */
static bool
answers(const struct chunk *c, const struct tw_val_request *rq)
{
	uint8_t name[TW_DNS_NAME_MAX];
	struct tw_dns_msg m;

	if (tw_dns_parse(&m, c->p, c->len) != 0 || m.hdr.qdcount != 1)
		return false;
	if (m.q.qtype != rq->qtype ||
	    tw_dns_name_unpack(c->p, c->len, m.q.name_off, name, NULL) <= 0)
		return false;
	return tw_dns_name_eq(name, rq->name);
}

static const struct chunk *
resolve(struct chunk *c, unsigned int n, const struct tw_val_request *rq,
	bool in_order)
{
	for (unsigned int i = 1; i < n; i++)
		if (!c[i].used && answers(&c[i], rq)) {
			c[i].used = true;
			return &c[i];
		}
	if (in_order)
		for (unsigned int i = 1; i < n; i++)
			if (!c[i].used) {
				c[i].used = true;
				return &c[i];
			}
	return NULL;
}

static bool
ede_allowed(const struct tw_dnssec_result *r)
{
	switch (r->status) {
	case TW_DNSSEC_SECURE:
		return r->ede == TW_EDE_NONE;
	case TW_DNSSEC_INSECURE:
		return r->ede == TW_EDE_NONE ||
		       r->ede == TW_EDE_UNSUPPORTED_DNSKEY_ALG ||
		       r->ede == TW_EDE_UNSUPPORTED_DS_DIGEST ||
		       r->ede == TW_EDE_UNSUPPORTED_NSEC3_ITER;
	case TW_DNSSEC_BOGUS:
		return r->ede == TW_EDE_UNSUPPORTED_DNSKEY_ALG ||
		       (r->ede >= TW_EDE_DNSSEC_BOGUS &&
			r->ede <= TW_EDE_NSEC_MISSING) ||
		       r->ede == TW_EDE_SIG_EXPIRED_BEFORE_VALID ||
		       r->ede == TW_EDE_UNSUPPORTED_NSEC3_ITER;
	case TW_DNSSEC_INDETERMINATE:
		return r->ede == TW_EDE_NONE ||
		       r->ede == TW_EDE_DNSSEC_INDETERMINATE ||
		       r->ede == TW_EDE_NO_REACHABLE_AUTHORITY;
	}
	return false;
}

/* Drive one validation to the end; returns its result status. */
static int
finish(struct tw_val *v, int rc, struct chunk *c, unsigned int n, bool in_order,
       struct tw_dnssec_result *out)
{
	const struct tw_dnssec_result *r;
	unsigned int asked = 0;

	while (rc == TW_VAL_NEED) {
		const struct tw_val_request *rq = tw_val_need(v);
		const struct chunk *a;

		CHECK(rq != NULL);
		CHECK(rq->qtype == TW_DNS_T_DS || rq->qtype == TW_DNS_T_DNSKEY);
		CHECK(tw_dns_name_check(rq->name, sizeof(rq->name)) ==
		      rq->name_len);
		CHECK(tw_val_result(v) == NULL);
		/* fetches are capped by chain_depth */
		CHECK(++asked <= cfg.limits.chain_depth);
		a = resolve(c, n, rq, in_order);
		rc = tw_val_provide(v, a ? a->p : NULL, a ? a->len : 0);
	}
	CHECK(rc == TW_VAL_DONE);
	CHECK(tw_val_need(v) == NULL);
	CHECK(tw_val_provide(v, NULL, 0) == -EINVAL);
	r = tw_val_result(v);
	CHECK(r != NULL);
	CHECK(ede_allowed(r));
	CHECK(memchr(r->reason, 0, sizeof(r->reason)) != NULL);
	if (r->status == TW_DNSSEC_BOGUS)
		CHECK(r->ttl_cap == cfg.bogus_ttl);
	if (r->status == TW_DNSSEC_INDETERMINATE)
		CHECK(r->ttl_cap == 0);
	CHECK(tw_val_sig_jobs(v) <= cfg.limits.sigs_per_validation);
	*out = *r;
	return r->status;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chunk c[MAX_CHUNKS];
	struct tw_crypto_stats cs0, cs1;
	struct tw_dnssec_stats ds0, ds1;
	struct tw_dnssec_result res[2];
	uint8_t qname[TW_DNS_NAME_MAX];
	struct tw_dns_msg m;
	uint16_t qtype = TW_DNS_T_A;
	unsigned int n, runs = 1;
	bool in_order, burst;
	long base;

	if (!ctx)
		init();
	if (size < 1)
		return 0;
	in_order = data[0] & 1;
	burst = data[0] & 2;
	n = split(data + 1, size - 1, c);
	if (n == 0)
		return 0;
	/* every input from the same state: no zone facts or verdicts kept */
	tw_dnssec_cache_flush(ctx);
	tw_crypto_verdict_cache_flush(tw_dnssec_crypto(ctx));
	base = live;
	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &cs0);
	tw_dnssec_stats_get(ctx, &ds0);

	memcpy(qname, fixed_qname, sizeof(fixed_qname));
	if (tw_dns_parse(&m, c[0].p, c[0].len) == 0 && m.hdr.qdcount == 1 &&
	    tw_dns_name_unpack(c[0].p, c[0].len, m.q.name_off, qname, NULL) > 0)
		qtype = m.q.qtype;

	if (!burst) {
		struct tw_val *v = NULL;
		int rc = tw_val_start(ctx, c[0].p, c[0].len, qname, qtype, NOW,
				      &v);

		if (rc < 0) {
			CHECK(v == NULL);
			CHECK(rc != -ENOMEM);
		} else {
			finish(v, rc, c, n, in_order, &res[0]);
		}
		tw_val_free(v);
	} else {
		struct tw_val_in in[2];
		struct tw_val *v[2];
		int rcs[2];
		unsigned int made;

		for (int i = 0; i < 2; i++) {
			in[i].resp = c[0].p;
			in[i].len = c[0].len;
			in[i].qname = qname;
			in[i].qtype = qtype;
		}
		made = tw_val_start_burst(ctx, in, 2, NOW, v, rcs);
		CHECK(made == 0 || made == 2);
		for (int i = 0; i < 2; i++) {
			if (rcs[i] < 0) {
				CHECK(v[i] == NULL);
				CHECK(rcs[i] != -ENOMEM);
				continue;
			}
			finish(v[i], rcs[i], c, n, in_order, &res[i]);
			/* the second one's answers: the same chunks again */
			for (unsigned int k = 0; k < n; k++)
				c[k].used = false;
		}
		if (made == 2)
			runs = 2;
		for (int i = 0; i < 2; i++)
			tw_val_free(v[i]);
	}

	tw_crypto_stats_get(tw_dnssec_crypto(ctx), &cs1);
	tw_dnssec_stats_get(ctx, &ds1);
	/* KeyTrap (CVE-2023-50387) and NSEC3 (CVE-2023-50868) caps */
	CHECK(cs1.pk_ops - cs0.pk_ops <=
	      (uint64_t)runs * cfg.limits.sigs_per_validation);
	CHECK(ds1.nsec3_hashes - ds0.nsec3_hashes <=
	      (uint64_t)runs * cfg.limits.nsec3_hashes);
	CHECK(cs1.nsec3_hashes - cs0.nsec3_hashes <=
	      (uint64_t)runs * cfg.limits.nsec3_hashes *
		      (cfg.nsec3_iter_insecure + 1));
	CHECK(ds1.fetches - ds0.fetches <=
	      (uint64_t)runs * cfg.limits.chain_depth);
	/* nothing left behind but the zone cache and the parsed keys */
	tw_dnssec_cache_flush(ctx);
	CHECK(live <= base + 2 * KEY_CACHE);
	return 0;
}
