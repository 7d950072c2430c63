/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trustwire: the command line and the configuration, EAL, signals; the
 * data plane itself (lcore roles, ports, mempool, rings, telemetry, run,
 * final statistics, teardown) is app.c's tw_app_init() / tw_app_run() /
 * tw_app_fini(). Clean stop on SIGINT/SIGTERM or --duration.
 *
 * Exit status: 0 clean stop (or --help/--check); 1 run-time failure
 * (EAL, ports, memory); 2 configuration or usage error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "trustwire.h"

#define EXIT_RUNTIME TW_EXIT_RUNTIME
#define EXIT_CONFIG  TW_EXIT_CONFIG

#define LOG(fmt, ...) fprintf(stdout, "trustwire: " fmt "\n", ##__VA_ARGS__)
#define ERR(fmt, ...) fprintf(stderr, "trustwire: " fmt "\n", ##__VA_ARGS__)

static void
on_signal(int sig)
{
	tw_signal_received = sig;
}

/* argv split: EAL options, "--", application options. */
static int
find_dashdash(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

int
main(int argc, char **argv)
{
	static struct tw_app app; /* large: not on the stack */
	struct tw_config *cfg;
	struct tw_config_err err;
	char **eal_argv, **app_argv;
	int dd, eal_argc, app_argc, i, rc, status = EXIT_CONFIG;

	dd = find_dashdash(argc, argv);
	eal_argc = dd < 0 ? argc : dd;
	app_argc = dd < 0 ? 1 : argc - dd;
	eal_argv = calloc((size_t)argc + 1, sizeof(char *));
	app_argv = calloc((size_t)argc + 1, sizeof(char *));
	cfg = calloc(1, sizeof(*cfg));
	if (eal_argv == NULL || app_argv == NULL || cfg == NULL) {
		ERR("out of memory");
		status = EXIT_RUNTIME;
		goto out;
	}
	memcpy(eal_argv, argv, (size_t)eal_argc * sizeof(char *));
	app_argv[0] = argv[0];
	for (i = 1; i < app_argc; i++)
		app_argv[i] = argv[dd + i];

	/* "trustwire --help" without "--": ours, not EAL's. */
	if (dd < 0)
		for (i = 1; i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 ||
			    strcmp(argv[i], "-h") == 0)
				app_argv[app_argc++] = argv[i];

	/* The configuration is checked before EAL starts (no root needed). */
	rc = tw_config_parse_args(cfg, app_argc, app_argv, &err);
	if (rc != 0) {
		ERR("%s", err.text);
		goto out;
	}
	if (cfg->help) {
		tw_config_usage(stdout, "trustwire");
		status = 0;
		goto out;
	}
	if (access(cfg->trust_anchor, R_OK) != 0) {
		tw_config_error(&err, cfg, cfg->trust_anchor_line,
				"install dns-root-data or set trust_anchor / "
				"--trust-anchor",
				"trust anchor file '%s': %s", cfg->trust_anchor,
				strerror(errno));
		ERR("%s", err.text);
		goto out;
	}
	if (cfg->check_only) {
		tw_config_print(cfg, stdout);
		LOG("configuration OK");
		status = 0;
		goto out;
	}

	rc = rte_eal_init(eal_argc, eal_argv);
	if (rc < 0) {
		ERR("EAL initialisation failed: %s (fix: check the EAL "
		    "options before '--'; run as root, or add --no-huge)",
		    rte_strerror(rte_errno));
		status = EXIT_RUNTIME;
		goto out;
	}
	if (rc + 1 < eal_argc) {
		ERR("unexpected argument '%s' before '--' (fix: application "
		    "options go after '--', see --help)",
		    eal_argv[rc + 1]);
		status = EXIT_CONFIG;
	} else {
		status = tw_app_init(&app, cfg);
		if (status == 0) {
			struct sigaction sa;

			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGINT, &sa, NULL);
			sigaction(SIGTERM, &sa, NULL);
			status = tw_app_run(&app);
		}
		tw_app_fini(&app);
	}
	rte_eal_cleanup();
out:
	free(cfg);
	free(eal_argv);
	free(app_argv);
	return status;
}
