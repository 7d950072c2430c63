/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tw-gen: the benchmark harness of trustwire's data plane
 * (doc/performance.md, "Hit path and miss path harness").
 *
 * One process: EAL, two in-memory ports made with rte_eth_from_rings(),
 * trustwire's data plane built by tw_app_init() on them, a client side
 * (pre-built query frames, an outstanding table keyed by DNS ID, the
 * answer checker of gen.c) and an upstream side (ARP for the gateway,
 * DNS answered by the signed in-memory zone of zone.c):
 *
 *   generator --c_rx--> [port twg_client   ] --c_tx--> checker
 *                        trustwire worker/validator
 *   responder <--u_tx-- [port twg_upstream ] <--u_rx-- responder
 *
 * Placements: --lcores 1 (default): the generator, the responder and
 * trustwire take turns on the main lcore, and only trustwire's turns are
 * timed with rte_rdtsc() (tw_lcore_turn(), or the bounce worker);
 * --lcores 2: trustwire's own loop (tw_lcore_main()) runs on the second
 * EAL lcore and the figures come from its busy/worker/validator cycle
 * counters.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "gen.h"
#include "trustwire.h"
#include "tw_cache.h"
#include "tw_dns.h"
#include "zone.h"

#define EXIT_WRONG   1 /* an answer was wrong */
#define EXIT_USAGE   2
#define EXIT_RUNTIME 3 /* EAL, ports, zone, nothing answered */

#define LOG(fmt, ...) fprintf(stdout, "tw-gen: " fmt "\n", ##__VA_ARGS__)
#define ERR(fmt, ...) fprintf(stderr, "tw-gen: " fmt "\n", ##__VA_ARGS__)

#define RING_SIZE     4096
#define MAX_BURST     256
#define ID_SPACE      65536
#define WRONG_SHOW    5
#define DRAIN_SECONDS 3.0

enum mode { MODE_BOUNCE, MODE_HIT, MODE_MISS };
static const char *const mode_str[] = { "bounce", "hit", "miss" };

struct opts {
	enum mode mode;
	unsigned names;
	double zipf;
	uint64_t queries;
	double seconds;
	unsigned alg;
	struct gen_mix mix;
	int crypto; /* enum tw_cfg_crypto_path */
	unsigned burst;
	unsigned lcores;
	unsigned templates;
	unsigned window;
	unsigned cache_entries;
	unsigned openssl_seconds;
	int miss_warm;	      /* -1: names / 5, at most 2000 */
	unsigned miss_rounds; /* measured passes over the names (1) */
	unsigned zone_threads;
	unsigned name_pad; /* tw_gen_zone_params.label_pad */
	double floor_seconds;
	const char *origin;
	bool nic_csum; /* the client port as a NIC with checksum offloads */
	bool verbose;
};

struct counts {
	uint64_t sent, ok, tc, wrong, stray, other, missing;
};

/* One busy turn of trustwire: TSC cycles and work units (packets). */
struct turn_sample {
	uint32_t cycles;
	uint32_t work;
};

#define N_SAMPLES (1u << 20)

struct harness {
	struct opts o;
	struct tw_app *app;
	struct tw_lcore *lc; /* trustwire's lcore */
	unsigned tw_lcore_id;
	struct rte_ring *c_rx, *c_tx, *u_rx, *u_tx;
	struct rte_mempool *pool;
	struct tw_gen_zone *zone;
	struct tw_classify_ctx rcx; /* the responder: gateway + upstream */
	struct gen_net net;
	struct gen_q *tq;
	size_t n_tq;
	/* Outstanding queries: out_q[id] = template index + 1; 0: free. */
	uint32_t *out_q;
	uint16_t *free_ids;
	unsigned n_free;
	struct counts c;
	unsigned win; /* outstanding queries allowed in this phase */
	uint64_t up_queries, up_arp, up_bad;
	/* --lcores 1: trustwire's turns. */
	uint64_t tw_cycles, tw_busy_cycles, turns, busy_turns;
	/* Miss mode: this thread's CPU time in trustwire's busy turns. */
	bool cpu_timing;
	uint64_t tw_busy_cpu_ns;
	/* Busy turns of the measured phase: (cycles, work) samples. */
	struct turn_sample *samp;
	size_t n_samp;
	bool rec;
	bool bounce;
	unsigned wrong_shown;
	uint8_t zbuf[4096];
};

static volatile int g_signal;

static void
on_signal(int sig)
{
	g_signal = sig;
}

/* ---- options ----------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tw-gen [EAL options] -- [options]\n"
		"Drives trustwire's data plane over in-memory ports "
		"(net_ring)\n"
		"and checks every answer. Figures: doc/performance.md.\n"
		"  --mode bounce|hit|miss  bounce: the I/O floor (a worker "
		"that\n"
		"                        only swaps MACs, addresses and "
		"ports);\n"
		"                        hit: warm the cache with every "
		"variant,\n"
		"                        then time the hit path; miss: unique\n"
		"                        names, each answer validated (default "
		"hit)\n"
		"  --names N             names in the zone (hit: 10000, miss: "
		"20000)\n"
		"  --zipf S              popularity exponent (1.0; 0: "
		"uniform)\n"
		"  --queries Q           measured queries (default: "
		"--seconds)\n"
		"  --seconds T           measured phase limit (hit/bounce 5, "
		"miss 20)\n"
		"  --alg 8|13|15         zone algorithm: RSASHA256-2048,\n"
		"                        ECDSAP256SHA256, ED25519 (13)\n"
		"  --do-pct P            EDNS DO=1 share (30)\n"
		"  --cookie-pct P        EDNS client cookie share (10)\n"
		"  --flood-pct P         random-subdomain names, NXDOMAIN "
		"(hit, 0)\n"
		"  --other-pct P         QTYPE TXT, NODATA (10; miss: 0)\n"
		"  --v6-pct P            over IPv6 (20)\n"
		"  --case-pct P          mixed-case QNAME, 0x20 (25)\n"
		"  --cd-pct P            CD=1 (5)\n"
		"  --ad-pct P            AD=1 in the query (50)\n"
		"  --noedns-pct P        no OPT RR (10)\n"
		"  --crypto auto|openssl|ipsec_mb  trustwire's crypto.path "
		"(auto)\n"
		"  --burst N             RX/TX burst, 1..256 (32)\n"
		"  --lcores 1|2          1: generator and trustwire take turns "
		"on\n"
		"                        one lcore, trustwire's turns timed; "
		"2:\n"
		"                        trustwire's loop on the 2nd EAL lcore "
		"(1)\n"
		"  --templates N         pre-built query frames, cycled "
		"(65536)\n"
		"  --window N            outstanding queries (1 lcore: "
		"burst*4,\n"
		"                        2 lcores: 2048; miss: 256, at most "
		"1024;\n"
		"                        the warm phase: at most 256)\n"
		"  --cache-entries N     trustwire's cache.entries (2^20)\n"
		"  --openssl-seconds S   miss: run 'openssl speed -seconds S' "
		"for\n"
		"                        the algorithm first (3; 0: skip)\n"
		"  --miss-warm W         miss: the first W unique names are\n"
		"                        answered untimed, so the figure is "
		"the\n"
		"                        steady state (names/5, at most 2000)\n"
		"  --miss-rounds R       miss, --lcores 1: measure R passes\n"
		"                        over the same names, trustwire's\n"
		"                        caches (answers, keys, verdicts)\n"
		"                        flushed between passes, so each\n"
		"                        answer still needs a fresh\n"
		"                        signature check; the figure is over\n"
		"                        all passes, min/median/max per pass\n"
		"                        printed (1; 1..100)\n"
		"  --zone-threads N      signing threads (2)\n"
		"  --name-pad N          names of varied lengths: n<i>, most\n"
		"                        with '-' and up to N letters after "
		"it,\n"
		"                        a length per name (0: n<i> only;\n"
		"                        at most 40)\n"
		"  --origin NAME         zone apex (bench.)\n"
		"  --floor-seconds S     hit: then the bounce floor in the "
		"same\n"
		"                        process for S seconds (2; 0: skip)\n"
		"  --seed N              mix seed (1)\n"
		"  --nic-csum            the client port as a NIC with IPv4 "
		"and\n"
		"                        UDP checksum offloads: queries "
		"arrive\n"
		"                        marked good, trustwire leaves the\n"
		"                        answers' checksums to the port, the\n"
		"                        checker computes them as a NIC would\n"
		"  -v, --verbose         print every wrong answer\n"
		"  -h, --help\n"
		"Output: a table, then RESULT lines (key=value). Exit status: "
		"0;\n"
		"1 a wrong answer; 2 usage; 3 run-time failure or no "
		"answer.\n");
}

#define MISS_ROUNDS_MAX 100 /* --miss-rounds */

enum {
	O_MODE = 256,
	O_NAMES,
	O_ZIPF,
	O_QUERIES,
	O_SECONDS,
	O_ALG,
	O_DO,
	O_COOKIE,
	O_FLOOD,
	O_OTHER,
	O_V6,
	O_CASE,
	O_CD,
	O_AD,
	O_NOEDNS,
	O_CRYPTO,
	O_BURST,
	O_LCORES,
	O_TEMPLATES,
	O_WINDOW,
	O_CACHE,
	O_OPENSSL,
	O_MISS_WARM,
	O_MISS_ROUNDS,
	O_NAME_PAD,
	O_ZTHREADS,
	O_ORIGIN,
	O_SEED,
	O_FLOOR,
	O_NIC_CSUM,
};

static int
num(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && end != s && *out <= max ? 0 : -1;
}

static int
parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, O_MODE },
		{ "names", required_argument, NULL, O_NAMES },
		{ "zipf", required_argument, NULL, O_ZIPF },
		{ "queries", required_argument, NULL, O_QUERIES },
		{ "seconds", required_argument, NULL, O_SECONDS },
		{ "alg", required_argument, NULL, O_ALG },
		{ "do-pct", required_argument, NULL, O_DO },
		{ "cookie-pct", required_argument, NULL, O_COOKIE },
		{ "flood-pct", required_argument, NULL, O_FLOOD },
		{ "other-pct", required_argument, NULL, O_OTHER },
		{ "v6-pct", required_argument, NULL, O_V6 },
		{ "case-pct", required_argument, NULL, O_CASE },
		{ "cd-pct", required_argument, NULL, O_CD },
		{ "ad-pct", required_argument, NULL, O_AD },
		{ "noedns-pct", required_argument, NULL, O_NOEDNS },
		{ "crypto", required_argument, NULL, O_CRYPTO },
		{ "burst", required_argument, NULL, O_BURST },
		{ "lcores", required_argument, NULL, O_LCORES },
		{ "templates", required_argument, NULL, O_TEMPLATES },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "cache-entries", required_argument, NULL, O_CACHE },
		{ "openssl-seconds", required_argument, NULL, O_OPENSSL },
		{ "miss-warm", required_argument, NULL, O_MISS_WARM },
		{ "miss-rounds", required_argument, NULL, O_MISS_ROUNDS },
		{ "zone-threads", required_argument, NULL, O_ZTHREADS },
		{ "name-pad", required_argument, NULL, O_NAME_PAD },
		{ "origin", required_argument, NULL, O_ORIGIN },
		{ "seed", required_argument, NULL, O_SEED },
		{ "floor-seconds", required_argument, NULL, O_FLOOR },
		{ "nic-csum", no_argument, NULL, O_NIC_CSUM },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	bool other_set = false, names_set = false, secs_set = false;
	int c;
	char *end;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_HIT;
	o->zipf = 1.0;
	o->alg = 13;
	o->burst = 32;
	o->lcores = 1;
	o->templates = 65536;
	o->cache_entries = 1u << 20;
	o->openssl_seconds = 3;
	o->miss_warm = -1;
	o->miss_rounds = 1;
	o->zone_threads = 2;
	o->floor_seconds = 2;
	o->origin = "bench.";
	o->crypto = TW_CFG_CRYPTO_AUTO;
	o->mix.pct_do = 30;
	o->mix.pct_cookie = 10;
	o->mix.pct_other = 10;
	o->mix.pct_v6 = 20;
	o->mix.pct_case = 25;
	o->mix.pct_cd = 5;
	o->mix.pct_ad = 50;
	o->mix.pct_noedns = 10;
	o->mix.seed = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", lo, NULL)) != -1) {
		unsigned *p = NULL;

		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 'v':
			o->verbose = true;
			continue;
		case O_MODE:
			if (strcmp(optarg, "bounce") == 0)
				o->mode = MODE_BOUNCE;
			else if (strcmp(optarg, "hit") == 0)
				o->mode = MODE_HIT;
			else if (strcmp(optarg, "miss") == 0)
				o->mode = MODE_MISS;
			else
				goto bad;
			continue;
		case O_ZIPF:
			o->zipf = strtod(optarg, &end);
			if (*end != '\0' || end == optarg || o->zipf < 0 ||
			    o->zipf > 10)
				goto bad;
			continue;
		case O_SECONDS:
			o->seconds = strtod(optarg, &end);
			if (*end != '\0' || end == optarg || o->seconds <= 0 ||
			    o->seconds > 3600)
				goto bad;
			secs_set = true;
			continue;
		case O_FLOOR:
			o->floor_seconds = strtod(optarg, &end);
			if (*end != '\0' || end == optarg ||
			    o->floor_seconds < 0 || o->floor_seconds > 3600)
				goto bad;
			continue;
		case O_QUERIES:
			if (num(optarg, UINT64_MAX, &v) != 0 || v == 0)
				goto bad;
			o->queries = v;
			continue;
		case O_CRYPTO:
			if (strcmp(optarg, "auto") == 0)
				o->crypto = TW_CFG_CRYPTO_AUTO;
			else if (strcmp(optarg, "openssl") == 0)
				o->crypto = TW_CFG_CRYPTO_OPENSSL;
			else if (strcmp(optarg, "ipsec_mb") == 0)
				o->crypto = TW_CFG_CRYPTO_IPSEC_MB;
			else
				goto bad;
			continue;
		case O_ORIGIN:
			o->origin = optarg;
			continue;
		case O_SEED:
			if (num(optarg, UINT64_MAX, &v) != 0)
				goto bad;
			o->mix.seed = v;
			continue;
		case O_NAMES:
			p = &o->names;
			names_set = true;
			break;
		case O_ALG:
			p = &o->alg;
			break;
		case O_DO:
			p = &o->mix.pct_do;
			break;
		case O_COOKIE:
			p = &o->mix.pct_cookie;
			break;
		case O_FLOOD:
			p = &o->mix.pct_flood;
			break;
		case O_OTHER:
			p = &o->mix.pct_other;
			other_set = true;
			break;
		case O_V6:
			p = &o->mix.pct_v6;
			break;
		case O_CASE:
			p = &o->mix.pct_case;
			break;
		case O_CD:
			p = &o->mix.pct_cd;
			break;
		case O_AD:
			p = &o->mix.pct_ad;
			break;
		case O_NOEDNS:
			p = &o->mix.pct_noedns;
			break;
		case O_BURST:
			p = &o->burst;
			break;
		case O_LCORES:
			p = &o->lcores;
			break;
		case O_TEMPLATES:
			p = &o->templates;
			break;
		case O_WINDOW:
			p = &o->window;
			break;
		case O_CACHE:
			p = &o->cache_entries;
			break;
		case O_OPENSSL:
			p = &o->openssl_seconds;
			break;
		case O_ZTHREADS:
			p = &o->zone_threads;
			break;
		case O_NIC_CSUM:
			o->nic_csum = true;
			continue;
		case O_MISS_WARM:
			if (num(optarg, UINT32_MAX, &v) != 0)
				goto bad;
			o->miss_warm =
				(int)TW_MIN(v, (unsigned long long)INT32_MAX);
			continue;
		case O_NAME_PAD:
			if (num(optarg, TW_GEN_NAME_PAD_MAX, &v) != 0)
				goto bad;
			o->name_pad = (unsigned)v;
			continue;
		case O_MISS_ROUNDS:
			if (num(optarg, MISS_ROUNDS_MAX, &v) != 0 || v == 0)
				goto bad;
			o->miss_rounds = (unsigned)v;
			continue;
		default:
			usage(stderr);
			return -1;
		}
		if (num(optarg, UINT32_MAX, &v) != 0)
			goto bad;
		*p = (unsigned)v;
		if (p == &o->mix.pct_do || p == &o->mix.pct_cookie ||
		    p == &o->mix.pct_flood || p == &o->mix.pct_other ||
		    p == &o->mix.pct_v6 || p == &o->mix.pct_case ||
		    p == &o->mix.pct_cd || p == &o->mix.pct_ad ||
		    p == &o->mix.pct_noedns) {
			if (v > 100)
				goto bad;
		}
		continue;
bad:
		ERR("bad value '%s' for --%s (see --help)", optarg,
		    lo[c - O_MODE].name);
		return -1;
	}
	if (optind < argc) {
		ERR("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	if (o->alg != 8 && o->alg != 13 && o->alg != 15) {
		ERR("--alg must be 8, 13 or 15");
		return -1;
	}
	if (o->burst == 0 || o->burst > MAX_BURST || o->lcores < 1 ||
	    o->lcores > 2 || o->templates == 0 || o->cache_entries < 1024 ||
	    o->window > ID_SPACE / 2) {
		ERR("--burst 1..256, --lcores 1|2, --templates >= 1, "
		    "--cache-entries >= 1024, --window <= 32768");
		return -1;
	}
	if (o->miss_rounds > 1 && o->lcores != 1) {
		/* The flush runs on trustwire's lcore, between its turns. */
		ERR("--miss-rounds above 1 needs --lcores 1");
		return -1;
	}
	if (!names_set)
		o->names = o->mode == MODE_MISS ? 20000 : 10000;
	if (o->names == 0) {
		ERR("--names must be at least 1");
		return -1;
	}
	if (!secs_set)
		o->seconds = o->mode == MODE_MISS ? 20 : 5;
	if (o->mode == MODE_MISS && !other_set)
		o->mix.pct_other = 0;
	if (o->window == 0)
		o->window = o->mode == MODE_MISS ? 256
			    : o->lcores == 1	 ? o->burst * 4
						 : 2048;
	o->mix.n_names = o->names;
	o->mix.zipf = o->zipf;
	o->mix.unique = o->mode == MODE_MISS;
	return 0;
}

/* ---- the outstanding table --------------------------------------------- */

static int
ids_init(struct harness *h)
{
	unsigned i;

	h->out_q = calloc(ID_SPACE, sizeof(*h->out_q));
	h->free_ids = calloc(ID_SPACE, sizeof(*h->free_ids));
	if (h->out_q == NULL || h->free_ids == NULL)
		return -ENOMEM;
	/* Handed out in a scrambled order: IDs are not sequential. */
	for (i = 0; i < ID_SPACE; i++)
		h->free_ids[i] = (uint16_t)(i * 40503u);
	h->n_free = ID_SPACE;
	return 0;
}

static inline unsigned
outstanding(const struct harness *h)
{
	return ID_SPACE - h->n_free;
}

/* ---- the client side --------------------------------------------------- */

/* Send up to @p n queries: templates tq[*next ..], wrapping at @p end. */
static unsigned
gen_send(struct harness *h, unsigned n, size_t *next, size_t begin, size_t end)
{
	struct rte_mbuf *m[MAX_BURST];
	unsigned i, k;

	if (n > MAX_BURST)
		n = MAX_BURST;
	if (n > h->win - TW_MIN(h->win, outstanding(h)))
		n = h->win - TW_MIN(h->win, outstanding(h));
	if (n == 0 || rte_pktmbuf_alloc_bulk(h->pool, m, n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		const struct gen_q *q = &h->tq[*next];
		uint8_t *d = rte_pktmbuf_mtod(m[i], uint8_t *);
		uint16_t id = h->free_ids[--h->n_free];

		rte_memcpy(d, q->frame, q->len);
		gen_set_id(q, d, id);
		m[i]->data_len = q->len;
		m[i]->pkt_len = q->len;
		/* --nic-csum: what a NIC that verified the checksums says
		 * (the frames' checksums are right). */
		if (h->o.nic_csum)
			m[i]->ol_flags =
				RTE_MBUF_F_RX_L4_CKSUM_GOOD |
				(tw_get16(d + 12) == TW_ETHERTYPE_IPV4
					 ? RTE_MBUF_F_RX_IP_CKSUM_GOOD
					 : RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN);
		h->out_q[id] = (uint32_t)*next + 1;
		if (++*next == end)
			*next = begin;
	}
	k = rte_ring_sp_enqueue_burst(h->c_rx, (void **)m, n, NULL);
	/* What the ring did not take is taken back (IDs and templates). */
	for (i = n; i > k; i--) {
		uint8_t *d = rte_pktmbuf_mtod(m[i - 1], uint8_t *);
		uint16_t id = (uint16_t)gen_answer_id(d, m[i - 1]->data_len);

		h->out_q[id] = 0;
		h->free_ids[h->n_free++] = id;
		*next = *next == begin ? end - 1 : *next - 1;
		rte_pktmbuf_free(m[i - 1]);
	}
	h->c.sent += k;
	return k;
}

static void
wrong(struct harness *h, const struct gen_q *q, const char *why)
{
	h->c.wrong++;
	if (h->o.verbose || h->wrong_shown < WRONG_SHOW) {
		h->wrong_shown++;
		ERR("wrong answer: %s (query: qtype %u flags 0x%02x kind %u "
		    "name %" PRIu32 ")",
		    why, q ? q->qtype : 0, q ? q->flags : 0, q ? q->kind : 0,
		    q ? q->name : 0);
	}
}

/*
 * --nic-csum: the checksums a NIC with TX offloads writes as the frame
 * leaves (RTE_MBUF_F_TX_IP_CKSUM, RTE_MBUF_F_TX_UDP_CKSUM, with l2_len and
 * l3_len; the UDP field holds the pseudo-header sum), outside trustwire's
 * timed turns. Wrong lengths or fields give wrong checksums, which the
 * checker then reports.
 */
static void
nic_tx_csum(struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t l4 = (uint32_t)m->l2_len + m->l3_len;

	if ((m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) && l4 <= m->data_len) {
		tw_put16(d + m->l2_len + 10, 0);
		tw_put16(d + m->l2_len + 10,
			 tw_cksum(d + m->l2_len, m->l3_len));
	}
	if ((m->ol_flags & RTE_MBUF_F_TX_UDP_CKSUM) &&
	    l4 + TW_UDP_HLEN <= m->data_len) {
		uint32_t ulen = tw_get16(d + l4 + 4);
		uint16_t c;

		if (ulen > m->data_len - l4)
			return; /* the checker refuses the frame */
		c = tw_cksum(d + l4, ulen);
		tw_put16(d + l4 + 6, c == 0 ? 0xffff : c); /* RFC 768 */
	}
}

/* Answers and anything else trustwire sent the clients. */
static unsigned
gen_collect(struct harness *h)
{
	struct rte_mbuf *m[MAX_BURST];
	unsigned n, i;

	n = rte_ring_sc_dequeue_burst(h->c_tx, (void **)m, MAX_BURST, NULL);
	for (i = 0; i < n; i++) {
		const uint8_t *d = rte_pktmbuf_mtod(m[i], const uint8_t *);
		const struct gen_q *q;
		const char *why;
		int id;

		if (m[i]->ol_flags &
		    (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM))
			nic_tx_csum(m[i]); /* writes into d[] */
		id = gen_answer_id(d, m[i]->data_len);

		if (id < 0) {
			h->c.other++; /* e.g. trustwire's ARP request */
			continue;
		}
		if (h->out_q[id] == 0) {
			h->c.stray++;
			wrong(h, NULL, "an answer to no outstanding query");
			continue;
		}
		q = &h->tq[h->out_q[id] - 1];
		switch (gen_check(q, (uint16_t)id, d, m[i]->data_len, h->bounce,
				  &why)) {
		case GEN_R_OK:
			h->c.ok++;
			break;
		case GEN_R_TC:
			h->c.ok++;
			h->c.tc++;
			break;
		default:
			wrong(h, q, why);
			break;
		}
		h->out_q[id] = 0;
		h->free_ids[h->n_free++] = (uint16_t)id;
	}
	if (n > 0)
		rte_pktmbuf_free_bulk(m, n);
	return n;
}

/* ---- the upstream side ------------------------------------------------- */

/*
 * trustwire's traffic to the gateway and the upstream: ARP requests for
 * the gateway answered (lib/net, as trustwire's own worker does), DNS
 * questions answered by the zone, in the same mbuf.
 */
static unsigned
responder_poll(struct harness *h)
{
	struct rte_mbuf *m[MAX_BURST], *out[MAX_BURST];
	unsigned n, i, k = 0, sent;

	n = rte_ring_sc_dequeue_burst(h->u_tx, (void **)m, MAX_BURST, NULL);
	for (i = 0; i < n; i++) {
		uint8_t *d = rte_pktmbuf_mtod(m[i], uint8_t *);
		size_t cap = (size_t)m[i]->buf_len - m[i]->data_off;
		struct tw_cls c;
		enum tw_local kind;
		int len;

		switch (tw_classify(&h->rcx, d, m[i]->data_len, 0, &c)) {
		case TW_PKT_EXCEPTION:
			len = tw_local_reply(&h->rcx, d, cap, &c, &kind);
			if (len > 0)
				h->up_arp++;
			break;
		case TW_PKT_DNS_QUERY:
			len = h->zone == NULL
				      ? -1
				      : tw_gen_zone_answer(
						h->zone, d + c.pkt.payload_off,
						c.pkt.payload_len, h->zbuf,
						sizeof(h->zbuf));
			if (len > 0 && (size_t)len <= cap - c.pkt.payload_off) {
				memcpy(d + c.pkt.payload_off, h->zbuf,
				       (size_t)len);
				len = tw_pkt_udp_reply(d, cap, &c.pkt,
						       (size_t)len, 64, 0);
				h->up_queries++;
			} else {
				len = -1;
			}
			break;
		default:
			len = -1;
			break;
		}
		if (len <= 0) {
			h->up_bad++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		m[i]->data_len = (uint16_t)len;
		m[i]->pkt_len = (uint32_t)len;
		out[k++] = m[i];
	}
	sent = rte_ring_sp_enqueue_burst(h->u_rx, (void **)out, k, NULL);
	if (sent < k)
		rte_pktmbuf_free_bulk(out + sent, k - sent);
	return n;
}

/* ---- the bounce worker (the I/O floor) --------------------------------- */

/* Swap MACs, IP addresses and UDP ports: checksums do not change. */
static inline void
bounce_swap(uint8_t *d)
{
	uint8_t t[16];
	size_t l4;

	memcpy(t, d, 6);
	memcpy(d, d + 6, 6);
	memcpy(d + 6, t, 6);
	if (d[12] == 0x08 && d[13] == 0x00) {
		memcpy(t, d + 26, 4);
		memcpy(d + 26, d + 30, 4);
		memcpy(d + 30, t, 4);
		l4 = 14 + (size_t)(d[14] & 0xf) * 4;
	} else {
		memcpy(t, d + 22, 16);
		memcpy(d + 22, d + 38, 16);
		memcpy(d + 38, t, 16);
		l4 = 14 + 40;
	}
	memcpy(t, d + l4, 2);
	memcpy(d + l4, d + l4 + 2, 2);
	memcpy(d + l4 + 2, t, 2);
}

/*
 * One turn of the floor: the same RX queues, TX buffers and drain timer
 * as trustwire's worker, no DNS work.
 */
static unsigned
bounce_turn(struct tw_lcore *lc)
{
	struct rte_mbuf *pkts[TW_MAX_BURST];
	unsigned q, total = 0;
	uint16_t n, i;
	uint64_t now;

	for (q = 0; q < lc->n_rxq; q++) {
		const struct tw_rxq_ref *r = &lc->rxq[q];

		n = rte_eth_rx_burst(r->port_id, r->queue_id, pkts, lc->burst);
		if (n == 0)
			continue;
		tw_stat_add(&lc->stats, TW_CTR_RX, n);
		for (i = 0; i < n; i++) {
			bounce_swap(rte_pktmbuf_mtod(pkts[i], uint8_t *));
			tw_txq_send(&lc->txq[r->port_idx], pkts[i]);
		}
		total += n;
	}
	now = rte_rdtsc();
	if (now - lc->prev_drain_tsc >= lc->drain_tsc) {
		tw_lcore_flush(lc);
		lc->prev_drain_tsc = now;
	}
	return total;
}

/* --lcores 2: the bounce worker's loop, counters as tw_lcore_main(). */
static int
bounce_main(void *arg)
{
	struct tw_lcore *lc = arg;

	lc->prev_drain_tsc = rte_rdtsc();
	while (!__atomic_load_n(&lc->app->quit, __ATOMIC_RELAXED)) {
		uint64_t t0 = rte_rdtsc();
		unsigned w = bounce_turn(lc);

		if (w != 0) {
			uint64_t d = rte_rdtsc() - t0;

			tw_stat_add(&lc->stats, TW_CTR_BUSY_CYCLES, d);
			tw_stat_add(&lc->stats, TW_CTR_WORKER_CYCLES, d);
		} else {
			rte_pause();
		}
	}
	tw_lcore_flush(lc);
	return 0;
}

/* ---- phases ------------------------------------------------------------- */

/* --lcores 1: one timed turn of trustwire (or of the bounce worker). */
static inline unsigned
tw_turn(struct harness *h)
{
	uint64_t t0, d, c0 = 0;
	unsigned w;

	/* Miss mode: a turn is long (signature checks), a clock_gettime()
	 * pair cheap beside it: this thread's CPU time is not inflated by
	 * preemption, the TSC is. */
	if (h->cpu_timing)
		c0 = tw_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	t0 = rte_rdtsc();
	w = h->bounce ? bounce_turn(h->lc) : tw_lcore_turn(h->lc);
	d = rte_rdtsc() - t0;
	if (h->cpu_timing && w != 0)
		h->tw_busy_cpu_ns += tw_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	h->tw_cycles += d;
	if (w != 0) {
		h->tw_busy_cycles += d;
		h->busy_turns++;
		if (h->rec && h->n_samp < N_SAMPLES) {
			h->samp[h->n_samp].cycles =
				(uint32_t)TW_MIN(d, (uint64_t)UINT32_MAX);
			h->samp[h->n_samp].work = w;
			h->n_samp++;
		}
	}
	h->turns++;
	return w;
}

/*
 * Send templates [begin, end) (cycling when @p total exceeds them) until
 * @p total were sent or @p seconds passed, then wait for the answers
 * (at most DRAIN_SECONDS). Every answer is checked.
 * @return the seconds the phase took until its last answer.
 */
static double
run_phase(struct harness *h, size_t begin, size_t end, uint64_t total,
	  double seconds)
{
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), now, last = t0;
	uint64_t deadline = t0 + (uint64_t)(seconds * (double)hz), drain_end;
	uint64_t sent0 = h->c.sent;
	size_t next = begin;
	bool sending = true;

	drain_end = UINT64_MAX;
	for (;;) {
		unsigned got;

		if (sending) {
			uint64_t left = total - (h->c.sent - sent0);

			gen_send(h, (unsigned)TW_MIN(left, h->o.burst), &next,
				 begin, end);
		}
		if (h->o.lcores == 1)
			tw_turn(h);
		responder_poll(h);
		got = gen_collect(h);
		now = rte_rdtsc();
		if (got != 0)
			last = now;
		if (sending && (h->c.sent - sent0 >= total || now >= deadline ||
				g_signal)) {
			sending = false;
			drain_end =
				now + (uint64_t)(DRAIN_SECONDS * (double)hz);
		}
		if (!sending && (outstanding(h) == 0 || now >= drain_end))
			break;
	}
	return (double)(last - t0) / (double)hz;
}

/* Let trustwire finish what it does (publications, TX drain). */
static void
settle(struct harness *h, double seconds)
{
	uint64_t hz = rte_get_tsc_hz(),
		 end = rte_rdtsc() + (uint64_t)(seconds * (double)hz);

	while (rte_rdtsc() < end) {
		if (h->o.lcores == 1)
			tw_turn(h);
		responder_poll(h);
		gen_collect(h);
	}
	if (h->o.lcores == 1)
		tw_lcore_flush(h->lc);
}

/* The answers still outstanding are missing; the table starts empty. */
static void
count_missing(struct harness *h)
{
	unsigned i;

	for (i = 0; i < ID_SPACE; i++)
		if (h->out_q[i] != 0) {
			h->out_q[i] = 0;
			h->c.missing++;
		}
	for (i = 0; i < ID_SPACE; i++)
		h->free_ids[i] = (uint16_t)(i * 40503u);
	h->n_free = ID_SPACE;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The warm phase's queries: one template per distinct cache variant
 * (name, qtype, DO/CD/EDNS) of the measured templates, grouped by
 * question so that a validator's store answers the later variants.
 * Appended after the measured templates; @return how many.
 */
static size_t
warm_list(struct harness *h, size_t n_meas)
{
	uint64_t *k = malloc(sizeof(*k) * n_meas);
	size_t i, n = 0, w = 0;

	if (k == NULL)
		return 0;
	for (i = 0; i < n_meas; i++)
		if (h->tq[i].kind != GEN_NXDOMAIN)
			k[n++] = gen_variant_key(&h->tq[i]) << 24 | i;
	qsort(k, n, sizeof(*k), cmp_u64);
	for (i = 0; i < n; i++) {
		if (i > 0 && k[i] >> 24 == k[i - 1] >> 24)
			continue;
		h->tq[n_meas + w++] = h->tq[k[i] & 0xffffff];
	}
	free(k);
	return w;
}

/* ---- openssl speed ------------------------------------------------------- */

/* The median of @p n sorted values (the mean of the middle two for an
 * even @p n). */
static double
median_of(const double *v, unsigned n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* verify/s of `openssl speed -seconds S ALG` (its last column). */
static double
openssl_verify(unsigned alg, unsigned seconds)
{
	const char *arg = alg == 8    ? "rsa2048"
			  : alg == 13 ? "ecdsap256"
				      : "ed25519";
	const char *key = alg == 8    ? "2048 bits"
			  : alg == 13 ? "nistp256"
				      : "Ed25519";
	char cmd[128], line[512];
	double v = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "openssl speed -seconds %u %s 2>/dev/null",
		 seconds, arg);
	p = popen(cmd, "r");
	if (p == NULL)
		return 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		char *last, *s;

		/* The table line: "... <sign>s <verify>s <sign/s> <verify/s>". */
		if (strstr(line, key) == NULL || strchr(line, 's') == NULL ||
		    strncmp(line, "Doing", 5) == 0 || strstr(line, "+") != NULL)
			continue;
		s = line + strlen(line);
		while (s > line && (s[-1] == '\n' || s[-1] == ' '))
			*--s = '\0';
		last = strrchr(line, ' ');
		if (last != NULL)
			v = strtod(last + 1, NULL);
	}
	pclose(p);
	return v;
}

/* ---- set-up ----------------------------------------------------------- */

/* The zone's names; beyond them (bounce mode's small zone) the same
 * pattern: the bounce worker never looks at them. */
struct name_arg {
	const struct tw_gen_zone *z;
	const char *origin;
};

static int
zone_name(unsigned i, char *buf, size_t cap, void *arg)
{
	const struct name_arg *na = arg;
	int n;

	if (i < tw_gen_zone_count(na->z))
		return tw_gen_zone_name(na->z, i, buf, cap);
	n = snprintf(buf, cap, "n%u.%s", i, na->origin);
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

static int
make_ports(struct harness *h)
{
	struct rte_ring *tx[1];
	int id;

	h->c_rx = rte_ring_create("twg_c_rx", RING_SIZE, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	h->c_tx = rte_ring_create("twg_c_tx", RING_SIZE, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	h->u_rx = rte_ring_create("twg_u_rx", RING_SIZE, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	h->u_tx = rte_ring_create("twg_u_tx", RING_SIZE, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (h->c_rx == NULL || h->c_tx == NULL || h->u_rx == NULL ||
	    h->u_tx == NULL) {
		ERR("cannot create rings: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/* One trustwire lcore transmits: single producer rings. */
	tx[0] = h->c_tx;
	id = rte_eth_from_rings("twg_client", &h->c_rx, 1, tx, 1,
				rte_socket_id());
	if (id < 0)
		goto fail;
	tx[0] = h->u_tx;
	id = rte_eth_from_rings("twg_upstream", &h->u_rx, 1, tx, 1,
				rte_socket_id());
	if (id < 0)
		goto fail;
	return 0;
fail:
	ERR("rte_eth_from_rings: %s", rte_strerror(rte_errno));
	return -ENODEV;
}

static int
write_anchor(struct harness *h, char *path, size_t cap)
{
	char line[4096];
	int fd, n;

	n = tw_gen_zone_anchor(h->zone, line, sizeof(line));
	if (n < 0)
		return n;
	snprintf(path, cap, "/tmp/tw-gen-anchor.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	line[n] = '\n';
	if (write(fd, line, (size_t)n + 1) != n + 1) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

static int
make_config(struct harness *h, struct tw_config *cfg, const char *anchor)
{
	struct tw_config_err err;

	tw_config_defaults(cfg);
	cfg->n_ports = 2;
	snprintf(cfg->ports[0].devargs, sizeof(cfg->ports[0].devargs),
		 "net_ring_twg_client"); /* rte_eth_from_rings() names */
	snprintf(cfg->ports[1].devargs, sizeof(cfg->ports[1].devargs),
		 "net_ring_twg_upstream");
	if (tw_config_parse_prefix("192.0.2.1/24", &cfg->listen[0]) != 0 ||
	    tw_config_parse_prefix("2001:db8::1/64", &cfg->listen[1]) != 0 ||
	    tw_config_parse_addr("192.0.2.254", &cfg->gateway4) != 0 ||
	    tw_config_parse_upstream("198.51.100.53", &cfg->upstreams[0]) != 0)
		return -EINVAL;
	cfg->n_listen = 2;
	cfg->n_upstreams = 1;
	snprintf(cfg->trust_anchor, sizeof(cfg->trust_anchor), "%s", anchor);
	cfg->cache.entries = h->o.cache_entries;
	cfg->io.burst = h->o.burst;
	cfg->crypto.path = (enum tw_cfg_crypto_path)h->o.crypto;
	cfg->workers.set = cfg->validators.set = true;
	cfg->workers.n = cfg->validators.n = 1;
	cfg->workers.id[0] = cfg->validators.id[0] = (uint16_t)h->tw_lcore_id;
	if (tw_config_validate(cfg, &err) != 0) {
		ERR("%s", err.text);
		return -EINVAL;
	}
	return 0;
}

static void
fill_net(struct harness *h)
{
	static const uint8_t cl_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t gw_mac[6] = { 0x02, 0, 0, 0, 0, 0xfe };
	struct gen_net *n = &h->net;
	const struct tw_port *p = &h->app->ports[0];
	struct tw_cfg_prefix a;

	memcpy(n->tw_mac, p->mac.addr_bytes, 6);
	memcpy(n->cl_mac, cl_mac, 6);
	tw_config_parse_prefix("192.0.2.1/32", &a);
	memcpy(n->tw4, a.addr, 4);
	tw_config_parse_prefix("192.0.2.10/32", &a);
	memcpy(n->cl4, a.addr, 4);
	tw_config_parse_prefix("2001:db8::1/128", &a);
	memcpy(n->tw6, a.addr, 16);
	tw_config_parse_prefix("2001:db8::1000/128", &a);
	memcpy(n->cl6, a.addr, 16);

	/* The responder: the gateway 192.0.2.254 and the upstream. */
	memset(&h->rcx, 0, sizeof(h->rcx));
	memcpy(h->rcx.mac, gw_mac, 6);
	tw_config_parse_prefix("192.0.2.254/32", &a);
	(void)tw_classify_add_addr(&h->rcx, 4, a.addr);
	tw_config_parse_prefix("198.51.100.53/32", &a);
	(void)tw_classify_add_addr(&h->rcx, 4, a.addr);
}

/* ---- figures ---------------------------------------------------------- */

struct snap {
	uint64_t c[TW_CTR_MAX];
	uint64_t tw_cycles, tw_busy, turns, busy_turns;
	struct counts g;
	uint64_t tsc;
	uint64_t cpu_ns;    /* this thread's (1 lcore) or the process's CPU */
	uint64_t tw_cpu_ns; /* trustwire's busy turns (miss mode) */
	uint64_t phase[TW_PHASES], phase_q; /* -Dphase_cycles=true builds */
};

static void
take(const struct harness *h, struct snap *s)
{
	unsigned i;

	for (i = 0; i < TW_CTR_MAX; i++)
		s->c[i] = tw_stat_read(&h->lc->stats, (enum tw_ctr)i);
	s->tw_cycles = h->tw_cycles;
	s->tw_busy = h->tw_busy_cycles;
	s->turns = h->turns;
	s->busy_turns = h->busy_turns;
	s->g = h->c;
	s->tsc = rte_rdtsc();
	s->cpu_ns = tw_clock_ns(h->o.lcores == 1 ? CLOCK_THREAD_CPUTIME_ID
						 : CLOCK_PROCESS_CPUTIME_ID);
	s->tw_cpu_ns = h->tw_busy_cpu_ns;
	memcpy(s->phase, h->lc->phase_cyc, sizeof(s->phase));
	s->phase_q = h->lc->phase_q;
}

/* What one measured phase gives. */
struct fig {
	uint64_t answered, ok, wrong, missing, tc, sent;
	double secs;	  /* until the last answer */
	double raw;	  /* busy TSC cycles / answer */
	double worker;	  /* worker_cycles / answer (the loop's counter) */
	double median;	  /* --lcores 1: median turn cycles / packet */
	double trimmed;	  /* --lcores 1: turns <= 4x median */
	double left_out;  /* share of turns left out of trimmed */
	double cpu_share; /* CPU time / wall time of the phase */
	double cpq;	  /* the figure: trimmed, else raw x cpu_share */
};

static const char *
crypto_str(int c)
{
	return c == TW_CFG_CRYPTO_AUTO	    ? "auto"
	       : c == TW_CFG_CRYPTO_OPENSSL ? "openssl"
					    : "ipsec_mb";
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Cycles per work unit of the recorded turns, robust to the preemption
 * of a shared machine: the median of the turns' cycles/work, and the
 * cycles/work of the turns at most 4x that median (a turn that took
 * longer was interrupted or preempted: a time slice is milliseconds, a
 * burst microseconds). @return the share of turns left out.
 */
static double
turn_stats(const struct harness *h, double *median, double *trimmed)
{
	double *v, lim;
	uint64_t cyc = 0, work = 0;
	size_t i, out = 0;

	*median = *trimmed = 0;
	if (h->n_samp == 0)
		return 0;
	v = malloc(sizeof(*v) * h->n_samp);
	if (v == NULL)
		return 0;
	for (i = 0; i < h->n_samp; i++)
		v[i] = (double)h->samp[i].cycles / h->samp[i].work;
	qsort(v, h->n_samp, sizeof(*v), cmp_double);
	*median = median_of(v, (unsigned)h->n_samp);
	free(v);
	lim = 4 * *median;
	for (i = 0; i < h->n_samp; i++) {
		if ((double)h->samp[i].cycles / h->samp[i].work > lim) {
			out++;
			continue;
		}
		cyc += h->samp[i].cycles;
		work += h->samp[i].work;
	}
	*trimmed = work ? (double)cyc / (double)work : 0;
	return (double)out / (double)h->n_samp;
}

#define D(i) (b->c[i] - a->c[i])

static void
figures(const struct harness *h, const struct snap *a, const struct snap *b,
	double secs, bool robust, struct fig *f)
{
	double wall_ns =
		(double)(b->tsc - a->tsc) * 1e9 / (double)rte_get_tsc_hz();
	uint64_t busy = h->o.lcores == 1 ? b->tw_busy - a->tw_busy
					 : D(TW_CTR_BUSY_CYCLES);

	memset(f, 0, sizeof(*f));
	f->ok = b->g.ok - a->g.ok;
	f->wrong = b->g.wrong - a->g.wrong;
	f->missing = b->g.missing - a->g.missing;
	f->tc = b->g.tc - a->g.tc;
	f->sent = b->g.sent - a->g.sent;
	f->answered = f->ok + f->wrong;
	f->secs = secs;
	if (f->answered == 0)
		return;
	f->raw = (double)busy / (double)f->answered;
	f->worker = h->bounce ? f->raw
			      : (double)D(TW_CTR_WORKER_CYCLES) /
					(double)f->answered;
	f->cpu_share =
		wall_ns > 0 ? (double)(b->cpu_ns - a->cpu_ns) / wall_ns : 0;
	if (h->o.lcores == 2)
		f->cpu_share /= 2; /* two threads */
	if (f->cpu_share > 1)
		f->cpu_share = 1;
	if (robust && h->o.lcores == 1)
		f->left_out = turn_stats(h, &f->median, &f->trimmed);
	if (f->trimmed > 0)
		f->cpq = f->trimmed;
	else if (b->tw_cpu_ns > a->tw_cpu_ns)
		f->cpq = (double)(b->tw_cpu_ns - a->tw_cpu_ns) * 1e-9 *
			 (double)rte_get_tsc_hz() / (double)f->answered;
	else
		f->cpq = f->raw * (f->cpu_share > 0 ? f->cpu_share : 1);
}

static void
print_fig(const struct harness *h, const char *phase, const struct fig *f)
{
	double hz = (double)rte_get_tsc_hz();

	printf("%-7s %10s %10s %6s %8s %9s %9s %9s %9s %11s\n", "phase",
	       "answered", "ok", "wrong", "missing", "cyc/q", "raw", "worker",
	       "median", "q/s/lcore");
	printf("%-7s %10" PRIu64 " %10" PRIu64 " %6" PRIu64 " %8" PRIu64
	       " %9.1f %9.1f %9.1f %9.1f %11.0f\n",
	       phase, f->answered, f->ok, f->wrong, f->missing, f->cpq, f->raw,
	       f->worker, f->median, f->cpq > 0 ? hz / f->cpq : 0);
	printf("        %.2f s, %.0f answers/s wall (generator included); CPU "
	       "%.0f%% of wall%s",
	       f->secs, f->secs > 0 ? (double)f->answered / f->secs : 0,
	       100 * f->cpu_share,
	       h->o.lcores == 1 ? " (this thread)" : " (both lcores)");
	if (f->trimmed > 0)
		printf("; %.2f%% of turns left out (> 4x median: interrupted)",
		       100 * f->left_out);
	printf("\n");
}

/* ---- main --------------------------------------------------------------- */

static int
find_dashdash(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

/* The measured phase of bounce and hit modes: print and RESULT. */
static void
measure(struct harness *h, size_t n_meas, struct fig *f)
{
	const char *mode = h->bounce ? "bounce" : mode_str[h->o.mode];
	uint64_t total = h->o.queries ? h->o.queries : UINT64_MAX;
	struct snap s1, s2;
	double secs;

	take(h, &s1);
	h->n_samp = 0;
	h->rec = true;
	secs = run_phase(h, 0, n_meas, total,
			 h->bounce && h->o.mode == MODE_HIT ? h->o.floor_seconds
							    : h->o.seconds);
	h->rec = false;
	settle(h, 0.05);
	count_missing(h);
	take(h, &s2);
	figures(h, &s1, &s2, secs, true, f);
	print_fig(h, mode, f);
	if (!h->bounce)
		printf("trustwire: hits %" PRIu64 ", misses %" PRIu64
		       "; %.1f cycles/query against the 215 target\n",
		       s2.c[TW_CTR_HITS] - s1.c[TW_CTR_HITS],
		       s2.c[TW_CTR_MISSES] - s1.c[TW_CTR_MISSES], f->cpq);
	/* A -Dphase_cycles=true build: where the worker's cycles went. */
	if (!h->bounce && s2.phase_q > s1.phase_q) {
		double q = (double)(s2.phase_q - s1.phase_q);
		double p[TW_PHASES];

		for (int i = 0; i < TW_PHASES; i++)
			p[i] = (double)(s2.phase[i] - s1.phase[i]) / q;
		printf("phases (TSC cycles per query, -Dphase_cycles): parse "
		       "%.1f, lookup %.1f, answer %.1f; the rest of the turn "
		       "%.1f\n",
		       p[0], p[1], p[2], f->raw - p[0] - p[1] - p[2]);
		printf("RESULT mode=phases parse=%.1f lookup=%.1f answer=%.1f "
		       "rest=%.1f\n",
		       p[0], p[1], p[2], f->raw - p[0] - p[1] - p[2]);
	}
	printf("RESULT mode=%s lcores=%u burst=%u queries=%" PRIu64
	       " ok=%" PRIu64 " wrong=%" PRIu64 " missing=%" PRIu64
	       " tc=%" PRIu64 " hits=%" PRIu64
	       " cycles_per_query=%.1f raw_cycles_per_query=%.1f "
	       "worker_cycles_per_query=%.1f median_cycles=%.1f "
	       "qps_per_lcore=%.0f cpu_share=%.2f nic_csum=%d\n",
	       mode, h->o.lcores, h->o.burst, f->sent, f->ok, f->wrong,
	       f->missing, f->tc, s2.c[TW_CTR_HITS] - s1.c[TW_CTR_HITS], f->cpq,
	       f->raw, f->worker, f->median,
	       f->cpq > 0 ? (double)rte_get_tsc_hz() / f->cpq : 0, f->cpu_share,
	       h->o.nic_csum ? 1 : 0);
}

/*
 * --nic-csum: trustwire sees the client port as one with IPv4 and UDP
 * checksum offloads on both sides (what drivers/net/port.c sets up when a
 * device announces them; net_ring has none), on every lcore.
 */
static void
nic_csum_on(struct harness *h)
{
	struct tw_port *p = &h->app->ports[0];

	p->tx_ip4_cksum = true;
	p->tx_udp_cksum = true;
	p->rx_cksum = true;
	for (unsigned i = 0; i < h->app->n_lcores; i++) {
		h->app->lcores[i]->port_hot[0].tx_fl =
			TW_NET_F_TX_IP_OFFLOAD | TW_NET_F_TX_L4_OFFLOAD;
		h->app->lcores[i]->port_hot[0].rx_cksum = true;
	}
}

static int
run(struct harness *h)
{
	struct snap s0, s1, s2;
	struct fig f;
	double secs;
	size_t n_meas, n_warm = 0;
	uint64_t total;
	struct tw_cache_stats cst;
	struct name_arg na;
	int rc = 0;

	h->lc = h->app->by_id[h->tw_lcore_id];
	if (h->lc == NULL || !(h->lc->roles & TW_ROLE_WORKER)) {
		ERR("no trustwire worker on lcore %u", h->tw_lcore_id);
		return EXIT_RUNTIME;
	}
	fill_net(h);
	if (h->o.nic_csum)
		nic_csum_on(h);
	h->pool = rte_pktmbuf_pool_create("twg_mbufs", 16383, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	if (h->pool == NULL) {
		ERR("cannot create the generator's mbuf pool: %s (fix: more "
		    "memory, -m or hugepages)",
		    rte_strerror(rte_errno));
		return EXIT_RUNTIME;
	}
	h->samp = malloc(sizeof(*h->samp) * N_SAMPLES);
	if (ids_init(h) != 0 || h->samp == NULL)
		return EXIT_RUNTIME;

	/* Everything generated before any timing. */
	n_meas = h->o.mode == MODE_MISS ? h->o.names : h->o.templates;
	/* aligned_alloc() wants a multiple of the alignment (C11 7.22.3.1). */
	h->tq = aligned_alloc(64,
			      (sizeof(*h->tq) * n_meas * 2 + 63) & ~(size_t)63);
	if (h->tq == NULL) {
		ERR("out of memory for %zu query frames", n_meas);
		return EXIT_RUNTIME;
	}
	na.z = h->zone;
	na.origin = h->o.origin;
	rc = gen_build(&h->o.mix, &h->net, h->o.origin, zone_name, &na, h->tq,
		       n_meas);
	if (rc != 0) {
		ERR("cannot build the queries: %s", tw_strerror(rc));
		return EXIT_RUNTIME;
	}
	if (h->o.mode == MODE_HIT)
		n_warm = warm_list(h, n_meas);
	h->n_tq = n_meas + n_warm;
	printf("tw-gen: mode %s, lcores %u (%s), burst %u, alg %u, crypto %s, "
	       "names %u, zipf %.2f, TSC %.3f GHz%s\n",
	       mode_str[h->o.mode], h->o.lcores,
	       h->o.lcores == 1 ? "trustwire's turns timed with rdtsc"
				: "trustwire's loop on its own lcore",
	       h->o.burst, h->o.alg, crypto_str(h->o.crypto), h->o.names,
	       h->o.zipf, (double)rte_get_tsc_hz() / 1e9,
	       h->o.nic_csum ? "; client port with NIC checksum offloads "
			       "(--nic-csum)"
			     : "");
	printf("tw-gen: mix: DO %u%%, cookie %u%%, flood %u%%, TXT %u%%, IPv6 "
	       "%u%%, 0x20 %u%%, CD %u%%, AD %u%%, no EDNS %u%%; %zu query "
	       "frames, %zu variants to warm\n",
	       h->o.mix.pct_do, h->o.mix.pct_cookie, h->o.mix.pct_flood,
	       h->o.mix.pct_other, h->o.mix.pct_v6, h->o.mix.pct_case,
	       h->o.mix.pct_cd, h->o.mix.pct_ad, h->o.mix.pct_noedns, n_meas,
	       n_warm);
	fflush(stdout);

	h->win = h->o.window;
	h->lc->prev_drain_tsc = rte_rdtsc();
	if (h->o.lcores == 2)
		rte_eal_remote_launch(h->bounce ? bounce_main : tw_lcore_main,
				      h->lc, h->tw_lcore_id);

	if (h->o.mode == MODE_HIT) {
		size_t mem;
		double slot, blob;

		/* Misses wait in a validator: at most a quarter of its ring
		 * (io.ring_size 4096), beyond that trustwire drops them. */
		h->win = TW_MIN(h->o.window, 256u);
		take(h, &s0);
		secs = run_phase(h, n_meas, n_meas + n_warm, n_warm, 600);
		h->win = h->o.window;
		settle(h, 0.2);
		count_missing(h);
		take(h, &s1);
		figures(h, &s0, &s1, secs, false, &f);
		printf("warm: every variant once through the miss path\n");
		print_fig(h, "warm", &f);
		/* The worker's own index (it is stopped or it is us). */
		if (h->o.lcores == 2) {
			tw_app_stop(h->app);
			rte_eal_wait_lcore(h->tw_lcore_id);
		}
		tw_cache_worker_stats(h->lc->cw, &cst);
		mem = tw_cache_worker_mem(h->lc->cw);
		slot = (double)mem / h->o.cache_entries;
		blob = cst.entries ? (double)cst.bytes / (double)cst.entries
				   : 0;
		printf("cache: %" PRIu64 " entries, %" PRIu64
		       " blob bytes; index %zu bytes for %u slots: %.1f "
		       "bytes/slot + %.1f blob bytes/entry = %.1f bytes per "
		       "entry\n",
		       cst.entries, cst.bytes, mem, h->o.cache_entries, slot,
		       blob, slot + blob);
		printf("RESULT mode=warm variants=%zu ok=%" PRIu64
		       " wrong=%" PRIu64 " missing=%" PRIu64 " entries=%" PRIu64
		       " index_bytes_per_slot=%.1f blob_bytes_per_entry=%.1f "
		       "bytes_per_entry=%.1f\n",
		       n_warm, f.ok, f.wrong, f.missing, cst.entries, slot,
		       blob, slot + blob);
		if (h->o.lcores == 2) {
			__atomic_store_n(&h->app->quit, 0, __ATOMIC_RELAXED);
			h->lc->prev_drain_tsc = rte_rdtsc();
			rte_eal_remote_launch(tw_lcore_main, h->lc,
					      h->tw_lcore_id);
		}
	}
	if (h->o.mode == MODE_MISS) {
		double ossl = 0, ossl_after = 0, vps, vps_val;
		double round_cpq[MISS_ROUNDS_MAX], round_ratio[MISS_ROUNDS_MAX];
		double vrate[MISS_ROUNDS_MAX];
		unsigned r;
		uint64_t vcyc;
		size_t mw;

		if (h->o.openssl_seconds > 0) {
			LOG("openssl speed -seconds %u (alg %u) ...",
			    h->o.openssl_seconds, h->o.alg);
			fflush(stdout);
			ossl = openssl_verify(h->o.alg, h->o.openssl_seconds);
			printf("openssl speed: %.0f verify/s\n", ossl);
		}
		/* A validator keeps io.ring_size / 4 clients waiting. */
		h->win = TW_MIN(h->o.window, 1024u);
		/* Prime: the zone's DNSKEY fetched and checked once. */
		run_phase(h, 0, 1, 1, 10);
		settle(h, 0.05);
		/*
		 * Steady state: the first unique names go through untimed,
		 * so the measured answers find the validator's free lists,
		 * the mempools and the key and verdict caches as they are
		 * after hours of service, not as they are at start.
		 */
		mw = h->o.miss_warm >= 0 ? (size_t)h->o.miss_warm
					 : TW_MIN((size_t)n_meas / 5, 2000);
		/* At least one name is left to measure. Wrong answers of
		 * the warm-up count in the totals (exit status) too. */
		mw = n_meas > 2 ? TW_MIN(mw, n_meas - 2) : 0;
		if (mw > 0) {
			run_phase(h, 1, 1 + mw, mw, 600);
			settle(h, 0.05);
		}
		total = n_meas - 1 - mw;
		if (h->o.queries)
			total = TW_MIN(h->o.queries, total);
		LOG("miss: %zu unique names answered untimed first "
		    "(--miss-warm), %" PRIu64 " measured",
		    mw, total);
		h->cpu_timing = h->o.lcores == 1;
		take(h, &s1);
		secs = 0;
		for (r = 0; r < h->o.miss_rounds; r++) {
			struct snap r0, r1;
			struct fig fr;
			double ps;

			/*
			 * Passes after the first: every cache trustwire
			 * has emptied (its lcore's index, the validator's
			 * store, keys and verdicts; outside its timed
			 * turns), so each answer needs a fresh signature
			 * check again, as in the first pass.
			 */
			if (r > 0) {
				tw_cache_flush(h->lc->cw);
				if (tw_validator_flush(h->lc) != 0) {
					ERR("miss: trustwire's validator still "
					    "busy after a pass: not flushed");
					return EXIT_RUNTIME;
				}
			}
			/* OpenSSL's verify/s on this thread right before the
			 * pass: a yardstick under the host's load of the
			 * same moment (openssl speed runs seconds away). */
			vrate[r] = tw_gen_zone_verify_rate(h->zone, 0.2);
			take(h, &r0);
			ps = run_phase(h, 1 + mw, n_meas, total, h->o.seconds);
			secs += ps;
			settle(h, 0.05);
			count_missing(h);
			take(h, &r1);
			figures(h, &r0, &r1, ps, false, &fr);
			round_cpq[r] = fr.cpq;
			round_ratio[r] = fr.cpq > 0 && vrate[r] > 0
						 ? (double)rte_get_tsc_hz() /
							   fr.cpq / vrate[r]
						 : 0;
		}
		take(h, &s2);
		figures(h, &s1, &s2, secs, false, &f);
		print_fig(h, "miss", &f);
		h->cpu_timing = false;
		qsort(round_cpq, h->o.miss_rounds, sizeof(double), cmp_double);
		qsort(round_ratio, h->o.miss_rounds, sizeof(double),
		      cmp_double);
		qsort(vrate, h->o.miss_rounds, sizeof(double), cmp_double);
		printf("passes: %u; cycles per answer min %.0f median %.0f "
		       "max %.0f; OpenSSL verify/s in this thread before "
		       "each pass min %.0f median %.0f max %.0f; answers/s "
		       "of a pass / that verify/s: min %.1f%% median %.1f%% "
		       "max %.1f%%\n",
		       h->o.miss_rounds, round_cpq[0],
		       median_of(round_cpq, h->o.miss_rounds),
		       round_cpq[h->o.miss_rounds - 1], vrate[0],
		       median_of(vrate, h->o.miss_rounds),
		       vrate[h->o.miss_rounds - 1], 100 * round_ratio[0],
		       100 * median_of(round_ratio, h->o.miss_rounds),
		       100 * round_ratio[h->o.miss_rounds - 1]);
		/* And after: the mean of both is the yardstick (drift). */
		if (h->o.openssl_seconds > 0) {
			ossl_after =
				openssl_verify(h->o.alg, h->o.openssl_seconds);
			printf("openssl speed after: %.0f verify/s\n",
			       ossl_after);
			ossl = (ossl + ossl_after) / 2;
		}
		/*
		 * The validator's share of the busy time (the loop's TSC
		 * counters) applied to f.cpq's busy time (CPU time with
		 * --lcores 1).
		 */
		vcyc = s2.c[TW_CTR_VALIDATOR_CYCLES] -
		       s1.c[TW_CTR_VALIDATOR_CYCLES];
		vps = f.cpq > 0 ? (double)rte_get_tsc_hz() / f.cpq : 0;
		vps_val = vcyc && f.raw > 0 ? vps * f.raw * (double)f.answered /
						      (double)vcyc
					    : 0;
		printf("trustwire's turns per answer: %.1f, %.3f of them "
		       "busy\n",
		       f.answered ? (double)(s2.turns - s1.turns) /
					    (double)f.answered
				  : 0,
		       f.answered ? (double)(s2.busy_turns - s1.busy_turns) /
					    (double)f.answered
				  : 0);
		printf("validated answers/s per lcore: %.0f (every role on "
		       "it), %.0f (validator cycles only); secure %" PRIu64
		       ", upstream queries %" PRIu64 "\n",
		       vps, vps_val, s2.c[TW_CTR_SECURE] - s1.c[TW_CTR_SECURE],
		       s2.c[TW_CTR_UPSTREAM_QUERIES] -
			       s1.c[TW_CTR_UPSTREAM_QUERIES]);
		if (ossl > 0)
			printf("of openssl speed verify/s (mean of before and "
			       "after, %.0f): %.1f%% (every role), %.1f%% "
			       "(validator only)\n",
			       ossl, 100 * vps / ossl, 100 * vps_val / ossl);
		printf("RESULT mode=miss lcores=%u alg=%u crypto=%s "
		       "queries=%" PRIu64 " ok=%" PRIu64 " wrong=%" PRIu64
		       " missing=%" PRIu64 " secure=%" PRIu64
		       " cycles_per_answer=%.0f validated_per_s_lcore=%.0f "
		       "validated_per_s_validator=%.0f "
		       "openssl_verify_per_s=%.0f openssl_before=%.0f "
		       "openssl_after=%.0f ratio_lcore=%.3f "
		       "ratio_validator=%.3f cpu_share=%.2f passes=%u "
		       "cycles_per_answer_pass_min=%.0f "
		       "cycles_per_answer_pass_max=%.0f "
		       "ratio_pass_median=%.3f evp_verify_per_s_median=%.0f "
		       "ratio_lcore_pass_median=%.3f\n",
		       h->o.lcores, h->o.alg, crypto_str(h->o.crypto), f.sent,
		       f.ok, f.wrong, f.missing,
		       s2.c[TW_CTR_SECURE] - s1.c[TW_CTR_SECURE], f.cpq, vps,
		       vps_val, ossl, 2 * ossl - ossl_after, ossl_after,
		       ossl > 0 ? vps / ossl : 0, ossl > 0 ? vps_val / ossl : 0,
		       f.cpu_share, h->o.miss_rounds, round_cpq[0],
		       round_cpq[h->o.miss_rounds - 1],
		       median_of(round_ratio, h->o.miss_rounds),
		       median_of(vrate, h->o.miss_rounds),
		       ossl > 0 ? (double)rte_get_tsc_hz() /
					  median_of(round_cpq,
						    h->o.miss_rounds) /
					  ossl
				: 0);
	} else {
		struct fig ff;

		measure(h, n_meas, &f);
		/* The floor in the same process, right after: the bounce
		 * worker on the same ports, queries and timing. */
		if (h->o.mode == MODE_HIT && h->o.floor_seconds > 0) {
			if (h->o.lcores == 2) {
				tw_app_stop(h->app);
				rte_eal_wait_lcore(h->tw_lcore_id);
				__atomic_store_n(&h->app->quit, 0,
						 __ATOMIC_RELAXED);
				rte_eal_remote_launch(bounce_main, h->lc,
						      h->tw_lcore_id);
			}
			h->bounce = true;
			measure(h, n_meas, &ff);
			printf("hit path: %.1f cycles/query, floor %.1f: %.1f "
			       "cycles/query of DNS work; %.2fx the 215 "
			       "target\n",
			       f.cpq, ff.cpq, f.cpq - ff.cpq, f.cpq / 215);
			printf("RESULT mode=hit_vs_floor lcores=%u "
			       "cycles_per_query=%.1f floor_cycles=%.1f "
			       "dns_cycles=%.1f qps_per_lcore=%.0f "
			       "floor_qps_per_lcore=%.0f target_ratio=%.2f "
			       "ok=%" PRIu64 " wrong=%" PRIu64
			       " missing=%" PRIu64 "\n",
			       h->o.lcores, f.cpq, ff.cpq, f.cpq - ff.cpq,
			       f.cpq > 0 ? (double)rte_get_tsc_hz() / f.cpq : 0,
			       ff.cpq > 0 ? (double)rte_get_tsc_hz() / ff.cpq
					  : 0,
			       f.cpq / 215, f.ok + ff.ok, f.wrong + ff.wrong,
			       f.missing + ff.missing);
		}
	}
	if (h->o.lcores == 2) {
		tw_app_stop(h->app);
		rte_eal_wait_lcore(h->tw_lcore_id);
		gen_collect(h); /* what its last flush sent */
	}
	printf("totals: sent %" PRIu64 ", ok %" PRIu64 " (tc %" PRIu64
	       "), wrong %" PRIu64 " (stray %" PRIu64 "), missing %" PRIu64
	       ", other frames %" PRIu64 "; upstream: %" PRIu64
	       " queries, %" PRIu64 " ARP, %" PRIu64 " dropped\n",
	       h->c.sent, h->c.ok, h->c.tc, h->c.wrong, h->c.stray,
	       h->c.missing, h->c.other, h->up_queries, h->up_arp, h->up_bad);
	if (h->c.wrong != 0)
		return EXIT_WRONG;
	if (h->c.ok == 0)
		return EXIT_RUNTIME;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct tw_app app;
	static struct harness h;
	struct tw_config *cfg = NULL;
	struct tw_gen_zone_params zp;
	char anchor[64] = "";
	int dd, rc, status = EXIT_RUNTIME, eal_argc;
	unsigned id;

	dd = find_dashdash(argc, argv);
	eal_argc = dd < 0 ? argc : dd;
	if (dd < 0) {
		int i;

		for (i = 1; i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 ||
			    strcmp(argv[i], "-h") == 0) {
				usage(stdout);
				return 0;
			}
	}
	argv[dd < 0 ? 0 : dd] = argv[0];
	if (parse_opts(&h.o, dd < 0 ? 1 : argc - dd,
		       argv + (dd < 0 ? 0 : dd)) != 0)
		return EXIT_USAGE;
	if (dd >= 0)
		argv[dd] = (char *)"--";

	rc = rte_eal_init(eal_argc, argv);
	if (rc < 0) {
		ERR("EAL initialisation failed: %s (fix: run as root, or add "
		    "--no-huge; give a --file-prefix of your own)",
		    rte_strerror(rte_errno));
		return EXIT_RUNTIME;
	}
	h.app = &app;
	h.bounce = h.o.mode == MODE_BOUNCE;
	h.tw_lcore_id = rte_get_main_lcore();
	if (h.o.lcores == 2) {
		id = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
		if (id >= RTE_MAX_LCORE) {
			ERR("--lcores 2 needs two EAL lcores (fix: -l 0-1)");
			status = EXIT_USAGE;
			goto out;
		}
		h.tw_lcore_id = id;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* The signed zone (also in bounce mode: its trust anchor). */
	memset(&zp, 0, sizeof(zp));
	zp.origin = h.o.origin;
	zp.alg = (uint8_t)h.o.alg;
	zp.n_names = h.o.mode == MODE_BOUNCE ? 16 : h.o.names;
	zp.now = (uint32_t)time(NULL);
	zp.ttl = 86400;
	zp.threads = h.o.zone_threads;
	zp.label_pad = h.o.mode == MODE_BOUNCE ? 0 : h.o.name_pad;
	{
		uint64_t t0 = rte_rdtsc();

		rc = tw_gen_zone_build(&zp, &h.zone);
		if (rc != 0) {
			ERR("cannot build the zone: %s", tw_strerror(rc));
			goto out;
		}
		LOG("zone %s: %u names, alg %u, signed in %.2f s", h.o.origin,
		    zp.n_names, h.o.alg,
		    (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz());
	}
	rc = write_anchor(&h, anchor, sizeof(anchor));
	if (rc != 0) {
		ERR("cannot write the trust anchor: %s", tw_strerror(rc));
		goto out;
	}
	if (make_ports(&h) != 0)
		goto out;
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL || make_config(&h, cfg, anchor) != 0)
		goto out;
	rc = tw_app_init(&app, cfg);
	if (rc == 0)
		status = run(&h);
	else
		ERR("trustwire's data plane did not start");
	tw_app_fini(&app);
	/* After trustwire's rings gave their mbufs back. */
	rte_mempool_free(h.pool);
	rte_ring_free(h.c_rx);
	rte_ring_free(h.c_tx);
	rte_ring_free(h.u_rx);
	rte_ring_free(h.u_tx);
out:
	if (anchor[0] != '\0')
		unlink(anchor);
	tw_gen_zone_free(h.zone);
	free(h.tq);
	free(h.samp);
	free(h.out_q);
	free(h.free_ids);
	rte_eal_cleanup();
	free(cfg);
	return status;
}
