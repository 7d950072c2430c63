/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/trustwire/config.c: defaults, YAML keys, exact file:line errors,
 * command-line overrides, validation, print/reload round trip.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static struct tw_config *
new_cfg(void)
{
	struct tw_config *c = malloc(sizeof(*c));

	assert_non_null(c);
	tw_config_defaults(c);
	return c;
}

/* Load YAML text as file "t.yaml"; returns rc, error text in err. */
static int
load(struct tw_config *c, const char *yaml, struct tw_config_err *err)
{
	int rc = tw_config_load_string(c, "t.yaml", yaml, strlen(yaml), err);

	if (rc == 0)
		rc = tw_config_validate(c, err);
	return rc;
}

static void
expect_error(const char *yaml, const char *text)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(load(c, yaml, &err), -EINVAL);
	assert_string_equal(err.text, text);
	free(c);
}

static void
test_defaults(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;
	char *argv[] = { "trustwire", NULL };

	(void)state;
	assert_int_equal(tw_config_parse_args(c, 1, argv, &err), 0);
	assert_string_equal(c->trust_anchor, "/usr/share/dns/root.key");
	assert_int_equal(c->n_ports, 0);
	assert_int_equal(c->n_listen, 0);
	assert_int_equal(c->n_upstreams, 0);
	assert_int_equal(c->gateway4.family, 0);
	assert_false(c->workers.set);
	assert_false(c->validators.set);
	assert_int_equal(c->cache.entries, 1u << 20);
	assert_int_equal(c->cache.max_ttl, 86400);
	assert_int_equal(c->cache.bogus_ttl, 60);
	assert_int_equal(c->limits.edns_udp_size, 1232);
	assert_int_equal(c->limits.upstream_timeout_ms, 2000);
	assert_int_equal(c->io.burst, 32);
	assert_int_equal(c->io.tx_drain_us, 100);
	assert_int_equal(c->io.ring_size, 4096);
	assert_int_equal(c->idle.sleep_max_us, 1000);
	assert_int_equal(c->exception.type, TW_CFG_EXC_NONE);
	assert_string_equal(c->exception.name, "twexc0");
	assert_true(c->exception.addresses);
	assert_int_equal(c->limits.nsec3_max_iterations, 50);
	assert_int_equal(c->duration_s, 0);
	assert_false(c->help);
	assert_false(c->check_only);
	assert_string_equal(c->file, "");
	free(c);
}

static const char full_yaml[] =
	"# every key\n"
	"ports:\n"
	"  - 0000:01:00.0\n"
	"  - device: net_pcap0,iface=veth0\n"
	"    rx_desc: 512\n"
	"listen:\n"
	"  - 192.0.2.53/24\n"
	"  - 2001:db8::53/64\n"
	"gateway: [192.0.2.1, fe80::1]\n"
	"upstreams:\n"
	"  - 192.0.2.10\n"
	"  - 192.0.2.11:5353\n"
	"  - \"[2001:db8::10]:53\"\n"
	"trust_anchor: /etc/trustwire/root.key\n"
	"negative_trust_anchors: [Example.COM, test.]\n"
	"lcores:\n"
	"  workers: [0, 1]\n"
	"  validators: \"1\"\n"
	"cache: { entries: 4096, max_ttl: 3600, min_ttl: 5, bogus_ttl: 30 }\n"
	"limits:\n"
	"  upstream_timeout_ms: 800\n"
	"  max_inflight: 1000\n"
	"  max_validations: 8\n"
	"  nsec3_max_iterations: 50\n"
	"  edns_udp_size: 1400\n"
	"io: { burst: 64, rx_desc: 2048, tx_desc: 256, mbufs: 9000,\n"
	"      ring_size: 1024, tx_drain_us: 50 }\n"
	"idle: { spin_polls: 10, sleep_max_us: 0 }\n"
	"exception: { type: tap, name: dns0, addresses: false }\n"
	"log: { bogus_rate: 5, bogus_burst: 7 }\n"
	"allow: [198.51.100.0/24, \"2001:db8::/32\"]\n";

static void
test_full_file(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;
	uint8_t a[16];

	(void)state;
	assert_int_equal(load(c, full_yaml, &err), 0);
	assert_string_equal(c->file, "t.yaml");
	assert_int_equal(c->n_ports, 2);
	assert_string_equal(c->ports[0].devargs, "0000:01:00.0");
	assert_int_equal(c->ports[0].line, 3);
	assert_string_equal(c->ports[1].devargs, "net_pcap0,iface=veth0");
	assert_int_equal(c->ports[1].rx_desc, 512);
	assert_int_equal(c->ports[1].tx_desc, 0);
	assert_int_equal(c->n_listen, 2);
	assert_int_equal(c->listen[0].family, AF_INET);
	assert_int_equal(c->listen[0].len, 24);
	assert_int_equal(c->listen[0].line, 7);
	inet_pton(AF_INET, "192.0.2.53", a);
	assert_memory_equal(c->listen[0].addr, a, 4);
	assert_int_equal(c->listen[1].family, AF_INET6);
	assert_int_equal(c->listen[1].len, 64);
	assert_int_equal(c->gateway4.family, AF_INET);
	assert_int_equal(c->gateway6.family, AF_INET6);
	assert_int_equal(c->gateway4.line, 9);
	assert_int_equal(c->n_upstreams, 3);
	assert_int_equal(c->upstreams[0].port, 53);
	assert_int_equal(c->upstreams[1].port, 5353);
	assert_int_equal(c->upstreams[2].family, AF_INET6);
	assert_int_equal(c->upstreams[2].line, 13);
	assert_string_equal(c->trust_anchor, "/etc/trustwire/root.key");
	assert_int_equal(c->trust_anchor_line, 14);
	assert_int_equal(c->n_nta, 2);
	assert_string_equal(c->nta[0], "example.com.");
	assert_string_equal(c->nta[1], "test.");
	assert_int_equal(c->n_allow, 2);
	assert_int_equal(c->allow[0].family, AF_INET);
	assert_int_equal(c->allow[0].len, 24);
	assert_int_equal(c->allow[1].family, AF_INET6);
	assert_int_equal(c->allow[1].len, 32);
	assert_true(c->workers.set);
	assert_int_equal(c->workers.n, 2);
	assert_int_equal(c->workers.id[1], 1);
	assert_int_equal(c->workers.line, 17);
	assert_int_equal(c->validators.n, 1);
	assert_int_equal(c->validators.id[0], 1);
	assert_int_equal(c->cache.entries, 4096);
	assert_int_equal(c->cache.max_ttl, 3600);
	assert_int_equal(c->cache.min_ttl, 5);
	assert_int_equal(c->cache.bogus_ttl, 30);
	assert_int_equal(c->limits.upstream_timeout_ms, 800);
	assert_int_equal(c->limits.max_inflight, 1000);
	assert_int_equal(c->limits.max_validations, 8);
	assert_int_equal(c->limits.nsec3_max_iterations, 50);
	assert_int_equal(c->limits.edns_udp_size, 1400);
	assert_int_equal(c->io.burst, 64);
	assert_int_equal(c->io.rx_desc, 2048);
	assert_int_equal(c->io.tx_desc, 256);
	assert_int_equal(c->io.mbufs, 9000);
	assert_int_equal(c->io.ring_size, 1024);
	assert_int_equal(c->io.tx_drain_us, 50);
	assert_int_equal(c->idle.spin_polls, 10);
	assert_int_equal(c->idle.sleep_max_us, 0);
	assert_int_equal(c->exception.type, TW_CFG_EXC_TAP);
	assert_string_equal(c->exception.name, "dns0");
	assert_false(c->exception.addresses);
	assert_int_equal(c->log.bogus_rate, 5);
	assert_int_equal(c->log.bogus_burst, 7);
	free(c);
}

static void
test_empty_file(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;

	(void)state;
	assert_int_equal(load(c, "", &err), 0);
	assert_int_equal(load(c, "# only a comment\n", &err), 0);
	assert_int_equal(load(c, "---\n", &err), 0);
	assert_int_equal(c->cache.entries, 1u << 20);
	free(c);
}

static void
test_errors_syntax(void **state)
{
	(void)state;
	expect_error("cache:\n  entries: 5\n bad: [\n",
		     "t.yaml:3: YAML syntax error: did not find expected key "
		     "while parsing a block mapping (fix: check indentation "
		     "(spaces, not tabs), colons and quotes)");
	expect_error("listen: [192.0.2.1/24\n",
		     "t.yaml:2: YAML syntax error: did not find expected ',' "
		     "or ']' while parsing a flow sequence (fix: check "
		     "indentation (spaces, not tabs), colons and quotes)");
	expect_error("io:\n  burst: 16\n---\nio:\n  burst: 8\n",
		     "t.yaml:4: a second YAML document (fix: put every "
		     "setting in one document (remove the '---' line))");
	expect_error(
		"- a\n- b\n",
		"t.yaml:1: '' must be a mapping of keys (ports, listen, "
		"allow, gateway, upstreams, trust_anchor, "
		"negative_trust_anchors, "
		"lcores, cache, limits, io, idle, exception, crypto, log), "
		"not a "
		"list (fix: indent 'key: value' lines below it)");
	/* client prefixes: each must parse */
	expect_error("allow: [192.0.2.0/24, 198.51.100.7]\n",
		     "t.yaml:1: 'allow': '198.51.100.7' is not an IPv4 or IPv6 "
		     "prefix (fix: write NETWORK/LENGTH, e.g. 198.51.100.0/24 "
		     "or 2001:db8::/32)");
}

static void
test_errors_keys(void **state)
{
	(void)state;
	expect_error("cache:\n  entries: 5000\nupstream: 192.0.2.1\n",
		     "t.yaml:3: unknown key 'upstream' (fix: use one of: "
		     "ports, listen, allow, gateway, upstreams, trust_anchor, "
		     "negative_trust_anchors, lcores, cache, limits, io, idle, "
		     "exception, crypto, log)");
	expect_error("cache:\n  entries: 5000\n  size: 10\n",
		     "t.yaml:3: unknown key 'size' in 'cache' (fix: use one "
		     "of: entries, max_ttl, min_ttl, bogus_ttl)");
	expect_error("io:\n  burst: 8\n\n  burst: 16\n",
		     "t.yaml:4: duplicate key 'io.burst' (fix: keep one, see "
		     "line 2)");
	expect_error("cache: 5\n",
		     "t.yaml:1: 'cache' must be a mapping of keys (entries, "
		     "max_ttl, min_ttl, bogus_ttl), not a scalar (fix: indent "
		     "'key: value' lines below it)");
	expect_error("cache:\n",
		     "t.yaml:1: 'cache' is empty (fix: add keys below it or "
		     "remove it)");
	expect_error("trust_anchor:\n",
		     "t.yaml:1: 'trust_anchor' has no value (fix: give a value "
		     "or remove the key)");
	expect_error("trust_anchor: [a, b]\n",
		     "t.yaml:1: 'trust_anchor' must be a value, not a list "
		     "(fix: give a single value)");
}

static void
test_errors_values(void **state)
{
	(void)state;
	expect_error("listen:\n  - 192.0.2.53/24\n  - 192.0.2.300/24\n",
		     "t.yaml:3: 'listen': '192.0.2.300/24' is not an IPv4 or "
		     "IPv6 address with a prefix length (fix: write "
		     "ADDR/PREFIX, e.g. 192.0.2.53/24 or 2001:db8::53/64)");
	expect_error("listen: 192.0.2.53\n",
		     "t.yaml:1: 'listen': '192.0.2.53' is not an IPv4 or IPv6 "
		     "address with a prefix length (fix: write ADDR/PREFIX, "
		     "e.g. 192.0.2.53/24 or 2001:db8::53/64)");
	expect_error("listen: [192.0.2.53/33]\n",
		     "t.yaml:1: 'listen': '192.0.2.53/33' is not an IPv4 or "
		     "IPv6 address with a prefix length (fix: write "
		     "ADDR/PREFIX, e.g. 192.0.2.53/24 or 2001:db8::53/64)");
	expect_error("cache:\n  entries: lots\n",
		     "t.yaml:2: 'cache.entries' must be an integer from 1024 "
		     "to 268435456, got 'lots' (fix: use a whole number from "
		     "1024 to 268435456)");
	expect_error("io:\n  burst: 0\n",
		     "t.yaml:2: 'io.burst' must be an integer from 1 to 256, "
		     "got '0' (fix: use a whole number from 1 to 256)");
	expect_error("io:\n  burst: -4\n",
		     "t.yaml:2: 'io.burst' must be an integer from 1 to 256, "
		     "got '-4' (fix: use a whole number from 1 to 256)");
	expect_error("upstreams:\n  - 192.0.2.1:99999\n",
		     "t.yaml:2: 'upstreams': '192.0.2.1:99999' is not an "
		     "address with an optional port 1-65535 (fix: write ADDR, "
		     "ADDR:PORT or [IPV6]:PORT, e.g. 192.0.2.1:53 or "
		     "[2001:db8::1]:53)");
	expect_error("gateway: [192.0.2.1, 192.0.2.2]\n",
		     "t.yaml:1: 'gateway': second IPv4 gateway '192.0.2.2' "
		     "(fix: keep one IPv4 and one IPv6 gateway)");
	expect_error("negative_trust_anchors:\n  - bad..name\n",
		     "t.yaml:2: 'negative_trust_anchors': 'bad..name' is not "
		     "a valid domain name (fix: write a domain name such as "
		     "example.com. (labels of 1-63 characters, no escapes))");
	expect_error("lcores:\n  workers: [0, 1, 1]\n",
		     "t.yaml:2: 'lcores.workers': lcore listed twice in '1' "
		     "(fix: list each lcore once)");
	expect_error("lcores:\n  validators: \"3-1\"\n",
		     "t.yaml:2: 'lcores.validators': '3-1' is not a list of "
		     "lcores (fix: use lcore ids 0-127, e.g. [0, 1] or "
		     "\"0-3\")");
	expect_error("exception:\n  type: kni\n",
		     "t.yaml:2: 'exception.type': unknown exception path type "
		     "'kni' (fix: use 'tap' or 'none')");
	expect_error("exception:\n  addresses: maybe\n",
		     "t.yaml:2: 'exception.addresses' must be true or false, "
		     "got 'maybe' (fix: use true or false)");
	expect_error("ports:\n  - rx_desc: 512\n",
		     "t.yaml:2: 'ports': port without 'device' (fix: add "
		     "'device: PCI-ADDRESS-OR-VDEV')");
	expect_error("ports: net_null0\n",
		     "t.yaml:1: 'ports' must be a list, not a scalar (fix: "
		     "write a list, e.g. '- 0000:01:00.0' or '- "
		     "net_pcap0,iface=veth0')");
}

static void
test_errors_validate(void **state)
{
	(void)state;
	expect_error("listen: [192.0.2.53/24]\n"
		     "gateway: 198.51.100.1\n",
		     "t.yaml:2: gateway 198.51.100.1 is not inside any IPv4 "
		     "listen prefix (fix: the next hop must be on-link: widen "
		     "a listen prefix or fix the gateway address)");
	expect_error("listen: [192.0.2.53/24]\n"
		     "gateway: 2001:db8::1\n",
		     "t.yaml:2: gateway 2001:db8::1 is IPv6 but no IPv6 listen "
		     "address is configured (fix: add an address of that "
		     "family to 'listen' or remove the gateway)");
	expect_error("listen: [192.0.2.53/24]\n"
		     "upstreams:\n  - 192.0.2.1\n  - 2001:db8::1\n",
		     "t.yaml:4: upstream 2001:db8::1 is IPv6 but no IPv6 "
		     "listen address is configured (fix: add a listen address "
		     "of that family: queries to the upstream use it as "
		     "source)");
	expect_error("listen: [192.0.2.53/24, 192.0.2.53/25]\n",
		     "t.yaml:1: listen address 192.0.2.53 given twice (fix: "
		     "list each address once)");
	/* Addresses no reply may leave from (a multicast, broadcast or
	 * unspecified source): refused with their line. */
	expect_error("listen:\n  - 192.0.2.53/24\n  - 224.0.0.251/24\n",
		     "t.yaml:3: listen address 224.0.0.251/24 is a multicast "
		     "address: no reply may leave from it (fix: listen on a "
		     "unicast address of this host, inside its prefix)");
	expect_error("listen: [192.0.2.255/24]\n",
		     "t.yaml:1: listen address 192.0.2.255/24 is the prefix's "
		     "broadcast address: no reply may leave from it (fix: "
		     "listen on a unicast address of this host, inside its "
		     "prefix)");
	expect_error("listen: [192.0.2.0/24]\n",
		     "t.yaml:1: listen address 192.0.2.0/24 is the prefix's "
		     "network address: no reply may leave from it (fix: "
		     "listen on a unicast address of this host, inside its "
		     "prefix)");
	expect_error("listen: [255.255.255.255/32]\n",
		     "t.yaml:1: listen address 255.255.255.255/32 is the "
		     "limited broadcast address: no reply may leave from it "
		     "(fix: listen on a unicast address of this host, inside "
		     "its prefix)");
	expect_error("listen: [0.0.0.0/0]\n",
		     "t.yaml:1: listen address 0.0.0.0/0 is the unspecified "
		     "address: no reply may leave from it (fix: listen on a "
		     "unicast address of this host, inside its prefix)");
	expect_error("listen: [127.0.0.1/8]\n",
		     "t.yaml:1: listen address 127.0.0.1/8 is a loopback "
		     "address: no reply may leave from it (fix: listen on a "
		     "unicast address of this host, inside its prefix)");
	expect_error("listen: ['ff02::fb/64']\n",
		     "t.yaml:1: listen address ff02::fb/64 is a multicast "
		     "address: no reply may leave from it (fix: listen on a "
		     "unicast address of this host, inside its prefix)");
	expect_error("listen: ['::/64']\n",
		     "t.yaml:1: listen address ::/64 is the unspecified "
		     "address: no reply may leave from it (fix: listen on a "
		     "unicast address of this host, inside its prefix)");
	expect_error("listen: [240.0.0.1/24]\n",
		     "t.yaml:1: listen address 240.0.0.1/24 is a reserved "
		     "address (240/4): no reply may leave from it (fix: "
		     "listen on a unicast address of this host, inside its "
		     "prefix)");
	expect_error("listen: ['::1/128']\n",
		     "t.yaml:1: listen address ::1/128 is the loopback "
		     "address: no reply may leave from it (fix: listen on a "
		     "unicast address of this host, inside its prefix)");
	expect_error("io: { ring_size: 1000 }\n",
		     "t.yaml:1: 'io.ring_size' must be a power of two, got "
		     "'1000' (fix: use a power of two, e.g. 4096)");
	expect_error("cache:\n  max_ttl: 10\n  min_ttl: 20\n",
		     "t.yaml:2: 'cache': min_ttl 20 is larger than max_ttl 10 "
		     "(fix: make min_ttl <= max_ttl)");

	/* Accepted: on-link gateway, link-local IPv6 router. */
	{
		struct tw_config *c = new_cfg();
		struct tw_config_err err;

		assert_int_equal(load(c,
				      "listen: [10.1.2.3/8, 2001:db8::1/64]\n"
				      "gateway: [10.200.0.1, fe80::1]\n",
				      &err),
				 0);
		free(c);
	}
}

static void
test_value_parsers(void **state)
{
	struct tw_cfg_upstream u;
	struct tw_cfg_prefix p;
	struct tw_cfg_lcores l;
	char name[TW_CFG_NAME_MAX];
	char big[300];

	(void)state;
	assert_int_equal(tw_config_parse_upstream("192.0.2.1", &u), 0);
	assert_int_equal(u.port, 53);
	assert_int_equal(tw_config_parse_upstream("192.0.2.1:1", &u), 0);
	assert_int_equal(u.port, 1);
	assert_int_equal(tw_config_parse_upstream("2001:db8::1", &u), 0);
	assert_int_equal(u.family, AF_INET6);
	assert_int_equal(u.port, 53);
	assert_int_equal(tw_config_parse_upstream("[2001:db8::1]:853", &u), 0);
	assert_int_equal(u.port, 853);
	assert_int_equal(tw_config_parse_upstream("[2001:db8::1]", &u), 0);
	assert_int_equal(u.port, 53);
	assert_int_equal(tw_config_parse_upstream("[192.0.2.1]:53", &u),
			 -EINVAL);
	assert_int_equal(tw_config_parse_upstream("192.0.2.1:0", &u), -EINVAL);
	assert_int_equal(tw_config_parse_upstream("192.0.2.1:", &u), -EINVAL);
	assert_int_equal(tw_config_parse_upstream("[::1", &u), -EINVAL);
	assert_int_equal(tw_config_parse_upstream("[::1]x", &u), -EINVAL);
	assert_int_equal(tw_config_parse_upstream("host.example:53", &u),
			 -EINVAL);
	assert_int_equal(tw_config_parse_upstream("", &u), -EINVAL);

	assert_int_equal(tw_config_parse_prefix("::/0", &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(tw_config_parse_prefix("::1/129", &p), -EINVAL);
	assert_int_equal(tw_config_parse_prefix("/24", &p), -EINVAL);
	assert_int_equal(tw_config_parse_prefix("10.0.0.1/", &p), -EINVAL);
	assert_int_equal(tw_config_parse_prefix("10.0.0.1/8x", &p), -EINVAL);

	memset(&l, 0, sizeof(l));
	assert_int_equal(tw_config_parse_lcores("1-3,5", &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.id[3], 5);
	memset(&l, 0, sizeof(l));
	assert_int_equal(tw_config_parse_lcores("128", &l), -EINVAL);
	memset(&l, 0, sizeof(l));
	assert_int_equal(tw_config_parse_lcores(",", &l), -EINVAL);
	memset(&l, 0, sizeof(l));
	assert_int_equal(tw_config_parse_lcores("0,0", &l), -EEXIST);

	assert_int_equal(tw_config_parse_name(".", name), 0);
	assert_string_equal(name, ".");
	assert_int_equal(tw_config_parse_name("WWW.Example.org", name), 0);
	assert_string_equal(name, "www.example.org.");
	assert_int_equal(tw_config_parse_name(".com", name), -EINVAL);
	assert_int_equal(tw_config_parse_name("a b.com", name), -EINVAL);
	assert_int_equal(tw_config_parse_name("a\\.b", name), -EINVAL);
	memset(big, 'a', 64);
	big[64] = '\0';
	assert_int_equal(tw_config_parse_name(big, name), -EINVAL);
	big[63] = '\0';
	assert_int_equal(tw_config_parse_name(big, name), 0);
	/* 4 labels of 63 + dots: wire length 4 * 64 + 1 = 257 > 255. */
	memset(big, 'a', 4 * 64);
	big[63] = big[127] = big[191] = '.';
	big[255] = '\0';
	assert_int_equal(tw_config_parse_name(big, name), -EINVAL);
	/* 3 labels of 63 and one of 61: 3 * 64 + 62 + 1 = 255, the max. */
	big[253] = '\0';
	assert_int_equal(tw_config_parse_name(big, name), 0);
}

/* Write @p text into a temporary file; @p path receives its name. */
static void
write_tmp(char path[64], const char *text)
{
	int fd;

	snprintf(path, 64, "/tmp/tw-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
test_cli_overrides(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;
	char path[64];
	uint8_t a[16];

	(void)state;
	write_tmp(path, "listen:\n  - 192.0.2.53/24\n  - 2001:db8::53/64\n"
			"upstreams: [192.0.2.10]\n"
			"trust_anchor: /from/file.key\n"
			"cache: { entries: 5000 }\n"
			"ports: [net_null0]\n");
	{
		/* Options before and after -c: the file is applied first. */
		char *argv[] = { "trustwire",
				 "--listen",
				 "198.51.100.7/24",
				 "-c",
				 path,
				 "--upstream",
				 "198.51.100.1:5300",
				 "--upstream",
				 "198.51.100.2",
				 "--gateway",
				 "198.51.100.254",
				 "--trust-anchor",
				 "/cli.key",
				 "--port",
				 "net_ring0",
				 "--workers",
				 "0",
				 "--validators",
				 "0",
				 "--nta",
				 "Broken.Example",
				 "--exception",
				 "tap:dnsx",
				 "--duration",
				 "3",
				 NULL };
		int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

		assert_int_equal(tw_config_parse_args(c, argc, argv, &err), 0);
	}
	assert_string_equal(c->file, path);
	/* --listen replaced both file entries. */
	assert_int_equal(c->n_listen, 1);
	inet_pton(AF_INET, "198.51.100.7", a);
	assert_memory_equal(c->listen[0].addr, a, 4);
	assert_int_equal(c->listen[0].line, 0);
	assert_int_equal(c->n_upstreams, 2);
	assert_int_equal(c->upstreams[0].port, 5300);
	assert_int_equal(c->upstreams[1].port, 53);
	assert_int_equal(c->gateway4.family, AF_INET);
	assert_string_equal(c->trust_anchor, "/cli.key");
	assert_int_equal(c->trust_anchor_line, 0);
	/* Untouched by the command line: from the file. */
	assert_int_equal(c->cache.entries, 5000);
	assert_int_equal(c->n_ports, 1);
	assert_string_equal(c->ports[0].devargs, "net_ring0");
	assert_int_equal(c->workers.n, 1);
	assert_int_equal(c->validators.id[0], 0);
	assert_int_equal(c->n_nta, 1);
	assert_string_equal(c->nta[0], "broken.example.");
	assert_int_equal(c->exception.type, TW_CFG_EXC_TAP);
	assert_string_equal(c->exception.name, "dnsx");
	assert_int_equal(c->duration_s, 3);

	{
		/* Without overrides the file's lists stay. */
		char *argv[] = { "trustwire", "--config", path, "--check",
				 NULL };

		assert_int_equal(tw_config_parse_args(c, 4, argv, &err), 0);
		assert_int_equal(c->n_listen, 2);
		assert_int_equal(c->listen[1].line, 3);
		assert_string_equal(c->trust_anchor, "/from/file.key");
		assert_true(c->check_only);
	}
	unlink(path);
	free(c);
}

static void
expect_cli_error(int argc, char **argv, int rc, const char *text)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_config_parse_args(c, argc, argv, &err), rc);
	assert_string_equal(err.text, text);
	free(c);
}

static void
test_cli_errors(void **state)
{
	char *a1[] = { "tw", "--frobnicate", NULL };
	char *a2[] = { "tw", "--listen", NULL };
	char *a3[] = { "tw", "--listen", "192.0.2.1", NULL };
	char *a4[] = { "tw", "stray", NULL };
	char *a5[] = { "tw", "-c", "/nonexistent/tw.yaml", NULL };
	char *a6[] = { "tw", "-x", NULL };
	char *a7[] = { "tw", "--exception", "kni", NULL };
	char *a8[] = { "tw",	    "--listen",	 "10.0.0.1/8",
		       "--gateway", "192.0.2.1", NULL };
	char *a9[] = { "tw", "--duration", "0", NULL };
	char *a10[] = { "tw", "--workers", "0,0", NULL };

	(void)state;
	expect_cli_error(2, a1, -EINVAL,
			 "command line: unknown option '--frobnicate' (fix: "
			 "see --help)");
	expect_cli_error(2, a2, -EINVAL,
			 "command line: option '--listen' needs a value (fix: "
			 "see --help)");
	expect_cli_error(3, a3, -EINVAL,
			 "command line: --listen '192.0.2.1' is not an IPv4 or "
			 "IPv6 address with a prefix length (fix: write "
			 "ADDR/PREFIX, e.g. 192.0.2.53/24)");
	expect_cli_error(2, a4, -EINVAL,
			 "command line: unexpected argument 'stray' (fix: "
			 "options go after '--'; values after their option)");
	expect_cli_error(3, a5, -ENOENT,
			 "command line: cannot open config file "
			 "'/nonexistent/tw.yaml': No such file or directory "
			 "(fix: check the path given to -c/--config)");
	expect_cli_error(2, a6, -EINVAL,
			 "command line: unknown option '-x' (fix: see --help)");
	{
		char *b1[] = { "tw", "--help=x", NULL };
		char *b2[] = { "tw", "--check=1", NULL };

		expect_cli_error(2, b1, -EINVAL,
				 "command line: option '--help' takes no "
				 "value (fix: see --help)");
		expect_cli_error(2, b2, -EINVAL,
				 "command line: option '--check' takes no "
				 "value (fix: see --help)");
	}
	expect_cli_error(3, a7, -EINVAL,
			 "command line: --exception 'kni' is not valid (fix: "
			 "use none, tap or tap:IFNAME)");
	expect_cli_error(5, a8, -EINVAL,
			 "command line: gateway 192.0.2.1 is not inside any "
			 "IPv4 listen prefix (fix: the next hop must be "
			 "on-link: widen a listen prefix or fix the gateway "
			 "address)");
	expect_cli_error(3, a9, -EINVAL,
			 "command line: --duration '0' is not a number of "
			 "seconds (fix: give whole seconds >= 1)");
	expect_cli_error(3, a10, -EINVAL,
			 "command line: --workers '0,0' is not a list of "
			 "lcores (fix: write lcore ids once each, e.g. 0 or "
			 "1-3,5)");
}

/* argv "tw" then @p n times "OPT VALUE", VALUE = @p pre, 1..n, @p post. */
static char **
repeat_opt(const char *opt, const char *pre, const char *post, int n, int *argc)
{
	char **argv = calloc((size_t)(2 * n + 2), sizeof(*argv));
	int i;

	assert_non_null(argv);
	argv[0] = "tw";
	for (i = 0; i < n; i++) {
		argv[1 + 2 * i] = (char *)opt;
		argv[2 + 2 * i] = malloc(64);
		assert_non_null(argv[2 + 2 * i]);
		snprintf(argv[2 + 2 * i], 64, "%s%d%s", pre, i + 1, post);
	}
	*argc = 2 * n + 1;
	return argv;
}

static void
free_opt(char **argv, int argc)
{
	int i;

	for (i = 2; i < argc; i += 2)
		free(argv[i]);
	free(argv);
}

static void
expect_cli_repeat(const char *opt, const char *pre, const char *post, int n,
		  const char *text)
{
	int argc;
	char **argv = repeat_opt(opt, pre, post, n, &argc);

	expect_cli_error(argc, argv, -EINVAL, text);
	free_opt(argv, argc);
}

/* The list keys and options: capacity, parse errors, replace semantics. */
static void
test_lists(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;
	char yaml[2048];
	size_t n;
	int i, argc;
	char **argv;

	(void)state;
	/* File: one more item than fits, in a flow list on line 2. */
	n = (size_t)snprintf(yaml, sizeof(yaml), "# lists\nlisten: [");
	for (i = 1; i <= TW_CFG_MAX_LISTEN + 1; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
				      "%s10.0.0.%d/8", i > 1 ? ", " : "", i);
	snprintf(yaml + n, sizeof(yaml) - n, "]\n");
	expect_error(yaml, "t.yaml:2: 'listen': more than 16 addresses (fix: "
			   "remove some entries)");
	n = (size_t)snprintf(yaml, sizeof(yaml), "upstreams:\n");
	for (i = 1; i <= TW_CFG_MAX_UPSTREAMS + 1; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
				      "  - 192.0.2.%d\n", i);
	expect_error(yaml, "t.yaml:18: 'upstreams': more than 16 upstreams "
			   "(fix: remove some entries)");
	n = (size_t)snprintf(yaml, sizeof(yaml), "negative_trust_anchors: [");
	for (i = 1; i <= TW_CFG_MAX_NTA + 1; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%sn%d.",
				      i > 1 ? ", " : "", i);
	snprintf(yaml + n, sizeof(yaml) - n, "]\n");
	expect_error(yaml, "t.yaml:1: 'negative_trust_anchors': more than 64 "
			   "names (fix: remove some entries)");

	/* Exactly the capacity fits, in the file and on the command line. */
	n = (size_t)snprintf(yaml, sizeof(yaml), "negative_trust_anchors: [");
	for (i = 1; i <= TW_CFG_MAX_NTA; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%sN%d",
				      i > 1 ? ", " : "", i);
	snprintf(yaml + n, sizeof(yaml) - n, "]\n");
	assert_int_equal(load(c, yaml, &err), 0);
	assert_int_equal(c->n_nta, TW_CFG_MAX_NTA);
	assert_string_equal(c->nta[TW_CFG_MAX_NTA - 1], "n64.");
	argv = repeat_opt("--upstream", "192.0.2.", ":5300",
			  TW_CFG_MAX_UPSTREAMS, &argc);
	assert_int_equal(tw_config_parse_args(c, argc, argv, &err), 0);
	assert_int_equal(c->n_upstreams, TW_CFG_MAX_UPSTREAMS);
	assert_int_equal(c->upstreams[15].addr[3], 16);
	assert_int_equal(c->upstreams[15].port, 5300);
	assert_int_equal(c->upstreams[15].line, 0);
	free_opt(argv, argc);

	/* Command line: one more than fits. */
	expect_cli_repeat("--listen", "10.0.0.", "/8", TW_CFG_MAX_LISTEN + 1,
			  "command line: more than 16 --listen addresses "
			  "(fix: give fewer --listen)");
	expect_cli_repeat("--upstream", "192.0.2.", "",
			  TW_CFG_MAX_UPSTREAMS + 1,
			  "command line: more than 16 --upstream (fix: give "
			  "fewer --upstream)");
	expect_cli_repeat("--nta", "n", ".", TW_CFG_MAX_NTA + 1,
			  "command line: more than 64 --nta (fix: give "
			  "fewer --nta)");

	/* Command line: a value that does not parse. */
	expect_cli_repeat("--upstream", "192.0.2.", ":0", 1,
			  "command line: --upstream '192.0.2.1:0' is not an "
			  "address with an optional port 1-65535 (fix: "
			  "write ADDR, ADDR:PORT or [IPV6]:PORT)");
	expect_cli_repeat("--nta", "bad..name", "", 1,
			  "command line: --nta 'bad..name1' is not a valid "
			  "domain name (fix: write a domain name, e.g. "
			  "example.com.)");
	free(c);
}

static void
test_cli_bad_file_line(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;
	char path[64], want[256];

	(void)state;
	write_tmp(path, "listen:\n  - 192.0.2.53/24\n\nlimits:\n"
			"  max_inflight: 1\n");
	{
		char *argv[] = { "trustwire", "-c", path, NULL };

		assert_int_equal(tw_config_parse_args(c, 3, argv, &err),
				 -EINVAL);
	}
	snprintf(want, sizeof(want),
		 "%s:5: 'limits.max_inflight' must be an integer from 16 to "
		 "1048576, got '1' (fix: use a whole number from 16 to "
		 "1048576)",
		 path);
	assert_string_equal(err.text, want);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 5);
	unlink(path);
	free(c);
}

static void
test_help(void **state)
{
	struct tw_config *c = new_cfg();
	struct tw_config_err err;
	char *argv[] = { "trustwire", "--listen", "bad", "-h", NULL };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	/* --help wins over a bad value that comes before it. */
	assert_int_equal(tw_config_parse_args(c, 4, argv, &err), 0);
	assert_true(c->help);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	tw_config_usage(f, "trustwire");
	fclose(f);
	assert_non_null(strstr(buf, "usage: trustwire [EAL options] -- "));
	assert_non_null(strstr(buf, "--listen ADDR/PREFIX"));
	assert_non_null(strstr(buf, "--upstream ADDR[:PORT]"));
	assert_non_null(strstr(buf, "--gateway ADDR"));
	assert_non_null(strstr(buf, "--trust-anchor FILE"));
	assert_non_null(strstr(buf, "-c, --config FILE"));
	free(buf);
	free(c);
}

/*
 * --help documents every configuration key with its default: each key
 * the effective configuration prints (--check, from the defaults) is in
 * the usage text, a scalar as "KEY DEFAULT".
 */
static void
test_help_keys(void **state)
{
	struct tw_config *c = new_cfg();
	char *use = NULL, *cfg = NULL, *line, *save = NULL;
	size_t ulen = 0, clen = 0;
	unsigned n = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&use, &ulen);
	assert_non_null(f);
	tw_config_usage(f, "trustwire");
	fclose(f);
	f = open_memstream(&cfg, &clen);
	assert_non_null(f);
	tw_config_print(c, f);
	fclose(f);
	for (line = strtok_r(cfg, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[64], val[256], want[330];
		const char *p = line + strspn(line, " ");
		bool comment = *p == '#';

		if (line[0] == '#' || strchr(p, ':') == NULL)
			continue;
		p += strspn(p, "# ");
		if (!comment && line[0] == ' ' &&
		    sscanf(p, "%63[a-z_]: %255[^ #]", key, val) == 2 &&
		    val[0] != '{' && val[0] != '[') {
			/* "entries: 1048576" -> "entries 1048576" */
			char *v = val;

			if (*v == '"') {
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			snprintf(want, sizeof(want), "%s %s", key, v);
		} else if (sscanf(p, "%63[a-z_]:", key) == 1) {
			snprintf(want, sizeof(want), "%s", key);
		} else {
			continue;
		}
		if (strstr(use, want) == NULL)
			fail_msg("--help lacks '%s' (config line '%s')", want,
				 line);
		n++;
	}
	/* every key of the printed defaults, sections included */
	assert_true(n >= 30);
	free(use);
	free(cfg);
	free(c);
}

/* @p c printed as YAML and loaded into @p d; @return the text (free it). */
static char *
reprint(const struct tw_config *c, struct tw_config *d)
{
	struct tw_config_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	tw_config_print(c, f);
	fclose(f);
	assert_int_equal(tw_config_load_string(d, "printed", buf, len, &err),
			 0);
	return buf;
}

static void
test_print_roundtrip(void **state)
{
	struct tw_config *c = new_cfg(), *d = new_cfg();
	struct tw_config_err err;
	char *buf = NULL;

	(void)state;
	assert_int_equal(load(c, full_yaml, &err), 0);
	buf = reprint(c, d);
	assert_int_equal(tw_config_validate(d, &err), 0);
	assert_int_equal(d->n_ports, 2);
	assert_string_equal(d->ports[1].devargs, "net_pcap0,iface=veth0");
	assert_int_equal(d->ports[1].rx_desc, 512);
	assert_int_equal(d->ports[0].rx_desc, 2048);
	assert_int_equal(d->n_listen, 2);
	assert_memory_equal(d->listen[1].addr, c->listen[1].addr, 16);
	assert_int_equal(d->n_upstreams, 3);
	assert_int_equal(d->upstreams[1].port, 5353);
	assert_memory_equal(d->upstreams[2].addr, c->upstreams[2].addr, 16);
	assert_int_equal(d->gateway6.family, AF_INET6);
	assert_int_equal(d->n_nta, 2);
	assert_string_equal(d->nta[0], "example.com.");
	assert_int_equal(d->n_allow, 2);
	assert_memory_equal(d->allow[1].addr, c->allow[1].addr, 16);
	assert_int_equal(d->allow[1].len, 32);
	assert_int_equal(d->workers.n, 2);
	assert_int_equal(d->validators.n, 1);
	assert_memory_equal(&d->cache, &c->cache, sizeof(c->cache));
	assert_memory_equal(&d->limits, &c->limits, sizeof(c->limits));
	assert_memory_equal(&d->io, &c->io, sizeof(c->io));
	assert_memory_equal(&d->idle, &c->idle, sizeof(c->idle));
	assert_memory_equal(&d->log, &c->log, sizeof(c->log));
	assert_memory_equal(&d->exception, &c->exception, sizeof(c->exception));
	free(buf);

	/* Defaults print and reload too. */
	tw_config_defaults(c);
	tw_config_defaults(d);
	buf = reprint(c, d);
	assert_false(d->workers.set);
	assert_int_equal(d->n_listen, 0);
	assert_memory_equal(&d->io, &c->io, sizeof(c->io));
	free(buf);
	free(c);
	free(d);
}

/* crypto.path / --crypto-path: lib/crypto's hashing path for validators. */
static void
test_crypto_path(void **state)
{
	struct tw_config *c = new_cfg(), *d = new_cfg();
	struct tw_config_err err;
	char *buf = NULL;
	char *a1[] = { "tw", "--crypto-path", "openssl", NULL };
	char *a2[] = { "tw", "--crypto-path", "fast", NULL };

	(void)state;
	assert_int_equal(c->crypto.path, TW_CFG_CRYPTO_AUTO);
	assert_int_equal(load(c, "crypto:\n  path: ipsec_mb\n", &err), 0);
	assert_int_equal(c->crypto.path, TW_CFG_CRYPTO_IPSEC_MB);
	assert_int_equal(load(c, "crypto: { path: openssl }\n", &err), 0);
	assert_int_equal(c->crypto.path, TW_CFG_CRYPTO_OPENSSL);
	assert_int_equal(load(c, "crypto: { path: auto }\n", &err), 0);
	assert_int_equal(c->crypto.path, TW_CFG_CRYPTO_AUTO);
	expect_error("crypto:\n  path: fast\n",
		     "t.yaml:2: 'crypto.path': unknown crypto path 'fast' "
		     "(fix: use auto, openssl or ipsec_mb)");
	expect_error("crypto:\n  batch: 8\n",
		     "t.yaml:2: unknown key 'batch' in 'crypto' (fix: use one "
		     "of: path, sha1_signatures)");

	/* RFC 9905: algorithms 5 and 7 as unsupported, by choice. */
	assert_true(c->crypto.sha1_signatures);
	assert_int_equal(load(c, "crypto: { sha1_signatures: false }\n", &err),
			 0);
	assert_false(c->crypto.sha1_signatures);
	assert_int_equal(load(c, "crypto:\n  sha1_signatures: yes\n", &err), 0);
	assert_true(c->crypto.sha1_signatures);
	expect_error("crypto:\n  path: auto\n  sha1_signatures: off\n",
		     "t.yaml:3: 'crypto.sha1_signatures' must be true or "
		     "false, got 'off' (fix: use true or false)");
	assert_int_equal(load(c, "crypto: { sha1_signatures: no }\n", &err), 0);

	assert_int_equal(tw_config_parse_args(c, 3, a1, &err), 0);
	assert_int_equal(c->crypto.path, TW_CFG_CRYPTO_OPENSSL);
	expect_cli_error(3, a2, -EINVAL,
			 "command line: --crypto-path 'fast' is not valid "
			 "(fix: use auto, openssl or ipsec_mb)");

	/* Printed and loaded again. */
	buf = reprint(c, d);
	assert_non_null(strstr(
		buf, "crypto:\n  path: openssl\n  sha1_signatures: true\n"));
	assert_int_equal(d->crypto.path, TW_CFG_CRYPTO_OPENSSL);
	assert_true(d->crypto.sha1_signatures);
	free(buf);
	c->crypto.sha1_signatures = false;
	free(reprint(c, d));
	assert_false(d->crypto.sha1_signatures);
	free(c);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_errors_keys),
		cmocka_unit_test(test_errors_values),
		cmocka_unit_test(test_errors_validate),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_cli_overrides),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_cli_bad_file_line),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_keys),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_crypto_path),
	};

	return cmocka_run_group_tests_name("app/config", tests, NULL, NULL);
}
