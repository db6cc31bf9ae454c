/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm-platform: an SCMI Telemetry platform (firmware) emulator.
 *
 * Theory of operation
 * -------------------
 * A platform is built from a description (struct stlmp_config: parsed from
 * JSON, the built-in default SoC, or generated with N DEs). Creating it lays
 * out the "physical address window" as one memory file (SHMTI areas and
 * FastChannels at byte offsets, architecture.md §2) and formats every SHMTI.
 *
 * Agents reach the engine through server transports (unix:, tcp:, shm:,
 * rawfs:). A transport attaches one agent at a time with
 * stlmp_agent_attach(), passing a sink that carries platform-to-agent
 * messages (responses, delayed responses, notifications). It feeds every
 * command it receives to stlmp_agent_command(). A second agent is refused
 * with -EBUSY until the first detaches.
 *
 * A ticker thread refreshes every enabled DE each update interval: values
 * come from seeded generators, SHMTIs are rewritten with the §7.6 writer
 * protocol, FastChannels with 64-bit stores, and in notification mode a
 * TELEMETRY_UPDATE is sent. Faults (delays, drops, bad statuses, torn
 * SHMTIs, resets...) are applied at the command and ticker boundaries.
 */
#ifndef STLM_PLATFORM_H
#define STLM_PLATFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "telemetry.h"

/* ------------------------------------------------------------------ */
/* Description                                                         */

#define STLMP_NO_SHMTI 0xFFFFFFFFu

enum stlmp_gen_kind {
	STLMP_GEN_CONST = 0,	/* value = base */
	STLMP_GEN_COUNTER,	/* base + rate * t (per second), wraps at 2^(8*size) */
	STLMP_GEN_PERIODIC,	/* base + amplitude * wave(t / period), sine */
	STLMP_GEN_RANDOM_WALK,	/* seeded walk of +-step per tick in [min, max] */
	STLMP_GEN_STEP,		/* cycles through states[], dwell_ms each */
	STLMP_GEN_REPLAY,	/* samples[] from a CSV trace, one per tick, looping */
};

#define STLMP_GEN_MAX_STATES 16

/**
 * struct stlmp_gen - a value generator, deterministic for a given seed
 * @kind:      enum stlmp_gen_kind
 * @base:      constant / start / centre value (raw units)
 * @rate:      counter increment per second (raw units)
 * @amplitude: periodic amplitude
 * @period_ms: periodic period
 * @min, @max: random walk bounds (also clamp for periodic)
 * @step:      random walk maximum step per tick
 * @states:    step generator values; @n_states of them
 * @dwell_ms:  time in each state
 * @samples:   replay values, @n_samples of them: a shared, reference-
 *             counted array (gen.h, stlmp_gen_samples_unref()), never free()d
 */
struct stlmp_gen {
	enum stlmp_gen_kind kind;
	int64_t base;
	double rate;
	double amplitude;
	uint32_t period_ms;
	int64_t min;
	int64_t max;
	int64_t step;
	int64_t states[STLMP_GEN_MAX_STATES];
	uint32_t n_states;
	uint32_t dwell_ms;
	int64_t *samples;
	uint32_t n_samples;
};

/**
 * struct stlmp_de_cfg - one DE of the description
 * @desc:    the descriptor as DE_DESCRIPTION reports it; desc.fc_addr is
 *           assigned by the platform at layout when desc.has_fc
 * @shmti:   SHMTI index its line goes to when enabled, or STLMP_NO_SHMTI
 *           (FastChannel-only, or reachable only through notifications /
 *           single-sample reads)
 * @gen:     value generator
 * @line_off: fixed line offset from the SHMTI base in a fixed-layout SHMTI
 *           (struct stlmp_shmti_fixed), 0 = placed by the platform
 */
struct stlmp_de_cfg {
	struct scmi_tlm_de_desc desc;
	uint32_t shmti;
	struct stlmp_gen gen;
	uint32_t line_off;
};

/**
 * struct stlmp_shmti_fixed - a SHMTI whose lines sit at fixed offsets
 * @lines_end:  end of the line area (offset from the SHMTI base); 0 = the
 *              SHMTI is laid out by the platform (append / holes). When
 *              set, num_qwords always covers [0x10, lines_end): every DE
 *              line of the SHMTI has its @line_off, a line that is not in
 *              use (and any gap) is a DATA_INVALID line
 * @blk_ts_off: offset of the BLK_TS line, 0 = none (no block timestamps)
 * @uuid_off:   offset of a UUID line (24 bytes), 0 = none
 * @uuid:       its DE implementation revision (canonical bytes)
 */
struct stlmp_shmti_fixed {
	uint32_t lines_end;
	uint32_t blk_ts_off;
	uint32_t uuid_off;
	uint8_t uuid[16];
};

/**
 * struct stlmp_intervals - a list of update intervals
 * @range: true: v[0..2] = lowest, highest, step; false: discrete ascending
 * @n:     number of entries (3 for a range)
 * @v:     entries (owned by the config)
 */
struct stlmp_intervals {
	bool range;
	uint32_t n;
	struct scmi_tlm_interval *v;
};

/**
 * struct stlmp_group_cfg - one group
 * @intervals: per-group interval list (used when per_group); n == 0 means
 *             "same as the global list"
 */
struct stlmp_group_cfg {
	struct stlmp_intervals intervals;
};

/**
 * struct stlmp_config - a whole platform description
 * @vendor, @sub_vendor: Base vendor strings (<= 15 chars)
 * @impl_version:        Base implementation version
 * @agent_name:          name reported for the agent by DISCOVER_AGENT
 * @uuid:                DE implementation revision (canonical bytes)
 * @notifications:       capability bit 30
 * @single_sample:       capability bit 31
 * @reset:               capability bit 17
 * @per_group:           capability bit 18
 * @max_msg_size:        largest message, header + payload, in either
 *                       direction (Linux's default 104 gives replies of
 *                       status + 96 bytes of return values, §2.8)
 * @max_page_items:      optional cap on items per multi-part page (0 = none)
 * @default_blk_ts_rate: kHz
 * @intervals:           global interval list (selector 0 / 2)
 * @default_interval:    interval in force at boot and after reset
 * @boot_on:             telemetry enabled at boot, with @boot_des enabled
 * @n_shmti, @shmti_size: SHMTI count and the size of each (bytes)
 * @shmti_fixed:         NULL, or n_shmti entries: fixed line layouts
 * @n_groups, @groups:   groups 0..n_groups-1
 * @n_des, @des:         the DEs, in DE_DESCRIPTION order
 * @n_boot_des, @boot_des: DE ids enabled at boot when boot_on
 * @name:                a label for logs ("default", file name...)
 * @linux_unsafe:        skip the rules that keep the platform readable by
 *                       the Linux driver (docs/platform-format.md "Linux
 *                       rules"); for tests of the agent's own checks
 * @notify_all_des:      TELEMETRY_UPDATE carries every enabled DE of a
 *                       notifying scope, not only the message-only ones
 *                       (the default, which Linux needs)
 */
struct stlmp_config {
	char vendor[16];
	char sub_vendor[16];
	uint32_t impl_version;
	char agent_name[16];
	uint8_t uuid[16];
	bool notifications;
	bool single_sample;
	bool reset;
	bool per_group;
	uint32_t max_msg_size;
	uint32_t max_page_items;
	uint32_t default_blk_ts_rate;
	struct stlmp_intervals intervals;
	struct scmi_tlm_interval default_interval;
	bool boot_on;
	uint32_t n_shmti;
	uint32_t *shmti_size;
	struct stlmp_shmti_fixed *shmti_fixed;
	uint32_t n_groups;
	struct stlmp_group_cfg *groups;
	uint32_t n_des;
	struct stlmp_de_cfg *des;
	uint32_t n_boot_des;
	uint32_t *boot_des;
	char name[64];
	bool linux_unsafe;
	bool notify_all_des;
};

/*
 * Load a JSON description (docs/platform-format.md). On error returns a
 * negative errno and writes "FILE:LINE:COL: problem" for a syntax error,
 * or "FILE: PLACE: problem" (e.g. "soc.json: des[12].unit: unknown unit
 * 'celcius'") into err.
 */
int stlmp_config_load(const char *path, struct stlmp_config **ret, char *err,
		      size_t errlen);
/* Same from a string; `name` stands for the file name in messages. */
int stlmp_config_parse(const char *json, const char *name,
		       struct stlmp_config **ret, char *err, size_t errlen);
/* The built-in default SoC (>= 300 DEs). */
int stlmp_config_default(struct stlmp_config **ret);
/* A generated platform of n DEs across SHMTIs, for scale tests. */
int stlmp_config_generate(uint32_t n, struct stlmp_config **ret);
/*
 * Build a platform from ASTL spec files (docs/platform-format.md,
 * "Platforms from ASTL specs"): spec i is instantiated targets[i] times.
 * Warnings (duplicate ids...) go to warn (may be NULL). On error returns
 * a negative errno with "FILE: problem" in err.
 */
int stlmp_config_from_astl(const char *const *paths, const uint32_t *targets,
			   uint32_t n_specs, struct stlmp_config **ret,
			   void (*warn)(void *data, const char *msg),
			   void *warn_data, char *err, size_t errlen);
/* Check a description for consistency (ids unique, groups in range...). */
int stlmp_config_validate(const struct stlmp_config *c, char *err,
			  size_t errlen);
void stlmp_config_free(struct stlmp_config *c);

/* ------------------------------------------------------------------ */
/* Platform                                                            */

struct stlmp_platform;
struct stlmp_agent;

enum stlmp_log_level {
	STLMP_LOG_ERR = 3,
	STLMP_LOG_WARNING = 4,
	STLMP_LOG_INFO = 6,
	STLMP_LOG_DEBUG = 7,
};

typedef void (*stlmp_log_fn)(void *userdata, int level, const char *fmt,
			     va_list ap);

/**
 * struct stlmp_opts - creation options
 * @mem_path: memory file to create (NULL: an anonymous memfd)
 * @seed:     generator seed
 * @log:      log callback (NULL: silent)
 * @log_data: its userdata
 * @manual_clock: when true, time only advances through
 *            stlmp_platform_advance() (deterministic tests); the ticker
 *            thread is not started
 */
struct stlmp_opts {
	const char *mem_path;
	uint64_t seed;
	stlmp_log_fn log;
	void *log_data;
	bool manual_clock;
};

/*
 * Create a platform from a description (copied; the caller keeps cfg).
 * Lays out and formats the memory file.
 */
int stlmp_platform_new(const struct stlmp_config *cfg,
		       const struct stlmp_opts *opts,
		       struct stlmp_platform **ret);
/* Stop every listener and thread, unmap, free. Accepts NULL. */
void stlmp_platform_free(struct stlmp_platform *p);

/* The memory file: path (NULL for a memfd), an fd to it, its size. */
const char *stlmp_platform_mem_path(const struct stlmp_platform *p);
int stlmp_platform_mem_fd(const struct stlmp_platform *p);
size_t stlmp_platform_mem_size(const struct stlmp_platform *p);
const struct stlmp_config *stlmp_platform_config(const struct stlmp_platform *p);

/*
 * Start serving a transport URI: "unix:PATH", "tcp:HOST:PORT" (loopback
 * only), "shm:DIR", "rawfs:DIR", "vhost-user:PATH" (docs/virtio.md).
 * Several may be active at once. Returns 0 or -errno (-EADDRINUSE, -EINVAL for a bad URI, -EPERM for a non-loopback
 * tcp address...). For tcp with port 0, the bound port is available from
 * stlmp_platform_tcp_port().
 */
int stlmp_platform_listen(struct stlmp_platform *p, const char *uri);
int stlmp_platform_tcp_port(const struct stlmp_platform *p);

/*
 * Add a fault (docs/platform-format.md "Faults"), e.g. "status:msg=0x4,
 * status=BUSY,count=2" or "torn:shmti=0". -EINVAL with a message through
 * the log callback on a bad spec.
 */
int stlmp_platform_fault_add(struct stlmp_platform *p, const char *spec);
void stlmp_platform_fault_clear(struct stlmp_platform *p);

/* Manual clock (opts.manual_clock): advance by ns and run due updates. */
void stlmp_platform_advance(struct stlmp_platform *p, uint64_t ns);
/* Force one update pass now (all due or not). */
void stlmp_platform_tick(struct stlmp_platform *p);
/* Platform-initiated reset (as after a firmware restart). */
void stlmp_platform_reset(struct stlmp_platform *p);

/*
 * The value the generator of DE `id` produces at platform time t_ns
 * (nanoseconds since platform start) for update number `tick` — the same
 * function the ticker uses, so tests can predict values. -ENOENT if no
 * such DE.
 */
int stlmp_platform_predict(struct stlmp_platform *p, uint32_t id,
			   uint64_t t_ns, uint64_t tick, uint64_t *ret);

/* Counters for tests and benchmarks. */
struct stlmp_stats {
	uint64_t commands;
	uint64_t updates;	 /* ticker passes */
	uint64_t lines_written;
	uint64_t notifications;
	uint64_t agents_refused;
};
void stlmp_platform_stats(const struct stlmp_platform *p,
			  struct stlmp_stats *ret);

/* ------------------------------------------------------------------ */
/* Agents (used by server transports and in-process tests)            */

/**
 * struct stlmp_sink - where platform-to-agent messages go
 * @send: deliver one message (header + payload); called from any platform
 *        thread, never concurrently for the same agent (the platform
 *        serialises). Returns 0 or -errno (the platform then treats the
 *        agent as gone).
 * @data: passed back to @send
 */
struct stlmp_sink {
	int (*send)(void *data, const uint8_t *msg, size_t len);
	void *data;
};

/*
 * Attach the (single) agent. -EBUSY if another agent is attached (counted
 * in stats.agents_refused).
 */
int stlmp_agent_attach(struct stlmp_platform *p, const struct stlmp_sink *sink,
		       struct stlmp_agent **ret);
/*
 * Process one command (header + payload). The response goes to the sink,
 * possibly later (delay faults) or never (drop faults). Returns 0, or
 * -errno if the message could not even be parsed as a command (too short
 * for a header, wrong type): the platform then answers nothing.
 */
int stlmp_agent_command(struct stlmp_agent *a, const uint8_t *msg, size_t len);
/* Detach; the platform keeps its telemetry state for the next agent. */
void stlmp_agent_detach(struct stlmp_agent *a);

/* Largest message (header + payload) the platform sends or accepts. */
size_t stlmp_platform_max_msg(const struct stlmp_platform *p);

#endif /* STLM_PLATFORM_H */
