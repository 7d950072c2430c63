/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: parse -> write -> parse for whole DNS messages.
 *
 * Every message tw_dns_parse() accepts is copied RR by RR with the
 * writer (names expanded and recompressed, the OPT RR rebuilt from its
 * options), parsed again and compared: header, question octet for octet,
 * per RR section, type, class, TTL, owner (expanded, case kept), the
 * printed text (rdata with case kept) and the canonical rdata. The copy
 * is then redone under a size limit: the truncated message must parse and
 * hold only whole RRs. Every RRSIG's signed data is built twice from its
 * RRset in opposite orders and must come out identical. Any mismatch
 * aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "tw_dns.h"

#define MAX_RRS 4096

static uint8_t out[TW_DNS_MSG_MAX];
static char txt1[1 << 17], txt2[1 << 17];
static uint8_t can1[1 << 17], can2[1 << 17];

/* Rebuild the OPT RR from its options (RFC 6891 6.1.2). */
static int
write_opt_from(struct tw_dns_writer *w, const struct tw_dns_msg *m)
{
	static struct tw_dns_opt opts[TW_DNS_MSG_MAX / 4];
	const uint8_t *p = m->pkt + m->edns.rdata_off;
	size_t pos = 0, n = 0;

	while (pos < m->edns.rdlen) {
		opts[n].code = tw_get16(p + pos);
		opts[n].len = tw_get16(p + pos + 2);
		opts[n].data = p + pos + 4;
		pos += 4 + (size_t)opts[n].len;
		n++;
	}
	return tw_dns_write_opt(w, m->edns.udp_size, m->edns.ext_rcode,
				m->edns.flags, opts, n);
}

/* Copy @p m into the writer. @return 0, -ENOSPC, or another error. */
static int
copy_msg(struct tw_dns_writer *w, const struct tw_dns_msg *m)
{
	uint8_t name[TW_DNS_NAME_MAX];
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	int rc;

	rc = tw_dns_write_header(w, &m->hdr);
	if (rc == 0 && m->hdr.qdcount == 1) {
		CHECK(tw_dns_name_unpack(m->pkt, m->len, m->q.name_off, name,
					 NULL) > 0);
		rc = tw_dns_write_question(w, name, m->q.qtype, m->q.qclass);
	}
	if (rc < 0)
		return rc;
	/* after -ENOSPC go on: the OPT RR must still get in */
	tw_dns_rr_iter_init(&it, m);
	while (tw_dns_rr_next(&it, &rr) == 1) {
		int r;

		/* version 0 only: tw_dns_write_opt() writes version 0 */
		if (rr.type == TW_DNS_T_OPT && m->edns.version == 0 &&
		    rr.rr_off == m->edns.rr_off)
			r = write_opt_from(w, m);
		else
			r = tw_dns_write_rr_from(w, rr.section, m, &rr, rr.ttl);
		if (r == -ENOSPC)
			rc = r;
		else if (r < 0)
			return r;
	}
	return rc;
}

static void
compare(const struct tw_dns_msg *a, const struct tw_dns_msg *b)
{
	uint8_t n1[TW_DNS_NAME_MAX], n2[TW_DNS_NAME_MAX];
	struct tw_dns_rr_iter i1, i2;
	struct tw_dns_rr r1, r2;
	int l1, l2, k1, k2;

	CHECK(a->hdr.id == b->hdr.id && a->hdr.flags == b->hdr.flags);
	CHECK(a->hdr.qdcount == b->hdr.qdcount &&
	      a->hdr.ancount == b->hdr.ancount &&
	      a->hdr.nscount == b->hdr.nscount &&
	      a->hdr.arcount == b->hdr.arcount);
	if (a->hdr.qdcount == 1) {
		l1 = tw_dns_name_unpack(a->pkt, a->len, a->q.name_off, n1,
					NULL);
		CHECK(b->q.name_len == l1 && b->q.qtype == a->q.qtype &&
		      b->q.qclass == a->q.qclass);
		/* the question is written uncompressed, as cased */
		CHECK(memcmp(b->pkt + b->q.name_off, n1, (size_t)l1) == 0);
	}
	CHECK(a->edns.present == b->edns.present);
	if (a->edns.present)
		CHECK(a->edns.udp_size == b->edns.udp_size &&
		      a->edns.flags == b->edns.flags &&
		      a->edns.rdlen == b->edns.rdlen &&
		      a->edns.ede_len == b->edns.ede_len &&
		      a->edns.cookie_len == b->edns.cookie_len);
	tw_dns_rr_iter_init(&i1, a);
	tw_dns_rr_iter_init(&i2, b);
	for (;;) {
		k1 = tw_dns_rr_next(&i1, &r1);
		k2 = tw_dns_rr_next(&i2, &r2);
		CHECK(k1 == k2);
		if (k1 != 1)
			break;
		CHECK(r1.section == r2.section && r1.type == r2.type &&
		      r1.rclass == r2.rclass && r1.ttl == r2.ttl);
		l1 = tw_dns_rr_owner(a, &r1, n1);
		l2 = tw_dns_rr_owner(b, &r2, n2);
		CHECK(l1 > 0 && l1 == l2 && memcmp(n1, n2, (size_t)l1) == 0);
		l1 = tw_dns_rr_print(a, &r1, txt1, sizeof(txt1));
		l2 = tw_dns_rr_print(b, &r2, txt2, sizeof(txt2));
		CHECK(l1 == l2);
		if (l1 >= 0)
			CHECK(strcmp(txt1, txt2) == 0 &&
			      strlen(txt1) == (size_t)l1);
		l1 = tw_dns_rr_canonical_rdata(a, &r1, can1, sizeof(can1));
		l2 = tw_dns_rr_canonical_rdata(b, &r2, can2, sizeof(can2));
		CHECK(l1 >= 0 && l1 == l2 &&
		      memcmp(can1, can2, (size_t)l1) == 0);
	}
}

/* Signed data of every RRSIG, from its RRset in two orders. */
static void
sigdata(const struct tw_dns_msg *m)
{
	static struct tw_dns_rdata_ref refs[MAX_RRS], rev[MAX_RRS];
	static uint8_t store[1 << 18], sd1[1 << 18], sd2[1 << 18];
	uint8_t owner[TW_DNS_NAME_MAX], o2[TW_DNS_NAME_MAX];
	struct tw_dns_rr_iter it, jt;
	struct tw_dns_rr sig, rr;
	struct tw_dns_rrsig rs;
	int l1, l2, sigs = 0;

	tw_dns_rr_iter_init(&it, m);
	/* the first 32 RRSIGs: the scan is quadratic */
	while (tw_dns_rr_next(&it, &sig) == 1 && sigs < 32) {
		size_t n = 0, used = 0;

		if (sig.type != TW_DNS_T_RRSIG ||
		    tw_dns_rdata_rrsig(m->pkt + sig.rdata_off, sig.rdlen, &rs) <
			    0)
			continue;
		sigs++;
		CHECK(tw_dns_rr_owner(m, &sig, owner) > 0);
		tw_dns_rr_iter_init(&jt, m);
		while (tw_dns_rr_next(&jt, &rr) == 1 && n < MAX_RRS) {
			if (rr.type != rs.type_covered ||
			    rr.rclass != sig.rclass ||
			    tw_dns_rr_owner(m, &rr, o2) < 0 ||
			    !tw_dns_name_eq(owner, o2))
				continue;
			l1 = tw_dns_rr_canonical_rdata(m, &rr, store + used,
						       sizeof(store) - used);
			if (l1 < 0)
				break;
			refs[n].data = store + used;
			refs[n].len = (uint16_t)l1;
			used += (size_t)l1;
			n++;
		}
		for (size_t i = 0; i < n; i++)
			rev[i] = refs[n - 1 - i];
		l1 = tw_dns_sigdata(m->pkt + sig.rdata_off, sig.rdlen, owner,
				    rs.type_covered, sig.rclass, refs, n, sd1,
				    sizeof(sd1));
		l2 = tw_dns_sigdata(m->pkt + sig.rdata_off, sig.rdlen, owner,
				    rs.type_covered, sig.rclass, rev, n, sd2,
				    sizeof(sd2));
		CHECK(l1 == l2);
		if (l1 >= 0)
			CHECK(memcmp(sd1, sd2, (size_t)l1) == 0);
		else
			CHECK(l1 == -TW_ERDATA || l1 == -ENOSPC);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_dns_msg m, m2;
	struct tw_dns_writer w;
	size_t limit, reserve;
	int len, rc;

	if (tw_dns_parse(&m, data, size) != 0)
		return 0;

	/* full copy */
	tw_dns_writer_init(&w, out, sizeof(out));
	rc = copy_msg(&w, &m);
	CHECK(rc == 0 || rc == -ENOSPC);
	len = tw_dns_writer_finish(&w);
	CHECK(len >= TW_DNS_HDR_LEN);
	CHECK(tw_dns_parse(&m2, out, (size_t)len) == 0);
	if (rc == 0 && !w.truncated)
		compare(&m, &m2);
	sigdata(&m);

	/* under a size limit: whatever comes out parses, whole RRs only,
	 * and the OPT RR is there when it fits with the question */
	limit = 12 + (size_t)data[size - 1] * 2;
	reserve = m.edns.present ? 11 + (size_t)m.edns.rdlen : 0;
	tw_dns_writer_init(&w, out, sizeof(out));
	tw_dns_writer_limit(&w, limit, reserve);
	rc = copy_msg(&w, &m);
	CHECK(rc == 0 || rc == -ENOSPC);
	len = tw_dns_writer_finish(&w);
	if (len > 0) {
		CHECK((size_t)len <= limit);
		CHECK(tw_dns_parse(&m2, out, (size_t)len) == 0);
		CHECK(m2.end_off == (size_t)len);
		if (m.edns.present && m.edns.version == 0 &&
		    (m.hdr.qdcount == 0 ? 12 : m.q.end_off) + reserve <= limit)
			CHECK(m2.edns.present);
	} else {
		CHECK(len == -ENOSPC); /* the question did not fit */
	}

	/* a response to it, if it is a query */
	if (!(m.hdr.flags & TW_DNS_F_QR)) {
		tw_dns_writer_init(&w, out, sizeof(out));
		CHECK(tw_dns_write_response_start(&w, &m, 2) == 0);
		len = tw_dns_writer_finish(&w);
		CHECK(len > 0 && tw_dns_parse(&m2, out, (size_t)len) == 0);
		CHECK(m2.hdr.id == m.hdr.id && (m2.hdr.flags & TW_DNS_F_QR));
	}
	return 0;
}
