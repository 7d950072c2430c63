/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Domain names: decompression (RFC 1035 4.1.4), validation, comparison in
 * canonical order (RFC 4034 6.1) and presentation format (RFC 1035 5.1,
 * RFC 4343 2.1).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dns_priv.h"
#include "tw_dns.h"

/*
 * A rejected pointer: tell a loop (the target lies in bytes this walk
 * has already read, the pointer itself included) from a forward or
 * out-of-range pointer. Cold path: re-walks the @p hops accepted jumps.
 */
static int
ptr_error(const uint8_t *pkt, size_t off, unsigned hops, size_t target)
{
	size_t seg = off, pos = off;

	for (;;) {
		uint8_t c = pkt[pos];

		if (c < TW_DNS_LABEL_PTR) {
			pos += (size_t)c + 1;
			continue;
		}
		/* Segment [seg, pos + 2) has been read. */
		if (target >= seg && target < pos + 2)
			return -TW_ELOOP;
		if (hops-- == 0)
			return -TW_EPTR;
		seg = pos = (size_t)(c & 0x3f) << 8 | pkt[pos + 1];
	}
}

/* Remember the name starts of a successful walk (see struct
 * tw_dns_name_memo): the labels read before its first pointer. */
#define TW_DNS_MEMO_LABELS 4

/*
 * RFC 1035 4.1.4. A pointer is accepted only when it points strictly
 * before the start of the run of labels being read (the name's start or
 * the previous pointer's target). Every jump therefore lands lower than
 * the last one, which rules out loops and pointers to self, and a
 * pointer can never point forward. Pointers into the header are refused
 * too: no name lives there.
 *
 * With a memo (validation only), a jump to a name start that an earlier
 * walk of the same message validated ends the walk there: that suffix is
 * known good, its length and jump count are remembered, and so is how
 * far it reads, which must stay within this walk's bound. The result is
 * the same as walking it again.
 */
static inline __attribute__((always_inline)) int
walk(const uint8_t *pkt, size_t len, size_t off, uint8_t *out, size_t *next,
     struct tw_dns_name_memo *mm)
{
	size_t pos = off, seg = off, nlen = 0, end = 0, ext = 0;
	unsigned hops = 0, nl = 0;
	uint16_t lstart[TW_DNS_MEMO_LABELS];
	uint8_t lpre[TW_DNS_MEMO_LABELS];

	for (;;) {
		uint8_t c;

		if (unlikely(pos >= len))
			return -TW_ETRUNC;
		c = pkt[pos];
		if (c == 0) {
			if (out != NULL)
				out[nlen] = 0;
			nlen++;
			if (end == 0)
				end = pos + 1;
			ext = TW_MAX(ext, pos + 1);
			break;
		}
		if (c <= TW_DNS_LABEL_MAX) {
			/* Room for this label and the root label. */
			if (unlikely(nlen + c + 2 > TW_DNS_NAME_MAX))
				return -TW_ENAMELEN;
			if (unlikely(c >= len - pos))
				return -TW_ETRUNC;
			if (out != NULL)
				memcpy(out + nlen, pkt + pos, (size_t)c + 1);
			if (mm != NULL && end == 0 && nl < TW_DNS_MEMO_LABELS) {
				lstart[nl] = (uint16_t)pos;
				lpre[nl++] = (uint8_t)nlen;
			}
			nlen += (size_t)c + 1;
			pos += (size_t)c + 1;
			continue;
		}
		/* 01 and 10 label types: RFC 6891 5 (extended labels are
		 * deprecated by RFC 6891), reserved. */
		if (unlikely(c < TW_DNS_LABEL_PTR))
			return -TW_ELABEL;
		if (unlikely(pos + 1 >= len))
			return -TW_ETRUNC;
		if (end == 0)
			end = pos + 2;
		/* How far this walk reads (segments may overlap). */
		ext = TW_MAX(ext, pos + 2);
		size_t t = (size_t)(c & 0x3f) << 8 | pkt[pos + 1];
		if (unlikely(t >= seg))
			return ptr_error(pkt, off, hops, t);
		if (unlikely(t < TW_DNS_HDR_LEN))
			return -TW_EPTR;
		if (unlikely(++hops > TW_DNS_PTR_HOPS_MAX))
			return -TW_ELOOP;
		if (mm != NULL) {
			unsigned i = tw_dns_memo_slot(t);

			if (mm->off[i] == t && mm->ext[i] <= len) {
				nlen += mm->len[i];
				hops += mm->hops[i];
				if (nlen > TW_DNS_NAME_MAX)
					return -TW_ENAMELEN;
				if (hops > TW_DNS_PTR_HOPS_MAX)
					return -TW_ELOOP;
				ext = TW_MAX(ext, (size_t)mm->ext[i]);
				break;
			}
		}
		seg = pos = t;
	}
	if (mm != NULL && ext <= UINT16_MAX) {
		/* The first segment's label starts are name starts too,
		 * reading as far as the whole walk. */
		for (unsigned i = 0; i < nl; i++) {
			unsigned k = tw_dns_memo_slot(lstart[i]);

			mm->off[k] = lstart[i];
			mm->len[k] = (uint8_t)(nlen - lpre[i]);
			mm->hops[k] = (uint8_t)hops;
			mm->ext[k] = (uint16_t)ext;
		}
	}
	if (next != NULL)
		*next = end;
	return (int)nlen;
}

int
tw_dns_name_unpack(const uint8_t *pkt, size_t len, size_t off,
		   uint8_t out[TW_DNS_NAME_MAX], size_t *next)
{
	return walk(pkt, len, off, out, next, NULL);
}

int
tw_dns_name_validate(const uint8_t *pkt, size_t len, size_t off, size_t *next,
		     struct tw_dns_name_memo *mm)
{
	return walk(pkt, len, off, NULL, next, mm);
}

int
tw_dns_name_check(const uint8_t *name, size_t cap)
{
	size_t pos = 0;

	for (;;) {
		uint8_t c;

		if (pos >= cap)
			return -TW_ETRUNC;
		c = name[pos];
		if (c == 0)
			return (int)(pos + 1);
		/* Pointers have no place in an uncompressed name. */
		if (c > TW_DNS_LABEL_MAX)
			return -TW_ELABEL;
		if (pos + c + 2 > TW_DNS_NAME_MAX)
			return -TW_ENAMELEN;
		pos += (size_t)c + 1;
	}
}

size_t
tw_dns_name_len(const uint8_t *name)
{
	size_t pos = 0;

	while (name[pos] != 0)
		pos += (size_t)name[pos] + 1;
	return pos + 1;
}

int
tw_dns_name_labels(const uint8_t *name)
{
	size_t pos = 0;
	int n = 0;

	while (name[pos] != 0) {
		pos += (size_t)name[pos] + 1;
		n++;
	}
	return n;
}

int
tw_dns_name_offsets(const uint8_t *name, uint8_t offs[TW_DNS_LABELS_MAX + 1])
{
	size_t pos = 0;
	int n = 0;

	while (name[pos] != 0 && n < TW_DNS_LABELS_MAX) {
		offs[n++] = (uint8_t)pos;
		pos += (size_t)name[pos] + 1;
	}
	offs[n] = (uint8_t)pos;
	return n;
}

void
tw_dns_name_lower(uint8_t *name)
{
	size_t pos = 0;

	/* Length octets are < 64 and not letters: fold them too. */
	while (name[pos] != 0) {
		size_t end = pos + name[pos] + 1;

		for (pos++; pos < end; pos++)
			name[pos] = tw_dns_lc(name[pos]);
	}
}

bool
tw_dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	size_t pos = 0;

	/*
	 * Length octets (< 64) compare exactly under tw_dns_lc(), and a
	 * folded letter (>= 'a') never equals one, so comparing folded bytes
	 * compares the label structure as well.
	 */
	for (;;) {
		uint8_t c = a[pos];

		if (c != b[pos])
			return false;
		if (c == 0)
			return true;
		size_t end = pos + c + 1;
		for (pos++; pos < end; pos++)
			if (tw_dns_lc(a[pos]) != tw_dns_lc(b[pos]))
				return false;
	}
}

/* Compare two labels as lowercased unsigned octet strings; a prefix
 * sorts first (RFC 4034 6.1). */
static int
label_cmp(const uint8_t *a, const uint8_t *b)
{
	size_t la = a[0], lb = b[0], n = TW_MIN(la, lb);

	for (size_t i = 1; i <= n; i++) {
		uint8_t x = tw_dns_lc(a[i]), y = tw_dns_lc(b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return la < lb ? -1 : la > lb ? 1 : 0;
}

int
tw_dns_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[TW_DNS_LABELS_MAX + 1], ob[TW_DNS_LABELS_MAX + 1];
	int na = tw_dns_name_offsets(a, oa);
	int nb = tw_dns_name_offsets(b, ob);

	/* From the rightmost (most significant) label leftwards. */
	while (na > 0 && nb > 0) {
		int r = label_cmp(a + oa[--na], b + ob[--nb]);

		if (r != 0)
			return r;
	}
	/* All shared labels equal: the name with fewer labels is first. */
	return na > 0 ? 1 : nb > 0 ? -1 : 0;
}

const uint8_t *
tw_dns_name_suffix(const uint8_t *name, int n)
{
	int labels = tw_dns_name_labels(name);
	size_t pos = 0;

	if (n < 0 || n > labels)
		return NULL;
	for (int skip = labels - n; skip > 0; skip--)
		pos += (size_t)name[pos] + 1;
	return name + pos;
}

bool
tw_dns_name_is_sub(const uint8_t *name, const uint8_t *zone)
{
	const uint8_t *s = tw_dns_name_suffix(name, tw_dns_name_labels(zone));

	return s != NULL && tw_dns_name_eq(s, zone);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * RFC 1035 5.1: "\X" is the character X, "\DDD" the octet with decimal
 * value DDD. An unescaped dot ends a label; empty labels are errors
 * except for the root name ".".
 */
int
tw_dns_name_from_str(const char *s, uint8_t out[TW_DNS_NAME_MAX])
{
	size_t lstart = 0, llen = 0;

	if (s == NULL || s[0] == '\0')
		return -TW_ESYNTAX;
	if (s[0] == '.' && s[1] == '\0') {
		out[0] = 0;
		return 1;
	}
	for (const char *p = s;; p++) {
		unsigned c = (unsigned char)*p;

		if (c == '\0' || c == '.') {
			if (llen == 0) {
				/* "a..b", ".a", but "a." ends the name. */
				if (c == '\0' && p != s && p[-1] == '.' &&
				    lstart > 0)
					break;
				return -TW_ESYNTAX;
			}
			out[lstart] = (uint8_t)llen;
			lstart += llen + 1;
			llen = 0;
			if (c == '\0')
				break;
			continue;
		}
		if (c == '\\') {
			if (is_digit(p[1])) {
				if (!is_digit(p[2]) || !is_digit(p[3]))
					return -TW_ESYNTAX;
				c = (unsigned)(p[1] - '0') * 100 +
				    (unsigned)(p[2] - '0') * 10 +
				    (unsigned)(p[3] - '0');
				if (c > 255)
					return -TW_ESYNTAX;
				p += 3;
			} else if (p[1] != '\0') {
				c = (unsigned char)*++p;
			} else {
				return -TW_ESYNTAX;
			}
		}
		if (llen == TW_DNS_LABEL_MAX)
			return -TW_ELABEL;
		/* The last label octet may sit at index 253: 254 is root. */
		if (lstart + 1 + llen > TW_DNS_NAME_MAX - 2)
			return -TW_ENAMELEN;
		out[lstart + 1 + llen++] = (uint8_t)c;
	}
	out[lstart] = 0;
	return (int)lstart + 1;
}

/*
 * RFC 4343 2.1 and RFC 1035 5.1: octets outside printable ASCII as \DDD,
 * the characters special in names and zone files as \X.
 */
int
tw_dns_name_to_str(const uint8_t *name, char *buf, size_t size)
{
	size_t w = 0, pos = 0;

	if (name[0] == 0) {
		if (size < 2)
			return -ENOSPC;
		buf[0] = '.';
		buf[1] = '\0';
		return 1;
	}
	while (name[pos] != 0) {
		size_t end = pos + name[pos] + 1;

		for (pos++; pos < end; pos++) {
			uint8_t c = name[pos];

			if (c <= 0x20 || c >= 0x7f) {
				if (w + 4 >= size)
					return -ENOSPC;
				buf[w++] = '\\';
				buf[w++] = (char)('0' + c / 100);
				buf[w++] = (char)('0' + c / 10 % 10);
				buf[w++] = (char)('0' + c % 10);
				continue;
			}
			if (c == '.' || c == '\\' || c == '"' || c == '(' ||
			    c == ')' || c == ';' || c == '@' || c == '$') {
				if (w + 2 >= size)
					return -ENOSPC;
				buf[w++] = '\\';
			} else if (w + 1 >= size) {
				return -ENOSPC;
			}
			buf[w++] = (char)c;
		}
		if (w + 1 >= size)
			return -ENOSPC;
		buf[w++] = '.';
	}
	buf[w] = '\0';
	return (int)w;
}
