/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-bench-crypto: lib/crypto throughput on one core, beside the physical
 * limit of the crypto measured in the same run.
 *
 *  1. verifications/s for RSASHA256-2048, ECDSAP256SHA256 and ED25519
 *     through the batch path (IPsec-MB hashing) and the scalar path
 *     (OpenSSL hashing), every job a distinct signature (verdict cache on
 *     but flushed every pass, so every lookup misses); beside the bare
 *     public-key operation in this process (a prepared EVP_PKEY_CTX /
 *     EVP_MD_CTX on a precomputed digest, what `openssl speed` times) and
 *     `openssl speed -seconds N rsa2048 ecdsap256 ed25519` itself;
 *  2. the verdict cache on repeated signatures (cache off vs on);
 *  3. ns per NSEC3 hash (0 and 10 iterations) and per DS digest, per
 *     message digest, multi-buffer vs scalar, at several batch sizes.
 *
 * Not a test: it prints figures, and fails only if a verdict is wrong.
 * usage: tw-bench-crypto [-t seconds] [-T hash-seconds] [-r repeats]
 *                        [-s openssl-seconds] [-S openssl-runs]
 *                        [-n (skip openssl speed)]
 * Times are this thread's CPU time (see now()); figures are medians of
 * -r runs (default 5) of -t seconds (default 0.5; hashing -T, 0.2); openssl
 * speed (-seconds -s, default 3) runs -S times (default 3) per algorithm,
 * interleaved with ours, median too.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "tw_common.h"
#include "tw_crypto.h"

#define POOL	  1024 /* distinct signatures per algorithm */
#define MSG_LEN	  200  /* signed data: a typical small RRset */
#define BURST	  64
#define REPEAT_N  64 /* the set of repeated signatures */
#define MAX_PATHS 2

static double opt_secs = 0.5;
static double opt_hash_secs = 0.2;
static int opt_reps = 5;
static int opt_speed_secs = 3;
static int opt_speed_reps = 3;
static int opt_no_speed;

/*
 * CPU time of this thread, as `openssl speed` divides by CPU (user) time
 * unless given -elapsed: figures per core, not disturbed by whatever else
 * the machine runs.
 */
static double
now(void)
{
	return (double)tw_clock_ns(CLOCK_THREAD_CPUTIME_ID) * 1e-9;
}

static void
die(const char *what)
{
	fprintf(stderr, "tw-bench-crypto: %s\n", what);
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of opt_reps runs of fn(arg), each about opt_secs long. */
static double
median(double (*fn)(void *), void *arg)
{
	double r[16];
	int n = TW_MIN(opt_reps, 16);

	for (int i = 0; i < n; i++)
		r[i] = fn(arg);
	qsort(r, (size_t)n, sizeof(r[0]), cmp_double);
	return r[n / 2];
}

/* ---- keys and signatures in DNSSEC form ---- */

struct bkey {
	const char *name;
	const char *speed_arg;
	uint8_t alg;
	EVP_PKEY *pkey;
	uint8_t pub[600];
	size_t pub_len;
};

static struct bkey bkeys[] = {
	{ "RSASHA256-2048",
	  "rsa2048",
	  TW_CRYPTO_ALG_RSASHA256,
	  NULL,
	  { 0 },
	  0 },
	{ "ECDSAP256SHA256",
	  "ecdsap256",
	  TW_CRYPTO_ALG_ECDSAP256SHA256,
	  NULL,
	  { 0 },
	  0 },
	{ "ED25519", "ed25519", TW_CRYPTO_ALG_ED25519, NULL, { 0 }, 0 },
};

#define N_ALGS TW_ARRAY_SIZE(bkeys)

static void
key_gen(struct bkey *k)
{
	if (k->alg == TW_CRYPTO_ALG_RSASHA256) {
		BIGNUM *n = NULL, *e = NULL;
		int el;

		k->pkey = EVP_RSA_gen(2048);
		if (k->pkey == NULL ||
		    !EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N,
					   &n) ||
		    !EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e))
			die("RSA key");
		el = BN_num_bytes(e); /* RFC 3110 2 */
		k->pub[0] = (uint8_t)el;
		BN_bn2bin(e, k->pub + 1);
		BN_bn2bin(n, k->pub + 1 + el);
		k->pub_len = (size_t)(1 + el + BN_num_bytes(n));
		BN_free(n);
		BN_free(e);
	} else if (k->alg == TW_CRYPTO_ALG_ECDSAP256SHA256) {
		uint8_t buf[100];
		size_t len = 0;

		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		if (k->pkey == NULL ||
		    !EVP_PKEY_get_octet_string_param(k->pkey,
						     OSSL_PKEY_PARAM_PUB_KEY,
						     buf, sizeof(buf), &len) ||
		    len != 65)
			die("EC key");
		memcpy(k->pub, buf + 1, 64); /* RFC 6605 4 */
		k->pub_len = 64;
	} else {
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		k->pub_len = sizeof(k->pub);
		if (k->pkey == NULL ||
		    !EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &k->pub_len))
			die("Ed25519 key");
	}
}

/* Sign; returns the DNSSEC-form signature length. */
static size_t
sign(const struct bkey *k, const uint8_t *msg, size_t len, uint8_t *sig)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	const char *md = k->alg == TW_CRYPTO_ALG_ED25519 ? NULL : "SHA256";
	uint8_t der[600];
	size_t sl = sizeof(der);

	if (c == NULL ||
	    EVP_DigestSignInit_ex(c, NULL, md, NULL, NULL, k->pkey, NULL) <=
		    0 ||
	    EVP_DigestSign(c, der, &sl, msg, len) <= 0)
		die("sign");
	EVP_MD_CTX_free(c);
	if (k->alg == TW_CRYPTO_ALG_ECDSAP256SHA256) {
		const uint8_t *p = der;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sl);

		if (es == NULL)
			die("ECDSA_SIG");
		BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32);
		ECDSA_SIG_free(es);
		return 64;
	}
	memcpy(sig, der, sl);
	return sl;
}

/* A pool of distinct signed messages for one key. */
struct pool {
	struct bkey *k;
	uint8_t msg[POOL][MSG_LEN];
	uint8_t sig[POOL][512];
	uint8_t der[POOL][80]; /* ECDSA as DER, for the bare loop */
	size_t der_len[POOL];
	struct tw_crypto_iov iov[POOL];
	struct tw_crypto_job jobs[POOL];
	struct tw_crypto_job work[POOL];
};

static void
pool_fill(struct pool *p, struct bkey *k)
{
	p->k = k;
	if (RAND_bytes(&p->msg[0][0], sizeof(p->msg)) != 1)
		die("RAND_bytes");
	for (int i = 0; i < POOL; i++) {
		size_t sl = sign(k, p->msg[i], MSG_LEN, p->sig[i]);

		if (k->alg == TW_CRYPTO_ALG_ECDSAP256SHA256) {
			/* r || s -> DER, with OpenSSL's own encoder */
			ECDSA_SIG *es = ECDSA_SIG_new();
			uint8_t *d = p->der[i];

			ECDSA_SIG_set0(es, BN_bin2bn(p->sig[i], 32, NULL),
				       BN_bin2bn(p->sig[i] + 32, 32, NULL));
			p->der_len[i] = (size_t)i2d_ECDSA_SIG(es, &d);
			ECDSA_SIG_free(es);
		}
		p->iov[i] = (struct tw_crypto_iov){ p->msg[i], MSG_LEN };
		p->jobs[i] = (struct tw_crypto_job){ .key = k->pub,
						     .key_len = k->pub_len,
						     .sig = p->sig[i],
						     .sig_len = sl,
						     .iov = &p->iov[i],
						     .iovcnt = 1,
						     .alg = k->alg };
	}
}

/* ---- 1. verification throughput ---- */

struct vrun {
	struct tw_crypto_ctx *ctx;
	struct pool *p;
	unsigned int n; /* jobs cycled: POOL (distinct) or REPEAT_N */
	int flush;	/* flush the verdict cache every pass */
};

static double
run_verify(void *arg)
{
	struct vrun *v = arg;
	double t0 = now(), t;
	uint64_t count = 0;

	tw_crypto_verdict_cache_flush(v->ctx);
	do {
		memcpy(v->p->work, v->p->jobs, v->n * sizeof(v->p->jobs[0]));
		for (unsigned int i = 0; i < v->n; i += BURST)
			tw_crypto_verify_burst(v->ctx, v->p->work + i,
					       TW_MIN(BURST, v->n - i));
		for (unsigned int i = 0; i < v->n; i++)
			if (v->p->work[i].verdict != TW_CRYPTO_VALID)
				die("a valid signature did not verify");
		count += v->n;
		if (v->flush)
			tw_crypto_verdict_cache_flush(v->ctx);
		t = now() - t0;
	} while (t < opt_secs);
	return (double)count / t;
}

/* The bare public-key operation, prepared as `openssl speed` does. */
static double
run_bare(void *arg)
{
	struct pool *p = arg;
	struct bkey *k = p->k;
	uint8_t dg[POOL / 8][32];
	EVP_PKEY_CTX *pc = NULL;
	EVP_MD_CTX *mc = NULL;
	double t0, t;
	uint64_t count = 0;
	int ok = 1;

	for (int i = 0; i < POOL / 8; i++)
		EVP_Digest(p->msg[i], MSG_LEN, dg[i], NULL, EVP_sha256(), NULL);
	if (k->alg == TW_CRYPTO_ALG_ED25519) {
		mc = EVP_MD_CTX_new();
		EVP_DigestVerifyInit_ex(mc, NULL, NULL, NULL, NULL, k->pkey,
					NULL);
	} else {
		pc = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
		EVP_PKEY_verify_init(pc);
		if (k->alg == TW_CRYPTO_ALG_RSASHA256) {
			EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING);
			EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256());
		}
	}
	t0 = now();
	do {
		for (int i = 0; i < POOL / 8; i++) {
			if (k->alg == TW_CRYPTO_ALG_ED25519)
				ok &= EVP_DigestVerify(mc, p->sig[i], 64,
						       p->msg[i], MSG_LEN) == 1;
			else if (k->alg == TW_CRYPTO_ALG_RSASHA256)
				ok &= EVP_PKEY_verify(pc, p->sig[i], 256, dg[i],
						      32) == 1;
			else
				ok &= EVP_PKEY_verify(pc, p->der[i],
						      p->der_len[i], dg[i],
						      32) == 1;
		}
		count += POOL / 8;
		t = now() - t0;
	} while (t < opt_secs);
	if (!ok)
		die("bare verification failed");
	EVP_PKEY_CTX_free(pc);
	EVP_MD_CTX_free(mc);
	return (double)count / t;
}

/*
 * `openssl speed -mr -seconds N <alg>` for one algorithm: verify/s from the
 * +F2 (RSA), +F4 (ECDSA) or +F6 (EdDSA) line; 0 if it cannot be run.
 */
static double
openssl_speed(const struct bkey *k)
{
	char cmd[256], line[512];
	double verify_s = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "openssl speed -mr -seconds %d %s 2>/dev/null", opt_speed_secs,
		 k->speed_arg);
	f = popen(cmd, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned int i, bits;
		double s, v;
		char name[32];

		if ((sscanf(line, "+F2:%u:%u:%lf:%lf", &i, &bits, &s, &v) ==
			     4 ||
		     sscanf(line, "+F4:%u:%u:%lf:%lf", &i, &bits, &s, &v) ==
			     4 ||
		     sscanf(line, "+F6:%u:%u:%31[^:]:%lf:%lf", &i, &bits, name,
			    &s, &v) == 5) &&
		    v > 0)
			verify_s = v;
	}
	pclose(f);
	return verify_s;
}

/* ---- 3. hashing ---- */

struct hrun {
	struct tw_crypto_ctx *ctx;
	unsigned int batch;
	int kind; /* 0 NSEC3, 1 DS, 2 message SHA-256 */
	uint16_t iterations;
	uint8_t ds_type;
	struct tw_crypto_nsec3_job nsec3[BURST];
	struct tw_crypto_ds_job ds[BURST];
	struct tw_crypto_hash_job h[BURST];
};

static uint8_t names[BURST][64];
static uint8_t salt[8];
static uint8_t owner[] = "\x07"
			 "example"
			 "\x03"
			 "com";
static uint8_t rdata[4 + 260];
static uint8_t hmsg[BURST][MSG_LEN];
static struct tw_crypto_iov hiov[BURST];

static double
run_hash(void *arg)
{
	struct hrun *h = arg;
	double t0 = now(), t;
	uint64_t count = 0;

	for (unsigned int i = 0; i < h->batch; i++) {
		h->nsec3[i] = (struct tw_crypto_nsec3_job){
			.name = names[i],
			.name_len = 1 + 12 + 13, /* label, example.com */
			.salt = salt,
			.salt_len = sizeof(salt),
			.iterations = h->iterations,
			.alg = 1,
		};
		h->ds[i] = (struct tw_crypto_ds_job){
			.owner = owner,
			.owner_len = sizeof(owner),
			.rdata = rdata,
			.rdata_len = sizeof(rdata),
			.digest_type = h->ds_type,
		};
		h->h[i] = (struct tw_crypto_hash_job){
			.iov = &hiov[i], .iovcnt = 1, .alg = TW_CRYPTO_SHA256
		};
	}
	do {
		for (int r = 0; r < 64; r++) {
			unsigned int ok;

			if (h->kind == 0)
				ok = tw_crypto_nsec3_burst(h->ctx, h->nsec3,
							   h->batch);
			else if (h->kind == 1)
				ok = tw_crypto_ds_burst(h->ctx, h->ds,
							h->batch);
			else
				ok = tw_crypto_hash_burst(h->ctx, h->h,
							  h->batch);
			if (ok != h->batch)
				die("hash burst failed");
		}
		count += 64 * h->batch;
		t = now() - t0;
	} while (t < opt_hash_secs);
	return t * 1e9 / (double)count; /* ns per item */
}

static struct tw_crypto_ctx *
make_ctx(enum tw_crypto_path path, unsigned int vcache, unsigned int min_burst)
{
	struct tw_crypto_config cfg;
	struct tw_crypto_ctx *ctx;

	tw_crypto_config_init(&cfg);
	cfg.path = path;
	cfg.verdict_cache_entries = vcache;
	cfg.mb_min_burst = min_burst;
	if (tw_crypto_create(&cfg, &ctx) != 0)
		return NULL;
	return ctx;
}

static void
cpu_model(char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, len, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *c = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && c != NULL) {
			snprintf(out, len, "%s", c + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

int
main(int argc, char **argv)
{
	static struct pool pools[N_ALGS];
	struct tw_crypto_ctx *ctx[MAX_PATHS], *hctx[3];
	double speed[N_ALGS], bare[N_ALGS], vps[N_ALGS][MAX_PATHS];
	double off, on;
	char cpu[128];
	int c;

	while ((c = getopt(argc, argv, "t:T:r:s:S:n")) != -1) {
		switch (c) {
		case 't':
			opt_secs = atof(optarg);
			break;
		case 'T':
			opt_hash_secs = atof(optarg);
			break;
		case 'r':
			opt_reps = atoi(optarg);
			break;
		case 's':
			opt_speed_secs = atoi(optarg);
			break;
		case 'S':
			opt_speed_reps = atoi(optarg);
			break;
		case 'n':
			opt_no_speed = 1;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-t seconds] [-T hash-seconds] "
				"[-r repeats] "
				"[-s openssl-seconds] [-S openssl-runs] "
				"[-n]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (opt_secs <= 0 || opt_hash_secs <= 0 || opt_reps < 1 ||
	    opt_speed_reps < 1)
		die("bad options");

	ctx[0] = make_ctx(TW_CRYPTO_PATH_MB, 1024, 8);
	ctx[1] = make_ctx(TW_CRYPTO_PATH_SCALAR, 1024, 8);
	if (ctx[1] == NULL)
		die("cannot create a scalar context");
	if (ctx[0] == NULL)
		printf("note: IPsec-MB path unavailable; batch = scalar\n");

	cpu_model(cpu, sizeof(cpu));
	printf("# tw-bench-crypto\n\n");
	printf("machine: %s, single thread\n", cpu);
	printf("batch path:  %s\n",
	       ctx[0] ? tw_crypto_describe(ctx[0]) : "n/a");
	printf("scalar path: %s\n", tw_crypto_describe(ctx[1]));
	printf("each figure: median of %d runs of %.1f s (hashing %.1f s) of "
	       "thread CPU time; openssl speed: median of %d run(s) of "
	       "-seconds %d, interleaved\n\n",
	       opt_reps, opt_secs, opt_hash_secs, opt_speed_reps,
	       opt_speed_secs);

	for (size_t a = 0; a < N_ALGS; a++) {
		key_gen(&bkeys[a]);
		pool_fill(&pools[a], &bkeys[a]);
	}

	/*
	 * 1. distinct signatures: openssl speed, bare, batch and scalar runs
	 * interleaved, so that whatever else the machine does (its two CPUs
	 * may be hyperthreads of one core) hits them all alike; medians.
	 */
	for (size_t a = 0; a < N_ALGS; a++) {
		double r[4][16];
		int n = TW_MIN(opt_reps, 16), ns = 0;

		for (int i = 0; i < n; i++) {
			if (i < opt_speed_reps && !opt_no_speed) {
				r[3][ns] = openssl_speed(&bkeys[a]);
				ns += r[3][ns] > 0;
			}
			r[0][i] = run_bare(&pools[a]);
			for (int p = 0; p < MAX_PATHS; p++) {
				struct vrun v = { ctx[p], &pools[a], POOL, 1 };

				r[1 + p][i] = ctx[p] ? run_verify(&v) : 0;
			}
		}
		for (int k = 0; k < 3; k++)
			qsort(r[k], (size_t)n, sizeof(r[k][0]), cmp_double);
		qsort(r[3], (size_t)ns, sizeof(r[3][0]), cmp_double);
		bare[a] = r[0][n / 2];
		vps[a][0] = r[1][n / 2];
		vps[a][1] = r[2][n / 2];
		speed[a] = ns > 0 ? r[3][ns / 2] : 0;
	}

	printf("## Verification, distinct signatures (%d-octet signed data, "
	       "bursts of %d, verdict cache missing)\n\n",
	       MSG_LEN, BURST);
	printf("| algorithm       | openssl speed verify/s | bare EVP verify/s "
	       "| batch verify/s | scalar verify/s | batch / openssl speed "
	       "| batch cost vs bare op |\n");
	printf("|-----------------|-----------:|-----------:|-----------:|----"
	       "-------:|-----------:|-----------:|\n");
	for (size_t a = 0; a < N_ALGS; a++) {
		char sp[32], ratio[32];

		if (speed[a] > 0) {
			snprintf(sp, sizeof(sp), "%.0f", speed[a]);
			snprintf(ratio, sizeof(ratio), "%.1f%%",
				 100.0 * vps[a][0] / speed[a]);
		} else {
			snprintf(sp, sizeof(sp), "n/a");
			snprintf(ratio, sizeof(ratio), "n/a");
		}
		printf("| %-15s | %10s | %10.0f | %10.0f | %10.0f | %10s | "
		       "%9.1f%% |\n",
		       bkeys[a].name, sp, bare[a], vps[a][0], vps[a][1], ratio,
		       vps[a][0] > 0 ? 100.0 * bare[a] / vps[a][0] : 0);
	}

	/* 2. repeated signatures: verdict cache off vs on */
	printf("\n## Verdict cache, the same %d signatures again and again "
	       "(batch path)\n\n",
	       REPEAT_N);
	printf("| algorithm       | cache off verify/s | cache on verify/s "
	       "| gain |\n");
	printf("|-----------------|-----------:|-----------:|------:|\n");
	for (size_t a = 0; a < N_ALGS; a++) {
		enum tw_crypto_path p =
			ctx[0] ? TW_CRYPTO_PATH_MB : TW_CRYPTO_PATH_SCALAR;
		struct tw_crypto_ctx *c0 = make_ctx(p, 0, 8);
		struct tw_crypto_ctx *c1 = make_ctx(p, 65536, 8);
		struct vrun v0 = { c0, &pools[a], REPEAT_N, 0 };
		struct vrun v1 = { c1, &pools[a], REPEAT_N, 0 };

		off = median(run_verify, &v0);
		on = median(run_verify, &v1);
		printf("| %-15s | %10.0f | %10.0f | %5.0fx |\n", bkeys[a].name,
		       off, on, on / off);
		tw_crypto_destroy(c0);
		tw_crypto_destroy(c1);
	}

	/* 3. hashing */
	if (RAND_bytes(&names[0][0], sizeof(names)) != 1 ||
	    RAND_bytes(salt, sizeof(salt)) != 1 ||
	    RAND_bytes(rdata, sizeof(rdata)) != 1 ||
	    RAND_bytes(&hmsg[0][0], sizeof(hmsg)) != 1)
		die("RAND_bytes");
	for (int i = 0; i < BURST; i++) {
		/* 12-octet label under example.com, lower case */
		names[i][0] = 12;
		for (int k = 1; k <= 12; k++)
			names[i][k] = (uint8_t)('a' + names[i][k] % 26);
		memcpy(names[i] + 13, owner, sizeof(owner));
		hiov[i] = (struct tw_crypto_iov){ hmsg[i], MSG_LEN };
	}
	hctx[0] = make_ctx(TW_CRYPTO_PATH_MB, 0, 8);
	hctx[1] = make_ctx(TW_CRYPTO_PATH_MB, 0, 1); /* lanes even for 1 */
	hctx[2] = make_ctx(TW_CRYPTO_PATH_SCALAR, 0, 8);
	printf("\n## Hashing, ns per item (multi-buffer vs scalar)\n\n");
	printf("| work | batch | multi-buffer ns | MB lanes forced ns | scalar "
	       "ns | scalar / MB |\n");
	printf("|------|------:|------:|------:|------:|------:|\n");
	{
		static const struct {
			const char *what;
			int kind;
			uint16_t it;
			uint8_t ds;
		} rows[] = {
			{ "NSEC3 hash, 0 iterations, salt 8", 0, 0, 0 },
			{ "NSEC3 hash, 10 iterations, salt 8", 0, 10, 0 },
			{ "DS digest SHA-256 (RSA-2048 DNSKEY)", 1, 0, 2 },
			{ "DS digest SHA-1 (RSA-2048 DNSKEY)", 1, 0, 1 },
			{ "DS digest SHA-384 (RSA-2048 DNSKEY)", 1, 0, 4 },
			{ "SHA-256 of 200-octet signed data", 2, 0, 0 },
		};
		static const unsigned int batches[] = { 1, 3, 8, 16, 64 };
		static struct hrun h;

		for (size_t r = 0; r < TW_ARRAY_SIZE(rows); r++) {
			for (size_t b = 0; b < TW_ARRAY_SIZE(batches); b++) {
				double ns[3];

				for (int p = 0; p < 3; p++) {
					if (hctx[p] == NULL) {
						ns[p] = 0;
						continue;
					}
					h.ctx = hctx[p];
					h.batch = batches[b];
					h.kind = rows[r].kind;
					h.iterations = rows[r].it;
					h.ds_type = rows[r].ds;
					ns[p] = median(run_hash, &h);
				}
				printf("| %s | %u | %.0f | %.0f | %.0f | %.2f "
				       "|\n",
				       rows[r].what, batches[b], ns[0], ns[1],
				       ns[2], ns[0] > 0 ? ns[2] / ns[0] : 0);
			}
		}
	}

	for (int p = 0; p < MAX_PATHS; p++)
		tw_crypto_destroy(ctx[p]);
	for (int p = 0; p < 3; p++)
		tw_crypto_destroy(hctx[p]);
	for (size_t a = 0; a < N_ALGS; a++)
		EVP_PKEY_free(bkeys[a].pkey);
	return 0;
}
