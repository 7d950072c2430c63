/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NSEC denial of existence (RFC 4035 3.1.3, 5.4; RFC 6840 4.1, 4.3,
 * 4.4, 5.4). The NSEC RRs given here have validated signatures from the
 * zone @p zone; these functions only reason about names and bitmaps.
 *
 * "Covers" (RFC 4034 4.1.1, RFC 4035 5.4): owner < name < next in
 * canonical order (RFC 4034 6.1), or, for the last NSEC of the zone
 * whose next name wraps to the apex, owner < name.
 *
 * The wrong side of a zone cut (RFC 6840 4.1): an NSEC at a delegation
 * (NS without SOA) belongs to the parent and proves nothing about names
 * at or below the cut except the absence of DS; an NSEC with DNAME
 * proves nothing below its owner; an NSEC with SOA at a name is the
 * child's apex NSEC and proves nothing about the DS there.
 */
#include <string.h>

#include "dnssec_priv.h"

static bool
has(const struct dv_nsec *n, uint16_t type)
{
	return tw_dns_bitmap_has(n->bitmap, n->bitmap_len, type);
}

/* Whether this NSEC sits at a delegation (parent side of a cut). */
static bool
is_delegation(const struct dv_nsec *n)
{
	return has(n, TW_DNS_T_NS) && !has(n, TW_DNS_T_SOA);
}

static bool
covers(const struct dv_nsec *n, const uint8_t *name, const uint8_t *zone)
{
	if (tw_dns_name_cmp(n->owner, name) >= 0)
		return false;
	if (tw_dns_name_cmp(n->owner, n->next) < 0)
		return tw_dns_name_cmp(name, n->next) < 0;
	/* last NSEC of the chain: next is the apex (or owner itself) */
	return tw_dns_name_is_sub(name, zone);
}

/*
 * RFC 6840 4.1: an NSEC whose owner is an ancestor of name and which is
 * a delegation or has DNAME cannot speak for name.
 */
static bool
blocked_above(const struct dv_nsec *n, const uint8_t *name)
{
	return !tw_dns_name_eq(n->owner, name) &&
	       tw_dns_name_is_sub(name, n->owner) &&
	       (is_delegation(n) || has(n, TW_DNS_T_DNAME));
}

/* Labels two names share, counted from the root. */
static int
common_labels(const uint8_t *a, const uint8_t *b)
{
	int la = tw_dns_name_labels(a), lb = tw_dns_name_labels(b);
	int n = la < lb ? la : lb;

	while (n > 0 && !tw_dns_name_eq(tw_dns_name_suffix(a, n),
					tw_dns_name_suffix(b, n)))
		n--;
	return n;
}

/*
 * The closest encloser a covering NSEC implies (RFC 4592 3.3.1, RFC 4035
 * 5.4): the longest ancestor of name shared with the owner or the next
 * name; no existing name lies between them.
 */
static const uint8_t *
closest_encloser(const struct dv_nsec *n, const uint8_t *name,
		 const uint8_t *zone)
{
	int a = common_labels(name, n->owner), b = common_labels(name, n->next);
	int zl = tw_dns_name_labels(zone);
	int ce = a > b ? a : b;

	if (ce < zl)
		ce = zl;
	return tw_dns_name_suffix(name, ce);
}

static const struct dv_nsec *
find_match(const struct dv_nsec *ns, size_t n, const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (tw_dns_name_eq(ns[i].owner, name))
			return &ns[i];
	return NULL;
}

static const struct dv_nsec *
find_cover(const struct dv_nsec *ns, size_t n, const uint8_t *name,
	   const uint8_t *zone)
{
	for (size_t i = 0; i < n; i++)
		if (covers(&ns[i], name, zone) && !blocked_above(&ns[i], name))
			return &ns[i];
	return NULL;
}

/* The wildcard at the closest encloser is covered (does not exist). */
static bool
no_wildcard(const struct dv_nsec *ns, size_t n, const uint8_t *ce,
	    const uint8_t *zone)
{
	uint8_t wc[TW_DNS_NAME_MAX];

	if (!dv_name_wild(wc, ce))
		return true; /* "*.ce" would be too long: cannot exist */
	return find_cover(ns, n, wc, zone) != NULL;
}

enum dv_proof
dv_nsec_nxdomain(const struct dv_nsec *ns, size_t n, const uint8_t *qname,
		 const uint8_t *zone, const char **why)
{
	const struct dv_nsec *c;
	const uint8_t *ce;

	/* RFC 4035 5.4: an NSEC proves qname does not exist ... */
	c = find_cover(ns, n, qname, zone);
	if (!c) {
		*why = find_match(ns, n, qname)
			       ? "NXDOMAIN but an NSEC shows the name exists"
			       : "no NSEC covers the name";
		return DV_PROOF_FAIL;
	}
	/* A covering NSEC whose next name is below qname shows a name
	 * under it: qname is an empty non-terminal, it exists (RFC 4035
	 * 3.1.3.2, RFC 6840 4.3; RFC 8020: NXDOMAIN would deny the whole
	 * subtree). */
	if (tw_dns_name_is_sub(c->next, qname) &&
	    !tw_dns_name_eq(c->next, qname)) {
		*why = "NXDOMAIN for an empty non-terminal";
		return DV_PROOF_FAIL;
	}
	/* ... and another (or the same) that no wildcard could have
	 * matched at the closest encloser. */
	ce = closest_encloser(c, qname, zone);
	if (!no_wildcard(ns, n, ce, zone)) {
		*why = "no NSEC proves the wildcard absent";
		return DV_PROOF_FAIL;
	}
	return DV_PROOF_OK;
}

/* Type checks of a matching NSEC for a NODATA proof. */
static enum dv_proof
nodata_match(const struct dv_nsec *m, const uint8_t *qname, uint16_t qtype,
	     const char **why)
{
	if (has(m, qtype) ||
	    (qtype == TW_DNS_T_ANY &&
	     tw_dns_bitmap_has_data(m->bitmap, m->bitmap_len))) {
		*why = "NSEC shows the type exists";
		return DV_PROOF_FAIL;
	}
	if (has(m, TW_DNS_T_CNAME)) {
		*why = "NSEC shows a CNAME";
		return DV_PROOF_FAIL;
	}
	if (qtype == TW_DNS_T_DS) {
		/* RFC 6840 4.4 / 4.1: the child's apex NSEC cannot deny
		 * the DS that lives in the parent. */
		if (has(m, TW_DNS_T_SOA) && qname[0] != 0) {
			*why = "NSEC from the child side of the cut denies DS";
			return DV_PROOF_FAIL;
		}
	} else if (is_delegation(m)) {
		/* RFC 6840 4.1: the parent's NSEC at a delegation. */
		*why = "NSEC from the parent side of a zone cut";
		return DV_PROOF_FAIL;
	}
	return DV_PROOF_OK;
}

enum dv_proof
dv_nsec_nodata(const struct dv_nsec *ns, size_t n, const uint8_t *qname,
	       uint16_t qtype, const uint8_t *zone, const char **why)
{
	const struct dv_nsec *m, *c;
	uint8_t wc[TW_DNS_NAME_MAX];
	const uint8_t *ce;

	/* RFC 4035 3.1.3.1: the NSEC at qname lacks qtype. */
	m = find_match(ns, n, qname);
	if (m)
		return nodata_match(m, qname, qtype, why);
	c = find_cover(ns, n, qname, zone);
	if (!c) {
		*why = "no NSEC matches or covers the name";
		return DV_PROOF_FAIL;
	}
	/* RFC 4035 3.1.3.2 / RFC 6840 4.3: an empty non-terminal: the
	 * covering NSEC's next name is below qname. */
	if (tw_dns_name_is_sub(c->next, qname) &&
	    !tw_dns_name_eq(c->next, qname))
		return DV_PROOF_OK;
	/* RFC 4035 3.1.3.4: wildcard NODATA: qname does not exist, the
	 * wildcard at the closest encloser does but lacks qtype. */
	ce = closest_encloser(c, qname, zone);
	if (dv_name_wild(wc, ce)) {
		m = find_match(ns, n, wc);
		if (m)
			return nodata_match(m, wc, qtype, why);
	}
	*why = "no NSEC shows the type absent";
	return DV_PROOF_FAIL;
}

enum dv_proof
dv_nsec_wildcard(const struct dv_nsec *ns, size_t n, const uint8_t *qname,
		 unsigned wc_labels, const uint8_t *zone, const char **why)
{
	const struct dv_nsec *c;

	/* RFC 4035 5.3.4: an NSEC proves qname itself does not exist and
	 * that the closest encloser is the wildcard's parent, so no closer
	 * name could have matched. */
	for (size_t i = 0; i < n; i++) {
		c = &ns[i];
		if (!covers(c, qname, zone) || blocked_above(c, qname))
			continue;
		if ((unsigned)tw_dns_name_labels(
			    closest_encloser(c, qname, zone)) == wc_labels)
			return DV_PROOF_OK;
	}
	*why = "wildcard answer without an NSEC proving no closer match";
	return DV_PROOF_FAIL;
}

enum dv_ds_fact
dv_nsec_nods(const struct dv_nsec *ns, size_t n, const uint8_t *name,
	     const uint8_t *zone, const char **why)
{
	const struct dv_nsec *m, *c;

	m = find_match(ns, n, name);
	if (m) {
		/* RFC 6840 4.4: the child's apex NSEC (SOA set) does not
		 * deny the parent's DS; a DS bit means a lie. */
		if (has(m, TW_DNS_T_SOA) && name[0] != 0) {
			*why = "NSEC from the child side of the cut denies DS";
			return DV_DS_NONE;
		}
		if (has(m, TW_DNS_T_DS)) {
			*why = "NSEC shows a DS";
			return DV_DS_NONE;
		}
		/* RFC 4035 5.2: a delegation without DS is insecure. */
		if (has(m, TW_DNS_T_NS))
			return DV_DS_INSECURE;
		return DV_DS_NOCUT;
	}
	c = find_cover(ns, n, name, zone);
	if (!c) {
		*why = "no NSEC matches or covers the name";
		return DV_DS_NONE;
	}
	/* empty non-terminal: exists, and cannot be a cut */
	if (tw_dns_name_is_sub(c->next, name) && !tw_dns_name_eq(c->next, name))
		return DV_DS_NOCUT;
	return DV_DS_NXNAME;
}

size_t
dv_nsec_collect(const struct dv_msg *dm, const struct dv_rrset *s,
		const uint8_t *zone, struct dv_nsec *out, size_t cap)
{
	size_t n = 0;

	/* RFC 4035 5.4: only NSEC RRs of this zone count. */
	if (!tw_dns_name_is_sub(s->owner, zone))
		return 0;
	for (unsigned int i = 0; i < s->n && n < cap; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, s->first + i);
		struct tw_dns_nsec d;

		if (tw_dns_rdata_nsec(dv_rdata(dm, r), r->rr.rdlen, &d) < 0)
			continue;
		/* RFC 4034 4.1.1: the next name is in the zone */
		if (!tw_dns_name_is_sub(d.next, zone))
			continue;
		out[n].owner = s->owner;
		out[n].next = d.next;
		out[n].bitmap = d.bitmap;
		out[n].bitmap_len = d.bitmap_len;
		n++;
	}
	return n;
}
