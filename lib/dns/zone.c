/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zone-file (master file, RFC 1035 5) reader for trust-anchor files: DS
 * and DNSKEY entries as in /usr/share/dns/root.key and root.ds, BIND and
 * ldns output.
 *
 * Accepted syntax (RFC 1035 5.1, RFC 2308 4):
 * - "owner [TTL] [CLASS] TYPE rdata", TTL and class in either order
 *   (class IN, CH, CS, HS, NONE, ANY or CLASSnnn, RFC 3597 5); the
 *   TTL may use BIND units (1h30m, 2d, 1w). Without a TTL: the $TTL
 *   value, else the last TTL stated, else the caller's default (0 for
 *   tw_dns_zone_parse()). Without a class: IN.
 * - ";" starts a comment; "\" escapes the next character of a token.
 * - Parentheses group an entry over several lines (tw_dns_zone_parse();
 *   tw_dns_zone_line() accepts them balanced within its line).
 * - Names: absolute ("example.") or relative to the origin, which is the
 *   root unless $ORIGIN says otherwise, so with no $ORIGIN a relative
 *   name is taken as absolute ("example" is "example."). "@" is the
 *   origin. An entry whose line starts with a blank has no owner field
 *   and takes the previous entry's owner (tw_dns_zone_parse() only).
 * - Directives (tw_dns_zone_parse() only): $TTL and $ORIGIN; $INCLUDE
 *   and the others give -TW_EUNSUPP.
 * - Types: DS (RFC 4034 5.3: tag, algorithm, digest type, hex digest)
 *   and DNSKEY (RFC 4034 2.2: flags, protocol, algorithm, base64 key);
 *   the algorithm as a number or mnemonic (RSASHA256, ...). Hex and
 *   base64 may be split by blanks. Any other type is -TW_EUNSUPP.
 */
#include <ctype.h>
#include <strings.h>

#include "tw_dns.h"

/* Where the scanner is. */
struct scan {
	const char *p;
	unsigned line;	   /* of p, 1-based */
	unsigned tok_line; /* of the last token or error */
	int depth;	   /* open parentheses */
	bool multi;	   /* a newline outside parentheses ends the entry */
};

struct tok {
	const char *p;
	size_t n;
};

/* State carried from entry to entry. */
struct zstate {
	uint8_t origin[TW_DNS_NAME_MAX];
	size_t origin_len;
	uint8_t prev[TW_DNS_NAME_MAX];
	size_t prev_len; /* 0: no previous owner */
	uint32_t ttl;	 /* default TTL */
	bool ttl_dir;	 /* $TTL seen: it wins over the last TTL stated */
};

static bool
is_delim(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '(' || c == ')' || c == ';';
}

/*
 * Next token of the current entry.
 * @return 1, 0 at the end of the entry (the end of the text, or a newline
 *   outside parentheses in multi-line mode, left unread), -TW_ESYNTAX.
 */
static int
next_tok(struct scan *sc, struct tok *t)
{
	for (;;) {
		char c = *sc->p;

		if (c == '\0') {
			sc->tok_line = sc->line;
			return sc->depth == 0 ? 0 : -TW_ESYNTAX;
		}
		if (c == '\n') {
			if (sc->multi && sc->depth == 0)
				return 0;
			sc->line++;
		} else if (c == '(') {
			sc->depth++;
		} else if (c == ')') {
			if (sc->depth == 0) {
				sc->tok_line = sc->line;
				return -TW_ESYNTAX;
			}
			sc->depth--;
		} else if (c == ';') {
			while (sc->p[1] != '\0' && sc->p[1] != '\n')
				sc->p++;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		sc->p++;
	}
	t->p = sc->p;
	sc->tok_line = sc->line;
	while (!is_delim(*sc->p)) {
		if (sc->p[0] == '\\' && sc->p[1] != '\0' && sc->p[1] != '\n')
			sc->p++;
		sc->p++;
	}
	t->n = (size_t)(sc->p - t->p);
	return 1;
}

/* The end of the entry must follow. */
static int
expect_end(struct scan *sc)
{
	struct tok t;
	int rc = next_tok(sc, &t);

	return rc == 0 ? 0 : -TW_ESYNTAX;
}

static bool
tok_is(const struct tok *t, const char *s)
{
	return strlen(s) == t->n && strncasecmp(t->p, s, t->n) == 0;
}

/* Decimal 0..max. @return the value or -1. */
static long
tok_uint(const struct tok *t, long max)
{
	long v = 0;
	size_t i;

	if (t->n == 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return -1;
		v = v * 10 + (t->p[i] - '0');
		if (v > max)
			return -1;
	}
	return v;
}

/* A TTL: seconds, or BIND-style units ("1h30m", "2D", "1w"). */
static int
tok_ttl(const struct tok *t, uint32_t *ttl)
{
	uint64_t total = 0, v = 0;
	bool digits = false;
	size_t i;

	for (i = 0; i < t->n; i++) {
		char c = (char)tolower((unsigned char)t->p[i]);
		uint64_t mul;

		if (c >= '0' && c <= '9') {
			v = v * 10 + (uint64_t)(c - '0');
			if (v > UINT32_MAX)
				return -TW_ESYNTAX;
			digits = true;
			continue;
		}
		if (!digits)
			return -TW_ESYNTAX;
		switch (c) {
		case 's':
			mul = 1;
			break;
		case 'm':
			mul = 60;
			break;
		case 'h':
			mul = 3600;
			break;
		case 'd':
			mul = 86400;
			break;
		case 'w':
			mul = 604800;
			break;
		default:
			return -TW_ESYNTAX;
		}
		total += v * mul;
		if (total > UINT32_MAX)
			return -TW_ESYNTAX;
		v = 0;
		digits = false;
	}
	total += v;
	if (i == 0 || total > UINT32_MAX)
		return -TW_ESYNTAX;
	*ttl = (uint32_t)total;
	return 0;
}

/* IN, CH (or CS), HS, CLASSnnn (RFC 3597 5). @return true if a class. */
static bool
tok_class(const struct tok *t, uint16_t *cls)
{
	struct tok num;
	long v;

	if (tok_is(t, "IN"))
		*cls = TW_DNS_C_IN;
	else if (tok_is(t, "CS"))
		*cls = 2;
	else if (tok_is(t, "CH"))
		*cls = 3;
	else if (tok_is(t, "HS"))
		*cls = 4;
	else if (tok_is(t, "NONE"))
		*cls = 254;
	else if (tok_is(t, "ANY"))
		*cls = 255;
	else if (t->n > 5 && strncasecmp(t->p, "CLASS", 5) == 0) {
		num.p = t->p + 5;
		num.n = t->n - 5;
		v = tok_uint(&num, UINT16_MAX);
		if (v < 0)
			return false;
		*cls = (uint16_t)v;
	} else {
		return false;
	}
	return true;
}

/* DNSSEC algorithm number or mnemonic (IANA registry, RFC 8624). */
static int
tok_alg(const struct tok *t)
{
	static const struct {
		const char *name;
		uint8_t num;
	} algs[] = {
		{ "RSAMD5", 1 },
		{ "DH", 2 },
		{ "DSA", 3 },
		{ "RSASHA1", 5 },
		{ "DSA-NSEC3-SHA1", 6 },
		{ "RSASHA1-NSEC3-SHA1", 7 },
		{ "RSASHA256", 8 },
		{ "RSASHA512", 10 },
		{ "ECC-GOST", 12 },
		{ "ECDSAP256SHA256", 13 },
		{ "ECDSAP384SHA384", 14 },
		{ "ED25519", 15 },
		{ "ED448", 16 },
		{ "INDIRECT", 252 },
		{ "PRIVATEDNS", 253 },
		{ "PRIVATEOID", 254 },
	};
	long v = tok_uint(t, UINT8_MAX);
	size_t i;

	if (v >= 0)
		return (int)v;
	for (i = 0; i < TW_ARRAY_SIZE(algs); i++)
		if (tok_is(t, algs[i].name))
			return algs[i].num;
	return -TW_ESYNTAX;
}

/* A domain name token, relative to the origin. */
static int
tok_name(const struct tok *t, const struct zstate *st,
	 uint8_t out[TW_DNS_NAME_MAX])
{
	char buf[4 * TW_DNS_NAME_MAX + 8];
	size_t bs = 0;
	int n;

	if (t->n == 1 && t->p[0] == '@') {
		memcpy(out, st->origin, st->origin_len);
		return (int)st->origin_len;
	}
	if (t->n >= sizeof(buf))
		return -TW_ENAMELEN;
	memcpy(buf, t->p, t->n);
	buf[t->n] = '\0';
	n = tw_dns_name_from_str(buf, out);
	if (n < 0)
		return n;
	/* Absolute when it ends in a dot that is not escaped. */
	while (bs + 1 < t->n && t->p[t->n - 2 - bs] == '\\')
		bs++;
	if (t->p[t->n - 1] == '.' && bs % 2 == 0)
		return n;
	if (st->origin_len == 1)
		return n;
	if ((size_t)n - 1 + st->origin_len > TW_DNS_NAME_MAX)
		return -TW_ENAMELEN;
	memcpy(out + n - 1, st->origin, st->origin_len);
	return n - 1 + (int)st->origin_len;
}

static int
b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * The rest of the entry as base64 (RFC 4648 4, padded), blanks allowed
 * between tokens, appended to out->rdata.
 */
static int
rest_base64(struct scan *sc, struct tw_dns_zone_rr *out)
{
	uint32_t acc = 0;
	unsigned q = 0, pq = 0; /* data and pad characters in the quantum */
	bool done = false, any = false;
	struct tok t;
	size_t i;
	int rc;

	while ((rc = next_tok(sc, &t)) == 1) {
		for (i = 0; i < t.n; i++) {
			int v = b64_val(t.p[i]);

			if (done || (v < 0 && t.p[i] != '=') ||
			    (v >= 0 && pq > 0) || (v < 0 && q < 2))
				return -TW_ESYNTAX;
			if (v >= 0) {
				acc = acc << 6 | (uint32_t)v;
				q++;
			} else {
				pq++;
			}
			if (q + pq < 4)
				continue;
			/* a full quantum: q data characters give q-1 octets */
			if (out->rdlen + q - 1 > TW_DNS_ZONE_RDATA_MAX)
				return -ENOSPC;
			acc <<= 6 * pq;
			out->rdata[out->rdlen++] = (uint8_t)(acc >> 16);
			if (q > 2)
				out->rdata[out->rdlen++] = (uint8_t)(acc >> 8);
			if (q > 3)
				out->rdata[out->rdlen++] = (uint8_t)acc;
			done = pq > 0;
			acc = 0;
			q = pq = 0;
			any = true;
		}
	}
	if (rc < 0)
		return rc;
	return q == 0 && pq == 0 && any ? 0 : -TW_ESYNTAX;
}

/* The rest of the entry as hex, blanks allowed between tokens. */
static int
rest_hex(struct scan *sc, struct tw_dns_zone_rr *out)
{
	bool half = false, any = false;
	struct tok t;
	size_t i;
	int rc;

	while ((rc = next_tok(sc, &t)) == 1) {
		for (i = 0; i < t.n; i++) {
			char c = (char)tolower((unsigned char)t.p[i]);
			int v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else
				return -TW_ESYNTAX;
			if (!half) {
				if (out->rdlen >= TW_DNS_ZONE_RDATA_MAX)
					return -ENOSPC;
				out->rdata[out->rdlen] = (uint8_t)(v << 4);
			} else {
				out->rdata[out->rdlen++] |= (uint8_t)v;
			}
			half = !half;
			any = true;
		}
	}
	if (rc < 0)
		return rc;
	return any && !half ? 0 : -TW_ESYNTAX;
}

/* Next token, which must exist, as a number 0..max. */
static int
next_uint(struct scan *sc, long max, long *v)
{
	struct tok t;
	int rc = next_tok(sc, &t);

	if (rc < 0)
		return rc;
	if (rc == 0 || (*v = tok_uint(&t, max)) < 0)
		return -TW_ESYNTAX;
	return 0;
}

static int
next_alg(struct scan *sc, long *v)
{
	struct tok t;
	int rc = next_tok(sc, &t);

	if (rc < 0)
		return rc;
	if (rc == 0 || (*v = tok_alg(&t)) < 0)
		return -TW_ESYNTAX;
	return 0;
}

static int
parse_rdata(struct scan *sc, struct tw_dns_zone_rr *out)
{
	long a, b, c;
	int rc;

	out->rdlen = 4;
	if (out->type == TW_DNS_T_DNSKEY) {
		/* RFC 4034 2.2: flags protocol algorithm key */
		rc = next_uint(sc, UINT16_MAX, &a);
		if (rc == 0)
			rc = next_uint(sc, UINT8_MAX, &b);
		if (rc == 0)
			rc = next_alg(sc, &c);
		if (rc < 0)
			return rc;
		tw_put16(out->rdata, (uint16_t)a);
		out->rdata[2] = (uint8_t)b;
		out->rdata[3] = (uint8_t)c;
		return rest_base64(sc, out);
	}
	/* DS, RFC 4034 5.3: key tag, algorithm, digest type, digest */
	rc = next_uint(sc, UINT16_MAX, &a);
	if (rc == 0)
		rc = next_alg(sc, &b);
	if (rc == 0)
		rc = next_uint(sc, UINT8_MAX, &c);
	if (rc < 0)
		return rc;
	tw_put16(out->rdata, (uint16_t)a);
	out->rdata[2] = (uint8_t)b;
	out->rdata[3] = (uint8_t)c;
	return rest_hex(sc, out);
}

static int
directive(struct scan *sc, struct zstate *st, const struct tok *d)
{
	uint8_t name[TW_DNS_NAME_MAX];
	struct tok t;
	int rc;

	if (!tok_is(d, "$TTL") && !tok_is(d, "$ORIGIN"))
		return -TW_EUNSUPP; /* $INCLUDE, $GENERATE, ... */
	rc = next_tok(sc, &t);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -TW_ESYNTAX;
	if (tok_is(d, "$TTL")) {
		rc = tok_ttl(&t, &st->ttl);
		st->ttl_dir = true;
	} else {
		rc = tok_name(&t, st, name);
		if (rc > 0) {
			memcpy(st->origin, name, (size_t)rc);
			st->origin_len = (size_t)rc;
		}
	}
	if (rc < 0)
		return rc;
	return expect_end(sc);
}

/*
 * Parse one entry from the scanner. @return 1 (an RR in @p out), 0 (blank,
 * comment or directive), or an error; sc->tok_line tells where.
 */
static int
parse_entry(struct scan *sc, struct zstate *st, bool directives,
	    struct tw_dns_zone_rr *out)
{
	bool no_owner = *sc->p == ' ' || *sc->p == '\t';
	bool have_ttl = false, have_class = false;
	char tbuf[24];
	struct tok t;
	int rc, type;

	rc = next_tok(sc, &t);
	if (rc <= 0)
		return rc;
	if (!no_owner && t.p[0] == '$') {
		if (!directives)
			return -TW_EUNSUPP;
		return directive(sc, st, &t);
	}
	if (no_owner) {
		/* RFC 1035 5.1: a blank owner is the last one stated */
		if (st->prev_len == 0)
			return -TW_ESYNTAX;
		memcpy(out->owner, st->prev, st->prev_len);
		out->owner_len = (uint16_t)st->prev_len;
	} else {
		rc = tok_name(&t, st, out->owner);
		if (rc < 0)
			return rc;
		out->owner_len = (uint16_t)rc;
		rc = next_tok(sc, &t);
	}
	out->ttl = st->ttl;
	out->rclass = TW_DNS_C_IN;
	for (;;) {
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -TW_ESYNTAX; /* no type */
		if (!have_ttl && t.p[0] >= '0' && t.p[0] <= '9') {
			rc = tok_ttl(&t, &out->ttl);
			if (rc < 0)
				return rc;
			have_ttl = true;
		} else if (!have_class && tok_class(&t, &out->rclass)) {
			have_class = true;
		} else {
			break;
		}
		rc = next_tok(sc, &t);
	}
	if (t.n >= sizeof(tbuf))
		return -TW_ESYNTAX;
	memcpy(tbuf, t.p, t.n);
	tbuf[t.n] = '\0';
	type = tw_dns_type_from_str(tbuf);
	if (type < 0)
		return -TW_ESYNTAX;
	if (type != TW_DNS_T_DS && type != TW_DNS_T_DNSKEY)
		return -TW_EUNSUPP;
	out->type = (uint16_t)type;
	rc = parse_rdata(sc, out);
	if (rc < 0)
		return rc;
	memcpy(st->prev, out->owner, out->owner_len);
	st->prev_len = out->owner_len;
	if (have_ttl && !st->ttl_dir)
		st->ttl = out->ttl; /* RFC 1035 5.1: the last TTL stated */
	return 1;
}

static void
zstate_init(struct zstate *st, uint32_t ttl)
{
	memset(st, 0, sizeof(*st));
	st->origin[0] = 0; /* the root */
	st->origin_len = 1;
	st->ttl = ttl;
}

int
tw_dns_zone_line(const char *line, uint32_t default_ttl,
		 struct tw_dns_zone_rr *out)
{
	struct scan sc = { .p = line, .line = 1, .multi = false };
	struct zstate st;

	zstate_init(&st, default_ttl);
	return parse_entry(&sc, &st, false, out);
}

int
tw_dns_zone_parse(const char *text, tw_dns_zone_cb cb, void *arg,
		  unsigned *err_line)
{
	struct scan sc = { .p = text, .line = 1, .multi = true };
	struct tw_dns_zone_rr rr;
	struct zstate st;
	int rc, count = 0;

	zstate_init(&st, 0);
	while (*sc.p != '\0') {
		rc = parse_entry(&sc, &st, true, &rr);
		if (rc == 1) {
			count++;
			rc = cb(&rr, arg);
			if (rc != 0) {
				if (err_line != NULL)
					*err_line = sc.tok_line;
				return rc;
			}
		} else if (rc < 0) {
			if (err_line != NULL)
				*err_line = sc.tok_line;
			return rc;
		}
		/* at the end of the entry: a newline or the end */
		if (*sc.p == '\n') {
			sc.p++;
			sc.line++;
		}
	}
	return count;
}
