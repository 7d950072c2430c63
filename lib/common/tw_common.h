/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Things every trustwire library shares: error codes, tw_strerror(), the
 * allocation hook, byte-order helpers and branch hints.
 *
 * Errors are 0 or a negative errno; DNS- and packet-specific errors start
 * at TW_EBASE (1000) and are also returned negated, e.g. -TW_ELOOP.
 * tw_strerror() names both kinds.
 */
#ifndef TW_COMMON_H
#define TW_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/** Cache line size assumed for per-lcore structures. */
#define TW_CACHE_LINE	 64
#define TW_CACHE_ALIGNED __attribute__((aligned(TW_CACHE_LINE)))

#define TW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TW_MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define TW_MAX(a, b)	 ((a) > (b) ? (a) : (b))

/** trustwire-specific error numbers (returned negated). */
enum tw_errno {
	TW_EBASE = 1000,
	TW_ETRUNC,   /**< read past the end of the buffer */
	TW_ELABEL,   /**< label longer than 63 octets (RFC 1035 2.3.4) */
	TW_ENAMELEN, /**< name longer than 255 octets (RFC 1035 2.3.4) */
	TW_ELOOP,    /**< compression pointer loop or pointer to itself */
	TW_EPTR,     /**< compression pointer forward or out of range */
	TW_ECOUNT,   /**< section counts larger than the packet holds */
	TW_EFORMAT,  /**< malformed message or header */
	TW_EOPT,     /**< OPT RR duplicated, misplaced or malformed */
	TW_ERDATA,   /**< rdata malformed for its type */
	TW_EFRAG,    /**< IP fragment (refused, never reassembled) */
	TW_ECSUM,    /**< bad checksum */
	TW_EPROTO,   /**< not the protocol we handle here */
	TW_ESYNTAX,  /**< presentation-format (zone file) syntax error */
	TW_EUNSUPP,  /**< well-formed but unsupported (type, algorithm) */
	TW_ELIMIT,   /**< a configured work limit was reached */
	TW_EMAX
};

/**
 * Describe an error code.
 *
 * @param err
 *   0, a negative errno or a negative TW_E* code (the sign is ignored).
 * @return
 *   A static string; never NULL.
 */
const char *tw_strerror(int err);

/**
 * Allocation hook: every library allocates through tw_malloc()/tw_free()
 * so tests can count and fail allocations (house style 5).
 */
struct tw_alloc_hooks {
	void *(*malloc_fn)(size_t size, void *ctx);
	void *(*calloc_fn)(size_t n, size_t size, void *ctx);
	void *(*realloc_fn)(void *p, size_t size, void *ctx);
	void (*free_fn)(void *p, void *ctx);
	void *ctx;
};

/**
 * Install allocation hooks (process-wide; call before any worker starts).
 *
 * @param hooks
 *   The hooks, or NULL to restore the C library's allocator. Copied.
 */
void tw_alloc_set_hooks(const struct tw_alloc_hooks *hooks);

void *tw_malloc(size_t size);
void *tw_calloc(size_t n, size_t size);
/**
 * tw_calloc() for a large table that the data path then touches at
 * random (cache indexes, verdict caches): every page is written once
 * here, so it is mapped now, not by the first lookups and insertions
 * (fresh calloc() memory is mapped page by page on first write, a page
 * fault of thousands of cycles each).
 */
void *tw_calloc_touched(size_t n, size_t size);
void *tw_realloc(void *p, size_t size);
void tw_free(void *p);

/* Unaligned big-endian loads and stores (wire format), via memcpy. */
static inline uint16_t
tw_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
tw_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void
tw_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
tw_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/**
 * Nanoseconds of clock @p id: CLOCK_MONOTONIC for elapsed time,
 * CLOCK_THREAD_CPUTIME_ID for this thread's CPU time (what `openssl
 * speed` divides by, so figures per core are not disturbed by whatever
 * else the machine runs). For the benchmarks and the harness.
 */
static inline uint64_t
tw_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/**
 * RFC 1982 serial-number arithmetic for 32-bit values:
 * true when a is "less than" b.
 */
static inline int
tw_serial_lt(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(a - b) < 0;
}

#ifdef __cplusplus
}
#endif

#endif /* TW_COMMON_H */
