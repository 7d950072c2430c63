/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Message writer: header, question, RRs with name compression, the OPT RR
 * with its options, truncation at a size limit.
 *
 * Compression (RFC 1035 4.1.4). The writer remembers the offset of every
 * label it wrote for the question, the owner names and the names inside
 * the rdata of NS, CNAME, SOA, PTR and MX (the well-known types of RFC
 * 3597 4, the only ones whose rdata names may be compressed), as long as
 * the offset fits a pointer (< 0x4000) and there is room in ptrs[]. A name
 * is written as its longest suffix already in the message replaced by a
 * pointer. A suffix matches only when its octets are IDENTICAL, case
 * included: matching case-insensitively would make the name take the
 * case of the earlier one, and a proxy must hand every name back as it
 * got it (the question as the client cased it, RFC 1035 7.3, which
 * 0x20-randomising resolvers check). Names that differ only in case are
 * therefore written in full; they are rare in practice. Names inside
 * other types' rdata are written uncompressed and are never pointer
 * targets, so a later rewrite of such an RR cannot break a pointer.
 *
 * Truncation. An RR that does not fit (limit - reserve) is not written,
 * and the RRs written just before it that belong to the same RRset (same
 * section, owner, type and class) are taken back too, so no partial RRset
 * is sent (RFC 2181 9 allows leaving it; removing it is safer for
 * DNSSEC). In the answer and authority sections this sets TC (finish) and
 * refuses every later RR. In the additional section it does not set TC
 * (RFC 2181 9, RFC 4035 3.1.1: additional data that does not fit is
 * dropped, the TC bit stays clear); the writer then lowers limit to the
 * current length plus the reserve, so no later RR gets in but the OPT RR
 * still fits (RFC 6891 7). tw_dns_write_opt() may always use the reserve.
 */
#include <string.h>

#include "dns_priv.h"
#include "tw_dns.h"

static int
w_fail(struct tw_dns_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

/* Where RRs other than OPT must end: limit minus the OPT reserve. */
static size_t
rr_end(const struct tw_dns_writer *w)
{
	size_t end = w->limit > w->reserve ? w->limit - w->reserve : 0;

	return end > w->len ? end : w->len;
}

static int
put(struct tw_dns_writer *w, size_t end, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > end - w->len)
		return -ENOSPC;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

void
tw_dns_writer_init(struct tw_dns_writer *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	w->limit = TW_MIN(cap, (size_t)TW_DNS_MSG_MAX);
}

void
tw_dns_writer_limit(struct tw_dns_writer *w, size_t limit, size_t reserve)
{
	w->limit = TW_MIN(TW_MIN(limit, w->cap), (size_t)TW_DNS_MSG_MAX);
	w->reserve = TW_MIN(reserve, w->limit);
}

/*
 * Does the name written at @p off (pointers allowed: the writer wrote
 * them, so they are valid and point backwards) equal @p name octet for
 * octet, case included?
 */
static bool
name_at_eq(const struct tw_dns_writer *w, size_t off, const uint8_t *name)
{
	unsigned hops = 0;

	for (;;) {
		uint8_t c = w->buf[off];

		if ((c & 0xc0) == 0xc0) {
			if (++hops > TW_DNS_NAME_MAX / 2)
				return false;
			off = (size_t)(c & 0x3f) << 8 | w->buf[off + 1];
			continue;
		}
		if (c != *name)
			return false;
		if (c == 0)
			return true;
		if (memcmp(w->buf + off + 1, name + 1, c) != 0)
			return false;
		off += 1 + (size_t)c;
		name += 1 + (size_t)c;
	}
}

/*
 * Write an uncompressed wire name of @p nlen octets. With @p compress,
 * its longest suffix already written is replaced by a pointer; with
 * @p remember, its new labels become pointer targets.
 */
static int
put_name(struct tw_dns_writer *w, size_t end, const uint8_t *name, size_t nlen,
	 bool compress, bool remember)
{
	size_t start = w->len, p = 0, i;
	long match = -1;
	uint8_t ptr[2];
	int rc;

	for (p = 0; compress && name[p] != 0; p += 1 + (size_t)name[p]) {
		for (i = 0; i < w->n_ptrs; i++) {
			if (name_at_eq(w, w->ptrs[i], name + p)) {
				match = w->ptrs[i];
				break;
			}
		}
		if (match >= 0)
			break;
	}
	if (match < 0) {
		p = nlen - 1; /* all labels literal, then the root */
		rc = put(w, end, name, nlen);
	} else {
		ptr[0] = (uint8_t)(0xc0 | match >> 8);
		ptr[1] = (uint8_t)match;
		rc = put(w, end, name, p);
		if (rc == 0)
			rc = put(w, end, ptr, 2);
	}
	if (rc < 0) {
		w->len = start;
		return rc;
	}
	for (i = 0; remember && i < p; i += 1 + (size_t)name[i]) {
		if (start + i >= 0x4000 || w->n_ptrs >= TW_DNS_WRITER_PTRS)
			break;
		w->ptrs[w->n_ptrs++] = (uint16_t)(start + i);
	}
	return 0;
}

/* Forget pointer targets at or beyond @p len (after a rollback). */
static void
drop_ptrs(struct tw_dns_writer *w, size_t len)
{
	uint16_t i, n = 0;

	for (i = 0; i < w->n_ptrs; i++)
		if (w->ptrs[i] < len)
			w->ptrs[n++] = w->ptrs[i];
	w->n_ptrs = n;
}

int
tw_dns_write_header(struct tw_dns_writer *w, const struct tw_dns_hdr *h)
{
	uint8_t hdr[TW_DNS_HDR_LEN] = { 0 };

	if (w->err != 0)
		return w->err;
	if (w->len != 0)
		return w_fail(w, -EINVAL);
	if (w->limit < TW_DNS_HDR_LEN)
		return w_fail(w, -ENOSPC);
	tw_put16(hdr, h->id);
	tw_put16(hdr + 2, h->flags);
	memcpy(w->buf, hdr, sizeof(hdr)); /* counts patched by finish */
	w->len = TW_DNS_HDR_LEN;
	w->section = TW_DNS_SEC_QD;
	memset(w->count, 0, sizeof(w->count));
	w->n_ptrs = 0;
	w->truncated = false;
	return 0;
}

int
tw_dns_write_question(struct tw_dns_writer *w, const uint8_t *name,
		      uint16_t qtype, uint16_t qclass)
{
	uint8_t tail[4];
	size_t end;
	int n;

	if (w->err != 0)
		return w->err;
	if (w->len < TW_DNS_HDR_LEN || w->section != TW_DNS_SEC_QD)
		return w_fail(w, -EINVAL);
	n = tw_dns_name_check(name, TW_DNS_NAME_MAX);
	if (n < 0)
		return w_fail(w, n);
	/* A message cut inside its question is useless: a hard error. */
	end = rr_end(w);
	if ((size_t)n + 4 > end - w->len)
		return w_fail(w, -ENOSPC);
	/* Uncompressed, as given: the client's casing (RFC 1035 7.3). */
	put_name(w, end, name, (size_t)n, false, true);
	tw_put16(tail, qtype);
	tw_put16(tail + 2, qclass);
	put(w, end, tail, 4);
	w->count[TW_DNS_SEC_QD]++;
	return 0;
}

int
tw_dns_write_response_start(struct tw_dns_writer *w,
			    const struct tw_dns_msg *query, uint8_t rcode)
{
	uint8_t name[TW_DNS_NAME_MAX];
	struct tw_dns_hdr h = {
		.id = query->hdr.id,
		.flags = (uint16_t)(TW_DNS_F_QR | TW_DNS_F_RA |
				    (query->hdr.flags &
				     (TW_DNS_F_OPCODE_MASK | TW_DNS_F_RD |
				      TW_DNS_F_CD)) |
				    (rcode & TW_DNS_F_RCODE_MASK)),
	};
	int rc, n;

	rc = tw_dns_write_header(w, &h);
	if (rc < 0 || query->hdr.qdcount == 0)
		return rc;
	n = tw_dns_name_unpack(query->pkt, query->len, query->q.name_off, name,
			       NULL);
	if (n < 0)
		return w_fail(w, n);
	return tw_dns_write_question(w, name, query->q.qtype, query->q.qclass);
}

/* RFC 3597 4: the only types whose rdata names may be compressed. */
static bool
compressible(uint16_t type)
{
	return type == TW_DNS_T_NS || type == TW_DNS_T_CNAME ||
	       type == TW_DNS_T_SOA || type == TW_DNS_T_PTR ||
	       type == TW_DNS_T_MX;
}

/*
 * Write the uncompressed rdata of NS, CNAME, PTR (one name), MX (16-bit
 * preference, name) or SOA (two names, 20 octets) with its names
 * compressed (RFC 1035 3.3).
 */
static int
put_rdata_names(struct tw_dns_writer *w, size_t end, uint16_t type,
		uint16_t rclass, const uint8_t *rd, size_t rdlen)
{
	size_t pos = 0, names = type == TW_DNS_T_SOA ? 2 : 1, i;
	int n, rc;

	/* RFC 2136 2.5: empty rdata in class NONE/ANY updates */
	if (rdlen == 0 && (rclass == TW_DNS_C_NONE || rclass == TW_DNS_C_ANY))
		return 0;
	if (type == TW_DNS_T_MX) {
		if (rdlen < 2)
			return -TW_ERDATA;
		rc = put(w, end, rd, 2);
		if (rc < 0)
			return rc;
		pos = 2;
	}
	for (i = 0; i < names; i++) {
		n = tw_dns_name_check(rd + pos, rdlen - pos);
		if (n < 0)
			return -TW_ERDATA;
		rc = put_name(w, end, rd + pos, (size_t)n, true, true);
		if (rc < 0)
			return rc;
		pos += (size_t)n;
	}
	if (type == TW_DNS_T_SOA) {
		if (rdlen - pos != 20)
			return -TW_ERDATA;
		return put(w, end, rd + pos, 20);
	}
	return pos == rdlen ? 0 : -TW_ERDATA;
}

/*
 * Take back an RR that did not fit, with the RRs of its RRset written
 * just before it, and close the section (see the top of this file).
 */
static void
truncate_rrset(struct tw_dns_writer *w, size_t start,
	       enum tw_dns_section section, const uint8_t *owner, uint16_t type,
	       uint16_t rclass)
{
	uint8_t name[TW_DNS_NAME_MAX];
	size_t off = TW_DNS_HDR_LEN, next, run_start = 0;
	uint16_t run_n = 0, i;
	int s;

	w->len = start;
	for (i = 0; i < w->count[TW_DNS_SEC_QD]; i++) {
		if (tw_dns_name_unpack(w->buf, w->len, off, NULL, &next) < 0)
			goto close;
		off = next + 4;
	}
	for (s = TW_DNS_SEC_AN; s <= TW_DNS_SEC_AR; s++) {
		for (i = 0; i < w->count[s]; i++) {
			size_t rr = off;

			if (tw_dns_name_unpack(w->buf, w->len, off, name,
					       &next) < 0)
				goto close;
			off = next + 10 + tw_get16(w->buf + next + 8);
			if (s == (int)section &&
			    tw_get16(w->buf + next) == type &&
			    tw_get16(w->buf + next + 2) == rclass &&
			    tw_dns_name_eq(name, owner)) {
				if (run_n++ == 0)
					run_start = rr;
			} else {
				run_n = 0;
			}
		}
	}
	if (run_n > 0) {
		w->len = run_start;
		w->count[section] = (uint16_t)(w->count[section] - run_n);
	}
close:
	drop_ptrs(w, w->len);
	/* Never above the caller's limit: the reserve may not fit at all. */
	if (section == TW_DNS_SEC_AR)
		w->limit = TW_MIN(w->limit, w->len + w->reserve);
	else
		w->truncated = true;
}

/*
 * Write an RR whose rdata is either raw (@p rd, @p rdlen, uncompressed)
 * or, when @p m is not NULL, that of the message RR @p rr (names expanded
 * from the message first).
 */
static int
emit_rr(struct tw_dns_writer *w, enum tw_dns_section section,
	const uint8_t *owner, uint16_t type, uint16_t rclass, uint32_t ttl,
	const uint8_t *rd, size_t rdlen, const struct tw_dns_msg *m,
	const struct tw_dns_rr *rr)
{
	/* NS, CNAME, PTR: 255; MX: 257; SOA: 2 * 255 + 20 */
	uint8_t tmp[2 * TW_DNS_NAME_MAX + 20];
	uint8_t fixed[10];
	size_t start, rd_start, end;
	int n, rc;

	if (w->err != 0)
		return w->err;
	if (w->len < TW_DNS_HDR_LEN || section < TW_DNS_SEC_AN ||
	    section > TW_DNS_SEC_AR || section < w->section)
		return w_fail(w, -EINVAL);
	n = tw_dns_name_check(owner, TW_DNS_NAME_MAX);
	if (n < 0)
		return w_fail(w, n);
	if (w->truncated)
		return -ENOSPC;
	w->section = (uint8_t)section;
	start = w->len;
	end = rr_end(w);

	tw_put16(fixed, type);
	tw_put16(fixed + 2, rclass);
	tw_put32(fixed + 4, ttl);
	tw_put16(fixed + 8, 0); /* RDLENGTH, patched below */
	rc = put_name(w, end, owner, (size_t)n, true, true);
	if (rc == 0)
		rc = put(w, end, fixed, sizeof(fixed));
	rd_start = w->len;
	if (rc == 0 && m != NULL && compressible(type)) {
		/* expand from the message, then recompress here */
		rc = tw_dns_rdata_expand(m->pkt, m->len, rr, tmp, sizeof(tmp),
					 0);
		if (rc >= 0) {
			rd = tmp;
			rdlen = (size_t)rc;
		} else if (rc == -ENOSPC) {
			rc = -TW_ERDATA;
		}
	}
	if (rc < 0) {
		/* done */
	} else if (compressible(type)) {
		rc = put_rdata_names(w, end, type, rclass, rd, rdlen);
	} else if (m != NULL) {
		/* names of other types: expanded, never compressed */
		rc = tw_dns_rdata_expand(m->pkt, m->len, rr, w->buf + w->len,
					 end - w->len, 0);
		if (rc >= 0)
			w->len += (size_t)rc;
	} else {
		rc = put(w, end, rd, rdlen);
	}
	if (rc >= 0 && w->len - rd_start > UINT16_MAX)
		rc = -TW_ERDATA;
	if (rc >= 0) {
		tw_put16(w->buf + rd_start - 2, (uint16_t)(w->len - rd_start));
		w->count[section]++;
		return 0;
	}
	if (rc == -ENOSPC) {
		truncate_rrset(w, start, section, owner, type, rclass);
		return -ENOSPC;
	}
	w->len = start;
	drop_ptrs(w, start);
	return w_fail(w, rc);
}

int
tw_dns_write_rr(struct tw_dns_writer *w, enum tw_dns_section section,
		const uint8_t *owner, uint16_t type, uint16_t rclass,
		uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	return emit_rr(w, section, owner, type, rclass, ttl, rdata, rdlen, NULL,
		       NULL);
}

int
tw_dns_write_rr_from(struct tw_dns_writer *w, enum tw_dns_section section,
		     const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		     uint32_t ttl)
{
	uint8_t owner[TW_DNS_NAME_MAX];
	int n;

	if (w->err != 0)
		return w->err;
	n = tw_dns_name_unpack(m->pkt, m->len, rr->owner_off, owner, NULL);
	if (n < 0)
		return w_fail(w, n);
	return emit_rr(w, section, owner, rr->type, rr->rclass, ttl, NULL, 0, m,
		       rr);
}

int
tw_dns_write_opt(struct tw_dns_writer *w, uint16_t udp_size, uint8_t ext_rcode,
		 uint16_t flags, const struct tw_dns_opt *opts, size_t n_opts)
{
	uint8_t fixed[11];
	size_t rdlen = 0, i;

	if (w->err != 0)
		return w->err;
	if (w->len < TW_DNS_HDR_LEN)
		return w_fail(w, -EINVAL);
	for (i = 0; i < n_opts; i++) {
		if (opts[i].len > 0 && opts[i].data == NULL)
			return w_fail(w, -EINVAL);
		rdlen += 4 + (size_t)opts[i].len;
		if (rdlen > UINT16_MAX)
			return w_fail(w, -EINVAL);
	}
	/* The OPT RR may use the reserve: it must be in every response
	 * to an EDNS query, truncated or not (RFC 6891 7). */
	if (sizeof(fixed) + rdlen >
	    (w->limit > w->len ? w->limit - w->len : 0)) {
		w->truncated = true;
		return -ENOSPC;
	}
	/* RFC 6891 6.1.2: root owner, TYPE 41, CLASS = payload size, TTL =
	 * extended RCODE | VERSION 0 | DO and Z flags, then the options
	 * as {OPTION-CODE, OPTION-LENGTH, OPTION-DATA}. */
	fixed[0] = 0;
	tw_put16(fixed + 1, TW_DNS_T_OPT);
	tw_put16(fixed + 3, udp_size);
	tw_put32(fixed + 5, (uint32_t)ext_rcode << 24 | flags);
	tw_put16(fixed + 9, (uint16_t)rdlen);
	memcpy(w->buf + w->len, fixed, sizeof(fixed));
	w->len += sizeof(fixed);
	for (i = 0; i < n_opts; i++) {
		tw_put16(w->buf + w->len, opts[i].code);
		tw_put16(w->buf + w->len + 2, opts[i].len);
		if (opts[i].len > 0)
			memcpy(w->buf + w->len + 4, opts[i].data, opts[i].len);
		w->len += 4 + (size_t)opts[i].len;
	}
	w->section = TW_DNS_SEC_AR;
	w->count[TW_DNS_SEC_AR]++;
	w->reserve = 0; /* the reserve was for this RR */
	return 0;
}

int
tw_dns_ede_encode(uint16_t code, const char *text, uint8_t *out, size_t cap)
{
	size_t tl = text != NULL ? strlen(text) : 0;

	/* RFC 8914 2: INFO-CODE (16 bits) then EXTRA-TEXT, UTF-8, without
	 * a terminating NUL; the whole option data fits OPTION-LENGTH. */
	if (tl > UINT16_MAX - 2 || cap < 2 + tl)
		return -ENOSPC;
	tw_put16(out, code);
	if (tl > 0)
		memcpy(out + 2, text, tl);
	return (int)(2 + tl);
}

int
tw_dns_writer_finish(struct tw_dns_writer *w)
{
	int s;

	if (w->err != 0)
		return w->err;
	if (w->len < TW_DNS_HDR_LEN)
		return w_fail(w, -EINVAL);
	for (s = TW_DNS_SEC_QD; s <= TW_DNS_SEC_AR; s++)
		tw_put16(w->buf + 4 + 2 * s, w->count[s]);
	if (w->truncated)
		w->buf[2] |= TW_DNS_F_TC >> 8;
	return (int)w->len;
}
