/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NSEC3 denial of existence (RFC 5155 8; RFC 9276 3.2).
 *
 * The NSEC3 RRs given here have validated signatures from @p zone and
 * were filtered (dv_nsec3_collect()): owner = base32hex(hash).zone,
 * hash algorithm 1, flags 0 or 1 (RFC 5155 8.1-8.2). A proof uses one
 * parameter set (hash algorithm, iterations, salt) at a time, as every
 * NSEC3 chain of a zone shares one; a response mixing several is tried
 * set by set.
 *
 * Iterations (RFC 9276 3.2): checked before any hashing: above
 * nsec3_iter_insecure the proof is "insecure" (EDE 27), above
 * nsec3_iter_bogus "bogus". Hashes are computed by lib/crypto, memoised
 * per proof and counted against limits.nsec3_hashes (CVE-2023-50868).
 */
#include <string.h>

#include "dnssec_priv.h"

size_t
dv_b32hex_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'v')
			d = c - 'a' + 10u;
		else if (c >= 'A' && c <= 'V')
			d = c - 'A' + 10u;
		else
			return 0;
		acc = (acc << 5) | d;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return 0;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* no padding in owner names; leftover bits must be zero */
	if (bits >= 5 || (acc & ((1u << bits) - 1u)))
		return 0;
	return o;
}

size_t
dv_nsec3_collect(const struct dv_msg *dm, const struct dv_rrset *s,
		 const uint8_t *zone, struct dv_nsec3 *out, size_t cap)
{
	size_t n = 0;

	/* RFC 5155 8.2: only NSEC3 RRs of this zone: one label (the
	 * hash) above the apex. */
	if (s->labels != tw_dns_name_labels(zone) + 1 ||
	    !tw_dns_name_eq(tw_dns_name_suffix(s->owner, s->labels - 1), zone))
		return 0;
	for (unsigned int i = 0; i < s->n && n < cap; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, s->first + i);
		struct dv_nsec3 *x = &out[n];

		if (tw_dns_rdata_nsec3(dv_rdata(dm, r), r->rr.rdlen, &x->rd) <
		    0)
			continue;
		/* RFC 5155 8.1: unknown hash algorithms and flags other
		 * than opt-out make the RR ignored. */
		if (x->rd.hash_alg != 1 || (x->rd.flags & ~TW_NSEC3_F_OPTOUT))
			continue;
		x->hash_len = (uint8_t)dv_b32hex_decode(
			s->owner + 1, s->owner[0], x->hash, sizeof(x->hash));
		if (x->hash_len != TW_CRYPTO_NSEC3_HASH_LEN ||
		    x->rd.next_hash_len != TW_CRYPTO_NSEC3_HASH_LEN)
			continue;
		n++;
	}
	return n;
}

static bool
same_params(const struct dv_nsec3 *a, const struct dv_nsec3 *b)
{
	return a->rd.hash_alg == b->rd.hash_alg &&
	       a->rd.iterations == b->rd.iterations &&
	       a->rd.salt_len == b->rd.salt_len &&
	       memcmp(a->rd.salt, b->rd.salt, a->rd.salt_len) == 0;
}

static bool
has(const struct dv_nsec3 *n, uint16_t type)
{
	return tw_dns_bitmap_has(n->rd.bitmap, n->rd.bitmap_len, type);
}

static bool
optout(const struct dv_nsec3 *n)
{
	return n->rd.flags & TW_NSEC3_F_OPTOUT;
}

/* The hash of a (lowercase) name under the current parameters. */
static const uint8_t *
hash(struct dv_n3ctx *c, const uint8_t *name)
{
	size_t len = tw_dns_name_len(name);
	struct tw_crypto_nsec3_job job;

	for (unsigned int i = 0; i < c->n_memo; i++)
		if (tw_dns_name_len(c->memo[i].name) == len &&
		    memcmp(c->memo[i].name, name, len) == 0)
			return c->memo[i].hash;
	if (!dv_limit_nsec3(c->v)) {
		c->err = DV_PROOF_LIMIT;
		return NULL;
	}
	memset(&job, 0, sizeof(job));
	job.name = name;
	job.name_len = len;
	job.salt = c->params->rd.salt;
	job.salt_len = c->params->rd.salt_len;
	job.iterations = c->params->rd.iterations;
	job.alg = c->params->rd.hash_alg;
	tw_crypto_nsec3_burst(c->v->ctx->crypto, &job, 1);
	if (job.status != 0) {
		c->err = DV_PROOF_ERROR;
		return NULL;
	}
	if (c->n_memo < TW_ARRAY_SIZE(c->memo)) {
		c->memo[c->n_memo].name = name;
		memcpy(c->memo[c->n_memo].hash, job.hash, sizeof(job.hash));
		return c->memo[c->n_memo++].hash;
	}
	/* memo full (cannot happen within the label bound): keep the
	 * last one in place */
	memcpy(c->memo[c->n_memo - 1].hash, job.hash, sizeof(job.hash));
	c->memo[c->n_memo - 1].name = name;
	return c->memo[c->n_memo - 1].hash;
}

static const struct dv_nsec3 *
match(const struct dv_n3ctx *c, const uint8_t *h)
{
	for (size_t i = 0; i < c->n; i++)
		if (same_params(&c->list[i], c->params) &&
		    memcmp(c->list[i].hash, h, TW_CRYPTO_NSEC3_HASH_LEN) == 0)
			return &c->list[i];
	return NULL;
}

/* RFC 5155 8.3 "covers": owner < hash < next, wrapping at the end. */
static const struct dv_nsec3 *
cover(const struct dv_n3ctx *c, const uint8_t *h)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct dv_nsec3 *x = &c->list[i];
		int lo, hi;

		if (!same_params(x, c->params))
			continue;
		lo = memcmp(x->hash, h, TW_CRYPTO_NSEC3_HASH_LEN);
		hi = memcmp(h, x->rd.next_hash, TW_CRYPTO_NSEC3_HASH_LEN);
		if (memcmp(x->hash, x->rd.next_hash, TW_CRYPTO_NSEC3_HASH_LEN) <
		    0) {
			if (lo < 0 && hi < 0)
				return x;
		} else if (lo < 0 || hi < 0) {
			return x; /* last NSEC3 of the chain */
		}
	}
	return NULL;
}

/*
 * Closest encloser proof (RFC 5155 8.3): the longest ancestor of name
 * with a matching NSEC3, and the next closer name (one label longer)
 * covered. The name itself must not match (callers check that case).
 */
static enum dv_proof
ce_proof(struct dv_n3ctx *c, const uint8_t *name, const uint8_t **ce,
	 const struct dv_nsec3 **nc, const char **why)
{
	int nl = tw_dns_name_labels(name), zl = tw_dns_name_labels(c->zone);

	for (int l = nl; l >= zl; l--) {
		const uint8_t *sname = tw_dns_name_suffix(name, l), *h;
		const struct dv_nsec3 *m;

		h = hash(c, sname);
		if (!h)
			return c->err;
		m = match(c, h);
		if (!m)
			continue;
		if (l == nl) {
			*why = "an NSEC3 shows the name exists";
			return DV_PROOF_FAIL;
		}
		/* RFC 5155 8.3: a closest encloser with DNAME, or at a
		 * delegation (NS without SOA), cannot speak for names below
		 * it (RFC 6840 4.1). Below a delegation without DS the data
		 * is insecure anyway (RFC 4035 5.2). */
		if (has(m, TW_DNS_T_DNAME)) {
			*why = "closest encloser has a DNAME";
			return DV_PROOF_FAIL;
		}
		if (has(m, TW_DNS_T_NS) && !has(m, TW_DNS_T_SOA)) {
			if (!has(m, TW_DNS_T_DS))
				return DV_PROOF_INSECURE;
			*why = "closest encloser is a delegation";
			return DV_PROOF_FAIL;
		}
		h = hash(c, tw_dns_name_suffix(name, l + 1));
		if (!h)
			return c->err;
		*nc = cover(c, h);
		if (!*nc) {
			*why = "no NSEC3 covers the next closer name";
			return DV_PROOF_FAIL;
		}
		*ce = sname;
		return DV_PROOF_OK;
	}
	*why = "no closest encloser proof";
	return DV_PROOF_FAIL;
}

/*
 * A closest encloser at a delegation without DS: the parent's NSEC3 for a
 * name in the (unsigned) child. It proves the child insecure when asking
 * for a DS (zone-cut discovery), but cannot deny data below the cut (RFC
 * 6840 4.1): as a denial of a final answer it is refused.
 */
static enum dv_proof
parent_side(enum dv_proof r, const char **why)
{
	if (r != DV_PROOF_INSECURE)
		return r;
	*why = "NSEC3 from the parent side of a zone cut";
	return DV_PROOF_FAIL;
}

/* Checks of a matching NSEC3 in a NODATA proof (RFC 5155 8.5-8.7). */
static enum dv_proof
nodata_match(const struct dv_nsec3 *m, const uint8_t *name, uint16_t qtype,
	     const char **why)
{
	if (has(m, qtype) || has(m, TW_DNS_T_CNAME) ||
	    (qtype == TW_DNS_T_ANY &&
	     tw_dns_bitmap_has_data(m->rd.bitmap, m->rd.bitmap_len))) {
		*why = "NSEC3 shows the type (or a CNAME) exists";
		return DV_PROOF_FAIL;
	}
	if (qtype == TW_DNS_T_DS) {
		if (has(m, TW_DNS_T_SOA) && name[0] != 0) {
			*why = "NSEC3 from the child side of the cut denies DS";
			return DV_PROOF_FAIL;
		}
	} else if (has(m, TW_DNS_T_NS) && !has(m, TW_DNS_T_SOA)) {
		*why = "NSEC3 from the parent side of a zone cut";
		return DV_PROOF_FAIL;
	}
	return DV_PROOF_OK;
}

enum q_kind { Q_NXDOMAIN, Q_NODATA, Q_WILDCARD, Q_NODS };

struct n3q {
	enum q_kind kind;
	const uint8_t *name;
	uint16_t qtype;
	unsigned int wc_labels;
	enum dv_ds_fact fact; /* Q_NODS result */
};

static enum dv_proof
prove(struct dv_n3ctx *c, struct n3q *q, const char **why)
{
	const struct dv_nsec3 *m, *nc = NULL;
	const uint8_t *h, *ce = NULL;
	uint8_t wc[TW_DNS_NAME_MAX];
	enum dv_proof r;

	switch (q->kind) {
	case Q_NXDOMAIN:
		/* RFC 5155 8.4: closest encloser, next closer covered,
		 * wildcard at the closest encloser covered. */
		r = ce_proof(c, q->name, &ce, &nc, why);
		if (r != DV_PROOF_OK)
			return parent_side(r, why);
		if (dv_name_wild(wc, ce)) {
			h = hash(c, wc);
			if (!h)
				return c->err;
			if (!cover(c, h)) {
				*why = "no NSEC3 proves the wildcard absent";
				return DV_PROOF_FAIL;
			}
		}
		/* RFC 5155 9.2: an opt-out span may hide an unsigned
		 * delegation: not secure. */
		return optout(nc) ? DV_PROOF_INSECURE : DV_PROOF_OK;
	case Q_NODATA:
		h = hash(c, q->name);
		if (!h)
			return c->err;
		m = match(c, h);
		if (m) /* RFC 5155 8.5, 8.6 */
			return nodata_match(m, q->name, q->qtype, why);
		r = ce_proof(c, q->name, &ce, &nc, why);
		if (r != DV_PROOF_OK)
			return parent_side(r, why);
		/* RFC 5155 8.7: wildcard NODATA */
		if (dv_name_wild(wc, ce)) {
			h = hash(c, wc);
			if (!h)
				return c->err;
			m = match(c, h);
			if (m) {
				r = nodata_match(m, wc, q->qtype, why);
				if (r == DV_PROOF_OK && optout(nc))
					r = DV_PROOF_INSECURE;
				return r;
			}
		}
		/* RFC 5155 8.6 (DS) and 9.2: the next closer name in an
		 * opt-out span: an unsigned delegation may be there. */
		if (optout(nc))
			return DV_PROOF_INSECURE;
		*why = "no NSEC3 matches the name";
		return DV_PROOF_FAIL;
	case Q_WILDCARD:
		/* RFC 5155 8.8: the next closer name of the wildcard's
		 * closest encloser is covered. */
		if (q->wc_labels + 1u > (unsigned)tw_dns_name_labels(q->name)) {
			*why = "bad wildcard labels";
			return DV_PROOF_FAIL;
		}
		h = hash(c, tw_dns_name_suffix(q->name, (int)q->wc_labels + 1));
		if (!h)
			return c->err;
		nc = cover(c, h);
		if (!nc) {
			*why = "wildcard answer without an NSEC3 covering the "
			       "next closer name";
			return DV_PROOF_FAIL;
		}
		return optout(nc) ? DV_PROOF_INSECURE : DV_PROOF_OK;
	case Q_NODS:
		h = hash(c, q->name);
		if (!h)
			return c->err;
		m = match(c, h);
		if (m) {
			if (has(m, TW_DNS_T_SOA) && q->name[0] != 0) {
				*why = "NSEC3 from the child side of the cut "
				       "denies DS";
				return DV_PROOF_FAIL;
			}
			if (has(m, TW_DNS_T_DS)) {
				*why = "NSEC3 shows a DS";
				return DV_PROOF_FAIL;
			}
			q->fact = has(m, TW_DNS_T_NS) ? DV_DS_INSECURE
						      : DV_DS_NOCUT;
			return DV_PROOF_OK;
		}
		r = ce_proof(c, q->name, &ce, &nc, why);
		if (r == DV_PROOF_INSECURE) {
			/* below a delegation without DS */
			q->fact = DV_DS_INSECURE;
			return DV_PROOF_OK;
		}
		if (r != DV_PROOF_OK)
			return r;
		/* RFC 5155 8.6: opt-out: maybe an unsigned delegation */
		q->fact = optout(nc) ? DV_DS_INSECURE : DV_DS_NXNAME;
		return DV_PROOF_OK;
	}
	return DV_PROOF_FAIL;
}

/* Run a proof with each parameter set in turn. */
static enum dv_proof
run(struct tw_val *v, const struct dv_nsec3 *l, size_t n, const uint8_t *zone,
    struct n3q *q, const char **why)
{
	const struct tw_dnssec_config *cfg = &v->ctx->cfg;
	enum dv_proof best = DV_PROOF_FAIL, over = DV_PROOF_FAIL;
	struct dv_n3ctx *c;

	*why = "no NSEC3 records";
	if (n == 0)
		return DV_PROOF_FAIL;
	c = tw_malloc(sizeof(*c));
	if (!c)
		return DV_PROOF_ERROR;
	for (size_t i = 0; i < n; i++) {
		enum dv_proof r;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = same_params(&l[i], &l[j]);
		if (seen)
			continue;
		/*
		 * RFC 9276 3.2: a parameter set over the limits is never
		 * hashed; it decides (insecure, or bogus above the second
		 * limit) only when no set within the limits proves
		 * anything: one stale, still signed high-iteration NSEC3
		 * beside the zone's real chain must not turn a secure
		 * denial insecure.
		 */
		if (l[i].rd.iterations > cfg->nsec3_iter_bogus) {
			over = DV_PROOF_ITER_BOGUS;
			continue;
		}
		if (l[i].rd.iterations > cfg->nsec3_iter_insecure) {
			if (over != DV_PROOF_ITER_BOGUS)
				over = DV_PROOF_ITER;
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->v = v;
		c->list = l;
		c->n = n;
		c->zone = zone;
		c->params = &l[i];
		q->fact = DV_DS_NONE;
		r = prove(c, q, why);
		if (r == DV_PROOF_OK || r == DV_PROOF_LIMIT ||
		    r == DV_PROOF_ERROR) {
			best = r;
			break;
		}
		if (r == DV_PROOF_INSECURE)
			best = r;
	}
	tw_free(c);
	if (best == DV_PROOF_FAIL && over != DV_PROOF_FAIL) {
		*why = "NSEC3 iterations over the limit";
		return over;
	}
	return best;
}

enum dv_proof
dv_nsec3_nxdomain(struct tw_val *v, const struct dv_nsec3 *l, size_t n,
		  const uint8_t *qname, const uint8_t *zone, const char **why)
{
	struct n3q q = { .kind = Q_NXDOMAIN, .name = qname };

	return run(v, l, n, zone, &q, why);
}

enum dv_proof
dv_nsec3_nodata(struct tw_val *v, const struct dv_nsec3 *l, size_t n,
		const uint8_t *qname, uint16_t qtype, const uint8_t *zone,
		const char **why)
{
	struct n3q q = { .kind = Q_NODATA, .name = qname, .qtype = qtype };

	return run(v, l, n, zone, &q, why);
}

enum dv_proof
dv_nsec3_wildcard(struct tw_val *v, const struct dv_nsec3 *l, size_t n,
		  const uint8_t *qname, unsigned wc_labels, const uint8_t *zone,
		  const char **why)
{
	struct n3q q = { .kind = Q_WILDCARD,
			 .name = qname,
			 .wc_labels = wc_labels };

	return run(v, l, n, zone, &q, why);
}

enum dv_ds_fact
dv_nsec3_nods(struct tw_val *v, const struct dv_nsec3 *l, size_t n,
	      const uint8_t *name, const uint8_t *zone, enum dv_proof *proof,
	      const char **why)
{
	struct n3q q = { .kind = Q_NODS, .name = name };

	*proof = run(v, l, n, zone, &q, why);
	return *proof == DV_PROOF_OK ? q.fact : DV_DS_NONE;
}
