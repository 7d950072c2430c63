/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS over TCP for clients (RFC 7766), through the kernel.
 *
 * The fast path does not do TCP: TCP/53 frames go to the kernel over
 * the exception path (net_tap), where the service addresses live
 * (exception.addresses). This thread -- a plain pthread, not an lcore:
 * it blocks in epoll_wait() and costs no core -- listens on those
 * addresses, reads length-prefixed questions (RFC 7766 8, pipelined),
 * and hands each to the validator that owns its question hash over a
 * ring, exactly like a worker's miss. The validator answers it like any
 * client (its store, coalescing, upstream, validation; no TC: 65535
 * octets) and hands the request back over one ring to this thread,
 * waking it with an eventfd; answers go out in completion order (RFC
 * 7766 7: responses may be out of order, matched by ID).
 *
 * Without an exception path the kernel has no address and no TCP
 * reaches it: no listener (a warning at start).
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_ring.h>

#include "trustwire.h"

/*
 * Resource limits (RFC 7766 6.2.3 and 10: idle timeouts that a client
 * cannot hold open, and bounds per client):
 *  - TCP_IDLE_MS: a connection with nothing in flight, counted from its
 *    last complete question or answer (not from any octet: a client
 *    sending one octet at a time does not keep it open);
 *  - TCP_MSG_MS: a question's octets arrive within this time of its
 *    first one (slow-loris);
 *  - TCP_WBUF_HIGH: while this much of the answers is unsent, the
 *    connection is not read (a client that asks and never reads holds
 *    at most TCP_MAX_PENDING answers more), and TCP_STALL_MS without
 *    the client taking any of it closes it;
 *  - TCP_MAX_PER_SRC connections per client address; with the table
 *    full, a new client takes the slot of the longest idle connection.
 */
#define TCP_MAX_CONNS	256
#define TCP_MAX_PENDING 64    /* questions of one connection in flight */
#define TCP_IDLE_MS	10000 /* RFC 7766 6.2.3: close idle clients */
#define TCP_MSG_MS	5000
#define TCP_STALL_MS	10000
#define TCP_WBUF_HIGH	(64u * 1024u)
#define TCP_MAX_PER_SRC 32
#define TCP_RBUF	(2 + 65535)

struct conn {
	int fd;
	uint32_t gen;
	uint32_t rlen;
	uint32_t wlen, woff, wcap;
	unsigned pending;
	uint64_t last_ms; /* last complete question or answer */
	uint64_t msg_ms;  /* first octet of the partial question, 0: none */
	uint64_t tx_ms;	  /* answers unsent since (or last progress) */
	uint8_t peer[16]; /* client address (IPv4: first 4 octets) */
	uint8_t peer_family;
	uint8_t *wbuf;
	uint8_t rbuf[TCP_RBUF];
};

struct tw_tcp_server {
	struct tw_app *app;
	pthread_t thread;
	int epfd;
	int stopfd;
	int lfd[TW_CFG_MAX_LISTEN];
	unsigned n_lfd;
	uint32_t gen;
	struct conn *conns[TCP_MAX_CONNS];
};

/* epoll tags: listeners and the eventfds carry small integers. */
#define TAG_STOP   ((uint64_t)1 << 62)
#define TAG_ANSWER ((uint64_t)2 << 62)
#define TAG_LISTEN ((uint64_t)3 << 62)
#define TAG_MASK   ((uint64_t)3 << 62)

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
conn_id(unsigned slot, const struct conn *c)
{
	return (uint64_t)c->gen << 16 | slot;
}

static void
conn_close(struct tw_tcp_server *s, unsigned slot)
{
	struct conn *c = s->conns[slot];

	if (c == NULL)
		return;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	tw_free(c->wbuf);
	tw_free(c);
	s->conns[slot] = NULL;
}

/* The head of rbuf is an incomplete question. */
static bool
conn_partial(const struct conn *c)
{
	return c->rlen > 0 && (c->rlen < 2 || c->rlen < 2u + tw_get16(c->rbuf));
}

static void
conn_want(struct tw_tcp_server *s, unsigned slot)
{
	struct conn *c = s->conns[slot];
	struct epoll_event ev = { .events = 0, .data.u64 = slot };

	/* Backpressure: not read while the client leaves this much of its
	 * answers unread, or has TCP_MAX_PENDING questions in flight (the
	 * next ones wait in rbuf, or in the kernel). The slow-question
	 * clock runs only while we read: our own wait is not the client's
	 * slowness. */
	if (c->wlen - c->woff < TCP_WBUF_HIGH && c->pending < TCP_MAX_PENDING &&
	    c->rlen < sizeof(c->rbuf)) {
		ev.events |= EPOLLIN;
		if (c->msg_ms == 0 && conn_partial(c))
			c->msg_ms = now_ms();
	} else {
		c->msg_ms = 0;
	}
	if (c->wlen > c->woff)
		ev.events |= EPOLLOUT;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static int
conn_flush(struct tw_tcp_server *s, unsigned slot)
{
	struct conn *c = s->conns[slot];

	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -1;
		}
		c->woff += (uint32_t)n;
		c->tx_ms = now_ms();
	}
	if (c->woff == c->wlen)
		c->woff = c->wlen = 0;
	conn_want(s, slot);
	return 0;
}

/* One question: to the validator owning its hash. */
static int
conn_question(struct tw_tcp_server *s, unsigned slot, const uint8_t *q,
	      uint16_t len)
{
	struct tw_app *app = s->app;
	struct conn *c = s->conns[slot];
	struct tw_dns_qkey k;
	struct tw_tcp_req *r;

	if (tw_dns_qkey_parse(q, len, app->hash_seed, &k) < 0)
		return -1; /* not a question we can answer: hang up */
	r = tw_malloc(sizeof(*r) + len);
	if (r == NULL)
		return -1;
	r->conn = conn_id(slot, c);
	r->len = len;
	r->ans = NULL;
	r->ans_len = 0;
	memcpy(r->q, q, len);
	if (rte_ring_sp_enqueue(app->tcpq_ring[k.hash % app->n_validators],
				r) != 0) {
		tw_free(r);
		return -1;
	}
	c->pending++;
	return 0;
}

/*
 * The complete questions in rbuf, while fewer than TCP_MAX_PENDING are
 * in flight (RFC 7766 6.2.1.1: pipelined questions wait, they are not a
 * reason to hang up; the connection is not read meanwhile, conn_want()).
 * @return -1: hang up (a malformed length or question).
 */
static int
conn_parse(struct tw_tcp_server *s, unsigned slot)
{
	struct conn *c = s->conns[slot];
	uint32_t off = 0;
	int rc = 0;

	/* RFC 7766 8: two-octet length, then the message; pipelined. */
	while (c->rlen - off >= 2 && c->pending < TCP_MAX_PENDING) {
		uint32_t len = tw_get16(c->rbuf + off);

		if (len < TW_DNS_HDR_LEN) {
			rc = -1;
			break;
		}
		if (c->rlen - off < 2 + len)
			break;
		if (conn_question(s, slot, c->rbuf + off + 2, (uint16_t)len) !=
		    0) {
			rc = -1;
			break;
		}
		off += 2 + len;
		c->last_ms = now_ms();
	}
	if (off > 0) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
		c->msg_ms = 0;
	}
	/* The slow-question clock runs while the head is incomplete. */
	if (!conn_partial(c))
		c->msg_ms = 0;
	else if (c->msg_ms == 0)
		c->msg_ms = now_ms();
	return rc;
}

static void
conn_read(struct tw_tcp_server *s, unsigned slot)
{
	struct conn *c = s->conns[slot];
	ssize_t n;

	n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(s, slot);
		return;
	}
	if (n < 0)
		return;
	c->rlen += (uint32_t)n;
	if (conn_parse(s, slot) != 0) {
		conn_close(s, slot);
		return;
	}
	conn_want(s, slot);
}

/* Nothing in flight, nothing unsent, no partial question. */
static bool
conn_idle(const struct conn *c)
{
	return c->pending == 0 && c->wlen == c->woff && c->rlen == 0;
}

/*
 * A slot for a new client of address @p peer: a free one, else the one
 * of the connection idle the longest (RFC 7766 6.2.3: under pressure
 * the server closes idle connections first); TCP_MAX_CONNS if every
 * connection is busy, or if this client already holds TCP_MAX_PER_SRC.
 */
static unsigned
conn_slot(struct tw_tcp_server *s, uint8_t family, const uint8_t *peer)
{
	unsigned slot, free_slot = TCP_MAX_CONNS, victim = TCP_MAX_CONNS;
	unsigned same = 0;

	for (slot = 0; slot < TCP_MAX_CONNS; slot++) {
		const struct conn *c = s->conns[slot];

		if (c == NULL) {
			if (free_slot == TCP_MAX_CONNS)
				free_slot = slot;
			continue;
		}
		if (c->peer_family == family &&
		    memcmp(c->peer, peer, sizeof(c->peer)) == 0)
			same++;
		if (conn_idle(c) && (victim == TCP_MAX_CONNS ||
				     c->last_ms < s->conns[victim]->last_ms))
			victim = slot;
	}
	if (same >= TCP_MAX_PER_SRC)
		return TCP_MAX_CONNS;
	if (free_slot != TCP_MAX_CONNS)
		return free_slot;
	if (victim != TCP_MAX_CONNS)
		conn_close(s, victim);
	return victim;
}

static void
accept_one(struct tw_tcp_server *s, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint8_t peer[16] = { 0 };
	struct epoll_event ev;
	struct conn *c;
	unsigned slot;
	int fd;

	fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (ss.ss_family == AF_INET)
		memcpy(peer, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else if (ss.ss_family == AF_INET6)
		memcpy(peer, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	/* The clients allowed over UDP are those allowed over TCP. */
	if (s->app->n_ports > 0 &&
	    !tw_classify_client_ok(&s->app->cls[0],
				   ss.ss_family == AF_INET ? 4 : 6, peer)) {
		close(fd);
		return;
	}
	slot = conn_slot(s, (uint8_t)ss.ss_family, peer);
	if (slot == TCP_MAX_CONNS || (c = tw_calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->gen = ++s->gen;
	c->last_ms = now_ms();
	c->peer_family = (uint8_t)ss.ss_family;
	memcpy(c->peer, peer, sizeof(c->peer));
	s->conns[slot] = c;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = slot;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		conn_close(s, slot);
}

/* Answers the validators handed back. */
static void
take_answers(struct tw_tcp_server *s)
{
	struct tw_app *app = s->app;
	uint64_t v;
	void *objs[64];
	unsigned n, i;

	if (read(app->tcp_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	while ((n = rte_ring_sc_dequeue_burst(app->tcpa_ring, objs, 64, NULL)) >
	       0)
		for (i = 0; i < n; i++) {
			struct tw_tcp_req *r = objs[i];
			unsigned slot = (unsigned)(r->conn & 0xffff);
			struct conn *c =
				slot < TCP_MAX_CONNS ? s->conns[slot] : NULL;

			if (c != NULL && conn_id(slot, c) == r->conn) {
				c->pending--;
				if (r->ans_len == 0) {
					/* Dropped (overload): hang up. */
					conn_close(s, slot);
				} else if (c->woff > 0) {
					/* Sent octets first out of the
					 * way: the buffer holds only what
					 * is unsent. */
					memmove(c->wbuf, c->wbuf + c->woff,
						c->wlen - c->woff);
					c->wlen -= c->woff;
					c->woff = 0;
				}
				if (c != NULL && s->conns[slot] == c &&
				    r->ans_len > 0 &&
				    c->wlen + 2u + r->ans_len > c->wcap) {
					uint32_t cap = c->wlen + 2u +
						       r->ans_len + 4096;
					uint8_t *b = tw_realloc(c->wbuf, cap);

					if (b == NULL) {
						conn_close(s, slot);
						c = NULL;
					} else {
						c->wbuf = b;
						c->wcap = cap;
					}
				}
				if (c != NULL && s->conns[slot] == c &&
				    r->ans_len > 0) {
					if (c->wlen == 0)
						c->tx_ms = now_ms();
					tw_put16(c->wbuf + c->wlen, r->ans_len);
					memcpy(c->wbuf + c->wlen + 2, r->ans,
					       r->ans_len);
					c->wlen += 2u + r->ans_len;
					c->last_ms = now_ms();
					/* Questions that waited for a slot. */
					if (conn_parse(s, slot) != 0 ||
					    conn_flush(s, slot) != 0)
						conn_close(s, slot);
				}
			}
			tw_free(r->ans);
			tw_free(r);
		}
}

static void *
tcp_main(void *arg)
{
	struct tw_tcp_server *s = arg;
	struct epoll_event ev[64];
	unsigned slot;
	int n, i;

	for (;;) {
		n = epoll_wait(s->epfd, ev, 64, 1000);
		for (i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			if ((tag & TAG_MASK) == TAG_STOP)
				return NULL;
			if ((tag & TAG_MASK) == TAG_ANSWER) {
				take_answers(s);
				continue;
			}
			if ((tag & TAG_MASK) == TAG_LISTEN) {
				accept_one(s, (int)(tag & 0xffff));
				continue;
			}
			slot = (unsigned)tag;
			if (s->conns[slot] == NULL)
				continue;
			if (ev[i].events & EPOLLOUT) {
				if (conn_flush(s, slot) != 0) {
					conn_close(s, slot);
					continue;
				}
			}
			if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				conn_read(s, slot);
		}
		/* The limits above: idle, slow question, unread answers. */
		{
			uint64_t now = now_ms();

			for (slot = 0; slot < TCP_MAX_CONNS; slot++) {
				struct conn *c = s->conns[slot];

				if (c == NULL)
					continue;
				if ((conn_idle(c) &&
				     now - c->last_ms > TCP_IDLE_MS) ||
				    (conn_partial(c) && c->msg_ms != 0 &&
				     now - c->msg_ms > TCP_MSG_MS) ||
				    (c->wlen > c->woff &&
				     now - c->tx_ms > TCP_STALL_MS))
					conn_close(s, slot);
			}
		}
	}
	return NULL;
}

static int
listen_on(struct tw_tcp_server *s, const struct tw_cfg_prefix *l)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct epoll_event ev;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (l->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(TW_DNS_PORT);
		memcpy(&s4->sin_addr, l->addr, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(TW_DNS_PORT);
		memcpy(&s6->sin6_addr, l->addr, 16);
		sl = sizeof(*s6);
	}
	fd = socket(l->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The address may still be settling on the exception interface. */
	setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	if (l->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 128) != 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = TAG_LISTEN | (uint64_t)fd;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	s->lfd[s->n_lfd++] = fd;
	return 0;
}

int
tw_tcp_start(struct tw_app *app)
{
	const struct tw_config *cfg = app->cfg;
	struct tw_tcp_server *s;
	struct epoll_event ev;
	unsigned i;
	int rc;

	app->tcp_efd = -1;
	if (cfg->n_listen == 0)
		return 0;
	if (!app->has_exc || !cfg->exception.addresses) {
		fprintf(stderr,
			"trustwire: warning: no TCP/53 for clients and no "
			"TCP fallback to upstreams: TCP goes through the "
			"kernel (fix: --exception tap, with "
			"exception.addresses true)\n");
		return 0;
	}
	s = tw_calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->app = app;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	app->tcp_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->epfd < 0 || s->stopfd < 0 || app->tcp_efd < 0)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = TAG_STOP;
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->stopfd, &ev);
	ev.data.u64 = TAG_ANSWER;
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, app->tcp_efd, &ev);
	for (i = 0; i < cfg->n_listen; i++) {
		char a[64];

		rc = listen_on(s, &cfg->listen[i]);
		tw_config_addr_str(cfg->listen[i].family, cfg->listen[i].addr,
				   a, sizeof(a));
		if (rc != 0) {
			fprintf(stderr,
				"trustwire: TCP/53 on %s: %s (fix: is another "
				"DNS server bound there?)\n",
				a, strerror(-rc));
			goto fail;
		}
		fprintf(stdout,
			"trustwire: TCP/53 on %s (kernel socket "
			"behind the exception path)\n",
			a);
	}
	app->tcp = s;
	if (pthread_create(&s->thread, NULL, tcp_main, s) != 0) {
		app->tcp = NULL;
		goto fail;
	}
	pthread_setname_np(s->thread, "tw-tcp");
	return 0;
fail:
	for (i = 0; i < s->n_lfd; i++)
		close(s->lfd[i]);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->stopfd >= 0)
		close(s->stopfd);
	if (app->tcp_efd >= 0)
		close(app->tcp_efd);
	app->tcp_efd = -1;
	tw_free(s);
	return -EIO;
}

void
tw_tcp_answer(struct tw_app *app, struct tw_tcp_req *req)
{
	uint64_t one = 1;

	if (app->tcp == NULL || app->tcpa_ring == NULL ||
	    rte_ring_mp_enqueue(app->tcpa_ring, req) != 0) {
		tw_free(req->ans);
		tw_free(req);
		return;
	}
	if (write(app->tcp_efd, &one, sizeof(one)) < 0) {
		/* Counter full: the thread is reading it anyway. */
	}
}

static void
free_ring(struct rte_ring *r)
{
	void *o;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, &o) == 0) {
		struct tw_tcp_req *req = o;

		tw_free(req->ans);
		tw_free(req);
	}
	rte_ring_free(r);
}

void
tw_tcp_stop(struct tw_app *app)
{
	struct tw_tcp_server *s = app->tcp;
	unsigned i;

	if (s != NULL) {
		uint64_t one = 1;

		if (write(s->stopfd, &one, sizeof(one)) == sizeof(one))
			pthread_join(s->thread, NULL);
		for (i = 0; i < TCP_MAX_CONNS; i++)
			conn_close(s, i);
		for (i = 0; i < s->n_lfd; i++)
			close(s->lfd[i]);
		close(s->epfd);
		close(s->stopfd);
		close(app->tcp_efd);
		app->tcp_efd = -1;
		tw_free(s);
		app->tcp = NULL;
	}
	for (i = 0; i < TW_MAX_VALIDATORS; i++) {
		free_ring(app->tcpq_ring[i]);
		app->tcpq_ring[i] = NULL;
	}
	free_ring(app->tcpa_ring);
	app->tcpa_ring = NULL;
}
