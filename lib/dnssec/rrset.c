/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Response view: a message parsed once (tw_dns_parse()), its answer and
 * authority RRs grouped into RRsets with their covering RRSIGs, owners
 * expanded and lowercased (RFC 4034 6.2) so that comparisons are plain
 * byte compares, canonical rdata built on first use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnssec_priv.h"

size_t
dv_name_copy_lc(uint8_t *dst, const uint8_t *src)
{
	size_t len = tw_dns_name_len(src);

	memcpy(dst, src, len);
	tw_dns_name_lower(dst);
	return len;
}

size_t
dv_name_wild(uint8_t *out, const uint8_t *name)
{
	size_t len = tw_dns_name_len(name);

	if (len + 2 > TW_DNS_NAME_MAX)
		return 0;
	out[0] = 1;
	out[1] = '*';
	memcpy(out + 2, name, len);
	return len + 2;
}

const char *
dv_name_str(const uint8_t *name, char *buf, size_t size)
{
	if (tw_dns_name_to_str(name, buf, size) < 0)
		snprintf(buf, size, "(name)");
	return buf;
}

void
dv_set_reason(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, TW_DNSSEC_REASON_MAX, fmt, ap);
	va_end(ap);
}

/* Sort key: section, owner, class, type covered, RRSIGs after data. */
static int
rr_cmp(const void *pa, const void *pb, void *arg)
{
	const struct dv_msg *dm = arg;
	const struct dv_rr *a = &dm->rrs[*(const uint16_t *)pa];
	const struct dv_rr *b = &dm->rrs[*(const uint16_t *)pb];
	int c;

	if (a->rr.section != b->rr.section)
		return a->rr.section < b->rr.section ? -1 : 1;
	if (a->owner_len != b->owner_len)
		return a->owner_len < b->owner_len ? -1 : 1;
	c = memcmp(dm->names + a->owner, dm->names + b->owner, a->owner_len);
	if (c)
		return c;
	if (a->rr.rclass != b->rr.rclass)
		return a->rr.rclass < b->rr.rclass ? -1 : 1;
	if (a->covered != b->covered)
		return a->covered < b->covered ? -1 : 1;
	c = (a->rr.type == TW_DNS_T_RRSIG) - (b->rr.type == TW_DNS_T_RRSIG);
	if (c)
		return c;
	/* stable: keep wire order */
	return *(const uint16_t *)pa < *(const uint16_t *)pb ? -1 : 1;
}

static bool
same_set(const struct dv_msg *dm, const struct dv_rr *a, const struct dv_rr *b)
{
	return a->rr.section == b->rr.section && a->owner_len == b->owner_len &&
	       a->rr.rclass == b->rr.rclass && a->covered == b->covered &&
	       memcmp(dm->names + a->owner, dm->names + b->owner,
		      a->owner_len) == 0;
}

int
dv_msg_build(struct dv_msg *dm, const uint8_t *pkt, size_t len)
{
	memset(dm, 0, sizeof(*dm));
	return dv_msg_rebuild(dm, pkt, len);
}

int
dv_msg_rebuild(struct dv_msg *dm, const uint8_t *pkt, size_t len)
{
	struct dv_msg keep = *dm;
	struct tw_dns_rr_iter it;
	struct tw_dns_rr rr;
	size_t cap, n, k;
	int rc;

	/* Only the arrays (and their sizes) survive. */
	memset(dm, 0, sizeof(*dm));
	dm->rrs = keep.rrs;
	dm->order = keep.order;
	dm->sets = keep.sets;
	dm->rr_cap = keep.rr_cap;
	dm->names = keep.names;
	dm->names_cap = keep.names_cap;
	dm->cbuf = keep.cbuf;
	dm->cbuf_cap = keep.cbuf_cap;
	rc = tw_dns_parse(&dm->m, pkt, len);
	if (rc < 0)
		return rc;
	dm->rcode = dm->m.hdr.flags & TW_DNS_F_RCODE_MASK;
	n = (size_t)dm->m.hdr.ancount + dm->m.hdr.nscount;
	if (n == 0)
		return 0;
	if (dm->rr_cap < n) {
		tw_free(dm->rrs);
		tw_free(dm->order);
		tw_free(dm->sets);
		/* an RRset has at least one RR: n sets at most */
		dm->rrs = tw_malloc(n * sizeof(*dm->rrs));
		dm->order = tw_malloc(n * sizeof(*dm->order));
		dm->sets = tw_malloc(n * sizeof(*dm->sets));
		dm->rr_cap = n;
	}
	cap = n * 32 < 4096 ? n * 32 : 4096;
	if (dm->names_cap < cap) {
		tw_free(dm->names);
		dm->names = tw_malloc(cap);
		dm->names_cap = cap;
	}
	cap = dm->names_cap;
	if (!dm->rrs || !dm->order || !dm->sets || !dm->names) {
		rc = -ENOMEM;
		goto fail;
	}
	tw_dns_rr_iter_init(&it, &dm->m);
	while (dm->n_rr < n && (rc = tw_dns_rr_next(&it, &rr)) == 1) {
		struct dv_rr *r;
		uint8_t owner[TW_DNS_NAME_MAX];
		uint16_t ptr;
		int olen;

		if (rr.section != TW_DNS_SEC_AN && rr.section != TW_DNS_SEC_NS)
			break;
		/*
		 * An owner that is the same compression pointer as the
		 * previous RR's (RFC 1035 4.1.4: A and its RRSIG both point at
		 * the question) is the same name: share its lowercased copy.
		 */
		ptr = tw_get16(pkt + rr.owner_off);
		if (dm->n_rr > 0 && (ptr & 0xc000) == 0xc000 &&
		    tw_get16(pkt + dm->rrs[dm->n_rr - 1].rr.owner_off) == ptr) {
			const struct dv_rr *p = &dm->rrs[dm->n_rr - 1];

			r = &dm->rrs[dm->n_rr];
			r->rr = rr;
			r->owner = p->owner;
			r->owner_len = p->owner_len;
			goto add;
		}
		olen = tw_dns_rr_owner(&dm->m, &rr, owner);
		if (olen < 0) {
			rc = olen;
			goto fail;
		}
		tw_dns_name_lower(owner);
		if (dm->names_len + (size_t)olen > cap) {
			uint8_t *nn;

			cap = cap * 2 + (size_t)olen;
			nn = tw_realloc(dm->names, cap);
			if (!nn) {
				rc = -ENOMEM;
				goto fail;
			}
			dm->names = nn;
			dm->names_cap = cap;
		}
		r = &dm->rrs[dm->n_rr];
		r->rr = rr;
		r->owner = (uint32_t)dm->names_len;
		r->owner_len = (uint8_t)olen;
		memcpy(dm->names + dm->names_len, owner, (size_t)olen);
		dm->names_len += (size_t)olen;
add:
		r->covered = rr.type;
		if (rr.type == TW_DNS_T_RRSIG)
			r->covered = rr.rdlen >= 2
					     ? tw_get16(pkt + rr.rdata_off)
					     : 0;
		dm->order[dm->n_rr] = dm->n_rr;
		dm->n_rr++;
	}
	if (rc < 0)
		goto fail;
	/* Usually grouped already (an RRset, then its RRSIGs): rr_cmp is a
	 * total order (wire position last), so sorted means no change. */
	for (k = 1; k < dm->n_rr; k++)
		if (rr_cmp(&dm->order[k - 1], &dm->order[k], dm) > 0)
			break;
	if (k < dm->n_rr)
		qsort_r(dm->order, dm->n_rr, sizeof(*dm->order), rr_cmp, dm);

	/* Count groups, then fill them in. */
	size_t groups = 0;
	for (size_t i = 0; i < dm->n_rr; i++)
		if (i == 0 || !same_set(dm, dv_msg_rr(dm, i - 1),
					dv_msg_rr(dm, (unsigned)i)))
			groups++;
	memset(dm->sets, 0, groups * sizeof(*dm->sets));
	for (size_t i = 0; i < dm->n_rr; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, (unsigned)i);
		struct dv_rrset *s;

		if (i == 0 ||
		    !same_set(dm, dv_msg_rr(dm, (unsigned)i - 1), r)) {
			s = &dm->sets[dm->n_sets++];
			s->owner = dm->names + r->owner;
			s->owner_len = r->owner_len;
			s->labels = (uint8_t)tw_dns_name_labels(s->owner);
			s->section = r->rr.section;
			s->type = r->covered;
			s->rclass = r->rr.rclass;
			s->ttl = UINT32_MAX;
			s->first = (uint16_t)i;
			s->sig_first = (uint16_t)i;
		}
		s = &dm->sets[dm->n_sets - 1];
		if (r->rr.type == TW_DNS_T_RRSIG) {
			if (s->n_sig == 0)
				s->sig_first = (uint16_t)i;
			s->n_sig++;
		} else {
			s->n++;
			if (r->rr.ttl < s->ttl)
				s->ttl = r->rr.ttl;
			s->sig_first = (uint16_t)(i + 1);
		}
	}
	/* names may have moved while growing: re-point the owners */
	for (size_t i = 0; i < dm->n_sets; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, dm->sets[i].first);

		dm->sets[i].owner = dm->names + r->owner;
	}
	return 0;
fail:
	dv_msg_free(dm);
	return rc;
}

void
dv_msg_reset(struct dv_msg *dm)
{
	if (dm->sets)
		for (size_t i = 0; i < dm->n_sets; i++) {
			if (dm->sets[i].canon_heap)
				tw_free(dm->sets[i].canon);
			dm->sets[i].canon = NULL;
			dm->sets[i].canon_heap = false;
		}
	dm->n_sets = 0;
	dm->n_rr = 0;
	dm->names_len = 0;
	dm->cbuf_used = 0;
}

void
dv_msg_free(struct dv_msg *dm)
{
	dv_msg_reset(dm);
	tw_free(dm->cbuf);
	dm->cbuf = NULL;
	dm->cbuf_cap = 0;
	tw_free(dm->sets);
	tw_free(dm->rrs);
	tw_free(dm->order);
	tw_free(dm->names);
	dm->sets = NULL;
	dm->rrs = NULL;
	dm->order = NULL;
	dm->names = NULL;
	dm->rr_cap = 0;
	dm->names_cap = 0;
}

int
dv_msg_find(const struct dv_msg *dm, uint8_t section, const uint8_t *owner,
	    uint16_t type)
{
	size_t olen = tw_dns_name_len(owner);

	for (int i = 0; i < dm->n_sets; i++) {
		const struct dv_rrset *s = &dm->sets[i];

		if (s->section == section && s->type == type && s->n > 0 &&
		    s->owner_len == olen && memcmp(s->owner, owner, olen) == 0)
			return i;
	}
	return -1;
}

int
dv_msg_canon(struct dv_msg *dm, struct dv_rrset *s)
{
	size_t cap = 0, used = 0, need;
	uint8_t *buf;

	if (s->canon)
		return 0;
	for (unsigned int i = 0; i < s->n; i++)
		/* at most two names per rdata expand, 255 octets each */
		cap += dv_msg_rr(dm, s->first + i)->rr.rdlen + 2u * 255u;
	need = (s->n * sizeof(*s->canon) + cap + 1 + 15) & ~(size_t)15;
	if (dm->cbuf_used == 0 && dm->cbuf_cap < need) {
		/* nothing points into it yet: (re)size it */
		tw_free(dm->cbuf);
		dm->cbuf_cap = need > 4096 ? need : 4096;
		dm->cbuf = tw_malloc(dm->cbuf_cap);
		if (!dm->cbuf)
			dm->cbuf_cap = 0;
	}
	s->canon_heap = need > dm->cbuf_cap - dm->cbuf_used;
	if (s->canon_heap) {
		s->canon = tw_malloc(need);
	} else {
		s->canon =
			(struct tw_dns_rdata_ref *)(dm->cbuf + dm->cbuf_used);
		dm->cbuf_used += need;
	}
	if (!s->canon)
		return -ENOMEM;
	buf = (uint8_t *)(s->canon + s->n);
	for (unsigned int i = 0; i < s->n; i++) {
		const struct dv_rr *r = dv_msg_rr(dm, s->first + i);
		int len = tw_dns_rr_canonical_rdata(&dm->m, &r->rr, buf + used,
						    cap - used);

		if (len < 0) {
			/* the buffer's room stays used until the reset */
			if (s->canon_heap)
				tw_free(s->canon);
			s->canon = NULL;
			s->canon_heap = false;
			return len;
		}
		s->canon[i].data = buf + used;
		s->canon[i].len = (uint16_t)len;
		used += (size_t)len;
	}
	return 0;
}
