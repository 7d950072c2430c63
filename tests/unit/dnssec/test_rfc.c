/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC examples validated end to end through lib/dnssec (lib/crypto's own
 * tests check the raw signature vectors).
 *
 * RFC 5155 appendix B: the responses of the example zone of appendix A
 * (NSEC3, 12 iterations, salt aabbccdd, RSASHA1-NSEC3-SHA1, signatures
 * valid 2005-10-21 .. 2015-04-20; "now" is 2008-01-10). The zone's keys
 * are 512-bit RSA: lib/crypto refuses RSA below rsa_min_bits (default
 * 1024) and the validator then treats the zone like one with an
 * unsupported algorithm (insecure, EDE 1; checked below); the vectors
 * run with rsa_min_bits = 512. Every NSEC3 of that zone has the opt-out
 * flag, so the proofs whose next closer name falls in an opt-out span
 * are insecure (RFC 5155 9.2), as in Unbound: B.1, B.3, B.4, B.5. B.6 is
 * the child zone's own answer to a DS query: its apex NSEC3 cannot deny
 * the parent's DS (RFC 5155 8.6, RFC 6840 4.4): bogus.
 *
 * RFC 5702 6.1/6.2, RFC 6605 6.1/6.2: published RRSIGs over
 * www.example.net A with their DNSKEYs; no signed DNSKEY RRset is
 * published, so the key is trusted through a test hook
 * (dv_keys_inject()) under a trust anchor: what is checked is the RRSIG
 * validation itself (signed data, key, algorithm, time).
 *
 * RFC 8080 6: the published Ed25519/Ed448 example signatures do not
 * verify (the RFC's RRSIG texts are inconsistent), so the example
 * private keys sign the example RRset here (EdDSA is deterministic),
 * under a trust anchor made of the RFC's DS records: a full chain DS ->
 * DNSKEY -> MX.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "dnssec_priv.h"
#include "testsign.h"

/* ---- A little presentation-format reader for the records used ---------- */

static uint32_t
ts_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year,
				&tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
				&tm.tm_min, &tm.tm_sec),
			 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint32_t)timegm(&tm);
}

static size_t
b64(const char *s, uint8_t *out)
{
	size_t n = strlen(s), pad = 0;
	int r;

	while (n && s[n - 1 - pad] == '=' && pad < 2)
		pad++;
	r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	assert_true(r > 0);
	return (size_t)r - pad;
}

static size_t
put_name(uint8_t *p, const char *s)
{
	uint8_t n[TW_DNS_NAME_MAX];

	hx_name(s, n);
	memcpy(p, n, tw_dns_name_len(n));
	return tw_dns_name_len(n);
}

static size_t
put_bitmap(uint8_t *p, char **tok, int nt)
{
	uint16_t types[64];
	int k = 0;
	uint8_t win[256][32];
	int maxb[256];
	size_t o = 0;

	for (int i = 0; i < nt; i++) {
		int t = tw_dns_type_from_str(tok[i]);

		assert_true(t > 0);
		types[k++] = (uint16_t)t;
	}
	memset(win, 0, sizeof(win));
	for (int i = 0; i < 256; i++)
		maxb[i] = -1;
	for (int i = 0; i < k; i++) {
		int w = types[i] >> 8, b = (types[i] & 0xff) / 8;

		win[w][b] |= (uint8_t)(0x80 >> (types[i] & 7));
		if (b > maxb[w])
			maxb[w] = b;
	}
	for (int w = 0; w < 256; w++) {
		if (maxb[w] < 0)
			continue;
		p[o++] = (uint8_t)w;
		p[o++] = (uint8_t)(maxb[w] + 1);
		memcpy(p + o, win[w], (size_t)maxb[w] + 1);
		o += (size_t)maxb[w] + 1;
	}
	return o;
}

/* "owner ttl IN TYPE rdata..." into section sec of m. */
static void
rr(struct ts_msg *m, int sec, const char *text)
{
	char buf[4096], *tok[128], *save = NULL, joined[2048];
	uint8_t rd[TS_RDATA_MAX];
	size_t p = 0;
	int nt = 0, type;

	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, " \t", &save); t && nt < 128;
	     t = strtok_r(NULL, " \t", &save))
		tok[nt++] = t;
	assert_true(nt >= 4);
	type = tw_dns_type_from_str(tok[3]);
	assert_true(type > 0);
	switch (type) {
	case TW_DNS_T_A:
		assert_int_equal(inet_pton(AF_INET, tok[4], rd), 1);
		p = 4;
		break;
	case TW_DNS_T_AAAA:
		assert_int_equal(inet_pton(AF_INET6, tok[4], rd), 1);
		p = 16;
		break;
	case TW_DNS_T_MX:
		rd[0] = 0;
		rd[1] = (uint8_t)atoi(tok[4]);
		p = 2 + put_name(rd + 2, tok[5]);
		break;
	case TW_DNS_T_NS:
	case TW_DNS_T_CNAME:
		p = put_name(rd, tok[4]);
		break;
	case TW_DNS_T_SOA:
		p = put_name(rd, tok[4]);
		p += put_name(rd + p, tok[5]);
		for (int i = 0; i < 5; i++) {
			uint32_t x =
				htonl((uint32_t)strtoul(tok[6 + i], NULL, 10));

			memcpy(rd + p, &x, 4);
			p += 4;
		}
		break;
	case TW_DNS_T_NSEC3: {
		size_t sl = strcmp(tok[7], "-") ? strlen(tok[7]) / 2 : 0;

		rd[p++] = (uint8_t)atoi(tok[4]);
		rd[p++] = (uint8_t)atoi(tok[5]);
		rd[p++] = (uint8_t)(atoi(tok[6]) >> 8);
		rd[p++] = (uint8_t)atoi(tok[6]);
		rd[p++] = (uint8_t)sl;
		for (size_t i = 0; i < sl; i++) {
			unsigned x;

			sscanf(tok[7] + 2 * i, "%2x", &x);
			rd[p++] = (uint8_t)x;
		}
		rd[p] = (uint8_t)dv_b32hex_decode((const uint8_t *)tok[8],
						  strlen(tok[8]), rd + p + 1,
						  64);
		assert_int_equal(rd[p], 20);
		p += 21;
		p += put_bitmap(rd + p, tok + 9, nt - 9);
		break;
	}
	case TW_DNS_T_RRSIG: {
		int cov = tw_dns_type_from_str(tok[4]);
		uint32_t x;

		rd[p++] = (uint8_t)(cov >> 8);
		rd[p++] = (uint8_t)cov;
		rd[p++] = (uint8_t)atoi(tok[5]);
		rd[p++] = (uint8_t)atoi(tok[6]);
		x = htonl((uint32_t)strtoul(tok[7], NULL, 10));
		memcpy(rd + p, &x, 4);
		x = htonl(ts_time(tok[8]));
		memcpy(rd + p + 4, &x, 4);
		x = htonl(ts_time(tok[9]));
		memcpy(rd + p + 8, &x, 4);
		p += 12;
		rd[p++] = (uint8_t)(atoi(tok[10]) >> 8);
		rd[p++] = (uint8_t)atoi(tok[10]);
		p += put_name(rd + p, tok[11]);
		joined[0] = '\0';
		for (int i = 12; i < nt; i++)
			strcat(joined, tok[i]);
		p += b64(joined, rd + p);
		break;
	}
	case TW_DNS_T_DNSKEY:
		rd[0] = (uint8_t)(atoi(tok[4]) >> 8);
		rd[1] = (uint8_t)atoi(tok[4]);
		rd[2] = (uint8_t)atoi(tok[5]);
		rd[3] = (uint8_t)atoi(tok[6]);
		joined[0] = '\0';
		for (int i = 7; i < nt; i++)
			strcat(joined, tok[i]);
		p = 4 + b64(joined, rd + 4);
		break;
	default:
		fail_msg("type %s not handled", tok[3]);
	}
	ts_add(m, sec, tok[0], (uint16_t)type, (uint32_t)atoi(tok[1]), rd, p);
}

/* ---- RFC 5155 appendix B ------------------------------------------------- */

#define R5155_NOW 1200000000u /* 2008-01-10 */

static const char *const r5155_keys[] = {
	"example. 3600 IN DNSKEY 256 3 7 AwEAAaetidLzsKWUt4swWR8yu0wPHPiUi8LU "
	"sAD0QPWU+wzt89epO6tHzkMBVDkC7qphQO2h TY4hHn9npWFRw5BYubE=",
	"example. 3600 IN DNSKEY 257 3 7 AwEAAcUlFV1vhmqx6NSOUOq2R/dsR7Xm3upJ "
	"j7IommWSpJABVfW8Q0rOvXdM6kzt+TAu92L9 AbsUdblMFin8CVF3n4s=",
	"example. 3600 IN RRSIG DNSKEY 7 1 3600 20150420235959 20051021000000 "
	"12708 example. AuU4juU9RaxescSmStrQks3Gh9FblGBlVU31uzMZ/U/FpsUb8aC6 "
	"QZS+sTsJXnLnz7flGOsmMGQZf3bH+QsCtg==",
};

#define R5155_SOA                                                         \
	"example. 3600 IN SOA ns1.example. bugs.x.w.example. 1 3600 300 " \
	"3600000 3600"
#define R5155_SOA_SIG                                                         \
	"example. 3600 IN RRSIG SOA 7 1 3600 20150420235959 20051021000000 "  \
	"40430 example. Hu25UIyNPmvPIVBrldN+9Mlp9Zql39qaUd8iq4ZLlYWfUUbbAS41" \
	"pG+6 8z81q1xhkYAcEyHdVI2LmKusbZsT0Q=="
#define R5155_APEX                                                          \
	"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 1 1 12 "   \
	"aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY " \
	"NSEC3PARAM"
#define R5155_APEX_SIG                                                       \
	"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN RRSIG NSEC3 7 2 " \
	"3600 20150420235959 20051021000000 40430 example. "                 \
	"OSgWSm26B+cS+dDL8b5QrWr/dEWhtCsKlwKLIBHYH6blRxK9rC0bMJPw "          \
	"Q4mLIuw85H2EY762BOCXJZMnpuwhpA=="
#define R5155_35MT                                                        \
	"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN NSEC3 1 1 12 " \
	"aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG"
#define R5155_35MT_SIG                                                       \
	"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN RRSIG NSEC3 7 2 " \
	"3600 20150420235959 20051021000000 40430 example. "                 \
	"g6jPUUpduAJKRljUsN8gB4UagAX0NxY9shwQAynzo8EUWH+z6hEIBlUT "          \
	"PGj15eZll6VhQqgZXtAIR3chwgW+SA=="
#define R5155_Q04J                                                        \
	"q04jkcevqvmu85r014c7dkba38o0ji5r.example. 3600 IN NSEC3 1 1 12 " \
	"aabbccdd r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG"
#define R5155_Q04J_SIG                                                       \
	"q04jkcevqvmu85r014c7dkba38o0ji5r.example. 3600 IN RRSIG NSEC3 7 2 " \
	"3600 20150420235959 20051021000000 40430 example. "                 \
	"hV5I89b+4FHJDATp09g4bbN0R1F845CaXpL3ZxlMKimoPAyqletMlEWw "          \
	"LfFia7sdpSzn+ZlNNlkxWcLsIlMmUg=="

struct r5155_case {
	const char *tag;
	const char *qname;
	uint16_t qtype;
	uint8_t rcode;
	const char *answer[4];
	const char *authority[10];
	int status;
	int ede;
};

static const struct r5155_case r5155[] = {
	{ "B.1 name error",
	  "a.c.x.w.example.",
	  TW_DNS_T_A,
	  TW_DNS_RCODE_NXDOMAIN,
	  { NULL },
	  { R5155_SOA, R5155_SOA_SIG, R5155_APEX, R5155_APEX_SIG,
	    "b4um86eghhds6nea196smvmlo4ors995.example. 3600 IN NSEC3 1 1 12 "
	    "aabbccdd gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG",
	    "b4um86eghhds6nea196smvmlo4ors995.example. 3600 IN RRSIG NSEC3 7 "
	    "2 3600 20150420235959 20051021000000 40430 example. "
	    "ZkPG3M32lmoHM6pa3D6gZFGB/rhL//Bs3Omh5u4m/CUiwtblEVOaAKKZ "
	    "d7S959OeiX43aLX3pOv0TSTyiTxIZg==",
	    R5155_35MT, R5155_35MT_SIG, NULL },
	  TW_DNSSEC_INSECURE,
	  TW_EDE_NONE },
	{ "B.2 no data",
	  "ns1.example.",
	  TW_DNS_T_MX,
	  0,
	  { NULL },
	  { R5155_SOA, R5155_SOA_SIG,
	    "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN NSEC3 1 1 12 "
	    "aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
	    "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN RRSIG NSEC3 7 "
	    "2 3600 20150420235959 20051021000000 40430 example. "
	    "OmBvJ1Vgg1hCKMXHFiNeIYHK9XVW0iLDLwJN4TFoNxZuP03gAXEI634Y "
	    "wOc4YBNITrj413iqNI6mRk/r1dOSUw==",
	    NULL },
	  TW_DNSSEC_SECURE,
	  TW_EDE_NONE },
	{ "B.2.1 no data, empty non-terminal",
	  "y.w.example.",
	  TW_DNS_T_A,
	  0,
	  { NULL },
	  { R5155_SOA, R5155_SOA_SIG,
	    "ji6neoaepv8b5o6k4ev33abha8ht9fgc.example. 3600 IN NSEC3 1 1 12 "
	    "aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h",
	    "ji6neoaepv8b5o6k4ev33abha8ht9fgc.example. 3600 IN RRSIG NSEC3 7 "
	    "2 3600 20150420235959 20051021000000 40430 example. "
	    "gPkFp1s2QDQ6wQzcg1uSebZ61W33rUBDcTj72F3kQ490fEdp7k1BUIfb "
	    "cZtPbX3YCpE+sIt0MpzVSKfTwx4uYA==",
	    NULL },
	  TW_DNSSEC_SECURE,
	  TW_EDE_NONE },
	{ "B.3 referral to an opt-out unsigned zone",
	  "mc.c.example.",
	  TW_DNS_T_MX,
	  0,
	  { NULL },
	  { "c.example. 3600 IN NS ns1.c.example.",
	    "c.example. 3600 IN NS ns2.c.example.", R5155_35MT, R5155_35MT_SIG,
	    R5155_APEX, R5155_APEX_SIG, NULL },
	  TW_DNSSEC_INSECURE,
	  TW_EDE_NONE },
	{ "B.4 wildcard expansion",
	  "a.z.w.example.",
	  TW_DNS_T_MX,
	  0,
	  { "a.z.w.example. 3600 IN MX 1 ai.example.",
	    "a.z.w.example. 3600 IN RRSIG MX 7 2 3600 20150420235959 "
	    "20051021000000 40430 example. "
	    "CikebjQwGQPwijVcxgcZcSJKtfynugtlBiKb9FcBTrmOoyQ4InoWVudh "
	    "CWsh/URX3lc4WRUMivEBP6+4KS3ldA==",
	    NULL },
	  { "example. 3600 IN NS ns1.example.",
	    "example. 3600 IN NS ns2.example.",
	    "example. 3600 IN RRSIG NS 7 1 3600 20150420235959 "
	    "20051021000000 40430 example. "
	    "PVOgtMK1HHeSTau+HwDWC8Ts+6C8qtqd4pQJqOtdEVgg+MA+ai4fWDEh "
	    "u3qHJyLcQ9tbD2vvCnMXjtz6SyObxA==",
	    R5155_Q04J, R5155_Q04J_SIG, NULL },
	  TW_DNSSEC_INSECURE,
	  TW_EDE_NONE },
	{ "B.5 wildcard no data",
	  "a.z.w.example.",
	  TW_DNS_T_AAAA,
	  0,
	  { NULL },
	  { R5155_SOA, R5155_SOA_SIG,
	    "k8udemvp1j2f7eg6jebps17vp3n8i58h.example. 3600 IN NSEC3 1 1 12 "
	    "aabbccdd kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
	    "k8udemvp1j2f7eg6jebps17vp3n8i58h.example. 3600 IN RRSIG NSEC3 7 "
	    "2 3600 20150420235959 20051021000000 40430 example. "
	    "FtXGbvF0+wf8iWkyo73enAuVx03klN+pILBKS6qCcftVtfH4yVzsEZqu "
	    "J27NHR7ruxJWDNMtOtx7w9WfcIg62A==",
	    R5155_Q04J, R5155_Q04J_SIG,
	    "r53bq7cc2uvmubfu5ocmm6pers9tk9en.example. 3600 IN NSEC3 1 1 12 "
	    "aabbccdd t644ebqk9bibcna874givr6joj62mlhv MX RRSIG",
	    "r53bq7cc2uvmubfu5ocmm6pers9tk9en.example. 3600 IN RRSIG NSEC3 7 "
	    "2 3600 20150420235959 20051021000000 40430 example. "
	    "aupviViruXs4bDg9rCbezzBMf9h1ZlDvbW/CZFKulIGXXLj8B/fsDJar "
	    "XVDA9bnUoRhEbKp+HF1FWKW7RIJdtQ==",
	    NULL },
	  TW_DNSSEC_INSECURE,
	  TW_EDE_NONE },
	{ "B.6 DS child zone no data",
	  "example.",
	  TW_DNS_T_DS,
	  0,
	  { NULL },
	  { R5155_SOA, R5155_SOA_SIG, R5155_APEX, R5155_APEX_SIG, NULL },
	  TW_DNSSEC_BOGUS,
	  TW_EDE_NSEC_MISSING },
};

static struct tw_dnssec_ctx *
r5155_ctx(unsigned rsa_min_bits, struct ts_world *w)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_ctx *ctx;
	struct ts_msg *k;

	tw_dnssec_config_init(&cfg);
	cfg.crypto.rsa_min_bits = rsa_min_bits;
	ctx = ts_ctx(&cfg);
	/* the KSK (12708) as a DNSKEY trust anchor */
	assert_int_equal(tw_dnssec_anchor_add_text(ctx, r5155_keys[1], NULL),
			 1);
	k = ts_msg_new("example.", TW_DNS_T_DNSKEY, 0);
	for (size_t i = 0; i < TW_ARRAY_SIZE(r5155_keys); i++)
		rr(k, 0, r5155_keys[i]);
	ts_world_add(w, k);
	free(k);
	return ctx;
}

static void
test_rfc5155_b(void **state)
{
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx;

	(void)state;
	ctx = r5155_ctx(512, &w);
	for (size_t i = 0; i < TW_ARRAY_SIZE(r5155); i++) {
		const struct r5155_case *c = &r5155[i];
		struct tw_dnssec_result res;
		struct ts_msg *m = ts_msg_new(c->qname, c->qtype, c->rcode);

		for (int j = 0; c->answer[j]; j++)
			rr(m, 0, c->answer[j]);
		for (int j = 0; c->authority[j]; j++)
			rr(m, 1, c->authority[j]);
		assert_int_equal(ts_validate(ctx, m, &w, R5155_NOW, &res, NULL),
				 0);
		printf("RFC 5155 %-40s %s ede %d %s\n", c->tag,
		       tw_dnssec_status_str(res.status), res.ede, res.reason);
		assert_int_equal(res.status, c->status);
		assert_int_equal(res.ede, c->ede);
		free(m);
	}
	tw_dnssec_ctx_destroy(ctx);
	ts_world_free(&w);
}

/* With lib/crypto's default policy the 512-bit keys are refused: the
 * zone is insecure (EDE 1), never secure and never bogus. */
static void
test_rfc5155_small_rsa(void **state)
{
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx;
	struct tw_dnssec_result res;
	struct ts_msg *m;

	(void)state;
	ctx = r5155_ctx(1024, &w);
	m = ts_msg_new(r5155[1].qname, r5155[1].qtype, 0);
	for (int j = 0; r5155[1].authority[j]; j++)
		rr(m, 1, r5155[1].authority[j]);
	assert_int_equal(ts_validate(ctx, m, &w, R5155_NOW, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_INSECURE);
	assert_int_equal(res.ede, TW_EDE_UNSUPPORTED_DNSKEY_ALG);
	free(m);
	tw_dnssec_ctx_destroy(ctx);
	ts_world_free(&w);
}

/* Outside the validity window (2016) everything is expired: EDE 7. */
static void
test_rfc5155_expired(void **state)
{
	struct ts_world w = { 0 };
	struct tw_dnssec_ctx *ctx;
	struct tw_dnssec_result res;
	struct ts_msg *m;

	(void)state;
	ctx = r5155_ctx(512, &w);
	m = ts_msg_new(r5155[1].qname, r5155[1].qtype, 0);
	for (int j = 0; r5155[1].authority[j]; j++)
		rr(m, 1, r5155[1].authority[j]);
	assert_int_equal(ts_validate(ctx, m, &w, 1460000000u, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_SIGNATURE_EXPIRED);
	/* before the inception: EDE 8 */
	tw_dnssec_cache_flush(ctx);
	assert_int_equal(ts_validate(ctx, m, &w, 1100000000u, &res, NULL), 0);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_SIGNATURE_NOT_YET_VALID);
	free(m);
	tw_dnssec_ctx_destroy(ctx);
	ts_world_free(&w);
}

/* ---- RFC 5702, RFC 6605: published RRSIGs with an injected key ---------- */

struct sig_vec {
	const char *tag;
	const char *anchor; /* a DS or the DNSKEY itself */
	const char *dnskey;
	const char *rrset;
	const char *rrsig;
	uint32_t now;
	unsigned rsa_min_bits;
};

static const struct sig_vec sig_vecs[] = {
	{ "RFC 5702 6.1 RSASHA256 (512-bit key)",
	  "example.net. 3600 IN DNSKEY 256 3 8 "
	  "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4"
	  "cAgtvd4Qs8PkxUdp6p/DlUmObdk=",
	  "example.net. 3600 IN DNSKEY 256 3 8 "
	  "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4"
	  "cAgtvd4Qs8PkxUdp6p/DlUmObdk=",
	  "www.example.net. 3600 IN A 192.0.2.91",
	  "www.example.net. 3600 IN RRSIG A 8 3 3600 20300101000000 "
	  "20000101000000 9033 example.net. kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7Gh"
	  "iUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==",
	  1280000000u, 512 },
	{ "RFC 5702 6.2 RSASHA512",
	  "example.net. 3600 IN DNSKEY 256 3 10 "
	  "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQ"
	  "ujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpz"
	  "tNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
	  "example.net. 3600 IN DNSKEY 256 3 10 "
	  "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQ"
	  "ujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpz"
	  "tNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
	  "www.example.net. 3600 IN A 192.0.2.91",
	  "www.example.net. 3600 IN RRSIG A 10 3 3600 20300101000000 "
	  "20000101000000 3740 example.net. tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkW"
	  "qjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq+9fO"
	  "uagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPg"
	  "xdDLw=",
	  1280000000u, 1024 },
	{ "RFC 6605 6.1 ECDSAP256SHA256",
	  "example.net. 3600 IN DS 55648 13 2 "
	  "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17",
	  "example.net. 3600 IN DNSKEY 257 3 13 "
	  "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+"
	  "MAnLr+Wi9xMWyQLc8NAA==",
	  "www.example.net. 3600 IN A 192.0.2.1",
	  "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 "
	  "20100812100439 55648 example.net. qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8o"
	  "Mz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
	  1283000000u, 1024 },
	{ "RFC 6605 6.2 ECDSAP384SHA384",
	  "example.net. 3600 IN DS 10771 14 4 "
	  "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0"
	  "563a9b5f4d288405c3008a946df983d6",
	  "example.net. 3600 IN DNSKEY 257 3 14 "
	  "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOp"
	  "gQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
	  "www.example.net. 3600 IN A 192.0.2.1",
	  "www.example.net. 3600 IN RRSIG A 14 3 3600 20100909102025 "
	  "20100812102025 10771 example.net. /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD"
	  "1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSPdz7wnq"
	  "XL5bdcJzusdnI0RSMROxxwGipWcJm",
	  1283000000u, 1024 },
};

static void
test_sig_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(sig_vecs); i++) {
		const struct sig_vec *sv = &sig_vecs[i];
		struct tw_dnssec_config cfg;
		struct tw_dnssec_result res;
		struct ts_world w = { 0 };
		struct tw_dnssec_ctx *ctx;
		struct ts_msg *m =
			ts_msg_new("www.example.net.", TW_DNS_T_A, 0);
		struct ts_msg *k =
			ts_msg_new("example.net.", TW_DNS_T_DNSKEY, 0);
		const uint8_t *rd;
		uint16_t rl;
		uint8_t zone[TW_DNS_NAME_MAX];
		struct ts_rr *r;

		tw_dnssec_config_init(&cfg);
		cfg.crypto.rsa_min_bits = sv->rsa_min_bits;
		ctx = ts_ctx(&cfg);
		assert_int_equal(
			tw_dnssec_anchor_add_text(ctx, sv->anchor, NULL), 1);
		rr(k, 0, sv->dnskey);
		rd = k->rr[0][0].rdata;
		rl = k->rr[0][0].rdlen;
		hx_name("example.net.", zone);
		assert_int_equal(
			dv_keys_inject(ctx, zone, &rd, &rl, 1, sv->now + 3600),
			0);
		rr(m, 0, sv->rrset);
		rr(m, 0, sv->rrsig);
		assert_int_equal(ts_validate(ctx, m, &w, sv->now, &res, NULL),
				 0);
		printf("%-40s %s %s\n", sv->tag,
		       tw_dnssec_status_str(res.status), res.reason);
		assert_int_equal(res.status, TW_DNSSEC_SECURE);
		/* TTL capped by the signature's end too */
		assert_true(res.ttl_cap <= 3600);
		/* one changed rdata octet: bogus, EDE 6 */
		r = &m->rr[0][0];
		r->rdata[3] ^= 1;
		assert_int_equal(ts_validate(ctx, m, &w, sv->now, &res, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_BOGUS);
		assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
		free(m);
		free(k);
		tw_dnssec_ctx_destroy(ctx);
	}
}

/* ---- RFC 8080 6: Ed25519 / Ed448, full chain from the RFC's DS ---------- */

static void
test_rfc8080(void **state)
{
	static const struct {
		uint8_t alg;
		const char *priv;
		const char *ds;
		uint16_t tag;
	} v[] = {
		{ 15, "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=",
		  "example.com. 3600 IN DS 3613 15 2 "
		  "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a"
		  "304b",
		  3613 },
		{ 16,
		  "xZ+5Cgm463xugtkY5B0Jx6erFTXp13rYegst0qRtNsOYnaVpMx0Z/c5EiA9x"
		  "8wWbDDct/U3FhYWA",
		  "example.com. 3600 IN DS 9713 16 2 "
		  "6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2b"
		  "19c7",
		  9713 },
	};

	(void)state;
	for (size_t i = 0; i < TW_ARRAY_SIZE(v); i++) {
		struct tw_dnssec_result res;
		struct ts_world w = { 0 };
		struct tw_dnssec_ctx *ctx = ts_ctx(NULL);
		struct ts_key key;
		struct ts_msg *m;
		uint8_t priv[64];
		size_t pl = b64(v[i].priv, priv);

		ts_key_raw_ed(&key, v[i].alg, 257, priv, pl);
		/* the RFC's DNSKEY and key tag come out of the private key */
		assert_int_equal(key.tag, v[i].tag);
		assert_int_equal(tw_dnssec_anchor_add_text(ctx, v[i].ds, NULL),
				 1);
		m = ts_msg_new("example.com.", TW_DNS_T_DNSKEY, 0);
		ts_add_dnskey(m, 0, "example.com.", &key);
		ts_sign(m, 0, "example.com.", TW_DNS_T_DNSKEY, &key,
			"example.com.", 1438207200u, 1440021600u, NULL);
		ts_world_add(&w, m);
		free(m);
		m = ts_msg_new("example.com.", TW_DNS_T_MX, 0);
		{
			uint8_t mx[64] = { 0, 10 };
			uint8_t n[TW_DNS_NAME_MAX];

			hx_name("mail.example.com.", n);
			memcpy(mx + 2, n, tw_dns_name_len(n));
			ts_add(m, 0, "example.com.", TW_DNS_T_MX, 3600, mx,
			       2 + tw_dns_name_len(n));
		}
		ts_sign(m, 0, "example.com.", TW_DNS_T_MX, &key, "example.com.",
			1438207200u, 1440021600u, NULL);
		assert_int_equal(
			ts_validate(ctx, m, &w, 1439000000u, &res, NULL), 0);
		printf("RFC 8080 alg %u: %s %s\n", v[i].alg,
		       tw_dnssec_status_str(res.status), res.reason);
		assert_int_equal(res.status, TW_DNSSEC_SECURE);
		free(m);
		ts_key_free(&key);
		ts_world_free(&w);
		tw_dnssec_ctx_destroy(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5155_b),
		cmocka_unit_test(test_rfc5155_small_rsa),
		cmocka_unit_test(test_rfc5155_expired),
		cmocka_unit_test(test_sig_vectors),
		cmocka_unit_test(test_rfc8080),
	};

	return cmocka_run_group_tests_name("dnssec/rfc", tests, NULL, NULL);
}
