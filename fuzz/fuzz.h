/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 */
#ifndef STLM_FUZZ_H
#define STLM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
