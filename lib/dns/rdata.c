/* SPDX-License-Identifier: BSD-3-Clause */
/* Placeholder: being written. */
#include "tw_dns.h"
