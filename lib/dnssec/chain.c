/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chain of trust (RFC 4035 5.1-5.2) and the zone cache.
 *
 * Facts about names, learnt from validated answers and cached with
 * their TTL (struct dv_entry): the validated DNSKEY RRset of a zone
 * (SECURE), an insecure delegation (INSECURE: the parent proves no DS,
 * or only unsupported algorithms/digests), a failed zone (BOGUS, kept
 * bogus_ttl seconds, RFC 4035 4.7), a name proven not to be a zone cut
 * (NOCUT) or not to exist (NXNAME).
 *
 * Walk for a target name T (a signer, or the owner of unsigned data):
 *  1. the closest trust anchor or NTA at or above T (RFC 4035 5, RFC
 *     7646); none: insecure; an NTA: insecure;
 *  2. the deepest fact between T and the anchor: INSECURE or BOGUS
 *     decide; SECURE gives the keys K of the closest known zone;
 *  3. no K yet: fetch the anchor's DNSKEY RRset and validate it against
 *     the anchor (DS digests or the anchor key itself);
 *  4. K is T: done. Otherwise probe the DS RRset of the next name below
 *     K toward T (names proven NOCUT are stepped over): a validated DS
 *     set leads to that zone's DNSKEY RRset (RFC 4035 5.2), a validated
 *     denial says "not a cut" (go deeper), "insecure delegation" (done)
 *     or "no such name" (T is in K's zone).
 * Each step either learns a fact, decides, or asks the caller for one
 * RRset (TW_VAL_NEED) and is resumed with it.
 */
#include <string.h>

#include "dnssec_priv.h"

/* ---- Entries and the cache ---------------------------------------------- */

struct dv_entry *
dv_entry_new(uint8_t kind, const uint8_t *name, size_t n_keys,
	     size_t rdata_bytes)
{
	struct dv_entry *e;

	e = tw_calloc(1, sizeof(*e) + n_keys * sizeof(struct dv_key) +
				 rdata_bytes);
	if (!e)
		return NULL;
	e->refcnt = 1;
	e->kind = kind;
	e->ede = TW_EDE_NONE;
	e->name_len = (uint8_t)dv_name_copy_lc(e->name, name);
	e->keys = (struct dv_key *)(e + 1);
	return e;
}

void
dv_entry_put(struct dv_entry *e)
{
	if (e && --e->refcnt == 0)
		tw_free(e);
}

static uint32_t
name_hash(const uint8_t *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ name[i]) * 16777619u;
	return h;
}

int
dv_cache_init(struct dv_cache *c, unsigned int max)
{
	uint32_t nb = 16;

	memset(c, 0, sizeof(*c));
	while (nb < max && nb < (1u << 24))
		nb <<= 1;
	c->buckets = tw_calloc(nb, sizeof(*c->buckets));
	if (!c->buckets)
		return -ENOMEM;
	c->mask = nb - 1;
	c->max = max;
	return 0;
}

static void
lru_unlink(struct dv_cache *c, struct dv_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		c->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		c->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void
lru_push(struct dv_cache *c, struct dv_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = e;
	c->lru_head = e;
	if (!c->lru_tail)
		c->lru_tail = e;
}

static void
cache_remove(struct dv_cache *c, struct dv_entry *e)
{
	struct dv_entry **pp = &c->buckets[e->hash & c->mask];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	e->hnext = NULL;
	lru_unlink(c, e);
	e->cached = false;
	c->count--;
	dv_entry_put(e);
}

void
dv_cache_flush(struct dv_cache *c)
{
	while (c->lru_head)
		cache_remove(c, c->lru_head);
}

void
dv_cache_fini(struct dv_cache *c)
{
	if (c->buckets)
		dv_cache_flush(c);
	tw_free(c->buckets);
	memset(c, 0, sizeof(*c));
}

struct dv_entry *
dv_cache_get(struct dv_cache *c, const uint8_t *name, uint32_t now)
{
	size_t len = tw_dns_name_len(name);
	uint32_t h = name_hash(name, len);
	struct dv_entry *e;

	if (!c->buckets)
		return NULL;
	for (e = c->buckets[h & c->mask]; e; e = e->hnext) {
		if (e->hash != h || e->name_len != len ||
		    memcmp(e->name, name, len) != 0)
			continue;
		if (!tw_serial_lt(now, e->expires)) {
			cache_remove(c, e);
			return NULL;
		}
		lru_unlink(c, e);
		lru_push(c, e);
		return e;
	}
	return NULL;
}

void
dv_cache_put(struct dv_cache *c, struct dv_entry *e)
{
	struct dv_entry *old;

	if (c->max == 0 || !c->buckets || e->kind == DV_K_DS)
		return;
	e->hash = name_hash(e->name, e->name_len);
	for (old = c->buckets[e->hash & c->mask]; old; old = old->hnext)
		if (old->hash == e->hash && old->name_len == e->name_len &&
		    memcmp(old->name, e->name, e->name_len) == 0) {
			cache_remove(c, old);
			break;
		}
	while (c->count >= c->max && c->lru_tail)
		cache_remove(c, c->lru_tail);
	e->hnext = c->buckets[e->hash & c->mask];
	c->buckets[e->hash & c->mask] = e;
	lru_push(c, e);
	e->cached = true;
	c->count++;
	dv_entry_ref(e);
}

/* ---- Facts of one validation -------------------------------------------- */

struct dv_entry *
dv_fact_get(struct tw_val *v, const uint8_t *name)
{
	size_t len = tw_dns_name_len(name);
	struct dv_entry *e;

	for (int i = v->n_local - 1; i >= 0; i--) {
		e = v->local[i];
		if (e->name_len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	e = dv_cache_get(&v->ctx->cache, name, v->now);
	if (e)
		v->ctx->stats.cache_hits++;
	else
		v->ctx->stats.cache_misses++;
	return e;
}

int
dv_fact_add(struct tw_val *v, struct dv_entry *e, bool to_cache)
{
	/* A fact replaces an older one for the same name. */
	for (unsigned int i = 0; i < v->n_local; i++)
		if (v->local[i]->name_len == e->name_len &&
		    memcmp(v->local[i]->name, e->name, e->name_len) == 0) {
			dv_entry_put(v->local[i]);
			memmove(&v->local[i], &v->local[i + 1],
				(v->n_local - i - 1u) * sizeof(v->local[0]));
			v->n_local--;
			break;
		}
	if (v->n_local == DV_MAX_LOCAL) {
		dv_entry_put(v->local[0]);
		memmove(&v->local[0], &v->local[1],
			(DV_MAX_LOCAL - 1u) * sizeof(v->local[0]));
		v->n_local--;
	}
	v->local[v->n_local++] = e;
	if (to_cache)
		dv_cache_put(&v->ctx->cache, e);
	return 0;
}

/* ---- Steps ---------------------------------------------------------------- */

/* Lifetime of a learnt fact: its TTL capped by the configuration. */
static uint32_t
fact_expiry(const struct tw_val *v, uint32_t ttl)
{
	if (ttl > v->ctx->cfg.max_cache_ttl)
		ttl = v->ctx->cfg.max_cache_ttl;
	return v->now + ttl;
}

/* Record a simple fact (no keys). 0 or -ENOMEM. */
static int
add_simple(struct tw_val *v, uint8_t kind, const uint8_t *name, uint32_t ttl,
	   int ede, const char *reason)
{
	struct dv_entry *e = dv_entry_new(kind, name, 0, 0);

	if (!e)
		return -ENOMEM;
	e->ede = (int16_t)ede;
	e->expires = kind == DV_K_BOGUS ? v->now + v->ctx->cfg.bogus_ttl
					: fact_expiry(v, ttl);
	if (reason)
		dv_set_reason(e->reason, "%s", reason);
	return dv_fact_add(v, e, true);
}

static int
add_bogus(struct tw_val *v, const uint8_t *name, int ede, const char *what,
	  const char *why)
{
	char buf[TW_DNSSEC_REASON_MAX], nb[TW_DNS_NAME_MAX * 4 + 2];

	dv_set_reason(buf, "%s %s: %s", what, dv_name_str(name, nb, sizeof(nb)),
		      why);
	return add_simple(v, DV_K_BOGUS, name, 0, ede, buf);
}

static void
zone_decide(struct dv_zone *z, int state, int ede, const char *reason)
{
	z->state = (uint8_t)state;
	z->ede = ede;
	dv_set_reason(z->reason, "%s", reason ? reason : "");
}

/*
 * A failed verification: a bogus fact to cache, unless a work limit of
 * this validation stopped it (that says nothing about the zone).
 */
static int
fail_fact(struct tw_val *v, struct dv_zone *z, const uint8_t *name,
	  uint32_t fail, const char *what)
{
	const char *why;
	int ede = dv_fail_ede(fail, &why);

	if (fail & DV_F_LIMIT) {
		char nb[TW_DNS_NAME_MAX * 4 + 2], r[TW_DNSSEC_REASON_MAX];

		dv_set_reason(r, "%s %s: %s", what,
			      dv_name_str(name, nb, sizeof(nb)), why);
		zone_decide(z, TW_DNSSEC_BOGUS, ede, r);
		return 0;
	}
	return add_bogus(v, name, ede, what, why);
}

/* Copy the RRs of an RRset (DNSKEY or DS: no names inside the rdata)
 * into an entry. */
static struct dv_entry *
entry_from_rrset(const struct dv_msg *dm, const struct dv_rrset *s,
		 uint8_t kind, const uint8_t *name)
{
	size_t bytes = 0;
	struct dv_entry *e;
	uint8_t *p;

	for (unsigned int i = 0; i < s->n; i++)
		bytes += dv_msg_rr(dm, s->first + i)->rr.rdlen;
	e = dv_entry_new(kind, name, s->n, bytes);
	if (!e)
		return NULL;
	p = (uint8_t *)(e->keys + s->n);
	for (unsigned int i = 0; i < s->n; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, s->first + i);
		int rc;

		memcpy(p, dv_rdata(dm, r), r->rr.rdlen);
		if (kind == DV_K_DS)
			rc = dv_key_from_ds(&e->keys[e->n_keys], p,
					    r->rr.rdlen);
		else
			rc = dv_key_from_dnskey(&e->keys[e->n_keys], p,
						r->rr.rdlen);
		if (rc == 0)
			e->n_keys++;
		p += r->rr.rdlen;
	}
	return e;
}

/*
 * Parse a fetched answer and check it answers (name, type) with a
 * NOERROR or NXDOMAIN. Returns 0 (dm built), 1 (z decided: the fetch is
 * unusable, INDETERMINATE), or -ENOMEM.
 */
static int
answer_open(struct tw_val *v, struct dv_zone *z, struct dv_msg *dm,
	    const uint8_t *pkt, size_t len, const uint8_t *name, uint16_t type)
{
	char nb[TW_DNS_NAME_MAX * 4 + 2], tb[16], reason[TW_DNSSEC_REASON_MAX];
	const char *what = NULL;
	int rc;

	(void)v;
	if (!pkt) {
		what = "fetch failed";
	} else {
		rc = dv_msg_build(dm, pkt, len);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			what = "malformed answer";
		} else if (dm->m.hdr.qdcount != 1 || dm->m.q.qtype != type ||
			   !tw_dns_name_eq(dm->m.pkt + dm->m.q.name_off,
					   name)) {
			what = "answer to another question";
			dv_msg_free(dm);
		} else if (dm->rcode != TW_DNS_RCODE_NOERROR &&
			   dm->rcode != TW_DNS_RCODE_NXDOMAIN) {
			what = tw_dns_rcode_str(dm->rcode);
			dv_msg_free(dm);
		}
	}
	if (!what)
		return 0;
	dv_set_reason(reason, "%s %s: %s", dv_name_str(name, nb, sizeof(nb)),
		      tw_dns_type_str(type, tb), what);
	zone_decide(z, TW_DNSSEC_INDETERMINATE, TW_EDE_NO_REACHABLE_AUTHORITY,
		    reason);
	return 1;
}

#define DV_GOT 2 /* get_answer(): an answer is there */

/* The answer to (name, type): DV_GOT with *pkt set (NULL: the fetch
 * failed), TW_VAL_NEED, or 0 when the fetch budget is spent (z decided). */
static int
get_answer(struct tw_val *v, struct dv_zone *z, const uint8_t *name,
	   uint16_t type, const uint8_t **pkt, size_t *len)
{
	size_t nlen = tw_dns_name_len(name);

	if ((v->fetched || v->fetch_failed) && v->req.qtype == type &&
	    v->req.name_len == nlen && memcmp(v->req.name, name, nlen) == 0) {
		*pkt = v->fetched;
		*len = v->fetched_len;
		v->fetched = NULL;
		v->fetch_failed = false;
		v->need = false;
		return DV_GOT;
	}
	/* The response being validated may be that very answer (a DNSKEY
	 * or DS query). */
	if (v->qtype == type && tw_dns_name_eq(v->qname, name) &&
	    v->msg.rcode == TW_DNS_RCODE_NOERROR) {
		*pkt = v->pkt;
		*len = v->msg.m.len;
		return DV_GOT;
	}
	if (!dv_limit_fetch(v)) {
		zone_decide(z, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
			    "chain of trust too long (limit)");
		return 0;
	}
	memcpy(v->req.name, name, nlen);
	v->req.name_len = (uint16_t)nlen;
	v->req.qtype = type;
	v->need = true;
	v->fetches++;
	v->ctx->stats.fetches++;
	return TW_VAL_NEED;
}

/* Verify the NSEC/NSEC3 RRsets of an answer's authority section with the
 * keys of zone K; fill the secure ones. Returns 0 or -ENOMEM. */
static int
denial_collect(struct tw_val *v, struct dv_msg *dm, const struct dv_entry *K,
	       struct dv_nsec *ns, size_t *n_ns, struct dv_nsec3 *n3,
	       size_t *n_n3, size_t cap, uint32_t *ttl, uint32_t *fail)
{
	struct dv_vtask *t;
	size_t nt = 0;
	int rc;

	*n_ns = *n_n3 = 0;
	t = tw_calloc(dm->n_sets ? dm->n_sets : 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (unsigned int i = 0; i < dm->n_sets; i++) {
		struct dv_rrset *s = &dm->sets[i];

		if (s->section != TW_DNS_SEC_NS || s->n == 0 ||
		    (s->type != TW_DNS_T_NSEC && s->type != TW_DNS_T_NSEC3) ||
		    !tw_dns_name_is_sub(s->owner, K->name))
			continue;
		t[nt].dm = dm;
		t[nt].set = s;
		t[nt].zone = K->name;
		t[nt].keys = K->keys;
		t[nt].n_keys = K->n_keys;
		nt++;
	}
	rc = dv_verify(v, t, nt);
	for (size_t i = 0; rc == 0 && i < nt; i++) {
		if (t[i].status == TW_DNSSEC_INDETERMINATE)
			*fail |= DV_F_ERROR;
		if (t[i].status != TW_DNSSEC_SECURE) {
			*fail |= t[i].fail ? t[i].fail : DV_F_CRYPTO;
			continue;
		}
		/* Expanded from a wildcard: no proof (val.c,
		 * denial_of_zone()). */
		if (t[i].wc_labels != 0xff) {
			*fail |= DV_F_BADSIG;
			continue;
		}
		if (t[i].ttl_cap < *ttl)
			*ttl = t[i].ttl_cap;
		if (t[i].set->type == TW_DNS_T_NSEC)
			*n_ns += dv_nsec_collect(dm, t[i].set, K->name,
						 ns + *n_ns, cap - *n_ns);
		else
			*n_n3 += dv_nsec3_collect(dm, t[i].set, K->name,
						  n3 + *n_n3, cap - *n_n3);
	}
	tw_free(t);
	return rc;
}

#define DV_MAX_DENIAL 64 /* NSEC/NSEC3 RRs looked at per answer */

/* Process the DS answer for next (below K's zone). */
static int
process_ds(struct tw_val *v, struct dv_zone *z, struct dv_entry *K,
	   const uint8_t *next, const uint8_t *pkt, size_t len)
{
	const struct tw_dnssec_config *cfg = &v->ctx->cfg;
	struct dv_nsec *ns = NULL;
	struct dv_nsec3 *n3 = NULL;
	struct dv_vtask t;
	struct dv_msg dm;
	const char *why;
	int rc, s;

	rc = answer_open(v, z, &dm, pkt, len, next, TW_DNS_T_DS);
	if (rc)
		return rc < 0 ? rc : 0;
	memset(&t, 0, sizeof(t));
	t.dm = &dm;
	t.zone = K->name;
	t.keys = K->keys;
	t.n_keys = K->n_keys;
	s = dm.rcode == TW_DNS_RCODE_NOERROR
		    ? dv_msg_find(&dm, TW_DNS_SEC_AN, next, TW_DNS_T_DS)
		    : -1;
	if (s >= 0) {
		struct dv_entry *e;
		bool usable[256];
		unsigned int nu;
		int ede;

		/* RFC 4035 5.2: the DS RRset is signed by the parent. */
		t.set = &dm.sets[s];
		rc = dv_verify(v, &t, 1);
		if (rc < 0)
			goto out;
		if (t.status == TW_DNSSEC_INDETERMINATE) {
			zone_decide(z, TW_DNSSEC_INDETERMINATE,
				    TW_EDE_DNSSEC_INDETERMINATE,
				    "could not check a DS signature");
			goto out;
		}
		/* A DS RRset expanded from a wildcard (RRSIG labels below
		 * the owner's) is not the parent's DS of next: a synthesised
		 * name is never a delegation point (RFC 4035 5.2, 5.3.4). */
		if (t.status == TW_DNSSEC_SECURE && t.wc_labels != 0xff) {
			t.status = TW_DNSSEC_BOGUS;
			t.fail |= DV_F_BADSIG;
		}
		if (t.status != TW_DNSSEC_SECURE) {
			rc = fail_fact(v, z, next, t.fail, "DS of");
			goto out;
		}
		e = entry_from_rrset(&dm, t.set, DV_K_DS, next);
		if (!e) {
			rc = -ENOMEM;
			goto out;
		}
		e->expires = fact_expiry(v, t.ttl_cap);
		nu = dv_ds_usable(cfg, e->keys,
				  e->n_keys < 256 ? e->n_keys : 256, usable,
				  &ede);
		if (nu == 0) {
			/* RFC 4035 5.2, RFC 6840 5.2: no DS we can use:
			 * the zone is treated as unsigned. */
			char nb[TW_DNS_NAME_MAX * 4 + 2];

			dv_entry_put(e);
			dv_set_reason(z->reason,
				      "DS of %s: only unsupported %s",
				      dv_name_str(next, nb, sizeof(nb)),
				      ede == TW_EDE_UNSUPPORTED_DS_DIGEST
					      ? "digest types"
					      : "algorithms");
			rc = add_simple(v, DV_K_INSECURE, next, t.ttl_cap, ede,
					z->reason);
			goto out;
		}
		{
			unsigned int k = 0;

			for (unsigned int i = 0; i < e->n_keys && i < 256; i++)
				if (usable[i])
					e->keys[k++] = e->keys[i];
			e->n_keys = (uint16_t)k;
		}
		rc = dv_fact_add(v, e, false);
		goto out;
	}
	if (dm.rcode == TW_DNS_RCODE_NOERROR &&
	    (s = dv_msg_find(&dm, TW_DNS_SEC_AN, next, TW_DNS_T_CNAME)) >= 0) {
		/* a CNAME owner is never a delegation point */
		t.set = &dm.sets[s];
		rc = dv_verify(v, &t, 1);
		if (rc < 0)
			goto out;
		if (t.status != TW_DNSSEC_SECURE) {
			rc = fail_fact(v, z, next, t.fail, "CNAME at");
			goto out;
		}
		if (t.wc_labels == 0xff) {
			rc = add_simple(v, DV_K_NOCUT, next, t.ttl_cap,
					TW_EDE_NONE, NULL);
			goto out;
		}
		/* Expanded from a wildcard: it says nothing about next
		 * until the authority section proves that next itself does
		 * not exist (RFC 4035 5.3.4), the denial below. A replayed
		 * wildcard CNAME must not make a zone cut "no cut". */
	}

	/* A denial: no DS at next (RFC 4035 5.2; RFC 5155 8.6). */
	{
		size_t n_ns, n_n3;
		uint32_t ttl = UINT32_MAX, fail = 0;
		enum dv_ds_fact f = DV_DS_NONE;
		enum dv_proof proof = DV_PROOF_FAIL;

		ns = tw_calloc(DV_MAX_DENIAL, sizeof(*ns));
		n3 = tw_calloc(DV_MAX_DENIAL, sizeof(*n3));
		if (!ns || !n3) {
			rc = -ENOMEM;
			goto out;
		}
		rc = denial_collect(v, &dm, K, ns, &n_ns, n3, &n_n3,
				    DV_MAX_DENIAL, &ttl, &fail);
		if (rc < 0)
			goto out;
		why = "no NSEC or NSEC3 proof";
		if (n_ns) {
			f = dv_nsec_nods(ns, n_ns, next, K->name, &why);
			proof = f == DV_DS_NONE ? DV_PROOF_FAIL : DV_PROOF_OK;
		}
		if (f == DV_DS_NONE && n_n3)
			f = dv_nsec3_nods(v, n3, n_n3, next, K->name, &proof,
					  &why);
		if (f == DV_DS_NOCUT && dm.rcode == TW_DNS_RCODE_NXDOMAIN) {
			f = DV_DS_NONE;
			why = "NXDOMAIN for a name that exists";
		}
		if (f == DV_DS_NONE && (fail & DV_F_ERROR)) {
			/* a denial RRset could not be checked: not bogus */
			zone_decide(z, TW_DNSSEC_INDETERMINATE,
				    TW_EDE_DNSSEC_INDETERMINATE,
				    "could not check a DS denial");
			goto out;
		}
		switch (f) {
		case DV_DS_NOCUT:
			rc = add_simple(v, DV_K_NOCUT, next, ttl, TW_EDE_NONE,
					NULL);
			goto out;
		case DV_DS_NXNAME:
			rc = add_simple(v, DV_K_NXNAME, next, ttl, TW_EDE_NONE,
					NULL);
			goto out;
		case DV_DS_INSECURE: {
			char nb[TW_DNS_NAME_MAX * 4 + 2],
				r[TW_DNSSEC_REASON_MAX];

			dv_set_reason(r, "insecure delegation: no DS for %s",
				      dv_name_str(next, nb, sizeof(nb)));
			rc = add_simple(v, DV_K_INSECURE, next, ttl,
					TW_EDE_NONE, r);
			goto out;
		}
		case DV_DS_NONE:
			break;
		}
		switch (proof) {
		case DV_PROOF_ITER: {
			char nb[TW_DNS_NAME_MAX * 4 + 2],
				r[TW_DNSSEC_REASON_MAX];

			/* RFC 9276 3.2: insecure, EDE 27 */
			dv_set_reason(r, "DS denial for %s: %s",
				      dv_name_str(next, nb, sizeof(nb)), why);
			rc = add_simple(v, DV_K_INSECURE, next, ttl,
					TW_EDE_UNSUPPORTED_NSEC3_ITER, r);
			goto out;
		}
		case DV_PROOF_ITER_BOGUS:
			rc = add_bogus(v, next, TW_EDE_UNSUPPORTED_NSEC3_ITER,
				       "DS denial for", why);
			goto out;
		case DV_PROOF_LIMIT:
			zone_decide(z, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
				    "NSEC3 hash limit reached");
			goto out;
		case DV_PROOF_ERROR:
			zone_decide(z, TW_DNSSEC_INDETERMINATE,
				    TW_EDE_DNSSEC_INDETERMINATE,
				    "could not compute an NSEC3 hash");
			goto out;
		default:
			break;
		}
		if (n_ns + n_n3 == 0 && fail)
			rc = fail_fact(v, z, next, fail, "DS denial for");
		else
			rc = add_bogus(v, next, TW_EDE_NSEC_MISSING,
				       "DS denial for", why);
	}
out:
	tw_free(ns);
	tw_free(n3);
	dv_msg_free(&dm);
	return rc;
}

/*
 * Whether a usable DS names a key that no DNSKEY of the (not yet
 * authenticated) answer matched. The key policy may treat a zone as
 * unsigned only for keys the authenticated DS set points at (RFC 4035
 * 5.2): with one of them missing, the answer may have been stripped of
 * the key we could use, and the zone is bogus, not insecure.
 */
static bool
ds_key_absent(const struct dv_key *ds, const bool *usable, size_t n_ds,
	      const struct dv_entry *keys, const bool *matched)
{
	for (size_t i = 0; i < n_ds; i++) {
		bool found = false;

		if (!usable[i])
			continue;
		for (unsigned int j = 0; j < keys->n_keys && !found; j++)
			found = matched[j] && keys->keys[j].tag == ds[i].tag &&
				keys->keys[j].alg == ds[i].alg;
		if (!found)
			return true;
	}
	return false;
}

/*
 * Process the DNSKEY answer of zone (RFC 4035 5.2): a DNSKEY named by a
 * usable DS (or a trust anchor) must sign the RRset. ds: the validated
 * DS set (DV_K_DS entry) or NULL with anchor set.
 */
static int
process_dnskey(struct tw_val *v, struct dv_zone *z, const uint8_t *zone,
	       const struct dv_entry *ds, const struct dv_anchor *a,
	       const uint8_t *pkt, size_t len)
{
	const struct tw_dnssec_config *cfg = &v->ctx->cfg;
	struct dv_key *cand = NULL;
	bool *matched = NULL, *usable = NULL;
	struct dv_entry *keys = NULL;
	size_t n_cand = 0, n_ds;
	const struct dv_key *dsk;
	struct dv_vtask t;
	struct dv_msg dm;
	uint32_t kfail = 0;
	int rc, s, ede = TW_EDE_NONE;

	rc = answer_open(v, z, &dm, pkt, len, zone, TW_DNS_T_DNSKEY);
	if (rc)
		return rc < 0 ? rc : 0;
	s = dm.rcode == TW_DNS_RCODE_NOERROR
		    ? dv_msg_find(&dm, TW_DNS_SEC_AN, zone, TW_DNS_T_DNSKEY)
		    : -1;
	if (s < 0) {
		rc = add_bogus(v, zone, TW_EDE_DNSKEY_MISSING, "zone",
			       "no DNSKEY RRset");
		goto out;
	}
	keys = entry_from_rrset(&dm, &dm.sets[s], DV_K_SECURE, zone);
	dsk = ds ? ds->keys : a->ds;
	n_ds = ds ? ds->n_keys : a->n_ds;
	cand = tw_calloc(keys ? keys->n_keys + (a ? a->n_key : 0u) + 1u : 1u,
			 sizeof(*cand));
	matched = tw_calloc(keys ? keys->n_keys + 1u : 1u, sizeof(*matched));
	usable = tw_calloc(n_ds + 1, sizeof(*usable));
	if (!keys || !cand || !matched || !usable) {
		rc = -ENOMEM;
		goto out;
	}
	/* Usable DS RRs (a DS set from the parent was filtered already). */
	{
		unsigned int nu =
			n_ds ? dv_ds_usable(cfg, dsk, n_ds, usable, &ede) : 0;
		bool key_anchor = false;

		for (unsigned int i = 0; a && i < a->n_key; i++)
			if (dv_alg_ok(cfg, a->keys[i].alg) &&
			    a->keys[i].proto == 3 &&
			    (a->keys[i].flags & TW_DNSKEY_F_ZONE))
				key_anchor = true;
		if (nu == 0 && !key_anchor) {
			char nb[TW_DNS_NAME_MAX * 4 + 2],
				r[TW_DNSSEC_REASON_MAX];

			if (ede == TW_EDE_NONE)
				ede = TW_EDE_UNSUPPORTED_DNSKEY_ALG;
			dv_set_reason(r,
				      "trust anchor for %s: only unsupported "
				      "algorithms or digests",
				      dv_name_str(zone, nb, sizeof(nb)));
			rc = add_simple(v, DV_K_INSECURE, zone, dm.sets[s].ttl,
					ede, r);
			goto out;
		}
		rc = dv_ds_match(v, zone, dsk, usable, n_ds, keys->keys,
				 keys->n_keys, matched);
		if (rc < 0)
			goto out;
	}
	for (unsigned int i = 0; i < keys->n_keys; i++)
		if (matched[i])
			cand[n_cand++] = keys->keys[i];
	/* RFC 4035 5: a DNSKEY anchor is itself the trusted key. */
	for (unsigned int i = 0; a && i < a->n_key; i++)
		cand[n_cand++] = a->keys[i];
	/* lib/crypto's key policy (e.g. RSA below rsa_min_bits) counts as
	 * an unsupported algorithm (RFC 4035 5.2). */
	{
		size_t k = 0;

		for (size_t i = 0; i < n_cand; i++) {
			enum tw_crypto_verdict kv = tw_crypto_key_check(
				v->ctx->crypto, cand[i].alg, cand[i].pub,
				cand[i].pub_len, NULL);

			if (kv == TW_CRYPTO_VALID)
				cand[k++] = cand[i];
			else if (kv == TW_CRYPTO_UNSUPPORTED)
				kfail |= DV_F_KEYUNSUPP;
			else if (kv == TW_CRYPTO_BADKEY)
				kfail |= DV_F_BADKEY;
			else
				kfail |= DV_F_ERROR;
		}
		n_cand = k;
	}
	if (n_cand == 0) {
		if (kfail & DV_F_ERROR) {
			zone_decide(z, TW_DNSSEC_INDETERMINATE,
				    TW_EDE_DNSSEC_INDETERMINATE,
				    "could not check a DNSKEY");
		} else if (kfail == DV_F_KEYUNSUPP &&
			   !ds_key_absent(dsk, usable, n_ds, keys, matched)) {
			char nb[TW_DNS_NAME_MAX * 4 + 2],
				r[TW_DNSSEC_REASON_MAX];

			dv_set_reason(r,
				      "DNSKEY of %s refused by the key "
				      "policy: treated as unsigned",
				      dv_name_str(zone, nb, sizeof(nb)));
			rc = add_simple(v, DV_K_INSECURE, zone, dm.sets[s].ttl,
					TW_EDE_UNSUPPORTED_DNSKEY_ALG, r);
		} else {
			rc = add_bogus(v, zone, TW_EDE_DNSKEY_MISSING, "zone",
				       kfail ? "the DNSKEY named by the DS is "
					       "unusable"
					     : "no DNSKEY matches the DS");
		}
		goto out;
	}
	/* The DNSKEY RRset must be signed by one of the candidates. */
	memset(&t, 0, sizeof(t));
	t.dm = &dm;
	t.set = &dm.sets[s];
	t.zone = keys->name;
	t.keys = cand;
	t.n_keys = (uint16_t)n_cand;
	rc = dv_verify(v, &t, 1);
	if (rc < 0)
		goto out;
	if (t.status == TW_DNSSEC_SECURE) {
		keys->expires = fact_expiry(v, t.ttl_cap);
		rc = dv_fact_add(v, keys, true);
		keys = NULL;
	} else if (t.status == TW_DNSSEC_INDETERMINATE) {
		zone_decide(z, TW_DNSSEC_INDETERMINATE,
			    TW_EDE_DNSSEC_INDETERMINATE,
			    "could not check the DNSKEY signature");
	} else {
		rc = fail_fact(v, z, zone, t.fail, "DNSKEY RRset of");
	}
out:
	dv_entry_put(keys);
	tw_free(cand);
	tw_free(matched);
	tw_free(usable);
	dv_msg_free(&dm);
	return rc;
}

/* Whether an anchor has a DS or DNSKEY we can use; if not, the EDE and
 * reason go to v->scratch_ede and the first zone's reason buffer. */
static bool
anchor_usable(struct tw_val *v, const struct dv_anchor *a)
{
	const struct tw_dnssec_config *cfg = &v->ctx->cfg;
	char nb[TW_DNS_NAME_MAX * 4 + 2];
	bool usable[256];
	int ede = TW_EDE_NONE;

	for (unsigned int i = 0; i < a->n_key; i++)
		if (dv_alg_ok(cfg, a->keys[i].alg) && a->keys[i].proto == 3 &&
		    (a->keys[i].flags & TW_DNSKEY_F_ZONE))
			return true;
	for (unsigned int i = 0; i < a->n_ds; i += 256)
		if (dv_ds_usable(cfg, a->ds + i,
				 a->n_ds - i < 256 ? a->n_ds - i : 256, usable,
				 &ede))
			return true;
	v->scratch_ede =
		ede == TW_EDE_NONE ? TW_EDE_UNSUPPORTED_DNSKEY_ALG : ede;
	dv_set_reason(v->scratch_reason,
		      "trust anchor for %s: only unsupported algorithms or "
		      "digests",
		      dv_name_str(a->name, nb, sizeof(nb)));
	return false;
}

static void
zone_secure(struct dv_zone *z, struct dv_entry *K)
{
	z->state = TW_DNSSEC_SECURE;
	z->ede = TW_EDE_NONE;
	z->reason[0] = '\0';
	dv_entry_put(z->keys);
	z->keys = dv_entry_ref(K);
}

/* T lies inside K's zone (no cut between). */
static void
zone_inside(struct dv_zone *z, struct dv_entry *K)
{
	char nb[TW_DNS_NAME_MAX * 4 + 2], kb[TW_DNS_NAME_MAX * 4 + 2];
	char r[TW_DNSSEC_REASON_MAX];

	if (!z->signer) {
		zone_secure(z, K);
		return;
	}
	/* RFC 4035 5.3.1: the signer must be the zone's apex. */
	dv_set_reason(r, "RRSIG signer %s is not a zone (inside %s)",
		      dv_name_str(z->name, nb, sizeof(nb)),
		      dv_name_str(K->name, kb, sizeof(kb)));
	zone_decide(z, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS, r);
}

int
dv_chain_resolve(struct tw_val *v, struct dv_zone *z)
{
	const uint8_t *T = z->name;
	int tl = tw_dns_name_labels(T);
	char nb[TW_DNS_NAME_MAX * 4 + 2], r[TW_DNSSEC_REASON_MAX];

	/* Each pass learns a fact, decides or asks: bounded by the fetch
	 * limit; the guard only protects against a logic error. */
	for (unsigned int guard = 0; guard < 4u * DV_LABELS_MAX + 64u;
	     guard++) {
		const struct dv_anchor *a;
		struct dv_entry *K = NULL, *e;
		const uint8_t *next = NULL, *pkt;
		bool nx = false;
		size_t len;
		int l, rc;

		if (z->state)
			return 0;
		a = dv_anchor_find(&v->ctx->anchors, T, v->now);
		if (!a) {
			/* RFC 4033 5 "indeterminate": no anchor covers the
			 * name; passed on unvalidated like insecure data. */
			dv_set_reason(r, "no trust anchor above %s",
				      dv_name_str(T, nb, sizeof(nb)));
			zone_decide(z, TW_DNSSEC_INSECURE, TW_EDE_NONE, r);
			return 0;
		}
		if (dv_anchor_is_nta(a, v->now)) {
			dv_set_reason(r, "negative trust anchor at %s",
				      dv_name_str(a->name, nb, sizeof(nb)));
			zone_decide(z, TW_DNSSEC_INSECURE, TW_EDE_NONE, r);
			return 0;
		}
		for (l = tl; l >= a->labels && !K; l--) {
			e = dv_fact_get(v, tw_dns_name_suffix(T, l));
			if (!e)
				continue;
			switch (e->kind) {
			case DV_K_INSECURE:
				zone_decide(z, TW_DNSSEC_INSECURE, e->ede,
					    e->reason);
				return 0;
			case DV_K_BOGUS:
				zone_decide(z, TW_DNSSEC_BOGUS, e->ede,
					    e->reason);
				return 0;
			case DV_K_SECURE:
				K = e;
				break;
			case DV_K_NXNAME:
				nx = true;
				break;
			default:
				break;
			}
		}
		if (!K && !anchor_usable(v, a)) {
			/* RFC 4035 5.2 for anchors: nothing we can validate
			 * with: the zone is treated as unsigned, no fetch. */
			rc = add_simple(v, DV_K_INSECURE, a->name, 3600u,
					v->scratch_ede, v->scratch_reason);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!K) {
			/* RFC 4035 5: start at the anchor's DNSKEY RRset. */
			rc = get_answer(v, z, a->name, TW_DNS_T_DNSKEY, &pkt,
					&len);
			if (rc != DV_GOT)
				return rc;
			rc = process_dnskey(v, z, a->name, NULL, a, pkt, len);
			if (rc < 0)
				return rc;
			continue;
		}
		if (K->name_len == z->name_len &&
		    memcmp(K->name, T, z->name_len) == 0) {
			zone_secure(z, K);
			return 0;
		}
		if (nx) {
			/* a name above or at T does not exist in K's zone */
			zone_inside(z, K);
			return 0;
		}
		/* the next name below K toward T, over proven non-cuts */
		for (l = tw_dns_name_labels(K->name) + 1; l <= tl; l++) {
			next = tw_dns_name_suffix(T, l);
			e = dv_fact_get(v, next);
			if (!e || (e->kind != DV_K_NOCUT))
				break;
		}
		if (l > tl) {
			zone_inside(z, K);
			return 0;
		}
		e = dv_fact_get(v, next);
		if (e && e->kind == DV_K_DS) {
			rc = get_answer(v, z, next, TW_DNS_T_DNSKEY, &pkt,
					&len);
			if (rc != DV_GOT)
				return rc;
			rc = process_dnskey(v, z, next, e, NULL, pkt, len);
		} else {
			rc = get_answer(v, z, next, TW_DNS_T_DS, &pkt, &len);
			if (rc != DV_GOT)
				return rc;
			rc = process_ds(v, z, K, next, pkt, len);
		}
		if (rc < 0)
			return rc;
	}
	zone_decide(z, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
		    "chain of trust did not converge");
	return 0;
}

int
dv_keys_inject(struct tw_dnssec_ctx *ctx, const uint8_t *zone,
	       const uint8_t *const *rdata, const uint16_t *len, size_t n,
	       uint32_t expires)
{
	struct dv_entry *e;
	size_t bytes = 0;
	uint8_t *p;

	if (ctx->cache.max == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		bytes += len[i];
	e = dv_entry_new(DV_K_SECURE, zone, n, bytes);
	if (!e)
		return -ENOMEM;
	p = (uint8_t *)(e->keys + n);
	for (size_t i = 0; i < n; i++) {
		memcpy(p, rdata[i], len[i]);
		if (dv_key_from_dnskey(&e->keys[e->n_keys++], p, len[i]) < 0) {
			dv_entry_put(e);
			return -EINVAL;
		}
		p += len[i];
	}
	e->expires = expires;
	dv_cache_put(&ctx->cache, e);
	dv_entry_put(e);
	return 0;
}
