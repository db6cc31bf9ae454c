// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
