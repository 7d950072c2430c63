/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The test bed's manifest, validated from recorded answers.
 *
 * scripts/testbed/gen-fixtures.sh (run by meson before this test, see
 * meson.build) signs a private hierarchy with real signers, serves it
 * with NSD and records every answer. Here a fake resolver answers the
 * validator's DS/DNSKEY requests from those files, and every manifest
 * line must give exactly its status and EDE at the fixed time
 * 2026-06-01 (HX_NOW).
 *
 * The manifest uses our default NSEC3 iteration limit, 50 (RFC 9276
 * 3.2, as BIND, PowerDNS Recursor and Knot Resolver): iter51.test.
 * answers that need an NSEC3 proof are insecure with EDE 27. A second
 * pass with the limit at 150 (Unbound 1.17's) expects iter51.test. to
 * behave like iter1.test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "testsign.h"

static const char *fixdir;

struct mrow {
	char qname[256];
	char qtype[16];
	int status;
	int ede;
	char rcode[16];
	char comment[256];
};

static struct mrow *rows;
static size_t n_rows;

static int
status_from(const char *s)
{
	if (strcmp(s, "secure") == 0)
		return TW_DNSSEC_SECURE;
	if (strcmp(s, "insecure") == 0)
		return TW_DNSSEC_INSECURE;
	if (strcmp(s, "bogus") == 0)
		return TW_DNSSEC_BOGUS;
	return TW_DNSSEC_INDETERMINATE;
}

static int
load_manifest(void **state)
{
	char path[2048], line[2048];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/manifest.tsv", fixdir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr,
			"no manifest at %s: fixture generation "
			"failed?\n",
			path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[6] = { 0 };
		char *p = line, *save = NULL;
		struct mrow *r;
		int i = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (char *t = strtok_r(p, "\t", &save); t && i < 6;
		     t = strtok_r(NULL, "\t", &save))
			fld[i++] = t;
		if (i < 5)
			continue;
		rows = realloc(rows, (n_rows + 1) * sizeof(*rows));
		r = &rows[n_rows++];
		memset(r, 0, sizeof(*r));
		snprintf(r->qname, sizeof(r->qname), "%s", fld[0]);
		snprintf(r->qtype, sizeof(r->qtype), "%s", fld[1]);
		r->status = status_from(fld[2]);
		r->ede = strcmp(fld[3], "-") == 0 ? TW_EDE_NONE : atoi(fld[3]);
		snprintf(r->rcode, sizeof(r->rcode), "%s", fld[4]);
		snprintf(r->comment, sizeof(r->comment), "%s",
			 fld[5] ? fld[5] : "");
	}
	fclose(f);
	return n_rows > 200 ? 0 : -1;
}

static int
free_manifest(void **state)
{
	(void)state;
	free(rows);
	rows = NULL;
	n_rows = 0;
	return 0;
}

/* The fake resolver: the test bed's answers, then our DS probes. */
static int
resolve(void *arg, const uint8_t *name, uint16_t qtype, struct hx_answer *out)
{
	char dir[2048];

	(void)arg;
	snprintf(dir, sizeof(dir), "%s/answers", fixdir);
	if (hx_resolve_dir(dir, name, qtype, out) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/answers-ds", fixdir);
	return hx_resolve_dir(dir, name, qtype, out);
}

static struct tw_dnssec_ctx *
make_ctx(uint32_t iter_limit)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_ctx *ctx;
	char path[2048];

	tw_dnssec_config_init(&cfg);
	cfg.nsec3_iter_insecure = iter_limit;
	assert_int_equal(tw_dnssec_ctx_create(&cfg, &ctx), 0);
	snprintf(path, sizeof(path), "%s/trust-anchor.key", fixdir);
	assert_int_equal(tw_dnssec_anchor_add_file(ctx, path, NULL), 1);
	return ctx;
}

/* Expected result: the manifest, except with the iteration limit raised
 * to 150, where iter51.test. behaves like iter1.test. */
static void
expected(const struct mrow *r, uint32_t iter_limit, int *status, int *ede)
{
	const char *p = strstr(r->qname, "iter51.test.");

	*status = r->status;
	*ede = r->ede;
	if (iter_limit < 51 || !p)
		return;
	for (size_t i = 0; i < n_rows; i++) {
		const char *q = strstr(rows[i].qname, "iter1.test.");

		if (q && strcmp(rows[i].qtype, r->qtype) == 0 &&
		    (size_t)(q - rows[i].qname) == (size_t)(p - r->qname) &&
		    strncmp(rows[i].qname, r->qname, (size_t)(p - r->qname)) ==
			    0) {
			*status = rows[i].status;
			*ede = rows[i].ede;
			return;
		}
	}
}

/*
 * Run every manifest line. fresh: a new context per line (cold caches);
 * otherwise one context for all (keys, cuts and failures cached).
 */
static void
run_manifest(bool fresh, uint32_t iter_limit)
{
	char adir[2048];
	struct tw_dnssec_ctx *ctx = NULL;
	unsigned bad = 0;

	snprintf(adir, sizeof(adir), "%s/answers", fixdir);
	for (size_t i = 0; i < n_rows; i++) {
		const struct mrow *r = &rows[i];
		uint8_t qname[TW_DNS_NAME_MAX];
		struct tw_dnssec_result res;
		struct hx_answer a;
		char path[4096];
		int qtype, st, ede, rc;
		unsigned fetches = 0, jobs = 0;

		if (!ctx || fresh) {
			if (ctx)
				tw_dnssec_ctx_destroy(ctx);
			ctx = make_ctx(iter_limit);
		}
		hx_name(r->qname, qname);
		qtype = tw_dns_type_from_str(r->qtype);
		assert_true(qtype > 0);
		hx_answer_path(path, sizeof(path), adir, qname,
			       (uint16_t)qtype);
		assert_int_equal(hx_read_file(path, &a), 0);
		rc = hx_validate(ctx, a.wire, a.len, qname, (uint16_t)qtype,
				 HX_NOW, resolve, NULL, &res, &fetches, &jobs);
		free(a.wire);
		expected(r, iter_limit, &st, &ede);
		if (rc != 0 || (int)res.status != st || res.ede != ede) {
			bad++;
			printf("MISMATCH %-36s %-6s want %s/%d got %s/%d rc "
			       "%d: "
			       "%s\n",
			       r->qname, r->qtype,
			       tw_dnssec_status_str((enum tw_dnssec_status)st),
			       ede, tw_dnssec_status_str(res.status), res.ede,
			       rc, res.reason);
		} else if (fresh && iter_limit == 50) {
			printf("ok %-36s %-6s %-9s ede %-3d fetches %u sigs %u "
			       "%s\n",
			       r->qname, r->qtype,
			       tw_dnssec_status_str(res.status), res.ede,
			       fetches, jobs, res.reason);
		}
	}
	tw_dnssec_ctx_destroy(ctx);
	printf("manifest (%s, NSEC3 iteration limit %u): %zu lines, %u "
	       "mismatches\n",
	       fresh ? "cold cache" : "shared cache", iter_limit, n_rows, bad);
	assert_int_equal(bad, 0);
}

static void
test_manifest_cold(void **state)
{
	(void)state;
	run_manifest(true, 50);
}

static void
test_manifest_shared_cache(void **state)
{
	(void)state;
	run_manifest(false, 50);
}

static void
test_manifest_iter150(void **state)
{
	(void)state;
	run_manifest(true, 150);
}

/* ---- Mutations of recorded answers -------------------------------------- */

/*
 * Variants real signers do not produce (RRSIG fields, DNSKEY flags and
 * protocol changed, RRSIGs or proofs removed) are made by editing the
 * recorded answers: the answer is read into a ts_msg (canonical rdata),
 * changed, and written again. A changed signed field also breaks the
 * signature, which is part of what each case asserts.
 */

static struct ts_world mw; /* answers replaced for one case */

static int
resolve_mut(void *arg, const uint8_t *name, uint16_t qtype,
	    struct hx_answer *out)
{
	if (ts_world_resolve(&mw, name, qtype, out) == 0)
		return 0;
	return resolve(arg, name, qtype, out);
}

/* Read the recorded answer to (qname, qtype) into a new ts_msg. */
static struct ts_msg *
load(const char *qname, const char *qtype)
{
	uint8_t q[TW_DNS_NAME_MAX];
	char path[4096], dir[2048];
	struct hx_answer a;
	struct tw_dns_msg msg;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr r;
	struct ts_msg *m;
	int t = tw_dns_type_from_str(qtype);

	hx_name(qname, q);
	snprintf(dir, sizeof(dir), "%s/answers", fixdir);
	hx_answer_path(path, sizeof(path), dir, q, (uint16_t)t);
	assert_int_equal(hx_read_file(path, &a), 0);
	assert_int_equal(tw_dns_parse(&msg, a.wire, a.len), 0);
	m = ts_msg_new(qname, (uint16_t)t, msg.hdr.flags & 0xf);
	tw_dns_rr_iter_init(&it, &msg);
	while (tw_dns_rr_next(&it, &r) == 1) {
		struct ts_rr *x;
		int sec = r.section == TW_DNS_SEC_AN ? 0 : 1;
		int len;

		if (r.section == TW_DNS_SEC_AR)
			break;
		assert_true(m->n[sec] < TS_MAX_RR);
		x = &m->rr[sec][m->n[sec]++];
		assert_true(tw_dns_rr_owner(&msg, &r, x->owner) > 0);
		x->type = r.type;
		x->rclass = r.rclass;
		x->ttl = r.ttl;
		len = tw_dns_rr_canonical_rdata(&msg, &r, x->rdata,
						sizeof(x->rdata));
		assert_true(len >= 0);
		x->rdlen = (uint16_t)len;
	}
	free(a.wire);
	return m;
}

/* The i-th RR of a type in a section (RRSIG: covering cov). */
static struct ts_rr *
find(struct ts_msg *m, int sec, uint16_t type, uint16_t cov, int i)
{
	for (unsigned int k = 0; k < m->n[sec]; k++) {
		struct ts_rr *r = &m->rr[sec][k];

		if (r->type != type)
			continue;
		if (type == TW_DNS_T_RRSIG &&
		    (uint16_t)(r->rdata[0] << 8 | r->rdata[1]) != cov)
			continue;
		if (i-- == 0)
			return r;
	}
	fail_msg("no such RR");
	return NULL;
}

/* Remove every RR of a type (RRSIG: covering cov, 0 = all) in a section. */
static void
strip(struct ts_msg *m, int sec, uint16_t type, uint16_t cov)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < m->n[sec]; i++) {
		struct ts_rr *r = &m->rr[sec][i];
		bool drop = r->type == type;

		if (drop && type == TW_DNS_T_RRSIG && cov)
			drop = (uint16_t)(r->rdata[0] << 8 | r->rdata[1]) ==
			       cov;
		if (!drop)
			m->rr[sec][k++] = *r;
	}
	m->n[sec] = (uint16_t)k;
}

/* Replace the signer name of an RRSIG rdata. */
static void
set_signer(struct ts_rr *sig, const char *signer)
{
	uint8_t n[TW_DNS_NAME_MAX], rest[TS_RDATA_MAX];
	size_t ol = tw_dns_name_len(sig->rdata + 18), rl, nl;

	hx_name(signer, n);
	nl = tw_dns_name_len(n);
	rl = sig->rdlen - 18 - ol;
	memcpy(rest, sig->rdata + 18 + ol, rl);
	memcpy(sig->rdata + 18, n, nl);
	memcpy(sig->rdata + 18 + nl, rest, rl);
	sig->rdlen = (uint16_t)(18 + nl + rl);
}

static void
check(struct ts_msg *m, int status, int ede, const char *what)
{
	struct tw_dnssec_ctx *ctx = make_ctx(50);
	struct tw_dnssec_result res;

	ts_msg_wire(m);
	assert_int_equal(hx_validate(ctx, m->wire, m->len, m->qname, m->qtype,
				     HX_NOW, resolve_mut, NULL, &res, NULL,
				     NULL),
			 0);
	printf("%-52s %-8s ede %-3d %s\n", what,
	       tw_dnssec_status_str(res.status), res.ede, res.reason);
	assert_int_equal(res.status, status);
	assert_int_equal(res.ede, ede);
	tw_dnssec_ctx_destroy(ctx);
}

/* Whether a DNSKEY RRset answer holds a key with this tag. */
static bool
zone_has_tag(const char *zone, uint16_t tag)
{
	struct ts_msg *k = load(zone, "DNSKEY");
	bool has = false;

	for (unsigned int i = 0; i < k->n[0]; i++)
		if (k->rr[0][i].type == TW_DNS_T_DNSKEY &&
		    ts_key_tag(k->rr[0][i].rdata, k->rr[0][i].rdlen) == tag)
			has = true;
	free(k);
	return has;
}

static void
test_mutate_rrsig(void **state)
{
	struct ts_msg *m;
	struct ts_rr *sig;
	uint16_t tag;

	(void)state;
	/* the answer as recorded */
	m = load("www.ecdsa.test.", "A");
	check(m, TW_DNSSEC_SECURE, TW_EDE_NONE, "www.ecdsa A as recorded");
	/* RFC 4035 5.3.3: a TTL above the original TTL is capped */
	find(m, 0, TW_DNS_T_A, 0, 0)->ttl = 999999;
	{
		struct tw_dnssec_ctx *ctx = make_ctx(50);
		struct tw_dnssec_result res;

		ts_msg_wire(m);
		assert_int_equal(hx_validate(ctx, m->wire, m->len, m->qname,
					     m->qtype, HX_NOW, resolve_mut,
					     NULL, &res, NULL, NULL),
				 0);
		assert_int_equal(res.status, TW_DNSSEC_SECURE);
		assert_int_equal(res.ttl_cap, 3600);
		tw_dnssec_ctx_destroy(ctx);
	}
	free(m);

	/* labels 3 -> 2: a claimed expansion of *.ecdsa.test; the signed
	 * data (wildcard owner) differs: the signature fails (EDE 6) */
	m = load("www.ecdsa.test.", "A");
	find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0)->rdata[3] = 2;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, "RRSIG labels 3 -> 2");
	free(m);
	/* labels above the owner's (RFC 4035 5.3.1): unusable RRSIG */
	m = load("www.ecdsa.test.", "A");
	find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0)->rdata[3] = 4;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, "RRSIG labels 3 -> 4");
	free(m);
	/* original TTL: part of the signed data */
	m = load("www.ecdsa.test.", "A");
	find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0)->rdata[6] ^= 0x10;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
	      "RRSIG original TTL changed");
	free(m);
	/* key tag + 1: no key has it (EDE 9) */
	m = load("www.ecdsa.test.", "A");
	sig = find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0);
	tag = (uint16_t)((sig->rdata[16] << 8 | sig->rdata[17]) + 1);
	sig->rdata[16] = (uint8_t)(tag >> 8);
	sig->rdata[17] = (uint8_t)tag;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING, "RRSIG key tag + 1");
	free(m);
	/* algorithm 13 -> 8: no such key (EDE 9) */
	m = load("www.ecdsa.test.", "A");
	find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0)->rdata[2] = 8;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING,
	      "RRSIG algorithm 13 -> 8");
	free(m);
	/* signer -> the parent test.: checked with test.'s keys, which do
	 * not have the tag (EDE 9), unless one happens to (then EDE 6) */
	m = load("www.ecdsa.test.", "A");
	sig = find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0);
	tag = (uint16_t)(sig->rdata[16] << 8 | sig->rdata[17]);
	set_signer(sig, "test.");
	check(m, TW_DNSSEC_BOGUS,
	      zone_has_tag("test.", tag) ? TW_EDE_DNSSEC_BOGUS
					 : TW_EDE_DNSKEY_MISSING,
	      "RRSIG signer -> test.");
	free(m);
	/* signer -> www.ecdsa.test.: not a zone apex (the DS probe shows
	 * it is a plain name of ecdsa.test.) */
	m = load("www.ecdsa.test.", "A");
	set_signer(find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0),
		   "www.ecdsa.test.");
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
	      "RRSIG signer -> www.ecdsa.test.");
	free(m);
	/* signer -> rsa.test.: does not enclose the owner */
	m = load("www.ecdsa.test.", "A");
	set_signer(find(m, 0, TW_DNS_T_RRSIG, TW_DNS_T_A, 0), "rsa.test.");
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
	      "RRSIG signer -> rsa.test.");
	free(m);
	/* RRSIG removed: the DS probe of www shows it is in the secure
	 * zone: EDE 10 */
	m = load("www.ecdsa.test.", "A");
	strip(m, 0, TW_DNS_T_RRSIG, 0);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_RRSIGS_MISSING, "RRSIG removed");
	free(m);
	/* rdata changed after signing */
	m = load("www.ed448.test.", "A");
	find(m, 0, TW_DNS_T_A, 0, 0)->rdata[3] ^= 1;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
	      "A rdata changed (Ed448)");
	free(m);
}

static void
test_mutate_dnskey(void **state)
{
	struct ts_msg *a = load("www.ecdsa.test.", "A"), *k;

	(void)state;
	/* CSK zone: the zone bit cleared (257 -> 1): the key tag changes,
	 * no DNSKEY matches the DS (RFC 4035 5.2): EDE 9 */
	k = load("ecdsa.test.", "DNSKEY");
	find(k, 0, TW_DNS_T_DNSKEY, 0, 0)->rdata[0] = 0;
	ts_world_add(&mw, k);
	check(a, TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING,
	      "ecdsa DNSKEY zone bit cleared");
	ts_world_free(&mw);
	free(k);
	/* protocol 3 -> 4 (RFC 4034 2.1.2): likewise EDE 9 */
	k = load("ecdsa.test.", "DNSKEY");
	find(k, 0, TW_DNS_T_DNSKEY, 0, 0)->rdata[2] = 4;
	ts_world_add(&mw, k);
	check(a, TW_DNSSEC_BOGUS, TW_EDE_DNSKEY_MISSING,
	      "ecdsa DNSKEY protocol 3 -> 4");
	ts_world_free(&mw);
	free(k);
	free(a);
	/* KSK + ZSK zone: the ZSK's flags or protocol changed: the KSK's
	 * signature over the DNSKEY RRset breaks: EDE 6 */
	a = load("www.rsa.test.", "A");
	for (int i = 0; i < 2; i++) {
		struct ts_rr *z = NULL;

		k = load("rsa.test.", "DNSKEY");
		for (unsigned int j = 0; j < k->n[0]; j++)
			if (k->rr[0][j].type == TW_DNS_T_DNSKEY &&
			    k->rr[0][j].rdata[1] == 0) /* flags 256: ZSK */
				z = &k->rr[0][j];
		assert_non_null(z);
		if (i == 0)
			z->rdata[0] = 0; /* 256 -> 0 */
		else
			z->rdata[2] = 2; /* protocol 3 -> 2 */
		ts_world_add(&mw, k);
		check(a, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
		      i == 0 ? "rsa ZSK zone bit cleared"
			     : "rsa ZSK protocol 3 -> 2");
		ts_world_free(&mw);
		free(k);
	}
	/* the DNSKEY RRset's RRSIG removed: EDE 10 */
	k = load("rsa.test.", "DNSKEY");
	strip(k, 0, TW_DNS_T_RRSIG, 0);
	ts_world_add(&mw, k);
	check(a, TW_DNSSEC_BOGUS, TW_EDE_RRSIGS_MISSING,
	      "rsa DNSKEY RRSIG removed");
	ts_world_free(&mw);
	free(k);
	free(a);
}

static void
test_mutate_denial(void **state)
{
	struct ts_msg *m;

	(void)state;
	/* NSEC removed from an NXDOMAIN: EDE 12 */
	m = load("nx.ecdsa.test.", "A");
	check(m, TW_DNSSEC_SECURE, TW_EDE_NONE,
	      "nx.ecdsa NXDOMAIN as recorded");
	strip(m, 1, TW_DNS_T_NSEC, 0);
	strip(m, 1, TW_DNS_T_RRSIG, TW_DNS_T_NSEC);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "NXDOMAIN, NSEC removed");
	free(m);
	/* every RRSIG removed: the denial is unsigned in a secure zone */
	m = load("nx.ecdsa.test.", "A");
	strip(m, 1, TW_DNS_T_RRSIG, 0);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_RRSIGS_MISSING,
	      "NXDOMAIN, RRSIGs removed");
	free(m);
	/* NXDOMAIN turned into NODATA: the NSEC covers the name, does not
	 * match it: no NODATA proof */
	m = load("nx.ecdsa.test.", "A");
	m->rcode = 0;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING, "NXDOMAIN -> NOERROR");
	free(m);
	/* the same with NSEC3 */
	m = load("nx.nsec3.test.", "A");
	strip(m, 1, TW_DNS_T_NSEC3, 0);
	strip(m, 1, TW_DNS_T_RRSIG, TW_DNS_T_NSEC3);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "NXDOMAIN, NSEC3 removed");
	free(m);
	/* NODATA with its NSEC removed */
	m = load("www.ecdsa.test.", "MX");
	strip(m, 1, TW_DNS_T_NSEC, 0);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING, "NODATA, NSEC removed");
	free(m);
	/* wildcard expansion without its proof (RFC 4035 5.3.4) */
	m = load("host.wild.ecdsa.test.", "A");
	check(m, TW_DNSSEC_SECURE, TW_EDE_NONE, "wildcard answer as recorded");
	strip(m, 1, TW_DNS_T_NSEC, 0);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "wildcard answer, NSEC removed");
	free(m);
	m = load("host.wild.nsec3.test.", "TXT");
	strip(m, 1, TW_DNS_T_NSEC3, 0);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "wildcard answer, NSEC3 removed");
	free(m);
	/* an NSEC proving no DS for a name whose NSEC is ... the child's
	 * own: unsigned.ecdsa.test.'s DS denial is the parent's NSEC at
	 * the cut (NS, no DS): insecure as recorded */
	m = load("www.unsigned.ecdsa.test.", "A");
	check(m, TW_DNSSEC_INSECURE, TW_EDE_NONE, "insecure delegation (NSEC)");
	free(m);
}

/* The parent's NSEC at a delegation used to deny data in the child
 * (RFC 6840 4.1): the DS denial of unsigned.ecdsa.test. (the parent's NSEC
 * at the cut, NS without SOA) offered as NODATA for its SOA. */
static void
test_mutate_wrong_side(void **state)
{
	struct ts_msg *ds = load("unsigned.ecdsa.test.", "DS");
	struct ts_msg *m = ts_msg_new("unsigned.ecdsa.test.", TW_DNS_T_SOA, 0);

	(void)state;
	for (unsigned int i = 0; i < ds->n[1]; i++)
		m->rr[1][m->n[1]++] = ds->rr[1][i];
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "parent's delegation NSEC as NODATA for child data");
	free(m);
	free(ds);
}

/* ---- Configuration, anchors, NTAs, paths on the recorded answers ------- */

/* A context with cfg (NULL: defaults) and, if root, the test bed's anchor. */
static struct tw_dnssec_ctx *
ctx_with(const struct tw_dnssec_config *cfg, bool root)
{
	struct tw_dnssec_ctx *ctx;
	char path[2048];

	assert_int_equal(tw_dnssec_ctx_create(cfg, &ctx), 0);
	if (root) {
		snprintf(path, sizeof(path), "%s/trust-anchor.key", fixdir);
		assert_int_equal(tw_dnssec_anchor_add_file(ctx, path, NULL), 1);
	}
	return ctx;
}

/* Validate the recorded answer to (qname, qtype) at now. */
static void
run_one(struct tw_dnssec_ctx *ctx, const char *qname, const char *qtype,
	uint32_t now, struct tw_dnssec_result *res, unsigned *fetches)
{
	uint8_t q[TW_DNS_NAME_MAX];
	struct hx_answer a;
	char path[4096], dir[2048];
	int t = tw_dns_type_from_str(qtype);

	assert_true(t > 0);
	hx_name(qname, q);
	snprintf(dir, sizeof(dir), "%s/answers", fixdir);
	hx_answer_path(path, sizeof(path), dir, q, (uint16_t)t);
	assert_int_equal(hx_read_file(path, &a), 0);
	assert_int_equal(hx_validate(ctx, a.wire, a.len, q, (uint16_t)t, now,
				     resolve, NULL, res, fetches, NULL),
			 0);
	free(a.wire);
}

static void
expect_one(struct tw_dnssec_ctx *ctx, const char *qname, const char *qtype,
	   int status, int ede, const char *what)
{
	struct tw_dnssec_result res;
	unsigned fetches = 0;

	run_one(ctx, qname, qtype, HX_NOW, &res, &fetches);
	printf("%-44s %-22s %-6s %-8s ede %-3d fetches %u %s\n", what, qname,
	       qtype, tw_dnssec_status_str(res.status), res.ede, fetches,
	       res.reason);
	assert_int_equal(res.status, status);
	assert_int_equal(res.ede, ede);
}

/*
 * The DS RRs of the recorded "zone DS" answer as trust anchors, owned by
 * at (zone when NULL: an anchor that matches; another name: one that
 * names keys the zone does not have). Returns how many were added.
 */
static int
anchor_ds(struct tw_dnssec_ctx *ctx, const char *zone, const char *at)
{
	struct ts_msg *m = load(zone, "DS");
	int n = 0;

	for (unsigned int i = 0; i < m->n[0]; i++) {
		const struct ts_rr *r = &m->rr[0][i];
		struct tw_dns_zone_rr zr;

		if (r->type != TW_DNS_T_DS)
			continue;
		memset(&zr, 0, sizeof(zr));
		hx_name(at ? at : zone, zr.owner);
		zr.owner_len = (uint16_t)tw_dns_name_len(zr.owner);
		zr.type = TW_DNS_T_DS;
		zr.rclass = TW_DNS_C_IN;
		zr.ttl = 3600;
		zr.rdlen = r->rdlen;
		memcpy(zr.rdata, r->rdata, r->rdlen);
		assert_int_equal(tw_dnssec_anchor_add(ctx, &zr), 0);
		n++;
	}
	free(m);
	assert_true(n > 0);
	return n;
}

/*
 * RFC 9905 (point 2's option): tw_dnssec_config_no_sha1() makes
 * RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7) unsupported: the zones signed
 * only with them become insecure with EDE 1 (RFC 4035 5.2: the DS RRset
 * names only unsupported algorithms), positive and negative answers
 * alike; the other algorithms are untouched. The defaults validate them
 * (the manifest: secure).
 */
static void
test_no_sha1(void **state)
{
	static const char *const zones[] = { "rsasha1.test.",
					     "rsasha1-nsec3.test." };
	struct tw_dnssec_config cfg;
	struct tw_dnssec_ctx *ctx;
	char n[64];

	(void)state;
	tw_dnssec_config_init(&cfg);
	ctx = ctx_with(&cfg, true);
	for (size_t i = 0; i < TW_ARRAY_SIZE(zones); i++) {
		snprintf(n, sizeof(n), "www.%s", zones[i]);
		expect_one(ctx, n, "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
			   "defaults: SHA-1 algorithms validated");
	}
	tw_dnssec_ctx_destroy(ctx);

	tw_dnssec_config_no_sha1(&cfg);
	ctx = ctx_with(&cfg, true);
	for (size_t i = 0; i < TW_ARRAY_SIZE(zones); i++) {
		snprintf(n, sizeof(n), "www.%s", zones[i]);
		expect_one(ctx, n, "A", TW_DNSSEC_INSECURE,
			   TW_EDE_UNSUPPORTED_DNSKEY_ALG, "RFC 9905 option");
		snprintf(n, sizeof(n), "nx.%s", zones[i]);
		expect_one(ctx, n, "A", TW_DNSSEC_INSECURE,
			   TW_EDE_UNSUPPORTED_DNSKEY_ALG, "RFC 9905 option");
		expect_one(ctx, zones[i], "DNSKEY", TW_DNSSEC_INSECURE,
			   TW_EDE_UNSUPPORTED_DNSKEY_ALG, "RFC 9905 option");
		/* the parent's DS RRset itself is still signed (test., 13) */
		expect_one(ctx, zones[i], "DS", TW_DNSSEC_SECURE, TW_EDE_NONE,
			   "RFC 9905 option, DS in the parent");
	}
	expect_one(ctx, "www.rsa.test.", "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "RFC 9905 option, RSASHA256 untouched");
	expect_one(ctx, "www.rsasha512.test.", "A", TW_DNSSEC_SECURE,
		   TW_EDE_NONE, "RFC 9905 option, RSASHA512 untouched");
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * Point 1: several anchors at any names (the closest one above a name is
 * used, RFC 4035 5) and negative trust anchors (RFC 7646), on the test
 * bed's real zones.
 */
static void
test_anchors_and_ntas(void **state)
{
	struct tw_dnssec_result res;
	struct tw_dnssec_ctx *ctx;
	uint8_t n[TW_DNS_NAME_MAX];
	unsigned fetches;

	(void)state;
	/* one anchor, at ecdsa.test. only: its zone validates from it with
	 * one fetch (its DNSKEY RRset); names outside it have no anchor */
	ctx = ctx_with(NULL, false);
	anchor_ds(ctx, "ecdsa.test.", NULL);
	run_one(ctx, "www.ecdsa.test.", "A", HX_NOW, &res, &fetches);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(fetches, 1);
	expect_one(ctx, "nx.ecdsa.test.", "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "anchor at ecdsa.test. only");
	expect_one(ctx, "www.rsa.test.", "A", TW_DNSSEC_INSECURE, TW_EDE_NONE,
		   "anchor at ecdsa.test. only: no anchor");
	/* a CNAME into a bogus zone, both outside the only anchor */
	expect_one(ctx, "to-bogus.chain.test.", "A", TW_DNSSEC_INSECURE,
		   TW_EDE_NONE, "anchor at ecdsa.test. only: no anchor");
	tw_dnssec_ctx_destroy(ctx);

	/* three anchors at three names (root, rsa.test., ed448.test.) */
	ctx = ctx_with(NULL, true);
	anchor_ds(ctx, "rsa.test.", NULL);
	anchor_ds(ctx, "ed448.test.", NULL);
	assert_true(tw_dnssec_anchor_count(ctx) >= 3);
	run_one(ctx, "www.rsa.test.", "A", HX_NOW, &res, &fetches);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(fetches, 1); /* from its own anchor: DNSKEY only */
	expect_one(ctx, "www.ed448.test.", "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "anchors at ., rsa.test., ed448.test.");
	expect_one(ctx, "www.ecdsa.test.", "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "anchors at ., rsa.test., ed448.test.");
	expect_one(ctx, "www.tampered.test.", "A", TW_DNSSEC_BOGUS,
		   TW_EDE_DNSSEC_BOGUS, "anchors at ., rsa.test., ed448.test.");
	tw_dnssec_ctx_destroy(ctx);

	/* the closest anchor wins even when the root's chain would validate:
	 * an anchor at ecdsa.test. naming rsa.test.'s key matches no DNSKEY
	 * of ecdsa.test. (EDE 9); other zones still validate from the root */
	ctx = ctx_with(NULL, true);
	anchor_ds(ctx, "rsa.test.", "ecdsa.test.");
	expect_one(ctx, "www.ecdsa.test.", "A", TW_DNSSEC_BOGUS,
		   TW_EDE_DNSKEY_MISSING, "wrong anchor at ecdsa.test.");
	expect_one(ctx, "www.rsa.test.", "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "wrong anchor at ecdsa.test., rsa.test.");

	/* RFC 7646: an NTA makes bogus data below it insecure (no EDE) */
	hx_name("tampered.test.", n);
	assert_int_equal(tw_dnssec_nta_add(ctx, n, HX_NOW + 3600), 0);
	expect_one(ctx, "www.tampered.test.", "A", TW_DNSSEC_INSECURE,
		   TW_EDE_NONE, "NTA at tampered.test.");
	expect_one(ctx, "nx.tampered.test.", "A", TW_DNSSEC_INSECURE,
		   TW_EDE_NONE, "NTA at tampered.test.");
	/* ... until it expires (RFC 7646 4) */
	run_one(ctx, "www.tampered.test.", "A", HX_NOW + 3600, &res, NULL);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_DNSSEC_BOGUS);
	/* ... or is removed */
	assert_int_equal(tw_dnssec_nta_del(ctx, n), 0);
	expect_one(ctx, "www.tampered.test.", "A", TW_DNSSEC_BOGUS,
		   TW_EDE_DNSSEC_BOGUS, "NTA removed");
	/* an NTA at the wrong anchor's own name wins over it (RFC 7646 2) */
	hx_name("ecdsa.test.", n);
	assert_int_equal(tw_dnssec_nta_add(ctx, n, 0), 0);
	expect_one(ctx, "www.ecdsa.test.", "A", TW_DNSSEC_INSECURE, TW_EDE_NONE,
		   "NTA at the anchor's name");
	tw_dnssec_ctx_destroy(ctx);

	/* an NTA high up (test.) with a positive anchor below it
	 * (ecdsa.test.): the closest wins, RFC 7646 2 */
	ctx = ctx_with(NULL, true);
	anchor_ds(ctx, "ecdsa.test.", NULL);
	hx_name("test.", n);
	assert_int_equal(tw_dnssec_nta_add(ctx, n, 0), 0);
	expect_one(ctx, "www.ecdsa.test.", "A", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "NTA at test., anchor at ecdsa.test.");
	expect_one(ctx, "www.expired.test.", "A", TW_DNSSEC_INSECURE,
		   TW_EDE_NONE, "NTA at test.");
	expect_one(ctx, "www.rsa.test.", "A", TW_DNSSEC_INSECURE, TW_EDE_NONE,
		   "NTA at test.");
	expect_one(ctx, ".", "SOA", TW_DNSSEC_SECURE, TW_EDE_NONE,
		   "NTA at test., root data");
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * Point 3: the TTL cap of real signatures: the original TTL (3600), and
 * the time left before the signatures expire (the test bed's signatures
 * end 2036-01-01T00:00:00Z, 2082758400).
 */
static void
test_ttl_cap(void **state)
{
	const uint32_t end = 2082758400u;
	struct tw_dnssec_result res;
	struct tw_dnssec_ctx *ctx = ctx_with(NULL, true);

	(void)state;
	run_one(ctx, "www.rsa.test.", "A", HX_NOW, &res, NULL);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(res.ttl_cap, 3600);
	tw_dnssec_ctx_destroy(ctx);
	ctx = ctx_with(NULL, true);
	run_one(ctx, "www.rsa.test.", "A", end - 100, &res, NULL);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(res.ttl_cap, 100);
	/* past the end (beyond the 60 s skew): expired */
	tw_dnssec_ctx_destroy(ctx);
	ctx = ctx_with(NULL, true);
	run_one(ctx, "www.rsa.test.", "A", end + 61, &res, NULL);
	assert_int_equal(res.status, TW_DNSSEC_BOGUS);
	assert_int_equal(res.ede, TW_EDE_SIGNATURE_EXPIRED);
	assert_int_equal(res.ttl_cap, 60); /* bogus_ttl, RFC 4035 4.7 */
	/* an NSEC3 NXDOMAIN: the denial's signatures cap it too */
	tw_dnssec_ctx_destroy(ctx);
	ctx = ctx_with(NULL, true);
	run_one(ctx, "nx.nsec3.test.", "A", end - 7, &res, NULL);
	assert_int_equal(res.status, TW_DNSSEC_SECURE);
	assert_int_equal(res.ttl_cap, 7);
	tw_dnssec_ctx_destroy(ctx);
}

/*
 * Point 9, "NSEC that does not cover": validly signed NSEC/NSEC3 RRs
 * that do not cover the name asked. The recorded NXDOMAIN of
 * nx.ecdsa.test. (NSECs mail -> ok and apex -> cname) offered for
 * zzz.ecdsa.test., which neither covers (www -> apex does); the NSEC3
 * NXDOMAIN of nx.nsec3.test. (apex 0madr2c2..., span dnpjjflp... ->
 * r2ca2qe5..., which covers both nx and the wildcard) offered for
 * n0.nsec3.test. (hash d206olm2..., in the span 8pbuads0... -> dnpj...
 * that the answer does not hold; 0 iterations, no salt, so the hashes do
 * not depend on the keys made at build time). The answers are otherwise
 * intact: every signature verifies.
 */
static void
test_nsec_not_covering(void **state)
{
	struct ts_msg *m;

	(void)state;
	m = load("nx.ecdsa.test.", "A");
	hx_name("zzz.ecdsa.test.", m->qname);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "NXDOMAIN, NSEC does not cover the name");
	free(m);
	m = load("nx.ecdsa.test.", "A");
	hx_name("zzz.ecdsa.test.", m->qname);
	m->rcode = 0;
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "NODATA, NSEC matches another name");
	free(m);
	m = load("nx.nsec3.test.", "A");
	hx_name("n0.nsec3.test.", m->qname);
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "NXDOMAIN, NSEC3 does not cover the next closer");
	free(m);
	/* a wildcard answer whose NSEC covers another name (the NSEC of
	 * nx.ecdsa.test.'s NXDOMAIN in place of its own) */
	m = load("host.wild.ecdsa.test.", "A");
	strip(m, 1, TW_DNS_T_NSEC, 0);
	strip(m, 1, TW_DNS_T_RRSIG, TW_DNS_T_NSEC);
	{
		struct ts_msg *nx = load("nx.ecdsa.test.", "A");

		for (unsigned int i = 0; i < nx->n[1]; i++) {
			const struct ts_rr *r = &nx->rr[1][i];

			if (r->type == TW_DNS_T_NSEC ||
			    (r->type == TW_DNS_T_RRSIG &&
			     (r->rdata[0] << 8 | r->rdata[1]) == TW_DNS_T_NSEC))
				m->rr[1][m->n[1]++] = *r;
		}
		free(nx);
	}
	check(m, TW_DNSSEC_BOGUS, TW_EDE_NSEC_MISSING,
	      "wildcard answer, NSEC of another span");
	free(m);
}

/*
 * Point 8, "both paths give identical verdicts": every manifest line
 * validated on lib/crypto's scalar path (OpenSSL only) and on the
 * multi-buffer path with every hash burst sent through IPsec-MB's lanes
 * (mb_min_burst 1; by default bursts under 8 go to OpenSSL): the same
 * status, EDE, TTL cap and reason on both, and the manifest's.
 */
static void
manifest_on(enum tw_crypto_path path, struct tw_dnssec_result *out,
	    uint64_t *hashes_mb)
{
	char adir[2048];

	snprintf(adir, sizeof(adir), "%s/answers", fixdir);
	*hashes_mb = 0;
	for (size_t i = 0; i < n_rows; i++) {
		struct tw_dnssec_config cfg;
		struct tw_dnssec_ctx *ctx;
		struct tw_crypto_stats cs;
		int st, ede;

		tw_dnssec_config_init(&cfg);
		cfg.crypto.path = path;
		cfg.crypto.mb_min_burst = 1;
		ctx = ctx_with(&cfg, true);
		run_one(ctx, rows[i].qname, rows[i].qtype, HX_NOW, &out[i],
			NULL);
		expected(&rows[i], 50, &st, &ede);
		assert_int_equal(out[i].status, st);
		assert_int_equal(out[i].ede, ede);
		tw_crypto_stats_get(tw_dnssec_crypto(ctx), &cs);
		*hashes_mb += cs.hashes_mb;
		tw_dnssec_ctx_destroy(ctx);
	}
}

static void
test_paths_identical(void **state)
{
	struct tw_dnssec_result *a = calloc(n_rows, sizeof(*a));
	struct tw_dnssec_result *b = calloc(n_rows, sizeof(*b));
	struct tw_crypto_config cc;
	struct tw_crypto_ctx *probe;
	uint64_t mb_a, mb_b;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	tw_crypto_config_init(&cc);
	cc.path = TW_CRYPTO_PATH_MB;
	if (tw_crypto_create(&cc, &probe) != 0) {
		free(a);
		free(b);
		skip(); /* no IPsec-MB on this CPU: one path only */
	}
	tw_crypto_destroy(probe);
	manifest_on(TW_CRYPTO_PATH_SCALAR, a, &mb_a);
	manifest_on(TW_CRYPTO_PATH_MB, b, &mb_b);
	assert_int_equal(mb_a, 0);
	assert_true(mb_b > 0);
	for (size_t i = 0; i < n_rows; i++) {
		assert_int_equal(a[i].status, b[i].status);
		assert_int_equal(a[i].ede, b[i].ede);
		assert_int_equal(a[i].ttl_cap, b[i].ttl_cap);
		assert_string_equal(a[i].reason, b[i].reason);
	}
	printf("manifest on the scalar and multi-buffer paths: %zu lines, "
	       "identical results (%llu hashes through IPsec-MB)\n",
	       n_rows, (unsigned long long)mb_b);
	free(a);
	free(b);
}

/* ---- Hostile input ----------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void
flip(uint8_t *p, size_t len)
{
	int n = 1 + (int)(rnd() % 4);

	for (int i = 0; i < n && len > 12; i++) {
		size_t at = 12 + rnd() % (len - 12);

		switch (rnd() % 3) {
		case 0:
			p[at] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1:
			p[at] = (uint8_t)rnd();
			break;
		default:
			p[at] = (uint8_t)(p[at] + 1);
			break;
		}
	}
}

static bool mutate_fetches;

static int
resolve_noisy(void *arg, const uint8_t *name, uint16_t qtype,
	      struct hx_answer *out)
{
	int rc = resolve(arg, name, qtype, out);

	if (rc == 0 && mutate_fetches && rnd() % 2)
		flip(out->wire, out->len);
	return rc;
}

/*
 * Every recorded answer with random octets changed (the question kept),
 * as the main response and, in a second pass, in the answers fetched for
 * the chain: never a crash (ASan/UBSan), never "secure" unless the
 * change left the signed data intact, every result well formed.
 */
static void
test_random_mutations(void **state)
{
	struct tw_dnssec_ctx *ctx = make_ctx(50);
	unsigned counts[5] = { 0 };
	char dir[2048];
	FILE *idx;
	char line[4096];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/answers/index.tsv", fixdir);
	idx = fopen(dir, "r");
	assert_non_null(idx);
	for (int pass = 0; pass < 2; pass++) {
		rewind(idx);
		mutate_fetches = pass == 1;
		if (pass == 1) {
			/* no zone cache: every validation walks its chain
			 * through the (mutated) fetched answers */
			struct tw_dnssec_config cfg;
			char p2[2048];

			tw_dnssec_ctx_destroy(ctx);
			tw_dnssec_config_init(&cfg);
			cfg.cache_entries = 0;
			assert_int_equal(tw_dnssec_ctx_create(&cfg, &ctx), 0);
			snprintf(p2, sizeof(p2), "%s/trust-anchor.key", fixdir);
			assert_int_equal(
				tw_dnssec_anchor_add_file(ctx, p2, NULL), 1);
		}
		while (fgets(line, sizeof(line), idx)) {
			char *name, *type, *save = NULL;
			uint8_t q[TW_DNS_NAME_MAX];
			struct hx_answer a;
			char path[4096];
			int t;

			if (line[0] == '#')
				continue;
			name = strtok_r(line, "\t", &save);
			type = strtok_r(NULL, "\t", &save);
			if (!name || !type)
				continue;
			if (strcmp(name, ".") == 0)
				q[0] = 0;
			else
				hx_name(name, q);
			t = tw_dns_type_from_str(type);
			snprintf(dir, sizeof(dir), "%s/answers", fixdir);
			hx_answer_path(path, sizeof(path), dir, q, (uint16_t)t);
			assert_int_equal(hx_read_file(path, &a), 0);
			for (int k = 0; k < 8; k++) {
				struct tw_dnssec_result res;
				uint8_t *copy = malloc(a.len);
				int rc;

				memcpy(copy, a.wire, a.len);
				if (!mutate_fetches)
					flip(copy, a.len);
				rc = hx_validate(ctx, copy, a.len, q,
						 (uint16_t)t, HX_NOW,
						 resolve_noisy, NULL, &res,
						 NULL, NULL);
				free(copy);
				if (rc < 0) {
					/* refused at the boundary */
					assert_true(rc != -ENOMEM);
					counts[0]++;
					continue;
				}
				assert_true(res.status >= TW_DNSSEC_SECURE &&
					    res.status <=
						    TW_DNSSEC_INDETERMINATE);
				assert_true(strlen(res.reason) <
					    sizeof(res.reason));
				counts[res.status]++;
			}
			free(a.wire);
		}
	}
	fclose(idx);
	printf("random mutations: %u refused, %u secure, %u insecure, %u "
	       "bogus, %u indeterminate\n",
	       counts[0], counts[1], counts[2], counts[3], counts[4]);
	tw_dnssec_ctx_destroy(ctx);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_cold),
		cmocka_unit_test(test_manifest_shared_cache),
		cmocka_unit_test(test_manifest_iter150),
		cmocka_unit_test(test_mutate_rrsig),
		cmocka_unit_test(test_mutate_dnskey),
		cmocka_unit_test(test_mutate_denial),
		cmocka_unit_test(test_mutate_wrong_side),
		cmocka_unit_test(test_no_sha1),
		cmocka_unit_test(test_anchors_and_ntas),
		cmocka_unit_test(test_ttl_cap),
		cmocka_unit_test(test_nsec_not_covering),
		cmocka_unit_test(test_paths_identical),
		cmocka_unit_test(test_random_mutations),
	};

	fixdir = argc > 1 ? argv[1] : getenv("TW_DNSSEC_FIXTURES");
	if (!fixdir) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 1;
	}
	return cmocka_run_group_tests_name("dnssec/fixtures", tests,
					   load_manifest, free_manifest);
}
