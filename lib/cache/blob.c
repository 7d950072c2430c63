/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Answer blobs: creation (validation, TTL policy), reference counting and
 * rendering. Ordering of the reference count: (3) in cache_priv.h.
 */
#include <stdatomic.h>
#include <stdbool.h>

#include "cache_priv.h"

/* RFC 6891 6.1.1: OPT is TYPE 41 with the root owner name. */
#define TW_TYPE_OPT 41
/* Fixed part of an RR after a root owner: TYPE CLASS TTL RDLENGTH. */
#define TW_OPT_FIXED 11

static inline uint8_t
ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/*
 * The key's QNAME must be a well-formed uncompressed name (RFC 1035
 * 3.1: labels of 1..63 octets ending with the root) spanning exactly
 * len - 4 octets, so that the worker's QNAME copy has a known length.
 */
static bool
key_well_formed(const uint8_t *k, uint16_t len)
{
	uint16_t i = 0, qlen = (uint16_t)(len - 4);

	while (i < qlen) {
		uint8_t l = k[i];

		if (l == 0)
			return i + 1 == qlen;
		if (l > 63)
			return false;
		i = (uint16_t)(i + 1 + l);
	}
	return false;
}

static bool
question_matches(const uint8_t *q, const uint8_t *k, uint16_t len)
{
	uint16_t qlen = (uint16_t)(len - 4);

	/* Label-length octets are <= 63 and unaffected by lowercasing. */
	for (uint16_t i = 0; i < qlen; i++)
		if (ascii_lower(q[i]) != k[i])
			return false;
	return memcmp(q + qlen, k + qlen, 4) == 0;
}

static bool
overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return a < b + blen && b < a + alen;
}

static int
validate(const struct tw_cache_answer *a)
{
	const struct tw_cache_key *k = &a->key;
	uint32_t qend;

	if (k->data == NULL || a->msg == NULL)
		return -EINVAL;
	if (k->len < TW_CACHE_KEY_MIN || k->len > TW_CACHE_KEY_MAX)
		return -EINVAL;
	if ((k->flags & ~TW_CACHE_KF_MASK) != 0)
		return -EINVAL;
	if (a->kind > TW_CACHE_BOGUS)
		return -EINVAL;
	if (!key_well_formed(k->data, k->len))
		return -EINVAL;
	qend = 12u + k->len;
	if (a->msg_len < qend)
		return -EINVAL;
	/* RFC 1035 4.1.1: QDCOUNT; we cache single-question messages. */
	if (tw_get16(a->msg + 4) != 1)
		return -EINVAL;
	if (!question_matches(a->msg + 12, k->data, k->len))
		return -EINVAL;
	if (a->opt_off != 0) {
		if (a->opt_off < qend ||
		    (uint32_t)a->opt_off + TW_OPT_FIXED > a->msg_len)
			return -EINVAL;
		if (a->msg[a->opt_off] != 0 ||
		    tw_get16(a->msg + a->opt_off + 1) != TW_TYPE_OPT)
			return -EINVAL;
	}
	if (a->n_ttl > 0 && a->ttl_off == NULL)
		return -EINVAL;
	for (uint16_t i = 0; i < a->n_ttl; i++) {
		uint32_t off = a->ttl_off[i];

		if (off < qend || off + 4 > a->msg_len)
			return -EINVAL;
		/* Rendering must never touch the OPT RR (RFC 6891 6.1.3). */
		if (a->opt_off != 0 &&
		    overlaps(off, 4, a->opt_off, TW_OPT_FIXED))
			return -EINVAL;
	}
	return 0;
}

/* Entry lifetime per kind and configured limits (see tw_cache.h). */
static uint32_t
lifetime(const struct tw_cache_config *cfg, const struct tw_cache_answer *a)
{
	uint32_t ttl = a->ttl, lo = cfg->ttl_min, hi = cfg->ttl_max;

	/* RFC 2181 8: a TTL with the top bit set is treated as zero. */
	if (ttl > INT32_MAX)
		ttl = 0;
	switch (a->kind) {
	case TW_CACHE_NEGATIVE:
		/* RFC 2308 5: cap negative answers; the caller chose the TTL
		 * from the SOA (min of SOA TTL and MINIMUM). */
		hi = TW_MIN(hi, cfg->neg_ttl_max);
		break;
	case TW_CACHE_BOGUS:
		/* RFC 4035 4.7: bogus data is held only briefly, to limit
		 * repeated validation work; no minimum applies. */
		hi = TW_MIN(hi, cfg->bogus_ttl_max);
		lo = 0;
		break;
	default:
		break;
	}
	if (lo > hi)
		lo = hi;
	if (ttl < lo)
		ttl = lo;
	if (ttl > hi)
		ttl = hi;
	if (a->ttl_limit != 0 && ttl > a->ttl_limit)
		ttl = a->ttl_limit;
	return ttl;
}

int
tw_cache_blob_create(struct tw_cache *c, const struct tw_cache_answer *a,
		     uint32_t now, struct tw_cache_blob **out)
{
	struct tw_cache_blob *b;
	uint32_t life, ttl_pos, msg_pos, size;
	uint8_t *msg;
	uint32_t *val;
	uint16_t *off;
	void *raw;
	int rc;

	if (c == NULL || a == NULL || out == NULL)
		return -EINVAL;
	rc = validate(a);
	if (rc < 0)
		return rc;
	life = lifetime(&c->cfg, a);
	if (life == 0)
		return -ERANGE;

	ttl_pos = (uint32_t)offsetof(struct tw_cache_blob, key) + a->key.len;
	ttl_pos = (ttl_pos + 3u) & ~3u;
	msg_pos = ttl_pos + 6u * a->n_ttl;
	size = msg_pos + a->msg_len + (TW_CACHE_LINE - 1);

	if (c->cfg.total_bytes_max != 0) {
		uint64_t prev = atomic_fetch_add_explicit(&c->live_bytes, size,
							  memory_order_relaxed);

		if (prev + size > c->cfg.total_bytes_max) {
			atomic_fetch_sub_explicit(&c->live_bytes, size,
						  memory_order_relaxed);
			return -ENOBUFS;
		}
	} else {
		atomic_fetch_add_explicit(&c->live_bytes, size,
					  memory_order_relaxed);
	}
	b = tw_cache_aligned_alloc(size - (TW_CACHE_LINE - 1), TW_CACHE_LINE,
				   &raw);
	if (b == NULL) {
		atomic_fetch_sub_explicit(&c->live_bytes, size,
					  memory_order_relaxed);
		return -ENOMEM;
	}
	atomic_fetch_add_explicit(&c->live_blobs, 1, memory_order_relaxed);

	atomic_init(&b->refcnt, 1);
	b->size = size;
	b->raw = raw;
	b->cache = c;
	b->hash = tw_cache_mix(a->key.hash, a->key.flags);
	b->created = now;
	/* Times are seconds of a monotonic clock; wrap is 136 years away. */
	b->expire = now + life;
	b->key_len = a->key.len;
	b->msg_len = a->msg_len;
	b->n_ttl = a->n_ttl;
	b->opt_off = a->opt_off;
	b->ede = a->ede;
	b->kflags = a->key.flags;
	b->kind = a->kind;
	b->status = a->status;
	b->ttl_pos = ttl_pos;
	b->msg_pos = msg_pos;
	memcpy(b->key, a->key.data, a->key.len);

	msg = (uint8_t *)b + msg_pos;
	memcpy(msg, a->msg, a->msg_len);
	msg[0] = 0; /* the ID is the client's, written on render */
	msg[1] = 0;
	b->rcode = msg[3] & 0x0f;
	if (a->opt_off != 0) /* RFC 6891 6.1.3: upper 8 bits of RCODE */
		b->rcode = (uint16_t)(b->rcode | msg[a->opt_off + 5] << 4);

	val = (uint32_t *)(void *)((uint8_t *)b + ttl_pos);
	off = (uint16_t *)(void *)(val + a->n_ttl);
	for (uint16_t i = 0; i < a->n_ttl; i++) {
		uint32_t v = tw_get32(msg + a->ttl_off[i]);

		if (v > INT32_MAX) /* RFC 2181 8 */
			v = 0;
		if (v > life) /* never promise more than we keep */
			v = life;
		tw_put32(msg + a->ttl_off[i], v);
		val[i] = v;
		off[i] = a->ttl_off[i];
	}
	*out = b;
	return 0;
}

void
tw_cache_blob_get(struct tw_cache_blob *b)
{
	/* The caller owns a reference: the blob cannot go away (3). */
	atomic_fetch_add_explicit(&b->refcnt, 1, memory_order_relaxed);
}

void
tw_cache_blob_release(struct tw_cache_blob *b)
{
	/* acq_rel: see (3) in cache_priv.h. */
	if (atomic_fetch_sub_explicit(&b->refcnt, 1, memory_order_acq_rel) != 1)
		return;
	struct tw_cache *c = b->cache;

	atomic_fetch_sub_explicit(&c->live_bytes, b->size,
				  memory_order_relaxed);
	atomic_fetch_sub_explicit(&c->live_blobs, 1, memory_order_relaxed);
	tw_free(b->raw);
}

void
tw_cache_blob_put(struct tw_cache_blob *b)
{
	if (b != NULL)
		tw_cache_blob_release(b);
}

int
tw_cache_blob_render(const struct tw_cache_blob *b, uint8_t *dst, size_t cap,
		     uint16_t id, const uint8_t *qname, uint32_t now)
{
	uint32_t len = b->msg_len;

	if (unlikely(len > cap))
		return -ENOSPC;
	memcpy(dst, tw_blob_msg(b), len);
	tw_put16(dst, id);
	/* RFC 4343: echo the client's letter case; same length as ours. */
	if (qname != NULL)
		memcpy(dst + 12, qname, b->key_len - 4u);
	/*
	 * RFC 1035 3.2.1 / RFC 2181 8: served TTLs count down with the time
	 * spent in the cache and never go below zero. A clock that runs
	 * behind the creator's counts as age 0.
	 */
	if (now > b->created) {
		uint32_t age = now - b->created;
		const uint32_t *val = tw_blob_ttl_val(b);
		const uint16_t *off = tw_blob_ttl_off(b);

		for (uint32_t i = 0; i < b->n_ttl; i++)
			tw_put32(dst + off[i], val[i] > age ? val[i] - age : 0);
	}
	return (int)len;
}

int
tw_cache_blob_render_inplace(const struct tw_cache_blob *b, uint8_t *dst,
			     size_t cap, uint16_t id, uint32_t now)
{
	const uint8_t *msg = tw_blob_msg(b);
	uint32_t len = b->msg_len, q = 12u + b->key_len - 4u;

	if (unlikely(len > cap))
		return -ENOSPC;
	/* Header (the client's ID), then everything after the QNAME: the
	 * client's QNAME octets stay where they are (RFC 4343 case). */
	memcpy(dst, msg, 12);
	tw_put16(dst, id);
	memcpy(dst + q, msg + q, len - q);
	/* TTLs aged as in tw_cache_blob_render(). */
	if (now > b->created) {
		uint32_t age = now - b->created;
		const uint32_t *val = tw_blob_ttl_val(b);
		const uint16_t *off = tw_blob_ttl_off(b);

		for (uint32_t i = 0; i < b->n_ttl; i++)
			tw_put32(dst + off[i], val[i] > age ? val[i] - age : 0);
	}
	return (int)len;
}

uint16_t
tw_cache_blob_len(const struct tw_cache_blob *b)
{
	return b->msg_len;
}

const uint8_t *
tw_cache_blob_msg(const struct tw_cache_blob *b)
{
	return tw_blob_msg(b);
}

uint16_t
tw_cache_blob_opt_off(const struct tw_cache_blob *b)
{
	return b->opt_off;
}

uint32_t
tw_cache_blob_created(const struct tw_cache_blob *b)
{
	return b->created;
}

uint32_t
tw_cache_blob_expire(const struct tw_cache_blob *b)
{
	return b->expire;
}

uint8_t
tw_cache_blob_kind(const struct tw_cache_blob *b)
{
	return b->kind;
}

uint8_t
tw_cache_blob_status(const struct tw_cache_blob *b)
{
	return b->status;
}

uint16_t
tw_cache_blob_ede(const struct tw_cache_blob *b)
{
	return b->ede;
}

uint16_t
tw_cache_blob_rcode(const struct tw_cache_blob *b)
{
	return b->rcode;
}

uint32_t
tw_cache_blob_size(const struct tw_cache_blob *b)
{
	return b->size;
}

uint32_t
tw_cache_blob_refcnt(const struct tw_cache_blob *b)
{
	return atomic_load_explicit(&b->refcnt, memory_order_relaxed);
}
