/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Adaptive idle back-off for poll-mode loops.
 *
 * A poll loop that finds no work spins a few times (the caller executes
 * a pause instruction), then sleeps, doubling the sleep from
 * TW_IDLE_SLEEP_MIN_US up to a maximum (about 1 ms by default). Any work
 * resets it. On a dedicated core set the maximum to 0: it never sleeps.
 * This keeps a 2-core test machine usable while trustwire runs, at the
 * cost of up to sleep_max_us of added latency on the first packet after
 * an idle period.
 *
 * Pure C, no DPDK: tw_idle_step() only decides; the lcore loop does the
 * rte_pause() or the sleep (tw_port.h: tw_idle_wait()).
 */
#ifndef TW_IDLE_H
#define TW_IDLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TW_IDLE_SLEEP_MIN_US 8

struct tw_idle {
	uint32_t spin_polls;   /**< empty polls before the first sleep */
	uint32_t sleep_max_us; /**< 0: never sleep (dedicated cores) */
	uint32_t empty;	       /**< consecutive empty polls */
	uint32_t sleep_us;     /**< next sleep */
	uint64_t sleeps;       /**< statistics: sleeps taken */
	uint64_t slept_us;     /**< statistics: time asked to sleep */
};

static inline void
tw_idle_init(struct tw_idle *s, uint32_t spin_polls, uint32_t sleep_max_us)
{
	s->spin_polls = spin_polls;
	s->sleep_max_us = sleep_max_us;
	s->empty = 0;
	s->sleep_us = TW_IDLE_SLEEP_MIN_US;
	s->sleeps = 0;
	s->slept_us = 0;
}

/**
 * Account one poll that did @p work units of work.
 *
 * @return 0 when the caller should just pause and poll again (there was
 *   work, or we are still in the spin phase), otherwise the number of
 *   microseconds to sleep.
 */
static inline uint32_t
tw_idle_step(struct tw_idle *s, unsigned work)
{
	uint32_t us;

	if (work > 0) {
		s->empty = 0;
		s->sleep_us = TW_IDLE_SLEEP_MIN_US;
		return 0;
	}
	if (s->empty < s->spin_polls) {
		s->empty++;
		return 0;
	}
	if (s->sleep_max_us == 0)
		return 0;
	us = s->sleep_us < s->sleep_max_us ? s->sleep_us : s->sleep_max_us;
	if (s->sleep_us < s->sleep_max_us)
		s->sleep_us *= 2;
	s->sleeps++;
	s->slept_us += us;
	return us;
}

#ifdef __cplusplus
}
#endif

#endif /* TW_IDLE_H */
