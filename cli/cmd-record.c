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
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "record.h"

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
	"  -i, --interval TIME   between snapshots: 100 (ms), 250ms, 1s, 500us\n"
	"                        (default 1s)\n"
	"  -n, --count N         stop after N records\n"
	"  -d, --duration TIME   stop after TIME seconds (10, 1.5, 500ms)\n"
	"      --fsync           fdatasync() after every record\n"
	"  -f, --force           overwrite an existing FILE\n"
	"  -E, --enable          enable the selected DEs (default: all) and\n"
	"                        start collection before recording\n"
	"  -S, --single-sample   ask the platform for a fresh sample each time\n"
	"      --catalog PATH    load this catalog first (its names are stored\n"
	"                        in the recording)\n"
	"\n"
	"Read the recording with 'stlm replay FILE' or 'stlm decode FILE'.\n";

enum {
	OPT_FSYNC = 0x2001,
	OPT_CATALOG,
};

/**
 * struct config - stlm record options
 * @output:      -o FILE
 * @interval_ns: -i
 * @count:       -n (0: unbounded)
 * @duration_ns: -d (0: unbounded)
 * @fsync:       --fsync
 * @force:       -f
 * @enable:      -E
 * @single:      -S
 * @catalog:     --catalog PATH
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
};

/* Seconds ("10", "1.5") or a time with a unit ("500ms", "2s"). */
static int parse_duration(const char *s, uint64_t *ret_ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!errno && end != s && !*end) {
		if (!(v > 0) || v > 30 * 86400.0)
			return -EINVAL;
		*ret_ns = (uint64_t)llround(v * 1e9);
		return 0;
	}
	return cli_parse_interval(s, ret_ns);
}

/* 0: go on; -1: --help printed (exit 0); > 0: exit status. */
static int parse_config(struct cli *c, int argc, char **argv,
			struct config *cfg)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "fsync", no_argument, NULL, OPT_FSYNC },
		{ "force", no_argument, NULL, 'f' },
		{ "enable", no_argument, NULL, 'E' },
		{ "single-sample", no_argument, NULL, 'S' },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		CLI_COMMON_LONGOPTS,
		{ 0 }
	};
	const char *name = c->cmd ? c->cmd->name : "record";
	char *end;
	int opt;

	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_ns = 1000000000ull;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "o:i:n:d:fES",
				  opts, NULL)) != -1) {
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
		case 'd':
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
		case 'E':
			cfg->enable = true;
			break;
		case 'S':
			cfg->single = true;
			break;
		case OPT_CATALOG:
			cfg->catalog = optarg;
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
		return cli_usage_err(name, "%s: -n and -d exclude each other",
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

/* Sleep until CLOCK_MONOTONIC @deadline or a stop signal. */
static void sleep_until(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline / 1000000000ull),
		.tv_nsec = (long)(deadline % 1000000000ull),
	};

	while (!cli_stop &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
		       EINTR)
		;
}

/**
 * struct recorder - the recording loop's state
 * @fd:      the recording, O_APPEND
 * @snap:    reusable snapshot
 * @rs:      samples converted for the encoder (grows)
 * @buf:     the encoded record (grows)
 * @records, @bytes: written so far
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
};

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
	return 0;
}

static int record_loop(struct cli *c, const struct config *cfg,
		       struct recorder *rc)
{
	unsigned int flags = cfg->single ? STLM_TAKE_SINGLE_SAMPLE : 0;
	uint64_t start = now_ns(CLOCK_MONOTONIC), next = start;
	int failures = 0, r;

	while (!cli_stop) {
		/* The first take waits for freshly enabled DEs. */
		r = rc->records || failures ?
			    stlm_snapshot_take(rc->snap, flags) :
			    cli_take(c, rc->snap, flags, 1000);
		if (r < 0) {
			if (++failures >= MAX_TAKE_FAILURES) {
				cli_err(c, "snapshot failed %d times in a row: %s",
					failures, cli_strerror(r));
				return r;
			}
			if (!c->quiet)
				fprintf(stderr, "stlm: snapshot failed: %s; retrying\n",
					cli_strerror(r));
		} else {
			failures = 0;
			r = append_snapshot(c, cfg, rc);
			if (r < 0) {
				cli_err(c, "cannot write to %s: %s", cfg->output,
					strerror(-r));
				return r;
			}
			if (cfg->count && rc->records >= cfg->count)
				break;
		}
		next += cfg->interval_ns;
		if (cfg->duration_ns && next - start >= cfg->duration_ns)
			break;
		/* Fell behind (slow platform): skip the missed slots. */
		if (next < now_ns(CLOCK_MONOTONIC))
			next = now_ns(CLOCK_MONOTONIC);
		sleep_until(next);
	}
	return 0;
}

int stlm_cmd_record_main(struct cli *c, int argc, char **argv)
{
	struct recorder rc = { .fd = -1 };
	struct config cfg;
	uint32_t *ids = NULL;
	size_t n_ids = 0, hlen;
	uint8_t *hdr = NULL;
	int r, ret = 1, flags;

	r = parse_config(c, argc, argv, &cfg);
	if (r)
		return r < 0 ? 0 : r; /* -1: --help */

	if (cli_open(c, NULL) < 0)
		return 1;
	if (cfg.catalog) {
		char err[512] = "";

		r = cli_catalog_load(c->s, cfg.catalog, err, sizeof(err));
		if (r < 0) {
			cli_err(c, "cannot load catalog %s: %s", cfg.catalog,
				err[0] ? err : cli_strerror(r));
			return 1;
		}
	}
	if (argc - optind > 0) {
		ids = calloc((size_t)(argc - optind), sizeof(*ids));
		if (!ids) {
			cli_err(c, "out of memory");
			return 1;
		}
		for (int i = optind; i < argc; i++) {
			if (cli_parse_de(c, argv[i], &ids[n_ids]) < 0)
				goto out;
			n_ids++;
		}
	}
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
	r = write_all(rc.fd, hdr, hlen);
	if (r >= 0 && cfg.fsync && fsync(rc.fd) < 0)
		r = -errno;
	if (r < 0) {
		cli_err(c, "cannot write to %s: %s", cfg.output, strerror(-r));
		goto out;
	}
	rc.bytes = hlen;

	cli_catch_stop();
	r = record_loop(c, &cfg, &rc);
	if (close(rc.fd) < 0 && r >= 0) {
		cli_err(c, "cannot write to %s: %s", cfg.output,
			strerror(errno));
		r = -EIO;
	}
	rc.fd = -1;

	if (c->json) {
		struct jw w;

		cli_doc_begin(c, &w);
		jw_kv_string(&w, "file", cfg.output);
		jw_kv_uint(&w, "records", rc.records);
		jw_kv_uint(&w, "bytes", rc.bytes);
		jw_kv_uint(&w, "interval_ns", cfg.interval_ns);
		jw_kv_bool(&w, "interrupted", cli_stop != 0);
		cli_doc_end(c, &w);
	} else if (!c->quiet) {
		fprintf(stderr, "stlm: recorded %llu record%s (%llu bytes) to %s\n",
			(unsigned long long)rc.records,
			rc.records == 1 ? "" : "s",
			(unsigned long long)rc.bytes, cfg.output);
	}
	ret = r < 0 ? 1 : 0;
out:
	if (rc.fd >= 0)
		close(rc.fd);
	stlm_snapshot_free(rc.snap);
	free(rc.rs);
	free(rc.buf);
	free(hdr);
	free(ids);
	return ret;
}
