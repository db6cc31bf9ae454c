/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm internal helpers (never installed, never exported).
 */
#ifndef STLM_LIB_INTERNAL_H
#define STLM_LIB_INTERNAL_H

#define STLM_API __attribute__((visibility("default")))

#endif /* STLM_LIB_INTERNAL_H */
