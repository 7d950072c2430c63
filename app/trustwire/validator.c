/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Validator role: resolves what the workers' caches could not answer.
 *
 *  client question (worker miss ring, or the TCP thread's ring)
 *    -> the validator's store of validated answers (any variant is built
 *       from it) -> answer, publish;
 *    -> else a job per question (identical questions coalesce on it);
 *       its fetch: an upstream query over the DPDK port (DO=1 CD=1 RD=1,
 *       random ID and source port, RFC 5452), retried at the next
 *       healthy upstream on timeout, over TCP (kernel socket through the
 *       exception path) when truncated;
 *    -> lib/dnssec validates the answer; it asks for DNSKEY/DS RRsets
 *       (TW_VAL_NEED), which are fetched the same way (and coalesce with
 *       any other fetch of the same question); never trusts the
 *       upstream's AD bit (the upstream is asked with CD=1);
 *    -> verdict: a bogus answer is asked once more at another upstream;
 *       then every waiting client is answered (per cache variant: AD,
 *       RRSIGs stripped for DO=0, SERVFAIL + EDE for bogus, RFC 8914)
 *       through this lcore's TX queue, the answer is kept in the store
 *       and published to every worker's cache.
 *
 * Everything here is this lcore's own state: no lock. Allocation
 * (tw_malloc) happens on the miss path only.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "trustwire.h"

#define V_HT_SIZE     4096 /* hash heads of jobs and fetches */
#define V_JOB_WAITERS 64   /* clients waiting on one question */
#define V_TRIES	      3	   /* UDP tries of one fetch */
#define V_DOWN_FAILS  3	   /* timeouts in a row: upstream down */
#define V_DOWN_S      5	   /* for this long */
#define V_STORE_MAX   16384
#define V_TCP_MAX     (2 + 65535)
#define V_ID_TRIES    8
#define V_POOL_MAX    256 /* freed jobs and fetches kept for reuse */
#define V_RESP_SMALL  512 /* upstream answers up to this: pooled buffers */

/* A question: lowercased QNAME | QTYPE | QCLASS and its seeded hash. */
struct qk {
	uint32_t hash;
	uint16_t len;
	uint16_t qtype;
	uint8_t key[TW_CACHE_KEY_MAX];
};

/* A client waiting for an answer. */
struct waiter {
	struct waiter *next;
	struct rte_mbuf *m;	/* UDP: the query frame, answered in place */
	struct tw_tcp_req *req; /* TCP: the TCP thread's request */
	uint16_t port_idx;
	uint16_t id;
	uint16_t limit; /* UDP answer limit */
	uint8_t kflags;
};

enum job_state { JOB_PRIMARY, JOB_NEED };

/* The resolution of one question for its clients. */
struct job {
	struct job *hnext; /* job table chain */
	struct job *fnext; /* next job waiting on the same fetch */
	struct fetch *fetch;
	struct qk q;
	uint8_t state;
	uint8_t bogus_retried;
	uint8_t resp_up; /* upstream that gave the primary answer */
	uint32_t excl;	 /* upstreams not to ask */
	struct tw_val *val;
	uint8_t *resp;
	uint16_t resp_len;
	uint32_t resp_time; /* seconds (cache clock) */
	struct waiter *waiters;
	unsigned n_waiters;
};

/* One outstanding upstream question (UDP tries, then maybe TCP). */
struct fetch {
	struct fetch *knext;	     /* by question (coalescing) */
	struct fetch *inext;	     /* by (source port, ID) */
	struct fetch *tprev, *tnext; /* deadline order */
	struct fetch *anext;	     /* waiting for a next-hop MAC */
	struct job *jobs;
	struct qk q;
	uint16_t id, sport;
	uint8_t up;
	uint8_t tries;
	bool shared, in_id, in_time, arp_wait;
	uint32_t tried, excl;
	uint64_t deadline;
	/* TCP */
	int fd;
	bool tcp_sent;
	uint8_t *tbuf;
	uint32_t tlen, toff; /* to write / read so far */
};

struct store_ent {
	uint8_t *resp; /* NULL: empty slot */
	uint32_t hash;
	uint32_t created, expire;
	uint16_t key_len, resp_len;
	int16_t ede;
	uint8_t status, kind;
	uint8_t n_auth_rr;
	uint32_t cap_at;
	uint16_t auth_rr[TW_DNSSEC_AUTH_MAX];
	uint8_t key[TW_CACHE_KEY_MAX];
	char reason[TW_DNSSEC_REASON_MAX];
};

struct up_health {
	uint32_t fails;
	uint64_t down_until;
};

struct tw_vstate {
	struct tw_lcore *lc;
	struct tw_app *app;
	const struct tw_config *cfg;
	struct tw_dnssec_ctx *dv;
	uint64_t now_tsc;
	uint32_t now_s;
	uint64_t hz;
	uint64_t timeout_tsc;
	uint64_t last_tick;
	uint64_t tick_tsc; /* validator_timers() period: 1 ms */

	uint8_t rnd[4096];
	unsigned rnd_pos;

	struct job *jobs[V_HT_SIZE];
	unsigned n_jobs;
	struct fetch *fkey[V_HT_SIZE];
	struct fetch *fid[V_HT_SIZE];
	unsigned n_fetches;
	struct fetch *t_head, *t_tail;
	struct fetch *a_head;

	struct waiter *w_pool;
	struct waiter *w_free;
	unsigned w_max;

	/* Freed jobs and fetches, reused (warm in the cache, no malloc):
	 * chained through hnext / knext. */
	struct job *j_free;
	struct fetch *f_free;
	unsigned n_j_free, n_f_free;
	/* Freed V_RESP_SMALL-octet answer buffers (the first pointer-sized
	 * octets chain them). */
	void *r_free;
	unsigned n_r_free;

	struct store_ent *store;
	unsigned store_sets;

	struct up_health up[TW_CFG_MAX_UPSTREAMS];
	unsigned rr;
	uint64_t neigh_req[TW_NEIGH_MAX];

	int epfd;
	unsigned n_tcp;

	/* Jobs whose upstream answer came in this poll: validations are
	 * started together (tw_val_start_burst(): shared crypto bursts). */
	unsigned n_start;
	struct job *start[TW_MAX_BURST];

	uint16_t ttl_off[TW_ANS_MAX_TTL];
	uint8_t msg[TW_DNS_MSG_MAX];
};

/* What to answer from: a verdict on an upstream answer (or none). */
struct verdict {
	int status;
	int ede;
	const char *reason;
	uint16_t rcode; /* without upstream data */
	uint8_t opcode; /* echoed */
	uint8_t kind;
	uint32_t created;
	uint32_t expire; /* 0: not cacheable */
	/* SECURE: the validated authority RRs (tw_answer_req.auth_rr) and
	 * when the signatures' TTL cap ends (RFC 4035 5.3.3; 0: none) */
	const uint16_t *auth_rr;
	uint8_t n_auth_rr;
	uint32_t cap_at;
};

static void fetch_complete(struct tw_vstate *vs, struct fetch *f,
			   const uint8_t *resp, size_t len);
static void job_step(struct tw_vstate *vs, struct job *j, const uint8_t *resp,
		     size_t len, uint8_t up);
static void start_flush(struct tw_vstate *vs);

/* ---- Helpers ------------------------------------------------------------ */

/* CSPRNG (getrandom), refilled in bulk: IDs and ports (RFC 5452 9.2). */
static uint32_t
rnd32(struct tw_vstate *vs)
{
	uint32_t v;

	if (vs->rnd_pos + sizeof(v) > sizeof(vs->rnd)) {
		size_t got = 0;

		while (got < sizeof(vs->rnd)) {
			ssize_t n = getrandom(vs->rnd + got,
					      sizeof(vs->rnd) - got, 0);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			got += (size_t)n;
		}
		/* No getrandom(): never here on Linux >= 3.17. */
		for (; got + 8 <= sizeof(vs->rnd); got += 8) {
			uint64_t r = rte_rand();

			memcpy(vs->rnd + got, &r, 8);
		}
		vs->rnd_pos = 0;
	}
	memcpy(&v, vs->rnd + vs->rnd_pos, sizeof(v));
	vs->rnd_pos += sizeof(v);
	return v;
}

static bool
qk_eq(const struct qk *a, const struct qk *b)
{
	return a->hash == b->hash && a->len == b->len &&
	       memcmp(a->key, b->key, a->len) == 0;
}

static void
qk_from_key(struct qk *q, const uint8_t *key, size_t len, uint32_t hash)
{
	q->hash = hash;
	q->len = (uint16_t)len;
	memcpy(q->key, key, len);
	q->qtype = tw_get16(key + len - 4);
}

/* Only the key's own octets: the array is sized for the longest. */
static void
qk_copy(struct qk *dst, const struct qk *src)
{
	dst->hash = src->hash;
	dst->len = src->len;
	dst->qtype = src->qtype;
	memcpy(dst->key, src->key, src->len);
}

static const char *
qk_name(const struct qk *q, char *buf, size_t size)
{
	if (tw_dns_name_to_str(q->key, buf, size) < 0)
		snprintf(buf, size, "?");
	return buf;
}

static uint32_t
now_wall(void)
{
	return (uint32_t)time(NULL);
}

/* ---- Waiters ------------------------------------------------------------ */

static struct waiter *
waiter_new(struct tw_vstate *vs)
{
	struct waiter *w = vs->w_free;

	if (w != NULL) {
		vs->w_free = w->next;
		memset(w, 0, sizeof(*w));
	}
	return w;
}

static void
waiter_free(struct tw_vstate *vs, struct waiter *w)
{
	w->next = vs->w_free;
	vs->w_free = w;
}

/* A client we will not answer: free what it holds. */
static void
waiter_drop(struct tw_vstate *vs, struct waiter *w)
{
	if (w->m != NULL)
		rte_pktmbuf_free(w->m);
	if (w->req != NULL) {
		w->req->ans_len = 0;
		tw_tcp_answer(vs->app, w->req);
	}
	waiter_free(vs, w);
}

/* ---- Answers ------------------------------------------------------------ */

int
tw_reply_udp(struct tw_lcore *lc, uint16_t port_idx, struct rte_mbuf *m,
	     struct tw_pkt *pkt, size_t dns_len)
{
	const struct tw_port *port = &lc->app->ports[port_idx];
	unsigned fl = (port->tx_ip4_cksum ? TW_NET_F_TX_IP_OFFLOAD : 0) |
		      (port->tx_udp_cksum ? TW_NET_F_TX_L4_OFFLOAD : 0);
	int n;

	n = tw_pkt_udp_reply(rte_pktmbuf_mtod(m, uint8_t *),
			     (size_t)m->buf_len - m->data_off, pkt, dns_len, 0,
			     fl);
	if (unlikely(n < 0)) {
		rte_pktmbuf_free(m);
		return n;
	}
	m->data_len = (uint16_t)n;
	m->pkt_len = (uint32_t)n;
	m->ol_flags = 0;
	if (fl != 0)
		tw_port_tx_offload(port, m, (uint16_t)pkt->l3_off,
				   (uint16_t)(pkt->l4_off - pkt->l3_off),
				   pkt->ip_ver == 6);
	tw_txq_send(&lc->txq[port_idx], m);
	return 0;
}

/* Send @p msg (built for this waiter's variant) to one client, with its
 * RD and AD bits (tw_answer_client_bits()). */
static void
deliver(struct tw_vstate *vs, const struct qk *q, struct waiter *w,
	const uint8_t *msg, size_t len)
{
	struct tw_lcore *lc = vs->lc;
	size_t name_len = q->len - 4u;
	int n;

	if (len >= 4 && (msg[3] & TW_DNS_F_RCODE_MASK) == TW_DNS_RCODE_SERVFAIL)
		tw_stat_inc(&lc->stats, TW_CTR_SERVFAIL);
	if (w->req != NULL) {
		struct tw_tcp_req *r = w->req;

		/* TCP: no size limit below 65535 (RFC 7766 8). */
		r->ans = tw_malloc(len);
		r->ans_len = 0;
		if (r->ans != NULL &&
		    tw_answer_render(msg, len, r->ans, len, w->id,
				     r->q + TW_DNS_HDR_LEN, name_len) > 0) {
			tw_answer_client_bits(r->ans, w->kflags);
			r->ans_len = (uint16_t)len;
		}
		tw_tcp_answer(vs->app, r);
		w->req = NULL;
		return;
	}
	{
		struct rte_mbuf *m = w->m;
		uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
		uint8_t qn[TW_DNS_NAME_MAX];
		struct tw_pkt pkt;
		uint8_t *dns;
		size_t room, cap;

		w->m = NULL;
		if (tw_pkt_parse(frame, rte_pktmbuf_data_len(m), &pkt,
				 TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM) !=
		    0) {
			rte_pktmbuf_free(m);
			return;
		}
		dns = frame + pkt.payload_off;
		room = (size_t)m->buf_len - m->data_off - pkt.payload_off;
		cap = TW_MIN(room, (size_t)w->limit);
		/* No IP fragments (RFC 9715 3.1): at most the port's MTU. */
		cap = TW_MIN(cap, (size_t)tw_port_udp_max(
					  &vs->app->ports[w->port_idx],
					  pkt.ip_ver == 6));
		/* The client's QNAME octets, before the answer covers them. */
		memcpy(qn, dns + TW_DNS_HDR_LEN, name_len);
		n = tw_answer_render(msg, len, dns, cap, w->id, qn, name_len);
		if (n == -ENOSPC) {
			/* RFC 6891 7 / RFC 1035 4.2.1: TC=1, retry over TCP. */
			n = tw_answer_tc(
				dns, cap, msg, len, TW_DNS_HDR_LEN + q->len,
				w->id, qn, name_len, w->kflags,
				(uint16_t)vs->cfg->limits.edns_udp_size);
			tw_stat_inc(&lc->stats, TW_CTR_TRUNCATED);
		}
		if (n < 0) {
			rte_pktmbuf_free(m);
			return;
		}
		tw_answer_client_bits(dns, w->kflags);
		tw_reply_udp(lc, w->port_idx, m, &pkt, (size_t)n);
	}
}

/*
 * Build the answer of variant @p kflags (tw_answer_variant_flags()) into
 * vs->msg and, when the verdict may be cached, publish it to every
 * worker under the variant's key flags.
 */
static int
build_variant(struct tw_vstate *vs, const struct qk *q,
	      const struct tw_dns_msg *up, const struct verdict *vd,
	      uint8_t kflags)
{
	struct tw_answer_req rq = {
		.key = q->key,
		.key_len = q->len,
		.kflags = kflags,
		.status = vd->status,
		.ede = vd->ede,
		.ede_text = vd->reason,
		.udp_size = (uint16_t)vs->cfg->limits.edns_udp_size,
		.age = vs->now_s > vd->created ? vs->now_s - vd->created : 0,
		.rcode = vd->rcode,
		.opcode = vd->opcode,
		.auth_rr = vd->auth_rr,
		.n_auth_rr = vd->n_auth_rr,
		.cap_ttl = vd->cap_at != 0,
		.ttl_cap = vd->cap_at > vs->now_s ? vd->cap_at - vs->now_s : 0,
	};
	struct tw_answer_out o;
	int n;

	n = tw_answer_build(up, &rq, vs->msg, sizeof(vs->msg), vs->ttl_off, &o);
	if (n < 0)
		return n;
	if (vd->expire > vs->now_s && o.n_ttl <= TW_ANS_MAX_TTL) {
		struct tw_cache_answer a = {
			.key = { .data = q->key,
				 .len = q->len,
				 .flags = tw_answer_variant(kflags),
				 .hash = q->hash },
			.msg = vs->msg,
			.msg_len = (uint16_t)n,
			.ttl_off = vs->ttl_off,
			.n_ttl = o.n_ttl,
			.opt_off = o.opt_off,
			.ttl = vd->expire - vs->now_s,
			/* cache.min_ttl does not outlive the signatures */
			.ttl_limit = vd->cap_at == 0 ? 0
				     : vd->cap_at > vs->now_s
					     ? vd->cap_at - vs->now_s
					     : 1,
			.kind = vd->kind,
			.status = (uint8_t)vd->status,
			.ede = vd->ede >= 0 ? (uint16_t)vd->ede
					    : TW_CACHE_NO_EDE,
		};
		struct tw_cache_blob *b;

		if (tw_cache_blob_create(vs->app->cache, &a, vs->now_s, &b) ==
		    0) {
			if (tw_cache_publish(vs->app->cache,
					     vs->lc->validator_idx, b) > 0)
				tw_stat_inc(&vs->lc->stats, TW_CTR_PUBLISHED);
			tw_cache_blob_put(b);
		}
	}
	return n;
}

/* Answer every client of @p list, one build per variant. */
static void
answer_all(struct tw_vstate *vs, const struct qk *q,
	   const struct tw_dns_msg *up, const struct verdict *vd,
	   struct waiter *list)
{
	while (list != NULL) {
		/* One build per variant: its clients differ at most in RD
		 * and AD, set for each by deliver() (answer.h). */
		uint8_t kf = tw_answer_variant_flags(list->kflags);
		struct waiter **pp = &list;
		int n;

		n = build_variant(vs, q, up, vd, kf);
		if (n < 0) {
			/* Could not build from the data: SERVFAIL. */
			struct verdict f = {
				.status = 0,
				.ede = TW_EDE_OTHER,
				.reason = "answer could not be built",
				.rcode = TW_DNS_RCODE_SERVFAIL
			};

			n = build_variant(vs, q, NULL, &f, kf);
		}
		while (*pp != NULL) {
			struct waiter *w = *pp;

			if (tw_answer_variant_flags(w->kflags) != kf) {
				pp = &w->next;
				continue;
			}
			*pp = w->next;
			if (n > 0)
				deliver(vs, q, w, vs->msg, (size_t)n);
			waiter_drop(vs, w);
		}
	}
}

/* An answer without upstream data (NOTIMP, BADVERS, SERVFAIL...). */
static void
answer_made(struct tw_vstate *vs, const struct qk *q, struct waiter *w,
	    uint16_t rcode, int ede, const char *reason)
{
	struct verdict vd = {
		.status = 0, .ede = ede, .reason = reason, .rcode = rcode
	};

	w->next = NULL;
	answer_all(vs, q, NULL, &vd, w);
}

/* ---- Upstream answer buffers -------------------------------------------- */

/*
 * A copy of an upstream answer of @p len octets lives in a buffer of
 * max(len, V_RESP_SMALL) octets: the small ones (most answers) are
 * recycled. resp_free() needs the same @p len.
 */
static uint8_t *
resp_alloc(struct tw_vstate *vs, size_t len)
{
	void *p = vs->r_free;

	if (len > V_RESP_SMALL)
		return tw_malloc(len);
	if (p == NULL)
		return tw_malloc(V_RESP_SMALL);
	memcpy(&vs->r_free, p, sizeof(void *));
	vs->n_r_free--;
	return p;
}

static void
resp_free(struct tw_vstate *vs, uint8_t *p, size_t len)
{
	if (p == NULL)
		return;
	if (len > V_RESP_SMALL || vs->n_r_free >= V_POOL_MAX) {
		tw_free(p);
		return;
	}
	memcpy(p, &vs->r_free, sizeof(void *));
	vs->r_free = p;
	vs->n_r_free++;
}

/* ---- Store of validated answers ---------------------------------------- */

static struct store_ent *
store_find(struct tw_vstate *vs, const struct qk *q)
{
	struct store_ent *s;
	unsigned i;

	if (vs->store == NULL)
		return NULL;
	s = &vs->store[(q->hash & (vs->store_sets - 1)) * 4];
	for (i = 0; i < 4; i++)
		if (s[i].resp != NULL && s[i].hash == q->hash &&
		    s[i].key_len == q->len &&
		    memcmp(s[i].key, q->key, q->len) == 0) {
			if (s[i].expire > vs->now_s)
				return &s[i];
			resp_free(vs, s[i].resp, s[i].resp_len);
			s[i].resp = NULL;
			return NULL;
		}
	return NULL;
}

/*
 * Keep the upstream answer *@p respp (resp_alloc(), @p len octets) for
 * @p q: the store takes the buffer over (*@p respp becomes NULL) when it
 * keeps it, so the answer is not copied again.
 */
static void
store_put(struct tw_vstate *vs, const struct qk *q, uint8_t **respp, size_t len,
	  const struct verdict *vd)
{
	struct store_ent *s, *e = NULL;
	unsigned i;
	size_t rl;

	if (vs->store == NULL || vd->expire <= vs->now_s)
		return;
	s = &vs->store[(q->hash & (vs->store_sets - 1)) * 4];
	for (i = 0; i < 4 && e == NULL; i++)
		if (s[i].resp != NULL && s[i].hash == q->hash &&
		    s[i].key_len == q->len &&
		    memcmp(s[i].key, q->key, q->len) == 0)
			e = &s[i];
	/* Else an empty or expired slot, else the one expiring first. */
	for (i = 0; i < 4 && e == NULL; i++)
		if (s[i].resp == NULL || s[i].expire <= vs->now_s)
			e = &s[i];
	if (e == NULL) {
		e = &s[0];
		for (i = 1; i < 4; i++)
			if (s[i].expire < e->expire)
				e = &s[i];
	}
	resp_free(vs, e->resp, e->resp_len);
	e->resp = *respp;
	*respp = NULL;
	e->resp_len = (uint16_t)len;
	e->hash = q->hash;
	e->key_len = q->len;
	memcpy(e->key, q->key, q->len);
	e->created = vd->created;
	e->expire = vd->expire;
	e->status = (uint8_t)vd->status;
	e->kind = vd->kind;
	e->ede = (int16_t)vd->ede;
	e->cap_at = vd->cap_at;
	e->n_auth_rr = (uint8_t)TW_MIN(vd->n_auth_rr, TW_DNSSEC_AUTH_MAX);
	if (e->n_auth_rr > 0)
		memcpy(e->auth_rr, vd->auth_rr,
		       e->n_auth_rr * sizeof(e->auth_rr[0]));
	rl = vd->reason != NULL ? strnlen(vd->reason, sizeof(e->reason) - 1)
				: 0;
	if (rl > 0)
		memcpy(e->reason, vd->reason, rl);
	e->reason[rl] = '\0';
}

int
tw_validator_flush(struct tw_lcore *lc)
{
	struct tw_vstate *vs = lc->vs;
	unsigned i;

	if (vs == NULL)
		return -EINVAL;
	if (vs->n_jobs != 0 || vs->n_fetches != 0)
		return -EBUSY;
	if (vs->store != NULL)
		for (i = 0; i < vs->store_sets * 4; i++) {
			resp_free(vs, vs->store[i].resp, vs->store[i].resp_len);
			vs->store[i].resp = NULL;
		}
	tw_dnssec_cache_flush(vs->dv);
	tw_crypto_verdict_cache_flush(tw_dnssec_crypto(vs->dv));
	return 0;
}

static void
answer_from_store(struct tw_vstate *vs, const struct qk *q,
		  const struct store_ent *e, struct waiter *w)
{
	struct verdict vd = {
		.status = e->status,
		.ede = e->ede,
		.reason = e->reason,
		.kind = e->kind,
		.created = e->created,
		.expire = e->expire,
		.auth_rr = e->auth_rr,
		.n_auth_rr = e->n_auth_rr,
		.cap_at = e->cap_at,
	};
	struct tw_dns_msg m;

	tw_stat_inc(&vs->lc->stats, TW_CTR_STORE_ANSWERS);
	w->next = NULL;
	if (tw_dns_parse(&m, e->resp, e->resp_len) != 0) {
		answer_made(vs, q, w, TW_DNS_RCODE_SERVFAIL, TW_EDE_OTHER,
			    "stored answer unreadable");
		return;
	}
	answer_all(vs, q, &m, &vd, w);
}

/* ---- Tables ------------------------------------------------------------- */

/* A zeroed job: a recycled one, else from the heap. */
static struct job *
job_alloc(struct tw_vstate *vs)
{
	struct job *j = vs->j_free;

	if (j == NULL)
		return tw_calloc(1, sizeof(*j));
	vs->j_free = j->hnext;
	vs->n_j_free--;
	memset(j, 0, offsetof(struct job, q) + offsetof(struct qk, key));
	memset(&j->state, 0, sizeof(*j) - offsetof(struct job, state));
	return j;
}

static void
job_release(struct tw_vstate *vs, struct job *j)
{
	if (vs->n_j_free >= V_POOL_MAX) {
		tw_free(j);
		return;
	}
	j->hnext = vs->j_free;
	vs->j_free = j;
	vs->n_j_free++;
}

/* A zeroed fetch: a recycled one, else from the heap. */
static struct fetch *
fetch_alloc(struct tw_vstate *vs)
{
	struct fetch *f = vs->f_free;

	if (f == NULL)
		return tw_calloc(1, sizeof(*f));
	vs->f_free = f->knext;
	vs->n_f_free--;
	memset(f, 0, offsetof(struct fetch, q) + offsetof(struct qk, key));
	memset(&f->id, 0, sizeof(*f) - offsetof(struct fetch, id));
	return f;
}

static void
fetch_release(struct tw_vstate *vs, struct fetch *f)
{
	if (vs->n_f_free >= V_POOL_MAX) {
		tw_free(f);
		return;
	}
	f->knext = vs->f_free;
	vs->f_free = f;
	vs->n_f_free++;
}

static struct job *
job_find(struct tw_vstate *vs, const struct qk *q)
{
	struct job *j;

	for (j = vs->jobs[q->hash & (V_HT_SIZE - 1)]; j != NULL; j = j->hnext)
		if (qk_eq(&j->q, q))
			return j;
	return NULL;
}

static void
job_unlink(struct tw_vstate *vs, struct job *j)
{
	struct job **pp = &vs->jobs[j->q.hash & (V_HT_SIZE - 1)];

	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == j) {
			*pp = j->hnext;
			vs->n_jobs--;
			return;
		}
}

static void
job_free(struct tw_vstate *vs, struct job *j)
{
	struct waiter *w, *next;

	job_unlink(vs, j);
	for (w = j->waiters; w != NULL; w = next) {
		next = w->next;
		waiter_drop(vs, w);
	}
	tw_val_free(j->val);
	resp_free(vs, j->resp, j->resp_len);
	job_release(vs, j);
}

static unsigned
id_slot(uint16_t sport, uint16_t id)
{
	return ((uint32_t)sport * 40503u ^ id) & (V_HT_SIZE - 1);
}

static struct fetch *
fetch_by_id(struct tw_vstate *vs, uint16_t sport, uint16_t id)
{
	struct fetch *f;

	for (f = vs->fid[id_slot(sport, id)]; f != NULL; f = f->inext)
		if (f->sport == sport && f->id == id)
			return f;
	return NULL;
}

static void
fetch_id_unlink(struct tw_vstate *vs, struct fetch *f)
{
	struct fetch **pp = &vs->fid[id_slot(f->sport, f->id)];

	if (!f->in_id)
		return;
	for (; *pp != NULL; pp = &(*pp)->inext)
		if (*pp == f) {
			*pp = f->inext;
			break;
		}
	f->in_id = false;
}

static void
fetch_key_unlink(struct tw_vstate *vs, struct fetch *f)
{
	struct fetch **pp = &vs->fkey[f->q.hash & (V_HT_SIZE - 1)];

	if (!f->shared)
		return;
	for (; *pp != NULL; pp = &(*pp)->knext)
		if (*pp == f) {
			*pp = f->knext;
			break;
		}
	f->shared = false;
}

static void
time_unlink(struct tw_vstate *vs, struct fetch *f)
{
	if (!f->in_time)
		return;
	if (f->tprev != NULL)
		f->tprev->tnext = f->tnext;
	else
		vs->t_head = f->tnext;
	if (f->tnext != NULL)
		f->tnext->tprev = f->tprev;
	else
		vs->t_tail = f->tprev;
	f->tprev = f->tnext = NULL;
	f->in_time = false;
}

/* Deadlines grow with time: the list stays sorted by appending. */
static void
time_append(struct tw_vstate *vs, struct fetch *f)
{
	time_unlink(vs, f);
	f->deadline = vs->now_tsc + vs->timeout_tsc;
	f->tprev = vs->t_tail;
	f->tnext = NULL;
	if (vs->t_tail != NULL)
		vs->t_tail->tnext = f;
	else
		vs->t_head = f;
	vs->t_tail = f;
	f->in_time = true;
}

static void
arp_unlink(struct tw_vstate *vs, struct fetch *f)
{
	struct fetch **pp = &vs->a_head;

	if (!f->arp_wait)
		return;
	for (; *pp != NULL; pp = &(*pp)->anext)
		if (*pp == f) {
			*pp = f->anext;
			break;
		}
	f->arp_wait = false;
}

static void
tcp_close(struct tw_vstate *vs, struct fetch *f)
{
	if (f->fd >= 0) {
		epoll_ctl(vs->epfd, EPOLL_CTL_DEL, f->fd, NULL);
		close(f->fd);
		f->fd = -1;
		vs->n_tcp--;
	}
	tw_free(f->tbuf);
	f->tbuf = NULL;
}

static void
fetch_free(struct tw_vstate *vs, struct fetch *f)
{
	fetch_id_unlink(vs, f);
	fetch_key_unlink(vs, f);
	time_unlink(vs, f);
	arp_unlink(vs, f);
	tcp_close(vs, f);
	vs->n_fetches--;
	fetch_release(vs, f);
}

/* ---- Upstream I/O ------------------------------------------------------- */

/* Ask for the MAC of next hop @p i (ARP / ND), at most once a second. */
static void
neigh_solicit(struct tw_vstate *vs, int i)
{
	struct tw_app *app = vs->app;
	const struct tw_neigh *e = &app->neigh.e[i];
	unsigned p;

	if (vs->neigh_req[i] != 0 && vs->now_tsc - vs->neigh_req[i] < vs->hz)
		return;
	vs->neigh_req[i] = vs->now_tsc;
	for (p = 0; p < app->n_ports; p++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(app->pool);
		const uint8_t *mac = app->ports[p].mac.addr_bytes;
		uint8_t *frame;
		size_t cap;
		int n;

		if (m == NULL)
			return;
		frame = rte_pktmbuf_mtod(m, uint8_t *);
		cap = rte_pktmbuf_tailroom(m);
		if (e->ip_ver == 4)
			n = tw_arp_build_request(frame, cap, NULL, mac, e->src,
						 e->addr);
		else
			n = tw_nd_build_ns(frame, cap, NULL, mac, e->src,
					   e->addr);
		if (n <= 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		m->data_len = (uint16_t)n;
		m->pkt_len = (uint32_t)n;
		tw_stat_inc(&vs->lc->stats, TW_CTR_NEIGH_REQUESTS);
		tw_txq_send(&vs->lc->txq[p], m);
	}
}

/* Transmit the current try of @p f (UDP, through the DPDK port). */
static void
send_query(struct tw_vstate *vs, struct fetch *f)
{
	struct tw_app *app = vs->app;
	const struct tw_upstream_route *r = &app->routes[f->up];
	struct tw_udp_flow fl;
	const struct tw_port *port;
	struct rte_mbuf *m;
	uint16_t pidx;
	uint8_t *frame;
	size_t hl, cap;
	unsigned ofl;
	int qn, n;

	memset(&fl, 0, sizeof(fl));
	if (!tw_neigh_get(&app->neigh, r->neigh, fl.dst_mac, &pidx)) {
		neigh_solicit(vs, r->neigh);
		if (!f->arp_wait) {
			f->arp_wait = true;
			f->anext = vs->a_head;
			vs->a_head = f;
		}
		return;
	}
	if (pidx >= app->n_ports)
		pidx = 0;
	port = &app->ports[pidx];
	m = rte_pktmbuf_alloc(app->pool);
	if (m == NULL)
		return; /* the timeout tries again */
	memcpy(fl.src_mac, port->mac.addr_bytes, 6);
	fl.ip_ver = r->ip_ver;
	memcpy(fl.src, r->src, 16);
	memcpy(fl.dst, r->addr, 16);
	fl.sport = f->sport;
	fl.dport = r->port;
	fl.ip_id = (uint16_t)rnd32(vs);
	hl = tw_pkt_udp_hdr_len(&fl);
	frame = rte_pktmbuf_mtod(m, uint8_t *);
	cap = rte_pktmbuf_tailroom(m);
	/* The size we offer: no larger than this port takes unfragmented
	 * (IP fragments are dropped on arrival, classify.c): a longer
	 * answer comes back TC=1 and is fetched over TCP (RFC 9715 3.1). */
	qn = tw_upstream_query(frame + hl, cap - hl, f->id, f->q.key, f->q.len,
			       (uint16_t)TW_MIN(vs->cfg->limits.edns_udp_size,
						(uint32_t)tw_port_udp_max(
							port, fl.ip_ver == 6)));
	ofl = (port->tx_ip4_cksum ? TW_NET_F_TX_IP_OFFLOAD : 0) |
	      (port->tx_udp_cksum ? TW_NET_F_TX_L4_OFFLOAD : 0);
	n = qn < 0 ? qn
		   : tw_pkt_udp_build(frame, cap, &fl, (size_t)qn, NULL, ofl);
	if (n < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = (uint16_t)n;
	m->pkt_len = (uint32_t)n;
	m->ol_flags = 0;
	if (ofl != 0)
		tw_port_tx_offload(
			port, m,
			(uint16_t)(hl - 8 - (r->ip_ver == 4 ? 20 : 40)),
			r->ip_ver == 4 ? 20 : 40, r->ip_ver == 6);
	tw_stat_inc(&vs->lc->stats, TW_CTR_UPSTREAM_QUERIES);
	tw_txq_send(&vs->lc->txq[pidx], m);
}

static bool
up_healthy(const struct tw_vstate *vs, unsigned u)
{
	return vs->up[u].down_until <= vs->now_tsc;
}

/* Next upstream for @p f: healthy and untried first, round robin. */
static int
pick_upstream(struct tw_vstate *vs, const struct fetch *f)
{
	unsigned n = vs->cfg->n_upstreams, pass, k;

	for (pass = 0; pass < 3; pass++)
		for (k = 0; k < n; k++) {
			unsigned u = (vs->rr + k) % n;

			if ((f->excl >> u) & 1 || vs->app->routes[u].neigh < 0)
				continue;
			if (pass == 0 &&
			    (((f->tried >> u) & 1) || !up_healthy(vs, u)))
				continue;
			if (pass == 1 && !up_healthy(vs, u))
				continue;
			vs->rr = (u + 1) % n;
			return (int)u;
		}
	return -1;
}

/* Start a (new) try of @p f: upstream, ID and port, deadline, send. */
static int
fetch_try(struct tw_vstate *vs, struct fetch *f)
{
	int u = pick_upstream(vs, f), i;

	if (u < 0)
		return -ENOENT;
	fetch_id_unlink(vs, f);
	/* A try that waited for a next hop's MAC is over: the new one is
	 * sent now (or waits afresh), not again by the ARP loop. */
	arp_unlink(vs, f);
	f->up = (uint8_t)u;
	f->tried |= 1u << u;
	f->tries++;
	for (i = 0; i < V_ID_TRIES; i++) {
		uint32_t r = rnd32(vs);

		f->id = (uint16_t)r;
		f->sport = tw_upstream_sport(rnd32(vs), vs->app->n_validators,
					     vs->lc->validator_idx);
		if (fetch_by_id(vs, f->sport, f->id) == NULL)
			break;
	}
	f->inext = vs->fid[id_slot(f->sport, f->id)];
	vs->fid[id_slot(f->sport, f->id)] = f;
	f->in_id = true;
	time_append(vs, f);
	send_query(vs, f);
	return 0;
}

/*
 * The fetch of question @p q: an outstanding one (coalescing), or a new
 * one. @p excl != 0: a fresh fetch avoiding those upstreams.
 */
static struct fetch *
fetch_get(struct tw_vstate *vs, const struct qk *q, uint32_t excl)
{
	struct fetch *f;

	if (excl == 0)
		for (f = vs->fkey[q->hash & (V_HT_SIZE - 1)]; f != NULL;
		     f = f->knext)
			if (qk_eq(&f->q, q)) {
				tw_stat_inc(&vs->lc->stats, TW_CTR_COALESCED);
				return f;
			}
	f = fetch_alloc(vs);
	if (f == NULL)
		return NULL;
	qk_copy(&f->q, q);
	f->fd = -1;
	f->excl = excl;
	vs->n_fetches++;
	if (fetch_try(vs, f) != 0) {
		fetch_free(vs, f);
		return NULL;
	}
	if (excl == 0) {
		f->knext = vs->fkey[q->hash & (V_HT_SIZE - 1)];
		vs->fkey[q->hash & (V_HT_SIZE - 1)] = f;
		f->shared = true;
	}
	return f;
}

static void
fetch_attach(struct fetch *f, struct job *j)
{
	j->fetch = f;
	j->fnext = f->jobs;
	f->jobs = j;
}

/* Truncated over UDP: ask the same upstream over TCP (RFC 7766 5). */
static int
tcp_start(struct tw_vstate *vs, struct fetch *f)
{
	const struct tw_upstream_route *r = &vs->app->routes[f->up];
	struct sockaddr_storage ss;
	socklen_t sl;
	struct epoll_event ev;
	int fd, n;

	fetch_id_unlink(vs, f);
	arp_unlink(vs, f);
	memset(&ss, 0, sizeof(ss));
	if (r->ip_ver == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(r->port);
		memcpy(&s4->sin_addr, r->addr, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(r->port);
		memcpy(&s6->sin6_addr, r->addr, 16);
		sl = sizeof(*s6);
	}
	/* One buffer per fetch: a retry that comes back truncated again
	 * reuses the one an earlier failed start left. */
	if (f->tbuf == NULL)
		f->tbuf = tw_malloc(V_TCP_MAX);
	if (f->tbuf == NULL)
		return -ENOMEM;
	f->id = (uint16_t)rnd32(vs);
	n = tw_upstream_query(f->tbuf + 2, V_TCP_MAX - 2, f->id, f->q.key,
			      f->q.len, UINT16_MAX);
	if (n < 0)
		return n;
	tw_put16(f->tbuf, (uint16_t)n);
	f->tlen = (uint32_t)n + 2;
	f->toff = 0;
	f->tcp_sent = false;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 &&
	    errno != EINPROGRESS) {
		n = -errno;
		close(fd);
		return n;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLOUT | EPOLLIN;
	ev.data.ptr = f;
	if (epoll_ctl(vs->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		n = -errno;
		close(fd);
		return n;
	}
	f->fd = fd;
	vs->n_tcp++;
	time_append(vs, f);
	tw_stat_inc(&vs->lc->stats, TW_CTR_TCP_FALLBACKS);
	return 0;
}

/* One readiness event of a TCP fetch. */
static void
tcp_event(struct tw_vstate *vs, struct fetch *f, uint32_t events)
{
	ssize_t n;

	if (!f->tcp_sent && (events & EPOLLOUT)) {
		n = send(f->fd, f->tbuf + f->toff, f->tlen - f->toff,
			 MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			goto fail;
		if (n > 0)
			f->toff += (uint32_t)n;
		if (f->toff == f->tlen) {
			struct epoll_event ev = { .events = EPOLLIN,
						  .data.ptr = f };

			f->tcp_sent = true;
			f->toff = 0;
			f->tlen = 0;
			epoll_ctl(vs->epfd, EPOLL_CTL_MOD, f->fd, &ev);
		}
		return;
	}
	if (f->tcp_sent && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		uint32_t want = f->toff < 2 ? 2 : 2u + tw_get16(f->tbuf);

		n = recv(f->fd, f->tbuf + f->toff, want - f->toff, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			goto fail;
		if (n > 0)
			f->toff += (uint32_t)n;
		if (f->toff >= 2 && f->toff == 2u + tw_get16(f->tbuf)) {
			uint16_t len = tw_get16(f->tbuf);
			const uint8_t *d = f->tbuf + 2;
			struct tw_pkt fake;
			struct tw_upstream_expect e;
			const struct tw_upstream_route *r =
				&vs->app->routes[f->up];

			/* The connection fixes address and ports: check
			 * ID and question (RFC 5452 9.1, RFC 7766 7). */
			memset(&fake, 0, sizeof(fake));
			memset(&e, 0, sizeof(e));
			fake.ip_ver = e.ip_ver = r->ip_ver;
			fake.src = r->addr;
			memcpy(e.addr, r->addr, 16);
			e.id = f->id;
			e.key = f->q.key;
			e.key_len = f->q.len;
			if (tw_upstream_match(&e, &fake, d, len) !=
			    TW_MATCH_OK) {
				tw_stat_inc(&vs->lc->stats, TW_CTR_SPOOFED);
				goto fail;
			}
			fetch_complete(vs, f, d, len);
		}
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP))
		goto fail;
	return;
fail:
	fetch_complete(vs, f, NULL, 0);
}

static unsigned
tcp_poll(struct tw_vstate *vs)
{
	struct epoll_event ev[16];
	int n, i;

	if (vs->n_tcp == 0)
		return 0;
	n = epoll_wait(vs->epfd, ev, 16, 0);
	for (i = 0; i < n; i++)
		tcp_event(vs, ev[i].data.ptr, ev[i].events);
	return n > 0 ? (unsigned)n : 0;
}

/* ---- Jobs --------------------------------------------------------------- */

static void
job_fail(struct tw_vstate *vs, struct job *j, int ede, const char *reason)
{
	struct verdict vd = {
		.status = 0,
		.ede = ede,
		.reason = reason,
		.rcode = TW_DNS_RCODE_SERVFAIL,
	};

	tw_stat_inc(&vs->lc->stats, TW_CTR_INDETERMINATE);
	answer_all(vs, &j->q, NULL, &vd, j->waiters);
	j->waiters = NULL;
	job_free(vs, j);
}

/* Fetch the job's own question (again). */
static void
job_fetch(struct tw_vstate *vs, struct job *j)
{
	struct fetch *f;

	j->state = JOB_PRIMARY;
	f = fetch_get(vs, &j->q, j->excl);
	if (f == NULL) {
		job_fail(vs, j, TW_EDE_NO_REACHABLE_AUTHORITY,
			 "no upstream resolver can be asked");
		return;
	}
	fetch_attach(f, j);
}

/* Whether an upstream outside @p excl has a route and is healthy: one a
 * bogus answer can be asked again at (job_done()). */
static bool
other_upstream(struct tw_vstate *vs, uint32_t excl)
{
	for (unsigned u = 0; u < vs->cfg->n_upstreams; u++)
		if (!((excl >> u) & 1) && vs->app->routes[u].neigh >= 0 &&
		    up_healthy(vs, u))
			return true;
	return false;
}

static void
job_done(struct tw_vstate *vs, struct job *j)
{
	const struct tw_dnssec_result *res = tw_val_result(j->val);
	struct tw_lcore *lc = vs->lc;
	const struct tw_config *cfg = vs->cfg;
	struct verdict vd;
	const struct tw_dns_msg *m;
	uint32_t life = 0;
	char name[TW_DNS_NAME_MAX * 4 + 2];

	if (res->status == TW_DNSSEC_BOGUS && !j->bogus_retried &&
	    cfg->n_upstreams > 1 &&
	    other_upstream(vs, j->excl | 1u << j->resp_up)) {
		/* A bogus answer may be one upstream's fault: ask another
		 * one once before SERVFAIL; only one that can be asked (a
		 * retry that cannot complete would turn the verdict into
		 * "no reachable authority", never held as bogus). */
		j->bogus_retried = 1;
		j->excl |= 1u << j->resp_up;
		tw_val_free(j->val);
		j->val = NULL;
		resp_free(vs, j->resp, j->resp_len);
		j->resp = NULL;
		tw_stat_inc(&lc->stats, TW_CTR_UPSTREAM_RETRIES);
		job_fetch(vs, j);
		return;
	}
	memset(&vd, 0, sizeof(vd));
	vd.status = res->status;
	vd.ede = res->ede;
	vd.reason = res->reason;
	vd.created = j->resp_time;
	switch (res->status) {
	case TW_DNSSEC_SECURE:
		tw_stat_inc(&lc->stats, TW_CTR_SECURE);
		vd.auth_rr = res->auth_rr;
		vd.n_auth_rr = res->n_auth_rr;
		/* RFC 4035 5.3.3: the TTLs end with the signatures. */
		vd.cap_at = res->ttl_cap >= UINT32_MAX - vd.created
				    ? 0
				    : TW_MAX(vd.created + res->ttl_cap, 1u);
		break;
	case TW_DNSSEC_INSECURE:
		tw_stat_inc(&lc->stats, TW_CTR_INSECURE);
		break;
	case TW_DNSSEC_BOGUS:
		tw_stat_bogus(&lc->stats, res->ede);
		tw_log_bogus(lc, qk_name(&j->q, name, sizeof(name)), j->q.qtype,
			     res->ede, res->reason);
		break;
	default:
		tw_stat_inc(&lc->stats, TW_CTR_INDETERMINATE);
		break;
	}
	/* The validation parsed the answer already (its own copy). */
	m = tw_val_msg(j->val);
	if (m == NULL) {
		job_fail(vs, j, TW_EDE_OTHER, "upstream answer unreadable");
		return;
	}
	if (res->status == TW_DNSSEC_BOGUS) {
		/* RFC 4035 4.7: hold bogus results briefly. */
		vd.kind = TW_CACHE_BOGUS;
		life = TW_MIN(cfg->cache.bogus_ttl, res->ttl_cap);
	} else if (res->status != TW_DNSSEC_INDETERMINATE) {
		life = tw_answer_lifetime(m, j->q.qtype, &vd.kind);
		life = TW_MIN(life, res->ttl_cap);
		life = TW_MIN(life, cfg->cache.max_ttl);
	}
	vd.expire = life > 0 ? vd.created + life : 0;
	if (vd.expire > vs->now_s)
		store_put(vs, &j->q, &j->resp, j->resp_len, &vd);
	answer_all(vs, &j->q, m, &vd, j->waiters);
	j->waiters = NULL;
	job_free(vs, j);
}

/* A NEED request: fetch it (or fail it at once), or the verdict. */
static void
job_continue(struct tw_vstate *vs, struct job *j, int rc)
{
	while (rc == TW_VAL_NEED) {
		const struct tw_val_request *rq = tw_val_need(j->val);
		uint8_t key[TW_CACHE_KEY_MAX];
		struct fetch *f;
		struct qk q;

		if (rq == NULL || rq->name_len + 4u > sizeof(key))
			break;
		memcpy(key, rq->name, rq->name_len);
		tw_put16(key + rq->name_len, rq->qtype);
		tw_put16(key + rq->name_len + 2, TW_DNS_C_IN);
		qk_from_key(&q, key, rq->name_len + 4u,
			    tw_dns_qkey_hash(key, rq->name_len + 4u,
					     vs->app->hash_seed));
		j->state = JOB_NEED;
		f = fetch_get(vs, &q, 0);
		if (f != NULL) {
			fetch_attach(f, j);
			return;
		}
		rc = tw_val_provide(j->val, NULL, 0);
	}
	if (rc == TW_VAL_DONE && tw_val_result(j->val) != NULL) {
		job_done(vs, j);
		return;
	}
	job_fail(vs, j, TW_EDE_DNSSEC_INDETERMINATE,
		 "validation could not complete");
}

/*
 * Start the validations of the upstream answers that came in during
 * this poll in one call: the signature checks of those whose zone keys
 * are cached share lib/crypto bursts (multi-buffer hashing lanes fill
 * across responses); the others continue with their fetches.
 */
static void
start_flush(struct tw_vstate *vs)
{
	struct tw_val_in in[TW_MAX_BURST];
	struct tw_val *vals[TW_MAX_BURST];
	struct job *jobs[TW_MAX_BURST];
	int rcs[TW_MAX_BURST];
	unsigned i, n = vs->n_start;

	if (n == 0)
		return;
	/* A copy: what follows may queue new starts. */
	memcpy(jobs, vs->start, n * sizeof(jobs[0]));
	vs->n_start = 0;
	for (i = 0; i < n; i++) {
		struct job *j = jobs[i];

		in[i].resp = j->resp;
		in[i].len = j->resp_len;
		in[i].qname = j->q.key;
		in[i].qtype = j->q.qtype;
	}
	tw_val_start_burst(vs->dv, in, n, now_wall(), vals, rcs);
	for (i = 0; i < n; i++) {
		struct job *j = jobs[i];

		j->val = vals[i];
		if (rcs[i] < 0 || j->val == NULL)
			job_fail(vs, j, TW_EDE_DNSSEC_INDETERMINATE,
				 "upstream answer not validatable");
		else
			job_continue(vs, j, rcs[i]);
	}
}

/* The fetch @p j waited for is over: @p resp (NULL: it failed). */
static void
job_step(struct tw_vstate *vs, struct job *j, const uint8_t *resp, size_t len,
	 uint8_t up)
{
	int rc;

	j->fetch = NULL;
	if (j->state == JOB_NEED) {
		rc = tw_val_provide(j->val, resp, len);
		job_continue(vs, j, rc);
		return;
	}
	if (resp == NULL) {
		job_fail(vs, j, TW_EDE_NO_REACHABLE_AUTHORITY,
			 "no upstream resolver answered");
		return;
	}
	{
		uint16_t rcode = len >= 4 ? resp[3] & TW_DNS_F_RCODE_MASK : 0;

		if (rcode != TW_DNS_RCODE_NOERROR &&
		    rcode != TW_DNS_RCODE_NXDOMAIN) {
			char why[64];

			snprintf(why, sizeof(why),
				 "upstream resolver answered %s",
				 tw_dns_rcode_str(rcode));
			job_fail(vs, j, TW_EDE_NO_REACHABLE_AUTHORITY, why);
			return;
		}
	}
	j->resp = resp_alloc(vs, len);
	if (j->resp == NULL) {
		job_fail(vs, j, TW_EDE_OTHER, "out of memory");
		return;
	}
	memcpy(j->resp, resp, len);
	j->resp_len = (uint16_t)len;
	j->resp_time = vs->now_s;
	j->resp_up = up;
	/* Validated with the others of this poll (start_flush()). */
	if (vs->n_start == TW_MAX_BURST)
		start_flush(vs);
	vs->start[vs->n_start++] = j;
}

static void
fetch_complete(struct tw_vstate *vs, struct fetch *f, const uint8_t *resp,
	       size_t len)
{
	struct job *j = f->jobs, *next;
	uint8_t up = f->up;
	uint8_t *tbuf = f->tbuf; /* @p resp may point into it (TCP) */

	f->jobs = NULL;
	f->tbuf = NULL;
	fetch_free(vs, f);
	for (; j != NULL; j = next) {
		next = j->fnext;
		j->fnext = NULL;
		job_step(vs, j, resp, len, up);
	}
	tw_free(tbuf);
}

/* A failed try: the next upstream, or give up. */
static void
fetch_retry(struct tw_vstate *vs, struct fetch *f)
{
	if (f->tries < V_TRIES && fetch_try(vs, f) == 0) {
		tw_stat_inc(&vs->lc->stats, TW_CTR_UPSTREAM_RETRIES);
		return;
	}
	fetch_complete(vs, f, NULL, 0);
}

/* ---- Clients ------------------------------------------------------------ */

static void
resolve(struct tw_vstate *vs, const struct qk *q, struct waiter *w)
{
	const struct store_ent *e;
	struct job *j;

	e = store_find(vs, q);
	if (e != NULL) {
		answer_from_store(vs, q, e, w);
		return;
	}
	j = job_find(vs, q);
	if (j != NULL) {
		if (j->n_waiters >= V_JOB_WAITERS) {
			tw_stat_inc(&vs->lc->stats, TW_CTR_OVERLOAD);
			waiter_drop(vs, w);
			return;
		}
		w->next = j->waiters;
		j->waiters = w;
		j->n_waiters++;
		tw_stat_inc(&vs->lc->stats, TW_CTR_COALESCED);
		return;
	}
	if (vs->n_jobs >= vs->cfg->limits.max_inflight ||
	    (j = job_alloc(vs)) == NULL) {
		tw_stat_inc(&vs->lc->stats, TW_CTR_OVERLOAD);
		waiter_drop(vs, w);
		return;
	}
	qk_copy(&j->q, q);
	w->next = NULL;
	j->waiters = w;
	j->n_waiters = 1;
	j->hnext = vs->jobs[q->hash & (V_HT_SIZE - 1)];
	vs->jobs[q->hash & (V_HT_SIZE - 1)] = j;
	vs->n_jobs++;
	job_fetch(vs, j);
}

/*
 * A client question (UDP: @p w->m holds the frame; TCP: @p w->req).
 * @p dns is the DNS message.
 */
static void
client_question(struct tw_vstate *vs, struct waiter *w, const uint8_t *dns,
		size_t len)
{
	struct tw_query_info qi;
	struct tw_dns_qkey k;
	struct qk q;
	int qend, rc;

	qend = tw_dns_qkey_parse(dns, len, vs->app->hash_seed, &k);
	if (qend < 0) {
		tw_stat_inc(&vs->lc->stats, TW_CTR_MALFORMED);
		waiter_drop(vs, w);
		return;
	}
	rc = tw_query_info(dns, len, (size_t)qend, &qi);
	if (rc == 0 && (qi.slow & TW_QS_EXTRA)) {
		struct tw_dns_msg m;

		rc = tw_dns_parse(&m, dns, len);
		if (rc == 0)
			tw_query_info_msg(&m, &qi);
	}
	if (rc != 0 && rc != -TW_EOPT) {
		tw_stat_inc(&vs->lc->stats, TW_CTR_MALFORMED);
		waiter_drop(vs, w);
		return;
	}
	qk_from_key(&q, k.key, k.len, k.hash);
	if (rc == -TW_EOPT) {
		/*
		 * The question is readable, its OPT RR is not: more than
		 * one (RFC 6891 6.1.1: FORMERR), not the root's (6.1.2),
		 * or options that overrun its rdata. (A COOKIE option of a
		 * length no cookie has is ignored where the query takes
		 * tw_query_info(), as any option we do not implement, RFC
		 * 6891 6.1.2; lib/dns's full parse, for queries with other
		 * RRs, refuses it: FORMERR then, as RFC 7873 5.2.2 asks of
		 * servers that implement cookies.) The answer has no OPT
		 * RR (we could not read the client's) and is never cached
		 * (answer_made()).
		 */
		tw_stat_inc(&vs->lc->stats, TW_CTR_FORMERR);
		w->id = tw_get16(dns);
		w->kflags = (uint8_t)(qi.kflags &
				      ~(TW_CACHE_KF_EDNS | TW_CACHE_KF_DO));
		w->limit = w->req == NULL ? TW_ANS_UDP_MIN : UINT16_MAX;
		answer_made(vs, &q, w, TW_DNS_RCODE_FORMERR, TW_EDE_NONE, NULL);
		return;
	}
	w->id = qi.id;
	w->kflags = qi.kflags;
	if (w->req == NULL)
		w->limit = qi.limit;
	else
		w->limit = UINT16_MAX;
	if (qi.slow & TW_QS_OPCODE) {
		/* RFC 1035 4.1.1: NOTIMP, the opcode echoed. */
		struct verdict vd = { .status = 0,
				      .ede = TW_EDE_NONE,
				      .rcode = TW_DNS_RCODE_NOTIMP,
				      .opcode = (uint8_t)((qi.flags >> 11) &
							  0xf) };

		w->next = NULL;
		answer_all(vs, &q, NULL, &vd, w);
		return;
	}
	if (qi.slow & TW_QS_BADVERS) {
		/* RFC 6891 6.1.3: we speak version 0. */
		answer_made(vs, &q, w, TW_DNS_RCODE_BADVERS, TW_EDE_NONE, NULL);
		return;
	}
	resolve(vs, &q, w);
}

void
validator_handle_miss(struct tw_lcore *lc, struct rte_mbuf *m)
{
	struct tw_vstate *vs = lc->vs;
	struct waiter *w;
	struct tw_pkt pkt;
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);

	tw_stat_inc(&lc->stats, TW_CTR_VAL_MISSES);
	w = waiter_new(vs);
	if (w == NULL) {
		tw_stat_inc(&lc->stats, TW_CTR_OVERLOAD);
		rte_pktmbuf_free(m);
		return;
	}
	w->m = m;
	w->port_idx = tw_port_idx(lc->app, m->port);
	/* The worker checked it; the summary is all we need again. */
	if (tw_pkt_parse(frame, rte_pktmbuf_data_len(m), &pkt,
			 TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM) != 0) {
		tw_stat_inc(&lc->stats, TW_CTR_MALFORMED);
		waiter_drop(vs, w);
		return;
	}
	client_question(vs, w, frame + pkt.payload_off, pkt.payload_len);
}

/* A TCP client's question from the TCP thread. */
static void
validator_handle_tcp(struct tw_lcore *lc, struct tw_tcp_req *req)
{
	struct tw_vstate *vs = lc->vs;
	struct waiter *w = waiter_new(vs);

	tw_stat_inc(&lc->stats, TW_CTR_TCP_QUERIES);
	if (w == NULL) {
		tw_stat_inc(&lc->stats, TW_CTR_OVERLOAD);
		req->ans_len = 0;
		tw_tcp_answer(lc->app, req);
		return;
	}
	w->req = req;
	client_question(vs, w, req->q, req->len);
}

void
validator_handle_upstream_response(struct tw_lcore *lc, struct rte_mbuf *m)
{
	struct tw_vstate *vs = lc->vs;
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *dns;
	struct tw_upstream_expect e;
	const struct tw_upstream_route *r;
	struct tw_pkt pkt;
	struct fetch *f;
	uint16_t rcode;

	tw_stat_inc(&lc->stats, TW_CTR_VAL_RESPONSES);
	if (tw_pkt_parse(frame, rte_pktmbuf_data_len(m), &pkt,
			 TW_NET_F_NO_IP_CSUM | TW_NET_F_NO_L4_CSUM) != 0 ||
	    pkt.payload_len < TW_DNS_HDR_LEN) {
		tw_stat_inc(&lc->stats, TW_CTR_MALFORMED);
		rte_pktmbuf_free(m);
		return;
	}
	dns = frame + pkt.payload_off;
	f = fetch_by_id(vs, pkt.dport, tw_get16(dns));
	if (f == NULL) {
		tw_stat_inc(&lc->stats, TW_CTR_SPOOFED);
		rte_pktmbuf_free(m);
		return;
	}
	r = &lc->app->routes[f->up];
	memset(&e, 0, sizeof(e));
	e.ip_ver = r->ip_ver;
	memcpy(e.addr, r->addr, 16);
	e.port = r->port;
	e.our_port = f->sport;
	e.id = f->id;
	e.key = f->q.key;
	e.key_len = f->q.len;
	/* RFC 5452 9.1: address, ports, ID and question, or it is not
	 * the answer (and the real one may still come). */
	if (tw_upstream_match(&e, &pkt, dns, pkt.payload_len) != TW_MATCH_OK) {
		tw_stat_inc(&lc->stats, TW_CTR_SPOOFED);
		rte_pktmbuf_free(m);
		return;
	}
	vs->up[f->up].fails = 0;
	vs->up[f->up].down_until = 0;
	if (dns[2] & (TW_DNS_F_TC >> 8)) {
		if (tcp_start(vs, f) != 0)
			fetch_retry(vs, f);
		rte_pktmbuf_free(m);
		return;
	}
	rcode = dns[3] & TW_DNS_F_RCODE_MASK;
	if (rcode != TW_DNS_RCODE_NOERROR && rcode != TW_DNS_RCODE_NXDOMAIN &&
	    f->tries < V_TRIES && pick_upstream(vs, f) >= 0 &&
	    (f->tried | f->excl) != (1u << vs->cfg->n_upstreams) - 1) {
		/* SERVFAIL, REFUSED...: another upstream may do better. */
		fetch_retry(vs, f);
		rte_pktmbuf_free(m);
		return;
	}
	fetch_complete(vs, f, dns, pkt.payload_len);
	rte_pktmbuf_free(m);
}

/* ---- Timers ------------------------------------------------------------- */

unsigned
validator_timers(struct tw_lcore *lc, uint64_t now_tsc)
{
	struct tw_vstate *vs = lc->vs;
	unsigned work = 0;

	work += tcp_poll(vs);
	if (now_tsc - vs->last_tick < vs->tick_tsc)
		return work;
	vs->last_tick = now_tsc;
	/* Next-hop MACs learned since: send what waited for them. */
	if (vs->a_head != NULL) {
		struct fetch *f = vs->a_head, *next;

		vs->a_head = NULL;
		for (; f != NULL; f = next) {
			next = f->anext;
			f->arp_wait = false;
			f->anext = NULL;
			send_query(vs, f);
			if (!f->arp_wait)
				work++;
		}
	}
	while (vs->t_head != NULL && vs->t_head->deadline <= now_tsc) {
		struct fetch *f = vs->t_head;
		struct up_health *h = &vs->up[f->up];

		time_unlink(vs, f);
		tw_stat_inc(&lc->stats, TW_CTR_UPSTREAM_TIMEOUTS);
		if (++h->fails >= V_DOWN_FAILS)
			h->down_until = now_tsc + V_DOWN_S * vs->hz;
		if (f->fd >= 0) /* TCP: no other try */
			fetch_complete(vs, f, NULL, 0);
		else
			fetch_retry(vs, f);
		work++;
	}
	return work;
}

unsigned
tw_validator_poll(struct tw_lcore *lc, uint64_t now_tsc)
{
	struct tw_vstate *vs = lc->vs;
	void *objs[TW_MAX_BURST];
	unsigned n, i, work;

	vs->now_tsc = now_tsc;
	vs->now_s = tw_lcore_seconds(lc, now_tsc);
	n = rte_ring_sc_dequeue_burst(lc->miss_ring, objs, lc->burst, NULL);
	for (i = 0; i < n; i++)
		validator_handle_miss(lc, objs[i]);
	work = n;
	n = rte_ring_sc_dequeue_burst(lc->resp_ring, objs, lc->burst, NULL);
	for (i = 0; i < n; i++)
		validator_handle_upstream_response(lc, objs[i]);
	work += n;
	start_flush(vs);
	if (lc->tcpq_ring != NULL) {
		n = rte_ring_sc_dequeue_burst(lc->tcpq_ring, objs, lc->burst,
					      NULL);
		for (i = 0; i < n; i++)
			validator_handle_tcp(lc, objs[i]);
		work += n;
	}
	work += validator_timers(lc, now_tsc);
	start_flush(vs); /* TCP answers */
	return work;
}

/* ---- Set-up ------------------------------------------------------------- */

static int
load_anchors(struct tw_vstate *vs)
{
	const struct tw_config *cfg = vs->cfg;
	unsigned line = 0, i;
	int rc;

	rc = tw_dnssec_anchor_add_file(vs->dv, cfg->trust_anchor, &line);
	if (rc <= 0) {
		fprintf(stderr,
			"trustwire: %s:%u: trust anchor: %s (fix: a file "
			"of DS or DNSKEY records, e.g. %s)\n",
			cfg->trust_anchor, line,
			rc == 0 ? "no DS or DNSKEY record" : tw_strerror(rc),
			TW_DNSSEC_ROOT_KEY_FILE);
		return rc == 0 ? -EINVAL : rc;
	}
	for (i = 0; i < cfg->n_nta; i++) {
		uint8_t name[TW_DNS_NAME_MAX];

		/* RFC 7646: the configuration's NTAs never expire here. */
		if (tw_dns_name_from_str(cfg->nta[i], name) < 0 ||
		    tw_dnssec_nta_add(vs->dv, name, 0) != 0) {
			fprintf(stderr,
				"trustwire: negative trust anchor '%s' "
				"rejected\n",
				cfg->nta[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int
tw_validator_init(struct tw_lcore *lc)
{
	const struct tw_config *cfg = lc->app->cfg;
	struct tw_dnssec_config dc;
	struct tw_vstate *vs;
	unsigned i, n;
	int rc;

	vs = tw_calloc(1, sizeof(*vs));
	if (vs == NULL)
		return -ENOMEM;
	vs->lc = lc;
	vs->app = lc->app;
	vs->cfg = cfg;
	vs->hz = lc->tsc_hz;
	vs->tick_tsc = vs->hz / 1000;
	vs->timeout_tsc = vs->hz * cfg->limits.upstream_timeout_ms / 1000;
	vs->rnd_pos = sizeof(vs->rnd);
	vs->epfd = -1;
	lc->vs = vs;

	tw_dnssec_config_init(&dc);
	if (!cfg->crypto.sha1_signatures)
		tw_dnssec_config_no_sha1(&dc); /* RFC 9905 */
	dc.bogus_ttl = cfg->cache.bogus_ttl ? cfg->cache.bogus_ttl : 1;
	dc.max_cache_ttl = cfg->cache.max_ttl;
	dc.nsec3_iter_insecure = cfg->limits.nsec3_max_iterations;
	if (dc.nsec3_iter_bogus < dc.nsec3_iter_insecure)
		dc.nsec3_iter_bogus = dc.nsec3_iter_insecure;
	dc.crypto.path = cfg->crypto.path == TW_CFG_CRYPTO_OPENSSL
				 ? TW_CRYPTO_PATH_SCALAR
			 : cfg->crypto.path == TW_CFG_CRYPTO_IPSEC_MB
				 ? TW_CRYPTO_PATH_MB
				 : TW_CRYPTO_PATH_AUTO;
	dc.limits.sigs_per_validation = (uint16_t)cfg->limits.max_validations;
	if (dc.limits.sigs_per_rrset > dc.limits.sigs_per_validation)
		dc.limits.sigs_per_rrset = dc.limits.sigs_per_validation;
	rc = tw_dnssec_ctx_create(&dc, &vs->dv);
	if (rc != 0) {
		fprintf(stderr, "trustwire: validator context: %s\n",
			tw_strerror(rc));
		return rc;
	}
	rc = load_anchors(vs);
	if (rc != 0)
		return rc;

	/*
	 * Clients waiting for an answer hold their query mbuf: a quarter of
	 * a ring's worth per validator (main.c sizes the pool for it);
	 * beyond, overload_dropped.
	 */
	vs->w_max = cfg->io.ring_size / 4;
	vs->w_pool = tw_calloc(vs->w_max, sizeof(*vs->w_pool));
	if (vs->w_pool == NULL)
		return -ENOMEM;
	for (i = 0; i < vs->w_max; i++)
		waiter_free(vs, &vs->w_pool[i]);

	n = TW_MIN(cfg->cache.entries, V_STORE_MAX);
	for (vs->store_sets = 1; vs->store_sets * 8 <= n; vs->store_sets *= 2)
		;
	vs->store = tw_calloc_touched((size_t)vs->store_sets * 4,
				      sizeof(*vs->store));
	if (vs->store == NULL)
		return -ENOMEM;
	vs->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (vs->epfd < 0)
		return -errno;
	return 0;
}

void
tw_validator_fini(struct tw_lcore *lc)
{
	struct tw_vstate *vs = lc->vs;
	unsigned i;

	if (vs == NULL)
		return;
	vs->n_start = 0; /* those jobs are in the job table too */
	/* Fetches first (they point at jobs), then jobs and waiters. */
	while (vs->t_head != NULL || vs->a_head != NULL) {
		struct fetch *f = vs->t_head ? vs->t_head : vs->a_head;

		f->jobs = NULL;
		fetch_free(vs, f);
	}
	for (i = 0; i < V_HT_SIZE; i++) {
		while (vs->fkey[i] != NULL) {
			struct fetch *f = vs->fkey[i];

			f->jobs = NULL;
			fetch_free(vs, f);
		}
		while (vs->fid[i] != NULL) {
			struct fetch *f = vs->fid[i];

			f->jobs = NULL;
			fetch_free(vs, f);
		}
		while (vs->jobs[i] != NULL) {
			struct job *j = vs->jobs[i];
			struct waiter *w, *next;

			for (w = j->waiters; w != NULL; w = next) {
				next = w->next;
				if (w->m != NULL)
					rte_pktmbuf_free(w->m);
				if (w->req != NULL) {
					tw_free(w->req->ans);
					tw_free(w->req);
				}
			}
			j->waiters = NULL;
			job_free(vs, j);
		}
	}
	while (vs->j_free != NULL) {
		struct job *j = vs->j_free;

		vs->j_free = j->hnext;
		tw_free(j);
	}
	while (vs->f_free != NULL) {
		struct fetch *f = vs->f_free;

		vs->f_free = f->knext;
		tw_free(f);
	}
	if (vs->store != NULL)
		for (i = 0; i < vs->store_sets * 4; i++)
			resp_free(vs, vs->store[i].resp, vs->store[i].resp_len);
	tw_free(vs->store);
	while (vs->r_free != NULL) {
		void *p = vs->r_free;

		memcpy(&vs->r_free, p, sizeof(void *));
		tw_free(p);
	}
	tw_free(vs->w_pool);
	if (vs->epfd >= 0)
		close(vs->epfd);
	tw_dnssec_ctx_destroy(vs->dv);
	tw_free(vs);
	lc->vs = NULL;
}
