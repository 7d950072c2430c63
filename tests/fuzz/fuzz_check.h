/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fuzz targets' assertion: a violated property aborts (libFuzzer
 * then saves the input as a crash) after naming the file, the line and
 * the expression, so a reproducer says what it broke.
 */
#ifndef TW_FUZZ_CHECK_H
#define TW_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #c);                                 \
			abort();                                               \
		}                                                              \
	} while (0)

#endif /* TW_FUZZ_CHECK_H */
