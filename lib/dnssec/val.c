/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resumable validation of one response.
 *
 * 1. Classify (once): follow the CNAME/DNAME chain from the question
 *    (RFC 1034 3.6.2, RFC 6672 5.3), list the RRsets to check and the
 *    zone each one needs: the deepest RRSIG signer enclosing its owner
 *    (a claim checked by the chain of trust, RFC 4035 5.3.1), or, for
 *    unsigned data, its owner (the walk then proves the zone insecure,
 *    or the data bogus). A negative answer needs the zone of its proof.
 * 2. Zones: resolve each through chain.c; it may ask the caller for a
 *    DS or DNSKEY RRset (TW_VAL_NEED); tw_val_provide() re-enters here.
 * 3. Signatures: all RRsets at once, in rounds batched through
 *    lib/crypto (sigcrypt.c).
 * 4. Proofs: wildcard expansions (RFC 4035 5.3.4, RFC 5155 8.8) and
 *    NXDOMAIN / NODATA (RFC 4035 5.4, RFC 5155 8.4-8.7).
 * 5. The verdict: the worst status of all parts (bogus > indeterminate
 *    > insecure > secure): a chain into an insecure zone is insecure,
 *    into a bogus one bogus.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dnssec_priv.h"

/* ---- Context ------------------------------------------------------------ */

int
tw_dnssec_ctx_create(const struct tw_dnssec_config *cfg,
		     struct tw_dnssec_ctx **ctxp)
{
	struct tw_dnssec_ctx *ctx;
	int rc;

	if (!ctxp)
		return -EINVAL;
	*ctxp = NULL;
	ctx = tw_calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	if (cfg)
		ctx->cfg = *cfg;
	else
		tw_dnssec_config_init(&ctx->cfg);
	rc = dv_config_check(&ctx->cfg);
	if (rc < 0)
		goto fail;
	rc = tw_crypto_create(&ctx->cfg.crypto, &ctx->crypto);
	if (rc < 0)
		goto fail;
	rc = dv_cache_init(&ctx->cache, ctx->cfg.cache_entries);
	if (rc < 0)
		goto fail;
	*ctxp = ctx;
	return 0;
fail:
	tw_dnssec_ctx_destroy(ctx);
	return rc;
}

void
tw_dnssec_ctx_destroy(struct tw_dnssec_ctx *ctx)
{
	if (!ctx)
		return;
	while (ctx->n_pool > 0) {
		struct tw_val *v = ctx->pool[--ctx->n_pool];

		dv_msg_free(&v->msg);
		tw_free(v->pkt);
		tw_free(v);
	}
	tw_free(ctx->sd);
	dv_cache_fini(&ctx->cache);
	dv_anchors_fini(&ctx->anchors);
	tw_crypto_destroy(ctx->crypto);
	tw_free(ctx);
}

struct tw_crypto_ctx *
tw_dnssec_crypto(struct tw_dnssec_ctx *ctx)
{
	return ctx->crypto;
}

void
tw_dnssec_stats_get(const struct tw_dnssec_ctx *ctx, struct tw_dnssec_stats *st)
{
	*st = ctx->stats;
}

void
tw_dnssec_cache_flush(struct tw_dnssec_ctx *ctx)
{
	dv_cache_flush(&ctx->cache);
}

const char *
tw_dnssec_status_str(enum tw_dnssec_status s)
{
	switch (s) {
	case TW_DNSSEC_SECURE:
		return "secure";
	case TW_DNSSEC_INSECURE:
		return "insecure";
	case TW_DNSSEC_BOGUS:
		return "bogus";
	case TW_DNSSEC_INDETERMINATE:
		return "indeterminate";
	}
	return "?";
}

static int
rank(int s)
{
	switch (s) {
	case TW_DNSSEC_SECURE:
		return 0;
	case TW_DNSSEC_INSECURE:
		return 1;
	case TW_DNSSEC_INDETERMINATE:
		return 2;
	default:
		return 3;
	}
}

int
dv_status_worse(int a, int b)
{
	return rank(a) >= rank(b) ? a : b;
}

/* ---- Classification --------------------------------------------------- */

static int
zone_add(struct tw_val *v, const uint8_t *name, bool signer)
{
	size_t len = tw_dns_name_len(name);

	for (int i = 0; i < v->n_zones; i++)
		if (v->zones[i].signer == signer &&
		    v->zones[i].name_len == len &&
		    tw_dns_name_eq(v->zones[i].name, name))
			return i;
	if (v->n_zones == DV_MAX_ZONES)
		return -1;
	memset(&v->zones[v->n_zones], 0, sizeof(v->zones[0]));
	v->zones[v->n_zones].name_len =
		(uint8_t)dv_name_copy_lc(v->zones[v->n_zones].name, name);
	v->zones[v->n_zones].signer = signer;
	return v->n_zones++;
}

static struct dv_item *
item_add(struct tw_val *v, int set, uint8_t role)
{
	struct dv_item *it;

	for (int i = 0; i < v->n_items; i++)
		if (v->items[i].set == set)
			return &v->items[i];
	if (v->n_items == DV_MAX_ITEMS)
		return NULL;
	it = &v->items[v->n_items++];
	memset(it, 0, sizeof(*it));
	it->set = (uint16_t)set;
	it->role = role;
	it->zone = -1;
	it->dname = -1;
	it->ede = TW_EDE_NONE;
	it->wc_labels = 0xff;
	it->ttl_cap = UINT32_MAX;
	return it;
}

/* The deepest RRSIG signer enclosing the owner (RFC 4035 5.3.1), or
 * NULL. Points into the packet (uncompressed, any case). */
static const uint8_t *
set_signer(const struct dv_msg *dm, const struct dv_rrset *s)
{
	const uint8_t *best = NULL;
	int best_l = -1;

	for (unsigned int i = 0; i < s->n_sig; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, s->sig_first + i);
		struct tw_dns_rrsig sig;
		int l;

		if (tw_dns_rdata_rrsig(dv_rdata(dm, r), r->rr.rdlen, &sig) <
			    0 ||
		    !tw_dns_name_is_sub(s->owner, sig.signer))
			continue;
		l = tw_dns_name_labels(sig.signer);
		if (l > best_l) {
			best = sig.signer;
			best_l = l;
		}
	}
	return best;
}

/* Whether an RRSIG of the set claims a wildcard expansion. */
static bool
set_maybe_wild(const struct dv_msg *dm, const struct dv_rrset *s)
{
	unsigned int ol =
		dv_name_is_wild(s->owner) ? s->labels - 1u : s->labels;

	for (unsigned int i = 0; i < s->n_sig; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, s->sig_first + i);

		if (r->rr.rdlen >= 4 && dv_rdata(dm, r)[3] < ol)
			return true;
	}
	return false;
}

static void done(struct tw_val *v, int status, int ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
done(struct tw_val *v, int status, int ede, const char *fmt, ...)
{
	va_list ap;

	v->res.status = (enum tw_dnssec_status)status;
	v->res.ede = ede;
	v->res.ttl_cap = status == TW_DNSSEC_BOGUS ? v->ctx->cfg.bogus_ttl
			 : status == TW_DNSSEC_INDETERMINATE ? 0
							     : UINT32_MAX;
	va_start(ap, fmt);
	vsnprintf(v->res.reason, sizeof(v->res.reason), fmt, ap);
	va_end(ap);
	v->done = true;
}

/* The DNAME RRset in the answer whose owner is the closest proper
 * ancestor of name, or -1. */
static int
find_dname(const struct dv_msg *dm, const uint8_t *name)
{
	int best = -1, best_l = -1;

	for (int i = 0; i < dm->n_sets; i++) {
		const struct dv_rrset *s = &dm->sets[i];

		if (s->section != TW_DNS_SEC_AN || s->type != TW_DNS_T_DNAME ||
		    s->n != 1 || tw_dns_name_eq(s->owner, name) ||
		    !tw_dns_name_is_sub(name, s->owner))
			continue;
		if (s->labels > best_l) {
			best = i;
			best_l = s->labels;
		}
	}
	return best;
}

/* RFC 6672 2.2: replace the DNAME owner suffix of name by its target.
 * Returns the new length, 0 if too long, negative on a bad DNAME. */
static int
dname_subst(const struct dv_msg *dm, const struct dv_rrset *d,
	    const uint8_t *name, uint8_t out[TW_DNS_NAME_MAX])
{
	uint8_t target[TW_DNS_NAME_MAX];
	size_t nlen = tw_dns_name_len(name), plen;
	int tlen;

	tlen = tw_dns_rr_target(&dm->m, &dv_msg_rr(dm, d->first)->rr, target);
	if (tlen < 0)
		return tlen;
	tlen = (int)tw_dns_name_len(target);
	plen = nlen - d->owner_len;
	if (plen + (size_t)tlen > TW_DNS_NAME_MAX)
		return 0;
	memcpy(out, name, plen);
	memcpy(out + plen, target, (size_t)tlen);
	tw_dns_name_lower(out);
	return (int)(plen + (size_t)tlen);
}

static int
classify(struct tw_val *v)
{
	struct dv_msg *dm = &v->msg;
	uint8_t cur[TW_DNS_NAME_MAX];
	unsigned int links = 0;
	char nb[TW_DNS_NAME_MAX * 4 + 2];

	v->classified = true;
	v->neg_zone = -1;
	if (dm->m.hdr.flags & TW_DNS_F_TC) {
		done(v, TW_DNSSEC_INDETERMINATE, TW_EDE_NONE,
		     "truncated response: retry over TCP");
		return 0;
	}
	if (dm->rcode != TW_DNS_RCODE_NOERROR &&
	    dm->rcode != TW_DNS_RCODE_NXDOMAIN) {
		done(v, TW_DNSSEC_INDETERMINATE, TW_EDE_NONE,
		     "upstream %s: nothing to validate",
		     tw_dns_rcode_str(dm->rcode));
		return 0;
	}
	if (dm->m.q.qclass != TW_DNS_C_IN) {
		done(v, TW_DNSSEC_INSECURE, TW_EDE_NONE,
		     "class %u: no trust anchors", dm->m.q.qclass);
		return 0;
	}
	/* RRSIGs are not an RRset of their own (RFC 4034 3, RFC 4035
	 * 2.2): an answer to qtype RRSIG is signatures over other RRsets,
	 * with nothing that signs it. Passed through without AD, as
	 * Unbound does, rather than failed as an unproven NODATA. */
	if (v->qtype == TW_DNS_T_RRSIG) {
		done(v, TW_DNSSEC_INSECURE, TW_EDE_NONE,
		     "type RRSIG queries are not validated");
		return 0;
	}

	/* Follow the chain from the question. */
	memcpy(cur, v->qname, tw_dns_name_len(v->qname));
	for (;;) {
		int s, c, d;
		bool found = false;

		if (v->qtype == TW_DNS_T_ANY) {
			for (int i = 0; i < dm->n_sets; i++) {
				struct dv_rrset *x = &dm->sets[i];

				if (x->section == TW_DNS_SEC_AN && x->n &&
				    tw_dns_name_eq(x->owner, cur)) {
					if (!item_add(v, i, DV_R_ANSWER))
						goto too_many;
					found = true;
				}
			}
		} else if ((s = dv_msg_find(dm, TW_DNS_SEC_AN, cur,
					    v->qtype)) >= 0) {
			if (!item_add(v, s, DV_R_ANSWER))
				goto too_many;
			found = true;
		}
		if (found) {
			v->outcome = DV_POSITIVE;
			break;
		}
		c = dv_msg_find(dm, TW_DNS_SEC_AN, cur, TW_DNS_T_CNAME);
		d = find_dname(dm, cur);
		if (c < 0 && d < 0) {
			v->outcome = dm->rcode == TW_DNS_RCODE_NXDOMAIN
					     ? DV_NXDOMAIN
					     : DV_NODATA;
			break;
		}
		if (++links > v->ctx->cfg.limits.cname_chain) {
			done(v, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
			     "CNAME/DNAME chain longer than %u (limit)",
			     v->ctx->cfg.limits.cname_chain);
			v->limit_hit = true;
			return 0;
		}
		if (d >= 0) {
			/* RFC 6672 5.3.1: a DNAME redirects; the CNAME the
			 * server synthesised is unsigned and must match. */
			uint8_t next[TW_DNS_NAME_MAX];
			struct dv_item *di, *ci;
			int nl = dname_subst(dm, &dm->sets[d], cur, next);

			if (nl <= 0) {
				done(v, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
				     "DNAME substitution fails");
				return 0;
			}
			di = item_add(v, d, DV_R_DNAME);
			if (!di)
				goto too_many;
			if (c >= 0) {
				uint8_t ct[TW_DNS_NAME_MAX];
				struct dv_rrset *cs = &dm->sets[c];

				if (cs->n != 1 ||
				    tw_dns_rr_target(
					    &dm->m,
					    &dv_msg_rr(dm, cs->first)->rr,
					    ct) < 0 ||
				    !tw_dns_name_eq(ct, next)) {
					done(v, TW_DNSSEC_BOGUS,
					     TW_EDE_DNSSEC_BOGUS,
					     "CNAME at %s does not match the "
					     "DNAME",
					     dv_name_str(cur, nb, sizeof(nb)));
					return 0;
				}
				ci = item_add(v, c, DV_R_SYNTH);
				if (!ci)
					goto too_many;
				if (cs->n_sig == 0)
					ci->dname = (int16_t)(di - v->items);
				else
					ci->role = DV_R_CNAME;
			}
			memcpy(cur, next, (size_t)nl);
			continue;
		}
		{
			struct dv_rrset *cs = &dm->sets[c];
			int tl;

			if (cs->n != 1) {
				done(v, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
				     "CNAME RRset with %u records", cs->n);
				return 0;
			}
			if (!item_add(v, c, DV_R_CNAME))
				goto too_many;
			tl = tw_dns_rr_target(
				&dm->m, &dv_msg_rr(dm, cs->first)->rr, cur);
			if (tl < 0) {
				done(v, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
				     "bad CNAME target");
				return 0;
			}
			tw_dns_name_lower(cur);
		}
	}
	memcpy(v->final, cur, tw_dns_name_len(cur));
	if (v->outcome == DV_POSITIVE && dm->rcode == TW_DNS_RCODE_NXDOMAIN) {
		done(v, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
		     "NXDOMAIN with an answer");
		return 0;
	}
	/* Every other answer-section RRset is checked too. */
	for (int i = 0; i < dm->n_sets; i++)
		if (dm->sets[i].section == TW_DNS_SEC_AN && dm->sets[i].n &&
		    !item_add(v, i, DV_R_EXTRA))
			goto too_many;

	/* Zones of the answer RRsets. */
	for (int i = 0; i < v->n_items; i++) {
		struct dv_item *it = &v->items[i];
		struct dv_rrset *s = &dm->sets[it->set];
		const uint8_t *signer;

		if (it->role == DV_R_SYNTH && it->dname >= 0)
			continue;
		if (set_maybe_wild(dm, s))
			v->need_wild = true;
		signer = set_signer(dm, s);
		if (signer)
			it->zone = (int16_t)zone_add(v, signer, true);
		else if (s->n_sig == 0)
			it->zone = (int16_t)zone_add(v, s->owner, false);
		else {
			it->status = TW_DNSSEC_BOGUS;
			it->ede = TW_EDE_DNSSEC_BOGUS;
			it->why = "RRSIG signer does not enclose the owner";
			continue;
		}
		if (it->zone < 0)
			goto too_many;
	}

	/* The zone of a denial: the deepest signer of an authority SOA,
	 * NSEC or NSEC3 enclosing the final name; else the final name
	 * itself (unsigned: the walk decides). */
	if (v->outcome != DV_POSITIVE) {
		const uint8_t *best = NULL;

		for (int i = 0; i < dm->n_sets; i++) {
			struct dv_rrset *s = &dm->sets[i];
			const uint8_t *signer;

			if (s->section != TW_DNS_SEC_NS || !s->n ||
			    (s->type != TW_DNS_T_SOA &&
			     s->type != TW_DNS_T_NSEC &&
			     s->type != TW_DNS_T_NSEC3))
				continue;
			signer = set_signer(dm, s);
			if (signer && tw_dns_name_is_sub(v->final, signer) &&
			    (!best || tw_dns_name_labels(signer) >
					      tw_dns_name_labels(best)))
				best = signer;
		}
		v->neg_zone = (int16_t)zone_add(v, best ? best : v->final,
						best != NULL);
		if (v->neg_zone < 0)
			goto too_many;
	}
	/* Authority NSEC/NSEC3 (and SOA for denials) are checked when a
	 * proof may need them. */
	if (v->outcome != DV_POSITIVE || v->need_wild) {
		for (int i = 0; i < dm->n_sets; i++) {
			struct dv_rrset *s = &dm->sets[i];
			const uint8_t *signer;
			struct dv_item *it;

			if (s->section != TW_DNS_SEC_NS || !s->n ||
			    (s->type != TW_DNS_T_NSEC &&
			     s->type != TW_DNS_T_NSEC3 &&
			     (s->type != TW_DNS_T_SOA ||
			      v->outcome == DV_POSITIVE)))
				continue;
			signer = set_signer(dm, s);
			if (!signer)
				continue; /* unsigned: cannot serve a proof */
			it = item_add(v, i, DV_R_AUTH);
			if (!it)
				break; /* enough to prove anything */
			it->zone = (int16_t)zone_add(v, signer, true);
			if (it->zone < 0) {
				v->n_items--;
				break;
			}
		}
	}
	return 0;
too_many:
	v->limit_hit = true;
	done(v, TW_DNSSEC_BOGUS, TW_EDE_DNSSEC_BOGUS,
	     "too many RRsets or zones in one response (limit)");
	return 0;
}

/* ---- Signatures and proofs ----------------------------------------------- */

static void
item_from_zone(struct dv_item *it, const struct dv_zone *z)
{
	it->status = z->state;
	it->ede = z->ede;
	it->why = NULL; /* the zone's reason */
}

/* The signature tasks of the items whose zone is secure; the others get
 * their zone's verdict. t and map hold n_items each. Returns the count. */
static size_t
prepare_items(struct tw_val *v, struct dv_vtask *t, int16_t *map)
{
	size_t nt = 0;

	for (int i = 0; i < v->n_items; i++) {
		struct dv_item *it = &v->items[i];
		struct dv_rrset *s = &v->msg.sets[it->set];
		const struct dv_zone *z;

		if (it->status || it->zone < 0)
			continue;
		z = &v->zones[it->zone];
		if (z->state != TW_DNSSEC_SECURE) {
			item_from_zone(it, z);
			continue;
		}
		if (s->n_sig == 0) {
			/* RFC 4035 5.3: data in a secure zone is signed. */
			it->status = TW_DNSSEC_BOGUS;
			it->ede = TW_EDE_RRSIGS_MISSING;
			it->why = "RRSIG missing";
			continue;
		}
		memset(&t[nt], 0, sizeof(t[nt]));
		t[nt].v = v;
		t[nt].dm = &v->msg;
		t[nt].set = s;
		t[nt].zone = z->keys->name;
		t[nt].keys = z->keys->keys;
		t[nt].n_keys = z->keys->n_keys;
		map[nt++] = (int16_t)i;
	}
	return nt;
}

/* Take the verdicts of the tasks. */
static void
apply_items(struct tw_val *v, const struct dv_vtask *t, const int16_t *map,
	    size_t nt)
{
	for (size_t k = 0; k < nt; k++) {
		struct dv_item *it = &v->items[map[k]];

		it->status = t[k].status;
		if (t[k].status == TW_DNSSEC_SECURE) {
			it->ttl_cap = t[k].ttl_cap;
			it->wc_labels = t[k].wc_labels;
		} else {
			it->ede = dv_fail_ede(t[k].fail, &it->why);
		}
	}
	/* A synthesised CNAME stands or falls with its DNAME. */
	for (int i = 0; i < v->n_items; i++) {
		struct dv_item *it = &v->items[i];

		if (it->role == DV_R_SYNTH && it->dname >= 0) {
			const struct dv_item *d = &v->items[it->dname];

			it->status = d->status;
			it->ede = d->ede;
			it->why = d->why;
			it->zone = d->zone;
		}
	}
}

/* The secure NSEC / NSEC3 RRs of zone zi among the authority items. */
static void
denial_of_zone(struct tw_val *v, int zi, struct dv_nsec *ns, size_t *n_ns,
	       struct dv_nsec3 *n3, size_t *n_n3, size_t cap, uint32_t *ttl)
{
	const uint8_t *zone = v->zones[zi].keys->name;

	*n_ns = *n_n3 = 0;
	for (int i = 0; i < v->n_items; i++) {
		const struct dv_item *it = &v->items[i];
		const struct dv_rrset *s = &v->msg.sets[it->set];

		if (it->role != DV_R_AUTH || it->status != TW_DNSSEC_SECURE ||
		    it->zone < 0 || !v->zones[it->zone].keys ||
		    !tw_dns_name_eq(v->zones[it->zone].keys->name, zone))
			continue;
		/* An NSEC/NSEC3 verified through a wildcard expansion (RRSIG
		 * labels below its owner's) has an owner the server chose:
		 * it proves nothing about names (RFC 4035 5.4; RFC 4592 4.7
		 * as corrected by erratum 5119: never used for a negative
		 * answer). */
		if (it->wc_labels != 0xff)
			continue;
		if (it->ttl_cap < *ttl)
			*ttl = it->ttl_cap;
		if (s->type == TW_DNS_T_NSEC)
			*n_ns += dv_nsec_collect(&v->msg, s, zone, ns + *n_ns,
						 cap - *n_ns);
		else if (s->type == TW_DNS_T_NSEC3)
			*n_n3 += dv_nsec3_collect(&v->msg, s, zone, n3 + *n_n3,
						  cap - *n_n3);
	}
}

/* Whether an authority RRset of zone zi could not be checked. */
static bool
denial_unchecked(const struct tw_val *v, int zi)
{
	const uint8_t *zone = v->zones[zi].keys->name;

	for (int i = 0; i < v->n_items; i++) {
		const struct dv_item *it = &v->items[i];

		if (it->role == DV_R_AUTH &&
		    it->status == TW_DNSSEC_INDETERMINATE && it->zone >= 0 &&
		    v->zones[it->zone].keys &&
		    tw_dns_name_eq(v->zones[it->zone].keys->name, zone))
			return true;
	}
	return false;
}

/* Map a proof outcome onto an item-like verdict. */
static void
proof_verdict(enum dv_proof p, const char *why, uint8_t *status, int *ede,
	      const char **out_why)
{
	switch (p) {
	case DV_PROOF_OK:
		*status = TW_DNSSEC_SECURE;
		*ede = TW_EDE_NONE;
		*out_why = NULL;
		return;
	case DV_PROOF_INSECURE:
		/* RFC 5155 9.2 */
		*status = TW_DNSSEC_INSECURE;
		*ede = TW_EDE_NONE;
		*out_why = "NSEC3 opt-out span";
		return;
	case DV_PROOF_ITER:
		/* RFC 9276 3.2 */
		*status = TW_DNSSEC_INSECURE;
		*ede = TW_EDE_UNSUPPORTED_NSEC3_ITER;
		*out_why = why;
		return;
	case DV_PROOF_ITER_BOGUS:
		*status = TW_DNSSEC_BOGUS;
		*ede = TW_EDE_UNSUPPORTED_NSEC3_ITER;
		*out_why = why;
		return;
	case DV_PROOF_LIMIT:
		*status = TW_DNSSEC_BOGUS;
		*ede = TW_EDE_DNSSEC_BOGUS;
		*out_why = "NSEC3 hash limit reached";
		return;
	case DV_PROOF_ERROR:
		*status = TW_DNSSEC_INDETERMINATE;
		*ede = TW_EDE_DNSSEC_INDETERMINATE;
		*out_why = "could not check the denial";
		return;
	case DV_PROOF_FAIL:
		break;
	}
	*status = TW_DNSSEC_BOGUS;
	*ede = TW_EDE_NSEC_MISSING;
	*out_why = why;
}

#define DV_MAX_PROOF 64

struct proof_out {
	uint8_t status;
	int ede;
	const char *why;
	uint32_t ttl;
};

/* Prove a wildcard expansion of item it. */
static int
prove_wildcard(struct tw_val *v, struct dv_item *it, struct dv_nsec *ns,
	       struct dv_nsec3 *n3)
{
	const struct dv_rrset *s = &v->msg.sets[it->set];
	size_t n_ns, n_n3;
	enum dv_proof p = DV_PROOF_FAIL;
	const char *why = "wildcard answer without an NSEC or NSEC3 proof";
	uint32_t ttl = it->ttl_cap;

	denial_of_zone(v, it->zone, ns, &n_ns, n3, &n_n3, DV_MAX_PROOF, &ttl);
	if (n_ns)
		p = dv_nsec_wildcard(ns, n_ns, s->owner, it->wc_labels,
				     v->zones[it->zone].keys->name, &why);
	if (p != DV_PROOF_OK && n_n3)
		p = dv_nsec3_wildcard(v, n3, n_n3, s->owner, it->wc_labels,
				      v->zones[it->zone].keys->name, &why);
	if (p == DV_PROOF_FAIL && denial_unchecked(v, it->zone))
		p = DV_PROOF_ERROR; /* could not check is not bogus */
	proof_verdict(p, why, &it->status, &it->ede, &it->why);
	if (it->status == TW_DNSSEC_SECURE)
		it->ttl_cap = ttl;
	return 0;
}

/* Prove the denial of the final name. */
static void
prove_denial(struct tw_val *v, struct proof_out *o, struct dv_nsec *ns,
	     struct dv_nsec3 *n3)
{
	const struct dv_zone *z = &v->zones[v->neg_zone];
	size_t n_ns, n_n3;
	enum dv_proof p = DV_PROOF_FAIL;
	const char *why = "no NSEC or NSEC3 proof";
	bool unsigned_auth = false;

	o->ttl = UINT32_MAX;
	if (z->state != TW_DNSSEC_SECURE) {
		o->status = z->state;
		o->ede = z->ede;
		o->why = NULL;
		return;
	}
	for (int i = 0; i < v->msg.n_sets; i++) {
		const struct dv_rrset *s = &v->msg.sets[i];

		if (s->section == TW_DNS_SEC_NS && s->n && s->n_sig == 0 &&
		    (s->type == TW_DNS_T_SOA || s->type == TW_DNS_T_NSEC ||
		     s->type == TW_DNS_T_NSEC3))
			unsigned_auth = true;
	}
	if (!z->signer) {
		/* unsigned denial in a secure zone */
		o->status = TW_DNSSEC_BOGUS;
		o->ede = unsigned_auth ? TW_EDE_RRSIGS_MISSING
				       : TW_EDE_NSEC_MISSING;
		o->why = unsigned_auth ? "denial without RRSIGs"
				       : "no NSEC or NSEC3 proof";
		return;
	}
	denial_of_zone(v, v->neg_zone, ns, &n_ns, n3, &n_n3, DV_MAX_PROOF,
		       &o->ttl);
	if (v->outcome == DV_NXDOMAIN) {
		if (n_ns)
			p = dv_nsec_nxdomain(ns, n_ns, v->final, z->keys->name,
					     &why);
		if (p != DV_PROOF_OK && n_n3)
			p = dv_nsec3_nxdomain(v, n3, n_n3, v->final,
					      z->keys->name, &why);
	} else {
		if (n_ns)
			p = dv_nsec_nodata(ns, n_ns, v->final, v->qtype,
					   z->keys->name, &why);
		if (p != DV_PROOF_OK && n_n3)
			p = dv_nsec3_nodata(v, n3, n_n3, v->final, v->qtype,
					    z->keys->name, &why);
	}
	if (p == DV_PROOF_FAIL && denial_unchecked(v, v->neg_zone))
		p = DV_PROOF_ERROR; /* could not check is not bogus */
	proof_verdict(p, why, &o->status, &o->ede, &o->why);
	if (p == DV_PROOF_FAIL && n_ns + n_n3 == 0 && unsigned_auth) {
		o->ede = TW_EDE_RRSIGS_MISSING;
		o->why = "denial without RRSIGs";
	}
}

/* Merge one part into the result (worst wins; the first reason of the
 * worst status is kept; an insecure EDE is informative). */
static void merge(struct tw_val *v, int status, int ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
merge(struct tw_val *v, int status, int ede, const char *fmt, ...)
{
	va_list ap;

	if (!status)
		status = TW_DNSSEC_BOGUS;
	if (rank(status) > rank(v->res.status) ||
	    (status == (int)v->res.status && v->res.ede == TW_EDE_NONE &&
	     ede != TW_EDE_NONE)) {
		v->res.status = (enum tw_dnssec_status)status;
		v->res.ede = ede;
		va_start(ap, fmt);
		vsnprintf(v->res.reason, sizeof(v->res.reason), fmt, ap);
		va_end(ap);
	}
}

/*
 * The authority RRs of a secure verdict (tw_dnssec_result.auth_rr): the
 * data RRs and covering RRSIGs of every authority RRset validated
 * without a wildcard expansion.
 */
static void
auth_collect(struct tw_val *v)
{
	struct tw_dnssec_result *r = &v->res;

	r->n_auth_rr = 0;
	for (int i = 0; i < v->n_items; i++) {
		const struct dv_item *it = &v->items[i];
		const struct dv_rrset *s = &v->msg.sets[it->set];

		if (s->section != TW_DNS_SEC_NS ||
		    it->status != TW_DNSSEC_SECURE || it->wc_labels != 0xff)
			continue;
		for (unsigned int k = 0; k < (unsigned)s->n + s->n_sig; k++) {
			unsigned int o = k < s->n ? s->first + k
						  : s->sig_first + (k - s->n);

			if (r->n_auth_rr >= TW_DNSSEC_AUTH_MAX)
				return;
			r->auth_rr[r->n_auth_rr++] =
				dv_msg_rr(&v->msg, o)->rr.rr_off;
		}
	}
}

/* After the signatures: proofs and the verdict. 0 or -ENOMEM. */
static int
conclude(struct tw_val *v)
{
	struct dv_nsec *ns;
	struct dv_nsec3 *n3;
	uint32_t ttl = UINT32_MAX;
	char nb[TW_DNS_NAME_MAX * 4 + 2], tb[16];

	ns = NULL;
	n3 = NULL;
	for (int i = 0; i < v->n_items && !ns; i++)
		if (v->items[i].status == TW_DNSSEC_SECURE &&
		    v->items[i].wc_labels != 0xff)
			ns = (struct dv_nsec *)1;
	if (ns || v->outcome != DV_POSITIVE) {
		/* proof scratch, only for denials and expansions */
		ns = tw_calloc(DV_MAX_PROOF, sizeof(*ns));
		n3 = tw_calloc(DV_MAX_PROOF, sizeof(*n3));
		if (!ns || !n3) {
			tw_free(ns);
			tw_free(n3);
			return -ENOMEM;
		}
	}
	/* RFC 4035 5.3.4 / RFC 5155 8.8: expansions need a proof. */
	for (int i = 0; i < v->n_items; i++) {
		struct dv_item *it = &v->items[i];

		if (it->status == TW_DNSSEC_SECURE && it->wc_labels != 0xff &&
		    it->role != DV_R_AUTH)
			prove_wildcard(v, it, ns, n3);
	}
	v->res.status = TW_DNSSEC_SECURE;
	v->res.ede = TW_EDE_NONE;
	v->res.reason[0] = '\0';
	for (int i = 0; i < v->n_items; i++) {
		const struct dv_item *it = &v->items[i];
		const struct dv_rrset *s = &v->msg.sets[it->set];
		const struct dv_zone *z =
			it->zone >= 0 ? &v->zones[it->zone] : NULL;

		if (it->status == TW_DNSSEC_SECURE) {
			if (it->ttl_cap < ttl)
				ttl = it->ttl_cap;
			continue;
		}
		if (!it->why && z)
			merge(v, it->status, it->ede, "%s", z->reason);
		else
			merge(v, it->status, it->ede, "%s %s: %s",
			      dv_name_str(s->owner, nb, sizeof(nb)),
			      tw_dns_type_str(s->type, tb),
			      it->why ? it->why : "not validated");
	}
	if (v->outcome != DV_POSITIVE && v->neg_zone >= 0) {
		struct proof_out o;

		prove_denial(v, &o, ns, n3);
		if (o.status == TW_DNSSEC_SECURE) {
			if (o.ttl < ttl)
				ttl = o.ttl;
		} else if (o.why) {
			merge(v, o.status, o.ede, "%s %s %s: %s",
			      v->outcome == DV_NXDOMAIN ? "NXDOMAIN" : "NODATA",
			      dv_name_str(v->final, nb, sizeof(nb)),
			      tw_dns_type_str(v->qtype, tb), o.why);
		} else {
			merge(v, o.status, o.ede, "%s",
			      v->zones[v->neg_zone].reason);
		}
	}
	tw_free(ns);
	tw_free(n3);
	if (v->res.status == TW_DNSSEC_BOGUS)
		v->res.ttl_cap = v->ctx->cfg.bogus_ttl;
	else if (v->res.status == TW_DNSSEC_INDETERMINATE)
		v->res.ttl_cap = 0;
	else
		v->res.ttl_cap = ttl;
	v->res.n_auth_rr = 0;
	if (v->res.status == TW_DNSSEC_SECURE)
		auth_collect(v);
	v->done = true;
	return 0;
}

/* Signatures of one validation, then its verdict. */
static int
finish(struct tw_val *v)
{
	struct dv_vtask *t;
	int16_t *map;
	size_t nt;
	int rc;

	t = tw_malloc((v->n_items ? v->n_items : 1u) * sizeof(*t));
	map = tw_malloc((v->n_items ? v->n_items : 1u) * sizeof(*map));
	if (!t || !map) {
		tw_free(t);
		tw_free(map);
		return -ENOMEM;
	}
	nt = prepare_items(v, t, map);
	rc = dv_verify(v, t, nt);
	if (rc == 0)
		apply_items(v, t, map, nt);
	tw_free(t);
	tw_free(map);
	return rc < 0 ? rc : conclude(v);
}

/* ---- The state machine ---------------------------------------------------- */

static void
count_result(struct tw_val *v)
{
	struct tw_dnssec_stats *st = &v->ctx->stats;

	switch (v->res.status) {
	case TW_DNSSEC_SECURE:
		st->secure++;
		break;
	case TW_DNSSEC_INSECURE:
		st->insecure++;
		break;
	case TW_DNSSEC_BOGUS:
		st->bogus++;
		break;
	default:
		st->indeterminate++;
		break;
	}
	if (v->limit_hit)
		st->limit_hits++;
}

/* Classify, then resolve the zones: TW_VAL_NEED, 0 (done, or ready for
 * the signatures), or negative. */
static int
run_zones(struct tw_val *v)
{
	int rc = 0;

	if (!v->classified)
		rc = classify(v);
	for (int i = 0; rc == 0 && !v->done && i < v->n_zones; i++) {
		rc = dv_chain_resolve(v, &v->zones[i]);
		if (rc == TW_VAL_NEED)
			return TW_VAL_NEED;
	}
	return rc;
}

/* The end of a run: an error becomes "could not check". */
static int
end_run(struct tw_val *v, int rc)
{
	if (rc < 0) {
		done(v, TW_DNSSEC_INDETERMINATE, TW_EDE_DNSSEC_INDETERMINATE,
		     "could not check: %s", tw_strerror(rc));
		v->need = false;
	}
	count_result(v);
	return rc < 0 ? rc : TW_VAL_DONE;
}

static int
run(struct tw_val *v)
{
	int rc = run_zones(v);

	if (rc == TW_VAL_NEED)
		return rc;
	if (rc == 0 && !v->done)
		rc = finish(v);
	return end_run(v, rc);
}

/* A validation of resp, classified and run up to nothing. */
static int
val_new(struct tw_dnssec_ctx *ctx, const uint8_t *resp, size_t len,
	const uint8_t *qname, uint16_t qtype, uint32_t now, struct tw_val **vp)
{
	struct tw_val *v;
	struct dv_msg keep;
	uint8_t *pkt = NULL;
	size_t cap = 0;
	int rc;

	*vp = NULL;
	if (!ctx || !resp || !qname ||
	    tw_dns_name_check(qname, TW_DNS_NAME_MAX) < 0)
		return -EINVAL;
	if (len > TW_DNS_MSG_MAX)
		return -TW_EFORMAT;
	/* ~20 KiB, mostly arrays filled as used: clear only the head. A
	 * recycled one keeps its response buffer. */
	if (ctx->n_pool > 0) {
		v = ctx->pool[--ctx->n_pool];
		pkt = v->pkt;
		cap = v->pkt_cap;
		keep = v->msg; /* its arrays (dv_msg_reset()) */
	} else {
		v = tw_malloc(sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(&keep, 0, sizeof(keep));
	}
	memset(v, 0, DV_VAL_CLEAR);
	v->msg = keep;
	v->ctx = ctx;
	v->now = now;
	v->qtype = qtype;
	dv_name_copy_lc(v->qname, qname);
	if (cap < len || pkt == NULL) {
		/* at least 512 octets: most answers then fit on reuse */
		size_t want = len > 512 ? len : 512;

		tw_free(pkt);
		pkt = tw_malloc(want);
		cap = want;
		if (!pkt) {
			dv_msg_free(&v->msg);
			tw_free(v);
			return -ENOMEM;
		}
	}
	v->pkt = pkt;
	v->pkt_cap = cap;
	memcpy(v->pkt, resp, len);
	rc = dv_msg_rebuild(&v->msg, v->pkt, len);
	if (rc == 0 &&
	    (!(v->msg.m.hdr.flags & TW_DNS_F_QR) || v->msg.m.hdr.qdcount != 1 ||
	     v->msg.m.q.qtype != qtype ||
	     !tw_dns_name_eq(v->msg.m.pkt + v->msg.m.q.name_off, qname)))
		rc = -TW_EFORMAT;
	if (rc < 0) {
		tw_val_free(v);
		return rc;
	}
	ctx->stats.validations++;
	*vp = v;
	return 0;
}

int
tw_val_start(struct tw_dnssec_ctx *ctx, const uint8_t *resp, size_t len,
	     const uint8_t *qname, uint16_t qtype, uint32_t now,
	     struct tw_val **vp)
{
	int rc;

	if (!vp)
		return -EINVAL;
	rc = val_new(ctx, resp, len, qname, qtype, now, vp);
	return rc < 0 ? rc : run(*vp);
}

unsigned int
tw_val_start_burst(struct tw_dnssec_ctx *ctx, const struct tw_val_in *in,
		   unsigned int n, uint32_t now, struct tw_val **vals, int *rcs)
{
	struct dv_vtask *t = NULL;
	int16_t *map = NULL;
	size_t *first = NULL, total = 0, nt = 0;
	struct tw_val *lead = NULL;
	unsigned int made = 0;
	int rc = 0;

	if (!ctx || !in || !vals || !rcs)
		return 0;
	/* 1: each up to its signatures (or its first request) */
	for (unsigned int i = 0; i < n; i++) {
		rcs[i] = val_new(ctx, in[i].resp, in[i].len, in[i].qname,
				 in[i].qtype, now, &vals[i]);
		if (rcs[i] < 0)
			continue;
		made++;
		rcs[i] = run_zones(vals[i]);
		if (rcs[i] == TW_VAL_NEED)
			continue;
		if (rcs[i] < 0 || vals[i]->done) {
			rcs[i] = end_run(vals[i], rcs[i]);
			continue;
		}
		rcs[i] = 1 << 16; /* ready for the shared rounds */
		total += vals[i]->n_items;
		if (!lead)
			lead = vals[i];
	}
	if (!lead)
		return made;
	/* 2: the signature tasks of all of them, in shared bursts */
	t = tw_malloc(total * sizeof(*t));
	map = tw_malloc(total * sizeof(*map));
	first = tw_malloc((n + 1u) * sizeof(*first));
	if (!t || !map || !first) {
		rc = -ENOMEM;
	} else {
		for (unsigned int i = 0; i < n; i++) {
			first[i] = nt;
			if (rcs[i] == 1 << 16)
				nt += prepare_items(vals[i], t + nt, map + nt);
		}
		first[n] = nt;
		rc = dv_verify(lead, t, nt);
	}
	/* 3: each one's verdict */
	for (unsigned int i = 0; i < n; i++) {
		int r = rc;

		if (rcs[i] != 1 << 16)
			continue;
		if (r == 0) {
			apply_items(vals[i], t + first[i], map + first[i],
				    first[i + 1] - first[i]);
			r = conclude(vals[i]);
		}
		rcs[i] = end_run(vals[i], r);
	}
	tw_free(t);
	tw_free(map);
	tw_free(first);
	return made;
}

const struct tw_val_request *
tw_val_need(const struct tw_val *v)
{
	return v && v->need && !v->done ? &v->req : NULL;
}

int
tw_val_provide(struct tw_val *v, const uint8_t *resp, size_t len)
{
	int rc;

	if (!v || !v->need || v->done)
		return -EINVAL;
	v->fetched = resp;
	v->fetched_len = resp ? len : 0;
	v->fetch_failed = resp == NULL;
	rc = run(v);
	v->fetched = NULL;
	v->fetch_failed = false;
	return rc;
}

const struct tw_dnssec_result *
tw_val_result(const struct tw_val *v)
{
	return v && v->done ? &v->res : NULL;
}

unsigned int
tw_val_sig_jobs(const struct tw_val *v)
{
	return v ? v->sig_jobs : 0;
}

const struct tw_dns_msg *
tw_val_msg(const struct tw_val *v)
{
	return v ? &v->msg.m : NULL;
}

void
tw_val_free(struct tw_val *v)
{
	if (!v)
		return;
	for (int i = 0; i < v->n_zones; i++)
		dv_entry_put(v->zones[i].keys);
	for (int i = 0; i < v->n_local; i++)
		dv_entry_put(v->local[i]);
	if (v->ctx && v->ctx->n_pool < DV_VAL_POOL) {
		/* kept with its response buffer and message arrays */
		dv_msg_reset(&v->msg);
		v->ctx->pool[v->ctx->n_pool++] = v;
		return;
	}
	dv_msg_free(&v->msg);
	tw_free(v->pkt);
	tw_free(v);
}
