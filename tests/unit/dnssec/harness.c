/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

int
hx_read_file(const char *path, struct hx_answer *out)
{
	FILE *f = fopen(path, "rb");
	long sz;

	out->wire = NULL;
	out->len = 0;
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -EIO;
	}
	out->wire = malloc(sz ? (size_t)sz : 1);
	if (!out->wire) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(out->wire, 1, (size_t)sz, f) != (size_t)sz) {
		free(out->wire);
		out->wire = NULL;
		fclose(f);
		return -EIO;
	}
	out->len = (size_t)sz;
	fclose(f);
	return 0;
}

void
hx_answer_path(char *buf, size_t size, const char *dir, const uint8_t *name,
	       uint16_t qtype)
{
	char nb[1024], tb[16];
	size_t n;

	if (tw_dns_name_to_str(name, nb, sizeof(nb)) < 0)
		snprintf(nb, sizeof(nb), "?");
	for (char *p = nb; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	n = strlen(nb);
	if (n > 1 && nb[n - 1] == '.')
		nb[n - 1] = '\0';
	snprintf(buf, size, "%s/%s_%s.bin", dir, nb,
		 tw_dns_type_str(qtype, tb));
}

int
hx_resolve_dir(void *arg, const uint8_t *name, uint16_t qtype,
	       struct hx_answer *out)
{
	char path[2048];

	hx_answer_path(path, sizeof(path), arg, name, qtype);
	return hx_read_file(path, out) == 0 ? 0 : -1;
}

int
hx_validate(struct tw_dnssec_ctx *ctx, const uint8_t *resp, size_t len,
	    const uint8_t *qname, uint16_t qtype, uint32_t now,
	    hx_resolve_fn fn, void *arg, struct tw_dnssec_result *res,
	    unsigned *fetches, unsigned *jobs)
{
	struct tw_val *v = NULL;
	unsigned n = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = tw_val_start(ctx, resp, len, qname, qtype, now, &v);
	while (rc == TW_VAL_NEED) {
		const struct tw_val_request *rq = tw_val_need(v);
		struct hx_answer a = { NULL, 0 };

		assert_non_null(rq);
		n++;
		if (fn(arg, rq->name, rq->qtype, &a) == 0) {
			rc = tw_val_provide(v, a.wire, a.len);
			free(a.wire);
		} else {
			rc = tw_val_provide(v, NULL, 0);
		}
	}
	if (v && tw_val_result(v))
		*res = *tw_val_result(v);
	if (jobs)
		*jobs = tw_val_sig_jobs(v);
	tw_val_free(v);
	if (fetches)
		*fetches = n;
	return rc;
}

void
hx_name(const char *s, uint8_t out[TW_DNS_NAME_MAX])
{
	assert_true(tw_dns_name_from_str(s, out) > 0);
}
