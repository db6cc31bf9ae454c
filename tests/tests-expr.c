// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 */
#define STLM_TEST_GROUP "expr"
#include "stlm-test.h"

STLM_TEST(placeholder)
{
	STLM_SKIP("not written yet");
}
