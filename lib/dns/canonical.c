/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Canonical form (RFC 4034 6, RFC 6840 5.1): canonical rdata, canonical
 * RR ordering and the byte string an RRSIG signs.
 *
 * Canonical rdata uses the same rdata layout walker as tw_dns_parse()
 * (tw_dns_rdata_expand(), dns_priv.h), so whatever the parser accepted
 * has a canonical form. The names it lowercases are those of RFC 4034
 * 6.2 item 3 as amended by RFC 6840 5.1: NS, MD, MF, CNAME, SOA, MB, MG,
 * MR, PTR, MINFO, MX, RP, AFSDB, RT, SIG, PX, NXT, NAPTR, KX, SRV, DNAME,
 * A6 and RRSIG (the signer); not NSEC's next name, and HINFO holds no
 * name at all. Field layouts: SOA mname rname + 20 octets; MX, AFSDB, RT,
 * KX 16-bit preference + name; RP, MINFO 2 names; PX preference + 2
 * names; SRV priority, weight, port + target; NAPTR order, preference,
 * three character-strings (flags, services, regexp) + replacement; SIG
 * and RRSIG 18 octets + signer + signature; NXT name + bitmap; A6 prefix
 * length, address suffix, prefix name when the length is not 0.
 */
#include <stdlib.h>
#include <string.h>

#include "dns_priv.h"
#include "tw_dns.h"

int
tw_dns_rr_canonical_rdata(const struct tw_dns_msg *m,
			  const struct tw_dns_rr *rr, uint8_t *out, size_t cap)
{
	int n = tw_dns_rdata_expand(m->pkt, m->len, rr, out, cap,
				    TW_DNS_X_CANON);

	/* RDLENGTH is 16 bits: an rdata that only grows past it by name
	 * expansion can be neither signed nor sent (RFC 1035 3.2.1). */
	return n > UINT16_MAX ? -TW_ERDATA : n;
}

int
tw_dns_rdata_cmp(const struct tw_dns_rdata_ref *a,
		 const struct tw_dns_rdata_ref *b)
{
	size_t n = TW_MIN(a->len, b->len);
	int c = n > 0 ? memcmp(a->data, b->data, n) : 0;

	if (c != 0)
		return c;
	/* RFC 4034 6.3: the absence of an octet sorts before a zero octet */
	return (int)a->len - (int)b->len;
}

static int
rdata_qsort_cmp(const void *a, const void *b)
{
	return tw_dns_rdata_cmp(a, b);
}

int
tw_dns_sigdata(const uint8_t *rrsig_rdata, size_t rrsig_len,
	       const uint8_t *owner, uint16_t type, uint16_t rclass,
	       struct tw_dns_rdata_ref *rdatas, size_t n, uint8_t *out,
	       size_t cap)
{
	uint8_t name[TW_DNS_NAME_MAX];
	const uint8_t *suffix;
	size_t fixed, name_len, total, pos, i;
	int sl, ol, labels, owner_labels;
	uint8_t orig_ttl[4];

	/* RFC 4034 3.1: 18 octets of fixed fields, then the signer name,
	 * which is never compressed (3.1.7), then the signature. */
	if (rrsig_len < 18)
		return -TW_ERDATA;
	sl = tw_dns_name_check(rrsig_rdata + 18, rrsig_len - 18);
	if (sl < 0)
		return -TW_ERDATA;
	fixed = 18 + (size_t)sl;
	labels = rrsig_rdata[3];
	memcpy(orig_ttl, rrsig_rdata + 4, 4);

	ol = tw_dns_name_check(owner, TW_DNS_NAME_MAX);
	if (ol < 0)
		return ol;
	owner_labels = tw_dns_name_labels(owner);
	if (labels > owner_labels)
		return -TW_ERDATA;
	if (labels < owner_labels) {
		/* RFC 4035 5.3.2: a wildcard expansion is verified against
		 * the wildcard owner "*." + the rightmost labels. */
		suffix = tw_dns_name_suffix(owner, labels);
		name_len = 2 + tw_dns_name_len(suffix);
		name[0] = 1;
		name[1] = '*';
		memcpy(name + 2, suffix, name_len - 2);
	} else {
		name_len = (size_t)ol;
		memcpy(name, owner, name_len);
	}
	tw_dns_name_lower(name); /* RFC 4034 6.2 items 2 and 3 */

	/* RFC 4034 6.3: canonical order; identical RRs only once */
	if (n > 1)
		qsort(rdatas, n, sizeof(*rdatas), rdata_qsort_cmp);
	total = fixed;
	for (i = 0; i < n; i++) {
		if (i > 0 && tw_dns_rdata_cmp(&rdatas[i - 1], &rdatas[i]) == 0)
			continue;
		total += name_len + 10 + rdatas[i].len;
		if (total > cap)
			return -ENOSPC;
	}
	if (total > cap || total > INT32_MAX)
		return -ENOSPC;

	memcpy(out, rrsig_rdata, fixed);
	tw_dns_name_lower(out + 18);
	pos = fixed;
	for (i = 0; i < n; i++) {
		if (i > 0 && tw_dns_rdata_cmp(&rdatas[i - 1], &rdatas[i]) == 0)
			continue;
		memcpy(out + pos, name, name_len);
		pos += name_len;
		tw_put16(out + pos, type);
		tw_put16(out + pos + 2, rclass);
		/* RFC 4034 3.1.8.1: the TTL is the RRSIG's Original TTL */
		memcpy(out + pos + 4, orig_ttl, 4);
		tw_put16(out + pos + 8, rdatas[i].len);
		pos += 10;
		if (rdatas[i].len > 0)
			memcpy(out + pos, rdatas[i].data, rdatas[i].len);
		pos += rdatas[i].len;
	}
	return (int)pos;
}
