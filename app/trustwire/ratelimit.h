/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Token bucket for rate-limited logging (one line per bogus answer, at
 * most @c rate lines per second with bursts of @c burst). Time is an
 * input (house style 5): the caller passes a monotonic nanosecond clock.
 * Integer arithmetic: one token is 1e9 units and a nanosecond adds
 * @c rate units. Pure C, one bucket per lcore (no sharing).
 */
#ifndef TW_APP_RATELIMIT_H
#define TW_APP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TW_RL_UNIT 1000000000ull

struct tw_ratelimit {
	uint64_t tokens; /**< in units (1 token = TW_RL_UNIT) */
	uint64_t last_ns;
	uint32_t rate;	     /**< tokens per second; 0: never allow */
	uint32_t burst;	     /**< bucket depth in tokens */
	uint64_t suppressed; /**< denied since the last allowed event */
	uint64_t suppressed_total;
};

static inline void
tw_ratelimit_init(struct tw_ratelimit *rl, uint32_t rate, uint32_t burst,
		  uint64_t now_ns)
{
	rl->rate = rate;
	rl->burst = burst > 0 ? burst : 1;
	rl->tokens = (uint64_t)rl->burst * TW_RL_UNIT;
	rl->last_ns = now_ns;
	rl->suppressed = 0;
	rl->suppressed_total = 0;
}

/**
 * Take a token if there is one.
 * @return true: go ahead (then @c suppressed says how many were dropped
 *   since the previous allowed event; the caller reports and zeroes it).
 */
static inline bool
tw_ratelimit_allow(struct tw_ratelimit *rl, uint64_t now_ns)
{
	uint64_t cap = (uint64_t)rl->burst * TW_RL_UNIT;
	uint64_t elapsed = now_ns > rl->last_ns ? now_ns - rl->last_ns : 0;

	rl->last_ns = now_ns > rl->last_ns ? now_ns : rl->last_ns;
	if (rl->rate > 0) {
		/* elapsed * rate overflows only past cap: clamp first. */
		if (elapsed >= cap / rl->rate)
			rl->tokens = cap;
		else if (rl->tokens + elapsed * rl->rate >= cap)
			rl->tokens = cap;
		else
			rl->tokens += elapsed * rl->rate;
		if (rl->tokens >= TW_RL_UNIT) {
			rl->tokens -= TW_RL_UNIT;
			return true;
		}
	}
	rl->suppressed++;
	rl->suppressed_total++;
	return false;
}

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_RATELIMIT_H */
