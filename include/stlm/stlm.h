/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm: userspace agent library for Arm SCMI v4.0 System Telemetry.
 */
#ifndef STLM_STLM_H
#define STLM_STLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup misc Library information
 * @{
 */

/**
 * @brief The library's version string, e.g. "0.1.0".
 * @return A static string; never NULL, never to be freed.
 */
const char *stlm_version(void);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* STLM_STLM_H */
