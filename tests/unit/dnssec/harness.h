/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helpers for lib/dnssec: a fake resolver that answers the
 * validator's requests from recorded answers (the test bed's
 * OUTDIR/answers/<qname>_<QTYPE>.bin files, or answers built in memory).
 */
#ifndef TW_DNSSEC_HARNESS_H
#define TW_DNSSEC_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "tw_dnssec.h"

/* The test bed's fixed time: 2026-06-01T00:00:00Z (doc/testbed.md). */
#define HX_NOW 1780272000u

/* A recorded answer, in memory. */
struct hx_answer {
	uint8_t *wire;
	size_t len;
};

/* Read a whole file; 0 or -errno. */
int hx_read_file(const char *path, struct hx_answer *out);

/* File name of a question in a test bed answers directory. */
void hx_answer_path(char *buf, size_t size, const char *dir,
		    const uint8_t *name, uint16_t qtype);

/*
 * Resolver callback: fill *out with the answer to (name, qtype) (the
 * buffer is freed by the harness with free()); return 0, or -1 for "the
 * fetch failed".
 */
typedef int (*hx_resolve_fn)(void *arg, const uint8_t *name, uint16_t qtype,
			     struct hx_answer *out);

/* Resolve from a directory of recorded answers (arg = the directory). */
int hx_resolve_dir(void *arg, const uint8_t *name, uint16_t qtype,
		   struct hx_answer *out);

/*
 * Validate resp for (qname, qtype) at now, answering every request via
 * fn. Copies the result to *res; returns the last return code of
 * tw_val_start()/tw_val_provide() (0 = DONE) and the number of requests
 * in *fetches (may be NULL); *jobs receives tw_val_sig_jobs() (may be
 * NULL).
 */
int hx_validate(struct tw_dnssec_ctx *ctx, const uint8_t *resp, size_t len,
		const uint8_t *qname, uint16_t qtype, uint32_t now,
		hx_resolve_fn fn, void *arg, struct tw_dnssec_result *res,
		unsigned *fetches, unsigned *jobs);

/* Presentation name -> wire (asserts success). */
void hx_name(const char *s, uint8_t out[TW_DNS_NAME_MAX]);

#endif
