/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The stlm authors
 *
 * libstlm: userspace agent library for Arm SCMI v4.0 System Telemetry.
 *
 * Conventions
 *  - Functions returning int return >= 0 on success and a negative errno on
 *    failure. Out-parameters are named ret_* and are untouched on failure.
 *  - Functions returning a pointer return NULL and set errno on failure.
 *  - Every destructor accepts NULL.
 *  - The library never prints and never exits; it reports through the log
 *    callback given at open time.
 *  - Every file descriptor the library opens is close-on-exec.
 *  - A session is thread-safe: any thread may call any session function.
 *    A snapshot object must not be used by two threads at once.
 *
 * Errors (docs/api.md "Errors"). An errno describes one call; whether the
 * session is still usable is its state, stlm_session_state(): READY, or
 * LOST when the channel to the platform is gone for good (every later
 * call fails; open a new session). The classes:
 *  - platform or transport gone: the state is LOST (the call's errno is
 *    typically -ECONNRESET, -EPIPE, -ENOTCONN or -ESHUTDOWN; decide on
 *    the state, since -EPROTO, -EBUSY and -EIO also come from single
 *    commands of a READY session);
 *  - no such DE or group: -ENOENT; an interval the platform does not list:
 *    -ERANGE;
 *  - not permitted here (a local refusal, e.g. stlmd's read-only
 *    clients): -EROFS, never -EACCES;
 *  - refused by the platform: its SCMI status, mapped once: NOT_SUPPORTED
 *    -EOPNOTSUPP, INVALID_PARAMETERS and PARTIAL -EINVAL, DENIED -EACCES,
 *    NOT_FOUND -ENOENT, OUT_OF_RANGE -ERANGE, BUSY -EBUSY (after the
 *    retries), COMMS_ERROR -ECOMM, GENERIC_ERROR and unknown statuses
 *    -EIO, HARDWARE_ERROR -EREMOTEIO, PROTOCOL_ERROR -EPROTO, IN_USE
 *    -EPERM;
 *  - timeout: -ETIMEDOUT, one command (the session may still be READY);
 *  - malformed reply: -EPROTO or -EBADMSG (one command).
 * stlm_session_state() returns the state and, in *err (if not NULL), the
 * failure that made the session LOST (0 while READY, -EINVAL for NULL).
 *
 * See docs/api.md for the concepts (ownership, generation, validity).
 */
#ifndef STLM_STLM_H
#define STLM_STLM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup misc Library information and logging
 * @{
 */

/** @brief The library's version string, e.g. "0.1.0"; static. */
const char *stlm_version(void);

/** Log levels (syslog numbering). */
enum stlm_log_level {
	STLM_LOG_ERR = 3,
	STLM_LOG_WARNING = 4,
	STLM_LOG_INFO = 6,
	STLM_LOG_DEBUG = 7,
};

/** Log callback: @p level is an ::stlm_log_level. */
typedef void (*stlm_log_fn)(void *userdata, int level, const char *fmt,
			    va_list ap);

/** @} */

/**
 * @defgroup session Sessions
 * @{
 */

struct stlm_session;

/** Discovery policy at open time. */
enum stlm_discovery {
	/** Enumerate every DE descriptor during stlm_session_open(). */
	STLM_DISCOVERY_FULL = 0,
	/** Enumerate on first use of a DE accessor (open stays O(1)). */
	STLM_DISCOVERY_LAZY = 1,
};

/**
 * typedef stlm_progress_fn - progress of long work inside the library
 * @userdata: stlm_open_opts.progress_data
 * @what:     "discovery", "enable" or "disable"
 * @done:     units done so far (DEs)
 * @total:    units in all (0: unknown); @done == @total is the last call
 *
 * Called from the thread doing the work, at most once per unit of it
 * (a page of descriptors, one DE); must not call back into the session.
 */
typedef void (*stlm_progress_fn)(void *userdata, const char *what,
				 uint64_t done, uint64_t total);

/**
 * struct stlm_open_opts - options for stlm_session_open()
 * @size:       sizeof(struct stlm_open_opts), for future extension; 0 is
 *              treated as the current size
 * @timeout_ms: per-command timeout (0: 1000 ms); the URI's timeout_ms=
 *              overrides it
 * @retries:    retries of a command answered BUSY or timed out (0: 3)
 * @discovery:  ::stlm_discovery
 * @log:        log callback (NULL: silent)
 * @log_data:   passed to @log
 * @no_catalog: do not search the catalog path at open
 * @progress:   progress callback for long work (NULL: none): discovery
 *              of the DE table, configuration of many DEs
 * @progress_data: passed to @progress
 */
struct stlm_open_opts {
	size_t size;
	int timeout_ms;
	unsigned int retries;
	int discovery;
	stlm_log_fn log;
	void *log_data;
	bool no_catalog;
	stlm_progress_fn progress;
	void *progress_data;
};

/**
 * stlm_uri_check() - whether a platform URI is well formed, and why not
 * @uri:    a platform URI (docs/transports.md)
 * @err:    receives the reason in words on -EINVAL ("unknown platform URI
 *          scheme 'x' (known: ...)"); may be NULL
 * @errlen: size of @err
 *
 * stlm_session_open() refuses a malformed URI with -EINVAL; this says
 * which part is wrong. Nothing is opened.
 *
 * Return: 0, or -EINVAL.
 */
int stlm_uri_check(const char *uri, char *err, size_t errlen);

/**
 * @brief Open a platform by transport URI.
 * @param uri  "shm:DIR", "unix:PATH", "tcp:HOST:PORT", "raw:DIR",
 *             "stlmd:PATH", "stlmfs:DIR", with options
 *             "?mem=PATH&timeout_ms=N".
 * @param opts options, or NULL for defaults.
 * @param ret  the session; close with stlm_session_close().
 * @return 0, or -EINVAL (bad URI or options), -ENOENT / -ECONNREFUSED (no
 *         platform there), -EBUSY (another agent owns the channel),
 *         -ETIMEDOUT, -EPROTO (the platform broke the protocol), -ENOMEM.
 */
int stlm_session_open(const char *uri, const struct stlm_open_opts *opts,
		      struct stlm_session **ret);

/** @brief Close a session and free everything it owns. Accepts NULL. */
void stlm_session_close(struct stlm_session *s);

/** @brief The URI the session was opened with; owned by the session. */
const char *stlm_session_uri(const struct stlm_session *s);

/**
 * struct stlm_platform_info - what the platform says about itself
 * @protocol_version: Telemetry protocol version (0x10000 = 1.0)
 * @base_version:     Base protocol version
 * @vendor, @sub_vendor: Base vendor strings
 * @impl_version:     Base implementation version
 * @uuid:             DE implementation revision (canonical byte order)
 * @uuid_str:         the same as "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"
 * @n_des, @n_groups, @n_shmti: counts
 * @single_sample, @notifications, @per_group, @reset, @fastchannels:
 *                    capabilities
 * @default_blk_ts_rate_khz: default block timestamp clock
 * @max_msg_size:     largest message the transport carries
 */
struct stlm_platform_info {
	uint32_t protocol_version;
	uint32_t base_version;
	char vendor[16];
	char sub_vendor[16];
	uint32_t impl_version;
	uint8_t uuid[16];
	char uuid_str[37];
	uint32_t n_des;
	uint32_t n_groups;
	uint32_t n_shmti;
	bool single_sample;
	bool notifications;
	bool per_group;
	bool reset;
	bool fastchannels;
	uint32_t default_blk_ts_rate_khz;
	uint32_t max_msg_size;
};

/**
 * @brief How the session reaches its platform, in words, owned by the
 * session: the backend ("scmi", "stlmd", "stlmfs"), or for the kernel's
 * character device "chardev ABI <version> features 0x<bits>". NULL if
 * @p s is NULL.
 */
const char *stlm_session_interface(const struct stlm_session *s);

/** @brief Copy the platform information. @return 0 or -EINVAL. */
int stlm_session_info(struct stlm_session *s,
		      struct stlm_platform_info *ret);

/**
 * @brief The configuration generation: a counter the library bumps on
 * every configuration change it makes or learns of (including a platform
 * reset). Starts at 1; never 0.
 */
uint64_t stlm_session_generation(struct stlm_session *s);

/** @brief Whether the session can still reach its platform. */
enum stlm_state { STLM_STATE_READY = 0, STLM_STATE_LOST = 1 };

/**
 * @brief The session state, to tell "the platform or transport is gone"
 * from a request that failed.
 *
 * READY while the platform/transport is usable; LOST once the transport
 * failed, the platform went away or the daemon connection closed (sticky:
 * reopen). *err (if non-NULL) gets the error that lost it, or 0. A request
 * that fails (no such DE or group, not permitted, refused by the platform,
 * one command timing out) leaves the session READY. A NULL session is LOST
 * with -EINVAL.
 */
enum stlm_state stlm_session_state(struct stlm_session *s, int *err);

/**
 * @brief Kinds of platform deviation the library tolerated, the way the
 * Linux driver does (docs/api.md "Deviations").
 */
enum stlm_deviation {
	STLM_DEV_RESERVED_BITS = 0, /**< reserved bits set in a reply */
	STLM_DEV_LONG_REPLY = 1,    /**< reply longer than its content */
	STLM_DEV_SHMTI_FLAGS = 2,   /**< LIST_SHMTI flags word not zero */
	STLM_DEV_SHMTI_ALIGN = 3,   /**< SHMTI address not 8-byte aligned */
	STLM_DEV_NAME = 4,	    /**< DE name without NUL or not printable */
	STLM_DEV_TDCF_META = 5,	    /**< TDCF line metadata bits [31:8] set */
	STLM_DEV_INTERVAL_ORDER = 6, /**< interval list not ascending */
	STLM_DEV_ENABLED_MODE = 7,  /**< DE_ENABLED_LIST entry mode 0 or 3 */
	STLM_DEV_KINDS = 8,	    /**< number of kinds */
};

/**
 * @brief How many times the session stepped over each deviation kind.
 *
 * Fills counts[k] for k < min(n, STLM_DEV_KINDS) and returns
 * STLM_DEV_KINDS, or -EINVAL for a NULL session (or NULL counts with
 * n > 0). Counts only grow; each kind is also logged once per session at
 * STLM_LOG_WARNING. Sessions on stlmd: or stlmfs: count nothing: the owner
 * of the channel decodes the replies.
 */
int stlm_session_deviations(struct stlm_session *s, uint64_t *counts,
			    size_t n);

/** @brief Short name of a deviation kind ("reserved-bits"), or NULL. */
const char *stlm_deviation_name(int kind);

/**
 * @brief Firmware conformance check (`stlm check`, docs/api.md "Checking
 * a platform").
 */
enum stlm_check_severity {
	STLM_CHECK_INFO = 0,	/**< worth knowing, within the spec */
	STLM_CHECK_WARNING = 1, /**< breaks the spec; Linux tolerates it */
	STLM_CHECK_ERROR = 2,	/**< breaks the spec or the Linux driver */
};

/** Run the checks that change the platform's state (RESET). */
#define STLM_CHECK_RESET	(1u << 0)

/**
 * struct stlm_check_finding - one finding of stlm_check_run()
 * @rule:     short stable name ("attrs-reserved-bits")
 * @section:  protocol section ("4.2"), docs/codec.md explains the numbers
 * @severity: enum stlm_check_severity
 * @message:  what is wrong, one line
 * @bytes:    the reply bytes seen (from the status word), up to 64
 * @n_bytes:  how many of @bytes are valid
 */
struct stlm_check_finding {
	const char *rule;
	const char *section;
	int severity;
	char message[200];
	uint8_t bytes[64];
	size_t n_bytes;
};

typedef void (*stlm_check_fn)(void *data, const struct stlm_check_finding *f);

/**
 * @brief Check the platform behind @s against the protocol: every reply
 * decoded strictly, plus behaviour (paging, DE enable/disable, interval
 * encoding, single read, TDCF match sequences over time, FastChannel
 * layout; RESET with ::STLM_CHECK_RESET).
 *
 * Calls @fn once per finding. Returns the number of findings, or
 * -EOPNOTSUPP when the session does not speak SCMI itself (stlmd:,
 * stlmfs:), or another -errno when the platform cannot be reached. It
 * sends commands behind the session's back: use a session of its own and
 * close it afterwards.
 */
int stlm_check_run(struct stlm_session *s, unsigned int flags,
		   stlm_check_fn fn, void *data);

/** @} */

/**
 * @defgroup des Data events
 * @{
 */

struct stlm_de;

/** No group. */
#define STLM_GROUP_NONE 0xFFFFFFFFu
/** All DEs and groups (configuration scope). */
#define STLM_GROUP_ALL 0xFFFFFFFEu

/** Timestamp support of a DE. */
enum stlm_ts_support {
	STLM_TS_NONE = 0,
	STLM_TS_LINE = 1,
	STLM_TS_BLOCK = 2,
};

/**
 * @brief Number of DEs the platform describes (triggers lazy discovery).
 * @return the count, or a negative errno if discovery failed.
 */
int stlm_de_count(struct stlm_session *s);

/**
 * @brief The DE at position @p index in platform order.
 * @return a pointer owned by the session, valid until the session is
 *         closed or re-discovered (generation change after a platform
 *         reset); NULL with errno ERANGE or the discovery error.
 */
const struct stlm_de *stlm_de_at(struct stlm_session *s, size_t index);

/**
 * @brief Look up a DE by id in O(1).
 * @return a pointer owned by the session; NULL with errno ENOENT.
 */
const struct stlm_de *stlm_de_get(struct stlm_session *s, uint32_t id);

/**
 * @brief Look up a DE by catalog name ("cpu.3.power") or descriptor name.
 * @return NULL with errno ENOENT if no DE has that name.
 */
const struct stlm_de *stlm_de_find(struct stlm_session *s, const char *name);

uint32_t stlm_de_id(const struct stlm_de *de);
/** @brief DE type code (§5: 0 unspecified ... 7 status, 0xF0+ OEM). */
uint8_t stlm_de_type(const struct stlm_de *de);
/** @brief Value size in bytes. */
uint32_t stlm_de_size(const struct stlm_de *de);
/** @brief Unit code (SCMI sensor unit table). */
uint8_t stlm_de_unit(const struct stlm_de *de);
/** @brief Unit symbol or name ("W", "°C", "Hz", "B/s"...); never NULL. */
const char *stlm_de_unit_name(const struct stlm_de *de);
/** @brief Power of ten applied to raw values. */
int stlm_de_unit_exp(const struct stlm_de *de);

/** Spellings of a unit code, for stlm_unit_name(). */
enum stlm_unit_form {
	/** Symbol: "°C", "W", "B/s"; "OEM" (255), "reserved". */
	STLM_UNIT_SYMBOL = 0,
	/** Word of catalogs and platform descriptions: "celsius",
	 *  "bytes_per_second", "oem"; NULL for a reserved code. */
	STLM_UNIT_WORD = 1,
	/** Directory name in the STLMFS by-components/ tree: "celsius",
	 *  "bps", "oem_unit", "res_96". */
	STLM_UNIT_STLMFS = 2,
};

/**
 * stlm_unit_name() - a name of an SCMI unit code
 * @unit: unit code (0..95 defined, 255 OEM, others reserved)
 * @form: ::stlm_unit_form
 *
 * Needs no session. stlm_de_unit_name() is the ::STLM_UNIT_SYMBOL form of
 * the DE's unit.
 *
 * Return: a static string; NULL for ::STLM_UNIT_WORD of a reserved code,
 * or for an unknown @form (errno EINVAL).
 */
const char *stlm_unit_name(uint8_t unit, int form);

/**
 * stlm_unit_code() - the unit code of a catalog word
 * @word: "celsius", "watts", "oem"... (docs/platform-format.md)
 *
 * Return: 0..95 or 255, or -ENOENT for an unknown word, -EINVAL for NULL.
 */
int stlm_unit_code(const char *word);
uint8_t stlm_de_component_type(const struct stlm_de *de);
/** @brief Component type name ("cpu", "mem_cntrl", ...); never NULL. */
const char *stlm_de_component_name(const struct stlm_de *de);
uint16_t stlm_de_component_instance(const struct stlm_de *de);
uint8_t stlm_de_instance(const struct stlm_de *de);
/** @brief Group id or ::STLM_GROUP_NONE. */
uint32_t stlm_de_group(const struct stlm_de *de);
/** @brief ::stlm_ts_support. */
int stlm_de_ts_support(const struct stlm_de *de);
/** @brief Timestamp clock in kHz (0 when none). */
uint32_t stlm_de_ts_rate_khz(const struct stlm_de *de);
bool stlm_de_persistent(const struct stlm_de *de);
/** @brief True if the DE is read through a FastChannel. */
bool stlm_de_has_fastchannel(const struct stlm_de *de);
/** @brief Descriptor name, or NULL. */
const char *stlm_de_fw_name(const struct stlm_de *de);
/** @brief Catalog name if a catalog describes the DE, else the descriptor
 * name, else NULL. */
const char *stlm_de_name(const struct stlm_de *de);
/** @brief Catalog description, or NULL. */
const char *stlm_de_description(const struct stlm_de *de);
/** @brief True if the catalog says the values are signed. */
bool stlm_de_signed(const struct stlm_de *de);
/** @brief Current enable state as last configured or discovered. */
bool stlm_de_enabled(const struct stlm_de *de);
bool stlm_de_ts_enabled(const struct stlm_de *de);

/** @brief Number of groups (0..n-1). */
int stlm_group_count(struct stlm_session *s);
/**
 * @brief Member DE ids of a group (platform order).
 * @param ret_ids points to an array owned by the session.
 * @return 0, -ENOENT for a bad group, or the discovery error.
 */
int stlm_group_members(struct stlm_session *s, uint32_t group,
		       const uint32_t **ret_ids, size_t *ret_n);

/**
 * struct stlm_interval - an update interval, secs * 10^exp seconds
 */
struct stlm_interval {
	uint16_t secs;
	int8_t exp;
	uint64_t ns;
};

/**
 * struct stlm_intervals - the intervals a scope accepts
 * @range: true: v[0..2] are lowest, highest, step
 * @n:     entries
 * @v:     owned by the session
 */
struct stlm_intervals {
	bool range;
	size_t n;
	const struct stlm_interval *v;
};

/**
 * @brief Supported update intervals of a scope: ::STLM_GROUP_ALL, or a
 * group when the platform has per-group configuration.
 */
int stlm_intervals_get(struct stlm_session *s, uint32_t group,
		       struct stlm_intervals *ret);

/** @} */

/**
 * @defgroup config Configuration
 *
 * Configuration is global per platform: the last writer wins, and every
 * change bumps the generation. Each call is one or more SCMI commands and
 * reports the first failure; batches report per item.
 * @{
 */

/** Collection modes (CONFIG_SET mode). */
enum stlm_mode {
	STLM_MODE_ON_DEMAND = 0, /* SHMTIs / FastChannels refreshed */
	STLM_MODE_NOTIFY = 1,	 /* TELEMETRY_UPDATE every interval */
};

/**
 * @brief Enable or disable one DE, with or without timestamps.
 * @return 0, -ENOENT (unknown DE), -EPERM (enabled through its group),
 *         -ERANGE (platform limit), or the transport error.
 */
int stlm_de_set(struct stlm_session *s, uint32_t id, bool enable,
		bool timestamps);
/** @brief Enable or disable every DE of a group. */
int stlm_group_set(struct stlm_session *s, uint32_t group, bool enable,
		   bool timestamps);
/**
 * @brief Enable every DE (one by one; stops at the first error) or
 * disable all (one command).
 */
int stlm_all_set(struct stlm_session *s, bool enable, bool timestamps);

/**
 * @brief Start or stop collection for a scope (::STLM_GROUP_ALL or a group)
 * in @p mode at @p interval_ns (0: keep the current interval). The interval
 * must be one the platform lists (see stlm_intervals_get()).
 * @return 0, -ERANGE (interval not supported), -EOPNOTSUPP (mode or
 *         per-group scope not supported), or the transport error.
 */
int stlm_collection_set(struct stlm_session *s, uint32_t group, bool enable,
			int mode, uint64_t interval_ns);

/**
 * struct stlm_collection - collection state of a scope
 */
struct stlm_collection {
	bool enabled;
	int mode;
	struct stlm_interval interval;
};

int stlm_collection_get(struct stlm_session *s, uint32_t group,
			struct stlm_collection *ret);

/** @brief TELEMETRY_RESET: everything disabled, intervals to default. */
int stlm_reset(struct stlm_session *s);

/** Batch item operations. */
enum stlm_batch_op {
	STLM_BATCH_DE = 0,	 /* id = DE id */
	STLM_BATCH_GROUP = 1,	 /* id = group */
	STLM_BATCH_ALL = 2,	 /* id ignored */
};

/**
 * struct stlm_batch_item - one configuration change
 * @op:         ::stlm_batch_op
 * @id:         DE or group id
 * @enable:     enable or disable
 * @timestamps: with timestamps
 * @status:     out: 0 or the item's negative errno
 */
struct stlm_batch_item {
	int op;
	uint32_t id;
	bool enable;
	bool timestamps;
	int status;
};

/**
 * @brief Apply every item (none is skipped after a failure).
 * @return the number of failed items (0: all applied), or a negative errno
 *         if nothing could be tried (-EINVAL, transport gone).
 */
int stlm_batch_apply(struct stlm_session *s, struct stlm_batch_item *items,
		     size_t n);

/** @} */

/**
 * @defgroup snapshot Snapshots
 *
 * A snapshot is one coherent set of samples: per SHMTI the lines are read
 * between matching start and end sequences (bounded retries), plus the
 * FastChannel and message-delivered values. Snapshot objects are reusable:
 * after the first take, taking again allocates nothing unless the set of
 * enabled DEs grew.
 * @{
 */

/** Sample validity flags. */
enum stlm_sample_flags {
	STLM_SAMPLE_VALID = 1u << 0,	   /* value is current and consistent */
	STLM_SAMPLE_STALE = 1u << 1,	   /* value did not change since the
					      previous take (same sequence) */
	STLM_SAMPLE_TORN = 1u << 2,	   /* no consistent pass after the
					      retries: value not reported */
	STLM_SAMPLE_DISABLED = 1u << 3,	   /* DE (or collection) disabled */
	STLM_SAMPLE_UNREACHABLE = 1u << 4, /* not in shared memory, FC or any
					      message; or the platform lost it */
	STLM_SAMPLE_INVALID = 1u << 5,	   /* platform marked DATA_INVALID */
	STLM_SAMPLE_TIMESTAMP = 1u << 6,   /* ts / ts_rate_khz are meaningful */
	STLM_SAMPLE_FASTCHANNEL = 1u << 7, /* read from a FastChannel */
	STLM_SAMPLE_MESSAGE = 1u << 8,	   /* from a notification or single
					      sample reply */
};

/**
 * struct stlm_sample - one DE's value in a snapshot
 * @id:          DE id
 * @flags:       ::stlm_sample_flags
 * @raw:         the raw value, data_size bytes zero-extended
 * @value:       decoded: sign applied (catalog), times 10^unit_exp
 * @ts:          timestamp ticks (with STLM_SAMPLE_TIMESTAMP)
 * @ts_rate_khz: its clock
 */
struct stlm_sample {
	uint32_t id;
	uint32_t flags;
	uint64_t raw;
	double value;
	uint64_t ts;
	uint32_t ts_rate_khz;
};

struct stlm_snapshot;

/**
 * @brief A reusable snapshot buffer for session @p s.
 * @return 0 or -ENOMEM; free with stlm_snapshot_free().
 */
int stlm_snapshot_new(struct stlm_session *s, struct stlm_snapshot **ret);
void stlm_snapshot_free(struct stlm_snapshot *snap);

/**
 * @brief Restrict the snapshot to these DE ids (NULL/0: all enabled DEs).
 * The ids are copied. Unknown ids are kept and reported UNREACHABLE.
 */
int stlm_snapshot_select(struct stlm_snapshot *snap, const uint32_t *ids,
			 size_t n);

/** Flags of stlm_snapshot_take(). */
enum stlm_take_flags {
	/** Ask the platform for a single sample first (CONFIG_SET mode 2,
	 * waits for TELEMETRY_READING_COMPLETE), then read. */
	STLM_TAKE_SINGLE_SAMPLE = 1u << 0,
};

/**
 * @brief Fill the snapshot.
 * @return the number of samples, or -EIO / -ETIMEDOUT / -EPROTO when
 *         nothing could be read at all (individual failures are flags).
 */
int stlm_snapshot_take(struct stlm_snapshot *snap, unsigned int flags);

/** @brief Samples of the last take, in platform DE order. */
const struct stlm_sample *stlm_snapshot_samples(const struct stlm_snapshot *snap,
						size_t *ret_n);
/** @brief The sample of DE @p id, or NULL. O(1). */
const struct stlm_sample *stlm_snapshot_find(const struct stlm_snapshot *snap,
					     uint32_t id);
/** @brief Generation the snapshot was taken at. */
uint64_t stlm_snapshot_generation(const struct stlm_snapshot *snap);
/** @brief CLOCK_REALTIME nanoseconds when the take started. */
uint64_t stlm_snapshot_time_ns(const struct stlm_snapshot *snap);
/** @brief CLOCK_MONOTONIC nanoseconds when the take started. */
uint64_t stlm_snapshot_mono_ns(const struct stlm_snapshot *snap);

/** @} */

/**
 * @defgroup shmti Shared memory areas
 *
 * Read-only access to the raw SHMTI areas (TDCF format, protocol §7) for
 * tools that parse them themselves. The mappings are the session's own:
 * never written, valid until the session is closed.
 * @{
 */

/** @brief Number of SHMTI areas (triggers lazy discovery). */
int stlm_shmti_count(struct stlm_session *s);

/**
 * @brief The read-only mapping of SHMTI @p n.
 * @param ret_base start of the area (its TBGN signature).
 * @param ret_len  its length in bytes.
 * @return 0, -ENOENT if @p n is not an area, -ENXIO if the area could not
 *         be mapped (it lies outside the memory file), or the discovery
 *         error.
 */
int stlm_shmti_map(struct stlm_session *s, uint32_t n, const void **ret_base,
		   size_t *ret_len);

/** @} */

/**
 * @defgroup events Events
 * @{
 */

/** Event types. */
enum stlm_event_type {
	STLM_EVENT_UPDATE = 1,	   /* TELEMETRY_UPDATE samples arrived */
	STLM_EVENT_GENERATION = 2, /* configuration changed */
	STLM_EVENT_RESET = 3,	   /* platform reset detected */
	STLM_EVENT_LOST = 4,	   /* the queue overflowed */
};

/**
 * struct stlm_event - one event
 * @type:       ::stlm_event_type
 * @generation: generation at the event
 * @n_samples:  UPDATE: number of samples in @samples
 * @samples:    UPDATE: owned by the session until the next
 *              stlm_event_read() on it
 * @lost:       LOST: events dropped
 */
struct stlm_event {
	int type;
	uint64_t generation;
	size_t n_samples;
	const struct stlm_sample *samples;
	uint64_t lost;
};

/**
 * @brief A pollable fd (POLLIN when an event is queued); owned by the
 * session, close-on-exec, never to be closed by the caller.
 */
int stlm_event_fd(struct stlm_session *s);

/**
 * @brief Take the next event.
 * @return 1 with *ret filled, 0 if none is queued, or a negative errno.
 */
int stlm_event_read(struct stlm_session *s, struct stlm_event *ret);

/** @} */

/**
 * @defgroup catalog Catalogs
 * @{
 */

/**
 * @brief Load a catalog file (or every *.json in a directory) and apply
 * it to the session's DEs. The first matching catalog on the search path
 * (stlm_catalog_search_path()) is applied at open unless no_catalog.
 * @param err receives "FILE:LINE:COL: problem" on a bad file (may be NULL).
 * @return the number of DEs it named, or -EINVAL (bad file), -ENOENT,
 *         -ENOMSG (it does not match this platform).
 */
int stlm_catalog_load(struct stlm_session *s, const char *path, char *err,
		      size_t errlen);

/** @brief Name of the catalog applied to the session, or NULL. */
const char *stlm_catalog_name(struct stlm_session *s);

/**
 * stlm_catalog_search_path() - where catalogs are looked for at open
 * @buf: receives the places, colon-separated, in search order
 * @len: size of @buf (0 to ask for the length)
 *
 * $STLM_CATALOG_PATH's elements (an empty element stands for the default
 * places), or the default places: the source tree's catalogs/ for a
 * program run from the build tree, the data directory next to the
 * program, the installed data directory (docs/catalog-format.md).
 *
 * Return: the length of the full list (as snprintf()), or -EINVAL.
 */
int stlm_catalog_search_path(char *buf, size_t len);

/**
 * DOC: Catalogs without a session
 *
 * A catalog read without a platform (to check a file, or to name the DEs
 * of a recording): opened, then asked about DE ids, then closed. Nothing
 * here needs a session; the object is not tied to one and may be used by
 * one thread at a time.
 */
struct stlm_catalog;

/**
 * stlm_catalog_open() - read and check a catalog file
 * @path:   a catalog file (docs/catalog-format.md)
 * @ret:    the catalog; close with stlm_catalog_close()
 * @err:    receives "FILE:LINE:COL: problem" on a bad file (may be NULL)
 * @errlen: size of @err
 *
 * Every rule of the format is checked, derived expressions included, as
 * stlm_catalog_load() checks it; nothing is matched against a platform.
 *
 * Return: 0, or -EINVAL (bad file), -ENOENT, -EISDIR, -EFBIG, -ENOMEM.
 */
int stlm_catalog_open(const char *path, struct stlm_catalog **ret, char *err,
		      size_t errlen);

/**
 * stlm_catalog_find() - the most specific catalog for a platform identity
 * @path:   a catalog file, or a directory whose *.json are tried (files
 *          that are not valid catalogs are skipped)
 * @info:   the identity to match: uuid_str, vendor, sub_vendor and
 *          impl_version are used (e.g. from a recording)
 * @ret:    the catalog; close with stlm_catalog_close()
 * @err:    receives the problem of reading @path itself (may be NULL)
 * @errlen: size of @err
 *
 * A catalog matching by UUID beats one matching by vendor, sub-vendor
 * and implementation version, which beats vendor and sub-vendor, which
 * beats vendor alone (stlm_catalog_matches()). Unlike stlm_catalog_load(),
 * ASTL description files are not read.
 *
 * Return: 0; -ENOMSG (nothing at @path matches), -ENOTUNIQ (several
 * match equally well), or the errors of stlm_catalog_open().
 */
int stlm_catalog_find(const char *path, const struct stlm_platform_info *info,
		      struct stlm_catalog **ret, char *err, size_t errlen);

/** @brief Free a catalog from stlm_catalog_open() or _find(). Accepts NULL. */
void stlm_catalog_close(struct stlm_catalog *c);

/** @brief The catalog's "name", or NULL for NULL; owned by @p c. */
const char *stlm_catalog_title(const struct stlm_catalog *c);

/** @brief The file the catalog was read from; owned by @p c. */
const char *stlm_catalog_path(const struct stlm_catalog *c);

/** @brief Number of DE entries (repeat blocks expanded). */
size_t stlm_catalog_entry_count(const struct stlm_catalog *c);

/**
 * stlm_catalog_matches() - how specifically a catalog fits an identity
 * @c:    a catalog
 * @info: uuid_str, vendor, sub_vendor and impl_version are compared
 *
 * Return: 0 (it does not apply, or its "match" names neither a UUID nor a
 * vendor), 4 (by UUID), 3 (vendor, sub-vendor and implementation
 * version), 2 (vendor and sub-vendor), 1 (vendor), or -EINVAL.
 */
int stlm_catalog_matches(const struct stlm_catalog *c,
			 const struct stlm_platform_info *info);

/**
 * struct stlm_catalog_de - what a catalog says about one DE id
 * @id:          the DE id
 * @name:        its name
 * @description: or NULL
 * @unit:        unit code replacing the descriptor's, or -1
 *               (stlm_unit_name() spells it)
 * @scale:       extra factor (1 when not given)
 * @is_signed:   raw values are two's complement
 * @kind:        ::stlm_kind, or -1 when not given
 *
 * Strings are owned by the catalog.
 */
struct stlm_catalog_de {
	uint32_t id;
	const char *name;
	const char *description;
	int unit;
	double scale;
	bool is_signed;
	int kind;
};

/**
 * stlm_catalog_describe() - look up a DE id in a catalog without a session
 * @c:   a catalog
 * @id:  DE id
 * @ret: filled on success
 *
 * Return: 0, -ENOENT (the catalog does not describe @id), -EINVAL.
 */
int stlm_catalog_describe(const struct stlm_catalog *c, uint32_t id,
			  struct stlm_catalog_de *ret);

/**
 * stlm_catalog_entry_at() - the catalog's entry @i, in document order
 * @c:   a catalog
 * @i:   0 .. stlm_catalog_entry_count() - 1
 * @ret: filled on success
 *
 * Return: 0, -ERANGE (no such entry), -EINVAL.
 */
int stlm_catalog_entry_at(const struct stlm_catalog *c, size_t i,
			  struct stlm_catalog_de *ret);

/** @brief Name of state value @p v of DE @p id in catalog @p c, or NULL. */
const char *stlm_catalog_state_name(const struct stlm_catalog *c, uint32_t id,
				    int64_t v);

/**
 * DOC: ASTL description files
 *
 * Checking ASTL description files (docs/catalog-format.md "ASTL
 * description files") with or without a platform: open the set a path
 * names (a spec, a repometa.json or its directory, with the
 * platform_lookup.json and metrics files found beside it), check it, then
 * read the report: one entry per spec, each with its findings as text.
 * stlm_catalog_load() applies the same files as a catalog.
 */
struct stlm_astl;
struct stlm_astl_report;

/**
 * stlm_astl_open() - read an ASTL set
 * @path:   a spec file, a repometa.json, or a directory holding one
 * @ret:    the set; close with stlm_astl_close()
 * @err:    receives the problem (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0; -EMEDIUMTYPE when @path is no ASTL spec or index (@err
 * empty: try it as a catalog); -EINVAL (bad file), -ENOENT, -ENOMEM.
 */
int stlm_astl_open(const char *path, struct stlm_astl **ret, char *err,
		   size_t errlen);
/** @brief Free a set from stlm_astl_open(). Accepts NULL. */
void stlm_astl_close(struct stlm_astl *a);

/**
 * stlm_astl_check() - check an ASTL set, against a platform if given
 * @s:      a session (its DE list is compared with the specs), or NULL:
 *          the files alone
 * @a:      the set
 * @ret:    the report; free with stlm_astl_report_free()
 * @err:    receives the problem (may be NULL)
 * @errlen: size of @err
 *
 * Return: 0, or a negative errno (-ENOMEM, -EINVAL...).
 */
int stlm_astl_check(struct stlm_session *s, const struct stlm_astl *a,
		    struct stlm_astl_report **ret, char *err, size_t errlen);
/** @brief Free a report. Accepts NULL. */
void stlm_astl_report_free(struct stlm_astl_report *r);
/** @brief Number of specs the report covers. */
size_t stlm_astl_report_count(const struct stlm_astl_report *r);

/**
 * struct stlm_astl_spec - the check of one spec
 * @file, @generation, @uuid, @uuid_bytes, @description, @size: the spec
 * @targets, @slots, @distinct_ids: targets expanded, DE slots, distinct ids
 * @header_lines:     HEADER lines of the layout
 * @metrics_file:     the metrics declarations applied, or NULL
 * @n_metrics:        declarations in it
 * @live:             a platform was compared
 * @platform_uuid:    its DE implementation UUID (NULL when not @live)
 * @uuid_match:       the platform's UUID is the spec's
 * @secondary_layout: applied beside the platform's own spec
 * @compared:         the DE list was compared (@present ... meaningful)
 * @extras_listed:    the platform's extra DEs are reported under this spec
 * @present, @missing, @extra, @unit_mismatches: comparison counts
 * @metrics_disabled: slots a declaration disables
 * @finding_count:    findings, those not listed included
 * @n_listed:         findings stlm_astl_report_finding() gives
 *
 * Strings are owned by the set or the report.
 */
struct stlm_astl_spec {
	const char *file;
	int generation;
	const char *uuid;
	unsigned int uuid_bytes;
	const char *description;
	uint32_t size;
	uint32_t targets;
	size_t slots;
	size_t distinct_ids;
	uint32_t header_lines;
	const char *metrics_file;
	uint32_t n_metrics;
	bool live;
	const char *platform_uuid;
	bool uuid_match;
	bool secondary_layout;
	bool compared;
	bool extras_listed;
	size_t present;
	size_t missing;
	size_t extra;
	size_t unit_mismatches;
	size_t metrics_disabled;
	size_t finding_count;
	size_t n_listed;
};

/** @brief Spec @p i of the report. @return 0, -ERANGE, -EINVAL. */
int stlm_astl_report_spec(const struct stlm_astl_report *r, size_t i,
			  struct stlm_astl_spec *ret);

/**
 * struct stlm_astl_finding - one finding
 * @type: "uuid_mismatch", "duplicate_id", "duplicate_name",
 *        "unit_normalised", "overlap", "gap", "outside", "truncated",
 *        "formula_refused", "missing", "extra", "unit_mismatch"
 * @id:   the DE id it is about, or -1
 * @text: one line, "what: detail"
 */
struct stlm_astl_finding {
	const char *type;
	int64_t id;
	const char *text;
};

/** @brief Finding @p j of spec @p i. @return 0, -ERANGE, -EINVAL. */
int stlm_astl_report_finding(const struct stlm_astl_report *r, size_t i,
			     size_t j, struct stlm_astl_finding *ret);

/** Catalog kinds of a DE. */
enum stlm_kind {
	STLM_KIND_GAUGE = 0,
	STLM_KIND_COUNTER = 1,
	STLM_KIND_STATE = 2,
};

/** @brief Kind of a DE (catalog, else guessed from the DE type). */
int stlm_de_kind(const struct stlm_de *de);
/** @brief Name of state value @p v for a STATE DE, or NULL. */
const char *stlm_de_state_name(const struct stlm_de *de, int64_t v);
/** @brief Catalog label @p key ("cluster"...), or NULL. */
const char *stlm_de_label(const struct stlm_de *de, const char *key);
/**
 * @brief Catalog label number @p idx of a DE: its entry's labels, then the
 * catalog-wide ones it does not override (each key once, the value
 * stlm_de_label() gives). Either pointer may be NULL; the strings live as
 * long as the session's catalog.
 * @return 0, -ENOENT past the last label (or without a catalog entry),
 * -EINVAL for a NULL @p de.
 */
int stlm_de_label_at(const struct stlm_de *de, unsigned int idx,
		     const char **key, const char **value);

/** Limits a catalog sets on a gauge ("limits" of docs/catalog-format.md). */
enum stlm_limit_kind {
	STLM_LIMIT_WARN = 0,	/**< near the limit: at or above this value */
	STLM_LIMIT_CRIT = 1,	/**< at the limit: at or above this value */
};

/**
 * stlm_de_limit() - a limit the session's catalog sets on a DE
 * @de:   a DE of the session
 * @kind: ::stlm_limit_kind
 * @ret:  the limit, in the units of stlm_sample.value (the catalog's unit
 *        and scale applied)
 *
 * Return: 0, -ENODATA (no catalog, or it sets no such limit on @de),
 * -EINVAL (NULL argument, unknown @kind).
 */
int stlm_de_limit(const struct stlm_de *de, enum stlm_limit_kind kind,
		  double *ret);

/** @brief Number of derived metrics the catalog defines. */
int stlm_derived_count(struct stlm_session *s);
/** @brief Name and unit of derived metric @p i. */
int stlm_derived_info(struct stlm_session *s, size_t i, const char **ret_name,
		      const char **ret_unit);
/**
 * @brief Evaluate derived metric @p i over a snapshot (and the previous
 * one, for rate() and delta(); may be NULL). Allocates nothing.
 * @return 0, -ENODATA (an input is not valid), -EDOM (division by zero).
 */
int stlm_derived_eval(struct stlm_session *s, size_t i,
		      const struct stlm_snapshot *cur,
		      const struct stlm_snapshot *prev, double *ret);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* STLM_STLM_H */
