/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trustwire configuration: YAML file (libyaml document API, so every node
 * keeps its line), command-line overrides, validation. Pure C: no DPDK.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <yaml.h>

#include "config.h"
#include "tw_net.h"

/* ---- Errors ------------------------------------------------------------ */

static int __attribute__((format(printf, 5, 0)))
err_vset(struct tw_config_err *err, const char *file, unsigned line,
	 const char *fix, const char *fmt, va_list ap)
{
	char what[512];
	int n;

	if (err == NULL)
		return -EINVAL;
	vsnprintf(what, sizeof(what), fmt, ap);
	snprintf(err->file, sizeof(err->file), "%s",
		 line > 0 ? file : TW_CFG_CMDLINE);
	err->line = line;
	if (line > 0)
		n = snprintf(err->text, sizeof(err->text), "%s:%u: %s", file,
			     line, what);
	else
		n = snprintf(err->text, sizeof(err->text), "%s: %s",
			     TW_CFG_CMDLINE, what);
	if (fix != NULL && n >= 0 && (size_t)n < sizeof(err->text))
		snprintf(err->text + n, sizeof(err->text) - (size_t)n,
			 " (fix: %s)", fix);
	return -EINVAL;
}

static int __attribute__((format(printf, 5, 6)))
err_set(struct tw_config_err *err, const char *file, unsigned line,
	const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, file, line, fix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int
tw_config_error(struct tw_config_err *err, const struct tw_config *c,
		tw_cfg_line line, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, c->file, line, fix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- Defaults ------------------------------------------------------------ */

void
tw_config_defaults(struct tw_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->trust_anchor, sizeof(c->trust_anchor), "%s",
		 TW_CFG_DEFAULT_TA);
	c->cache.entries = 1u << 20;
	c->cache.max_ttl = 86400;
	c->cache.min_ttl = 0;
	c->cache.bogus_ttl = 60;
	c->limits.upstream_timeout_ms = 2000;
	c->limits.max_inflight = 65536;
	c->limits.max_validations = 16;
	/* RFC 9276 3.2; 50 like BIND, PowerDNS Recursor and Knot Resolver. */
	c->limits.nsec3_max_iterations = 50;
	/* DNS flag day 2020: 1232 avoids IP fragmentation on most paths. */
	c->limits.edns_udp_size = 1232;
	c->io.burst = 32;
	c->io.rx_desc = 1024;
	c->io.tx_desc = 1024;
	c->io.mbufs = 0;
	c->io.ring_size = 4096;
	c->io.tx_drain_us = 100;
	c->idle.spin_polls = 128;
	c->idle.sleep_max_us = 1000;
	c->exception.type = TW_CFG_EXC_NONE;
	/* Not "tw0": the test bed (doc/testbed.md) names its veth so. */
	snprintf(c->exception.name, sizeof(c->exception.name), "twexc0");
	c->exception.addresses = true;
	c->log.bogus_rate = 10;
	c->log.bogus_burst = 20;
	c->crypto.path = TW_CFG_CRYPTO_AUTO;
	c->crypto.sha1_signatures = true;
}

/* ---- Value parsers (shared by file and command line) ------------------- */

static const char *const crypto_path_str[] = {
	[TW_CFG_CRYPTO_AUTO] = "auto",
	[TW_CFG_CRYPTO_OPENSSL] = "openssl",
	[TW_CFG_CRYPTO_IPSEC_MB] = "ipsec_mb",
};

static int
parse_crypto_path(const char *s, enum tw_cfg_crypto_path *out)
{
	unsigned i;

	for (i = 0; i < sizeof(crypto_path_str) / sizeof(crypto_path_str[0]);
	     i++)
		if (strcmp(s, crypto_path_str[i]) == 0) {
			*out = (enum tw_cfg_crypto_path)i;
			return 0;
		}
	return -EINVAL;
}

static int
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	if (*s == '\0')
		return -EINVAL;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* inet_pton for either family; the result is in out[16]. */
static int
parse_ip(const char *s, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, out) != 1)
			return -EINVAL;
		*family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, out) != 1)
		return -EINVAL;
	*family = AF_INET;
	return 0;
}

int
tw_config_parse_prefix(const char *s, struct tw_cfg_prefix *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	uint32_t len;
	size_t alen;

	if (slash == NULL)
		return -EINVAL;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (parse_ip(buf, &out->family, out->addr) != 0)
		return -EINVAL;
	if (parse_u32(slash + 1, 0, out->family == AF_INET ? 32 : 128, &len))
		return -EINVAL;
	out->len = (uint8_t)len;
	out->line = 0;
	return 0;
}

int
tw_config_parse_addr(const char *s, struct tw_cfg_addr *out)
{
	out->line = 0;
	return parse_ip(s, &out->family, out->addr);
}

/*
 * "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353".
 * A bare IPv6 address has no port (its colons are the address's).
 */
int
tw_config_parse_upstream(const char *s, struct tw_cfg_upstream *out)
{
	char buf[64];
	const char *port = NULL;
	const char *end;
	uint32_t p = 53;
	size_t alen;
	bool bracketed = s[0] == '[';

	if (bracketed) {
		end = strchr(s, ']');
		if (end == NULL)
			return -EINVAL;
		alen = (size_t)(end - s - 1);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -EINVAL;
		s++;
	} else {
		const char *colon = strchr(s, ':');

		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			alen = (size_t)(colon - s);
			port = colon + 1;
		} else {
			alen = strlen(s);
		}
	}
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (parse_ip(buf, &out->family, out->addr) != 0)
		return -EINVAL;
	if (bracketed && out->family != AF_INET6)
		return -EINVAL;
	if (port != NULL && parse_u32(port, 1, 65535, &p) != 0)
		return -EINVAL;
	out->port = (uint16_t)p;
	out->line = 0;
	return 0;
}

static int
lcores_add(struct tw_cfg_lcores *l, uint32_t id)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (l->id[i] == id)
			return -EEXIST;
	if (l->n >= TW_CFG_MAX_LCORES)
		return -ENOSPC;
	l->id[l->n++] = (uint16_t)id;
	return 0;
}

/* "0", "0,2", "1-3,5": appended to @p out (which the caller reset). */
int
tw_config_parse_lcores(const char *s, struct tw_cfg_lcores *out)
{
	char buf[512];
	char *save = NULL;
	char *tok;
	int rc = 0;

	if (strlen(s) >= sizeof(buf) || *s == '\0')
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint32_t a, b, i;

		while (*tok == ' ')
			tok++;
		if (dash != NULL)
			*dash = '\0';
		if (parse_u32(tok, 0, TW_CFG_MAX_LCORES - 1, &a) != 0)
			return -EINVAL;
		b = a;
		if (dash != NULL &&
		    parse_u32(dash + 1, 0, TW_CFG_MAX_LCORES - 1, &b) != 0)
			return -EINVAL;
		if (b < a)
			return -EINVAL;
		for (i = a; i <= b; i++) {
			rc = lcores_add(out, i);
			if (rc != 0)
				return rc;
		}
	}
	if (out->n == 0)
		return -EINVAL;
	out->set = true;
	return 0;
}

/*
 * A domain name in presentation format, stored lowercased with a
 * trailing dot. Labels 1..63 octets, wire length <= 255 (RFC 1035
 * 2.3.4). Escapes (RFC 1035 5.1) are not accepted here: NTAs are host
 * names in practice.
 */
int
tw_config_parse_name(const char *s, char out[TW_CFG_NAME_MAX])
{
	size_t n = strlen(s), i, label = 0, wire = 1;

	if (n == 0)
		return -EINVAL;
	if (strcmp(s, ".") == 0) {
		snprintf(out, TW_CFG_NAME_MAX, ".");
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (label == 0)
				return -EINVAL; /* empty label */
			wire += label + 1;
			label = 0;
			continue;
		}
		if (ch <= ' ' || ch >= 0x7f || ch == '\\' || ch == '"')
			return -EINVAL;
		if (++label > 63)
			return -EINVAL;
	}
	wire += label > 0 ? label + 1 : 0;
	if (wire > 255)
		return -EINVAL;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	if (s[n - 1] != '.')
		out[n++] = '.';
	out[n] = '\0';
	return 0;
}

const char *
tw_config_addr_str(int family, const uint8_t *addr, char *buf, size_t size)
{
	if (inet_ntop(family, addr, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

static int
ifname_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= TW_CFG_IFNAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

/* "none", "tap" or "tap:IFNAME". */
static int
parse_exception(const char *s, struct tw_config *c)
{
	if (strcmp(s, "none") == 0) {
		c->exception.type = TW_CFG_EXC_NONE;
		return 0;
	}
	if (strncmp(s, "tap", 3) != 0 || (s[3] != '\0' && s[3] != ':'))
		return -EINVAL;
	if (s[3] == ':') {
		if (!ifname_ok(s + 4))
			return -EINVAL;
		snprintf(c->exception.name, sizeof(c->exception.name), "%s",
			 s + 4);
	}
	c->exception.type = TW_CFG_EXC_TAP;
	return 0;
}

/* ---- YAML loader ------------------------------------------------------- */

struct ld {
	struct tw_config *c;
	yaml_document_t *doc;
	const char *name;
	struct tw_config_err *err;
};

struct key_def;
typedef int (*key_fn)(struct ld *x, const char *path, yaml_node_t *v,
		      const struct key_def *d);

struct list_def;

struct key_def {
	const char *name;
	key_fn fn;
	size_t off; /* field offset for scalar setters */
	uint32_t min, max;
	bool pow2;		     /* u32 must be a power of two */
	const struct key_def *sub;   /* for mappings */
	const struct list_def *list; /* for ld_list */
};

static unsigned
nline(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static int __attribute__((format(printf, 4, 5)))
ld_fail(struct ld *x, const yaml_node_t *n, const char *fix, const char *fmt,
	...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(x->err, x->name, nline(n), fix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *
node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "empty";
	}
}

static int
is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

/* A non-empty scalar's text, or NULL after reporting the error. */
static const char *
ld_scalar(struct ld *x, const char *path, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE) {
		ld_fail(x, v, "give a single value",
			"'%s' must be a value, not %s", path, node_kind(v));
		return NULL;
	}
	if (is_null(v)) {
		ld_fail(x, v, "give a value or remove the key",
			"'%s' has no value", path);
		return NULL;
	}
	return (const char *)v->data.scalar.value;
}

static int
ld_u32(struct ld *x, const char *path, yaml_node_t *v, const struct key_def *d)
{
	const char *s = ld_scalar(x, path, v);
	char fix[96];

	if (s == NULL)
		return -EINVAL;
	if (parse_u32(s, d->min, d->max, (uint32_t *)((char *)x->c + d->off))) {
		snprintf(fix, sizeof(fix), "use a whole number from %u to %u",
			 d->min, d->max);
		return ld_fail(
			x, v, fix,
			"'%s' must be an integer from %u to %u, got '%s'", path,
			d->min, d->max, s);
	}
	if (d->pow2 && (strtoul(s, NULL, 10) & (strtoul(s, NULL, 10) - 1)))
		return ld_fail(x, v, "use a power of two, e.g. 4096",
			       "'%s' must be a power of two, got '%s'", path,
			       s);
	return 0;
}

static int ld_map_keys(struct ld *x, const char *path, yaml_node_t *v,
		       const struct key_def *keys);

/* Key handler for a sub-mapping: its key table is d->sub. */
static int
ld_map(struct ld *x, const char *path, yaml_node_t *v, const struct key_def *d)
{
	const struct tw_config *c = x->c;
	int rc = ld_map_keys(x, path, v, d->sub);

	if (rc == 0 && strcmp(path, "cache") == 0 &&
	    c->cache.min_ttl > c->cache.max_ttl)
		return ld_fail(x, v, "make min_ttl <= max_ttl",
			       "'cache': min_ttl %u is larger than max_ttl %u",
			       c->cache.min_ttl, c->cache.max_ttl);
	return rc;
}

/* Call @p fn for a single scalar or for each item of a list of scalars. */
typedef int (*item_fn)(struct ld *x, const char *path, const struct key_def *d,
		       yaml_node_t *item, const char *s);

static int
ld_each(struct ld *x, const char *path, const struct key_def *d, yaml_node_t *v,
	item_fn fn)
{
	yaml_node_item_t *it;
	int rc;

	if (v->type == YAML_SCALAR_NODE) {
		const char *s = ld_scalar(x, path, v);

		return s == NULL ? -EINVAL : fn(x, path, d, v, s);
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return ld_fail(x, v, "write a list: '- item' lines",
			       "'%s' must be a list, not %s", path,
			       node_kind(v));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = yaml_document_get_node(x->doc, *it);
		const char *s = ld_scalar(x, path, item);

		if (s == NULL)
			return -EINVAL;
		rc = fn(x, path, d, item, s);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * A list that the file and the command line both give: the key 'listen'
 * and the option --listen, ... Where it lives in struct tw_config, how
 * one item parses, and the words of its errors. In the file the list
 * replaces the default; on the command line the first option replaces
 * the file's list and the next ones append (apply_opt).
 */
struct list_def {
	size_t off;   /* the array in struct tw_config */
	size_t size;  /* one item of it */
	size_t n_off; /* its count (unsigned) */
	unsigned max; /* its capacity */
	/* Parse @p s into @p item, which came from @p line (0: command line). */
	int (*parse)(const char *s, void *item, tw_cfg_line line);
	const char *opt;      /* the option, without "--" */
	const char *many;     /* file: "more than MAX <many>" */
	const char *cli_many; /* command line: "more than MAX <cli_many>" */
	const char *what;     /* "'VALUE' <what>" when it does not parse */
	const char *fix;      /* the fix for a bad value in the file */
	const char *cli_fix;  /* ... on the command line */
};

static int
list_parse_prefix(const char *s, void *item, tw_cfg_line line)
{
	struct tw_cfg_prefix *p = item;
	int rc = tw_config_parse_prefix(s, p);

	if (rc == 0)
		p->line = line;
	return rc;
}

static int
list_parse_upstream(const char *s, void *item, tw_cfg_line line)
{
	struct tw_cfg_upstream *u = item;
	int rc = tw_config_parse_upstream(s, u);

	if (rc == 0)
		u->line = line;
	return rc;
}

static int
list_parse_name(const char *s, void *item, tw_cfg_line line)
{
	(void)line; /* names keep no line */
	return tw_config_parse_name(s, item);
}

#define CFG_MEMBER(f) (((struct tw_config *)NULL)->f)
#define CFG_LIST(arr, count)                        \
	.off = offsetof(struct tw_config, arr),     \
	.size = sizeof(CFG_MEMBER(arr)[0]),         \
	.n_off = offsetof(struct tw_config, count), \
	.max = sizeof(CFG_MEMBER(arr)) / sizeof(CFG_MEMBER(arr)[0])

enum { LIST_LISTEN, LIST_UPSTREAMS, LIST_NTA, LIST_ALLOW, LIST_N };

static const struct list_def lists[LIST_N] = {
	[LIST_LISTEN] = {
		CFG_LIST(listen, n_listen),
		.parse = list_parse_prefix,
		.opt = "listen",
		.many = "addresses",
		.cli_many = "--listen addresses",
		.what = "is not an IPv4 or IPv6 address with a prefix length",
		.fix = "write ADDR/PREFIX, e.g. 192.0.2.53/24 or "
		       "2001:db8::53/64",
		.cli_fix = "write ADDR/PREFIX, e.g. 192.0.2.53/24",
	},
	[LIST_UPSTREAMS] = {
		CFG_LIST(upstreams, n_upstreams),
		.parse = list_parse_upstream,
		.opt = "upstream",
		.many = "upstreams",
		.cli_many = "--upstream",
		.what = "is not an address with an optional port 1-65535",
		.fix = "write ADDR, ADDR:PORT or [IPV6]:PORT, e.g. "
		       "192.0.2.1:53 or [2001:db8::1]:53",
		.cli_fix = "write ADDR, ADDR:PORT or [IPV6]:PORT",
	},
	[LIST_ALLOW] = {
		CFG_LIST(allow, n_allow),
		.parse = list_parse_prefix,
		.opt = "allow",
		.many = "prefixes",
		.cli_many = "--allow prefixes",
		.what = "is not an IPv4 or IPv6 prefix",
		.fix = "write NETWORK/LENGTH, e.g. 198.51.100.0/24 or "
		       "2001:db8::/32",
		.cli_fix = "write NETWORK/LENGTH, e.g. 198.51.100.0/24",
	},
	[LIST_NTA] = {
		CFG_LIST(nta, n_nta),
		.parse = list_parse_name,
		.opt = "nta",
		.many = "names",
		.cli_many = "--nta",
		.what = "is not a valid domain name",
		.fix = "write a domain name such as example.com. (labels of "
		       "1-63 characters, no escapes)",
		.cli_fix = "write a domain name, e.g. example.com.",
	},
};

static unsigned *
list_count(struct tw_config *c, const struct list_def *l)
{
	return (unsigned *)(void *)((char *)c + l->n_off);
}

/*
 * Append @p s to the list @p l. @p line > 0: item of the key @p path in
 * @p file; 0: a command-line value. The error says which.
 */
static int
list_append(struct tw_config *c, const struct list_def *l, const char *s,
	    const char *file, const char *path, tw_cfg_line line,
	    struct tw_config_err *err)
{
	unsigned *n = list_count(c, l);
	char fix[64];

	if (*n >= l->max) {
		if (line > 0)
			return err_set(err, file, line, "remove some entries",
				       "'%s': more than %u %s", path, l->max,
				       l->many);
		snprintf(fix, sizeof(fix), "give fewer --%s", l->opt);
		return err_set(err, NULL, 0, fix, "more than %u %s", l->max,
			       l->cli_many);
	}
	if (l->parse(s, (char *)c + l->off + *n * l->size, line) != 0) {
		if (line > 0)
			return err_set(err, file, line, l->fix, "'%s': '%s' %s",
				       path, s, l->what);
		return err_set(err, NULL, 0, l->cli_fix, "--%s '%s' %s", l->opt,
			       s, l->what);
	}
	(*n)++;
	return 0;
}

static int
item_list(struct ld *x, const char *path, const struct key_def *d,
	  yaml_node_t *n, const char *s)
{
	return list_append(x->c, d->list, s, x->name, path, nline(n), x->err);
}

/* Key handler for a list of lists[]: d->list. */
static int
ld_list(struct ld *x, const char *path, yaml_node_t *v, const struct key_def *d)
{
	*list_count(x->c, d->list) = 0;
	return ld_each(x, path, d, v, item_list);
}

static int
set_gateway(struct tw_config *c, const struct tw_cfg_addr *a)
{
	struct tw_cfg_addr *g =
		a->family == AF_INET ? &c->gateway4 : &c->gateway6;

	if (g->family != 0)
		return -EEXIST;
	*g = *a;
	return 0;
}

static int
item_gateway(struct ld *x, const char *path, const struct key_def *d,
	     yaml_node_t *n, const char *s)
{
	struct tw_cfg_addr a;

	(void)d;
	if (tw_config_parse_addr(s, &a) != 0)
		return ld_fail(x, n,
			       "write an address without prefix, e.g. "
			       "192.0.2.1 or fe80::1",
			       "'%s': '%s' is not an IPv4 or IPv6 address",
			       path, s);
	a.line = nline(n);
	if (set_gateway(x->c, &a) != 0)
		return ld_fail(x, n, "keep one IPv4 and one IPv6 gateway",
			       "'%s': second %s gateway '%s'", path,
			       a.family == AF_INET ? "IPv4" : "IPv6", s);
	return 0;
}

static int
ld_gateway(struct ld *x, const char *path, yaml_node_t *v,
	   const struct key_def *d)
{
	(void)d;
	memset(&x->c->gateway4, 0, sizeof(x->c->gateway4));
	memset(&x->c->gateway6, 0, sizeof(x->c->gateway6));
	return ld_each(x, path, d, v, item_gateway);
}

static int
ld_trust_anchor(struct ld *x, const char *path, yaml_node_t *v,
		const struct key_def *d)
{
	const char *s = ld_scalar(x, path, v);

	(void)d;
	if (s == NULL)
		return -EINVAL;
	if (strlen(s) >= sizeof(x->c->trust_anchor))
		return ld_fail(x, v, "use a shorter path", "'%s' is too long",
			       path);
	snprintf(x->c->trust_anchor, sizeof(x->c->trust_anchor), "%s", s);
	x->c->trust_anchor_line = nline(v);
	return 0;
}

static int
item_lcores(struct ld *x, const char *path, const struct key_def *d,
	    yaml_node_t *n, const char *s)
{
	struct tw_cfg_lcores *l = strcmp(path, "lcores.workers") == 0
					  ? &x->c->workers
					  : &x->c->validators;
	int rc = tw_config_parse_lcores(s, l);

	(void)d;
	if (rc == -EEXIST)
		return ld_fail(x, n, "list each lcore once",
			       "'%s': lcore listed twice in '%s'", path, s);
	if (rc != 0) {
		char fix[96];

		snprintf(fix, sizeof(fix),
			 "use lcore ids 0-%d, e.g. [0, 1] or \"0-3\"",
			 TW_CFG_MAX_LCORES - 1);
		return ld_fail(x, n, fix, "'%s': '%s' is not a list of lcores",
			       path, s);
	}
	return 0;
}

static int
ld_lcores(struct ld *x, const char *path, yaml_node_t *v,
	  const struct key_def *d)
{
	struct tw_cfg_lcores *l = strcmp(d->name, "workers") == 0
					  ? &x->c->workers
					  : &x->c->validators;

	memset(l, 0, sizeof(*l));
	l->line = nline(v);
	return ld_each(x, path, d, v, item_lcores);
}

static int
ld_exc_type(struct ld *x, const char *path, yaml_node_t *v,
	    const struct key_def *d)
{
	const char *s = ld_scalar(x, path, v);

	(void)d;
	if (s == NULL)
		return -EINVAL;
	if (strcmp(s, "none") == 0)
		x->c->exception.type = TW_CFG_EXC_NONE;
	else if (strcmp(s, "tap") == 0)
		x->c->exception.type = TW_CFG_EXC_TAP;
	else
		return ld_fail(x, v, "use 'tap' or 'none'",
			       "'%s': unknown exception path type '%s'", path,
			       s);
	return 0;
}

static int
ld_crypto_path(struct ld *x, const char *path, yaml_node_t *v,
	       const struct key_def *d)
{
	const char *s = ld_scalar(x, path, v);

	(void)d;
	if (s == NULL)
		return -EINVAL;
	if (parse_crypto_path(s, &x->c->crypto.path) != 0)
		return ld_fail(x, v, "use auto, openssl or ipsec_mb",
			       "'%s': unknown crypto path '%s'", path, s);
	return 0;
}

/* A bool field at d->off: true/yes or false/no. */
static int
ld_bool(struct ld *x, const char *path, yaml_node_t *v, const struct key_def *d)
{
	const char *s = ld_scalar(x, path, v);
	bool *field = (bool *)((char *)x->c + d->off);

	if (s == NULL)
		return -EINVAL;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		*field = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		*field = false;
	else
		return ld_fail(x, v, "use true or false",
			       "'%s' must be true or false, got '%s'", path, s);
	return 0;
}

static int
ld_exc_name(struct ld *x, const char *path, yaml_node_t *v,
	    const struct key_def *d)
{
	const char *s = ld_scalar(x, path, v);

	(void)d;
	if (s == NULL)
		return -EINVAL;
	if (!ifname_ok(s))
		return ld_fail(
			x, v, "use 1-15 letters, digits, '-', '_' or '.'",
			"'%s': '%s' is not a valid interface name", path, s);
	snprintf(x->c->exception.name, sizeof(x->c->exception.name), "%s", s);
	return 0;
}

/* ports: a list of devargs strings or of {device, rx_desc, tx_desc}. */
static int
ld_port_device(struct ld *x, const char *path, yaml_node_t *v,
	       const struct key_def *d)
{
	struct tw_cfg_port *p = &x->c->ports[x->c->n_ports];
	const char *s = ld_scalar(x, path, v);

	(void)d;
	if (s == NULL)
		return -EINVAL;
	if (strlen(s) >= sizeof(p->devargs))
		return ld_fail(x, v, "shorten the device arguments",
			       "'%s' is longer than %d characters", path,
			       TW_CFG_DEVARGS_MAX - 1);
	snprintf(p->devargs, sizeof(p->devargs), "%s", s);
	return 0;
}

static int
ld_port_desc(struct ld *x, const char *path, yaml_node_t *v,
	     const struct key_def *d)
{
	struct tw_cfg_port *p = &x->c->ports[x->c->n_ports];
	uint32_t val;
	const char *s = ld_scalar(x, path, v);

	if (s == NULL)
		return -EINVAL;
	if (parse_u32(s, d->min, d->max, &val) != 0)
		return ld_fail(
			x, v, "use a whole number such as 1024",
			"'%s' must be an integer from %u to %u, got '%s'", path,
			d->min, d->max, s);
	if (strcmp(d->name, "rx_desc") == 0)
		p->rx_desc = (uint16_t)val;
	else
		p->tx_desc = (uint16_t)val;
	return 0;
}

static const struct key_def port_keys[] = {
	{ .name = "device", .fn = ld_port_device },
	{ .name = "rx_desc", .fn = ld_port_desc, .min = 64, .max = 32768 },
	{ .name = "tx_desc", .fn = ld_port_desc, .min = 64, .max = 32768 },
	{ .name = NULL },
};

static int
ld_ports(struct ld *x, const char *path, yaml_node_t *v,
	 const struct key_def *d)
{
	yaml_node_item_t *it;
	int rc;

	(void)d;
	if (v->type != YAML_SEQUENCE_NODE)
		return ld_fail(x, v,
			       "write a list, e.g. '- 0000:01:00.0' or "
			       "'- net_pcap0,iface=veth0'",
			       "'%s' must be a list, not %s", path,
			       node_kind(v));
	x->c->n_ports = 0;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = yaml_document_get_node(x->doc, *it);
		struct tw_cfg_port *p;

		if (x->c->n_ports >= TW_CFG_MAX_PORTS)
			return ld_fail(x, item, "remove some ports",
				       "'%s': more than %d ports", path,
				       TW_CFG_MAX_PORTS);
		p = &x->c->ports[x->c->n_ports];
		memset(p, 0, sizeof(*p));
		p->line = nline(item);
		if (item->type == YAML_MAPPING_NODE) {
			rc = ld_map_keys(x, path, item, port_keys);
			if (rc == 0 && p->devargs[0] == '\0')
				rc = ld_fail(
					x, item,
					"add 'device: PCI-ADDRESS-OR-VDEV'",
					"'%s': port without 'device'", path);
		} else {
			rc = ld_port_device(x, path, item, NULL);
		}
		if (rc != 0)
			return rc;
		x->c->n_ports++;
	}
	return 0;
}

#define CFG_U32(key, field, lo, hi)                                            \
	{                                                                      \
		.name = key, .fn = ld_u32,                                     \
		.off = offsetof(struct tw_config, field), .min = lo, .max = hi \
	}

static const struct key_def lcores_keys[] = {
	{ .name = "workers", .fn = ld_lcores },
	{ .name = "validators", .fn = ld_lcores },
	{ .name = NULL },
};

static const struct key_def cache_keys[] = {
	CFG_U32("entries", cache.entries, 1024, 1u << 28),
	CFG_U32("max_ttl", cache.max_ttl, 1, 604800),
	CFG_U32("min_ttl", cache.min_ttl, 0, 86400),
	CFG_U32("bogus_ttl", cache.bogus_ttl, 1, 86400),
	{ .name = NULL },
};

static const struct key_def limits_keys[] = {
	CFG_U32("upstream_timeout_ms", limits.upstream_timeout_ms, 10, 60000),
	CFG_U32("max_inflight", limits.max_inflight, 16, 1u << 20),
	CFG_U32("max_validations", limits.max_validations, 1, 1024),
	CFG_U32("nsec3_max_iterations", limits.nsec3_max_iterations, 0, 2500),
	CFG_U32("edns_udp_size", limits.edns_udp_size, 512, 4096),
	{ .name = NULL },
};

static const struct key_def io_keys[] = {
	CFG_U32("burst", io.burst, 1, 256),
	CFG_U32("rx_desc", io.rx_desc, 64, 32768),
	CFG_U32("tx_desc", io.tx_desc, 64, 32768),
	CFG_U32("mbufs", io.mbufs, 0, 1u << 24),
	{ .name = "ring_size",
	  .fn = ld_u32,
	  .off = offsetof(struct tw_config, io.ring_size),
	  .min = 64,
	  .max = 1u << 20,
	  .pow2 = true },
	CFG_U32("tx_drain_us", io.tx_drain_us, 1, 100000),
	{ .name = NULL },
};

static const struct key_def idle_keys[] = {
	CFG_U32("spin_polls", idle.spin_polls, 0, 1u << 20),
	CFG_U32("sleep_max_us", idle.sleep_max_us, 0, 100000),
	{ .name = NULL },
};

static const struct key_def exception_keys[] = {
	{ .name = "type", .fn = ld_exc_type },
	{ .name = "name", .fn = ld_exc_name },
	{ .name = "addresses",
	  .fn = ld_bool,
	  .off = offsetof(struct tw_config, exception.addresses) },
	{ .name = NULL },
};

static const struct key_def crypto_keys[] = {
	{ .name = "path", .fn = ld_crypto_path },
	{ .name = "sha1_signatures",
	  .fn = ld_bool,
	  .off = offsetof(struct tw_config, crypto.sha1_signatures) },
	{ .name = NULL },
};

static const struct key_def log_keys[] = {
	CFG_U32("bogus_rate", log.bogus_rate, 0, 100000),
	CFG_U32("bogus_burst", log.bogus_burst, 1, 100000),
	{ .name = NULL },
};

static const struct key_def top_keys[] = {
	{ .name = "ports", .fn = ld_ports },
	{ .name = "listen", .fn = ld_list, .list = &lists[LIST_LISTEN] },
	{ .name = "allow", .fn = ld_list, .list = &lists[LIST_ALLOW] },
	{ .name = "gateway", .fn = ld_gateway },
	{ .name = "upstreams", .fn = ld_list, .list = &lists[LIST_UPSTREAMS] },
	{ .name = "trust_anchor", .fn = ld_trust_anchor },
	{ .name = "negative_trust_anchors",
	  .fn = ld_list,
	  .list = &lists[LIST_NTA] },
	{ .name = "lcores", .fn = ld_map, .sub = lcores_keys },
	{ .name = "cache", .fn = ld_map, .sub = cache_keys },
	{ .name = "limits", .fn = ld_map, .sub = limits_keys },
	{ .name = "io", .fn = ld_map, .sub = io_keys },
	{ .name = "idle", .fn = ld_map, .sub = idle_keys },
	{ .name = "exception", .fn = ld_map, .sub = exception_keys },
	{ .name = "crypto", .fn = ld_map, .sub = crypto_keys },
	{ .name = "log", .fn = ld_map, .sub = log_keys },
	{ .name = NULL },
};

static void
keys_list(const struct key_def *d, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; d->name != NULL && n < size; d++) {
		int w = snprintf(buf + n, size - n, "%s%s", n > 0 ? ", " : "",
				 d->name);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* Walk a mapping with the key table @p keys: known keys, each once. */
static int
ld_map_keys(struct ld *x, const char *path, yaml_node_t *v,
	    const struct key_def *keys)
{
	yaml_node_pair_t *p, *q;
	char fix[512];

	if (v->type != YAML_MAPPING_NODE) {
		keys_list(keys, fix, sizeof(fix));
		if (is_null(v))
			return ld_fail(x, v, "add keys below it or remove it",
				       "'%s' is empty", path);
		return ld_fail(x, v, "indent 'key: value' lines below it",
			       "'%s' must be a mapping of keys (%s), not %s",
			       path, fix, node_kind(v));
	}
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
		yaml_node_t *val = yaml_document_get_node(x->doc, p->value);
		const struct key_def *e;
		const char *name;
		char sub[128];
		int rc;

		if (k->type != YAML_SCALAR_NODE)
			return ld_fail(x, k, "use plain words as keys",
				       "a key in '%s' is %s",
				       path[0] ? path : "(top)", node_kind(k));
		name = (const char *)k->data.scalar.value;
		for (q = v->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 =
				yaml_document_get_node(x->doc, q->key);

			if (k2->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)k2->data.scalar.value, name) ==
				    0) {
				char f[64];

				snprintf(f, sizeof(f), "keep one, see line %u",
					 nline(k2));
				return ld_fail(x, k, f,
					       "duplicate key '%s%s%s'", path,
					       path[0] ? "." : "", name);
			}
		}
		for (e = keys; e->name != NULL; e++)
			if (strcmp(e->name, name) == 0)
				break;
		if (e->name == NULL) {
			char f[600];

			keys_list(keys, fix, sizeof(fix));
			snprintf(f, sizeof(f), "use one of: %s", fix);
			if (path[0] == '\0')
				return ld_fail(x, k, f, "unknown key '%s'",
					       name);
			return ld_fail(x, k, f, "unknown key '%s' in '%s'",
				       name, path);
		}
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "",
			 name);
		if (val == NULL)
			return ld_fail(x, k, "give a value",
				       "'%s' has no value", sub);
		rc = e->fn(x, sub, val, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
load_parser(struct tw_config *c, yaml_parser_t *parser, const char *name,
	    struct tw_config_err *err)
{
	yaml_document_t doc;
	yaml_node_t *root;
	struct ld x = { .c = c, .doc = &doc, .name = name, .err = err };
	int rc;

	if (!yaml_parser_load(parser, &doc)) {
		unsigned line = (unsigned)parser->problem_mark.line + 1;

		return err_set(err, name, line,
			       "check indentation (spaces, not tabs), colons "
			       "and quotes",
			       "YAML syntax error: %s%s%s",
			       parser->problem ? parser->problem : "unknown",
			       parser->context ? " " : "",
			       parser->context ? parser->context : "");
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || is_null(root)) {
		rc = 0; /* empty file: defaults */
	} else {
		rc = ld_map_keys(&x, "", root, top_keys);
	}
	yaml_document_delete(&doc);
	if (rc != 0 || root == NULL)
		return rc;
	/* One document per file: a second one ("---") would be ignored
	 * without a word. */
	if (!yaml_parser_load(parser, &doc))
		return err_set(err, name,
			       (unsigned)parser->problem_mark.line + 1,
			       "check indentation (spaces, not tabs), colons "
			       "and quotes",
			       "YAML syntax error: %s",
			       parser->problem ? parser->problem : "unknown");
	root = yaml_document_get_root_node(&doc);
	if (root != NULL) {
		unsigned line = (unsigned)root->start_mark.line + 1;

		yaml_document_delete(&doc);
		return err_set(err, name, line,
			       "put every setting in one document (remove "
			       "the '---' line)",
			       "a second YAML document");
	}
	yaml_document_delete(&doc);
	return 0;
}

int
tw_config_load_string(struct tw_config *c, const char *name, const char *text,
		      size_t len, struct tw_config_err *err)
{
	yaml_parser_t parser;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return err_set(err, name, 0, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	snprintf(c->file, sizeof(c->file), "%s", name);
	rc = load_parser(c, &parser, name, err);
	yaml_parser_delete(&parser);
	return rc;
}

int
tw_config_load_file(struct tw_config *c, const char *path,
		    struct tw_config_err *err)
{
	yaml_parser_t parser;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		err_set(err, TW_CFG_CMDLINE, 0,
			"check the path given to -c/--config",
			"cannot open config file '%s': %s", path,
			strerror(-rc));
		return rc;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return err_set(err, path, 0, NULL, "out of memory");
	}
	yaml_parser_set_input_file(&parser, f);
	snprintf(c->file, sizeof(c->file), "%s", path);
	rc = load_parser(c, &parser, path, err);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* ---- Validation ------------------------------------------------------- */

static int
prefix_contains(const struct tw_cfg_prefix *p, const uint8_t *addr)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (memcmp(p->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((p->addr[full] ^ addr[full]) & (0xff << (8 - rest))) == 0;
}

static int
has_family(const struct tw_config *c, int family)
{
	unsigned i;

	for (i = 0; i < c->n_listen; i++)
		if (c->listen[i].family == family)
			return 1;
	return 0;
}

static int
check_gateway(const struct tw_config *c, const struct tw_cfg_addr *g,
	      struct tw_config_err *err)
{
	const char *fam = g->family == AF_INET ? "IPv4" : "IPv6";
	char a[64];
	unsigned i;

	if (g->family == 0)
		return 0;
	tw_config_addr_str(g->family, g->addr, a, sizeof(a));
	if (!has_family(c, g->family))
		return tw_config_error(err, c, g->line,
				       "add an address of that family to "
				       "'listen' or remove the gateway",
				       "gateway %s is %s but no %s listen "
				       "address is configured",
				       a, fam, fam);
	/* IPv6 routers are normally link-local (RFC 4861 4.2). */
	if (g->family == AF_INET6 && g->addr[0] == 0xfe &&
	    (g->addr[1] & 0xc0) == 0x80)
		return 0;
	for (i = 0; i < c->n_listen; i++)
		if (c->listen[i].family == g->family &&
		    prefix_contains(&c->listen[i], g->addr))
			return 0;
	return tw_config_error(err, c, g->line,
			       "the next hop must be on-link: widen a listen "
			       "prefix or fix the gateway address",
			       "gateway %s is not inside any %s listen prefix",
			       a, fam);
}

/*
 * Why a listen prefix's address cannot be ours, or NULL. Replies leave
 * from it, so it must be an address a UDP reply may come from (lib/net's
 * tw_net_reply_src_problem(): not multicast, broadcast, unspecified,
 * loopback or reserved) and, in an IPv4 prefix of up to /30, not the
 * subnet's own network or broadcast address (RFC 922 7, RFC 1122 3.3.6:
 * a host's address has a host part that is neither all zeros nor all
 * ones). The classifier's addresses are these (tw_classify_add_addr()
 * refuses the others too), so the hit path need not check them again
 * per packet; refusing them here names the line.
 */
static const char *
listen_addr_problem(const struct tw_cfg_prefix *p)
{
	const uint8_t *a = p->addr;
	const char *why =
		tw_net_reply_src_problem(p->family == AF_INET ? 4 : 6, a);

	if (why != NULL || p->family != AF_INET)
		return why;
	if (p->len <= 30) {
		uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
			     (uint32_t)a[2] << 8 | a[3];
		uint32_t host = p->len == 0 ? ~0u : ~0u >> p->len;

		if ((v & host) == 0)
			return "the prefix's network address";
		if ((v & host) == host)
			return "the prefix's broadcast address";
	}
	return NULL;
}

int
tw_config_validate(const struct tw_config *c, struct tw_config_err *err)
{
	unsigned i, j;
	int rc;

	for (i = 0; i < c->n_listen; i++) {
		const char *why = listen_addr_problem(&c->listen[i]);
		char a[64];

		if (why == NULL)
			continue;
		tw_config_addr_str(c->listen[i].family, c->listen[i].addr, a,
				   sizeof(a));
		return tw_config_error(err, c, c->listen[i].line,
				       "listen on a unicast address of this "
				       "host, inside its prefix",
				       "listen address %s/%u is %s: no reply "
				       "may leave from it",
				       a, c->listen[i].len, why);
	}
	for (i = 0; i < c->n_listen; i++)
		for (j = 0; j < i; j++)
			if (c->listen[i].family == c->listen[j].family &&
			    memcmp(c->listen[i].addr, c->listen[j].addr, 16) ==
				    0) {
				char a[64];

				tw_config_addr_str(c->listen[i].family,
						   c->listen[i].addr, a,
						   sizeof(a));
				return tw_config_error(
					err, c, c->listen[i].line,
					"list each address once",
					"listen address %s given twice", a);
			}
	rc = check_gateway(c, &c->gateway4, err);
	if (rc == 0)
		rc = check_gateway(c, &c->gateway6, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < c->n_upstreams && c->n_listen > 0; i++) {
		const struct tw_cfg_upstream *u = &c->upstreams[i];
		const char *fam = u->family == AF_INET ? "IPv4" : "IPv6";
		char a[64];

		if (has_family(c, u->family))
			continue;
		tw_config_addr_str(u->family, u->addr, a, sizeof(a));
		return tw_config_error(err, c, u->line,
				       "add a listen address of that family: "
				       "queries to the upstream use it as "
				       "source",
				       "upstream %s is %s but no %s listen "
				       "address is configured",
				       a, fam, fam);
	}
	if (c->cache.min_ttl > c->cache.max_ttl)
		return tw_config_error(err, c, 0,
				       "make cache.min_ttl <= cache.max_ttl",
				       "cache.min_ttl %u is larger than "
				       "cache.max_ttl %u",
				       c->cache.min_ttl, c->cache.max_ttl);
	if ((c->io.ring_size & (c->io.ring_size - 1)) != 0)
		return tw_config_error(err, c, 0,
				       "use a power of two, e.g. 4096",
				       "io.ring_size %u is not a power of two",
				       c->io.ring_size);
	return 0;
}

/* ---- Command line ----------------------------------------------------- */

enum {
	OPT_LISTEN = 256,
	OPT_GATEWAY,
	OPT_UPSTREAM,
	OPT_TRUST_ANCHOR,
	OPT_NTA,
	OPT_PORT,
	OPT_WORKERS,
	OPT_VALIDATORS,
	OPT_CACHE_ENTRIES,
	OPT_EXCEPTION,
	OPT_CRYPTO_PATH,
	OPT_DURATION,
	OPT_CHECK,
	OPT_ALLOW,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "gateway", required_argument, NULL, OPT_GATEWAY },
	{ "upstream", required_argument, NULL, OPT_UPSTREAM },
	{ "trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR },
	{ "nta", required_argument, NULL, OPT_NTA },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "validators", required_argument, NULL, OPT_VALIDATORS },
	{ "cache-entries", required_argument, NULL, OPT_CACHE_ENTRIES },
	{ "exception", required_argument, NULL, OPT_EXCEPTION },
	{ "crypto-path", required_argument, NULL, OPT_CRYPTO_PATH },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ NULL, 0, NULL, 0 },
};

void
tw_config_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- [options]\n"
		"\n"
		"trustwire: DNSSEC-validating DNS proxy on DPDK ports.\n"
		"EAL options come first (e.g. -l 0-1 --file-prefix tw0\n"
		"--vdev net_pcap0,iface=eth1 or -a 0000:01:00.0); see the\n"
		"DPDK EAL documentation. Options after '--':\n"
		"\n"
		"  -c, --config FILE       YAML config file (keys: "
		"doc/dataplane.md)\n"
		"      --port DEVARGS      port to use: PCI address or vdev\n"
		"                          string (repeatable; default: every\n"
		"                          port EAL probed, e.g. via --vdev)\n"
		"      --listen ADDR/PREFIX  service address, IPv4 or IPv6\n"
		"                          (repeatable)\n"
		"      --allow NET/LEN     clients that may query "
		"(repeatable;\n"
		"                          default: any address)\n"
		"      --gateway ADDR      next hop (one IPv4, one IPv6)\n"
		"      --upstream ADDR[:PORT]  upstream resolver, port 53 by\n"
		"                          default; [IPV6]:PORT (repeatable)\n"
		"      --trust-anchor FILE DS/DNSKEY file (default %s)\n"
		"      --nta NAME          negative trust anchor (repeatable)\n"
		"      --workers LIST      worker lcores, e.g. 0 or 1-3,5\n"
		"      --validators LIST   validator lcores (may overlap the\n"
		"                          workers: every role on one lcore "
		"works)\n"
		"      --cache-entries N   cache entries per worker\n"
		"      --exception none|tap[:IFNAME]  path to the kernel for\n"
		"                          ARP/ND/ICMP/TCP (default none); "
		"tap\n"
		"                          also serves DNS over TCP/53 and\n"
		"                          follows truncated upstream answers\n"
		"                          over TCP\n"
		"      --crypto-path auto|openssl|ipsec_mb  how validators\n"
		"                          hash signed data: IPsec-MB\n"
		"                          multi-buffer batches when usable\n"
		"                          (auto, default), OpenSSL only, or\n"
		"                          IPsec-MB required\n"
		"      --duration SECONDS  stop after SECONDS (tests)\n"
		"      --check             check the configuration, print it\n"
		"                          as YAML and exit (no EAL start)\n"
		"  -h, --help              this text\n"
		"\n"
		"Config file keys (YAML, KEY DEFAULT; reference and ranges:\n"
		"doc/dataplane.md; --check prints the effective values):\n"
		"  ports [every port EAL probed]: DEVARGS or\n"
		"    {device, rx_desc, tx_desc}\n"
		"  listen [] (ADDR/PREFIX)   gateway [] (ADDR, one per "
		"family)\n"
		"  upstreams [] (ADDR[:PORT])   trust_anchor %s\n"
		"  negative_trust_anchors [] (names)\n"
		"  lcores: workers, validators [derived from the EAL lcores]\n"
		"  cache: entries 1048576, max_ttl 86400, min_ttl 0,\n"
		"    bogus_ttl 60 (RFC 4035 4.7 hold)\n"
		"  limits: upstream_timeout_ms 2000, max_inflight 65536,\n"
		"    max_validations 16, nsec3_max_iterations 50,\n"
		"    edns_udp_size 1232\n"
		"  io: burst 32, rx_desc 1024, tx_desc 1024, mbufs 0 (0:\n"
		"    computed), ring_size 4096, tx_drain_us 100\n"
		"  idle: spin_polls 128, sleep_max_us 1000 (0: never sleep)\n"
		"  exception: type none (none|tap), name twexc0,\n"
		"    addresses true\n"
		"  crypto: path auto (auto|openssl|ipsec_mb),\n"
		"    sha1_signatures true (false: algorithms 5 and 7\n"
		"    unsupported, their zones insecure, RFC 9905)\n"
		"  log: bogus_rate 10 (lines/s, 0: off), bogus_burst 20\n"
		"\n"
		"Precedence: defaults < config file < options; a list option\n"
		"(--port, --listen, --gateway, --upstream, --nta) replaces\n"
		"the file's list. SIGINT/SIGTERM stop cleanly and print the\n"
		"final statistics. Live counters: dpdk-telemetry.py -f PREFIX\n"
		"(package dpdk-dev), command /trustwire/stats.\n",
		prog, TW_CFG_DEFAULT_TA, TW_CFG_DEFAULT_TA);
}

struct opt_val {
	int opt;
	const char *arg;
};

/* apply_opt's seen[]: the lists[] first, then the other list options. */
enum { SEEN_GATEWAY = LIST_N, SEEN_PORT, SEEN_N };

/* The first option of a list replaces the file's list; the next append. */
static int
cli_list(struct tw_config *c, unsigned id, const char *a, bool *seen,
	 struct tw_config_err *err)
{
	if (!seen[id]) {
		*list_count(c, &lists[id]) = 0;
		seen[id] = true;
	}
	return list_append(c, &lists[id], a, NULL, NULL, 0, err);
}

static int
apply_opt(struct tw_config *c, const struct opt_val *o, bool *seen,
	  struct tw_config_err *err)
{
	const char *a = o->arg;

	switch (o->opt) {
	case OPT_LISTEN:
		return cli_list(c, LIST_LISTEN, a, seen, err);
	case OPT_ALLOW:
		return cli_list(c, LIST_ALLOW, a, seen, err);
	case OPT_GATEWAY: {
		struct tw_cfg_addr g;

		if (!seen[SEEN_GATEWAY]) {
			memset(&c->gateway4, 0, sizeof(c->gateway4));
			memset(&c->gateway6, 0, sizeof(c->gateway6));
			seen[SEEN_GATEWAY] = true;
		}
		if (tw_config_parse_addr(a, &g) != 0)
			return err_set(err, NULL, 0,
				       "write an address, e.g. 192.0.2.1",
				       "--gateway '%s' is not an IPv4 or IPv6 "
				       "address",
				       a);
		if (set_gateway(c, &g) != 0)
			return err_set(err, NULL, 0,
				       "give one IPv4 and one IPv6 gateway",
				       "--gateway '%s': second gateway of the "
				       "same family",
				       a);
		return 0;
	}
	case OPT_UPSTREAM:
		return cli_list(c, LIST_UPSTREAMS, a, seen, err);
	case OPT_TRUST_ANCHOR:
		if (a[0] == '\0' || strlen(a) >= sizeof(c->trust_anchor))
			return err_set(err, NULL, 0, "give a file path",
				       "--trust-anchor needs a path");
		snprintf(c->trust_anchor, sizeof(c->trust_anchor), "%s", a);
		c->trust_anchor_line = 0;
		return 0;
	case OPT_NTA:
		return cli_list(c, LIST_NTA, a, seen, err);
	case OPT_PORT:
		if (!seen[SEEN_PORT]) {
			c->n_ports = 0;
			seen[SEEN_PORT] = true;
		}
		if (c->n_ports >= TW_CFG_MAX_PORTS)
			return err_set(err, NULL, 0, "give fewer --port",
				       "more than %d --port", TW_CFG_MAX_PORTS);
		if (a[0] == '\0' || strlen(a) >= TW_CFG_DEVARGS_MAX)
			return err_set(err, NULL, 0,
				       "give a PCI address or vdev string",
				       "--port '%s' is empty or too long", a);
		memset(&c->ports[c->n_ports], 0, sizeof(c->ports[0]));
		snprintf(c->ports[c->n_ports].devargs, TW_CFG_DEVARGS_MAX, "%s",
			 a);
		c->n_ports++;
		return 0;
	case OPT_WORKERS:
	case OPT_VALIDATORS: {
		struct tw_cfg_lcores *l =
			o->opt == OPT_WORKERS ? &c->workers : &c->validators;
		int rc;

		memset(l, 0, sizeof(*l));
		rc = tw_config_parse_lcores(a, l);
		if (rc != 0)
			return err_set(err, NULL, 0,
				       "write lcore ids once each, e.g. 0 or "
				       "1-3,5",
				       "--%s '%s' is not a list of lcores",
				       o->opt == OPT_WORKERS ? "workers"
							     : "validators",
				       a);
		return 0;
	}
	case OPT_CACHE_ENTRIES:
		if (parse_u32(a, 1024, 1u << 28, &c->cache.entries) != 0)
			return err_set(err, NULL, 0,
				       "use a number from 1024 to 268435456",
				       "--cache-entries '%s' is out of range",
				       a);
		return 0;
	case OPT_EXCEPTION:
		if (parse_exception(a, c) != 0)
			return err_set(err, NULL, 0,
				       "use none, tap or tap:IFNAME",
				       "--exception '%s' is not valid", a);
		return 0;
	case OPT_CRYPTO_PATH:
		if (parse_crypto_path(a, &c->crypto.path) != 0)
			return err_set(err, NULL, 0,
				       "use auto, openssl or ipsec_mb",
				       "--crypto-path '%s' is not valid", a);
		return 0;
	case OPT_DURATION:
		if (parse_u32(a, 1, 1u << 30, &c->duration_s) != 0)
			return err_set(err, NULL, 0, "give whole seconds >= 1",
				       "--duration '%s' is not a number of "
				       "seconds",
				       a);
		return 0;
	case OPT_CHECK:
		c->check_only = true;
		return 0;
	default:
		return err_set(err, NULL, 0, "see --help", "unhandled option");
	}
}

int
tw_config_parse_args(struct tw_config *c, int argc, char *const argv[],
		     struct tw_config_err *err)
{
	struct opt_val *vals;
	const char *config = NULL;
	char **args;
	bool seen[SEEN_N] = { false };
	int n = 0, i, opt, rc = 0;

	tw_config_defaults(c);
	if (argc < 1)
		return 0;
	/* getopt may permute; work on a copy of the pointer array. */
	args = calloc((size_t)argc + 1, sizeof(*args));
	vals = calloc((size_t)argc, sizeof(*vals));
	if (args == NULL || vals == NULL) {
		free(args);
		free(vals);
		return err_set(err, NULL, 0, NULL, "out of memory");
	}
	memcpy(args, argv, (size_t)argc * sizeof(*args));

	optind = 0; /* full re-initialisation of glibc's getopt */
	opterr = 0;
	while ((opt = getopt_long(argc, args, "+:c:h", long_opts, NULL)) !=
	       -1) {
		const char *bad = args[optind - 1];
		char shortopt[3] = { '-', (char)optopt, '\0' };

		if (opt == '?') {
			/* glibc sets optopt to a long option's value when it
			 * was given an argument it takes none of (--help=x):
			 * only a real short option is shown as one. */
			bool is_short = optopt > 0 && optopt < 128 &&
					bad[0] == '-' && bad[1] != '-';
			const char *eq = strchr(bad, '=');

			if (!is_short && eq != NULL && optopt != 0)
				rc = err_set(err, NULL, 0, "see --help",
					     "option '%.*s' takes no value",
					     (int)(eq - bad), bad);
			else
				rc = err_set(err, NULL, 0, "see --help",
					     "unknown option '%s'",
					     is_short ? shortopt : bad);
			goto out;
		}
		if (opt == ':') {
			rc = err_set(err, NULL, 0, "see --help",
				     "option '%s' needs a value", bad);
			goto out;
		}
		if (opt == 'h') {
			c->help = true;
			goto out;
		}
		if (opt == 'c') {
			config = optarg;
			continue;
		}
		vals[n].opt = opt;
		vals[n].arg = optarg;
		n++;
	}
	if (optind < argc) {
		rc = err_set(err, NULL, 0,
			     "options go after '--'; values after their option",
			     "unexpected argument '%s'", args[optind]);
		goto out;
	}
	if (config != NULL) {
		rc = tw_config_load_file(c, config, err);
		if (rc != 0)
			goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = apply_opt(c, &vals[i], seen, err);
	if (rc == 0)
		rc = tw_config_validate(c, err);
out:
	optind = 0;
	free(args);
	free(vals);
	return rc;
}

/* ---- Printer ------------------------------------------------------------ */

static void
print_lcores(FILE *f, const char *key, const struct tw_cfg_lcores *l)
{
	unsigned i;

	if (!l->set) {
		fprintf(f, "  # %s: derived from the EAL lcores at start\n",
			key);
		return;
	}
	fprintf(f, "  %s: [", key);
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s%u", i ? ", " : "", l->id[i]);
	fprintf(f, "]\n");
}

void
tw_config_print(const struct tw_config *c, FILE *f)
{
	char a[64];
	unsigned i;

	if (c->file[0] != '\0')
		fprintf(f, "# trustwire effective configuration (file: %s)\n",
			c->file);
	else
		fprintf(f, "# trustwire effective configuration\n");
	if (c->n_ports == 0)
		fprintf(f, "ports: []  # every port EAL probed\n");
	else
		fprintf(f, "ports:\n");
	for (i = 0; i < c->n_ports; i++)
		fprintf(f, "  - { device: \"%s\", rx_desc: %u, tx_desc: %u }\n",
			c->ports[i].devargs,
			c->ports[i].rx_desc ? c->ports[i].rx_desc
					    : c->io.rx_desc,
			c->ports[i].tx_desc ? c->ports[i].tx_desc
					    : c->io.tx_desc);
	fprintf(f, "listen:%s\n", c->n_listen ? "" : " []");
	for (i = 0; i < c->n_listen; i++)
		fprintf(f, "  - %s/%u\n",
			tw_config_addr_str(c->listen[i].family,
					   c->listen[i].addr, a, sizeof(a)),
			c->listen[i].len);
	fprintf(f, "allow:%s\n", c->n_allow ? "" : " []  # any address");
	for (i = 0; i < c->n_allow; i++)
		fprintf(f, "  - %s/%u\n",
			tw_config_addr_str(c->allow[i].family, c->allow[i].addr,
					   a, sizeof(a)),
			c->allow[i].len);
	fprintf(f, "gateway:%s\n",
		c->gateway4.family || c->gateway6.family ? "" : " []");
	if (c->gateway4.family)
		fprintf(f, "  - %s\n",
			tw_config_addr_str(AF_INET, c->gateway4.addr, a,
					   sizeof(a)));
	if (c->gateway6.family)
		fprintf(f, "  - %s\n",
			tw_config_addr_str(AF_INET6, c->gateway6.addr, a,
					   sizeof(a)));
	fprintf(f, "upstreams:%s\n", c->n_upstreams ? "" : " []");
	for (i = 0; i < c->n_upstreams; i++) {
		const struct tw_cfg_upstream *u = &c->upstreams[i];

		tw_config_addr_str(u->family, u->addr, a, sizeof(a));
		if (u->family == AF_INET6)
			fprintf(f, "  - \"[%s]:%u\"\n", a, u->port);
		else
			fprintf(f, "  - \"%s:%u\"\n", a, u->port);
	}
	fprintf(f, "trust_anchor: \"%s\"\n", c->trust_anchor);
	fprintf(f, "negative_trust_anchors:%s\n", c->n_nta ? "" : " []");
	for (i = 0; i < c->n_nta; i++)
		fprintf(f, "  - \"%s\"\n", c->nta[i]);
	fprintf(f, "lcores:\n");
	print_lcores(f, "workers", &c->workers);
	print_lcores(f, "validators", &c->validators);
	if (!c->workers.set && !c->validators.set)
		fprintf(f, "  {}\n");
	fprintf(f,
		"cache:\n  entries: %u\n  max_ttl: %u\n  min_ttl: %u\n"
		"  bogus_ttl: %u\n",
		c->cache.entries, c->cache.max_ttl, c->cache.min_ttl,
		c->cache.bogus_ttl);
	fprintf(f,
		"limits:\n  upstream_timeout_ms: %u\n  max_inflight: %u\n"
		"  max_validations: %u\n  nsec3_max_iterations: %u\n"
		"  edns_udp_size: %u\n",
		c->limits.upstream_timeout_ms, c->limits.max_inflight,
		c->limits.max_validations, c->limits.nsec3_max_iterations,
		c->limits.edns_udp_size);
	fprintf(f,
		"io:\n  burst: %u\n  rx_desc: %u\n  tx_desc: %u\n"
		"  mbufs: %u\n  ring_size: %u\n  tx_drain_us: %u\n",
		c->io.burst, c->io.rx_desc, c->io.tx_desc, c->io.mbufs,
		c->io.ring_size, c->io.tx_drain_us);
	fprintf(f, "idle:\n  spin_polls: %u\n  sleep_max_us: %u\n",
		c->idle.spin_polls, c->idle.sleep_max_us);
	fprintf(f, "exception:\n  type: %s\n  name: %s\n  addresses: %s\n",
		c->exception.type == TW_CFG_EXC_TAP ? "tap" : "none",
		c->exception.name, c->exception.addresses ? "true" : "false");
	fprintf(f, "crypto:\n  path: %s\n  sha1_signatures: %s\n",
		crypto_path_str[c->crypto.path],
		c->crypto.sha1_signatures ? "true" : "false");
	fprintf(f, "log:\n  bogus_rate: %u\n  bogus_burst: %u\n",
		c->log.bogus_rate, c->log.bogus_burst);
}
