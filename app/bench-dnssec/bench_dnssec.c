/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-bench-dnssec: the cost of validating one RRset with a cached key,
 * against the bare public-key operation measured in the same process.
 *
 * For RSASHA256 (2048-bit), ECDSAP256SHA256 and ED25519: a pool of POOL
 * responses "www.example. A" with distinct rdata, each signed once; the
 * zone's DNSKEY RRset is validated once (DS trust anchor), then every
 * response is validated through tw_val_start() with the key cached:
 * parse, RRset grouping, RRSIG checks, canonical signed data, lib/crypto
 * (hash + one public-key operation), verdict. lib/crypto's verdict cache
 * is off, so every validation pays its public-key operation.
 *
 * The bare operation: the same signatures verified with a prepared
 * EVP_PKEY_CTX on a precomputed digest (RSA, ECDSA) or EVP_DigestVerify
 * on the message (EdDSA) -- what `openssl speed` times.
 *
 * Target (issue 3): validation <= 110% of the bare operation. Also
 * timed: bursts of 32 responses through tw_val_start_burst() (their
 * signatures in shared lib/crypto bursts).
 * Times are this thread's CPU time; each of -r rounds (default 5) times
 * the three for -t seconds each (default 0.5); printed: the median times
 * and the median of the per-round ratios. Not a test: it prints figures, fails only on a wrong
 * verdict. usage: tw-bench-dnssec [-t seconds] [-r runs] [-a 8|13|15]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "tw_dnssec.h"

#define POOL 256
#define NOW  1780272000u

static double opt_secs = 0.5;
static int opt_runs = 5;
static int opt_alg; /* 0: all */

static double
cpu_now(void)
{
	return (double)tw_clock_ns(CLOCK_THREAD_CPUTIME_ID) * 1e-9;
}

static void
die(const char *what)
{
	fprintf(stderr, "tw-bench-dnssec: %s\n", what);
	exit(1);
}

struct key {
	EVP_PKEY *pk;
	uint8_t alg;
	uint8_t rdata[600];
	uint16_t rdlen;
	uint16_t tag;
	const EVP_MD *md;
};

static uint16_t
key_tag(const uint8_t *rd, size_t len)
{
	uint32_t ac = 0;

	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rd[i] : (uint32_t)rd[i] << 8;
	return (uint16_t)(ac + ((ac >> 16) & 0xffff));
}

static void
key_make(struct key *k, uint8_t alg)
{
	size_t len = 0;

	memset(k, 0, sizeof(*k));
	k->alg = alg;
	k->rdata[0] = 1; /* flags 257 */
	k->rdata[1] = 1;
	k->rdata[2] = 3;
	k->rdata[3] = alg;
	if (alg == 8) {
		BIGNUM *n = NULL, *e = NULL;

		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		if (!k->pk ||
		    !EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N, &n) ||
		    !EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_E, &e))
			die("RSA key");
		k->rdata[4] = (uint8_t)BN_num_bytes(e);
		BN_bn2bin(e, k->rdata + 5);
		BN_bn2bin(n, k->rdata + 5 + k->rdata[4]);
		len = 1u + (size_t)k->rdata[4] + (size_t)BN_num_bytes(n);
		BN_free(n);
		BN_free(e);
		k->md = EVP_sha256();
	} else if (alg == 13) {
		uint8_t buf[100];

		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		if (!k->pk || !EVP_PKEY_get_octet_string_param(
				      k->pk, OSSL_PKEY_PARAM_PUB_KEY, buf,
				      sizeof(buf), &len))
			die("EC key");
		memcpy(k->rdata + 4, buf + 1, --len);
		k->md = EVP_sha256();
	} else {
		len = 32;
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		if (!k->pk ||
		    !EVP_PKEY_get_raw_public_key(k->pk, k->rdata + 4, &len))
			die("Ed25519 key");
	}
	k->rdlen = (uint16_t)(4 + len);
	k->tag = key_tag(k->rdata, k->rdlen);
}

/* Sign data; DNSSEC signature format (RFC 3110, 6605, 8080). */
static size_t
sign(const struct key *k, const uint8_t *data, size_t len, uint8_t *sig)
{
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	uint8_t der[600];
	size_t dl = sizeof(der);

	if (!mc || EVP_DigestSignInit(mc, NULL, k->md, NULL, k->pk) != 1 ||
	    EVP_DigestSign(mc, der, &dl, data, len) != 1)
		die("sign");
	EVP_MD_CTX_free(mc);
	if (k->alg == 13) {
		const uint8_t *p = der;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)dl);

		BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32);
		ECDSA_SIG_free(es);
		return 64;
	}
	memcpy(sig, der, dl);
	return dl;
}

static const uint8_t zone[] = "\7example";
static const uint8_t www[] = "\3www\7example";

/* RRSIG rdata (without signature) for (type, labels) by k. */
static size_t
rrsig_head(uint8_t *p, const struct key *k, uint16_t type, uint8_t labels)
{
	tw_put16(p, type);
	p[2] = k->alg;
	p[3] = labels;
	tw_put32(p + 4, 3600);
	tw_put32(p + 8, NOW + 86400);
	tw_put32(p + 12, NOW - 86400);
	tw_put16(p + 16, k->tag);
	memcpy(p + 18, zone, sizeof(zone));
	return 18 + sizeof(zone);
}

struct sample {
	uint8_t wire[1024];
	size_t len;
	uint8_t signed_data[512]; /* for the bare operation */
	size_t sd_len;
	uint8_t sig[300];
	size_t sig_len;
};

/* A response owner/type/rdata + RRSIG by k; keeps the signed data. */
static void
make_response(struct sample *s, const struct key *k, const uint8_t *owner,
	      uint16_t type, const uint8_t *rdata, uint16_t rdlen,
	      uint8_t labels)
{
	uint8_t rr[1024];
	struct tw_dns_rdata_ref ref = { rdata, rdlen };
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };
	size_t hl;
	int sl;

	hl = rrsig_head(rr, k, type, labels);
	sl = tw_dns_sigdata(rr, hl, owner, type, TW_DNS_C_IN, &ref, 1,
			    s->signed_data, sizeof(s->signed_data));
	if (sl < 0)
		die("sigdata");
	s->sd_len = (size_t)sl;
	s->sig_len = sign(k, s->signed_data, s->sd_len, s->sig);
	memcpy(rr + hl, s->sig, s->sig_len);
	h.flags = TW_DNS_F_QR | TW_DNS_F_CD;
	tw_dns_writer_init(&w, s->wire, sizeof(s->wire));
	tw_dns_write_header(&w, &h);
	tw_dns_write_question(&w, owner, type, TW_DNS_C_IN);
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, owner, type, TW_DNS_C_IN, 3600,
			rdata, rdlen);
	tw_dns_write_rr(&w, TW_DNS_SEC_AN, owner, TW_DNS_T_RRSIG, TW_DNS_C_IN,
			3600, rr, (uint16_t)(hl + s->sig_len));
	sl = tw_dns_writer_finish(&w);
	if (sl < 0)
		die("writer");
	s->len = (size_t)sl;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ns per operation over about opt_secs. */
static double
measure_once(void (*fn)(void *, unsigned), void *arg)
{
	double t0 = cpu_now(), t;
	unsigned n = 0;

	do {
		fn(arg, n % POOL);
		n++;
	} while ((t = cpu_now() - t0) < opt_secs);
	return t * 1e9 / n;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), dcmp);
	return v[n / 2];
}

struct run {
	struct key *k;
	struct sample *pool;
	struct tw_dnssec_ctx *ctx;
	/* bare */
	EVP_PKEY_CTX *pctx;
	EVP_MD_CTX *mctx;
	uint8_t digest[POOL][32];
	uint8_t der[POOL][80];
	size_t der_len[POOL];
};

static void
one_validation(void *arg, unsigned i)
{
	struct run *r = arg;
	struct tw_val *v;

	if (tw_val_start(r->ctx, r->pool[i].wire, r->pool[i].len, www,
			 TW_DNS_T_A, NOW, &v) != TW_VAL_DONE ||
	    tw_val_result(v)->status != TW_DNSSEC_SECURE)
		die("validation is not secure");
	tw_val_free(v);
}

#define BURST 32

/* BURST validations through tw_val_start_burst(): shared bursts. */
static void
burst_validation(void *arg, unsigned i)
{
	struct run *r = arg;
	struct tw_val_in in[BURST];
	struct tw_val *v[BURST];
	int rcs[BURST];

	for (unsigned k = 0; k < BURST; k++) {
		const struct sample *s = &r->pool[(i * BURST + k) % POOL];

		in[k].resp = s->wire;
		in[k].len = s->len;
		in[k].qname = www;
		in[k].qtype = TW_DNS_T_A;
	}
	if (tw_val_start_burst(r->ctx, in, BURST, NOW, v, rcs) != BURST)
		die("burst");
	for (unsigned k = 0; k < BURST; k++) {
		if (rcs[k] != TW_VAL_DONE ||
		    tw_val_result(v[k])->status != TW_DNSSEC_SECURE)
			die("burst validation is not secure");
		tw_val_free(v[k]);
	}
}

/* lib/crypto alone: one job per call, as the validator hands it over. */
static void
one_crypto(void *arg, unsigned i)
{
	struct run *r = arg;
	struct tw_crypto_iov iov = { r->pool[i].signed_data,
				     r->pool[i].sd_len };
	struct tw_crypto_job job;

	memset(&job, 0, sizeof(job));
	job.key = r->k->rdata + 4;
	job.key_len = r->k->rdlen - 4u;
	job.sig = r->pool[i].sig;
	job.sig_len = r->pool[i].sig_len;
	job.iov = &iov;
	job.iovcnt = 1;
	job.alg = r->k->alg;
	tw_crypto_verify_burst(tw_dnssec_crypto(r->ctx), &job, 1);
	if (job.verdict != TW_CRYPTO_VALID)
		die("lib/crypto verdict");
}

static void
one_bare(void *arg, unsigned i)
{
	struct run *r = arg;
	int ok;

	if (r->k->alg == 15) {
		if (EVP_DigestVerifyInit(r->mctx, NULL, NULL, NULL, r->k->pk) !=
		    1)
			die("bare init");
		ok = EVP_DigestVerify(
			r->mctx, r->pool[i].sig, r->pool[i].sig_len,
			r->pool[i].signed_data, r->pool[i].sd_len);
	} else if (r->k->alg == 13) {
		ok = EVP_PKEY_verify(r->pctx, r->der[i], r->der_len[i],
				     r->digest[i], 32);
	} else {
		ok = EVP_PKEY_verify(r->pctx, r->pool[i].sig,
				     r->pool[i].sig_len, r->digest[i], 32);
	}
	if (ok != 1)
		die("bare verification failed");
}

static void
bench(uint8_t alg, const char *name)
{
	struct tw_dnssec_config cfg;
	struct run r;
	struct key k;
	struct sample dnskey;
	struct tw_val *v;
	char anchor[400];
	double t_val, t_bare, t_cry;

	memset(&r, 0, sizeof(r));
	key_make(&k, alg);
	r.k = &k;
	r.pool = calloc(POOL, sizeof(*r.pool));
	if (!r.pool)
		die("memory");
	for (unsigned i = 0; i < POOL; i++) {
		uint8_t a[4] = { 192, 0, (uint8_t)(2 + i / 256), (uint8_t)i };

		make_response(&r.pool[i], &k, www, TW_DNS_T_A, a, 4, 2);
		EVP_Digest(r.pool[i].signed_data, r.pool[i].sd_len, r.digest[i],
			   NULL, EVP_sha256(), NULL);
		if (alg == 13) {
			/* the bare ECDSA verify takes DER */
			ECDSA_SIG *es = ECDSA_SIG_new();
			uint8_t *p = r.der[i];

			ECDSA_SIG_set0(es, BN_bin2bn(r.pool[i].sig, 32, NULL),
				       BN_bin2bn(r.pool[i].sig + 32, 32, NULL));
			r.der_len[i] = (size_t)i2d_ECDSA_SIG(es, &p);
			ECDSA_SIG_free(es);
		}
	}
	make_response(&dnskey, &k, zone, TW_DNS_T_DNSKEY, k.rdata, k.rdlen, 1);

	/* the validator, with the key cached after one chain step */
	tw_dnssec_config_init(&cfg);
	cfg.crypto.verdict_cache_entries = 0;
	if (tw_dnssec_ctx_create(&cfg, &r.ctx) < 0)
		die("context");
	{
		uint8_t d[32], buf[sizeof(zone) + 600];
		char hex[65];

		memcpy(buf, zone, sizeof(zone));
		memcpy(buf + sizeof(zone), k.rdata, k.rdlen);
		EVP_Digest(buf, sizeof(zone) + k.rdlen, d, NULL, EVP_sha256(),
			   NULL);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", d[i]);
		snprintf(anchor, sizeof(anchor), "example. IN DS %u %u 2 %s\n",
			 k.tag, alg, hex);
	}
	if (tw_dnssec_anchor_add_text(r.ctx, anchor, NULL) != 1)
		die("anchor");
	if (tw_val_start(r.ctx, r.pool[0].wire, r.pool[0].len, www, TW_DNS_T_A,
			 NOW, &v) != TW_VAL_NEED ||
	    tw_val_provide(v, dnskey.wire, dnskey.len) != TW_VAL_DONE ||
	    tw_val_result(v)->status != TW_DNSSEC_SECURE)
		die("warm-up validation");
	tw_val_free(v);

	/* the bare operation */
	r.pctx = EVP_PKEY_CTX_new(k.pk, NULL);
	r.mctx = EVP_MD_CTX_new();
	if (alg != 15) {
		if (EVP_PKEY_verify_init(r.pctx) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(r.pctx, EVP_sha256()) != 1)
			die("bare setup");
		if (alg == 8 && EVP_PKEY_CTX_set_rsa_padding(
					r.pctx, RSA_PKCS1_PADDING) != 1)
			die("bare padding");
	}
	/*
	 * Rounds of bare, lib/crypto, validation back to back: the ratio of
	 * each round, then the median, so that a noisy machine (CPU
	 * frequency, neighbours) shifts both sides of a ratio alike.
	 */
	{
		double b[32], c[32], v2[32], rc[32], rv[32];

		for (int i = 0; i < opt_runs; i++) {
			b[i] = measure_once(one_bare, &r);
			c[i] = measure_once(one_crypto, &r);
			v2[i] = measure_once(one_validation, &r);
			rc[i] = c[i] / b[i];
			rv[i] = v2[i] / b[i];
		}
		t_bare = median(b, opt_runs);
		t_cry = median(c, opt_runs);
		t_val = median(v2, opt_runs);
		printf("%-16s bare %7.0f ns  lib/crypto job %7.0f ns (%5.1f%%) "
		       " "
		       "validation %7.0f ns (%5.1f%%)  %.0f/s\n",
		       name, t_bare, t_cry, 100.0 * median(rc, opt_runs), t_val,
		       100.0 * median(rv, opt_runs), 1e9 / t_val);
		for (int i = 0; i < opt_runs; i++) {
			b[i] = measure_once(one_bare, &r);
			v2[i] = measure_once(burst_validation, &r) / BURST;
			rv[i] = v2[i] / b[i];
		}
		printf("%-16s bursts of %d: %7.0f ns per validation "
		       "(%5.1f%%)\n",
		       "", BURST, median(v2, opt_runs),
		       100.0 * median(rv, opt_runs));
	}
	{
		struct tw_crypto_stats st;

		tw_crypto_stats_get(tw_dnssec_crypto(r.ctx), &st);
		if (st.verdict_hits)
			die("verdict cache hit: figures invalid");
	}
	EVP_PKEY_CTX_free(r.pctx);
	EVP_MD_CTX_free(r.mctx);
	tw_dnssec_ctx_destroy(r.ctx);
	EVP_PKEY_free(k.pk);
	free(r.pool);
}

int
main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:r:a:")) != -1) {
		switch (c) {
		case 'a':
			opt_alg = atoi(optarg);
			break;
		case 't':
			opt_secs = atof(optarg);
			break;
		case 'r':
			opt_runs = atoi(optarg);
			if (opt_runs < 1 || opt_runs > 32)
				opt_runs = 5;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-t seconds] [-r runs] [-a "
				"8|13|15]\n",
				argv[0]);
			return 2;
		}
	}
	printf("one RRset (www.example. A, 1 RRSIG) with a cached key vs the "
	       "bare public-key operation, per core (thread CPU time)\n");
	if (!opt_alg || opt_alg == 8)
		bench(8, "RSASHA256-2048");
	if (!opt_alg || opt_alg == 13)
		bench(13, "ECDSAP256SHA256");
	if (!opt_alg || opt_alg == 15)
		bench(15, "ED25519");
	return 0;
}
