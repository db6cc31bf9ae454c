// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm replay / stlm decode: read a recording (docs/record-format.md)
 * without any platform or session. The header carries the platform
 * identity and the DE table, so names, units and kinds come from the file;
 * --catalog applies a catalog now, matched against the recorded identity.
 *
 * replay prints the records as watch would have: text, --csv or --json,
 * as fast as possible or paced (--realtime, --speed, -i). decode prints the
 * header, the DE table and every record with all its fields.
 *
 * Damaged files: every record's CRC is checked; a stretch that does not
 * decode is reported on stderr with its byte offset and skipped, the
 * reader resynchronising on the next valid record; a torn tail (what a
 * killed recorder leaves) is reported the same way. The exit status stays
 * 0 unless --strict.
 *
 * The catalog applied to a recording is the offline catalog
 * (offline-catalog.c), shared with stlm report.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "offline-catalog.h"
#include "record.h"

/* ------------------------------------------------------------------ */
/* The file                                                            */

/**
 * struct recfile - a recording mapped read-only
 * @path:  as given
 * @map, @len: the whole file
 * @h:     decoded header
 * @hlen:  its size (records start there)
 * @cat:   --catalog, applied (k.n == 0 if none)
 * @has_cat: a catalog was applied
 * @strict: --strict
 * @problems: skipped stretches so far
 */
struct recfile {
	const char *path;
	uint8_t *map;
	size_t len;
	struct rec_header h;
	size_t hlen;
	struct ocat cat;
	bool has_cat;
	bool strict;
	uint64_t problems;
};

static void recfile_close(struct recfile *f)
{
	if (f->map && f->len)
		munmap(f->map, f->len);
	rec_header_done(&f->h);
	ocat_done(&f->cat);
	memset(f, 0, sizeof(*f));
}

static int recfile_open(struct cli *c, const char *path, struct recfile *f)
{
	struct stat st;
	int fd, r;

	memset(f, 0, sizeof(*f));
	f->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err(c, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cli_err(c, "%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	f->len = (size_t)st.st_size;
	if (!f->len) {
		cli_err(c, "%s: empty file (the recorder died before writing the header?)",
			path);
		close(fd);
		return -ENODATA;
	}
	f->map = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		f->len = 0;
		cli_err(c, "cannot map %s: %s", path, strerror(errno));
		return -errno;
	}
	r = rec_header_decode(f->map, f->len, &f->h, &f->hlen);
	switch (r) {
	case 0:
		return 0;
	case -ENODATA:
		cli_err(c, "%s: the header is incomplete (%zu bytes): the recorder died while starting",
			path, f->len);
		break;
	case -EPROTONOSUPPORT:
		cli_err(c, "%s: recording format version %u is not supported (this stlm reads version %u)",
			path, (unsigned int)(f->map[8] | f->map[9] << 8),
			REC_VERSION_MAJOR);
		break;
	case -E2BIG:
		cli_err(c, "%s: the header is over this stlm's limits", path);
		break;
	case -ENOMEM:
		cli_err(c, "out of memory");
		break;
	default:
		if (f->len >= 8 && !memcmp(f->map, REC_FILE_MAGIC, 8))
			cli_err(c, "%s: the header is corrupt (CRC or content)", path);
		else
			cli_err(c, "%s: not an stlm recording", path);
		break;
	}
	munmap(f->map, f->len);
	f->map = NULL;
	f->len = 0;
	return r;
}

static int recfile_catalog(struct cli *c, struct recfile *f, const char *path)
{
	char err[512] = "";
	int r;

	if (!path) {
		/* The header keeps names and units but not state names: take
		 * those from the catalog the recording was made with. */
		r = ocat_load_recorded(&f->h, &f->cat);
		if (r == -ENOMEM) {
			cli_err(c, "out of memory");
			return r;
		}
		f->has_cat = r == 0;
		if (r == -ENOMSG && !c->quiet)
			fprintf(stderr, "stlm: %s: catalog '%s' of the recording not found on the catalog path: states show as numbers (give --catalog)\n",
				f->path, f->h.catalog);
		return 0;
	}
	r = ocat_load(path, &f->h, &f->cat, err, sizeof(err));
	if (r < 0) {
		cli_err(c, "cannot apply catalog: %s", err[0] ? err : strerror(-r));
		return r;
	}
	f->has_cat = true;
	return 0;
}

/* Report a skipped stretch on stderr. */
static void report_skip(struct cli *c, struct recfile *f, int kind,
			const struct rec_skip *sk)
{
	f->problems++;
	if (kind == REC_NEXT_TORN)
		fprintf(stderr, "stlm: %s: warning: torn record at byte offset %llu "
				"(%llu bytes to the end of the file: %s); skipped\n",
			f->path, (unsigned long long)sk->offset,
			(unsigned long long)sk->length, sk->why);
	else
		fprintf(stderr, "stlm: %s: warning: corrupt record at byte offset %llu "
				"(%s); skipped %llu bytes to the next record at %llu\n",
			f->path, (unsigned long long)sk->offset, sk->why,
			(unsigned long long)sk->length,
			(unsigned long long)(sk->offset + sk->length));
}

static const char *state_name(const struct ocat_view *v, double val)
{
	return ocat_view_state(v, (int64_t)val);
}

static void format_sample(const struct ocat_view *v, const struct rec_sample *s,
			  char *buf, size_t len)
{
	struct stlm_sample sm = { .id = s->id, .flags = s->flags };
	const char *problem = cli_sample_problem(&sm);
	double val = ocat_view_value(v, s);

	if (problem) {
		snprintf(buf, len, "(%s)", problem);
		return;
	}
	if (v->kind == STLM_KIND_STATE) {
		const char *st = state_name(v, val);

		if (st)
			snprintf(buf, len, "%s (%.0f)", st, val);
		else
			snprintf(buf, len, "%.0f", val);
		return;
	}
	if (v->kind == STLM_KIND_COUNTER && val == floor(val) &&
	    fabs(val) < 1e15) {
		snprintf(buf, len, "%.0f%s%s", val, v->unit[0] ? " " : "",
			 v->unit);
		return;
	}
	cli_format_number(val, v->unit, buf, len);
}

/* Print @s left-aligned in @width display columns: UTF-8 text counted in
 * code points, not bytes ("°C" is two columns, three bytes). */
static void put_padded(FILE *out, const char *s, int width)
{
	int cols = 0;

	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xC0) != 0x80;
	fputs(s, out);
	for (; cols < width; cols++)
		fputc(' ', out);
}

static void flag_names(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = { "valid",	    "stale",
					     "torn",	    "disabled",
					     "unreachable", "invalid",
					     "timestamp",   "fastchannel",
					     "message" };
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "|" : "", names[i]);
	}
	if (flags >> 9 && n < len)
		snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", flags >> 9 << 9);
}

static void json_flags(struct jw *w, uint32_t flags)
{
	static const char *const names[] = { "valid",	    "stale",
					     "torn",	    "disabled",
					     "unreachable", "invalid",
					     "timestamp",   "fastchannel",
					     "message" };

	jw_key(w, "flags");
	jw_array_begin(w);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & (1u << i))
			jw_string(w, names[i]);
	jw_array_end(w);
}

/* "2026-03-04T12:00:00.123456789Z" */
static void iso_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char d[32];

	gmtime_r(&t, &tm);
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lluZ", d,
		 (unsigned long long)(ns % 1000000000ull));
}

/* Local "2026-03-04 12:00:00.123" for text. */
static void local_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char d[32];

	localtime_r(&t, &tm);
	strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03llu", d,
		 (unsigned long long)(ns % 1000000000ull / 1000000ull));
}

static void uuid_str(const uint8_t *u, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* ------------------------------------------------------------------ */
/* DE filter (positional arguments after FILE)                         */

struct filter {
	uint32_t *ids;
	size_t n;
};

static int filter_parse(struct cli *c, const struct recfile *f, char **args,
			int n, struct filter *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (n <= 0)
		return 0;
	ret->ids = calloc((size_t)n, sizeof(*ret->ids));
	if (!ret->ids)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		uint32_t id;
		bool found = false;

		if (cli_parse_u32(args[i], &id) == 0) {
			ret->ids[ret->n++] = id;
			continue;
		}
		for (uint32_t k = 0; k < f->h.n_des && !found; k++) {
			struct ocat_view v;

			ocat_view_of(&f->h, f->has_cat ? &f->cat : NULL, f->h.des[k].id, &v);
			if (!strcmp(v.name, args[i]) ||
			    !strcmp(f->h.des[k].name, args[i]) ||
			    !strcmp(f->h.des[k].fw_name, args[i])) {
				ret->ids[ret->n++] = f->h.des[k].id;
				found = true;
			}
		}
		if (!found) {
			cli_err(c, "unknown DE '%s' (not in the recording%s)",
				args[i], f->has_cat ? " or the catalog" : "");
			return -ENOENT;
		}
	}
	return 0;
}

static bool filter_has(const struct filter *flt, uint32_t id)
{
	if (!flt->n)
		return true;
	for (size_t i = 0; i < flt->n; i++)
		if (flt->ids[i] == id)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

enum {
	OPT_REALTIME = 0x2001,
	OPT_SPEED,
	OPT_CATALOG,
	OPT_STRICT,
	OPT_TOTAL,
};

enum counters { C_DELTA, C_RATE, C_TOTAL };

/**
 * struct config - replay / decode options
 * @catalog:  --catalog PATH
 * @realtime: --realtime / --speed: pace by the recorded times
 * @speed:    --speed factor (1 with --realtime)
 * @interval_ns: -i: fixed pause between records
 * @count:    -n: stop after N records (0: all)
 * @strict:   --strict: skipped bytes make the exit status 1
 * @counters: replay: C_DELTA (default), C_RATE, C_TOTAL
 */
struct config {
	const char *catalog;
	bool realtime;
	double speed;
	uint64_t interval_ns;
	uint64_t count;
	bool strict;
	int counters;
};

static const char replay_help[] =
	"Print the records of a recording as 'stlm watch' printed them, with\n"
	"names, units and kinds from the recording (no platform is needed).\n"
	"Records whose CRC fails are reported and skipped; a torn last record\n"
	"(a recorder killed while writing) is skipped with a warning.\n"
	"\n"
	"Options:\n"
	"      --realtime        pace the output as it was recorded\n"
	"      --speed X         pace at X times the recorded speed (2, 0.5)\n"
	"  -i, --interval TIME   pause TIME between records instead\n"
	"                        (default: as fast as possible)\n"
	"  -n, --count N         stop after N records\n"
	"  -d, --delta           counters: change since the previous record\n"
	"                        (default)\n"
	"  -r, --rate            counters: change per second\n"
	"      --total           counters: the value itself\n"
	"      --csv             one CSV row per sample\n"
	"      --catalog PATH    apply a catalog (file or directory) to the\n"
	"                        recording: names, units, kinds, state names\n"
	"      --strict          exit 1 if anything had to be skipped\n"
	"DE arguments (ids or names) select what is printed.\n";

static const char decode_help[] =
	"Print everything a recording holds: the header (platform identity,\n"
	"when and where it was recorded), the DE table and every record with\n"
	"every sample field. No platform is needed.\n"
	"\n"
	"Options:\n"
	"      --catalog PATH    apply a catalog (file or directory) now, e.g.\n"
	"                        to a recording made without one\n"
	"      --csv             one CSV row per sample (no header block)\n"
	"  -n, --count N         stop after N records\n"
	"      --strict          exit 1 if anything had to be skipped\n"
	"DE arguments (ids or names) select the samples printed.\n";

/* 0: go on; -1: --help printed (exit 0); > 0: exit status. */
static const struct option replay_longopts[] = {
	{ "realtime", no_argument, NULL, OPT_REALTIME },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "csv", no_argument, NULL, CLI_OPT_CSV },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "delta", no_argument, NULL, 'd' },
	{ "rate", no_argument, NULL, 'r' },
	{ "total", no_argument, NULL, OPT_TOTAL },
	CLI_COMMON_LONGOPTS,
	{ 0 }
};
const struct cli_optab cli_replay_optab = { .shortopts = "i:n:dr", .longopts = replay_longopts };

static int parse_config(struct cli *c, int argc, char **argv, bool replay,
			struct config *cfg)
{
	const char *name = replay ? "replay" : "decode";
	char *end;
	int opt;

	memset(cfg, 0, sizeof(*cfg));
	cfg->speed = 1.0;
	while ((opt = cli_getopt(c, argc, argv, &cli_replay_optab)) != -1) {
		switch (opt) {
		case 'd':
		case 'r':
		case OPT_TOTAL:
			if (!replay)
				return cli_usage_err(name, "%s: --delta/--rate/--total are for 'stlm replay'",
						     name);
			cfg->counters = opt == 'd' ? C_DELTA :
					opt == 'r' ? C_RATE : C_TOTAL;
			break;
		case OPT_REALTIME:
		case OPT_SPEED:
		case 'i':
			if (!replay)
				return cli_usage_err(name, "%s: pacing options are for 'stlm replay'",
						     name);
			if (opt == OPT_REALTIME) {
				cfg->realtime = true;
			} else if (opt == OPT_SPEED) {
				errno = 0;
				cfg->speed = strtod(optarg, &end);
				if (errno || end == optarg || *end ||
				    !(cfg->speed > 0) || cfg->speed > 1e6)
					return cli_usage_err(name, "%s: bad speed '%s' (e.g. 2, 0.5)",
							     name, optarg);
				cfg->realtime = true;
			} else if (cli_parse_interval(optarg,
						      &cfg->interval_ns) < 0) {
				return cli_usage_err(name, "%s: bad interval '%s' (e.g. 100, 250ms, 1s)",
						     name, optarg);
			}
			break;
		case 'n':
			errno = 0;
			cfg->count = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || !cfg->count ||
			    optarg[0] == '-')
				return cli_usage_err(name, "%s: bad count '%s' (a positive number)",
						     name, optarg);
			break;
		case CLI_OPT_CSV:
			c->csv = true;
			break;
		case OPT_STRICT:
			cfg->strict = true;
			break;
		case 'h':
			cli_help(c, replay ? replay_help : decode_help);
			return -1;
		default:
			if (cli_common_opt(c, opt))
				break;
			return cli_bad_option(c, argv);
		}
	}
	/* -c/--catalog is the global option (also after the command) */
	cfg->catalog = c->catalog;
	if (cli_check_args(c, argc - optind))
		return 2;
	if (cfg->realtime && cfg->interval_ns)
		return cli_usage_err(name, "%s: --realtime/--speed and -i exclude each other",
				     name);
	if (c->csv && c->json)
		return cli_usage_err(name, "%s: --csv and --json exclude each other",
				     name);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shared per-sample output                                            */

static void csv_header(FILE *out)
{
	fputs("record,time,time_ns,mono_ns,generation,id,name,value,unit,raw,"
	      "flags,ts,ts_rate_khz\n", out);
}

static void csv_sample(FILE *out, uint64_t idx, const struct rec_record *rec,
		       const struct ocat_view *v, const struct rec_sample *s)
{
	char t[48], fl[128];

	iso_time(rec->time_ns, t, sizeof(t));
	flag_names(s->flags, fl, sizeof(fl));
	fprintf(out, "%llu,%s,%llu,%llu,%llu,0x%08x,", (unsigned long long)idx,
		t, (unsigned long long)rec->time_ns,
		(unsigned long long)rec->mono_ns,
		(unsigned long long)rec->generation, s->id);
	cli_csv_str(out, v->name);
	fputc(',', out);
	if (s->flags & STLM_SAMPLE_VALID) {
		char num[40];

		cli_format_double(ocat_view_value(v, s), num, sizeof(num));
		fputs(num, out);
	}
	fputc(',', out);
	cli_csv_str(out, v->unit);
	fprintf(out, ",%llu,%s,", (unsigned long long)s->raw, fl);
	if (s->flags & STLM_SAMPLE_TIMESTAMP)
		fprintf(out, "%llu,%u", (unsigned long long)s->ts,
			s->ts_rate_khz);
	else
		fputc(',', out);
	fputc('\n', out);
}

static void json_sample(struct jw *w, const struct ocat_view *v,
			const struct rec_sample *s, bool full)
{
	bool valid = s->flags & STLM_SAMPLE_VALID;
	double val = ocat_view_value(v, s);
	const char *st;

	jw_object_begin(w);
	jw_kv_uint(w, "id", s->id);
	jw_kv_string(w, "name", v->name);
	if (valid)
		jw_kv_double(w, "value", val);
	else
		jw_kv_string(w, "value", NULL);
	jw_kv_string(w, "unit", v->unit);
	jw_kv_bool(w, "valid", valid);
	if (valid && v->kind == STLM_KIND_STATE && (st = state_name(v, val)))
		jw_kv_string(w, "state", st);
	if (full || !valid) {
		struct stlm_sample sm = { .flags = s->flags };

		jw_kv_string(w, "problem", cli_sample_problem(&sm));
	}
	jw_kv_uint(w, "raw", s->raw);
	if (full)
		json_flags(w, s->flags);
	if (s->flags & STLM_SAMPLE_TIMESTAMP) {
		jw_kv_uint(w, "ts", s->ts);
		jw_kv_uint(w, "ts_rate_khz", s->ts_rate_khz);
	}
	jw_object_end(w);
}

static void json_problem(struct jw *w, int kind, const struct rec_skip *sk)
{
	jw_object_begin(w);
	jw_kv_string(w, "kind", kind == REC_NEXT_TORN ? "torn" : "corrupt");
	jw_kv_uint(w, "offset", sk->offset);
	jw_kv_uint(w, "length", sk->length);
	jw_kv_string(w, "reason", sk->why);
	jw_object_end(w);
}

/* ------------------------------------------------------------------ */
/* replay                                                              */

static void pace(const struct config *cfg, const struct rec_record *rec,
		 uint64_t *first_rec, uint64_t *first_wall, bool first)
{
	struct timespec ts;
	uint64_t now, target;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (first) {
		*first_rec = rec->mono_ns;
		*first_wall = now;
		return;
	}
	if (cfg->interval_ns) {
		target = now + cfg->interval_ns;
	} else {
		/* Monotonic time may go back across recordings glued
		 * together: never wait for a record before the first. */
		if (rec->mono_ns <= *first_rec)
			return;
		target = *first_wall +
			 (uint64_t)((double)(rec->mono_ns - *first_rec) /
				    cfg->speed);
		/* Gaps over an hour are not waited out. */
		if (target > now + 3600ull * 1000000000ull) {
			*first_rec = rec->mono_ns;
			*first_wall = now;
			return;
		}
	}
	ts.tv_sec = (time_t)(target / 1000000000ull);
	ts.tv_nsec = (long)(target % 1000000000ull);
	while (!cli_stop &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
		       EINTR)
		;
}

/* The sample of @id in record @r (NULL: none); @hint is where to look
 * first (records usually list the same DEs in the same order). */
static bool find_sample(const struct rec_record *r, uint32_t id, size_t hint,
			struct rec_sample *ret)
{
	if (!r)
		return false;
	if (hint < r->n_samples) {
		rec_sample_get(r, hint, ret);
		if (ret->id == id)
			return true;
	}
	for (uint32_t i = 0; i < r->n_samples; i++) {
		rec_sample_get(r, i, ret);
		if (ret->id == id)
			return true;
	}
	return false;
}

/*
 * The value watch would show: counters as the change since the previous
 * record (per second with --rate), unwrapped at their data size; false
 * when there is none (first record, invalid sample).
 */
static bool replay_value(enum counters mode, const struct ocat_view *v,
			 const struct rec_sample *s, const struct rec_sample *p,
			 double dt_rec, double *ret)
{
	uint64_t mask = UINT64_MAX, d;
	uint32_t size = v->de ? v->de->size : 8;
	double f, cur = ocat_view_value(v, s), dt = dt_rec;

	if (!(s->flags & STLM_SAMPLE_VALID))
		return false;
	if (v->kind != STLM_KIND_COUNTER || mode == C_TOTAL) {
		*ret = cur;
		return true;
	}
	if (!p || !(p->flags & STLM_SAMPLE_VALID))
		return false;
	if (size >= 1 && size < 8)
		mask = (UINT64_C(1) << (8 * size)) - 1;
	d = (s->raw - p->raw) & mask;
	f = s->raw ? cur / (double)s->raw :
		     pow(10.0, v->de ? v->de->unit_exp : 0);
	if (mode == C_DELTA) {
		*ret = (double)d * f;
		return true;
	}
	if ((s->flags & p->flags & STLM_SAMPLE_TIMESTAMP) && s->ts_rate_khz &&
	    s->ts_rate_khz == p->ts_rate_khz && s->ts > p->ts)
		dt = (double)(s->ts - p->ts) / ((double)s->ts_rate_khz * 1000.0);
	if (!(dt > 0))
		return false;
	*ret = (double)d * f / dt;
	return true;
}

/* One record as one watch block (table, CSV rows or a JSON object). */
static void replay_block(struct recfile *f, const struct filter *flt,
			 enum counters mode, struct out *o,
			 const struct rec_record *rec,
			 const struct rec_record *prev, uint64_t first_mono,
			 bool first)
{
	double elapsed = (double)(rec->mono_ns - first_mono) / 1e9;
	double dt = prev ? (double)(rec->mono_ns - prev->mono_ns) / 1e9 : 0;
	char tbuf[32];

	if (o->mode == OUT_JSON) {
		jw_object_begin(o->w);
		jw_kv_uint(o->w, "time_ns", rec->time_ns);
		jw_kv_double(o->w, "elapsed_s", round(elapsed * 1e9) / 1e9);
		jw_kv_uint(o->w, "generation", rec->generation);
		jw_key(o->w, "samples");
		jw_array_begin(o->w);
	}
	snprintf(tbuf, sizeof(tbuf), "%.9f", elapsed);
	o->no_header = !first;
	for (uint32_t i = 0; i < rec->n_samples; i++) {
		struct rec_sample s, ps;
		bool has_prev, ok, counter;
		char ubuf[48], buf[96];
		double val = 0;
		struct ocat_view v;

		rec_sample_get(rec, i, &s);
		if (!filter_has(flt, s.id))
			continue;
		ocat_view_of(&f->h, f->has_cat ? &f->cat : NULL, s.id, &v);
		has_prev = find_sample(prev, s.id, i, &ps);
		counter = v.kind == STLM_KIND_COUNTER && mode != C_TOTAL;
		ok = replay_value(mode, &v, &s, has_prev ? &ps : NULL, dt, &val);
		if (counter && mode == C_RATE)
			snprintf(ubuf, sizeof(ubuf), "%s/s", v.unit);
		else
			snprintf(ubuf, sizeof(ubuf), "%s", v.unit);

		out_row_begin(o);
		out_str(o, NULL, "#           time", tbuf);
		out_right(o);
		if (o->mode == OUT_CSV)
			out_str(o, "time_s", "time_s", tbuf);
		out_hex(o, "id", o->mode == OUT_CSV ? "id" : NULL, s.id);
		out_str(o, "name", "NAME", v.named ? v.name :
			o->mode == OUT_TABLE ? v.idbuf :
			o->mode == OUT_JSON ? NULL : "");
		if (o->mode == OUT_CSV) {
			if (ok)
				snprintf(buf, sizeof(buf), "%.15g", val);
			else
				buf[0] = '\0';
		} else if (!ok) {
			struct stlm_sample sm = { .flags = s.flags };
			const char *pb = cli_sample_problem(&sm);

			snprintf(buf, sizeof(buf), "(%s)", pb ? pb : "n/a");
		} else if (!counter) {
			format_sample(&v, &s, buf, sizeof(buf));
		} else {
			cli_format_number(val, ubuf, buf, sizeof(buf));
		}
		out_num(o, "value", "VALUE", val, ok, buf);
		out_right(o);
		out_str(o, "unit", o->mode == OUT_CSV ? "unit" : NULL,
			ubuf[0] ? ubuf : NULL);
		if (o->mode == OUT_JSON) {
			const char *st;

			jw_kv_string(o->w, "kind", cli_kind_name(v.kind));
			jw_kv_string(o->w, "counter", !counter ? NULL :
				     mode == C_RATE ? "rate" : "delta");
			jw_key(o->w, "total");
			if (s.flags & STLM_SAMPLE_VALID)
				jw_double(o->w, ocat_view_value(&v, &s));
			else
				jw_null(o->w);
			jw_kv_bool(o->w, "valid", ok);
			if (ok && v.kind == STLM_KIND_STATE &&
			    (st = state_name(&v, val)))
				jw_kv_string(o->w, "state", st);
		}
		out_row_end(o);
	}
	if (o->mode == OUT_JSON) {
		jw_array_end(o->w);
		jw_object_end(o->w);
	} else {
		out_flush(o);
	}
}

int stlm_cmd_replay_main(struct cli *c, int argc, char **argv)
{
	struct recfile f;
	struct config cfg;
	struct filter flt = { 0 };
	struct rec_reader rd;
	struct rec_record rec, prev;
	struct rec_skip sk;
	struct out o;
	struct jw w;
	uint64_t shown = 0, first_rec = 0, first_wall = 0, first_mono = 0;
	size_t name_w = 4;
	int r, k, ret = 1;

	r = parse_config(c, argc, argv, true, &cfg);
	if (r)
		return r < 0 ? 0 : r;
	if (recfile_open(c, argv[optind], &f) < 0)
		return 1;
	f.strict = cfg.strict;
	if (recfile_catalog(c, &f, cfg.catalog) < 0 ||
	    filter_parse(c, &f, argv + optind + 1, argc - optind - 1, &flt) < 0)
		goto out;
	for (uint32_t i = 0; i < f.h.n_des; i++) {
		struct ocat_view v;

		if (!filter_has(&flt, f.h.des[i].id))
			continue;
		ocat_view_of(&f.h, f.has_cat ? &f.cat : NULL, f.h.des[i].id, &v);
		if (strlen(v.name) > name_w)
			name_w = strlen(v.name);
	}

	cli_catch_stop();
	if (c->json) {
		cli_doc_begin(c, &w);
		jw_kv_string(&w, "file", f.path);
		jw_kv_uint(&w, "interval_ns", f.h.interval_ns);
		jw_kv_string(&w, "counters", cfg.counters == C_RATE ? "rate" :
			     cfg.counters == C_DELTA ? "delta" : "total");
		jw_key(&w, "intervals");
		jw_array_begin(&w);
	}
	out_init(&o, c, &w, c->json ? OUT_JSON : c->csv ? OUT_CSV : OUT_TABLE);
	o.minw[0] = 16;
	o.minw[1] = (int)name_w;
	o.minw[2] = 14;

	rec_reader_init(&rd, f.map, f.len, f.hlen);
	while (!cli_stop && (!cfg.count || shown < cfg.count) &&
	       (k = rec_next(&rd, &rec, &sk)) != REC_NEXT_END) {
		if (k != REC_NEXT_RECORD) {
			report_skip(c, &f, k, &sk);
			continue;
		}
		if (cfg.realtime || cfg.interval_ns) {
			pace(&cfg, &rec, &first_rec, &first_wall, !shown);
			if (cli_stop)
				break;
		}
		if (!shown)
			first_mono = rec.mono_ns;
		replay_block(&f, &flt, (enum counters)cfg.counters, &o, &rec,
			     shown ? &prev : NULL, first_mono, !shown);
		prev = rec;
		shown++;
		if (cfg.realtime || cfg.interval_ns)
			fflush(c->out);
	}
	if (c->json) {
		jw_array_end(&w);
		jw_kv_uint(&w, "skipped", f.problems);
		cli_doc_end(c, &w);
	}
	if (!shown && !c->quiet)
		fprintf(stderr, "stlm: %s: no complete record\n", f.path);
	ret = cfg.strict && f.problems ? 1 : 0;
	if (ret)
		cli_err(c, "%s: %llu damaged stretch%s skipped (--strict)",
			f.path, (unsigned long long)f.problems,
			f.problems == 1 ? "" : "es");
out:
	free(flt.ids);
	recfile_close(&f);
	return ret;
}

/* ------------------------------------------------------------------ */
/* decode                                                              */

static const char *ts_name(unsigned int ts)
{
	return ts == 1 ? "line" : ts == 2 ? "block" : "none";
}

static void decode_header_text(struct cli *c, const struct recfile *f)
{
	const struct rec_header *h = &f->h;
	FILE *out = c->out;
	char t[48], u[40];
	uint32_t enabled = 0, named = 0;

	for (uint32_t i = 0; i < h->n_des; i++) {
		enabled += !!(h->des[i].flags & REC_DE_ENABLED);
		named += !!h->des[i].name[0];
	}
	local_time(h->created_ns, t, sizeof(t));
	uuid_str(h->uuid, u, sizeof(u));
	fprintf(out, "Recording:     %s (format %u.%u, %zu bytes, header %zu bytes)\n",
		f->path, REC_VERSION_MAJOR, h->version_minor, f->len, f->hlen);
	fprintf(out, "Recorded:      %s by %s on %s\n", t, h->tool,
		h->host[0] ? h->host : "?");
	fprintf(out, "Platform:      %s / %s, implementation 0x%08x\n",
		h->vendor, h->sub_vendor, h->impl_version);
	fprintf(out, "Protocol:      telemetry %u.%u, base %u.%u\n",
		h->protocol_version >> 16, h->protocol_version & 0xFFFF,
		h->base_version >> 16, h->base_version & 0xFFFF);
	fprintf(out, "DE revision:   %s\n", u);
	fprintf(out, "URI:           %s\n", h->uri);
	fprintf(out, "Interval:      %.3f ms\n", (double)h->interval_ns / 1e6);
	fprintf(out, "Block clock:   %u kHz\n", h->default_blk_ts_rate_khz);
	fprintf(out, "Catalog:       %s at record time",
		h->catalog[0] ? h->catalog : "none");
	if (f->has_cat && f->cat.states_only)
		fprintf(out, "; its state names from %s", f->cat.file);
	else if (f->has_cat)
		fprintf(out, "; applied now: %s (%s)",
			f->cat.name ? f->cat.name : "?", f->cat.file);
	fprintf(out, "\nDEs:           %u in the table (platform: %u), %u enabled at start, %u with catalog names\n",
		h->n_des, h->n_platform_des, enabled, named);

	fprintf(out, "\n%-10s  %-28s  %-8s %4s %4s  %-6s %-7s  %-10s %5s %-5s %s\n",
		"ID", "NAME", "UNIT", "EXP", "SIZE", "TYPE", "KIND", "COMPONENT",
		"GROUP", "TS", "FLAGS");
	for (uint32_t i = 0; i < h->n_des; i++) {
		const struct rec_de *d = &h->des[i];
		struct ocat_view v;
		char compo[48], grp[16];

		ocat_view_of(&f->h, f->has_cat ? &f->cat : NULL, d->id, &v);
		snprintf(compo, sizeof(compo), "%s.%u", d->compo_name,
			 d->compo_instance);
		if (d->group == STLM_GROUP_NONE)
			snprintf(grp, sizeof(grp), "-");
		else
			snprintf(grp, sizeof(grp), "%u", d->group);
		fprintf(out, "0x%08x  ", d->id);
		put_padded(out, v.name, 28);
		fputs("  ", out);
		put_padded(out, v.unit[0] ? v.unit : "-", 8);
		fprintf(out, " %4d %4u  %-6u %-7s  %-10s %5s %-5s %s%s%s%s%s\n",
			d->unit_exp,
			d->size, d->type, cli_kind_name(v.kind), compo, grp,
			ts_name(d->flags & REC_DE_TS_MASK),
			d->flags & REC_DE_ENABLED ? "enabled " : "",
			d->flags & REC_DE_SELECTED ? "selected " : "",
			d->flags & REC_DE_SIGNED ? "signed " : "",
			d->flags & REC_DE_FASTCHANNEL ? "fc " : "",
			d->flags & REC_DE_PERSISTENT ? "persistent" : "");
	}
}

static void decode_header_json(struct jw *w, const struct recfile *f)
{
	const struct rec_header *h = &f->h;
	char t[48], u[40];

	iso_time(h->created_ns, t, sizeof(t));
	uuid_str(h->uuid, u, sizeof(u));
	jw_key(w, "header");
	jw_object_begin(w);
	jw_kv_uint(w, "format_major", REC_VERSION_MAJOR);
	jw_kv_uint(w, "format_minor", h->version_minor);
	jw_kv_uint(w, "size", f->hlen);
	jw_kv_string(w, "created", t);
	jw_kv_uint(w, "created_ns", h->created_ns);
	jw_kv_string(w, "tool", h->tool);
	jw_kv_string(w, "host", h->host);
	jw_kv_string(w, "uri", h->uri);
	jw_kv_uint(w, "interval_ns", h->interval_ns);
	jw_key(w, "platform");
	jw_object_begin(w);
	jw_kv_string(w, "vendor", h->vendor);
	jw_kv_string(w, "sub_vendor", h->sub_vendor);
	jw_kv_uint(w, "impl_version", h->impl_version);
	jw_kv_uint(w, "protocol_version", h->protocol_version);
	jw_kv_uint(w, "base_version", h->base_version);
	jw_kv_string(w, "uuid", u);
	jw_kv_uint(w, "n_des", h->n_platform_des);
	jw_kv_uint(w, "default_blk_ts_rate_khz", h->default_blk_ts_rate_khz);
	jw_object_end(w);
	jw_kv_string(w, "catalog", h->catalog[0] ? h->catalog : NULL);
	jw_object_end(w);

	if (f->has_cat) {
		jw_key(w, "catalog_applied");
		jw_object_begin(w);
		jw_kv_string(w, "name", f->cat.name);
		jw_kv_string(w, "file", f->cat.file);
		jw_kv_bool(w, "state_names_only", f->cat.states_only);
		jw_object_end(w);
	}

	jw_key(w, "des");
	jw_array_begin(w);
	for (uint32_t i = 0; i < h->n_des; i++) {
		const struct rec_de *d = &h->des[i];
		struct ocat_view v;

		ocat_view_of(&f->h, f->has_cat ? &f->cat : NULL, d->id, &v);
		jw_object_begin(w);
		jw_kv_uint(w, "id", d->id);
		jw_kv_string(w, "name", v.name);
		jw_kv_string(w, "fw_name", d->fw_name[0] ? d->fw_name : NULL);
		jw_kv_string(w, "description",
			     v.cd && v.cd->description ? v.cd->description :
			     d->description[0]	       ? d->description :
							 NULL);
		jw_kv_string(w, "unit", v.unit);
		jw_kv_uint(w, "unit_code", d->unit);
		jw_kv_int(w, "unit_exp", d->unit_exp);
		jw_kv_uint(w, "size", d->size);
		jw_kv_uint(w, "type", d->type);
		jw_kv_string(w, "kind", cli_kind_name(v.kind));
		jw_kv_string(w, "component", d->compo_name);
		jw_kv_uint(w, "component_type", d->compo_type);
		jw_kv_uint(w, "component_instance", d->compo_instance);
		jw_kv_uint(w, "instance", d->instance);
		if (d->group == STLM_GROUP_NONE)
			jw_kv_string(w, "group", NULL);
		else
			jw_kv_uint(w, "group", d->group);
		jw_kv_string(w, "timestamps", ts_name(d->flags & REC_DE_TS_MASK));
		jw_kv_uint(w, "ts_rate_khz", d->ts_rate_khz);
		jw_kv_bool(w, "enabled", d->flags & REC_DE_ENABLED);
		jw_kv_bool(w, "selected", d->flags & REC_DE_SELECTED);
		jw_kv_bool(w, "signed",
			   v.cd ? v.cd->is_signed : d->flags & REC_DE_SIGNED);
		jw_kv_bool(w, "fastchannel", d->flags & REC_DE_FASTCHANNEL);
		jw_kv_bool(w, "persistent", d->flags & REC_DE_PERSISTENT);
		jw_object_end(w);
	}
	jw_array_end(w);
}

/* Problems listed in the JSON document (the rest are counted). */
#define MAX_JSON_PROBLEMS 10000

struct problem {
	int kind;
	struct rec_skip sk;
};

int stlm_cmd_decode_main(struct cli *c, int argc, char **argv)
{
	struct problem *probs = NULL;
	size_t n_probs = 0;
	struct recfile f;
	struct config cfg;
	struct filter flt = { 0 };
	struct rec_reader rd;
	struct rec_record rec;
	struct rec_skip sk;
	struct jw w;
	uint64_t shown = 0;
	int r, k, ret = 1;

	r = parse_config(c, argc, argv, false, &cfg);
	if (r)
		return r < 0 ? 0 : r;
	if (recfile_open(c, argv[optind], &f) < 0)
		return 1;
	if (recfile_catalog(c, &f, cfg.catalog) < 0 ||
	    filter_parse(c, &f, argv + optind + 1, argc - optind - 1, &flt) < 0)
		goto out;

	if (c->json) {
		cli_doc_begin(c, &w);
		jw_kv_string(&w, "file", f.path);
		jw_kv_uint(&w, "size", f.len);
		decode_header_json(&w, &f);
		jw_key(&w, "records");
		jw_array_begin(&w);
	} else if (c->csv) {
		csv_header(c->out);
	} else {
		decode_header_text(c, &f);
	}

	rec_reader_init(&rd, f.map, f.len, f.hlen);
	while ((!cfg.count || shown < cfg.count) &&
	       (k = rec_next(&rd, &rec, &sk)) != REC_NEXT_END) {
		if (k != REC_NEXT_RECORD) {
			report_skip(c, &f, k, &sk);
			if (c->json && n_probs < MAX_JSON_PROBLEMS) {
				struct problem *x = realloc(probs, (n_probs + 1) * sizeof(*x));

				if (x) {
					probs = x;
					probs[n_probs].kind = k;
					probs[n_probs++].sk = sk;
				}
			}
			if (!c->json && !c->csv)
				fprintf(c->out, "\n(skipped %llu bytes at offset %llu: %s%s)\n",
					(unsigned long long)sk.length,
					(unsigned long long)sk.offset, sk.why,
					k == REC_NEXT_TORN ? ", torn tail" : "");
			continue;
		}
		if (c->json) {
			char t[48];

			iso_time(rec.time_ns, t, sizeof(t));
			jw_object_begin(&w);
			jw_kv_uint(&w, "index", shown);
			jw_kv_uint(&w, "offset", rec.offset);
			jw_kv_uint(&w, "size", rec.size);
			jw_kv_string(&w, "time", t);
			jw_kv_uint(&w, "time_ns", rec.time_ns);
			jw_kv_uint(&w, "mono_ns", rec.mono_ns);
			jw_kv_uint(&w, "generation", rec.generation);
			jw_kv_uint(&w, "n_samples", rec.n_samples);
			jw_key(&w, "samples");
			jw_array_begin(&w);
		} else if (!c->csv) {
			char t[48];

			local_time(rec.time_ns, t, sizeof(t));
			fprintf(c->out, "\nRecord %llu at offset %llu (%u bytes): %s, monotonic %llu ns, generation %llu, %u sample%s\n",
				(unsigned long long)shown,
				(unsigned long long)rec.offset, rec.size, t,
				(unsigned long long)rec.mono_ns,
				(unsigned long long)rec.generation,
				rec.n_samples, rec.n_samples == 1 ? "" : "s");
		}
		for (uint32_t i = 0; i < rec.n_samples; i++) {
			struct rec_sample s;
			struct ocat_view v;
			char val[96], fl[128];

			rec_sample_get(&rec, i, &s);
			if (!filter_has(&flt, s.id))
				continue;
			ocat_view_of(&f.h, f.has_cat ? &f.cat : NULL, s.id, &v);
			if (c->json) {
				json_sample(&w, &v, &s, true);
				continue;
			}
			if (c->csv) {
				csv_sample(c->out, shown, &rec, &v, &s);
				continue;
			}
			format_sample(&v, &s, val, sizeof(val));
			flag_names(s.flags, fl, sizeof(fl));
			fprintf(c->out, "  0x%08x  ", s.id);
			put_padded(c->out, v.name, 28);
			fputs("  ", c->out);
			put_padded(c->out, val, 16);
			fprintf(c->out, "  raw %-20llu  %s",
				(unsigned long long)s.raw, fl);
			if (s.flags & STLM_SAMPLE_TIMESTAMP)
				fprintf(c->out, "  ts %llu @ %u kHz",
					(unsigned long long)s.ts,
					s.ts_rate_khz);
			fputc('\n', c->out);
		}
		if (c->json) {
			jw_array_end(&w);
			jw_object_end(&w);
		}
		shown++;
	}
	if (c->json) {
		jw_array_end(&w);
		jw_key(&w, "problems");
		jw_array_begin(&w);
		for (size_t i = 0; i < n_probs; i++)
			json_problem(&w, probs[i].kind, &probs[i].sk);
		jw_array_end(&w);
		jw_key(&w, "summary");
		jw_object_begin(&w);
		jw_kv_uint(&w, "records", shown);
		jw_kv_uint(&w, "corrupt", rd.corrupt);
		jw_kv_uint(&w, "torn", rd.torn);
		jw_kv_uint(&w, "unknown", rd.unknown);
		jw_object_end(&w);
		cli_doc_end(c, &w);
	} else if (!c->csv) {
		fprintf(c->out, "\n%llu record%s, %llu corrupt stretch%s, %llu torn tail%s\n",
			(unsigned long long)shown, shown == 1 ? "" : "s",
			(unsigned long long)rd.corrupt,
			rd.corrupt == 1 ? "" : "es",
			(unsigned long long)rd.torn, rd.torn == 1 ? "" : "s");
	}
	ret = cfg.strict && f.problems ? 1 : 0;
	if (ret)
		cli_err(c, "%s: %llu damaged stretch%s skipped (--strict)",
			f.path, (unsigned long long)f.problems,
			f.problems == 1 ? "" : "es");
out:
	free(probs);
	free(flt.ids);
	recfile_close(&f);
	return ret;
}
