/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "tw_common.h"

static const char *const tw_errstr[TW_EMAX - TW_EBASE] = {
	[0] = "trustwire error",
	[TW_ETRUNC - TW_EBASE] = "truncated: read past end of buffer",
	[TW_ELABEL - TW_EBASE] = "label longer than 63 octets",
	[TW_ENAMELEN - TW_EBASE] = "name longer than 255 octets",
	[TW_ELOOP - TW_EBASE] = "compression pointer loop",
	[TW_EPTR - TW_EBASE] = "bad compression pointer",
	[TW_ECOUNT - TW_EBASE] = "section counts exceed packet",
	[TW_EFORMAT - TW_EBASE] = "malformed message",
	[TW_EOPT - TW_EBASE] = "bad or misplaced OPT record",
	[TW_ERDATA - TW_EBASE] = "malformed rdata",
	[TW_EFRAG - TW_EBASE] = "IP fragment refused",
	[TW_ECSUM - TW_EBASE] = "bad checksum",
	[TW_EPROTO - TW_EBASE] = "unexpected protocol",
	[TW_ESYNTAX - TW_EBASE] = "syntax error",
	[TW_EUNSUPP - TW_EBASE] = "unsupported",
	[TW_ELIMIT - TW_EBASE] = "work limit reached",
};

const char *
tw_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "success";
	if (err >= TW_EBASE && err < TW_EMAX)
		return tw_errstr[err - TW_EBASE];
	if (err < TW_EBASE)
		return strerror(err);
	return "unknown error";
}

static void *
libc_malloc(size_t size, void *ctx)
{
	(void)ctx;
	return malloc(size);
}

static void *
libc_calloc(size_t n, size_t size, void *ctx)
{
	(void)ctx;
	return calloc(n, size);
}

static void *
libc_realloc(void *p, size_t size, void *ctx)
{
	(void)ctx;
	return realloc(p, size);
}

static void
libc_free(void *p, void *ctx)
{
	(void)ctx;
	free(p);
}

static const struct tw_alloc_hooks libc_hooks = {
	.malloc_fn = libc_malloc,
	.calloc_fn = libc_calloc,
	.realloc_fn = libc_realloc,
	.free_fn = libc_free,
	.ctx = NULL,
};

static struct tw_alloc_hooks hooks = {
	.malloc_fn = libc_malloc,
	.calloc_fn = libc_calloc,
	.realloc_fn = libc_realloc,
	.free_fn = libc_free,
	.ctx = NULL,
};

void
tw_alloc_set_hooks(const struct tw_alloc_hooks *h)
{
	hooks = h != NULL ? *h : libc_hooks;
}

void *
tw_malloc(size_t size)
{
	return hooks.malloc_fn(size, hooks.ctx);
}

void *
tw_calloc(size_t n, size_t size)
{
	return hooks.calloc_fn(n, size, hooks.ctx);
}

void *
tw_calloc_touched(size_t n, size_t size)
{
	void *p = tw_calloc(n, size);

	/* calloc() already checked n * size for overflow. */
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *
tw_realloc(void *p, size_t size)
{
	return hooks.realloc_fn(p, size, hooks.ctx);
}

void
tw_free(void *p)
{
	if (p != NULL)
		hooks.free_fn(p, hooks.ctx);
}
