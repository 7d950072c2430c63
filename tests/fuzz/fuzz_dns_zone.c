/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: zone text -> RR -> text -> RR for the trust-anchor reader.
 *
 * The input is taken as text, once as a single entry (tw_dns_zone_line)
 * and once as a whole file (tw_dns_zone_parse). Every RR read is printed
 * with tw_dns_rr_to_str() and read back: owner (octet for octet), type,
 * class, TTL and rdata must come back the same. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "tw_dns.h"

static char text[1 << 16];
static char line[1 << 15];
static struct tw_dns_zone_rr again;

static void
roundtrip(const struct tw_dns_zone_rr *rr)
{
	int n;

	n = tw_dns_rr_to_str(rr->owner, rr->type, rr->rclass, rr->ttl,
			     rr->rdata, rr->rdlen, line, sizeof(line));
	CHECK(n > 0 && strlen(line) == (size_t)n);
	CHECK(tw_dns_zone_line(line, 0, &again) == 1);
	CHECK(again.owner_len == rr->owner_len &&
	      memcmp(again.owner, rr->owner, rr->owner_len) == 0);
	CHECK(again.type == rr->type && again.rclass == rr->rclass &&
	      again.ttl == rr->ttl && again.rdlen == rr->rdlen &&
	      memcmp(again.rdata, rr->rdata, rr->rdlen) == 0);
}

static int
each(const struct tw_dns_zone_rr *rr, void *arg)
{
	int *count = arg;

	roundtrip(rr);
	(*count)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tw_dns_zone_rr rr;
	unsigned err_line = 0;
	int rc, count = 0;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = tw_dns_zone_line(text, 3600, &rr);
	CHECK(rc >= -TW_EMAX && rc <= 1);
	if (rc == 1)
		roundtrip(&rr);

	rc = tw_dns_zone_parse(text, each, &count, &err_line);
	if (rc >= 0) {
		CHECK(rc == count);
	} else {
		CHECK(err_line >= 1);
		CHECK(err_line <= 1 + (unsigned)size);
	}
	return 0;
}
