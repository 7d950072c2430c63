/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "testsign.h"

uint16_t
ts_key_tag(const uint8_t *rdata, size_t len)
{
	uint32_t ac = 0;

	/* RFC 4034 appendix B */
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

static void
key_header(struct ts_key *k, uint16_t flags, uint8_t proto)
{
	k->flags = flags;
	k->rdata[0] = (uint8_t)(flags >> 8);
	k->rdata[1] = (uint8_t)flags;
	k->rdata[2] = proto;
	k->rdata[3] = k->alg;
	k->tag = ts_key_tag(k->rdata, k->rdlen);
}

void
ts_key_set(struct ts_key *k, uint16_t flags, uint8_t proto)
{
	key_header(k, flags, proto);
}

/* RFC 3110 2: exponent length, exponent, modulus. */
static size_t
rsa_pub(uint8_t *out, const BIGNUM *n, const BIGNUM *e)
{
	int el = BN_num_bytes(e), nl = BN_num_bytes(n);
	size_t p = 0;

	if (el < 256) {
		out[p++] = (uint8_t)el;
	} else {
		out[p++] = 0;
		out[p++] = (uint8_t)(el >> 8);
		out[p++] = (uint8_t)el;
	}
	BN_bn2bin(e, out + p);
	p += (size_t)el;
	BN_bn2bin(n, out + p);
	return p + (size_t)nl;
}

static void
set_pub(struct ts_key *k)
{
	size_t len = 0;

	switch (k->alg) {
	case 5:
	case 7:
	case 8:
	case 10: {
		BIGNUM *n = NULL, *e = NULL;

		assert_true(EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N,
						  &n));
		assert_true(EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_E,
						  &e));
		len = rsa_pub(k->rdata + 4, n, e);
		BN_free(n);
		BN_free(e);
		break;
	}
	case 13:
	case 14: {
		uint8_t buf[200];
		size_t bl = 0;

		assert_true(EVP_PKEY_get_octet_string_param(
			k->pk, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof(buf), &bl));
		/* RFC 6605 4: x | y without the 0x04 prefix */
		assert_int_equal(buf[0], 4);
		memcpy(k->rdata + 4, buf + 1, bl - 1);
		len = bl - 1;
		break;
	}
	default: {
		size_t bl = TS_RDATA_MAX - 4;

		assert_true(
			EVP_PKEY_get_raw_public_key(k->pk, k->rdata + 4, &bl));
		len = bl;
		break;
	}
	}
	k->rdlen = (uint16_t)(4 + len);
	key_header(k, k->flags, 3);
}

void
ts_key_gen(struct ts_key *k, uint8_t alg, uint16_t flags, int bits)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	k->flags = flags;
	switch (alg) {
	case 5:
	case 7:
	case 8:
	case 10:
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
					  (size_t)(bits ? bits : 1024));
		break;
	case 13:
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case 14:
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case 15:
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case 16:
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
		break;
	default:
		fail_msg("no key generator for algorithm %u", alg);
	}
	assert_non_null(k->pk);
	set_pub(k);
}

void
ts_key_raw_ed(struct ts_key *k, uint8_t alg, uint16_t flags,
	      const uint8_t *priv, size_t len)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	k->flags = flags;
	k->pk = EVP_PKEY_new_raw_private_key(
		alg == 15 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, NULL, priv, len);
	assert_non_null(k->pk);
	set_pub(k);
}

void
ts_key_rsa_collide(struct ts_key *out, const struct ts_key *k, uint16_t tag,
		   unsigned int n)
{
	/* Where the last search stopped: callers ask for n = 0, 1, 2, ...
	 * in turn, so the n-th solution continues from the (n-1)-th instead
	 * of searching from the start again (quadratic: minutes for 40). */
	static struct {
		uint8_t rdata[TS_RDATA_MAX];
		uint16_t rdlen;
		uint16_t tag;
		unsigned int n;
		uint32_t x;
	} last;
	BIGNUM *mod = NULL, *e = BN_new();
	unsigned int found = 0;
	uint32_t x = 0x01000001u;

	assert_true(EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N, &mod));
	memset(out, 0, sizeof(*out));
	out->alg = k->alg;
	out->flags = k->flags;
	if (n > 0 && last.tag == tag && last.n == n - 1 &&
	    last.rdlen == k->rdlen &&
	    memcmp(last.rdata, k->rdata, k->rdlen) == 0) {
		found = n;
		x = last.x + 2;
	}
	/* Odd 4-octet exponents from 0x01000001 up: the checksum moves by
	 * the exponent's words, so about one in 32768 odd values hits. */
	for (;; x += 2) {
		BN_set_word(e, x);
		out->rdlen = (uint16_t)(4 + rsa_pub(out->rdata + 4, mod, e));
		key_header(out, k->flags, 3);
		if (out->tag == tag && found++ == n)
			break;
	}
	memcpy(last.rdata, k->rdata, k->rdlen);
	last.rdlen = k->rdlen;
	last.tag = tag;
	last.n = n;
	last.x = x;
	BN_free(mod);
	BN_free(e);
}

void
ts_key_free(struct ts_key *k)
{
	EVP_PKEY_free(k->pk);
	k->pk = NULL;
}

/* ---- Messages ---------------------------------------------------------- */

static void
name(const char *s, uint8_t *out)
{
	assert_true(tw_dns_name_from_str(s, out) > 0);
}

void
ts_msg_init(struct ts_msg *m, const char *qname, uint16_t qtype, uint8_t rcode)
{
	memset(m->n, 0, sizeof(m->n));
	name(qname, m->qname);
	m->qtype = qtype;
	m->rcode = rcode;
	m->len = 0;
}

struct ts_rr *
ts_add(struct ts_msg *m, int sec, const char *owner, uint16_t type,
       uint32_t ttl, const void *rdata, size_t rdlen)
{
	struct ts_rr *r;

	assert_true(m->n[sec] < TS_MAX_RR && rdlen <= TS_RDATA_MAX);
	r = &m->rr[sec][m->n[sec]++];
	name(owner, r->owner);
	r->type = type;
	r->rclass = TW_DNS_C_IN;
	r->ttl = ttl;
	r->rdlen = (uint16_t)rdlen;
	memcpy(r->rdata, rdata, rdlen);
	return r;
}

struct ts_rr *
ts_add_a(struct ts_msg *m, int sec, const char *owner, const char *addr)
{
	uint8_t a[4];

	assert_int_equal(inet_pton(AF_INET, addr, a), 1);
	return ts_add(m, sec, owner, TW_DNS_T_A, 3600, a, 4);
}

struct ts_rr *
ts_add_name(struct ts_msg *m, int sec, const char *owner, uint16_t type,
	    const char *target)
{
	uint8_t t[TW_DNS_NAME_MAX];

	name(target, t);
	return ts_add(m, sec, owner, type, 3600, t, tw_dns_name_len(t));
}

struct ts_rr *
ts_add_soa(struct ts_msg *m, int sec, const char *zone)
{
	uint8_t rd[TW_DNS_NAME_MAX * 2 + 20], n[TW_DNS_NAME_MAX];
	size_t p = 0, l;

	name("ns.example.", n);
	l = tw_dns_name_len(n);
	memcpy(rd, n, l);
	p += l;
	name("hostmaster.example.", n);
	l = tw_dns_name_len(n);
	memcpy(rd + p, n, l);
	p += l;
	for (int i = 0; i < 5; i++) {
		uint32_t x = htonl(i == 4 ? 300 : 1000 + (uint32_t)i);

		memcpy(rd + p, &x, 4);
		p += 4;
	}
	return ts_add(m, sec, zone, TW_DNS_T_SOA, 3600, rd, p);
}

struct ts_rr *
ts_add_dnskey(struct ts_msg *m, int sec, const char *owner,
	      const struct ts_key *k)
{
	return ts_add(m, sec, owner, TW_DNS_T_DNSKEY, 3600, k->rdata, k->rdlen);
}

struct ts_rr *
ts_add_ds(struct ts_msg *m, int sec, const char *owner, const struct ts_key *k,
	  uint8_t digest_type)
{
	uint8_t rd[4 + 64], n[TW_DNS_NAME_MAX], buf[TW_DNS_NAME_MAX + 2048];
	const EVP_MD *md = digest_type == 1   ? EVP_sha1()
			   : digest_type == 4 ? EVP_sha384()
					      : EVP_sha256();
	unsigned int dl = 0;
	size_t nl;

	name(owner, n);
	tw_dns_name_lower(n);
	nl = tw_dns_name_len(n);
	memcpy(buf, n, nl);
	memcpy(buf + nl, k->rdata, k->rdlen);
	rd[0] = (uint8_t)(k->tag >> 8);
	rd[1] = (uint8_t)k->tag;
	rd[2] = k->alg;
	rd[3] = digest_type;
	assert_true(EVP_Digest(buf, nl + k->rdlen, rd + 4, &dl, md, NULL));
	return ts_add(m, sec, owner, TW_DNS_T_DS, 3600, rd, 4 + dl);
}

static size_t
bitmap(uint8_t *out, const uint16_t *types)
{
	uint8_t win[256][32];
	int maxb[256];
	size_t p = 0;

	memset(win, 0, sizeof(win));
	for (int i = 0; i < 256; i++)
		maxb[i] = -1;
	for (const uint16_t *t = types; t && *t; t++) {
		int w = *t >> 8, b = (*t & 0xff) / 8;

		win[w][b] |= (uint8_t)(0x80 >> (*t & 7));
		if (b > maxb[w])
			maxb[w] = b;
	}
	/* RFC 4034 4.1.2 */
	for (int w = 0; w < 256; w++) {
		if (maxb[w] < 0)
			continue;
		out[p++] = (uint8_t)w;
		out[p++] = (uint8_t)(maxb[w] + 1);
		memcpy(out + p, win[w], (size_t)maxb[w] + 1);
		p += (size_t)maxb[w] + 1;
	}
	return p;
}

struct ts_rr *
ts_add_nsec(struct ts_msg *m, int sec, const char *owner, const char *next,
	    const uint16_t *types)
{
	uint8_t rd[TW_DNS_NAME_MAX + 600], n[TW_DNS_NAME_MAX];
	size_t l;

	name(next, n);
	l = tw_dns_name_len(n);
	memcpy(rd, n, l);
	l += bitmap(rd + l, types);
	return ts_add(m, sec, owner, TW_DNS_T_NSEC, 3600, rd, l);
}

static void
b32hex(const uint8_t *in, size_t len, char *out)
{
	static const char al[] = "0123456789abcdefghijklmnopqrstuv";
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = al[(acc >> bits) & 31];
		}
	}
	if (bits)
		out[o++] = al[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

void
ts_nsec3_hash(const char *nm, uint16_t iterations, const uint8_t *salt,
	      uint8_t salt_len, uint8_t out[20])
{
	uint8_t n[TW_DNS_NAME_MAX], buf[TW_DNS_NAME_MAX + 256];
	size_t l;
	unsigned int dl;

	name(nm, n);
	tw_dns_name_lower(n);
	l = tw_dns_name_len(n);
	memcpy(buf, n, l);
	if (salt_len > 0) /* memcpy from NULL is undefined even for 0 */
		memcpy(buf + l, salt, salt_len);
	assert_true(EVP_Digest(buf, l + salt_len, out, &dl, EVP_sha1(), NULL));
	for (unsigned int i = 0; i < iterations; i++) {
		memcpy(buf, out, 20);
		if (salt_len > 0)
			memcpy(buf + 20, salt, salt_len);
		assert_true(EVP_Digest(buf, 20u + salt_len, out, &dl,
				       EVP_sha1(), NULL));
	}
}

struct ts_rr *
ts_add_nsec3(struct ts_msg *m, int sec, const char *zone,
	     const uint8_t owner_hash[20], const uint8_t next_hash[20],
	     uint8_t flags, uint16_t iterations, const uint8_t *salt,
	     uint8_t salt_len, const uint16_t *types)
{
	uint8_t rd[600];
	char owner[300], lab[40];
	size_t p = 0;

	b32hex(owner_hash, 20, lab);
	snprintf(owner, sizeof(owner), "%s.%s", lab,
		 strcmp(zone, ".") ? zone : "");
	rd[p++] = 1;
	rd[p++] = flags;
	rd[p++] = (uint8_t)(iterations >> 8);
	rd[p++] = (uint8_t)iterations;
	rd[p++] = salt_len;
	if (salt_len > 0)
		memcpy(rd + p, salt, salt_len);
	p += salt_len;
	rd[p++] = 20;
	memcpy(rd + p, next_hash, 20);
	p += 20;
	p += bitmap(rd + p, types);
	return ts_add(m, sec, owner, TW_DNS_T_NSEC3, 3600, rd, p);
}

/* ---- Signing ------------------------------------------------------------- */

static int
rr_cmp(const void *a, const void *b)
{
	const struct ts_rr *x = *(struct ts_rr *const *)a;
	const struct ts_rr *y = *(struct ts_rr *const *)b;
	size_t l = x->rdlen < y->rdlen ? x->rdlen : y->rdlen;
	int c = memcmp(x->rdata, y->rdata, l);

	/* RFC 4034 6.3 */
	if (c)
		return c;
	return (int)x->rdlen - (int)y->rdlen;
}

static void
sign_bytes(const struct ts_key *k, const uint8_t *data, size_t len,
	   uint8_t *sig, size_t *sig_len)
{
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	const EVP_MD *md = NULL;
	uint8_t der[1024];
	size_t dl = sizeof(der);

	switch (k->alg) {
	case 5:
	case 7:
		md = EVP_sha1();
		break;
	case 8:
	case 13:
		md = EVP_sha256();
		break;
	case 10:
		md = EVP_sha512();
		break;
	case 14:
		md = EVP_sha384();
		break;
	default:
		md = NULL;
		break;
	}
	assert_non_null(mc);
	assert_int_equal(EVP_DigestSignInit(mc, NULL, md, NULL, k->pk), 1);
	assert_int_equal(EVP_DigestSign(mc, der, &dl, data, len), 1);
	EVP_MD_CTX_free(mc);
	if (k->alg == 13 || k->alg == 14) {
		/* RFC 6605 4: r | s, fixed width */
		const uint8_t *p = der;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)dl);
		int w = k->alg == 13 ? 32 : 48;

		assert_non_null(es);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, w);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + w, w);
		ECDSA_SIG_free(es);
		*sig_len = 2u * (size_t)w;
	} else {
		memcpy(sig, der, dl);
		*sig_len = dl;
	}
}

static int
labels_of(const uint8_t *n)
{
	int l = tw_dns_name_labels(n);

	return n[0] == 1 && n[1] == '*' ? l - 1 : l;
}

struct ts_rr *
ts_sign(struct ts_msg *m, int sec, const char *owner, uint16_t type,
	const struct ts_key *k, const char *signer, uint32_t inception,
	uint32_t expiration, const struct ts_sigopt *opt)
{
	uint8_t own[TW_DNS_NAME_MAX];

	name(owner, own);
	return ts_sign_wire(m, sec, own, type, k, signer, inception, expiration,
			    opt);
}

struct ts_rr *
ts_sign_wire(struct ts_msg *m, int sec, const uint8_t *owner, uint16_t type,
	     const struct ts_key *k, const char *signer, uint32_t inception,
	     uint32_t expiration, const struct ts_sigopt *opt)
{
	struct ts_rr *set[TS_MAX_RR], *sig;
	uint8_t own[TW_DNS_NAME_MAX], sgn[TW_DNS_NAME_MAX], rd[TS_RDATA_MAX];
	uint8_t *data;
	size_t n = 0, p = 0, dl = 0, sl = 0, ol, sgl;
	uint32_t ttl = 0, orig;
	int labels;

	memcpy(own, owner, tw_dns_name_len(owner));
	tw_dns_name_lower(own);
	name(signer, sgn);
	tw_dns_name_lower(sgn);
	for (unsigned int i = 0; i < m->n[sec]; i++) {
		struct ts_rr *r = &m->rr[sec][i];

		if (r->type == type && tw_dns_name_eq(r->owner, own)) {
			set[n++] = r;
			ttl = r->ttl;
		}
	}
	assert_true(n > 0);
	qsort(set, n, sizeof(set[0]), rr_cmp);
	labels = opt && opt->labels >= 0 ? opt->labels : labels_of(own);
	orig = opt && opt->orig_ttl ? opt->orig_ttl : ttl;
	/* RRSIG rdata without the signature (RFC 4034 3.1.8.1) */
	rd[p++] = (uint8_t)(type >> 8);
	rd[p++] = (uint8_t)type;
	rd[p++] = opt && opt->alg ? opt->alg : k->alg;
	rd[p++] = (uint8_t)labels;
	for (int i = 0; i < 3; i++) {
		uint32_t x = htonl(i == 0   ? orig
				   : i == 1 ? expiration
					    : inception);

		memcpy(rd + p, &x, 4);
		p += 4;
	}
	{
		int tag = opt && opt->key_tag >= 0 ? opt->key_tag : k->tag;

		rd[p++] = (uint8_t)(tag >> 8);
		rd[p++] = (uint8_t)tag;
	}
	sgl = tw_dns_name_len(sgn);
	memcpy(rd + p, sgn, sgl);
	p += sgl;
	/* the RRset, canonical (RFC 4034 6.2, 6.3); owner rebuilt for a
	 * wildcard (RFC 4035 5.3.2) */
	if (labels < labels_of(own)) {
		uint8_t w[TW_DNS_NAME_MAX];
		const uint8_t *suf = tw_dns_name_suffix(own, labels);
		size_t sl2 = tw_dns_name_len(suf);

		w[0] = 1;
		w[1] = '*';
		memcpy(w + 2, suf, sl2);
		memcpy(own, w, sl2 + 2);
	}
	ol = tw_dns_name_len(own);
	data = malloc(p + n * (ol + 10 + TS_RDATA_MAX));
	assert_non_null(data);
	memcpy(data, rd, p);
	dl = p;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && set[i]->rdlen == set[i - 1]->rdlen &&
		    memcmp(set[i]->rdata, set[i - 1]->rdata, set[i]->rdlen) ==
			    0)
			continue;
		memcpy(data + dl, own, ol);
		dl += ol;
		data[dl++] = (uint8_t)(type >> 8);
		data[dl++] = (uint8_t)type;
		data[dl++] = 0;
		data[dl++] = 1;
		{
			uint32_t x = htonl(orig);

			memcpy(data + dl, &x, 4);
			dl += 4;
		}
		data[dl++] = (uint8_t)(set[i]->rdlen >> 8);
		data[dl++] = (uint8_t)set[i]->rdlen;
		memcpy(data + dl, set[i]->rdata, set[i]->rdlen);
		dl += set[i]->rdlen;
	}
	if (opt && opt->garbage) {
		sl = k->alg == 13 ? 64 : k->alg == 14 ? 96 : 128;
		RAND_bytes(rd + p, (int)sl);
	} else {
		sign_bytes(k, data, dl, rd + p, &sl);
	}
	free(data);
	assert_true(m->n[sec] < TS_MAX_RR);
	sig = &m->rr[sec][m->n[sec]++];
	memcpy(sig->owner, owner, tw_dns_name_len(owner));
	sig->type = TW_DNS_T_RRSIG;
	sig->rclass = TW_DNS_C_IN;
	sig->ttl = ttl;
	sig->rdlen = (uint16_t)(p + sl);
	memcpy(sig->rdata, rd, p + sl);
	return sig;
}

const uint8_t *
ts_msg_wire(struct ts_msg *m)
{
	struct tw_dns_writer w;
	struct tw_dns_hdr h = { 0 };
	int len;

	h.id = 0x1234;
	h.flags = TW_DNS_F_QR | TW_DNS_F_AA | TW_DNS_F_CD | m->rcode;
	tw_dns_writer_init(&w, m->wire, sizeof(m->wire));
	assert_int_equal(tw_dns_write_header(&w, &h), 0);
	assert_int_equal(
		tw_dns_write_question(&w, m->qname, m->qtype, TW_DNS_C_IN), 0);
	for (int s = 0; s < 3; s++)
		for (unsigned int i = 0; i < m->n[s]; i++) {
			struct ts_rr *r = &m->rr[s][i];

			assert_int_equal(
				tw_dns_write_rr(&w,
						(enum tw_dns_section)(s + 1),
						r->owner, r->type, r->rclass,
						r->ttl, r->rdata, r->rdlen),
				0);
		}
	len = tw_dns_writer_finish(&w);
	assert_true(len > 0);
	m->len = (size_t)len;
	return m->wire;
}

/* ---- The world --------------------------------------------------------- */

void
ts_world_add(struct ts_world *w, struct ts_msg *m)
{
	assert_true(w->n < TW_ARRAY_SIZE(w->e));
	ts_msg_wire(m);
	memcpy(w->e[w->n].name, m->qname, tw_dns_name_len(m->qname));
	tw_dns_name_lower(w->e[w->n].name);
	w->e[w->n].qtype = m->qtype;
	w->e[w->n].wire = malloc(m->len);
	assert_non_null(w->e[w->n].wire);
	memcpy(w->e[w->n].wire, m->wire, m->len);
	w->e[w->n].len = m->len;
	w->n++;
}

void
ts_world_free(struct ts_world *w)
{
	for (unsigned int i = 0; i < w->n; i++)
		free(w->e[i].wire);
	memset(w, 0, sizeof(*w));
}

int
ts_world_resolve(void *arg, const uint8_t *nm, uint16_t qtype,
		 struct hx_answer *out)
{
	struct ts_world *w = arg;

	w->asked++;
	/* the latest answer added for a question wins */
	for (unsigned int i = w->n; i-- > 0;)
		if (w->e[i].qtype == qtype &&
		    tw_dns_name_eq(w->e[i].name, nm)) {
			out->wire = malloc(w->e[i].len);
			assert_non_null(out->wire);
			memcpy(out->wire, w->e[i].wire, w->e[i].len);
			out->len = w->e[i].len;
			return 0;
		}
	return -1;
}

/* ---- Zones ------------------------------------------------------------ */

void
ts_zone_init(struct ts_zone *z, const char *nm, uint8_t alg)
{
	snprintf(z->name, sizeof(z->name), "%s", nm);
	ts_key_gen(&z->ksk, alg, 257, 1024);
	ts_key_gen(&z->zsk, alg, 256, 1024);
}

void
ts_zone_free(struct ts_zone *z)
{
	ts_key_free(&z->ksk);
	ts_key_free(&z->zsk);
}

struct ts_msg *
ts_msg_new(const char *qname, uint16_t qtype, uint8_t rcode)
{
	struct ts_msg *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	ts_msg_init(m, qname, qtype, rcode);
	return m;
}

void
ts_zone_publish(struct ts_zone *z, struct ts_world *w,
		const struct ts_key *extra, unsigned int n_extra)
{
	struct ts_msg *m = ts_msg_new(z->name, TW_DNS_T_DNSKEY, 0);

	ts_add_dnskey(m, 0, z->name, &z->ksk);
	ts_add_dnskey(m, 0, z->name, &z->zsk);
	for (unsigned int i = 0; i < n_extra; i++)
		ts_add_dnskey(m, 0, z->name, &extra[i]);
	ts_sign(m, 0, z->name, TW_DNS_T_DNSKEY, &z->ksk, z->name, TS_INC,
		TS_EXP, NULL);
	ts_world_add(w, m);
	free(m);
}

void
ts_zone_anchor(struct ts_zone *z, struct tw_dnssec_ctx *ctx)
{
	struct ts_msg *m = ts_msg_new(z->name, TW_DNS_T_DS, 0);
	struct tw_dns_zone_rr zr;
	struct ts_rr *r = ts_add_ds(m, 0, z->name, &z->ksk, 2);

	memset(&zr, 0, sizeof(zr));
	memcpy(zr.owner, r->owner, tw_dns_name_len(r->owner));
	zr.owner_len = (uint16_t)tw_dns_name_len(r->owner);
	zr.type = TW_DNS_T_DS;
	zr.rclass = TW_DNS_C_IN;
	zr.ttl = 3600;
	zr.rdlen = r->rdlen;
	memcpy(zr.rdata, r->rdata, r->rdlen);
	assert_int_equal(tw_dnssec_anchor_add(ctx, &zr), 0);
	free(m);
}

void
ts_zone_delegate(struct ts_zone *z, struct ts_zone *child, struct ts_world *w)
{
	struct ts_msg *m = ts_msg_new(child->name, TW_DNS_T_DS, 0);

	ts_add_ds(m, 0, child->name, &child->ksk, 2);
	ts_sign(m, 0, child->name, TW_DNS_T_DS, &z->zsk, z->name, TS_INC,
		TS_EXP, NULL);
	ts_world_add(w, m);
	free(m);
}

struct tw_dnssec_ctx *
ts_ctx(const struct tw_dnssec_config *cfg)
{
	struct tw_dnssec_ctx *ctx = NULL;

	assert_int_equal(tw_dnssec_ctx_create(cfg, &ctx), 0);
	return ctx;
}

int
ts_validate(struct tw_dnssec_ctx *ctx, struct ts_msg *m, struct ts_world *w,
	    uint32_t now, struct tw_dnssec_result *res, unsigned int *jobs)
{
	ts_msg_wire(m);
	return hx_validate(ctx, m->wire, m->len, m->qname, m->qtype, now,
			   ts_world_resolve, w, res, NULL, jobs);
}
