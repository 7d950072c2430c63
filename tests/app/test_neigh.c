/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/trustwire/neigh.c: next hops of the upstream traffic (on-link
 * upstream or gateway), source addresses, and the MAC table the workers
 * fill from ARP/ND and the validators read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "neigh.h"

static void
load(struct tw_config *c, const char *args)
{
	char buf[512], *argv[32];
	struct tw_config_err err;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", args);
	argv[argc++] = "trustwire";
	for (char *t = strtok(buf, " "); t != NULL; t = strtok(NULL, " "))
		argv[argc++] = t;
	assert_int_equal(tw_config_parse_args(c, argc, argv, &err), 0);
}

static void
test_routes(void **state)
{
	static const uint8_t up_on[4] = { 192, 0, 2, 10 };
	static const uint8_t us4[4] = { 192, 0, 2, 2 };
	static const uint8_t gw4[4] = { 192, 0, 2, 1 };
	static const uint8_t us6b[16] = { 0x20, 0x01, 0x0d, 0xb8,    0,
					  0,	0,    1,    [15] = 2 };
	struct tw_config *c = calloc(1, sizeof(*c));
	struct tw_neigh_table t;
	struct tw_upstream_route r[TW_CFG_MAX_UPSTREAMS];

	(void)state;
	assert_non_null(c);
	/* On-link upstream: it is its own next hop; no route for v6. */
	load(c, "--listen 192.0.2.2/24 --listen 2001:db8:1::2/64 "
		"--upstream 192.0.2.10 --upstream [2001:db8::10]:5353");
	assert_int_equal(tw_neigh_routes(c, &t, r), 1);
	assert_int_equal(t.n, 1);
	assert_int_equal(r[0].neigh, 0);
	assert_int_equal(r[0].ip_ver, 4);
	assert_int_equal(r[0].port, 53);
	assert_memory_equal(r[0].src, us4, 4);
	assert_memory_equal(t.e[0].addr, up_on, 4);
	assert_memory_equal(t.e[0].src, us4, 4);
	assert_int_equal(r[1].neigh, -1);
	assert_int_equal(r[1].port, 5353);

	/* Off-link upstreams share the gateway entry; the source is the
	 * listen address on the gateway's prefix. */
	load(c, "--listen 198.51.100.7/24 --listen 192.0.2.2/24 "
		"--listen 2001:db8:0:1::2/64 --gateway 192.0.2.1 "
		"--upstream 203.0.113.1 --upstream 203.0.113.2 "
		"--upstream [2001:db8:ffff::1]:53");
	assert_int_equal(tw_neigh_routes(c, &t, r), 1); /* v6: no gateway */
	assert_int_equal(t.n, 1);
	assert_int_equal(r[0].neigh, 0);
	assert_int_equal(r[1].neigh, 0);
	assert_memory_equal(t.e[0].addr, gw4, 4);
	assert_memory_equal(r[0].src, us4, 4);
	assert_int_equal(r[2].neigh, -1);

	/* An IPv6 gateway. */
	load(c, "--listen 2001:db8:0:1::2/64 --gateway 2001:db8:0:1::1 "
		"--upstream [2001:db8:ffff::1]:53");
	assert_int_equal(tw_neigh_routes(c, &t, r), 0);
	assert_int_equal(t.e[0].ip_ver, 6);
	assert_memory_equal(r[0].src, us6b, 16);
	free(c);
}

static void
test_learn(void **state)
{
	static const uint8_t mac[6] = { 2, 0x74, 0x77, 0, 0, 1 };
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 9 };
	static const uint8_t up[4] = { 192, 0, 2, 10 };
	static const uint8_t other[4] = { 192, 0, 2, 66 };
	struct tw_config *c = calloc(1, sizeof(*c));
	struct tw_neigh_table t;
	struct tw_upstream_route r[TW_CFG_MAX_UPSTREAMS];
	uint8_t got[6];
	uint16_t port = 99;

	(void)state;
	assert_non_null(c);
	load(c, "--listen 192.0.2.2/24 --upstream 192.0.2.10");
	tw_neigh_routes(c, &t, r);
	assert_false(tw_neigh_get(&t, 0, got, &port));
	assert_false(tw_neigh_get(&t, -1, got, &port));
	assert_false(tw_neigh_get(&t, 5, got, &port));
	/* Someone else's address: never an entry (no table flooding). */
	assert_false(tw_neigh_learn(&t, 4, other, mac2, 0));
	assert_int_equal(t.n, 1);
	assert_false(tw_neigh_get(&t, 0, got, &port));
	/* The next hop: learned, with its port; later answers update it. */
	assert_true(tw_neigh_learn(&t, 4, up, mac, 1));
	assert_true(tw_neigh_get(&t, 0, got, &port));
	assert_memory_equal(got, mac, 6);
	assert_int_equal(port, 1);
	assert_true(tw_neigh_learn(&t, 4, up, mac2, 0));
	assert_true(tw_neigh_get(&t, 0, got, &port));
	assert_memory_equal(got, mac2, 6);
	assert_int_equal(port, 0);
	/* A group or all-zero MAC for the next hop (forged ARP/ND) is not
	 * learned: the entry keeps the last individual address. */
	{
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff,
						  0xff, 0xff, 0xff },
				     mcast[6] = { 0x33, 0x33, 0, 0, 0, 1 },
				     zero[6] = { 0 };

		assert_false(tw_neigh_learn(&t, 4, up, bcast, 0));
		assert_false(tw_neigh_learn(&t, 4, up, mcast, 0));
		assert_false(tw_neigh_learn(&t, 4, up, zero, 0));
		assert_true(tw_neigh_get(&t, 0, got, &port));
		assert_memory_equal(got, mac2, 6);
	}
	/* The same 4 octets as an IPv6 prefix are not the IPv4 entry. */
	{
		uint8_t up6[16] = { 192, 0, 2, 10 };

		assert_false(tw_neigh_learn(&t, 6, up6, mac, 0));
	}
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_learn),
	};

	return cmocka_run_group_tests_name("app/neigh", tests, NULL, NULL);
}
