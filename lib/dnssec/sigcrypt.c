/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signatures: the algorithm policy table, the RRSIG checks of RFC 4035
 * 5.3.1 and the rounds that verify RRsets through lib/crypto.
 *
 * A round takes the next candidate (RRSIG, DNSKEY) pair of every RRset
 * still undecided, builds its signed data (RFC 4034 3.1.8.1, via
 * tw_dns_sigdata()) and hands all of them to tw_crypto_verify_burst() at
 * once, so that a response's RRsets share one multi-buffer batch. An
 * RRset is secure at its first valid signature (RFC 4035 5.3.3 wants
 * one); usually one round decides everything.
 */
#include <stdio.h>
#include <string.h>

#include "dnssec_priv.h"

/*
 * RFC 8624 3.1 (validation column): MUST NOT validate 1 (RSAMD5), 3
 * (DSA), 6 (DSA-NSEC3-SHA1), 12 (ECC-GOST); MUST 8, 13; RECOMMENDED 15;
 * MAY 5, 7, 10, 14, 16. Not listed means unsupported: treated as unknown
 * (RFC 4035 5.2 -> insecure). One line per algorithm: changing a policy
 * is changing one word. RFC 9905 lets operators drop 5 and 7:
 * tw_dnssec_config_no_sha1().
 */
const struct dv_alg_row dv_alg_table[] = {
	{ 1, TW_DNSSEC_UNSUPPORTED, "RSAMD5" },
	{ 3, TW_DNSSEC_UNSUPPORTED, "DSA" },
	{ 5, TW_DNSSEC_VALIDATE, "RSASHA1" },
	{ 6, TW_DNSSEC_UNSUPPORTED, "DSA-NSEC3-SHA1" },
	{ 7, TW_DNSSEC_VALIDATE, "RSASHA1-NSEC3-SHA1" },
	{ 8, TW_DNSSEC_VALIDATE, "RSASHA256" },
	{ 10, TW_DNSSEC_VALIDATE, "RSASHA512" },
	{ 12, TW_DNSSEC_UNSUPPORTED, "ECC-GOST" },
	{ 13, TW_DNSSEC_VALIDATE, "ECDSAP256SHA256" },
	{ 14, TW_DNSSEC_VALIDATE, "ECDSAP384SHA384" },
	{ 15, TW_DNSSEC_VALIDATE, "ED25519" },
	{ 16, TW_DNSSEC_VALIDATE, "ED448" },
};
const size_t dv_alg_table_len = TW_ARRAY_SIZE(dv_alg_table);

const char *
tw_dnssec_alg_name(uint8_t alg, char buf[16])
{
	for (size_t i = 0; i < dv_alg_table_len; i++)
		if (dv_alg_table[i].alg == alg)
			return dv_alg_table[i].name;
	snprintf(buf, 16, "ALG%u", alg);
	return buf;
}

int
dv_fail_ede(uint32_t fail, const char **why)
{
	static const struct {
		uint32_t flag;
		int ede;
		const char *why;
	} order[] = {
		{ DV_F_LIMIT, TW_EDE_DNSSEC_BOGUS,
		  "signature work limit reached (KeyTrap protection)" },
		{ DV_F_ERROR, TW_EDE_DNSSEC_INDETERMINATE,
		  "could not check a signature" },
		{ DV_F_CRYPTO, TW_EDE_DNSSEC_BOGUS,
		  "signature does not verify" },
		{ DV_F_EXPIRED, TW_EDE_SIGNATURE_EXPIRED, "signature expired" },
		{ DV_F_NOTYET, TW_EDE_SIGNATURE_NOT_YET_VALID,
		  "signature not yet valid" },
		{ DV_F_EXP_BEFORE, TW_EDE_SIG_EXPIRED_BEFORE_VALID,
		  "signature expires before its inception" },
		{ DV_F_NOZONEBIT, TW_EDE_NO_ZONE_KEY_BIT,
		  "matching DNSKEY has no zone key bit" },
		{ DV_F_NOKEY, TW_EDE_DNSKEY_MISSING,
		  "no DNSKEY matches the RRSIG key tag and algorithm" },
		{ DV_F_KEYUNSUPP, TW_EDE_UNSUPPORTED_DNSKEY_ALG,
		  "DNSKEY refused by the key policy" },
		{ DV_F_UNSUPP, TW_EDE_UNSUPPORTED_DNSKEY_ALG,
		  "no RRSIG with a supported algorithm" },
		{ DV_F_BADKEY, TW_EDE_DNSSEC_BOGUS, "DNSKEY unusable" },
		{ DV_F_BADSIG, TW_EDE_DNSSEC_BOGUS,
		  "RRSIG malformed or its signer or labels are wrong" },
		{ DV_F_NOSIG, TW_EDE_RRSIGS_MISSING, "RRSIG missing" },
	};

	for (size_t i = 0; i < TW_ARRAY_SIZE(order); i++)
		if (fail & order[i].flag) {
			*why = order[i].why;
			return order[i].ede;
		}
	*why = "no valid signature";
	return TW_EDE_DNSSEC_BOGUS;
}

/* Labels of an owner not counting a leading "*" (RFC 4034 3.1.3). */
static unsigned int
owner_labels(const struct dv_rrset *s)
{
	return dv_name_is_wild(s->owner) ? s->labels - 1u : s->labels;
}

/*
 * RFC 4035 5.3.1 checks that do not need a key. Sets a failure flag and
 * returns false when the RRSIG cannot be used.
 */
static bool
rrsig_usable(struct tw_val *v, struct dv_vtask *t,
	     const struct tw_dns_rrsig *sig)
{
	const struct tw_dnssec_config *cfg = &v->ctx->cfg;
	uint32_t now = v->now, skew = cfg->skew;

	/* The signer is the zone holding the RRset, the owner is in it,
	 * and the labels field is not larger than the owner's. */
	if (!tw_dns_name_eq(sig->signer, t->zone) ||
	    !tw_dns_name_is_sub(t->set->owner, sig->signer) ||
	    sig->labels > owner_labels(t->set)) {
		t->fail |= DV_F_BADSIG;
		return false;
	}
	/* A DS RRset lives in the parent zone, a DNSKEY RRset at the apex
	 * (RFC 4034 5, 2; RFC 4035 5.2): the child's signature over its
	 * own DS, or a DNSKEY signed by another zone, proves nothing. */
	if ((t->set->type == TW_DNS_T_DS &&
	     tw_dns_name_eq(sig->signer, t->set->owner)) ||
	    (t->set->type == TW_DNS_T_DNSKEY &&
	     !tw_dns_name_eq(sig->signer, t->set->owner))) {
		t->fail |= DV_F_BADSIG;
		return false;
	}
	if (!dv_alg_ok(cfg, sig->algorithm)) {
		t->fail |= DV_F_UNSUPP;
		return false;
	}
	/* Validity period in RFC 1982 serial arithmetic (RFC 4034 3.1.5),
	 * widened by the configured skew. */
	if (tw_serial_lt(sig->expiration, sig->inception)) {
		t->fail |= DV_F_EXP_BEFORE;
		return false;
	}
	if (tw_serial_lt(sig->expiration + skew, now)) {
		t->fail |= DV_F_EXPIRED;
		return false;
	}
	if (tw_serial_lt(now + skew, sig->inception)) {
		t->fail |= DV_F_NOTYET;
		return false;
	}
	return true;
}

/*
 * Room for a job's signed data: the context's scratch (reset at each
 * dv_verify() round: the data lives until the verdict of that round),
 * else the heap.
 */
static uint8_t *
sd_alloc(struct tw_val *v, size_t cap, bool *heap)
{
	struct tw_dnssec_ctx *ctx = v->ctx;
	size_t need = (cap + 15) & ~(size_t)15;

	*heap = false;
	if (!ctx->sd) {
		ctx->sd = tw_malloc(DV_SD_SCRATCH);
		ctx->sd_size = ctx->sd ? DV_SD_SCRATCH : 0;
		ctx->sd_used = 0;
	}
	if (ctx->sd && need <= ctx->sd_size - ctx->sd_used) {
		uint8_t *p = ctx->sd + ctx->sd_used;

		ctx->sd_used += need;
		return p;
	}
	*heap = true;
	return tw_malloc(cap);
}

static void
sd_free(struct dv_vtask *t)
{
	if (t->buf_heap)
		tw_free(t->buf);
	t->buf = NULL;
	t->buf_heap = false;
}

/* Build the job for (sig, key) in t. 0 or -ENOMEM / -TW_E*. */
static int
build_job(struct tw_val *v, struct dv_vtask *t, const struct dv_rr *r,
	  const struct tw_dns_rrsig *sig, const struct dv_key *k)
{
	struct dv_rrset *s = t->set;
	size_t cap;
	int rc, len;

	(void)v;
	rc = dv_msg_canon(t->dm, s);
	if (rc < 0)
		return rc;
	cap = (size_t)r->rr.rdlen + TW_DNS_NAME_MAX;
	for (unsigned int i = 0; i < s->n; i++)
		cap += (size_t)s->owner_len + 10u + s->canon[i].len;
	t->buf = sd_alloc(v ? v : t->v, cap, &t->buf_heap);
	if (!t->buf)
		return -ENOMEM;
	len = tw_dns_sigdata(dv_rdata(t->dm, r), r->rr.rdlen, s->owner, s->type,
			     s->rclass, s->canon, s->n, t->buf, cap);
	if (len < 0) {
		sd_free(t);
		return len;
	}
	memset(&t->job, 0, sizeof(t->job));
	t->iov.base = t->buf;
	t->iov.len = (size_t)len;
	t->job.key = k->pub;
	t->job.key_len = k->pub_len;
	t->job.sig = sig->sig;
	t->job.sig_len = sig->sig_len;
	t->job.iov = &t->iov;
	t->job.iovcnt = 1;
	t->job.alg = sig->algorithm;
	t->cand_orig_ttl = sig->orig_ttl;
	t->cand_exp = sig->expiration;
	t->cand_labels = sig->labels;
	return 0;
}

/*
 * Prepare the next job of a task: 1 when one is ready, 0 when the task
 * is decided (no candidate left), negative on error.
 */
static int
next_job(struct dv_vtask *t)
{
	struct tw_val *v = t->v;
	const struct tw_dnssec_limits *lim = &v->ctx->cfg.limits;
	struct dv_rrset *s = t->set;

	if (s->n_sig == 0)
		t->fail |= DV_F_NOSIG;
	while (t->sig_i < s->n_sig) {
		const struct dv_rr *r =
			dv_msg_rr(t->dm, s->sig_first + t->sig_i);
		struct tw_dns_rrsig sig;

		if (tw_dns_rdata_rrsig(dv_rdata(t->dm, r), r->rr.rdlen, &sig) <
		    0) {
			t->fail |= DV_F_BADSIG;
			goto next_sig;
		}
		if (!t->sig_ok && !rrsig_usable(v, t, &sig))
			goto next_sig;
		t->sig_ok = true;
		while (t->key_i < t->n_keys) {
			const struct dv_key *k = &t->keys[t->key_i++];
			int rc;

			/* RFC 4035 5.3.1: algorithm, key tag, protocol 3 and
			 * the zone key bit. */
			if (k->tag != sig.key_tag || k->alg != sig.algorithm ||
			    k->proto != 3)
				continue;
			if (!(k->flags & TW_DNSKEY_F_ZONE)) {
				t->fail |= DV_F_NOZONEBIT;
				continue;
			}
			/* RFC 5011 2.1: a revoked key only signs the DNSKEY
			 * RRset that announces its revocation. */
			if ((k->flags & TW_DNSKEY_F_REVOKE) &&
			    s->type != TW_DNS_T_DNSKEY)
				continue;
			if (t->tag_tries >= lim->keys_per_tag) {
				t->fail |= DV_F_LIMIT;
				break;
			}
			if (!dv_limit_sig(v, t)) {
				t->fail |= DV_F_LIMIT;
				t->sig_i = s->n_sig; /* stop this RRset */
				goto decided;
			}
			t->tag_tries++;
			rc = build_job(v, t, r, &sig, k);
			if (rc == -ENOMEM)
				return rc;
			if (rc < 0) {
				/* malformed RRSIG or rdata: not this one */
				t->fail |= DV_F_BADSIG;
				goto next_sig;
			}
			t->jobs++;
			v->sig_jobs++;
			v->ctx->stats.sig_jobs++;
			return 1;
		}
		if (t->tag_tries == 0)
			t->fail |= DV_F_NOKEY;
next_sig:
		t->sig_i++;
		t->sig_ok = false;
		t->key_i = 0;
		t->tag_tries = 0;
	}
decided:
	t->status = (t->fail & DV_F_ERROR) && !(t->fail & DV_F_LIMIT)
			    ? TW_DNSSEC_INDETERMINATE
			    : TW_DNSSEC_BOGUS;
	return 0;
}

static void
apply_verdict(struct dv_vtask *t)
{
	struct tw_val *v = t->v;

	switch (t->job.verdict) {
	case TW_CRYPTO_VALID: {
		uint32_t cap = t->set->ttl;

		/* RFC 4035 5.3.3: the TTL is at most the original TTL, and
		 * the data must not outlive its signature. */
		if (t->cand_orig_ttl < cap)
			cap = t->cand_orig_ttl;
		if (tw_serial_lt(v->now, t->cand_exp)) {
			if (t->cand_exp - v->now < cap)
				cap = t->cand_exp - v->now;
		} else {
			cap = 0; /* inside the skew */
		}
		t->status = TW_DNSSEC_SECURE;
		t->ttl_cap = cap;
		t->wc_labels = t->cand_labels < owner_labels(t->set)
				       ? t->cand_labels
				       : 0xff;
		break;
	}
	case TW_CRYPTO_INVALID:
		t->fail |= DV_F_CRYPTO;
		break;
	case TW_CRYPTO_UNSUPPORTED:
		t->fail |= DV_F_KEYUNSUPP;
		break;
	case TW_CRYPTO_BADKEY:
		t->fail |= DV_F_BADKEY;
		break;
	default:
		t->fail |= DV_F_ERROR;
		break;
	}
	sd_free(t);
	t->in_flight = false;
}

int
dv_verify(struct tw_val *v, struct dv_vtask *t, size_t n)
{
	struct tw_crypto_job local[8], *jobs = local;
	int rc = 0;

	if (n == 0)
		return 0;
	if (n > TW_ARRAY_SIZE(local)) {
		jobs = tw_malloc(n * sizeof(*jobs));
		if (!jobs)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		t[i].status = 0;
		t[i].wc_labels = 0xff;
		if (!t[i].v)
			t[i].v = v;
	}
	for (;;) {
		unsigned int nj = 0;

		/* The signed data of the previous round is done with. */
		v->ctx->sd_used = 0;
		for (size_t i = 0; i < n; i++) {
			if (t[i].status)
				continue;
			rc = next_job(&t[i]);
			if (rc < 0)
				goto out;
			if (rc == 1) {
				t[i].in_flight = true;
				jobs[nj++] = t[i].job;
			}
		}
		if (nj == 0)
			break;
		tw_crypto_verify_burst(v->ctx->crypto, jobs, nj);
		nj = 0;
		for (size_t i = 0; i < n; i++) {
			if (!t[i].in_flight)
				continue;
			t[i].job.verdict = jobs[nj].verdict;
			t[i].job.flags = jobs[nj].flags;
			nj++;
			apply_verdict(&t[i]);
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++) {
		sd_free(&t[i]);
		t[i].in_flight = false;
	}
	v->ctx->sd_used = 0;
	if (jobs != local)
		tw_free(jobs);
	return rc;
}
