/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration defaults and the work limits (KeyTrap CVE-2023-50387,
 * NSEC3 CVE-2023-50868). The reasons for each default are in
 * doc/dnssec.md; in short:
 *
 *  sigs_per_rrset 8       Unbound's MAX_VALIDATE_RRSIGS; an RRset has one
 *                         RRSIG per algorithm and rollover key: 2-4.
 *  sigs_per_validation 32 Knot Resolver's per-query budget (PowerDNS 30):
 *                         a CNAME chain of a few links, each with its
 *                         DS + DNSKEY steps, fits.
 *  keys_per_tag 4         key tags collide by chance (16 bits); real
 *                         zones have 2-4 keys, a collision among them is
 *                         rare; dozens sharing one tag is an attack.
 *  nsec3_hashes 128       a closest-encloser proof hashes one name per
 *                         label below the zone, plus the wildcard; with
 *                         iterations capped at 50 that is at most
 *                         128 * 51 SHA-1 blocks, about the cost of a
 *                         few RSA verifications.
 *  chain_depth 32         fetches (DS/DNSKEY steps) per validation:
 *                         a deep name under an insecure cut takes one
 *                         DS probe per label walked.
 *  cname_chain 12         links followed (BIND 16, Unbound 11 restarts).
 */
#include <string.h>

#include "dnssec_priv.h"

void
tw_dnssec_config_init(struct tw_dnssec_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < dv_alg_table_len; i++)
		cfg->alg[dv_alg_table[i].alg] = dv_alg_table[i].policy;
	/* RFC 8624 3.3: DS digests 1, 2 MUST, 4 MAY; 0 and 3 never. */
	cfg->digest[TW_CRYPTO_DS_SHA1] = TW_DNSSEC_VALIDATE;
	cfg->digest[TW_CRYPTO_DS_SHA256] = TW_DNSSEC_VALIDATE;
	cfg->digest[TW_CRYPTO_DS_SHA384] = TW_DNSSEC_VALIDATE;
	cfg->skew = 60;
	cfg->nsec3_iter_insecure = 50;
	cfg->nsec3_iter_bogus = 65535;
	cfg->bogus_ttl = 60;
	cfg->max_cache_ttl = 86400;
	cfg->cache_entries = 1024;
	cfg->limits.sigs_per_rrset = 8;
	cfg->limits.sigs_per_validation = 32;
	cfg->limits.keys_per_tag = 4;
	cfg->limits.nsec3_hashes = 128;
	cfg->limits.chain_depth = 32;
	cfg->limits.cname_chain = 12;
	tw_crypto_config_init(&cfg->crypto);
}

void
tw_dnssec_config_no_sha1(struct tw_dnssec_config *cfg)
{
	/* RFC 9905: validators MAY treat RSASHA1 and RSASHA1-NSEC3-SHA1
	 * as unsupported (their zones become insecure). */
	cfg->alg[5] = TW_DNSSEC_UNSUPPORTED;
	cfg->alg[7] = TW_DNSSEC_UNSUPPORTED;
}

int
dv_config_check(const struct tw_dnssec_config *cfg)
{
	const struct tw_dnssec_limits *l = &cfg->limits;

	if (!l->sigs_per_rrset || !l->sigs_per_validation || !l->keys_per_tag ||
	    !l->nsec3_hashes || !l->chain_depth || !l->cname_chain)
		return -EINVAL;
	if (cfg->nsec3_iter_bogus < cfg->nsec3_iter_insecure)
		return -EINVAL;
	if (cfg->digest[0] == TW_DNSSEC_VALIDATE)
		return -EINVAL; /* RFC 8624 3.3: digest 0 is never used */
	return 0;
}

bool
dv_limit_sig(struct tw_val *v, const struct dv_vtask *t)
{
	const struct tw_dnssec_limits *l = &v->ctx->cfg.limits;

	if (t->jobs < l->sigs_per_rrset && v->sig_jobs < l->sigs_per_validation)
		return true;
	v->limit_hit = true;
	return false;
}

bool
dv_limit_nsec3(struct tw_val *v)
{
	if (v->nsec3_hashes < v->ctx->cfg.limits.nsec3_hashes) {
		v->nsec3_hashes++;
		v->ctx->stats.nsec3_hashes++;
		return true;
	}
	v->limit_hit = true;
	return false;
}

bool
dv_limit_fetch(struct tw_val *v)
{
	if (v->fetches < v->ctx->cfg.limits.chain_depth)
		return true;
	v->limit_hit = true;
	return false;
}
