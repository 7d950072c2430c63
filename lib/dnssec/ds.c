/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DS: which DS RRs count, and which DNSKEYs they name (RFC 4035 5.2).
 *
 * Digest policy, RFC 8624 3.3 (validation): 0 MUST NOT (reserved), 1
 * SHA-1 MUST, 2 SHA-256 MUST, 3 GOST MUST NOT (unsupported here), 4
 * SHA-384 MAY. One line per type in tw_dnssec_config_init().
 */
#include <string.h>

#include "dnssec_priv.h"

/* Digest length per DS digest type; 0 for types we never use. */
static size_t
digest_len(uint8_t type)
{
	switch (type) {
	case TW_CRYPTO_DS_SHA1:
		return 20;
	case TW_CRYPTO_DS_SHA256:
		return 32;
	case TW_CRYPTO_DS_SHA384:
		return 48;
	default:
		return 0;
	}
}

int
dv_key_from_dnskey(struct dv_key *k, const uint8_t *rdata, size_t len)
{
	struct tw_dns_dnskey d;

	if (tw_dns_rdata_dnskey(rdata, len, &d) < 0)
		return -TW_ERDATA;
	k->rdata = rdata;
	k->rdlen = (uint16_t)len;
	k->flags = d.flags;
	k->proto = d.protocol;
	k->alg = d.algorithm;
	k->pub = d.key;
	k->pub_len = d.key_len;
	k->tag = tw_dns_key_tag(rdata, len);
	return 0;
}

int
dv_key_from_ds(struct dv_key *k, const uint8_t *rdata, size_t len)
{
	struct tw_dns_ds d;

	if (tw_dns_rdata_ds(rdata, len, &d) < 0)
		return -TW_ERDATA;
	k->rdata = rdata;
	k->rdlen = (uint16_t)len;
	k->flags = 0;
	k->tag = d.key_tag;
	k->proto = d.digest_type;
	k->alg = d.algorithm;
	k->pub = d.digest;
	k->pub_len = d.digest_len;
	return 0;
}

unsigned int
dv_ds_usable(const struct tw_dnssec_config *cfg, const struct dv_key *ds,
	     size_t n, bool *usable, int *ede)
{
	bool strong = false, alg_ok_somewhere = false;
	unsigned int count = 0;

	for (size_t i = 0; i < n; i++) {
		bool alg_ok = dv_alg_ok(cfg, ds[i].alg);
		bool dig_ok = cfg->digest[ds[i].proto] == TW_DNSSEC_VALIDATE &&
			      digest_len(ds[i].proto) == ds[i].pub_len;

		/* RFC 4035 5.2, RFC 6840 5.2: a DS with an unknown
		 * algorithm or digest is ignored, not fatal. */
		usable[i] = alg_ok && dig_ok;
		alg_ok_somewhere |= alg_ok;
		if (usable[i] && ds[i].proto != TW_CRYPTO_DS_SHA1)
			strong = true;
	}
	for (size_t i = 0; i < n; i++) {
		/* RFC 4509 3: ignore SHA-1 DS RRs when a SHA-256 (or
		 * stronger) one is there, or a downgrade is possible. */
		if (strong && ds[i].proto == TW_CRYPTO_DS_SHA1)
			usable[i] = false;
		count += usable[i];
	}
	if (count == 0)
		*ede = alg_ok_somewhere ? TW_EDE_UNSUPPORTED_DS_DIGEST
					: TW_EDE_UNSUPPORTED_DNSKEY_ALG;
	return count;
}

/* Most DS digests computed for one DS RRset (bounds KeyTrap-style key
 * tag collisions on the DS side; each digest is one hash, cheap, but
 * unbounded otherwise). */
#define DV_MAX_DS_DIGESTS 64

int
dv_ds_match(struct tw_val *v, const uint8_t *owner, const struct dv_key *ds,
	    const bool *usable, size_t nds, const struct dv_key *keys,
	    size_t nkeys, bool *matched)
{
	const struct tw_dnssec_limits *lim = &v->ctx->cfg.limits;
	struct tw_crypto_ds_job *jobs;
	uint16_t *which;
	unsigned int nj = 0;
	int count = 0;

	memset(matched, 0, nkeys * sizeof(*matched));
	if (nds == 0 || nkeys == 0)
		return 0;
	jobs = tw_calloc(DV_MAX_DS_DIGESTS, sizeof(*jobs));
	which = tw_calloc(DV_MAX_DS_DIGESTS, 2 * sizeof(*which));
	if (!jobs || !which) {
		tw_free(jobs);
		tw_free(which);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nds && nj < DV_MAX_DS_DIGESTS; i++) {
		unsigned int tries = 0;

		if (!usable[i])
			continue;
		for (size_t j = 0; j < nkeys && nj < DV_MAX_DS_DIGESTS; j++) {
			const struct dv_key *k = &keys[j];

			/* RFC 4035 5.2: same algorithm and key tag, a zone
			 * key (RFC 4034 5.2: flags bit 7), protocol 3. The
			 * SEP bit is not looked at (RFC 4034 2.1.1). */
			if (k->tag != ds[i].tag || k->alg != ds[i].alg ||
			    k->proto != 3 || !(k->flags & TW_DNSKEY_F_ZONE))
				continue;
			if (tries++ >= lim->keys_per_tag)
				break;
			jobs[nj].owner = owner;
			jobs[nj].owner_len = tw_dns_name_len(owner);
			jobs[nj].rdata = k->rdata;
			jobs[nj].rdata_len = k->rdlen;
			jobs[nj].digest_type = ds[i].proto;
			which[2 * nj] = (uint16_t)i;
			which[2 * nj + 1] = (uint16_t)j;
			nj++;
		}
	}
	if (nj)
		tw_crypto_ds_burst(v->ctx->crypto, jobs, nj);
	for (unsigned int n = 0; n < nj; n++) {
		const struct dv_key *d = &ds[which[2 * n]];

		if (jobs[n].status == -ENOMEM) {
			count = -ENOMEM;
			break;
		}
		/* RFC 4035 5.2: the digest must match; a mismatching DS is
		 * skipped while another one matches. */
		if (jobs[n].status == 0 && jobs[n].digest_len == d->pub_len &&
		    memcmp(jobs[n].digest, d->pub, d->pub_len) == 0 &&
		    !matched[which[2 * n + 1]]) {
			matched[which[2 * n + 1]] = true;
			count++;
		}
	}
	tw_free(jobs);
	tw_free(which);
	return count;
}
