/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the lib/dns unit tests: a small packet builder (for
 * hostile and generated cases), names in wire form, RR access, and the
 * fixture bytes that several tests' packets have in common.
 */
#ifndef TW_DNS_TEST_H
#define TW_DNS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tw_dns.h"

/* ---- Packet builder ----------------------------------------------------- */

struct pb {
	uint8_t b[4096];
	size_t n;
};

static inline void
pb_bytes(struct pb *p, const void *d, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	if (n == 0)
		return;
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static inline void
pb_u8(struct pb *p, uint8_t v)
{
	pb_bytes(p, &v, 1);
}

static inline void
pb_u16(struct pb *p, uint16_t v)
{
	uint8_t b[2];

	tw_put16(b, v);
	pb_bytes(p, b, 2);
}

static inline void
pb_u32(struct pb *p, uint32_t v)
{
	uint8_t b[4];

	tw_put32(b, v);
	pb_bytes(p, b, 4);
}

/* Labels of a presentation name without the root label. */
static inline void
pb_labels(struct pb *p, const char *s, bool lower)
{
	uint8_t w[TW_DNS_NAME_MAX];
	int n;

	if (s[0] == '\0')
		return;
	n = tw_dns_name_from_str(s, w);
	assert_true(n > 0);
	if (lower)
		tw_dns_name_lower(w);
	pb_bytes(p, w, (size_t)n - 1);
}

/* A name in wire form, lowercased when @p lower. */
static inline void
pb_name(struct pb *p, const char *s, bool lower)
{
	pb_labels(p, s, lower);
	pb_u8(p, 0);
}

/* ---- Names and RRs ------------------------------------------------------- */

/* Wire form of a presentation name. */
static inline const uint8_t *
wire(const char *s, uint8_t buf[TW_DNS_NAME_MAX])
{
	assert_true(tw_dns_name_from_str(s, buf) > 0);
	return buf;
}

/* The idx-th RR of the message (0-based over all sections). */
static inline void
nth_rr(const struct tw_dns_msg *m, int idx, struct tw_dns_rr *rr)
{
	struct tw_dns_rr_iter it;

	tw_dns_rr_iter_init(&it, m);
	for (int i = 0; i <= idx; i++)
		assert_int_equal(tw_dns_rr_next(&it, rr), 1);
}

/* ---- Fixture bytes ------------------------------------------------------- */

/* Question "Example.COM MX IN", mixed case (17 octets; at offset 12). */
#define T_QUESTION_EXAMPLE_COM_MX \
	7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'C', 'O', 'M', 0, 0, 15, 0, 1

/*
 * Right after it (offset 29), "<ptr 12> 3600 IN MX 10 Mail.<ptr 12>"
 * (21 octets): the name "Mail.Example.COM" starts at offset 43.
 */
#define T_RR_MX_MAIL                                                       \
	0xc0, 12, 0, 15, 0, 1, 0, 0, 0x0e, 0x10, 0, 9, 0, 10, 4, 'M', 'a', \
		'i', 'l', 0xc0, 12

#endif /* TW_DNS_TEST_H */
