/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Presentation format: type, class and rcode mnemonics, and one-line
 * printing of RRs (RFC 1035 5.1, RFC 3597 5, RFC 4034 2.2/3.2/4.2/5.3,
 * RFC 5155 3.3/4.3, RFC 6891 for OPT as a comment).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "dns_priv.h"
#include "tw_dns.h"

/* Mnemonics from the IANA "Resource Record (RR) TYPEs" registry. */
static const struct {
	uint16_t type;
	const char *name;
} type_names[] = {
	{ 1, "A" },	 { 2, "NS" },	     { 3, "MD" },
	{ 4, "MF" },	 { 5, "CNAME" },     { 6, "SOA" },
	{ 7, "MB" },	 { 8, "MG" },	     { 9, "MR" },
	{ 10, "NULL" },	 { 11, "WKS" },	     { 12, "PTR" },
	{ 13, "HINFO" }, { 14, "MINFO" },    { 15, "MX" },
	{ 16, "TXT" },	 { 17, "RP" },	     { 18, "AFSDB" },
	{ 19, "X25" },	 { 20, "ISDN" },     { 21, "RT" },
	{ 22, "NSAP" },	 { 23, "NSAP-PTR" }, { 24, "SIG" },
	{ 25, "KEY" },	 { 26, "PX" },	     { 27, "GPOS" },
	{ 28, "AAAA" },	 { 29, "LOC" },	     { 30, "NXT" },
	{ 31, "EID" },	 { 32, "NIMLOC" },   { 33, "SRV" },
	{ 34, "ATMA" },	 { 35, "NAPTR" },    { 36, "KX" },
	{ 37, "CERT" },	 { 38, "A6" },	     { 39, "DNAME" },
	{ 40, "SINK" },	 { 41, "OPT" },	     { 42, "APL" },
	{ 43, "DS" },	 { 44, "SSHFP" },    { 45, "IPSECKEY" },
	{ 46, "RRSIG" }, { 47, "NSEC" },     { 48, "DNSKEY" },
	{ 49, "DHCID" }, { 50, "NSEC3" },    { 51, "NSEC3PARAM" },
	{ 52, "TLSA" },	 { 53, "SMIMEA" },   { 55, "HIP" },
	{ 56, "NINFO" }, { 57, "RKEY" },     { 58, "TALINK" },
	{ 59, "CDS" },	 { 60, "CDNSKEY" },  { 61, "OPENPGPKEY" },
	{ 62, "CSYNC" }, { 63, "ZONEMD" },   { 64, "SVCB" },
	{ 65, "HTTPS" }, { 99, "SPF" },	     { 100, "UINFO" },
	{ 101, "UID" },	 { 102, "GID" },     { 103, "UNSPEC" },
	{ 104, "NID" },	 { 105, "L32" },     { 106, "L64" },
	{ 107, "LP" },	 { 108, "EUI48" },   { 109, "EUI64" },
	{ 249, "TKEY" }, { 250, "TSIG" },    { 251, "IXFR" },
	{ 252, "AXFR" }, { 253, "MAILB" },   { 254, "MAILA" },
	{ 255, "ANY" },	 { 256, "URI" },     { 257, "CAA" },
	{ 258, "AVC" },	 { 259, "DOA" },     { 260, "AMTRELAY" },
	{ 32768, "TA" }, { 32769, "DLV" },
};

const char *
tw_dns_type_str(uint16_t type, char buf[16])
{
	size_t i;

	for (i = 0; i < TW_ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	snprintf(buf, 16, "TYPE%u", type); /* RFC 3597 5 */
	return buf;
}

/* Decimal 0..max, digits only. @return the value or -1. */
static long
parse_uint(const char *s, long max)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

int
tw_dns_type_from_str(const char *s)
{
	size_t i;
	long v;

	for (i = 0; i < TW_ARRAY_SIZE(type_names); i++)
		if (strcasecmp(s, type_names[i].name) == 0)
			return type_names[i].type;
	if (strncasecmp(s, "TYPE", 4) == 0) {
		v = parse_uint(s + 4, UINT16_MAX);
		if (v >= 0)
			return (int)v;
	}
	return -TW_ESYNTAX;
}

const char *
tw_dns_rcode_str(uint16_t rcode)
{
	/* RFC 1035 4.1.1, RFC 2136 2.2, RFC 6891 9, RFC 8945 5.3,
	 * RFC 7873 8, RFC 8490 10.2 */
	static const char *const names[] = {
		"NOERROR", "FORMERR",	"SERVFAIL", "NXDOMAIN",	 "NOTIMP",
		"REFUSED", "YXDOMAIN",	"YXRRSET",  "NXRRSET",	 "NOTAUTH",
		"NOTZONE", "DSOTYPENI", NULL,	    NULL,	 NULL,
		NULL,	   "BADVERS",	"BADKEY",   "BADTIME",	 "BADMODE",
		"BADNAME", "BADALG",	"BADTRUNC", "BADCOOKIE",
	};

	if (rcode < TW_ARRAY_SIZE(names) && names[rcode] != NULL)
		return names[rcode];
	return "RESERVED";
}

/* ---- Output buffer ------------------------------------------------------ */

struct sb {
	char *buf;
	size_t size;
	size_t len;
	bool full;
};

static void
sb_raw(struct sb *s, const char *p, size_t n)
{
	if (s->full || n >= s->size - s->len) {
		s->full = true;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void
sb_str(struct sb *s, const char *p)
{
	sb_raw(s, p, strlen(p));
}

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct sb *s, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		s->full = true;
		return;
	}
	sb_raw(s, tmp, (size_t)n);
}

static void
sb_name(struct sb *s, const uint8_t *name)
{
	int n;

	if (s->full)
		return;
	n = tw_dns_name_to_str(name, s->buf + s->len, s->size - s->len);
	if (n < 0 || (size_t)n >= s->size - s->len) {
		s->full = true;
		s->buf[s->len] = '\0';
		return;
	}
	s->len += (size_t)n;
}

static void
sb_hex(struct sb *s, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char tmp[64];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		tmp[k++] = digits[p[i] >> 4];
		tmp[k++] = digits[p[i] & 15];
		if (k == sizeof(tmp)) {
			sb_raw(s, tmp, k);
			k = 0;
		}
	}
	sb_raw(s, tmp, k);
}

/* RFC 4648 4, with padding. */
static void
sb_base64(struct sb *s, const uint8_t *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		sb_raw(s, q, 4);
	}
}

/* RFC 4648 7 "base32hex", unpadded (RFC 5155 3.3). */
static void
sb_base32hex(struct sb *s, const uint8_t *p, size_t n)
{
	static const char b32[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		acc = acc << 8 | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			c = b32[(acc >> bits) & 31];
			sb_raw(s, &c, 1);
		}
	}
	if (bits > 0) {
		c = b32[(acc << (5 - bits)) & 31];
		sb_raw(s, &c, 1);
	}
}

/* A <character-string> in quotes, RFC 1035 5.1 escapes. */
static void
sb_qstring(struct sb *s, const uint8_t *p, size_t n)
{
	size_t i;

	sb_raw(s, "\"", 1);
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			char e[2] = { '\\', (char)p[i] };

			sb_raw(s, e, 2);
		} else if (p[i] < 0x20 || p[i] >= 0x7f) {
			sb_printf(s, "\\%03u", p[i]);
		} else {
			sb_raw(s, (const char *)p + i, 1);
		}
	}
	sb_raw(s, "\"", 1);
}

static void
sb_type(struct sb *s, uint16_t type)
{
	char buf[16];

	sb_str(s, tw_dns_type_str(type, buf));
}

/* " TYPE TYPE ..." of a type bit map (RFC 4034 4.1.2), validated. */
static int
sb_bitmap(struct sb *s, const uint8_t *p, size_t n)
{
	size_t pos = 0, i;
	int last = -1;
	unsigned b;

	while (pos < n) {
		size_t len;

		if (n - pos < 2)
			return -TW_ERDATA;
		len = p[pos + 1];
		if ((int)p[pos] <= last || len == 0 || len > 32 ||
		    len > n - pos - 2)
			return -TW_ERDATA;
		last = p[pos];
		for (i = 0; i < len; i++) {
			for (b = 0; b < 8; b++) {
				if (!(p[pos + 2 + i] & (0x80 >> b)))
					continue;
				sb_raw(s, " ", 1);
				sb_type(s, (uint16_t)(last << 8 |
						      (int)(i * 8 + b)));
			}
		}
		pos += 2 + len;
	}
	return 0;
}

/* The length of the uncompressed name at @p p, which must end by @p n. */
static int
name_in(const uint8_t *p, size_t n)
{
	int len = tw_dns_name_check(p, n);

	return len < 0 ? -TW_ERDATA : len;
}

/* RFC 4034 3.2: YYYYMMDDHHmmSS in UTC. */
static void
sb_time(struct sb *s, uint32_t t)
{
	/* Days since 1970-01-01 to the civil date, in 400-year eras that
	 * start on 1 March (leap day last). */
	uint32_t z = t / 86400 + 719468, sec = t % 86400;
	uint32_t era = z / 146097, doe = z - era * 146097;
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint32_t mp = (5 * doy + 2) / 153;
	uint32_t d = doy - (153 * mp + 2) / 5 + 1;
	uint32_t m = mp < 10 ? mp + 3 : mp - 9;
	uint32_t y = yoe + era * 400 + (m <= 2);

	sb_printf(s, "%04u%02u%02u%02u%02u%02u", y, m, d, sec / 3600,
		  sec / 60 % 60, sec % 60);
}

static const char *
ede_name(uint16_t code)
{
	/* RFC 8914 4 and the IANA registry */
	static const char *const names[] = {
		"Other",
		"Unsupported DNSKEY Algorithm",
		"Unsupported DS Digest Type",
		"Stale Answer",
		"Forged Answer",
		"DNSSEC Indeterminate",
		"DNSSEC Bogus",
		"Signature Expired",
		"Signature Not Yet Valid",
		"DNSKEY Missing",
		"RRSIGs Missing",
		"No Zone Key Bit Set",
		"NSEC Missing",
		"Cached Error",
		"Not Ready",
		"Blocked",
		"Censored",
		"Filtered",
		"Prohibited",
		"Stale NXDOMAIN Answer",
		"Not Authoritative",
		"Not Supported",
		"No Reachable Authority",
		"Network Error",
		"Invalid Data",
		"Signature Expired before Valid",
		"Too Early",
		"Unsupported NSEC3 Iterations Value",
	};

	return code < TW_ARRAY_SIZE(names) ? names[code] : "Unknown";
}

/*
 * OPT (RFC 6891 6.1.3) as a comment line, like dig's pseudosection:
 * "; EDNS: version 0; flags: do; udp: 1232; EDE: 6 (DNSSEC Bogus) "x""
 */
static int
print_opt(struct sb *s, uint16_t rclass, uint32_t ttl, const uint8_t *p,
	  size_t n)
{
	uint16_t flags = (uint16_t)ttl;
	size_t pos = 0;

	sb_printf(s, "; EDNS: version %u; flags:", (ttl >> 16) & 0xff);
	if (flags & TW_DNS_EDNS_DO)
		sb_str(s, " do");
	if (flags & ~TW_DNS_EDNS_DO)
		sb_printf(s, " z=0x%04x", flags & ~TW_DNS_EDNS_DO);
	sb_printf(s, "; udp: %u", rclass);
	if (ttl >> 24)
		sb_printf(s, "; ext-rcode: %u", ttl >> 24);
	while (pos < n) {
		uint16_t code, len;

		if (n - pos < 4)
			return -TW_ERDATA;
		code = tw_get16(p + pos);
		len = tw_get16(p + pos + 2);
		pos += 4;
		if (len > n - pos)
			return -TW_ERDATA;
		if (code == TW_DNS_OPT_EDE) {
			if (len < 2)
				return -TW_ERDATA;
			sb_printf(s, "; EDE: %u (%s)", tw_get16(p + pos),
				  ede_name(tw_get16(p + pos)));
			if (len > 2) {
				sb_raw(s, " ", 1);
				sb_qstring(s, p + pos + 2, len - 2u);
			}
		} else {
			if (code == TW_DNS_OPT_COOKIE)
				sb_str(s, "; COOKIE:");
			else
				sb_printf(s, "; OPT%u:", code);
			if (len > 0) {
				sb_raw(s, " ", 1);
				sb_hex(s, p + pos, len);
			}
		}
		pos += len;
	}
	return 0;
}

static int
print_rdata(struct sb *s, uint16_t type, const uint8_t *p, size_t n)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t off;
	int a, b;

	/* Empty rdata (RFC 2136 2.5 class NONE/ANY updates, or broken):
	 * the generic form says it without guessing (RFC 3597 5). */
	if (n == 0) {
		sb_str(s, "\\# 0");
		return 0;
	}
	switch (type) {
	case TW_DNS_T_A:
		if (n != 4)
			return -TW_ERDATA;
		sb_printf(s, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
		return 0;
	case TW_DNS_T_AAAA:
		if (n != 16)
			return -TW_ERDATA;
		/* RFC 5952 text form */
		inet_ntop(AF_INET6, p, tmp, sizeof(tmp));
		sb_str(s, tmp);
		return 0;
	case TW_DNS_T_NS:
	case TW_DNS_T_CNAME:
	case TW_DNS_T_DNAME:
	case TW_DNS_T_PTR:
		if (name_in(p, n) != (int)n)
			return -TW_ERDATA;
		sb_name(s, p);
		return 0;
	case TW_DNS_T_MX:
		if (n < 3 || name_in(p + 2, n - 2) != (int)n - 2)
			return -TW_ERDATA;
		sb_printf(s, "%u ", tw_get16(p));
		sb_name(s, p + 2);
		return 0;
	case TW_DNS_T_SRV:
		if (n < 7 || name_in(p + 6, n - 6) != (int)n - 6)
			return -TW_ERDATA;
		sb_printf(s, "%u %u %u ", tw_get16(p), tw_get16(p + 2),
			  tw_get16(p + 4));
		sb_name(s, p + 6);
		return 0;
	case TW_DNS_T_SOA:
		a = name_in(p, n);
		if (a < 0)
			return a;
		b = name_in(p + a, n - (size_t)a);
		if (b < 0 || n - (size_t)a - (size_t)b != 20)
			return -TW_ERDATA;
		sb_name(s, p);
		sb_raw(s, " ", 1);
		sb_name(s, p + a);
		off = (size_t)a + (size_t)b;
		sb_printf(s, " %u %u %u %u %u", tw_get32(p + off),
			  tw_get32(p + off + 4), tw_get32(p + off + 8),
			  tw_get32(p + off + 12), tw_get32(p + off + 16));
		return 0;
	case TW_DNS_T_TXT:
		/* one or more <character-string>s, RFC 1035 3.3.14 */
		for (off = 0; off < n; off += 1 + (size_t)p[off])
			if (p[off] >= n - off)
				return -TW_ERDATA;
		for (off = 0; off < n; off += 1 + (size_t)p[off]) {
			if (off > 0)
				sb_raw(s, " ", 1);
			sb_qstring(s, p + off + 1, p[off]);
		}
		return 0;
	case TW_DNS_T_DS:
	case TW_DNS_T_CDS:
		/* RFC 4034 5.3: tag, algorithm, digest type, hex digest */
		if (n < 4)
			return -TW_ERDATA;
		sb_printf(s, "%u %u %u", tw_get16(p), p[2], p[3]);
		if (n > 4) {
			sb_raw(s, " ", 1);
			sb_hex(s, p + 4, n - 4);
		}
		return 0;
	case TW_DNS_T_DNSKEY:
	case TW_DNS_T_CDNSKEY:
		/* RFC 4034 2.2: flags, protocol, algorithm, base64 key */
		if (n < 4)
			return -TW_ERDATA;
		sb_printf(s, "%u %u %u", tw_get16(p), p[2], p[3]);
		if (n > 4) {
			sb_raw(s, " ", 1);
			sb_base64(s, p + 4, n - 4);
		}
		return 0;
	case TW_DNS_T_RRSIG:
		/* RFC 4034 3.2 */
		if (n < 19)
			return -TW_ERDATA;
		a = name_in(p + 18, n - 18);
		if (a < 0)
			return a;
		sb_type(s, tw_get16(p));
		sb_printf(s, " %u %u %u ", p[2], p[3], tw_get32(p + 4));
		sb_time(s, tw_get32(p + 8));
		sb_raw(s, " ", 1);
		sb_time(s, tw_get32(p + 12));
		sb_printf(s, " %u ", tw_get16(p + 16));
		sb_name(s, p + 18);
		off = 18 + (size_t)a;
		if (off < n) {
			sb_raw(s, " ", 1);
			sb_base64(s, p + off, n - off);
		}
		return 0;
	case TW_DNS_T_NSEC:
		/* RFC 4034 4.2: next name, then the types */
		a = name_in(p, n);
		if (a < 0)
			return a;
		sb_name(s, p);
		return sb_bitmap(s, p + a, n - (size_t)a);
	case TW_DNS_T_NSEC3:
		/* RFC 5155 3.3: alg flags iterations salt next-hash types */
		if (n < 5 || p[4] > n - 5 || n - 5 - p[4] < 1 ||
		    p[5 + p[4]] == 0 || p[5 + p[4]] > n - 6 - p[4])
			return -TW_ERDATA;
		sb_printf(s, "%u %u %u ", p[0], p[1], tw_get16(p + 2));
		if (p[4] == 0)
			sb_raw(s, "-", 1);
		else
			sb_hex(s, p + 5, p[4]);
		off = 5 + (size_t)p[4];
		sb_raw(s, " ", 1);
		sb_base32hex(s, p + off + 1, p[off]);
		off += 1 + (size_t)p[off];
		return sb_bitmap(s, p + off, n - off);
	case TW_DNS_T_NSEC3PARAM:
		/* RFC 5155 4.3 */
		if (n < 5 || n - 5 != p[4])
			return -TW_ERDATA;
		sb_printf(s, "%u %u %u ", p[0], p[1], tw_get16(p + 2));
		if (p[4] == 0)
			sb_raw(s, "-", 1);
		else
			sb_hex(s, p + 5, p[4]);
		return 0;
	default:
		/* RFC 3597 5: \# length hex */
		sb_printf(s, "\\# %zu ", n);
		sb_hex(s, p, n);
		return 0;
	}
}

int
tw_dns_rr_to_str(const uint8_t *owner, uint16_t type, uint16_t rclass,
		 uint32_t ttl, const uint8_t *rdata, size_t rdlen, char *buf,
		 size_t size)
{
	struct sb s = { .buf = buf, .size = size };
	int rc;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (type == TW_DNS_T_OPT) {
		rc = print_opt(&s, rclass, ttl, rdata, rdlen);
	} else {
		sb_name(&s, owner);
		sb_printf(&s, " %u ", ttl);
		if (rclass == TW_DNS_C_IN)
			sb_str(&s, "IN");
		else if (rclass == 3)
			sb_str(&s, "CH"); /* RFC 1035 3.2.4 */
		else if (rclass == 4)
			sb_str(&s, "HS");
		else if (rclass == 254)
			sb_str(&s, "NONE"); /* RFC 2136 2.4 */
		else if (rclass == 255)
			sb_str(&s, "ANY"); /* RFC 1035 3.2.5 */
		else
			sb_printf(&s, "CLASS%u", rclass); /* RFC 3597 5 */
		sb_raw(&s, " ", 1);
		sb_type(&s, type);
		sb_raw(&s, " ", 1);
		rc = print_rdata(&s, type, rdata, rdlen);
	}
	if (rc < 0) {
		buf[0] = '\0';
		return rc;
	}
	if (s.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)s.len;
}

int
tw_dns_rr_print(const struct tw_dns_msg *m, const struct tw_dns_rr *rr,
		char *buf, size_t size)
{
	uint8_t owner[TW_DNS_NAME_MAX];
	uint8_t small[1024];
	uint8_t *rd = small;
	const uint8_t *rdata = m->pkt + rr->rdata_off;
	size_t cap = sizeof(small);
	int n, rdlen = rr->rdlen;

	n = tw_dns_name_unpack(m->pkt, m->len, rr->owner_off, owner, NULL);
	if (n < 0)
		return n;
	if (rr->rdata_off > m->len || rr->rdlen > m->len - rr->rdata_off)
		return -TW_ETRUNC;
	if (tw_dns_rdesc(rr->type) != NULL) {
		/* Expand the names, case kept. No layout has more than two
		 * names, each of which grows to at most 255 octets. */
		if ((size_t)rr->rdlen + 2 * TW_DNS_NAME_MAX > cap) {
			cap = (size_t)rr->rdlen + 2 * TW_DNS_NAME_MAX;
			rd = tw_malloc(cap);
			if (rd == NULL)
				return -ENOMEM;
		}
		rdlen = tw_dns_rdata_expand(m->pkt, m->len, rr, rd, cap, 0);
		rdata = rd;
	}
	n = rdlen < 0 ? rdlen
		      : tw_dns_rr_to_str(owner, rr->type, rr->rclass, rr->ttl,
					 rdata, (size_t)rdlen, buf, size);
	if (rd != small)
		tw_free(rd);
	return n;
}
