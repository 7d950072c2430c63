/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Observability: DPDK telemetry commands, the final statistics, and the
 * rate-limited bogus-answer log.
 *
 * Telemetry callbacks run on DPDK's telemetry thread; they only read the
 * per-lcore counters (relaxed loads, see stats.h) and the read-only app.
 *
 *   dpdk-telemetry.py -f PREFIX     (PREFIX = EAL --file-prefix, default
 *   --> /trustwire/stats              "rte"; the script is in Debian's
 *                                     dpdk-dev package)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_telemetry.h>

#include "trustwire.h"

RTE_LOG_REGISTER(tw_logtype_bogus, trustwire.bogus, NOTICE);

static struct tw_app *tel_app;

static void
collect(const struct tw_app *app, struct tw_stats *tot)
{
	const struct tw_stats *in[RTE_MAX_LCORE];
	unsigned i;

	for (i = 0; i < app->n_lcores; i++)
		in[i] = &app->lcores[i]->stats;
	tw_stats_sum(tot, in, app->n_lcores);
}

static const char *
roles_str(uint8_t roles, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", roles & TW_ROLE_WORKER ? "worker " : "",
		 roles & TW_ROLE_VALIDATOR ? "validator " : "",
		 roles & TW_ROLE_MAIN ? "main " : "");
	if (buf[0] != '\0')
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* Counters as a dict, plus "bogus_ede": [count per EDE code]. */
static int
stats_to_tel(const struct tw_stats *s, struct rte_tel_data *d)
{
	struct rte_tel_data *ede;
	unsigned i;

	for (i = 0; i < TW_CTR_MAX; i++)
		rte_tel_data_add_dict_u64(d, tw_ctr_name((enum tw_ctr)i),
					  tw_stat_read(s, (enum tw_ctr)i));
	ede = rte_tel_data_alloc();
	if (ede == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(ede, RTE_TEL_U64_VAL);
	for (i = 0; i < TW_STATS_EDE_MAX; i++)
		rte_tel_data_add_array_u64(ede, s->bogus_ede[i]);
	return rte_tel_data_add_dict_container(d, "bogus_ede", ede, 0);
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tw_stats tot;

	(void)cmd;
	(void)params;
	collect(tel_app, &tot);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "uptime_s",
				  (rte_rdtsc() - tel_app->start_tsc) /
					  rte_get_tsc_hz());
	return stats_to_tel(&tot, d);
}

static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < tel_app->n_lcores; i++)
		rte_tel_data_add_array_int(d,
					   (int)tel_app->lcores[i]->lcore_id);
	return 0;
}

static int
tel_lcore(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_lcore *lc;
	char roles[48], *end;
	unsigned long id;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	id = strtoul(params, &end, 10);
	if (*end != '\0' || id >= RTE_MAX_LCORE || tel_app->by_id[id] == NULL)
		return -EINVAL;
	lc = tel_app->by_id[id];
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "lcore", (int)lc->lcore_id);
	rte_tel_data_add_dict_string(
		d, "roles", roles_str(lc->roles, roles, sizeof(roles)));
	return stats_to_tel(&lc->stats, d);
}

static int
tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tw_app *app = tel_app;
	struct rte_tel_data *ports;
	unsigned i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", "0.1.0");
	rte_tel_data_add_dict_string(
		d, "config", app->cfg->file[0] ? app->cfg->file : "(none)");
	rte_tel_data_add_dict_int(d, "workers", (int)app->n_workers);
	rte_tel_data_add_dict_int(d, "validators", (int)app->n_validators);
	rte_tel_data_add_dict_int(d, "exception_path", app->has_exc);
	ports = rte_tel_data_alloc();
	if (ports == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(ports, RTE_TEL_INT_VAL);
	for (i = 0; i < app->n_ports; i++)
		rte_tel_data_add_array_int(ports, app->ports[i].port_id);
	return rte_tel_data_add_dict_container(d, "ports", ports, 0);
}

int
tw_telemetry_register(struct tw_app *app)
{
	int rc = 0;

	tel_app = app;
	rc |= rte_telemetry_register_cmd(
		"/trustwire/stats", tel_stats,
		"trustwire counters summed over lcores. No parameters");
	rc |= rte_telemetry_register_cmd(
		"/trustwire/lcores", tel_lcores,
		"lcore ids with a trustwire role. No parameters");
	rc |= rte_telemetry_register_cmd(
		"/trustwire/lcore", tel_lcore,
		"one lcore's roles and counters. Parameters: lcore id");
	rc |= rte_telemetry_register_cmd(
		"/trustwire/info", tel_info,
		"version, config file, roles, ports. No parameters");
	return rc == 0 ? 0 : -EINVAL;
}

void
tw_stats_print_final(struct tw_app *app, FILE *f)
{
	struct tw_stats tot;
	char prefix[96], roles[48];
	unsigned i;

	fprintf(f, "trustwire: final statistics\n");
	for (i = 0; i < app->n_lcores; i++) {
		const struct tw_lcore *lc = app->lcores[i];

		snprintf(prefix, sizeof(prefix), "lcore %u [%s]:", lc->lcore_id,
			 roles_str(lc->roles, roles, sizeof(roles)));
		tw_stats_print(f, prefix, &lc->stats, 0);
	}
	collect(app, &tot);
	tw_stats_print(f, "total:", &tot, 1);
	for (i = 0; i < app->n_ports; i++)
		tw_port_print_stats(&app->ports[i], f);
	if (app->has_exc)
		for (i = 0; i < app->n_ports; i++)
			tw_port_print_stats(&app->exc[i], f);
	fflush(f);
}

void
tw_log_bogus(struct tw_lcore *lc, const char *qname, uint16_t qtype, int ede,
	     const char *reason)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (!tw_ratelimit_allow(&lc->bogus_rl, now)) {
		tw_stat_inc(&lc->stats, TW_CTR_LOG_SUPPRESSED);
		return;
	}
	rte_log(RTE_LOG_NOTICE, tw_logtype_bogus,
		"trustwire: bogus %s type %u ede %d: %s (lcore %u, %" PRIu64
		" lines suppressed before)\n",
		qname, qtype, ede, reason, lc->lcore_id,
		lc->bogus_rl.suppressed);
	lc->bogus_rl.suppressed = 0;
}
