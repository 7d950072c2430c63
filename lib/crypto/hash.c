/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash bursts: plain hashes, NSEC3 owner-name hashes (RFC 5155 5) and DS
 * digests (RFC 4034 5.1.4), all through the context's hashing path, so
 * that on the IPsec-MB path the messages of a batch share the lanes.
 */
#include "crypto_priv.h"

static int
iov_ok(const struct tw_crypto_iov *iov, unsigned int iovcnt)
{
	if (iovcnt != 0 && iov == NULL)
		return 0;
	for (unsigned int i = 0; i < iovcnt; i++)
		if (iov[i].len != 0 && iov[i].base == NULL)
			return 0;
	return 1;
}

unsigned int
tw_crypto_hash_burst(struct tw_crypto_ctx *ctx, struct tw_crypto_hash_job *jobs,
		     unsigned int n)
{
	struct tw_hash_req *req = ctx->reqs;
	uint16_t *map = ctx->map;
	unsigned int ok = 0;

	for (unsigned int done = 0; done < n;) {
		unsigned int b = TW_MIN(n - done, ctx->cfg.max_batch);
		unsigned int nreq = 0;

		ctx->arena.used = 0;
		for (unsigned int i = done; i < done + b; i++) {
			struct tw_crypto_hash_job *j = &jobs[i];

			if (tw_crypto_hash_len(j->alg) == 0 ||
			    !iov_ok(j->iov, j->iovcnt)) {
				j->status = -EINVAL;
				continue;
			}
			req[nreq] =
				(struct tw_hash_req){ .iov = j->iov,
						      .iovcnt = j->iovcnt,
						      .alg = (uint8_t)j->alg,
						      .out = j->digest };
			map[nreq++] = (uint16_t)(i - done);
		}
		if (nreq != 0)
			tw_hash_run(ctx, req, nreq);
		for (unsigned int r = 0; r < nreq; r++) {
			struct tw_crypto_hash_job *j = &jobs[done + map[r]];

			j->status = req[r].status == 0 ? 0 : -ENOMEM;
			ok += j->status == 0;
		}
		done += b;
	}
	return ok;
}

/*
 * One batch of NSEC3 hashes. Round 0 hashes name || salt for every job;
 * round k hashes IH(k - 1) || salt for the jobs with at least k iterations,
 * so all names of the batch advance in lock-step and fill the lanes
 * together. Each job's round input lives in its own arena buffer
 * (20 + salt octets); the digest is written to job->hash and copied back
 * in front of the salt for the next round.
 */
static void
nsec3_batch(struct tw_crypto_ctx *ctx, struct tw_crypto_nsec3_job *jobs,
	    unsigned int n)
{
	struct tw_hash_req *req = ctx->reqs;
	uint16_t *map = ctx->map;
	uint8_t **buf = ctx->bufs;
	unsigned int nreq, active = 0;

	ctx->arena.used = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct tw_crypto_nsec3_job *j = &jobs[i];
		struct tw_crypto_iov *iov = &ctx->iovs[4 * i];

		buf[i] = NULL;
		if (j->alg != 1) {
			j->status = -TW_EUNSUPP;
			continue;
		}
		if (j->name == NULL || j->name_len == 0 || j->name_len > 255 ||
		    (j->salt_len != 0 && j->salt == NULL)) {
			j->status = -EINVAL;
			continue;
		}
		if (j->iterations > ctx->cfg.nsec3_max_iterations) {
			j->status = -TW_ELIMIT;
			continue;
		}
		buf[i] = tw_arena_alloc(&ctx->arena,
					TW_CRYPTO_NSEC3_HASH_LEN + j->salt_len);
		if (buf[i] == NULL) { /* arena_size >= 1024 * max_batch */
			j->status = -ENOMEM;
			continue;
		}
		if (j->salt_len != 0)
			memcpy(buf[i] + TW_CRYPTO_NSEC3_HASH_LEN, j->salt,
			       j->salt_len);
		iov[0] = (struct tw_crypto_iov){ j->name, j->name_len };
		iov[1] = (struct tw_crypto_iov){ j->salt, j->salt_len };
		j->status = 0;
		active++;
	}

	for (unsigned int round = 0; active != 0; round++) {
		nreq = 0;
		for (unsigned int i = 0; i < n; i++) {
			struct tw_crypto_nsec3_job *j = &jobs[i];

			if (buf[i] == NULL || j->status != 0 ||
			    round > j->iterations)
				continue;
			if (round == 0) {
				req[nreq] = (struct tw_hash_req){
					.iov = &ctx->iovs[4 * i],
					.iovcnt = j->salt_len != 0 ? 2 : 1
				};
			} else {
				memcpy(buf[i], j->hash,
				       TW_CRYPTO_NSEC3_HASH_LEN);
				ctx->iovs[4 * i + 2] = (struct tw_crypto_iov){
					buf[i],
					TW_CRYPTO_NSEC3_HASH_LEN + j->salt_len
				};
				req[nreq] = (struct tw_hash_req){
					.iov = &ctx->iovs[4 * i + 2],
					.iovcnt = 1
				};
			}
			req[nreq].alg = TW_CRYPTO_SHA1;
			req[nreq].out = j->hash;
			map[nreq++] = (uint16_t)i;
		}
		tw_hash_run(ctx, req, nreq);
		ctx->st.nsec3_hashes += nreq;
		for (unsigned int r = 0; r < nreq; r++) {
			struct tw_crypto_nsec3_job *j = &jobs[map[r]];

			if (req[r].status != 0)
				j->status = -ENOMEM;
			if (req[r].status != 0 || round == j->iterations)
				active--;
		}
	}
}

unsigned int
tw_crypto_nsec3_burst(struct tw_crypto_ctx *ctx,
		      struct tw_crypto_nsec3_job *jobs, unsigned int n)
{
	unsigned int ok = 0;

	for (unsigned int done = 0; done < n;) {
		unsigned int b = TW_MIN(n - done, ctx->cfg.max_batch);

		nsec3_batch(ctx, jobs + done, b);
		for (unsigned int i = done; i < done + b; i++)
			ok += jobs[i].status == 0;
		done += b;
	}
	return ok;
}

static uint8_t
ds_hash(uint8_t digest_type)
{
	switch (digest_type) {
	case TW_CRYPTO_DS_SHA1:
		return TW_CRYPTO_SHA1;
	case TW_CRYPTO_DS_SHA256:
		return TW_CRYPTO_SHA256;
	case TW_CRYPTO_DS_SHA384:
		return TW_CRYPTO_SHA384;
	default:
		return 0; /* 3 GOST R 34.11-94 and unassigned */
	}
}

unsigned int
tw_crypto_ds_burst(struct tw_crypto_ctx *ctx, struct tw_crypto_ds_job *jobs,
		   unsigned int n)
{
	struct tw_hash_req *req = ctx->reqs;
	uint16_t *map = ctx->map;
	unsigned int ok = 0;

	for (unsigned int done = 0; done < n;) {
		unsigned int b = TW_MIN(n - done, ctx->cfg.max_batch);
		unsigned int nreq = 0;

		ctx->arena.used = 0;
		for (unsigned int i = done; i < done + b; i++) {
			struct tw_crypto_ds_job *j = &jobs[i];
			struct tw_crypto_iov *iov = &ctx->iovs[4 * (i - done)];
			uint8_t h = ds_hash(j->digest_type);

			j->digest_len = 0;
			if (h == 0) {
				j->status = -TW_EUNSUPP;
				continue;
			}
			/* DNSKEY rdata: flags, protocol, algorithm, key. */
			if (j->owner == NULL || j->owner_len == 0 ||
			    j->owner_len > 255 || j->rdata == NULL ||
			    j->rdata_len < 4) {
				j->status = -EINVAL;
				continue;
			}
			iov[0] = (struct tw_crypto_iov){ j->owner,
							 j->owner_len };
			iov[1] = (struct tw_crypto_iov){ j->rdata,
							 j->rdata_len };
			req[nreq] = (struct tw_hash_req){ .iov = iov,
							  .iovcnt = 2,
							  .alg = h,
							  .out = j->digest };
			map[nreq++] = (uint16_t)(i - done);
		}
		if (nreq != 0)
			tw_hash_run(ctx, req, nreq);
		ctx->st.ds_digests += nreq;
		for (unsigned int r = 0; r < nreq; r++) {
			struct tw_crypto_ds_job *j = &jobs[done + map[r]];

			j->status = req[r].status == 0 ? 0 : -ENOMEM;
			if (j->status == 0) {
				j->digest_len = (uint8_t)tw_crypto_hash_len(
					(enum tw_crypto_hash)req[r].alg);
				ok++;
			}
		}
		done += b;
	}
	return ok;
}
