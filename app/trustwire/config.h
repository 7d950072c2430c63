/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * trustwire configuration: defaults, the YAML file, command-line
 * overrides, validation and an effective-config printer.
 *
 * Pure C (libyaml + libc, no DPDK) so it is unit-tested without EAL
 * (tests/app/test_config.c). The order of precedence is
 *   built-in defaults  <  config file (-c FILE)  <  command-line options
 * and a list given on the command line (--listen, --upstream, --port,
 * --gateway, --nta) replaces the file's list instead of extending it.
 *
 * Every error names where it comes from and how to fix it, as one line:
 * @verbatim
   FILE:LINE: WHAT (fix: HOW)
   command line: WHAT (fix: HOW)
 @endverbatim
 * The full key reference is doc/dataplane.md ("Configuration").
 */
#ifndef TW_APP_CONFIG_H
#define TW_APP_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TW_CFG_MAX_PORTS     8
#define TW_CFG_MAX_LISTEN    16
#define TW_CFG_MAX_ALLOW     64
#define TW_CFG_MAX_UPSTREAMS 16
#define TW_CFG_MAX_NTA	     64
#define TW_CFG_MAX_LCORES    128 /* RTE_MAX_LCORE of Debian's DPDK */
#define TW_CFG_DEVARGS_MAX   256
#define TW_CFG_NAME_MAX	     256 /* presentation name + NUL */
#define TW_CFG_IFNAME_MAX    16	 /* IFNAMSIZ */
#define TW_CFG_DEFAULT_TA    "/usr/share/dns/root.key"
#define TW_CFG_CMDLINE	     "command line"

/** Where a value came from: file line (>= 1), or 0 for default/CLI. */
typedef unsigned tw_cfg_line;

/** An address with a prefix length (listen addresses). */
struct tw_cfg_prefix {
	int family;	  /**< AF_INET or AF_INET6 */
	uint8_t addr[16]; /**< network order; IPv4 in the first 4 bytes */
	uint8_t len;	  /**< prefix length */
	tw_cfg_line line;
};

/** A host address (gateways). family == 0: unset. */
struct tw_cfg_addr {
	int family;
	uint8_t addr[16];
	tw_cfg_line line;
};

/** An upstream resolver: address and UDP port. */
struct tw_cfg_upstream {
	int family;
	uint8_t addr[16];
	uint16_t port;
	tw_cfg_line line;
};

/** A DPDK device: PCI address or vdev string ("net_pcap0,iface=x"). */
struct tw_cfg_port {
	char devargs[TW_CFG_DEVARGS_MAX];
	uint16_t rx_desc; /**< 0: the io.rx_desc default */
	uint16_t tx_desc; /**< 0: the io.tx_desc default */
	tw_cfg_line line;
};

/** A set of lcore ids for one role. */
struct tw_cfg_lcores {
	bool set; /**< false: derived from the EAL lcores at start */
	uint16_t n;
	uint16_t id[TW_CFG_MAX_LCORES];
	tw_cfg_line line;
};

/** How validators hash signed data (lib/crypto's enum tw_crypto_path). */
enum tw_cfg_crypto_path {
	TW_CFG_CRYPTO_AUTO = 0,	    /**< IPsec-MB batches when usable */
	TW_CFG_CRYPTO_OPENSSL = 1,  /**< OpenSSL only, one at a time */
	TW_CFG_CRYPTO_IPSEC_MB = 2, /**< IPsec-MB or the validator fails */
};

enum tw_cfg_exception {
	TW_CFG_EXC_NONE = 0, /**< drop what the fast path does not handle */
	TW_CFG_EXC_TAP = 1,  /**< net_tap interface to the kernel */
};

struct tw_config {
	/** The file loaded ("" when none). */
	char file[PATH_MAX];

	struct tw_cfg_port ports[TW_CFG_MAX_PORTS];
	unsigned n_ports; /**< 0: every ethdev port EAL probed */

	struct tw_cfg_prefix listen[TW_CFG_MAX_LISTEN];
	unsigned n_listen;

	/**
	 * Client prefixes allowed to query (UDP and TCP); none: every
	 * address (a warning at start: an open resolver wherever the
	 * listen addresses are reachable, RFC 5358 4).
	 */
	struct tw_cfg_prefix allow[TW_CFG_MAX_ALLOW];
	unsigned n_allow;

	struct tw_cfg_addr gateway4; /**< IPv4 next hop */
	struct tw_cfg_addr gateway6; /**< IPv6 next hop */

	struct tw_cfg_upstream upstreams[TW_CFG_MAX_UPSTREAMS];
	unsigned n_upstreams;

	char trust_anchor[PATH_MAX];
	tw_cfg_line trust_anchor_line;

	/** Negative trust anchors (RFC 7646), presentation, trailing dot. */
	char nta[TW_CFG_MAX_NTA][TW_CFG_NAME_MAX];
	unsigned n_nta;

	struct tw_cfg_lcores workers;
	struct tw_cfg_lcores validators;

	struct {
		uint32_t entries;   /**< per worker */
		uint32_t max_ttl;   /**< seconds */
		uint32_t min_ttl;   /**< seconds */
		uint32_t bogus_ttl; /**< RFC 4035 4.7: hold bogus briefly */
	} cache;

	struct {
		uint32_t upstream_timeout_ms;
		uint32_t max_inflight;	       /**< pending queries/validator */
		uint32_t max_validations;      /**< signatures per response */
		uint32_t nsec3_max_iterations; /**< RFC 9276 3.2 */
		uint32_t edns_udp_size;	       /**< our advertised size */
	} limits;

	struct {
		uint32_t burst;	      /**< RX/TX burst size */
		uint32_t rx_desc;     /**< RX descriptors per queue */
		uint32_t tx_desc;     /**< TX descriptors per queue */
		uint32_t mbufs;	      /**< mbufs in the pool (0: computed) */
		uint32_t ring_size;   /**< worker -> validator rings */
		uint32_t tx_drain_us; /**< TX buffer flush period */
	} io;

	struct {
		uint32_t spin_polls;   /**< empty polls before sleeping */
		uint32_t sleep_max_us; /**< longest sleep; 0: never sleep */
	} idle;

	struct {
		enum tw_cfg_exception type;
		char name[TW_CFG_IFNAME_MAX]; /**< kernel interface name */
		/** Give the kernel side the listen addresses (ARP/ND/...). */
		bool addresses;
	} exception;

	struct {
		enum tw_cfg_crypto_path path; /**< crypto.path */
		/**
		 * crypto.sha1_signatures: validate algorithms 5 and 7
		 * (RSASHA1, RSASHA1-NSEC3-SHA1; RFC 8624 3.1: MUST). false:
		 * treat them as unsupported, so zones signed only with them
		 * are insecure (RFC 9905).
		 */
		bool sha1_signatures;
	} crypto;

	struct {
		uint32_t bogus_rate;  /**< log lines per second, per lcore */
		uint32_t bogus_burst; /**< bucket depth */
	} log;

	/* Command line only. */
	uint32_t duration_s; /**< stop after N seconds; 0: run until signal */
	bool check_only;     /**< --check: validate, print, exit */
	bool help;	     /**< --help: usage printed by the caller */
};

/** An error: where and what, plus the formatted one-line text. */
struct tw_config_err {
	char file[PATH_MAX];	   /**< file name or TW_CFG_CMDLINE */
	unsigned line;		   /**< 1-based; 0 when not about a line */
	char text[PATH_MAX + 768]; /**< "FILE:LINE: WHAT (fix: HOW)" */
};

/** Fill @p c with the built-in defaults (see doc/dataplane.md). */
void tw_config_defaults(struct tw_config *c);

/**
 * Load a YAML config file over the current values of @p c.
 *
 * @return 0; -ENOENT, -EACCES, ... (errno) when the file cannot be read;
 *   -EINVAL for a syntax or value error. @p err says where and why.
 */
int tw_config_load_file(struct tw_config *c, const char *path,
			struct tw_config_err *err);

/**
 * Load YAML text (for tests): @p name is used in error messages.
 * @return 0 or -EINVAL.
 */
int tw_config_load_string(struct tw_config *c, const char *name,
			  const char *text, size_t len,
			  struct tw_config_err *err);

/**
 * Parse the application's arguments (those after EAL's "--"): applies
 * defaults, then -c FILE when given, then every other option as an
 * override, then tw_config_validate(). @p argv[0] is the program name;
 * @p argv is not modified. With -h/--help only @c help is set.
 *
 * @return 0; -EINVAL (bad option or value, bad file content); an errno
 *   when the file cannot be read.
 */
int tw_config_parse_args(struct tw_config *c, int argc, char *const argv[],
			 struct tw_config_err *err);

/**
 * Cross-key checks (gateway on a listen prefix, duplicate lcores,
 * one gateway per family, ...).
 * @return 0 or -EINVAL.
 */
int tw_config_validate(const struct tw_config *c, struct tw_config_err *err);

/** The --help text (every option; keys are in doc/dataplane.md). */
void tw_config_usage(FILE *f, const char *prog);

/** Print the effective configuration as YAML (loadable again). */
void tw_config_print(const struct tw_config *c, FILE *f);

/* Value parsers, shared by the file and the command line. 0 or -EINVAL. */
int tw_config_parse_prefix(const char *s, struct tw_cfg_prefix *out);
int tw_config_parse_addr(const char *s, struct tw_cfg_addr *out);
int tw_config_parse_upstream(const char *s, struct tw_cfg_upstream *out);
int tw_config_parse_lcores(const char *s, struct tw_cfg_lcores *out);
int tw_config_parse_name(const char *s, char out[TW_CFG_NAME_MAX]);

/** Format an address (no prefix) into @p buf (>= 46 bytes). */
const char *tw_config_addr_str(int family, const uint8_t *addr, char *buf,
			       size_t size);

/**
 * Format an error in @p err (for callers outside this module that check
 * EAL-dependent things, e.g. lcores, against a config line).
 * @return -EINVAL.
 */
int tw_config_error(struct tw_config_err *err, const struct tw_config *c,
		    tw_cfg_line line, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#ifdef __cplusplus
}
#endif

#endif /* TW_APP_CONFIG_H */
