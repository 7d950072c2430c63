/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore loop, one for every role combination (l3fwd's main_loop
 * shape): poll what the roles say, flush TX buffers on a TSC timer, back
 * off when idle.
 */
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "trustwire.h"

volatile int tw_signal_received;

void
tw_app_stop(struct tw_app *app)
{
	__atomic_store_n(&app->quit, 1, __ATOMIC_RELAXED);
}

static inline int
should_quit(struct tw_app *app)
{
	return __atomic_load_n(&app->quit, __ATOMIC_RELAXED);
}

static void
flush_all(struct tw_lcore *lc)
{
	const struct tw_app *app = lc->app;
	unsigned p;

	for (p = 0; p < app->n_ports; p++) {
		struct tw_txq *q = &lc->txq[p];

		tw_txq_flush(q);
		/* Also counts what tw_txq_send() flushed when full. */
		tw_stat_add(&lc->stats, TW_CTR_TX, q->sent - lc->tx_seen[p]);
		tw_stat_add(&lc->stats, TW_CTR_TX_DROPPED,
			    q->dropped - lc->tx_drop_seen[p]);
		lc->tx_seen[p] = q->sent;
		lc->tx_drop_seen[p] = q->dropped;
		if (app->has_exc) {
			struct tw_txq *e = &lc->exc_txq[p];

			tw_txq_flush(e);
			tw_stat_add(&lc->stats, TW_CTR_EXC_DROPPED,
				    e->dropped - lc->exc_drop_seen[p]);
			lc->exc_drop_seen[p] = e->dropped;
		}
	}
}

/* Main lcore duties, on the drain timer: stop conditions. */
static void
control_tick(struct tw_lcore *lc, uint64_t now)
{
	struct tw_app *app = lc->app;

	if (tw_signal_received)
		tw_app_stop(app);
	if (app->stop_tsc != 0 && now >= app->stop_tsc)
		tw_app_stop(app);
}

/* One turn of the loop: polls, drain timer, cycle counters. */
static inline unsigned
lcore_turn(struct tw_lcore *lc)
{
	/*
	 * Busy time (doc/performance.md): the TSC cycles of the turns that
	 * moved something, split by role. Cycles per query is
	 * worker_cycles / queries, independent of idle polling.
	 */
	uint64_t t0 = rte_rdtsc(), t1, now;
	unsigned wwork = 0, vwork = 0, work;

	if (lc->roles & TW_ROLE_WORKER)
		wwork = tw_worker_poll(lc);
	now = rte_rdtsc();
	if (lc->roles & TW_ROLE_VALIDATOR)
		vwork = tw_validator_poll(lc, now);
	work = wwork + vwork;
	tw_stat_inc(&lc->stats, TW_CTR_POLLS);

	/* TX drain timer (~100 us): bounded latency at low rates. */
	if (now - lc->prev_drain_tsc >= lc->drain_tsc) {
		flush_all(lc);
		lc->prev_drain_tsc = now;
		if (lc->roles & TW_ROLE_MAIN)
			control_tick(lc, now);
	}
	if (work != 0) {
		t1 = rte_rdtsc();
		tw_stat_add(&lc->stats, TW_CTR_BUSY_CYCLES, t1 - t0);
		if (wwork != 0)
			tw_stat_add(&lc->stats, TW_CTR_WORKER_CYCLES, now - t0);
		if (vwork != 0)
			tw_stat_add(&lc->stats, TW_CTR_VALIDATOR_CYCLES,
				    t1 - now);
	}
	return work;
}

unsigned
tw_lcore_turn(struct tw_lcore *lc)
{
	return lcore_turn(lc);
}

void
tw_lcore_flush(struct tw_lcore *lc)
{
	if (lc->roles & TW_ROLE_WORKER)
		tw_worker_flush_stages(lc);
	flush_all(lc);
}

int
tw_lcore_main(void *arg)
{
	struct tw_lcore *lc = arg;
	struct tw_app *app = lc->app;
	unsigned work;
	uint32_t us;

	/*
	 * Back-off sleeps are short (8 us .. 1 ms): the default 50 us timer
	 * slack of Linux would dominate them.
	 */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	lc->prev_drain_tsc = rte_rdtsc();

	while (!should_quit(app)) {
		work = lcore_turn(lc);
		us = tw_idle_step(&lc->idle, work);
		if (us == 0) {
			if (work == 0)
				rte_pause();
			continue;
		}
		/* Nothing buffered may wait for the end of a sleep. */
		flush_all(lc);
		{
			struct timespec ts = { 0, (long)us * 1000 };

			nanosleep(&ts, NULL);
		}
		tw_stat_inc(&lc->stats, TW_CTR_IDLE_SLEEPS);
		tw_stat_add(&lc->stats, TW_CTR_IDLE_US, us);
		if (lc->roles & TW_ROLE_MAIN)
			control_tick(lc, rte_rdtsc());
	}
	tw_lcore_flush(lc);
	return 0;
}
