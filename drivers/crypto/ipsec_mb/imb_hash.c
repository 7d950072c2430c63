/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Intel IPsec-MB multi-buffer hashing for lib/crypto.
 *
 * IPsec-MB 1.3 has plain SHA-1/224/256/384/512 in its job API
 * (IMB_AUTH_SHA_*, cipher IMB_CIPHER_NULL, order HASH_CIPHER) with
 * out-of-order lane managers: on AVX-512 16 lanes of SHA-1/SHA-256 and 8 of
 * SHA-384/512; on SSE with SHA-NI two SHA-NI lanes. init_mb_mgr_auto()
 * picks the best the CPU has. A batch's messages are submitted together
 * and flushed once, so lanes fill up across messages.
 *
 * Limits found in 1.3 (and re-checked by the unit tests): a job hashes one
 * contiguous buffer of 0..65534 octets; 65535 and more is rejected with
 * IMB_ERR_JOB_AUTH_LEN. So:
 *  - scattered data (several iovecs) is gathered into the caller's
 *    per-batch arena; if the arena is full the message goes to OpenSSL;
 *  - longer messages go to OpenSSL;
 *  - a job IPsec-MB hands back with an error status goes to OpenSSL too.
 * And because a half-empty 16-lane flush costs a full one, a hash with
 * fewer than min_burst messages in the batch is done by OpenSSL (also
 * SHA-NI here), which is faster for one or two short messages.
 *
 * IPsec-MB 1.3's hash burst API (IMB_SUBMIT_HASH_BURST) refuses plain SHA
 * (IMB_AUTH_SHA_1 gives "Invalid hash algorithm", tried), hence the job API.
 *
 * The manager's memory comes from tw_malloc (imb_set_pointers_mb_mgr), so
 * allocation tests see it; IPsec-MB itself never allocates after that.
 */
#include <stdio.h>

#include <intel-ipsec-mb.h>

#include "crypto_priv.h"

/* Longest plain-SHA job IPsec-MB 1.3 accepts (see above). */
#define IMB_MAX_MSG 65534

struct tw_imb_hash {
	IMB_MGR *mgr;
	void *mem; /* tw_malloc'd; mgr is its 64-aligned interior */
	IMB_ARCH arch;
	char desc[64];
};

static const IMB_HASH_ALG imb_alg[] = {
	[TW_CRYPTO_SHA1] = IMB_AUTH_SHA_1,
	[TW_CRYPTO_SHA256] = IMB_AUTH_SHA_256,
	[TW_CRYPTO_SHA384] = IMB_AUTH_SHA_384,
	[TW_CRYPTO_SHA512] = IMB_AUTH_SHA_512,
};

#define N_ALG TW_ARRAY_SIZE(imb_alg)

/* req->status while the run decides */
#define ST_PENDING  1 /* submitted to IPsec-MB */
#define ST_SCALAR   2 /* to OpenSSL by policy (few messages of its hash) */
#define ST_FALLBACK 3 /* to OpenSSL because IPsec-MB cannot take it */

static const char *
arch_name(IMB_ARCH a)
{
	switch (a) {
	case IMB_ARCH_NOAESNI:
		return "no-aesni";
	case IMB_ARCH_SSE:
		return "sse";
	case IMB_ARCH_AVX:
		return "avx";
	case IMB_ARCH_AVX2:
		return "avx2";
	case IMB_ARCH_AVX512:
		return "avx512";
	default:
		return "none";
	}
}

void
tw_imb_hash_destroy(struct tw_imb_hash *h)
{
	if (h == NULL)
		return;
	tw_free(h->mem);
	tw_free(h);
}

int
tw_imb_hash_create(struct tw_imb_hash **hp)
{
	struct tw_imb_hash *h = tw_calloc(1, sizeof(*h));
	size_t sz = imb_get_mb_mgr_size();
	uintptr_t p;

	if (h == NULL)
		return -ENOMEM;
	h->mem = tw_malloc(sz + 63);
	if (h->mem == NULL) {
		tw_free(h);
		return -ENOMEM;
	}
	p = ((uintptr_t)h->mem + 63) & ~(uintptr_t)63;
	h->mgr = imb_set_pointers_mb_mgr((void *)p, 0, 1);
	if (h->mgr == NULL) {
		tw_imb_hash_destroy(h);
		return -ENOTSUP;
	}
	h->arch = IMB_ARCH_NONE;
	init_mb_mgr_auto(h->mgr, &h->arch);
	if (imb_get_errno(h->mgr) != 0 || h->arch == IMB_ARCH_NONE) {
		tw_imb_hash_destroy(h);
		return -ENOTSUP;
	}
	snprintf(h->desc, sizeof(h->desc), "ipsec-mb %s (%s%s)",
		 imb_get_version_str(), arch_name(h->arch),
		 (h->mgr->features & IMB_FEATURE_SHANI) ? ", sha-ni" : "");
	*hp = h;
	return 0;
}

const char *
tw_imb_hash_describe(const struct tw_imb_hash *h)
{
	return h->desc;
}

static void
complete(IMB_JOB *job)
{
	struct tw_hash_req *req = job->user_data;

	req->status = job->status == IMB_STATUS_COMPLETED ? 0 : ST_FALLBACK;
}

/* Contiguous source for a request, gathering into the arena; NULL if not. */
static const uint8_t *
source(struct tw_hash_req *req, size_t len, struct tw_arena *arena)
{
	static const uint8_t empty[1];
	uint8_t *buf, *p;

	if (len == 0)
		return empty; /* IPsec-MB refuses a NULL source */
	for (unsigned int i = 0; i < req->iovcnt; i++)
		if (req->iov[i].len == len)
			return req->iov[i].base; /* the others are empty */
	buf = tw_arena_alloc(arena, len);
	if (buf == NULL)
		return NULL;
	p = buf;
	for (unsigned int i = 0; i < req->iovcnt; i++) {
		if (req->iov[i].len == 0)
			continue;
		memcpy(p, req->iov[i].base, req->iov[i].len);
		p += req->iov[i].len;
	}
	return buf;
}

unsigned int
tw_imb_hash_run(struct tw_imb_hash *h, struct tw_ossl_hash *fb,
		struct tw_hash_req *r, unsigned int n, struct tw_arena *arena,
		unsigned int min_burst, uint64_t *n_mb, uint64_t *n_fallback)
{
	IMB_MGR *mgr = h->mgr;
	unsigned int cnt[N_ALG] = { 0 };
	unsigned int ok = 0, mb = 0;
	IMB_JOB *job;

	for (unsigned int i = 0; i < n; i++)
		if (r[i].alg >= TW_CRYPTO_SHA1 && r[i].alg < N_ALG)
			cnt[r[i].alg]++;

	for (unsigned int i = 0; i < n; i++) {
		struct tw_hash_req *req = &r[i];
		const uint8_t *src;
		size_t len;

		if (req->alg < TW_CRYPTO_SHA1 || req->alg >= N_ALG) {
			req->status = -1;
			continue;
		}
		if (cnt[req->alg] < min_burst) {
			req->status = ST_SCALAR;
			continue;
		}
		len = tw_iov_len(req->iov, req->iovcnt);
		src = len <= IMB_MAX_MSG ? source(req, len, arena) : NULL;
		if (src == NULL) {
			req->status = ST_FALLBACK;
			continue;
		}
		req->status = ST_PENDING;
		/*
		 * Only this code fills this manager's job slots, always the
		 * same fields; the rest stay as imb_set_pointers_mb_mgr()
		 * zeroed them, so no memset per job (~15% of a short hash).
		 * IMB_SUBMIT_JOB (not _NOCHECK) re-checks what we checked.
		 */
		job = IMB_GET_NEXT_JOB(mgr);
		job->cipher_mode = IMB_CIPHER_NULL;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
		job->hash_alg = imb_alg[req->alg];
		job->src = src;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = len;
		job->auth_tag_output = req->out;
		job->auth_tag_output_len_in_bytes =
			tw_crypto_hash_len((enum tw_crypto_hash)req->alg);
		job->user_data = req;
		/* Completed jobs come back in submission order. */
		for (job = IMB_SUBMIT_JOB(mgr); job != NULL;
		     job = IMB_GET_COMPLETED_JOB(mgr))
			complete(job);
	}
	while ((job = IMB_FLUSH_JOB(mgr)) != NULL)
		complete(job);

	for (unsigned int i = 0; i < n; i++) {
		struct tw_hash_req *req = &r[i];

		switch (req->status) {
		case 0:
			mb++;
			ok++;
			break;
		case ST_FALLBACK:
			(*n_fallback)++;
			/* fall through */
		case ST_SCALAR:
			ok += tw_ossl_hash_run(fb, req, 1);
			break;
		case ST_PENDING: /* never handed back: cannot happen */
			req->status = -1;
			break;
		default:
			break;
		}
	}
	*n_mb += mb;
	return ok;
}
