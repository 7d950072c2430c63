/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The response view (rrset.c): RRs grouped into RRsets by section, owner
 * (case-insensitive, RFC 4343), class and type, RRSIGs by type covered;
 * canonical rdata (RFC 4034 6.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dnssec_priv.h"
#include "testsign.h"

static void
test_group(void **state)
{
	struct ts_msg *m = ts_msg_new("www.example.", TW_DNS_T_A, 0);
	uint8_t www[TW_DNS_NAME_MAX],
		sig[18 + TW_DNS_NAME_MAX] = { 0, 1, 13, 2 };
	struct dv_msg dm;
	int s;

	(void)state;
	hx_name("example.", sig + 18);
	ts_add_a(m, 0, "www.example.", "192.0.2.1");
	ts_add(m, 0, "www.example.", TW_DNS_T_AAAA, 60,
	       "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16);
	ts_add_a(m, 0, "WWW.Example.", "192.0.2.2");
	ts_add(m, 0, "www.example.", TW_DNS_T_RRSIG, 3600, sig, 18 + 9 + 4);
	sig[1] = TW_DNS_T_AAAA;
	ts_add(m, 0, "www.example.", TW_DNS_T_RRSIG, 3600, sig, 18 + 9 + 4);
	ts_add_a(m, 1, "www.example.", "192.0.2.3"); /* other section */
	ts_add_a(m, 2, "ns.example.", "192.0.2.53"); /* additional */
	ts_msg_wire(m);
	assert_int_equal(dv_msg_build(&dm, m->wire, m->len), 0);
	assert_int_equal(dm.n_rr, 6); /* the additional section is skipped */
	assert_int_equal(dm.n_sets, 3);
	hx_name("www.example.", www);
	s = dv_msg_find(&dm, TW_DNS_SEC_AN, www, TW_DNS_T_A);
	assert_true(s >= 0);
	assert_int_equal(dm.sets[s].n, 2);
	assert_int_equal(dm.sets[s].n_sig, 1);
	assert_int_equal(dm.sets[s].labels, 2);
	assert_int_equal(dm.sets[s].ttl, 3600);
	s = dv_msg_find(&dm, TW_DNS_SEC_AN, www, TW_DNS_T_AAAA);
	assert_true(s >= 0);
	assert_int_equal(dm.sets[s].n, 1);
	assert_int_equal(dm.sets[s].n_sig, 1);
	assert_int_equal(dm.sets[s].ttl, 60);
	s = dv_msg_find(&dm, TW_DNS_SEC_NS, www, TW_DNS_T_A);
	assert_true(s >= 0);
	assert_int_equal(dm.sets[s].n_sig, 0);
	assert_int_equal(dv_msg_find(&dm, TW_DNS_SEC_AN, www, TW_DNS_T_MX), -1);
	dv_msg_free(&dm);
	/* malformed: the parser's error */
	assert_true(dv_msg_build(&dm, m->wire, m->len - 3) < 0);
	free(m);
}

static void
test_canonical(void **state)
{
	struct ts_msg *m = ts_msg_new("example.", TW_DNS_T_MX, 0);
	uint8_t mx[2 + TW_DNS_NAME_MAX] = { 0, 10 }, n[TW_DNS_NAME_MAX];
	struct dv_msg dm;
	int s;

	(void)state;
	hx_name("Mail.Example.", mx + 2);
	ts_add(m, 0, "example.", TW_DNS_T_MX, 3600, mx,
	       2 + tw_dns_name_len(mx + 2));
	ts_msg_wire(m); /* the writer compresses the MX target */
	assert_int_equal(dv_msg_build(&dm, m->wire, m->len), 0);
	hx_name("example.", n);
	s = dv_msg_find(&dm, TW_DNS_SEC_AN, n, TW_DNS_T_MX);
	assert_true(s >= 0);
	assert_int_equal(dv_msg_canon(&dm, &dm.sets[s]), 0);
	/* expanded and lowercased (RFC 4034 6.2 item 3) */
	hx_name("mail.example.", mx + 2);
	assert_int_equal(dm.sets[s].canon[0].len, 2 + tw_dns_name_len(mx + 2));
	assert_memory_equal(dm.sets[s].canon[0].data, mx,
			    dm.sets[s].canon[0].len);
	dv_msg_free(&dm);
	free(m);
}

static void
test_names(void **state)
{
	uint8_t n[TW_DNS_NAME_MAX], out[TW_DNS_NAME_MAX];
	char buf[64];
	char longname[300] = "";

	(void)state;
	hx_name("Example.", n);
	assert_int_equal(dv_name_wild(out, n), 11);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], '*');
	assert_true(dv_name_is_wild(out));
	assert_false(dv_name_is_wild(n));
	assert_int_equal(dv_name_copy_lc(out, n), 9);
	assert_memory_equal(out, "\7example", 8);
	for (int i = 0; i < 127; i++)
		strcat(longname, "a.");
	hx_name(longname, n); /* 255 octets: no room for "*." */
	assert_int_equal(dv_name_wild(out, n), 0);
	assert_string_equal(
		dv_name_str((const uint8_t *)"\3www\0", buf, sizeof(buf)),
		"www.");
}

/* Many RRs, many RRsets: grouped by sorting, in bounded time. */
/* Rebuilding over the arrays of an earlier message; shared owners. */
static void
test_rebuild(void **state)
{
	struct ts_msg *big = ts_msg_new("x.example.", TW_DNS_T_A, 0);
	struct ts_msg *m = ts_msg_new("WWW.Example.", TW_DNS_T_A, 0);
	uint8_t www[TW_DNS_NAME_MAX],
		sig[18 + TW_DNS_NAME_MAX] = { 0, 1, 13, 2 };
	struct dv_msg dm;
	int s;

	(void)state;
	for (int i = 0; i < 100; i++) {
		char o[64];

		snprintf(o, sizeof(o), "h%d.example.", i % 30);
		ts_add(big, 0, o, TW_DNS_T_A, 60, "\1\2\3\4", 4);
	}
	ts_msg_wire(big);
	hx_name("example.", sig + 18);
	/* the owners are the question's name (compression pointers) */
	ts_add_a(m, 0, "WWW.Example.", "192.0.2.1");
	ts_add(m, 0, "WWW.Example.", TW_DNS_T_RRSIG, 3600, sig, 18 + 9 + 4);
	ts_add_a(m, 0, "WWW.Example.", "192.0.2.2");
	ts_msg_wire(m);

	memset(&dm, 0, sizeof(dm));
	assert_int_equal(dv_msg_rebuild(&dm, big->wire, big->len), 0);
	assert_int_equal(dm.n_rr, 100);
	assert_int_equal(dm.n_sets, 30);
	assert_int_equal(dv_msg_canon(&dm, &dm.sets[0]), 0);
	dv_msg_reset(&dm);
	assert_int_equal(dm.n_sets, 0);
	assert_true(dm.rr_cap >= 100);
	/* the small one in the big one's arrays: same result as a build */
	assert_int_equal(dv_msg_rebuild(&dm, m->wire, m->len), 0);
	assert_int_equal(dm.n_rr, 3);
	assert_int_equal(dm.n_sets, 1);
	/* one lowercased copy of the owner for the three RRs */
	assert_int_equal(dm.names_len, 13);
	assert_memory_equal(dm.names, "\3www\7example", 13);
	hx_name("www.example.", www);
	s = dv_msg_find(&dm, TW_DNS_SEC_AN, www, TW_DNS_T_A);
	assert_int_equal(s, 0);
	assert_int_equal(dm.sets[s].n, 2);
	assert_int_equal(dm.sets[s].n_sig, 1);
	assert_null(dm.sets[s].canon);
	/* canonical rdata in the kept buffer */
	assert_int_equal(dv_msg_canon(&dm, &dm.sets[s]), 0);
	assert_false(dm.sets[s].canon_heap);
	assert_int_equal(dm.sets[s].canon[0].len, 4);
	assert_int_equal(dm.sets[s].canon[1].len, 4);
	assert_memory_equal(dm.sets[s].canon[1].data, "\xc0\x00\x02\x02", 4);
	/* RRSIG in the middle: regrouped, data RRs first in wire order */
	assert_int_equal(dv_msg_rr(&dm, 0)->rr.type, TW_DNS_T_A);
	assert_int_equal(dv_msg_rr(&dm, 1)->rr.type, TW_DNS_T_A);
	assert_int_equal(dv_msg_rr(&dm, 2)->rr.type, TW_DNS_T_RRSIG);
	assert_true(dv_msg_rr(&dm, 0)->rr.owner_off <
		    dv_msg_rr(&dm, 1)->rr.owner_off);
	dv_msg_reset(&dm);
	/* malformed over kept arrays: an error, the arrays still freed */
	assert_true(dv_msg_rebuild(&dm, m->wire, m->len - 3) < 0);
	dv_msg_free(&dm);
	assert_null(dm.rrs);
	free(big);
	free(m);
}

static void
test_many(void **state)
{
	struct ts_msg *m = ts_msg_new("x.example.", TW_DNS_T_A, 0);
	struct dv_msg dm;

	(void)state;
	for (int i = 0; i < TS_MAX_RR; i++) {
		char o[64];

		snprintf(o, sizeof(o), "h%d.example.", i % 50);
		ts_add(m, i & 1, o, (uint16_t)(TW_DNS_T_A + (i % 3 ? 0 : 15)),
		       60, "\1\2\3\4", 4);
	}
	ts_msg_wire(m);
	assert_int_equal(dv_msg_build(&dm, m->wire, m->len), 0);
	assert_int_equal(dm.n_rr, TS_MAX_RR);
	assert_true(dm.n_sets <= 200);
	{
		unsigned total = 0;

		for (unsigned i = 0; i < dm.n_sets; i++)
			total += dm.sets[i].n;
		assert_int_equal(total, TS_MAX_RR);
	}
	dv_msg_free(&dm);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_rebuild),
	};

	return cmocka_run_group_tests_name("dnssec/rrset", tests, NULL, NULL);
}
