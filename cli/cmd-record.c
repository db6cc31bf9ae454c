// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm record: take a snapshot every interval and append it to a recording
 * (docs/record-format.md) until a count, a duration, SIGINT or SIGTERM.
 *
 * Crash safety: the header is written first with one write(); then every
 * record is encoded in memory and appended with one write() on an
 * O_APPEND fd, so a process killed at any point leaves a file whose
 * records are all complete except possibly the last one, which the readers
 * skip as a torn tail. --fsync adds an fdatasync() after every record for
 * machine crashes.
 *
 * Readers of a file still being written: the recorder holds an exclusive
 * flock() on the file while it records, so `stlm report --follow` knows
 * when the writer has stopped.
 *
 * Workloads (`stlm record -o FILE -- COMMAND [ARG]...`): the first record
 * is taken before COMMAND starts, then COMMAND is forked and executed
 * with the recorder's stdin/stdout/stderr (or stdout and stderr to --log
 * FILE); records follow every interval until COMMAND exits, and a last
 * record is taken right after it exits. Event records (report.h) mark the
 * start (with the command line) and the end (with the exit status). The
 * wait is a ppoll() with SIGCHLD, SIGINT, SIGTERM and SIGHUP blocked
 * outside it, so an exit or a signal ends the wait at once. SIGINT /
 * SIGTERM / SIGHUP sent to stlm (kill) are passed on to COMMAND; a
 * terminal's ^C already reaches COMMAND (same process group) and is not
 * sent twice. Recording then goes on until COMMAND exits (at most
 * STOP_GRACE_NS, then SIGKILL). When -n / -D end the recording first,
 * COMMAND gets SIGTERM (then SIGKILL after STOP_GRACE_NS). A command that
 * cannot be executed is detected before anything is created (PATH
 * lookup); an exec() that still fails is reported through a CLOEXEC pipe
 * and the half-made recording is removed.
 *
 * Exit status with a workload: 1 if recording failed, else COMMAND's exit
 * status (128 + N when a signal N killed it; 126 not executable, 127 not
 * found, as shells do); 0 when -n / -D ended the recording first and
 * stlm stopped COMMAND itself.
 *
 * Streaming (--stream csv|json): every record is also printed on stdout
 * as soon as it is written, and stdout is flushed after each one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "record.h"
#include "report.h"

/* How long a workload gets to exit after a stop before SIGKILL. */
#define STOP_GRACE_NS (5 * 1000000000ull)

/* Consecutive failed takes before giving up. */
#define MAX_TAKE_FAILURES 5

static const char help_text[] =
	"Take a snapshot of the selected DEs (default: every enabled DE) every\n"
	"interval and append it to FILE, until the count or duration is reached\n"
	"or SIGINT / SIGTERM arrives. Each record is written with one write(),\n"
	"so a killed recorder loses at most its last, partial record.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE     the recording (required); not overwritten\n"
	"                        unless --force\n"
	"  -i, --interval TIME   between snapshots: 100 (ms), 250ms, 1s, 1m\n"
	"                        (default 1s)\n"
	"  -n, --count N         stop after N records\n"
	"  -D, --duration TIME   stop after TIME seconds (10, 1.5, 500ms, 2m, 1h)\n"
	"      --fsync           fdatasync() after every record\n"
	"  -f, --force           overwrite an existing FILE\n"
	"  -e, --enable          enable the selected DEs (default: all) and\n"
	"                        start collection before recording\n"
	"  -s, --single          ask the platform for a fresh sample each time\n"
	"  -c, --catalog PATH    load this catalog first (its names are stored\n"
	"                        in the recording)\n"
	"      --stream FORMAT   also print every record on stdout as it is\n"
	"                        written: csv (timestamp_us,id,name,value,unit,\n"
	"                        status) or json (one object per line)\n"
	"      --log FILE        the workload's stdout and stderr go to FILE\n"
	"                        (default: this terminal)\n"
	"\n"
	"With -- COMMAND [ARG]...: record while COMMAND runs, from a record just\n"
	"before it starts to one right after it exits (or -n / -D, whichever\n"
	"ends first; COMMAND then gets SIGTERM). SIGINT / SIGTERM go to COMMAND\n"
	"and end the recording when it exits. The exit status is COMMAND's\n"
	"(128+N if signal N killed it, 126/127 if it cannot be executed), 0 if\n"
	"-n / -D stopped it, or 1 if the recording failed.\n"
	"\n"
	"Read the recording with 'stlm report FILE', 'stlm replay FILE' or\n"
	"'stlm decode FILE'.\n";

enum {
	OPT_FSYNC = 0x2001,
	OPT_STREAM,
	OPT_LOG,
};

enum stream_fmt { STREAM_NONE, STREAM_CSV, STREAM_JSON };

/**
 * struct config - stlm record options
 * @output:      -o FILE
 * @interval_ns: -i
 * @count:       -n (0: unbounded)
 * @duration_ns: -D (0: unbounded)
 * @fsync:       --fsync
 * @force:       -f
 * @enable:      -e
 * @single:      -s
 * @catalog:     --catalog PATH
 * @stream:      --stream
 * @log:         --log FILE
 * @argv:        the workload after "--" (NULL-terminated), or NULL
 */
struct config {
	const char *output;
	uint64_t interval_ns;
	uint64_t count;
	uint64_t duration_ns;
	bool fsync;
	bool force;
	bool enable;
	bool single;
	const char *catalog;
	enum stream_fmt stream;
	const char *log;
	char **argv;
};

/* Seconds ("10", "1.5") or a time with a unit ("500ms", "2m", "1h"), at
 * most 30 days. */
static int parse_duration(const char *s, uint64_t *ret_ns)
{
	return cli_parse_duration(s, 1e9, 30 * 86400e9, ret_ns);
}

/* 0: go on; -1: --help printed (exit 0); > 0: exit status. */
static const struct option record_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'D' },
	{ "fsync", no_argument, NULL, OPT_FSYNC },
	{ "force", no_argument, NULL, 'f' },
	{ "enable", no_argument, NULL, 'e' },
	{ "single", no_argument, NULL, 's' },
	{ "single-sample", no_argument, NULL, 's' },
	{ "stream", required_argument, NULL, OPT_STREAM },
	{ "log", required_argument, NULL, OPT_LOG },
	CLI_COMMON_LONGOPTS,
	{ 0 }
};
/* Old spellings: -d is --delta, -E/-S are -e/-s elsewhere. */
static const struct cli_oldopt record_old[] = {
	{ 'd', 'D', "-D/--duration" },
	{ 'E', 'e', "-e/--enable" },
	{ 'S', 's', "-s/--single" },
	{ 0 }
};
const struct cli_optab cli_record_optab = {
	"o:i:n:D:fes", record_longopts, record_old, "d:ES", NULL
};

static int parse_config(struct cli *c, int argc, char **argv,
			struct config *cfg)
{
	const char *name = c->cmd ? c->cmd->name : "record";
	char *end;
	int opt;

	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_ns = 1000000000ull;
	/* The workload: everything after the first "--" that is not the
	 * argument of an option taking one. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			if (i + 1 >= argc)
				return cli_usage_err(name, "%s: no COMMAND after '--'",
						     name);
			cfg->argv = &argv[i + 1];
			argc = i;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] && !argv[i][2] &&
		    strchr("oinDdpc", argv[i][1]))
			i++;
		else if (!strcmp(argv[i], "--output") ||
			 !strcmp(argv[i], "--interval") ||
			 !strcmp(argv[i], "--count") ||
			 !strcmp(argv[i], "--duration") ||
			 !strcmp(argv[i], "--catalog") ||
			 !strcmp(argv[i], "--platform") ||
			 !strcmp(argv[i], "--stream") ||
			 !strcmp(argv[i], "--log"))
			i++;
	}
	while ((opt = cli_getopt(c, argc, argv, &cli_record_optab)) != -1) {
		switch (opt) {
		case 'o':
			cfg->output = optarg;
			break;
		case 'i':
			if (cli_parse_interval(optarg, &cfg->interval_ns) < 0)
				return cli_usage_err(name, "%s: bad interval '%s' (e.g. 100, 250ms, 1s)",
						     name, optarg);
			break;
		case 'n':
			errno = 0;
			cfg->count = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || !cfg->count ||
			    optarg[0] == '-')
				return cli_usage_err(name, "%s: bad count '%s' (a positive number)",
						     name, optarg);
			break;
		case 'D':
			if (parse_duration(optarg, &cfg->duration_ns) < 0)
				return cli_usage_err(name, "%s: bad duration '%s' (e.g. 10, 1.5, 500ms)",
						     name, optarg);
			break;
		case OPT_FSYNC:
			cfg->fsync = true;
			break;
		case 'f':
			cfg->force = true;
			break;
		case 'e':
			cfg->enable = true;
			break;
		case 's':
			cfg->single = true;
			break;
		case OPT_STREAM:
			if (!strcmp(optarg, "csv"))
				cfg->stream = STREAM_CSV;
			else if (!strcmp(optarg, "json"))
				cfg->stream = STREAM_JSON;
			else
				return cli_usage_err(name, "%s: bad --stream '%s' (csv or json)",
						     name, optarg);
			break;
		case OPT_LOG:
			cfg->log = optarg;
			break;
		case 'h':
			cli_help(c, help_text);
			return -1;
		default:
			if (cli_common_opt(c, opt))
				break;
			return cli_bad_option(c, argv);
		}
	}
	if (cli_check_args(c, argc - optind))
		return 2;
	if (!cfg->output)
		return cli_usage_err(name, "%s: missing -o FILE", name);
	if (cfg->count && cfg->duration_ns)
		return cli_usage_err(name, "%s: -n and -D exclude each other",
				     name);
	if (cfg->log && !cfg->argv)
		return cli_usage_err(name, "%s: --log needs a workload (-- COMMAND)",
				     name);
	if (cfg->stream && c->json)
		return cli_usage_err(name, "%s: --stream and --json exclude each other",
				     name);
	return 0;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Write all of @buf; a short write is continued (the bytes stay
 * contiguous, so a crash in between is still one torn record). */
static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fill_de(struct rec_de *d, const struct stlm_de *de,
		    const uint32_t *ids, size_t n_ids)
{
	const char *name = cli_de_name(de);
	const char *fw = stlm_de_fw_name(de);
	int ts = stlm_de_ts_support(de);

	memset(d, 0, sizeof(*d));
	d->id = stlm_de_id(de);
	d->group = stlm_de_group(de);
	d->size = stlm_de_size(de);
	d->ts_rate_khz = stlm_de_ts_rate_khz(de);
	d->compo_instance = stlm_de_component_instance(de);
	d->type = stlm_de_type(de);
	d->unit = stlm_de_unit(de);
	d->unit_exp = (int8_t)stlm_de_unit_exp(de);
	d->compo_type = stlm_de_component_type(de);
	d->instance = stlm_de_instance(de);
	d->flags = (uint8_t)(ts >= 0 && ts <= 3 ? ts : 0);
	if (stlm_de_signed(de))
		d->flags |= REC_DE_SIGNED;
	if (stlm_de_persistent(de))
		d->flags |= REC_DE_PERSISTENT;
	if (stlm_de_has_fastchannel(de))
		d->flags |= REC_DE_FASTCHANNEL;
	if (stlm_de_enabled(de))
		d->flags |= REC_DE_ENABLED;
	for (size_t i = 0; i < n_ids; i++)
		if (ids[i] == d->id)
			d->flags |= REC_DE_SELECTED;
	d->kind = (uint8_t)cli_de_kind(de);
	/* Strings are only read by rec_header_encode(). */
	d->fw_name = (char *)(fw ? fw : "");
	d->name = (char *)(name && (!fw || strcmp(name, fw)) ? name : "");
	d->unit_name = (char *)stlm_de_unit_name(de);
	d->compo_name = (char *)stlm_de_component_name(de);
	d->description = (char *)(stlm_de_description(de) ?
					  stlm_de_description(de) : "");
}

/* The header: identity and every DE of the platform. */
static int build_header(struct cli *c, const struct config *cfg,
			const uint32_t *ids, size_t n_ids, uint8_t **ret_buf,
			size_t *ret_len)
{
	struct stlm_platform_info info;
	struct rec_header h = { 0 };
	char host[256] = "", tool[64];
	const char *cat = cli_catalog_name(c->s);
	int n, r;

	r = stlm_session_info(c->s, &info);
	if (r < 0) {
		cli_err(c, "cannot read the platform information: %s",
			cli_strerror(r));
		return r;
	}
	n = stlm_de_count(c->s);
	if (n < 0) {
		cli_err(c, "cannot list DEs: %s", cli_strerror(n));
		return n;
	}
	if ((unsigned int)n > REC_MAX_DES) {
		cli_err(c, "the platform has %d DEs; a recording holds at most %u",
			n, REC_MAX_DES);
		return -E2BIG;
	}
	h.des = calloc((size_t)n + 1, sizeof(*h.des));
	if (!h.des) {
		cli_err(c, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_at(c->s, (size_t)i);

		if (de)
			fill_de(&h.des[h.n_des++], de, ids, n_ids);
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(tool, sizeof(tool), "stlm %s", STLM_VERSION);
	h.protocol_version = info.protocol_version;
	h.base_version = info.base_version;
	h.impl_version = info.impl_version;
	h.n_platform_des = info.n_des;
	memcpy(h.uuid, info.uuid, 16);
	memcpy(h.vendor, info.vendor, 16);
	memcpy(h.sub_vendor, info.sub_vendor, 16);
	h.created_ns = now_ns(CLOCK_REALTIME);
	h.interval_ns = cfg->interval_ns;
	h.default_blk_ts_rate_khz = info.default_blk_ts_rate_khz;
	h.tool = tool;
	h.host = host;
	h.uri = (char *)stlm_session_uri(c->s);
	h.catalog = (char *)(cat ? cat : "");
	r = rec_header_encode(&h, ret_buf, ret_len);
	free(h.des);
	if (r < 0)
		cli_err(c, "cannot encode the recording header: %s",
			strerror(-r));
	return r;
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */

/* A stop signal sent with kill() (not by the terminal, which already
 * signals the workload's process group): pass it on. */
static volatile sig_atomic_t forward_sig;

static void on_stop_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	cli_stop = 1;
	if (!si || si->si_code != SI_KERNEL)
		forward_sig = sig;
}

static void on_child(int sig)
{
	(void)sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Block SIGCHLD and the stop signals outside the waits (ppoll unblocks
 * them atomically); with a workload, take over the stop signals. */
static void signals_setup(bool workload, sigset_t *ret_orig)
{
	struct sigaction sa;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&set, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, ret_orig);
	if (!workload)
		return;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO;
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

/**
 * struct recorder - the recording loop's state
 * @fd:      the recording, O_APPEND
 * @snap:    reusable snapshot
 * @rs:      samples converted for the encoder (grows)
 * @buf:     the encoded record (grows)
 * @records, @bytes: written so far
 * @waitmask: the signal mask inside the waits
 * @pid:     the workload while it runs (0: none / reaped)
 * @exited:  the workload ended (@status: exit code or -signal)
 * @kill_at: CLOCK_MONOTONIC deadline for SIGKILL (0: none)
 * @cmdline: the workload's command line, for the event record
 * @interrupted: a stop signal arrived (workload mode)
 * @limit_stop: -n / -D ended first and stopped the workload
 */
struct recorder {
	int fd;
	struct stlm_snapshot *snap;
	struct rec_sample *rs;
	size_t rs_cap;
	uint8_t *buf;
	size_t buf_cap;
	uint64_t records;
	uint64_t bytes;
	sigset_t waitmask;
	pid_t pid;
	bool exited;
	int status;
	uint64_t kill_at;
	char *cmdline;
	bool interrupted;
	bool limit_stop;
	struct cli_tally tally;	/* every sample recorded: was any valid? */
};

/* ------------------------------------------------------------------ */
/* Streaming                                                           */

static void stream_record(struct cli *c, const struct config *cfg,
			  const struct recorder *rc)
{
	const struct stlm_sample *v;
	uint64_t mono = stlm_snapshot_mono_ns(rc->snap);
	FILE *f = stdout;
	struct jw w;
	size_t n;

	v = stlm_snapshot_samples(rc->snap, &n);
	if (cfg->stream == STREAM_JSON) {
		jw_init(&w, f, false);
		jw_object_begin(&w);
		jw_kv_uint(&w, "record", rc->records - 1);
		jw_kv_uint(&w, "time_ns", stlm_snapshot_time_ns(rc->snap));
		jw_kv_uint(&w, "mono_ns", mono);
		jw_key(&w, "samples");
		jw_array_begin(&w);
	}
	for (size_t i = 0; i < n; i++) {
		const struct stlm_de *de = stlm_de_get(c->s, v[i].id);
		const char *name = de ? cli_de_name(de) : NULL;
		const char *unit = de ? cli_de_unit(de) : "";
		const char *problem = cli_sample_problem(&v[i]);
		char idbuf[16];

		if (isnan(v[i].value) && !problem)
			problem = "not a number";
		snprintf(idbuf, sizeof(idbuf), "0x%08x", v[i].id);
		if (!name)
			name = idbuf;
		if (cfg->stream == STREAM_CSV) {
			fprintf(f, "%llu,%s,", (unsigned long long)(mono / 1000),
				idbuf);
			cli_csv_str(f, name);
			if (problem) {
				fputc(',', f);
			} else {
				char num[40];

				cli_format_double(v[i].value, num, sizeof(num));
				fprintf(f, ",%s", num);
			}
			fputc(',', f);
			cli_csv_str(f, unit);
			fprintf(f, ",%s\n", problem ? problem : "ok");
			continue;
		}
		/* ids are integers, unnamed DEs null (docs/cli-json.md) */
		jw_object_begin(&w);
		jw_kv_uint(&w, "id", v[i].id);
		jw_kv_string(&w, "name", de ? cli_de_name(de) : NULL);
		jw_key(&w, "value");
		if (problem)
			jw_null(&w);
		else
			jw_double(&w, v[i].value);
		jw_kv_string(&w, "unit", unit);
		jw_kv_string(&w, "status", problem ? problem : "ok");
		jw_object_end(&w);
	}
	if (cfg->stream == STREAM_JSON) {
		jw_array_end(&w);
		jw_object_end(&w);
		jw_end(&w);
	}
	fflush(f);
}

static void stream_event(const struct config *cfg, const struct rec_event *e)
{
	struct jw w;

	if (cfg->stream != STREAM_JSON)
		return;
	jw_init(&w, stdout, false);
	jw_object_begin(&w);
	jw_kv_string(&w, "event", e->kind == REC_EVENT_WORKLOAD_START ?
					  "workload-start" : "workload-end");
	jw_kv_uint(&w, "time_ns", e->time_ns);
	jw_kv_uint(&w, "mono_ns", e->mono_ns);
	if (e->kind == REC_EVENT_WORKLOAD_START)
		jw_kv_string(&w, "command", e->text);
	else
		jw_kv_int(&w, "status", e->status);
	jw_object_end(&w);
	jw_end(&w);
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Records                                                             */

/* Encode the last take and append it with one write(). */
static int append_snapshot(struct cli *c, const struct config *cfg,
			   struct recorder *rc)
{
	const struct stlm_sample *v;
	size_t n, size;
	long len;
	int r;

	v = stlm_snapshot_samples(rc->snap, &n);
	if (n > REC_MAX_SAMPLES)
		n = REC_MAX_SAMPLES;
	if (n > rc->rs_cap) {
		struct rec_sample *x = realloc(rc->rs, n * sizeof(*x));

		if (!x)
			return -ENOMEM;
		rc->rs = x;
		rc->rs_cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		cli_tally_add(&rc->tally, &v[i]);
		rc->rs[i].id = v[i].id;
		rc->rs[i].flags = v[i].flags;
		rc->rs[i].raw = v[i].raw;
		rc->rs[i].value = v[i].value;
		rc->rs[i].ts = v[i].ts;
		rc->rs[i].ts_rate_khz = v[i].ts_rate_khz;
	}
	size = rec_snapshot_size(n);
	if (size > rc->buf_cap) {
		uint8_t *x = realloc(rc->buf, size);

		if (!x)
			return -ENOMEM;
		rc->buf = x;
		rc->buf_cap = size;
	}
	len = rec_snapshot_encode(rc->buf, rc->buf_cap,
				  stlm_snapshot_time_ns(rc->snap),
				  stlm_snapshot_mono_ns(rc->snap),
				  stlm_snapshot_generation(rc->snap), rc->rs, n);
	if (len < 0)
		return (int)len;
	r = write_all(rc->fd, rc->buf, (size_t)len);
	if (r < 0)
		return r;
	if (cfg->fsync && fdatasync(rc->fd) < 0)
		return -errno;
	rc->records++;
	rc->bytes += (uint64_t)len;
	if (cfg->stream)
		stream_record(c, cfg, rc);
	return 0;
}

static int append_event(const struct config *cfg, struct recorder *rc,
			uint32_t kind, int status, const char *text)
{
	uint8_t buf[REC_PREFIX_SIZE + REC_EVENT_FIXED + REC_EVENT_MAX_TEXT];
	struct rec_event e = {
		.time_ns = now_ns(CLOCK_REALTIME),
		.mono_ns = now_ns(CLOCK_MONOTONIC),
		.kind = kind,
		.status = status,
		.text = text,
		.text_len = text ? (uint32_t)strlen(text) : 0,
	};
	long len;
	int r;

	len = rec_event_encode(buf, sizeof(buf), &e);
	if (len < 0)
		return (int)len;
	r = write_all(rc->fd, buf, (size_t)len);
	if (r < 0)
		return r;
	if (cfg->fsync && fdatasync(rc->fd) < 0)
		return -errno;
	rc->bytes += (uint64_t)len;
	stream_event(cfg, &e);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The workload                                                        */

/* "sh -c 'sleep 1'": words with shell quoting where needed. */
static char *join_command(char **argv)
{
	size_t len = 1;
	char *s, *p;

	for (char **a = argv; *a; a++)
		len += 4 * strlen(*a) + 3;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (char **a = argv; *a; a++) {
		bool quote = !**a || strpbrk(*a, " \t\n'\"\\$`!*?[]{}()<>|&;#~");

		if (a != argv)
			*p++ = ' ';
		if (quote)
			*p++ = '\'';
		for (const char *q = *a; *q; q++) {
			if (*q == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *q;
			}
		}
		if (quote)
			*p++ = '\'';
	}
	*p = '\0';
	return s;
}

static bool is_exec_file(const char *path, int *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		*err = errno;
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		*err = EISDIR;
		return false;
	}
	if (access(path, X_OK) < 0) {
		*err = errno;
		return false;
	}
	return true;
}

/* Can @cmd be executed (execvp's PATH search)? 0, or 126 / 127 after
 * printing why. */
static int check_command(struct cli *c, const char *cmd)
{
	const char *path = getenv("PATH");
	int err = ENOENT, e;
	char buf[4096];

	if (!*cmd) {
		cli_err(c, "cannot execute '': empty command");
		return 127;
	}
	if (strchr(cmd, '/')) {
		if (is_exec_file(cmd, &err))
			return 0;
	} else {
		if (!path)
			path = "/usr/local/bin:/usr/bin:/bin";
		while (*path) {
			const char *colon = strchr(path, ':');
			size_t n = colon ? (size_t)(colon - path) : strlen(path);

			snprintf(buf, sizeof(buf), "%.*s%s%s", (int)n, path,
				 n ? "/" : "", cmd);
			if (is_exec_file(buf, &e))
				return 0;
			if (e != ENOENT && e != ENOTDIR)
				err = e;
			path += n + (colon ? 1 : 0);
			if (!colon)
				break;
		}
	}
	cli_err(c, "cannot execute '%s': %s", cmd,
		err == ENOENT ? "command not found" : strerror(err));
	return err == ENOENT ? 127 : 126;
}

/* Fork and exec the workload. 0, or 126 / 127 (reported). */
static int spawn_workload(struct cli *c, const struct config *cfg,
			  struct recorder *rc, const sigset_t *orig,
			  int log_fd)
{
	int pfd[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		cli_err(c, "cannot start the workload: %s", strerror(errno));
		return 126;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		cli_err(c, "cannot start the workload: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return 126;
	}
	if (pid == 0) {
		close(pfd[0]);
		for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
			signal(stop_signals[i], SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, orig, NULL);
		if (log_fd >= 0 &&
		    (dup2(log_fd, STDOUT_FILENO) < 0 ||
		     dup2(log_fd, STDERR_FILENO) < 0)) {
			err = errno;
		} else {
			execvp(cfg->argv[0], cfg->argv);
			err = errno;
		}
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(err == ENOENT ? 127 : 126);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(pid, NULL, 0);
		cli_err(c, "cannot execute '%s': %s", cfg->argv[0],
			strerror(err));
		return err == ENOENT ? 127 : 126;
	}
	rc->pid = pid;
	return 0;
}

/* Reap the workload if it ended; write the end event. */
static int reap_workload(const struct config *cfg, struct recorder *rc)
{
	int st;
	pid_t p;

	if (rc->pid <= 0)
		return 0;
	do
		p = waitpid(rc->pid, &st, WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p == 0)
		return 0;
	rc->pid = 0;
	rc->exited = true;
	rc->kill_at = 0;
	if (p < 0)
		rc->status = 127;
	else if (WIFEXITED(st))
		rc->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		rc->status = -WTERMSIG(st);
	return append_event(cfg, rc, REC_EVENT_WORKLOAD_END, rc->status, NULL);
}

/* Ask the workload to stop (@sig), SIGKILL after STOP_GRACE_NS. */
static void stop_workload(struct recorder *rc, int sig)
{
	if (rc->pid <= 0)
		return;
	if (sig)
		kill(rc->pid, sig);
	if (!rc->kill_at)
		rc->kill_at = now_ns(CLOCK_MONOTONIC) + STOP_GRACE_NS;
}

/*
 * Wait until CLOCK_MONOTONIC @deadline. Returns early on a stop signal
 * without a workload, or when the workload ended (reaped here). Stop
 * signals with a workload are passed on and the wait goes on.
 */
static int wait_until(const struct config *cfg, struct recorder *rc,
		      uint64_t deadline)
{
	bool workload = cfg->argv != NULL;
	int r;

	for (;;) {
		uint64_t now, until;
		struct timespec ts;

		if (workload) {
			if (cli_stop) {
				cli_stop = 0;
				rc->interrupted = true;
				stop_workload(rc, forward_sig);
				forward_sig = 0;
			}
			r = reap_workload(cfg, rc);
			if (r < 0 || rc->exited)
				return r;
		} else if (cli_stop) {
			return 0;
		}
		now = now_ns(CLOCK_MONOTONIC);
		if (rc->kill_at && now >= rc->kill_at) {
			kill(rc->pid, SIGKILL);
			rc->kill_at = 0;
		}
		if (now >= deadline)
			return 0;
		until = deadline;
		if (rc->kill_at && rc->kill_at < until)
			until = rc->kill_at;
		ts.tv_sec = (time_t)((until - now) / 1000000000ull);
		ts.tv_nsec = (long)((until - now) % 1000000000ull);
		ppoll(NULL, 0, &ts, &rc->waitmask);
	}
}

static int take_and_append(struct cli *c, const struct config *cfg,
			   struct recorder *rc, int *failures)
{
	unsigned int flags = cfg->single ? STLM_TAKE_SINGLE_SAMPLE : 0;
	int r;

	/* The first take waits for freshly enabled DEs. */
	r = rc->records || *failures ?
		    stlm_snapshot_take(rc->snap, flags) :
		    cli_take(c, rc->snap, flags, 1000);
	if (r < 0) {
		if (++*failures >= MAX_TAKE_FAILURES) {
			cli_err(c, "snapshot failed %d times in a row: %s",
				*failures, cli_strerror(r));
			return r;
		}
		if (!c->quiet)
			fprintf(stderr, "stlm: snapshot failed: %s; retrying\n",
				cli_strerror(r));
		return 0;
	}
	*failures = 0;
	r = append_snapshot(c, cfg, rc);
	if (r < 0)
		cli_err(c, "cannot write to %s: %s", cfg->output, strerror(-r));
	return r;
}

/*
 * The loop. Without a workload: until -n, -D or a stop signal. With one:
 * the workload is started after the first record and the loop ends with
 * a record right after it exits; -n / -D ending first stop it.
 */
static int record_loop(struct cli *c, const struct config *cfg,
		       struct recorder *rc, const sigset_t *orig, int log_fd,
		       int *ret_spawn)
{
	uint64_t start = now_ns(CLOCK_MONOTONIC), next = start;
	bool workload = cfg->argv != NULL, started = false;
	int failures = 0, r;
	struct cli_progress prog;

	/* A progress line, unless a workload shares the terminal. */
	cli_progress_begin(&prog, workload && !cfg->log ? NULL : c, "record",
			   cfg->count);
	for (;;) {
		bool last = workload && rc->exited;

		r = take_and_append(c, cfg, rc, &failures);
		cli_progress_update(&prog, rc->records);
		if (r < 0)
			break;
		/* The workload starts once the first record is written. */
		if (workload && !started && rc->records) {
			started = true;
			r = append_event(cfg, rc, REC_EVENT_WORKLOAD_START, 0,
					 rc->cmdline);
			if (r < 0) {
				cli_err(c, "cannot write to %s: %s",
					cfg->output, strerror(-r));
				break;
			}
			*ret_spawn = spawn_workload(c, cfg, rc, orig, log_fd);
			if (*ret_spawn) {
				r = -ENOEXEC;
				break;
			}
		}
		if (last)
			break;
		if (cfg->count && rc->records >= cfg->count)
			break;
		if (!workload && cli_stop)
			break;
		next += cfg->interval_ns;
		if (cfg->duration_ns && next - start >= cfg->duration_ns)
			break;
		/* Fell behind (slow platform): skip the missed slots. */
		if (next < now_ns(CLOCK_MONOTONIC))
			next = now_ns(CLOCK_MONOTONIC);
		r = wait_until(cfg, rc, next);
		if (r < 0)
			break;
		if (!workload && cli_stop)
			break;
	}
	cli_progress_end(&prog);
	return r < 0 ? r : 0;
}

/* After the loop: a workload still running (-n / -D, an error) is
 * stopped and reaped; its end event is written. */
static void finish_workload(const struct config *cfg, struct recorder *rc)
{
	if (rc->pid <= 0)
		return;
	rc->limit_stop = true;
	stop_workload(rc, SIGTERM);
	while (rc->pid > 0) {
		if (reap_workload(cfg, rc) < 0 || rc->exited)
			break;
		if (!rc->kill_at) {
			/* SIGKILL sent: wait for it. */
			int st;

			if (waitpid(rc->pid, &st, 0) == rc->pid) {
				rc->pid = 0;
				rc->exited = true;
				rc->status = WIFEXITED(st) ? WEXITSTATUS(st) :
					     -WTERMSIG(st);
				append_event(cfg, rc, REC_EVENT_WORKLOAD_END,
					     rc->status, NULL);
			}
			break;
		}
		wait_until(cfg, rc, rc->kill_at);
	}
}

int stlm_cmd_record_main(struct cli *c, int argc, char **argv)
{
	struct recorder rc = { .fd = -1 };
	struct config cfg;
	uint32_t *ids = NULL;
	size_t n_ids = 0, hlen;
	uint8_t *hdr = NULL;
	int r, ret = 1, flags, spawn = 0, log_fd = -1, n_args;
	bool created = false, novalue = false;
	sigset_t orig;

	r = parse_config(c, argc, argv, &cfg);
	if (r)
		return r < 0 ? 0 : r; /* -1: --help */
	/* parse_config() stopped at "--": the DEs are before it. */
	n_args = (cfg.argv ? (int)(cfg.argv - 1 - argv) : argc) - optind;

	if (cfg.argv) {
		r = check_command(c, cfg.argv[0]);
		if (r)
			return r;
		rc.cmdline = join_command(cfg.argv);
		if (!rc.cmdline) {
			cli_err(c, "out of memory");
			return 1;
		}
	}
	if (cli_open(c, NULL) < 0)
		goto out;
	if (cfg.catalog) {
		char err[512] = "";

		r = cli_catalog_load(c->s, cfg.catalog, err, sizeof(err));
		if (r < 0) {
			cli_err(c, "cannot load catalog %s: %s", cfg.catalog,
				err[0] ? err : cli_strerror(r));
			goto out;
		}
	}
	/* DEs: ids, names or name globs */
	if (n_args > 0 &&
	    cli_parse_des(c, &argv[optind], n_args, &ids, &n_ids) < 0)
		goto out;
	if (cli_ensure_collection(c, ids, n_ids, cfg.enable, 0) < 0)
		goto out;
	r = stlm_snapshot_new(c->s, &rc.snap);
	if (r >= 0)
		r = stlm_snapshot_select(rc.snap, ids, n_ids);
	if (r < 0) {
		cli_err(c, "cannot create a snapshot: %s", cli_strerror(r));
		goto out;
	}
	if (!n_ids && !c->quiet) {
		int n = stlm_de_count(c->s), on = 0;

		for (int i = 0; i < n; i++)
			on += stlm_de_enabled(stlm_de_at(c->s, (size_t)i));
		if (!on)
			fprintf(stderr, "stlm: no DE is enabled: the records will be empty "
					"(use --enable, or 'stlm enable')\n");
	}
	if (build_header(c, &cfg, ids, n_ids, &hdr, &hlen) < 0)
		goto out;

	if (cfg.log) {
		log_fd = open(cfg.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);
		if (log_fd < 0) {
			cli_err(c, "cannot create %s: %s", cfg.log,
				strerror(errno));
			goto out;
		}
	}
	flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		(cfg.force ? O_TRUNC : O_EXCL);
	rc.fd = open(cfg.output, flags, 0644);
	if (rc.fd < 0) {
		r = errno;
		if (r == EEXIST)
			cli_err(c, "%s exists (use --force to overwrite it)",
				cfg.output);
		else
			cli_err(c, "cannot create %s: %s", cfg.output,
				strerror(r));
		goto out;
	}
	created = true;
	/* Readers following the file see the writer through this lock. */
	flock(rc.fd, LOCK_EX | LOCK_NB);
	r = write_all(rc.fd, hdr, hlen);
	if (r >= 0 && cfg.fsync && fsync(rc.fd) < 0)
		r = -errno;
	if (r < 0) {
		cli_err(c, "cannot write to %s: %s", cfg.output, strerror(-r));
		goto out;
	}
	rc.bytes = hlen;
	if (cfg.stream == STREAM_CSV) {
		fputs("timestamp_us,id,name,value,unit,status\n", stdout);
		fflush(stdout);
	}

	cli_catch_stop();
	signals_setup(cfg.argv != NULL, &orig);
	rc.waitmask = orig;
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(&rc.waitmask, stop_signals[i]);
	sigdelset(&rc.waitmask, SIGCHLD);
	r = record_loop(c, &cfg, &rc, &orig, log_fd, &spawn);
	finish_workload(&cfg, &rc);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	if (spawn) {
		/* exec() failed: nothing half-written stays behind. */
		close(rc.fd);
		rc.fd = -1;
		unlink(cfg.output);
		ret = spawn;
		goto out;
	}
	if (close(rc.fd) < 0 && r >= 0) {
		cli_err(c, "cannot write to %s: %s", cfg.output,
			strerror(errno));
		r = -EIO;
	}
	rc.fd = -1;
	/* A recording without a single value failed (and says why). */
	if (r >= 0 && rc.records && cli_tally_verdict(c, &rc.tally, NULL))
		novalue = true;

	if (c->json) {
		struct jw w;

		cli_doc_begin(c, &w);
		jw_kv_string(&w, "file", cfg.output);
		jw_kv_uint(&w, "records", rc.records);
		jw_kv_uint(&w, "bytes", rc.bytes);
		jw_kv_uint(&w, "interval_ns", cfg.interval_ns);
		jw_kv_bool(&w, "interrupted", cli_stop != 0 || rc.interrupted);
		if (cfg.argv) {
			jw_key(&w, "workload");
			jw_object_begin(&w);
			jw_kv_string(&w, "command", rc.cmdline);
			if (rc.exited && rc.status >= 0)
				jw_kv_int(&w, "exit_status", rc.status);
			else
				jw_kv_string(&w, "exit_status", NULL);
			if (rc.exited && rc.status < 0)
				jw_kv_int(&w, "signal", -rc.status);
			jw_object_end(&w);
		}
		if (novalue && !cfg.argv)
			cli_doc_error(c, &w, 1);
		cli_doc_end(c, &w);
	} else if (!c->quiet) {
		fprintf(stderr, "stlm: recorded %llu record%s (%llu bytes) to %s\n",
			(unsigned long long)rc.records,
			rc.records == 1 ? "" : "s",
			(unsigned long long)rc.bytes, cfg.output);
		if (cfg.argv && rc.exited) {
			if (rc.status >= 0)
				fprintf(stderr, "stlm: workload exited with status %d\n",
					rc.status);
			else
				fprintf(stderr, "stlm: workload killed by signal %d (%s)\n",
					-rc.status, strsignal(-rc.status));
		}
	}
	if (r < 0)
		ret = 1;
	else if (cfg.argv && rc.exited && !rc.limit_stop)
		ret = rc.status >= 0 ? rc.status : 128 - rc.status;
	else
		ret = novalue ? 1 : 0;
	created = false;
out:
	if (rc.pid > 0) {
		kill(rc.pid, SIGKILL);
		waitpid(rc.pid, NULL, 0);
	}
	if (rc.fd >= 0)
		close(rc.fd);
	if (created && spawn)
		unlink(cfg.output);
	if (log_fd >= 0)
		close(log_fd);
	stlm_snapshot_free(rc.snap);
	free(rc.rs);
	free(rc.buf);
	free(rc.cmdline);
	free(hdr);
	free(ids);
	return ret;
}
