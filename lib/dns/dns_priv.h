/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/dns private helpers shared by the reader (name.c, msg.c, rdata.c,
 * qkey.c) and the writer side (canonical.c, writer.c, present.c, zone.c).
 * Not installed, not part of the API.
 *
 * Contents:
 *   - ASCII case folding (RFC 4343 3: only A-Z fold);
 *   - name walking: skip a possibly compressed name in place, label
 *     offsets of an uncompressed name;
 *   - a bounds-checked read cursor with a sticky error;
 *   - the rdata layout of the types that carry domain names, and
 *     tw_dns_rdata_expand(), which validates or expands such rdata
 *     (the one walker behind tw_dns_parse(), canonical rdata and
 *     printing).
 */
#ifndef TW_DNS_PRIV_H
#define TW_DNS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tw_dns.h"

/* Most labels a name can have, not counting the root: 127 one-octet
 * labels take 2 * 127 + 1 = 255 octets (RFC 1035 2.3.4). */
#define TW_DNS_LABELS_MAX 127

/* Top two bits of a length octet (RFC 1035 4.1.4, RFC 6891 5). */
#define TW_DNS_LABEL_PTR 0xc0

/* Classes used by dynamic update for empty rdata (RFC 2136 2.5). */
#define TW_DNS_C_NONE 254
#define TW_DNS_C_ANY  255

/** Lowercase one octet: only ASCII A-Z fold (RFC 4343 3). */
static inline uint8_t
tw_dns_lc(uint8_t c)
{
	return (uint8_t)(c | (((unsigned)(c - 'A') < 26u) << 5));
}

/**
 * Skip the name at @p off in place without following pointers.
 * Length octets are < 64 and pointers end a name, so no loop is possible.
 * @return the offset just past the name as it appears at @p off (after
 *   the root label or after the first pointer), or -TW_ETRUNC (runs past
 *   @p len), -TW_ELABEL (reserved label type 01/10, RFC 6891 5),
 *   -TW_ENAMELEN (more than 255 octets in place).
 */
static inline int
tw_dns_name_skip(const uint8_t *pkt, size_t len, size_t off)
{
	size_t pos = off;

	for (;;) {
		uint8_t c;

		if (unlikely(pos >= len))
			return -TW_ETRUNC;
		c = pkt[pos];
		if (c == 0)
			return (int)(pos + 1);
		if (c >= TW_DNS_LABEL_PTR)
			return pos + 2 <= len ? (int)(pos + 2) : -TW_ETRUNC;
		if (unlikely(c > TW_DNS_LABEL_MAX))
			return -TW_ELABEL;
		pos += (size_t)c + 1;
		if (unlikely(pos - off > TW_DNS_NAME_MAX - 1))
			return -TW_ENAMELEN;
	}
}

/*
 * Names validated so far in one message, for tw_dns_parse(): most owner
 * and rdata names are a pointer to a name (or a suffix of one) already
 * walked, and need not be walked again. Direct-mapped by offset; off 0
 * is empty (no name starts in the header).
 */
#define TW_DNS_MEMO_SIZE 32

struct tw_dns_name_memo {
	uint16_t off[TW_DNS_MEMO_SIZE]; /**< a validated name start */
	uint16_t ext[TW_DNS_MEMO_SIZE]; /**< end of the octets its walk read */
	uint8_t len[TW_DNS_MEMO_SIZE];	/**< its uncompressed length */
	uint8_t hops[TW_DNS_MEMO_SIZE]; /**< pointers its walk followed */
};

/* Slot of a name start: nearby starts (the labels of one name) land in
 * different slots, and so do label starts 64 octets apart. */
static inline unsigned
tw_dns_memo_slot(size_t off)
{
	return (unsigned)(off ^ off >> 5) % TW_DNS_MEMO_SIZE;
}

static inline void
tw_dns_name_memo_init(struct tw_dns_name_memo *mm)
{
	memset(mm->off, 0, sizeof(mm->off));
}

/**
 * tw_dns_name_unpack() without output, using and filling @p mm: same
 * result, same errors (when a name fails both by length and by jump
 * count, either error may be reported).
 */
int tw_dns_name_validate(const uint8_t *pkt, size_t len, size_t off,
			 size_t *next, struct tw_dns_name_memo *mm);

/*
 * Most pointers one name may follow. Every jump goes strictly backwards,
 * so a walk ends anyway; the cap only bounds the work on chains of
 * pointers to pointers, which no encoder needs: a name has at most 127
 * labels, so 128 jumps are more than any real name uses.
 */
#define TW_DNS_PTR_HOPS_MAX (TW_DNS_LABELS_MAX + 1)

/**
 * tw_dns_name_validate() with the common case inline: a name that is a
 * single pointer to a remembered name start (same checks as the walk:
 * backwards, not into the header, within @p len, jump cap).
 */
static inline int
tw_dns_name_validate_fast(const uint8_t *pkt, size_t len, size_t off,
			  size_t *next, struct tw_dns_name_memo *mm)
{
	if (likely(off + 1 < len && pkt[off] >= TW_DNS_LABEL_PTR)) {
		size_t t = (size_t)(pkt[off] & 0x3f) << 8 | pkt[off + 1];
		unsigned i = tw_dns_memo_slot(t);

		if (mm->off[i] == t && t < off && t >= TW_DNS_HDR_LEN &&
		    mm->ext[i] <= len && mm->hops[i] < TW_DNS_PTR_HOPS_MAX) {
			*next = off + 2;
			return mm->len[i];
		}
	}
	return tw_dns_name_validate(pkt, len, off, next, mm);
}

/**
 * Label start offsets of a valid uncompressed wire name.
 * offs[i] is the offset of label i (0 = leftmost); offs[n] is the offset
 * of the root label.
 * @return n, the number of labels not counting the root.
 */
int tw_dns_name_offsets(const uint8_t *name,
			uint8_t offs[TW_DNS_LABELS_MAX + 1]);

/* ---- Read cursor with a sticky error (house style 4) ------------------ */

struct tw_dns_cur {
	const uint8_t *p; /**< the whole buffer (message or rdata) */
	size_t len;
	size_t off; /**< next byte to read */
	int err;    /**< first error; 0 while all reads fit */
};

static inline void
tw_dns_cur_init(struct tw_dns_cur *c, const uint8_t *p, size_t len, size_t off)
{
	c->p = p;
	c->len = len;
	c->off = off;
	c->err = off <= len ? 0 : -TW_ETRUNC;
}

/** True when @p n more bytes can be read; otherwise sets -TW_ETRUNC. */
static inline bool
tw_dns_cur_need(struct tw_dns_cur *c, size_t n)
{
	if (unlikely(c->err != 0))
		return false;
	if (unlikely(n > c->len - c->off)) {
		c->err = -TW_ETRUNC;
		return false;
	}
	return true;
}

static inline size_t
tw_dns_cur_left(const struct tw_dns_cur *c)
{
	return c->err != 0 ? 0 : c->len - c->off;
}

static inline uint8_t
tw_dns_cur_u8(struct tw_dns_cur *c)
{
	if (!tw_dns_cur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static inline uint16_t
tw_dns_cur_u16(struct tw_dns_cur *c)
{
	uint16_t v;

	if (!tw_dns_cur_need(c, 2))
		return 0;
	v = tw_get16(c->p + c->off);
	c->off += 2;
	return v;
}

static inline uint32_t
tw_dns_cur_u32(struct tw_dns_cur *c)
{
	uint32_t v;

	if (!tw_dns_cur_need(c, 4))
		return 0;
	v = tw_get32(c->p + c->off);
	c->off += 4;
	return v;
}

/** Take @p n bytes: a pointer to them, or NULL (error set). */
static inline const uint8_t *
tw_dns_cur_take(struct tw_dns_cur *c, size_t n)
{
	const uint8_t *r;

	if (!tw_dns_cur_need(c, n))
		return NULL;
	r = c->p + c->off;
	c->off += n;
	return r;
}

/**
 * Read a possibly compressed name (the cursor's buffer is the message)
 * and expand it into @p out (may be NULL).
 * @return its uncompressed length, or 0 with the error set.
 */
static inline int
tw_dns_cur_name(struct tw_dns_cur *c, uint8_t out[TW_DNS_NAME_MAX])
{
	size_t next;
	int r;

	if (c->err != 0)
		return 0;
	r = tw_dns_name_unpack(c->p, c->len, c->off, out, &next);
	if (r < 0) {
		c->err = r;
		return 0;
	}
	c->off = next;
	return r;
}

/* ---- Rdata layouts with domain names ---------------------------------- */

/* Field kinds in struct tw_dns_rdesc.f[] (positive values: that many
 * fixed octets). */
#define TW_RDF_END  0
#define TW_RDF_NAME (-1) /* a domain name */
#define TW_RDF_STR  (-2) /* a <character-string> (RFC 1035 3.3) */
#define TW_RDF_REST (-3) /* opaque octets up to the end (last field) */
#define TW_RDF_A6   (-4) /* A6 prefix length, suffix, name if len>0 */

/** Layout of an rdata that holds domain names. */
struct tw_dns_rdesc {
	/* Names may arrive compressed (RFC 3597 4 well-known types and the
	 * "SHOULD decompress" list; receivers are lenient for DNAME, KX, A6
	 * too). 0 for RRSIG, NSEC (RFC 4034 3.1.7, 4.1.1) and SVCB/HTTPS
	 * (RFC 9460 2.2), whose names MUST NOT be compressed. */
	uint8_t compress;
	/* Names lowercased in canonical form (RFC 4034 6.2 item 3 as amended
	 * by RFC 6840 5.1: not NSEC, not SVCB). */
	uint8_t lower;
	int8_t f[7]; /**< fields, TW_RDF_END terminated */
};

/**
 * Layout of @p type's rdata, or NULL when it holds no domain name
 * (opaque for our purposes, RFC 3597).
 */
const struct tw_dns_rdesc *tw_dns_rdesc(uint16_t type);

/* Flags of tw_dns_rdata_expand(). */
#define TW_DNS_X_CANON 0x1 /* lowercase names where rdesc->lower is set */

/**
 * Validate and optionally expand the rdata of a message RR: names are
 * decompressed (and lowercased with TW_DNS_X_CANON for the types of RFC
 * 4034 6.2 / RFC 6840 5.1), other fields copied. Types without names are
 * copied as is. Empty rdata with class NONE/ANY (RFC 2136 2.5) gives 0.
 *
 * @param pkt, len  The whole message (pointer targets).
 * @param rr        The RR (type, rclass, rdata_off, rdlen are used).
 * @param out       Output, or NULL to validate only.
 * @param cap       Size of @p out.
 * @param flags     TW_DNS_X_*.
 * @return the expanded length; -ENOSPC (out too small), -TW_ERDATA
 *   (fields do not fit the rdata exactly, compressed name where not
 *   allowed, bad A6 prefix), -TW_ETRUNC (rdata past the end of the
 *   message), or a name error (-TW_ELOOP, -TW_EPTR, -TW_ELABEL,
 *   -TW_ENAMELEN).
 */
int tw_dns_rdata_expand(const uint8_t *pkt, size_t len,
			const struct tw_dns_rr *rr, uint8_t *out, size_t cap,
			unsigned flags);

/* ---- Type bitmaps ------------------------------------------------------ */

/**
 * Validate an NSEC/NSEC3 type bitmap (RFC 4034 4.1.2): window numbers
 * strictly increasing, bitmap lengths 1..32, no trailing zero octet in a
 * window. An empty field is accepted (NSEC3 of an empty non-terminal).
 * @return 0 or -TW_ERDATA.
 */
int tw_dns_bitmap_check(const uint8_t *bitmap, size_t len);

#endif /* TW_DNS_PRIV_H */
