/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The recording format (docs/record-format.md): an append-only binary log.
 * Written by `stlm record`, read by `stlm replay` / `stlm decode`.
 */
#ifndef STLM_CLI_RECORD_H
#define STLM_CLI_RECORD_H

#include <stddef.h>
#include <stdint.h>

#endif /* STLM_CLI_RECORD_H */
