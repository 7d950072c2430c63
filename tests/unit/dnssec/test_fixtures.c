/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The test bed's manifest, validated from recorded answers.
 *
 * scripts/testbed/gen-fixtures.sh (run by meson before this test, see
 * meson.build) signs a private hierarchy with real signers, serves it
 * with NSD and records every answer. Here a fake resolver answers the
 * validator's DS/DNSKEY requests from those files, and every manifest
 * line must give exactly its status and EDE at the fixed time
 * 2026-06-01 (HX_NOW).
 *
 * The manifest follows Unbound 1.17 on NSEC3 iterations (insecure above
 * 150). Our default is 50 (RFC 9276 3.2, as BIND, PowerDNS Recursor and
 * Knot Resolver): with the defaults the iter51.test. rows expect what
 * the iter151.test. rows do (insecure, EDE 27 wherever an NSEC3 proof is
 * needed); a second pass with the limit at 150 checks the manifest as
 * written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "harness.h"

static const char *fixdir;

struct mrow {
	char qname[256];
	char qtype[16];
	int status;
	int ede;
	char rcode[16];
	char comment[256];
};

static struct mrow *rows;
static size_t n_rows;

static int
status_from(const char *s)
{
	if (strcmp(s, "secure") == 0)
		return TW_DNSSEC_SECURE;
	if (strcmp(s, "insecure") == 0)
		return TW_DNSSEC_INSECURE;
	if (strcmp(s, "bogus") == 0)
		return TW_DNSSEC_BOGUS;
	return TW_DNSSEC_INDETERMINATE;
}

static int
load_manifest(void **state)
{
	char path[2048], line[2048];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/manifest.tsv", fixdir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr,
			"no manifest at %s: fixture generation "
			"failed?\n",
			path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[6] = { 0 };
		char *p = line, *save = NULL;
		struct mrow *r;
		int i = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (char *t = strtok_r(p, "\t", &save); t && i < 6;
		     t = strtok_r(NULL, "\t", &save))
			fld[i++] = t;
		if (i < 5)
			continue;
		rows = realloc(rows, (n_rows + 1) * sizeof(*rows));
		r = &rows[n_rows++];
		memset(r, 0, sizeof(*r));
		snprintf(r->qname, sizeof(r->qname), "%s", fld[0]);
		snprintf(r->qtype, sizeof(r->qtype), "%s", fld[1]);
		r->status = status_from(fld[2]);
		r->ede = strcmp(fld[3], "-") == 0 ? TW_EDE_NONE : atoi(fld[3]);
		snprintf(r->rcode, sizeof(r->rcode), "%s", fld[4]);
		snprintf(r->comment, sizeof(r->comment), "%s",
			 fld[5] ? fld[5] : "");
	}
	fclose(f);
	return n_rows > 200 ? 0 : -1;
}

static int
free_manifest(void **state)
{
	(void)state;
	free(rows);
	rows = NULL;
	n_rows = 0;
	return 0;
}

/* The fake resolver: the test bed's answers, then our DS probes. */
static int
resolve(void *arg, const uint8_t *name, uint16_t qtype, struct hx_answer *out)
{
	char dir[2048];

	(void)arg;
	snprintf(dir, sizeof(dir), "%s/answers", fixdir);
	if (hx_resolve_dir(dir, name, qtype, out) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/answers-ds", fixdir);
	return hx_resolve_dir(dir, name, qtype, out);
}

static struct tw_dnssec_ctx *
make_ctx(uint32_t iter_limit)
{
	struct tw_dnssec_config cfg;
	struct tw_dnssec_ctx *ctx;
	char path[2048];

	tw_dnssec_config_init(&cfg);
	cfg.nsec3_iter_insecure = iter_limit;
	assert_int_equal(tw_dnssec_ctx_create(&cfg, &ctx), 0);
	snprintf(path, sizeof(path), "%s/trust-anchor.key", fixdir);
	assert_int_equal(tw_dnssec_anchor_add_file(ctx, path, NULL), 1);
	return ctx;
}

/* Expected result, with the iter51 rule described above. */
static void
expected(const struct mrow *r, uint32_t iter_limit, int *status, int *ede)
{
	const char *p = strstr(r->qname, "iter51.test.");

	*status = r->status;
	*ede = r->ede;
	if (iter_limit >= 51 || !p)
		return;
	for (size_t i = 0; i < n_rows; i++) {
		const char *q = strstr(rows[i].qname, "iter151.test.");

		if (q && strcmp(rows[i].qtype, r->qtype) == 0 &&
		    (size_t)(q - rows[i].qname) == (size_t)(p - r->qname) &&
		    strncmp(rows[i].qname, r->qname, (size_t)(p - r->qname)) ==
			    0) {
			*status = rows[i].status;
			*ede = rows[i].ede;
			return;
		}
	}
}

/*
 * Run every manifest line. fresh: a new context per line (cold caches);
 * otherwise one context for all (keys, cuts and failures cached).
 */
static void
run_manifest(bool fresh, uint32_t iter_limit)
{
	char adir[2048];
	struct tw_dnssec_ctx *ctx = NULL;
	unsigned bad = 0;

	snprintf(adir, sizeof(adir), "%s/answers", fixdir);
	for (size_t i = 0; i < n_rows; i++) {
		const struct mrow *r = &rows[i];
		uint8_t qname[TW_DNS_NAME_MAX];
		struct tw_dnssec_result res;
		struct hx_answer a;
		char path[4096];
		int qtype, st, ede, rc;
		unsigned fetches = 0, jobs = 0;

		if (!ctx || fresh) {
			if (ctx)
				tw_dnssec_ctx_destroy(ctx);
			ctx = make_ctx(iter_limit);
		}
		hx_name(r->qname, qname);
		qtype = tw_dns_type_from_str(r->qtype);
		assert_true(qtype > 0);
		hx_answer_path(path, sizeof(path), adir, qname,
			       (uint16_t)qtype);
		assert_int_equal(hx_read_file(path, &a), 0);
		rc = hx_validate(ctx, a.wire, a.len, qname, (uint16_t)qtype,
				 HX_NOW, resolve, NULL, &res, &fetches, &jobs);
		free(a.wire);
		expected(r, iter_limit, &st, &ede);
		if (rc != 0 || (int)res.status != st || res.ede != ede) {
			bad++;
			printf("MISMATCH %-36s %-6s want %s/%d got %s/%d rc "
			       "%d: "
			       "%s\n",
			       r->qname, r->qtype,
			       tw_dnssec_status_str((enum tw_dnssec_status)st),
			       ede, tw_dnssec_status_str(res.status), res.ede,
			       rc, res.reason);
		} else if (fresh && iter_limit == 50) {
			printf("ok %-36s %-6s %-9s ede %-3d fetches %u sigs %u "
			       "%s\n",
			       r->qname, r->qtype,
			       tw_dnssec_status_str(res.status), res.ede,
			       fetches, jobs, res.reason);
		}
	}
	tw_dnssec_ctx_destroy(ctx);
	printf("manifest (%s, NSEC3 iteration limit %u): %zu lines, %u "
	       "mismatches\n",
	       fresh ? "cold cache" : "shared cache", iter_limit, n_rows, bad);
	assert_int_equal(bad, 0);
}

static void
test_manifest_cold(void **state)
{
	(void)state;
	run_manifest(true, 50);
}

static void
test_manifest_shared_cache(void **state)
{
	(void)state;
	run_manifest(false, 50);
}

static void
test_manifest_iter150(void **state)
{
	(void)state;
	run_manifest(true, 150);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_cold),
		cmocka_unit_test(test_manifest_shared_cache),
		cmocka_unit_test(test_manifest_iter150),
	};

	fixdir = argc > 1 ? argv[1] : getenv("TW_DNSSEC_FIXTURES");
	if (!fixdir) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 1;
	}
	return cmocka_run_group_tests_name("dnssec/fixtures", tests,
					   load_manifest, free_manifest);
}
