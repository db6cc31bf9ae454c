// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 */
#include "config.h"
#include "internal.h"

#include <stlm/stlm.h>

STLM_API const char *stlm_version(void)
{
	return STLM_VERSION;
}
