/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NSEC proofs (nsec.c) on the NSEC chain of the RFC 4035 appendix A zone
 * "example.", with the questions of appendix B, plus the wrong side of
 * zone cuts (RFC 6840 4.1, 4.4) and DNAME.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dnssec_priv.h"
#include "testsign.h"

struct nrec {
	const char *owner, *next;
	uint16_t types[8];
};

/* RFC 4035 appendix A, plus d.example (DNAME) for the DNAME cases. */
static const struct nrec chain_a[] = {
	{ "example.",
	  "a.example.",
	  { TW_DNS_T_NS, TW_DNS_T_SOA, TW_DNS_T_MX, TW_DNS_T_RRSIG,
	    TW_DNS_T_NSEC, TW_DNS_T_DNSKEY } },
	{ "a.example.",
	  "ai.example.",
	  { TW_DNS_T_NS, TW_DNS_T_DS, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "ai.example.",
	  "b.example.",
	  { TW_DNS_T_A, 13, TW_DNS_T_AAAA, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "b.example.",
	  "d.example.",
	  { TW_DNS_T_NS, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "d.example.",
	  "ns1.example.",
	  { TW_DNS_T_DNAME, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "ns1.example.",
	  "ns2.example.",
	  { TW_DNS_T_A, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "ns2.example.",
	  "*.w.example.",
	  { TW_DNS_T_A, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "*.w.example.",
	  "x.w.example.",
	  { TW_DNS_T_MX, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "x.w.example.",
	  "x.y.w.example.",
	  { TW_DNS_T_MX, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "x.y.w.example.",
	  "xx.example.",
	  { TW_DNS_T_MX, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
	{ "xx.example.",
	  "example.",
	  { TW_DNS_T_A, 13, TW_DNS_T_AAAA, TW_DNS_T_RRSIG, TW_DNS_T_NSEC } },
};

#define NMAX 16

struct nset {
	struct dv_nsec ns[NMAX];
	uint8_t owner[NMAX][TW_DNS_NAME_MAX];
	uint8_t next[NMAX][TW_DNS_NAME_MAX];
	uint8_t bm[NMAX][64];
	size_t n;
};

static size_t
mkbitmap(uint8_t *out, const uint16_t *types)
{
	uint8_t b[32] = { 0 };
	int maxb = -1;

	for (int i = 0; i < 8 && types[i]; i++) {
		b[types[i] / 8] |= (uint8_t)(0x80 >> (types[i] & 7));
		if (types[i] / 8 > maxb)
			maxb = types[i] / 8;
	}
	out[0] = 0;
	out[1] = (uint8_t)(maxb + 1);
	memcpy(out + 2, b, (size_t)maxb + 1);
	return (size_t)maxb + 3;
}

/* The NSEC RRs of chain_a whose owners are listed (NULL: all). */
static void
pick(struct nset *s, const char *const *owners)
{
	s->n = 0;
	for (size_t i = 0; i < TW_ARRAY_SIZE(chain_a); i++) {
		bool want = !owners;

		for (int j = 0; owners && owners[j]; j++)
			if (strcmp(owners[j], chain_a[i].owner) == 0)
				want = true;
		if (!want)
			continue;
		hx_name(chain_a[i].owner, s->owner[s->n]);
		tw_dns_name_lower(s->owner[s->n]);
		hx_name(chain_a[i].next, s->next[s->n]);
		s->ns[s->n].owner = s->owner[s->n];
		s->ns[s->n].next = s->next[s->n];
		s->ns[s->n].bitmap = s->bm[s->n];
		s->ns[s->n].bitmap_len =
			(uint16_t)mkbitmap(s->bm[s->n], chain_a[i].types);
		s->n++;
	}
}

static uint8_t zone[TW_DNS_NAME_MAX];

static enum dv_proof
nx(struct nset *s, const char *q)
{
	uint8_t n[TW_DNS_NAME_MAX];
	const char *why = NULL;
	enum dv_proof p;

	hx_name(q, n);
	tw_dns_name_lower(n);
	p = dv_nsec_nxdomain(s->ns, s->n, n, zone, &why);
	assert_true(p == DV_PROOF_OK || why != NULL);
	return p;
}

static enum dv_proof
nodata(struct nset *s, const char *q, uint16_t t)
{
	uint8_t n[TW_DNS_NAME_MAX];
	const char *why = NULL;

	hx_name(q, n);
	tw_dns_name_lower(n);
	return dv_nsec_nodata(s->ns, s->n, n, t, zone, &why);
}

static enum dv_proof
wild(struct nset *s, const char *q, unsigned labels)
{
	uint8_t n[TW_DNS_NAME_MAX];
	const char *why = NULL;

	hx_name(q, n);
	tw_dns_name_lower(n);
	return dv_nsec_wildcard(s->ns, s->n, n, labels, zone, &why);
}

static enum dv_ds_fact
nods(struct nset *s, const char *q)
{
	uint8_t n[TW_DNS_NAME_MAX];
	const char *why = NULL;

	hx_name(q, n);
	tw_dns_name_lower(n);
	return dv_nsec_nods(s->ns, s->n, n, zone, &why);
}

static void
test_nxdomain(void **state)
{
	struct nset s;

	(void)state;
	/* RFC 4035 B.2: ml.example. */
	pick(&s, (const char *[]){ "b.example.", "example.", NULL });
	s.ns[0] = s.ns[0]; /* the chain's order does not matter */
	assert_int_equal(nx(&s, "ml.example."), DV_PROOF_FAIL); /* d. next */
	pick(&s, (const char *[]){ "d.example.", "example.", NULL });
	assert_int_equal(nx(&s, "ml.example."), DV_PROOF_OK);
	/* without the NSEC denying *.example. */
	pick(&s, (const char *[]){ "d.example.", NULL });
	assert_int_equal(nx(&s, "ml.example."), DV_PROOF_FAIL);
	/* a name that exists */
	pick(&s, NULL);
	assert_int_equal(nx(&s, "ns1.example."), DV_PROOF_FAIL);
	/* the last NSEC wraps to the apex */
	assert_int_equal(nx(&s, "zz.example."), DV_PROOF_OK);
	/* below x.w.example (exists): wildcard *.x.w.example absent */
	assert_int_equal(nx(&s, "a.x.w.example."), DV_PROOF_OK);
	/* below the wildcard's parent w.example: *.w.example exists */
	assert_int_equal(nx(&s, "a.z.w.example."), DV_PROOF_FAIL);
	/* RFC 6840 4.1: below a delegation (b.example, NS without SOA) the
	 * parent's NSEC proves nothing */
	assert_int_equal(nx(&s, "foo.b.example."), DV_PROOF_FAIL);
	/* ... nor below a DNAME */
	assert_int_equal(nx(&s, "foo.d.example."), DV_PROOF_FAIL);
	/* outside the zone */
	assert_int_equal(nx(&s, "other."), DV_PROOF_FAIL);
	/* y.w.example. is an empty non-terminal (x.w.example. NSEC
	 * x.y.w.example. covers it): it exists, no NXDOMAIN (RFC 4035
	 * 3.1.3.2); a name below the ENT's child is still denied */
	assert_int_equal(nx(&s, "y.w.example."), DV_PROOF_FAIL);
	assert_int_equal(nodata(&s, "y.w.example.", TW_DNS_T_A), DV_PROOF_OK);
	/* qtype ANY: NODATA only for a name without data (the ENT), not
	 * for ns1.example. whose NSEC lists A */
	assert_int_equal(nodata(&s, "y.w.example.", TW_DNS_T_ANY), DV_PROOF_OK);
	assert_int_equal(nodata(&s, "ns1.example.", TW_DNS_T_ANY),
			 DV_PROOF_FAIL);
}

static void
test_nodata(void **state)
{
	struct nset s;

	(void)state;
	pick(&s, NULL);
	/* RFC 4035 B.3: ns1.example. MX */
	assert_int_equal(nodata(&s, "ns1.example.", TW_DNS_T_MX), DV_PROOF_OK);
	/* the type is there */
	assert_int_equal(nodata(&s, "ns1.example.", TW_DNS_T_A), DV_PROOF_FAIL);
	/* empty non-terminal y.w.example. (x.w NSEC x.y.w) */
	assert_int_equal(nodata(&s, "y.w.example.", TW_DNS_T_A), DV_PROOF_OK);
	/* RFC 4035 B.7: wildcard NODATA a.z.w.example. AAAA */
	assert_int_equal(nodata(&s, "a.z.w.example.", TW_DNS_T_AAAA),
			 DV_PROOF_OK);
	assert_int_equal(nodata(&s, "a.z.w.example.", TW_DNS_T_MX),
			 DV_PROOF_FAIL);
	/* a name that does not exist, no wildcard: not NODATA */
	assert_int_equal(nodata(&s, "ml.example.", TW_DNS_T_A), DV_PROOF_FAIL);
	/* RFC 6840 4.1: the parent's NSEC at a delegation does not deny
	 * data of the child */
	assert_int_equal(nodata(&s, "b.example.", TW_DNS_T_A), DV_PROOF_FAIL);
	assert_int_equal(nodata(&s, "a.example.", TW_DNS_T_SOA), DV_PROOF_FAIL);
	/* ... but does deny the DS of an unsigned child (RFC 4035 B.5) */
	assert_int_equal(nodata(&s, "b.example.", TW_DNS_T_DS), DV_PROOF_OK);
	/* and not the DS of a signed one (DS bit) */
	assert_int_equal(nodata(&s, "a.example.", TW_DNS_T_DS), DV_PROOF_FAIL);
	/* RFC 4035 B.8 / RFC 6840 4.4: the child's apex NSEC cannot deny
	 * its DS */
	assert_int_equal(nodata(&s, "example.", TW_DNS_T_DS), DV_PROOF_FAIL);
	/* a CNAME at the name: not NODATA */
	{
		static const struct nrec c = { "c.example.",
					       "d.example.",
					       { TW_DNS_T_CNAME, TW_DNS_T_RRSIG,
						 TW_DNS_T_NSEC } };
		struct nset t;
		uint8_t n[TW_DNS_NAME_MAX], nx2[TW_DNS_NAME_MAX], bm[64];
		const char *why;

		hx_name(c.owner, n);
		hx_name(c.next, nx2);
		t.ns[0].owner = n;
		t.ns[0].next = nx2;
		t.ns[0].bitmap = bm;
		t.ns[0].bitmap_len = (uint16_t)mkbitmap(bm, c.types);
		assert_int_equal(
			dv_nsec_nodata(t.ns, 1, n, TW_DNS_T_A, zone, &why),
			DV_PROOF_FAIL);
	}
}

static void
test_wildcard(void **state)
{
	struct nset s;

	(void)state;
	pick(&s, NULL);
	/* RFC 4035 B.6: a.z.w.example. from *.w.example. (labels 2) */
	assert_int_equal(wild(&s, "a.z.w.example.", 2), DV_PROOF_OK);
	/* claimed from *.example. (labels 1): w.example. exists, closer */
	assert_int_equal(wild(&s, "a.z.w.example.", 1), DV_PROOF_FAIL);
	/* the name itself exists: no expansion possible */
	assert_int_equal(wild(&s, "x.w.example.", 2), DV_PROOF_FAIL);
	/* below an existing name x.w.example (closer encloser) */
	assert_int_equal(wild(&s, "a.x.w.example.", 2), DV_PROOF_FAIL);
	/* without the covering NSEC */
	pick(&s, (const char *[]){ "*.w.example.", NULL });
	assert_int_equal(wild(&s, "a.z.w.example.", 2), DV_PROOF_FAIL);
}

static void
test_nods(void **state)
{
	struct nset s;

	(void)state;
	pick(&s, NULL);
	/* RFC 4035 B.5: b.example. is an unsigned delegation */
	assert_int_equal(nods(&s, "b.example."), DV_DS_INSECURE);
	/* a.example. has a DS: the NSEC does not deny it */
	assert_int_equal(nods(&s, "a.example."), DV_DS_NONE);
	/* ns1.example. is a name of the zone, not a cut */
	assert_int_equal(nods(&s, "ns1.example."), DV_DS_NOCUT);
	/* w.example. is an empty non-terminal: not a cut */
	assert_int_equal(nods(&s, "w.example."), DV_DS_NOCUT);
	/* ml.example. does not exist */
	assert_int_equal(nods(&s, "ml.example."), DV_DS_NXNAME);
	/* the apex NSEC (SOA) is the child's side */
	assert_int_equal(nods(&s, "example."), DV_DS_NONE);
	/* below the delegation b.example.: the parent cannot tell */
	assert_int_equal(nods(&s, "x.b.example."), DV_DS_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_nods),
	};

	hx_name("example.", zone);
	return cmocka_run_group_tests_name("dnssec/nsec", tests, NULL, NULL);
}
