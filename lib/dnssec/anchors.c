/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trust anchors (RFC 4035 5: DS or DNSKEY RRs configured for a name; the
 * closest anchor above a name starts its chain of trust) and negative
 * trust anchors (RFC 7646: names treated as insecure for a while).
 *
 * Anchors are few (the root's, perhaps some private zones'): a flat
 * array searched linearly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnssec_priv.h"

static void
anchor_free(struct dv_anchor *a)
{
	if (!a)
		return;
	for (unsigned int i = 0; i < a->n_ds; i++)
		tw_free((void *)a->ds[i].rdata);
	for (unsigned int i = 0; i < a->n_key; i++)
		tw_free((void *)a->keys[i].rdata);
	tw_free(a->ds);
	tw_free(a->keys);
	tw_free(a);
}

void
dv_anchors_fini(struct dv_anchors *as)
{
	for (unsigned int i = 0; i < as->n; i++)
		anchor_free(as->a[i]);
	tw_free(as->a);
	memset(as, 0, sizeof(*as));
}

static struct dv_anchor *
anchor_at(struct dv_anchors *as, const uint8_t *name)
{
	for (unsigned int i = 0; i < as->n; i++)
		if (tw_dns_name_eq(as->a[i]->name, name))
			return as->a[i];
	return NULL;
}

/* Find or create the anchor entry at name. NULL on ENOMEM. */
static struct dv_anchor *
anchor_get(struct dv_anchors *as, const uint8_t *name)
{
	struct dv_anchor *a = anchor_at(as, name);

	if (a)
		return a;
	if (as->n == as->cap) {
		unsigned int cap = as->cap ? as->cap * 2 : 4;
		struct dv_anchor **na = tw_realloc(as->a, cap * sizeof(*na));

		if (!na)
			return NULL;
		as->a = na;
		as->cap = cap;
	}
	a = tw_calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->name_len = (uint8_t)dv_name_copy_lc(a->name, name);
	a->labels = (uint8_t)tw_dns_name_labels(a->name);
	as->a[as->n++] = a;
	return a;
}

static void
anchor_drop_if_empty(struct dv_anchors *as, struct dv_anchor *a)
{
	if (a->nta || a->n_ds || a->n_key)
		return;
	for (unsigned int i = 0; i < as->n; i++)
		if (as->a[i] == a) {
			as->a[i] = as->a[--as->n];
			anchor_free(a);
			return;
		}
}

static bool
nta_active(const struct dv_anchor *a, uint32_t now)
{
	return a->nta &&
	       (a->nta_expires == 0 || tw_serial_lt(now, a->nta_expires));
}

const struct dv_anchor *
dv_anchor_find(const struct dv_anchors *as, const uint8_t *name, uint32_t now)
{
	const struct dv_anchor *best = NULL;

	for (unsigned int i = 0; i < as->n; i++) {
		const struct dv_anchor *a = as->a[i];

		if (!nta_active(a, now) && a->n_ds + a->n_key == 0)
			continue;
		if (!tw_dns_name_is_sub(name, a->name))
			continue;
		/* RFC 4035 5: the closest enclosing anchor; RFC 7646 2: an
		 * NTA covers the domain and what is below it, a deeper
		 * positive anchor restarts the chain below it. */
		if (!best || a->labels > best->labels)
			best = a;
	}
	return best;
}

bool
dv_anchor_is_nta(const struct dv_anchor *a, uint32_t now)
{
	return nta_active(a, now);
}

int
tw_dnssec_anchor_add(struct tw_dnssec_ctx *ctx, const struct tw_dns_zone_rr *rr)
{
	struct dv_anchor *a;
	struct dv_key k, **arr;
	uint16_t *cnt;
	uint8_t *copy;
	int rc;

	if (!ctx || !rr || rr->rclass != TW_DNS_C_IN)
		return -EINVAL;
	if (tw_dns_name_check(rr->owner, TW_DNS_NAME_MAX) < 0)
		return -EINVAL;
	if (rr->type == TW_DNS_T_DS)
		rc = dv_key_from_ds(&k, rr->rdata, rr->rdlen);
	else if (rr->type == TW_DNS_T_DNSKEY)
		rc = dv_key_from_dnskey(&k, rr->rdata, rr->rdlen);
	else
		return -EINVAL;
	if (rc < 0)
		return -EINVAL;
	/* A DS anchor's digest has its type's length (RFC 3658 2.4 SHA-1
	 * 20, RFC 4509 2.2 SHA-256 32, RFC 5933 GOST 32, RFC 6605 2 SHA-384
	 * 48): a cut or padded digest would never match and the zone would
	 * fail without a word about the file. */
	if (rr->type == TW_DNS_T_DS) {
		static const uint8_t want[5] = { 0, 20, 32, 32, 48 };
		uint8_t dt = rr->rdata[3];

		if (dt >= 1 && dt <= 4 && rr->rdlen - 4u != want[dt])
			return -TW_ERDATA;
	}
	a = anchor_get(&ctx->anchors, rr->owner);
	if (!a)
		return -ENOMEM;
	arr = rr->type == TW_DNS_T_DS ? &a->ds : &a->keys;
	cnt = rr->type == TW_DNS_T_DS ? &a->n_ds : &a->n_key;
	for (unsigned int i = 0; i < *cnt; i++)
		if ((*arr)[i].rdlen == rr->rdlen &&
		    memcmp((*arr)[i].rdata, rr->rdata, rr->rdlen) == 0)
			return -EEXIST;
	{
		struct dv_key *na = tw_realloc(*arr, (*cnt + 1u) * sizeof(*na));

		if (!na) {
			anchor_drop_if_empty(&ctx->anchors, a);
			return -ENOMEM;
		}
		*arr = na;
	}
	copy = tw_malloc(rr->rdlen ? rr->rdlen : 1);
	if (!copy) {
		anchor_drop_if_empty(&ctx->anchors, a);
		return -ENOMEM;
	}
	memcpy(copy, rr->rdata, rr->rdlen);
	if (rr->type == TW_DNS_T_DS)
		dv_key_from_ds(&(*arr)[*cnt], copy, rr->rdlen);
	else
		dv_key_from_dnskey(&(*arr)[*cnt], copy, rr->rdlen);
	(*cnt)++;
	ctx->anchors.n_rr++;
	/* Cached chains may rest on the old anchor set. */
	dv_cache_flush(&ctx->cache);
	return 0;
}

struct add_text_arg {
	struct tw_dnssec_ctx *ctx;
	int added;
};

static int
add_text_cb(const struct tw_dns_zone_rr *rr, void *arg)
{
	struct add_text_arg *x = arg;
	int rc = tw_dnssec_anchor_add(x->ctx, rr);

	if (rc == -EEXIST)
		return 0;
	if (rc < 0)
		return rc;
	x->added++;
	return 0;
}

int
tw_dnssec_anchor_add_text(struct tw_dnssec_ctx *ctx, const char *text,
			  unsigned *err_line)
{
	struct add_text_arg x = { ctx, 0 };
	int rc;

	if (!ctx || !text)
		return -EINVAL;
	rc = tw_dns_zone_parse(text, add_text_cb, &x, err_line);
	if (rc < 0)
		return rc;
	return x.added;
}

#define DV_ANCHOR_FILE_MAX (1u << 20)

int
tw_dnssec_anchor_add_file(struct tw_dnssec_ctx *ctx, const char *path,
			  unsigned *err_line)
{
	FILE *f;
	char *buf;
	size_t len;
	int rc;

	if (!ctx || !path)
		return -EINVAL;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	buf = tw_malloc(DV_ANCHOR_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(buf, 1, DV_ANCHOR_FILE_MAX + 1, f);
	if (ferror(f)) {
		rc = -EIO;
		goto out;
	}
	if (len > DV_ANCHOR_FILE_MAX) {
		rc = -EFBIG;
		goto out;
	}
	buf[len] = '\0';
	rc = tw_dnssec_anchor_add_text(ctx, buf, err_line);
out:
	fclose(f);
	tw_free(buf);
	return rc;
}

int
tw_dnssec_anchor_add_default(struct tw_dnssec_ctx *ctx)
{
	return tw_dnssec_anchor_add_file(ctx, TW_DNSSEC_ROOT_KEY_FILE, NULL);
}

unsigned int
tw_dnssec_anchor_count(const struct tw_dnssec_ctx *ctx)
{
	return ctx ? ctx->anchors.n_rr : 0;
}

int
tw_dnssec_nta_add(struct tw_dnssec_ctx *ctx, const uint8_t *name,
		  uint32_t expires)
{
	struct dv_anchor *a;

	if (!ctx || !name || tw_dns_name_check(name, TW_DNS_NAME_MAX) < 0)
		return -EINVAL;
	a = anchor_get(&ctx->anchors, name);
	if (!a)
		return -ENOMEM;
	a->nta = true;
	a->nta_expires = expires;
	dv_cache_flush(&ctx->cache);
	return 0;
}

int
tw_dnssec_nta_del(struct tw_dnssec_ctx *ctx, const uint8_t *name)
{
	struct dv_anchor *a;

	if (!ctx || !name || tw_dns_name_check(name, TW_DNS_NAME_MAX) < 0)
		return -EINVAL;
	a = anchor_at(&ctx->anchors, name);
	if (!a || !a->nta)
		return -ENOENT;
	a->nta = false;
	anchor_drop_if_empty(&ctx->anchors, a);
	dv_cache_flush(&ctx->cache);
	return 0;
}
