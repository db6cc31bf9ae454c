/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The layout of tlm_<N>/snapshot.bin and groups/<gid>/snapshot.bin
 * (docs/snapshot-format.md). Native byte order (the daemon and its readers
 * share a host); every field naturally aligned, no implicit padding.
 */
#ifndef STLMD_SNAPSHOT_BIN_H
#define STLMD_SNAPSHOT_BIN_H

#include <stdint.h>

#define STLMD_SNAP_MAGIC 0x50414e534d4c5453ull /* "STLMSNAP" little-endian */
#define STLMD_SNAP_VERSION 1u

/* 64 bytes */
struct stlmd_snap_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;	/* sizeof(struct stlmd_snap_header) */
	uint32_t sample_size;	/* sizeof(struct stlmd_snap_sample) */
	uint32_t n_samples;
	uint64_t generation;
	uint64_t time_ns;	/* CLOCK_REALTIME at the take */
	uint64_t mono_ns;	/* CLOCK_MONOTONIC at the take */
	uint32_t group;		/* 0xFFFFFFFE: all DEs, else the group id */
	uint32_t reserved[3];
};

/* 32 bytes */
struct stlmd_snap_sample {
	uint32_t id;
	uint32_t flags;		/* enum stlm_sample_flags */
	uint64_t raw;		/* 0 unless flags has STLM_SAMPLE_VALID */
	uint64_t ts;		/* 0 unless VALID and STLM_SAMPLE_TIMESTAMP */
	uint32_t ts_rate_khz;
	uint32_t reserved;
};

_Static_assert(sizeof(struct stlmd_snap_header) == 64, "header size");
_Static_assert(sizeof(struct stlmd_snap_sample) == 32, "sample size");

#endif /* STLMD_SNAPSHOT_BIN_H */
