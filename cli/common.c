// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Shared CLI helpers: platform resolution (architecture.md §4) with the
 * built-in emulated platform as the last resort, DE arguments, errors,
 * option handling common to every subcommand, value formatting.
 *
 * The built-in platform runs in this process: libstlm-platform serves the
 * default SoC on a unix socket in a private mkdtemp() directory that also
 * holds the memory file; the session opens "unix:DIR/p.sock?mem=DIR/mem"
 * like any other platform. cli_close() (or a fatal signal) removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "platform.h"

#define STLMD_DEFAULT_SOCKET "/run/stlm/stlmd.sock"
#define BUILTIN_NOTICE "using the built-in emulated platform"
/* The kernel's telemetry devices; $STLM_CHARDEV_ROOT overrides it. */
#define CHARDEV_DEFAULT_ROOT "/dev/scmi"
/* The kernel's STLMFS mount point; $STLM_STLMFS_ROOT overrides it. */
#define STLMFS_DEFAULT_ROOT "/sys/fs/arm_telemetry"

volatile int cli_stop;
static bool stop_catch;
/* For the signal handler: the built-in platform's files. */
static char sig_dir[256];

/* ------------------------------------------------------------------ */
/* Errors                                                              */

void cli_err(struct cli *c, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "stlm: %s\n", msg);
	if (c && !c->errmsg[0])
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg);
}

char cli_usage_msg[512];

int cli_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cli_usage_msg, sizeof(cli_usage_msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "stlm: %s", cli_usage_msg);
	if (cmd)
		fprintf(stderr, "\nTry 'stlm %s --help'.\n", cmd);
	else
		fputs("\nTry 'stlm --help'.\n", stderr);
	return 2;
}

const char *cli_strerror(int err)
{
	switch (-err) {
	case ECONNREFUSED:
		return "connection refused (is the platform running?)";
	case ENOENT:
		return "no such platform or DE";
	case EBUSY:
		return "busy (another agent owns the channel, or the platform kept answering BUSY)";
	case ETIMEDOUT:
		return "the platform did not answer in time";
	case EPROTO:
		return "the platform broke the protocol";
	case EBADMSG:
		return "the platform sent a malformed reply";
	case ECONNRESET:
	case EPIPE:
	case ENOTCONN:
	case ESHUTDOWN:
		return "the platform went away";
	case EPROTONOSUPPORT:
		return "transport or interface version not supported by this build";
	case EOPNOTSUPP:
		return "not supported by the platform";
	case EACCES:
		return "denied by the platform";
	case EROFS:
		return "not permitted here: read-only access (configuring through stlmd needs root, stlmd's user or its group; a telemetry device, its configuration group)";
	case ERANGE:
		return "out of range";
	case EPERM:
		return "in use (enabled through its group)";
	case EREMOTEIO:
		return "platform hardware error";
	case EHOSTDOWN:
		return "stlmd is running but cannot use its platform now (it keeps retrying)";
	default:
		return strerror(-err);
	}
}

/*
 * An error of stlm_session_open(): nothing was asked of the platform
 * before the transport was open, so -EPERM there is a local permission
 * (docs/api.md "Errors"), not the platform's IN_USE.
 */
const char *cli_open_strerror(int err)
{
	if (err == -EPERM)
		return "permission denied here (this user may not open the platform's files, device or socket): a local permission, not the platform's refusal";
	return cli_strerror(err);
}

/* ------------------------------------------------------------------ */
/* Common options                                                      */

void cli_buffer_json(struct cli *c)
{
	FILE *f;

	if (c->out != stdout)
		return;
	f = open_memstream(&c->out_buf, &c->out_len);
	if (!f) {
		fputs("stlm: out of memory\n", stderr);
		exit(1);
	}
	c->out = f;
}

int cli_common_opt(struct cli *c, int opt)
{
	switch (opt) {
	case 'j':
		c->json = true;
		cli_buffer_json(c);
		return 1;
	case CLI_OPT_PRETTY:
		c->json = true;
		c->pretty = true;
		cli_buffer_json(c);
		return 1;
	case 'q':
		c->quiet = true;
		return 1;
	default:
		return 0;
	}
}

int cli_help(struct cli *c, const char *text)
{
	printf("Usage: stlm [GLOBAL OPTION]... %s %s\n%s\n", c->cmd->name,
	       c->cmd->usage, c->cmd->help);
	if (text && text[0])
		printf("\n%s", text);
	printf("\nGlobal options (before or after the command):\n"
	       "  -p, --platform URI  the platform (see stlm --help)\n"
	       "  -c, --catalog PATH  apply this catalog\n"
	       "  -j, --json          one JSON document on stdout (docs/cli-json.md)\n"
	       "      --pretty        indented JSON (implies --json)\n"
	       "  -q, --quiet         no notices or progress on stderr\n"
	       "  -v, --verbose       library log on stderr (repeat for debug)\n"
	       "  -h, --help          this help\n"
	       "Times take a unit: us, ms, s, m, h (1m = one minute).\n");
	c->json = false;
	return 0;
}

int cli_check_args(struct cli *c, int n)
{
	const struct cli_cmd *cmd = c->cmd;

	if (n < cmd->min_args)
		return cli_usage_err(cmd->name, "%s: missing argument (usage: stlm %s %s)",
				     cmd->name, cmd->name, cmd->usage);
	if (cmd->max_args >= 0 && n > cmd->max_args)
		return cli_usage_err(cmd->name, "%s: too many arguments (usage: stlm %s %s)",
				     cmd->name, cmd->name, cmd->usage);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Platform resolution                                                 */

static void log_stderr(void *data, int level, const char *fmt, va_list ap)
{
	struct cli *c = data;

	if (level > (c->verbose >= 2 ? STLM_LOG_DEBUG :
		     c->verbose ? STLM_LOG_INFO : STLM_LOG_WARNING))
		return;
	/* a socket URI without ?mem=: the commands that read values say it
	 * themselves, counted (cli_tally_verdict()); the library's warning
	 * (lib/backend/scmi-discover.c) only with -v */
	if (!c->verbose && !strncmp(fmt, "the platform places values in ", 30))
		return;
	fputs("stlm: libstlm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void plog_stderr(void *data, int level, const char *fmt, va_list ap)
{
	struct cli *c = data;

	if (c->verbose < 2 && level > STLMP_LOG_ERR)
		return;
	fputs("stlm: built-in platform: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void remove_builtin_files(const char *dir)
{
	char path[300];

	if (!dir[0])
		return;
	snprintf(path, sizeof(path), "%s/p.sock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/mem", dir);
	unlink(path);
	rmdir(dir);
}

static void on_signal(int sig)
{
	if (stop_catch) {
		cli_stop = 1;
		return;
	}
	/* Not a looping command: clean up the built-in files and die of
	 * the signal (unlink and rmdir are async-signal-safe). */
	remove_builtin_files(sig_dir);
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_catch_stop(void)
{
	stop_catch = true;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int open_uri(struct cli *c, const char *uri,
		    const struct stlm_open_opts *opts)
{
	return stlm_session_open(uri, opts, &c->s);
}

/* Does root hold a mounted STLMFS tree (an instance or tlm_<N>)? */
static bool stlmfs_present(const char *root)
{
	struct dirent *e;
	bool found = false;
	char p[PATH_MAX];
	DIR *d;

	if (snprintf(p, sizeof(p), "%s/version", root) < (int)sizeof(p) &&
	    access(p, F_OK) == 0)
		return true;
	d = opendir(root);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		const char *n = e->d_name;

		found = !strncmp(n, "tlm_", 4) && n[4] >= '0' && n[4] <= '9';
	}
	closedir(d);
	return found;
}

static int tlm_cmp(const void *a, const void *b)
{
	unsigned long x = strtoul(*(char *const *)a + 4, NULL, 10);
	unsigned long y = strtoul(*(char *const *)b + 4, NULL, 10);

	return x < y ? -1 : x > y;
}

/*
 * Open the first usable telemetry device root/tlm_<N> (lowest N first):
 * 0, 1 (none there) or the last error with the reason in why.
 */
static int open_chardev(struct cli *c, const char *root,
			const struct stlm_open_opts *o, char *why, size_t wl)
{
	char *names[64], uri[PATH_MAX + 16];
	struct dirent *e;
	size_t n = 0;
	int r = 1;
	DIR *d;

	d = opendir(root);
	if (!d)
		return 1;
	while (n < 64 && (e = readdir(d))) {
		const char *p = e->d_name;

		if (strncmp(p, "tlm_", 4) || !p[4] ||
		    strspn(p + 4, "0123456789") != strlen(p + 4))
			continue;
		names[n] = strdup(p);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), tlm_cmp);
	for (size_t i = 0; i < n; i++) {
		if (r != 0 && snprintf(uri, sizeof(uri), "chardev:%s/%s", root,
				       names[i]) < (int)sizeof(uri)) {
			r = open_uri(c, uri, o);
			if (r < 0)
				snprintf(why, wl,
					 "telemetry device %s/%s not usable (%s)",
					 root, names[i], cli_open_strerror(r));
			else if (!c->quiet)
				fprintf(stderr,
					"stlm: using the kernel telemetry device %s\n",
					uri);
		}
		free(names[i]);
	}
	return r;
}

static int open_builtin(struct cli *c, const struct stlm_open_opts *opts)
{
	struct stlmp_config *cfg = NULL;
	struct stlmp_platform *p = NULL;
	struct stlmp_opts popts = { .seed = 1, .log = plog_stderr, .log_data = c };
	const char *tmp = getenv("TMPDIR");
	char mem[300], sock[300], uri[700];
	int r;

	snprintf(c->builtin_dir, sizeof(c->builtin_dir), "%s/stlm-XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(c->builtin_dir)) {
		r = -errno;
		c->builtin_dir[0] = '\0';
		cli_err(c, "cannot create a directory for the built-in platform: %s",
			strerror(-r));
		return r;
	}
	snprintf(sig_dir, sizeof(sig_dir), "%s", c->builtin_dir);
	snprintf(mem, sizeof(mem), "%s/mem", c->builtin_dir);
	snprintf(sock, sizeof(sock), "unix:%s/p.sock", c->builtin_dir);
	popts.mem_path = mem;
	r = stlmp_config_default(&cfg);
	if (r >= 0)
		r = stlmp_platform_new(cfg, &popts, &p);
	stlmp_config_free(cfg);
	if (r >= 0) {
		c->builtin = p;
		r = stlmp_platform_listen(p, sock);
	}
	if (r < 0) {
		cli_err(c, "cannot start the built-in platform: %s", strerror(-r));
		return r;
	}
	snprintf(uri, sizeof(uri), "%s?mem=%s", sock, mem);
	r = open_uri(c, uri, opts);
	if (r < 0) {
		cli_err(c, "cannot open the built-in platform: %s", cli_strerror(r));
		return r;
	}
	c->is_builtin = true;
	return 0;
}

static int open_platform(struct cli *c, const struct stlm_open_opts *opts);

/*
 * No catalog applies: DE names are the firmware's and values can be wrong
 * (a descriptor cannot say "signed"). Say so once, on stderr unless -q,
 * and keep the text for the JSON document's "warnings".
 */
static void catalog_notice(struct cli *c)
{
	struct stlm_platform_info pi;
	char where[768] = "";
	int n;

	c->catalog_notice[0] = '\0';
	if (!c->s || stlm_catalog_name(c->s) || stlm_session_info(c->s, &pi) < 0)
		return;
	n = stlm_catalog_search_path(where, sizeof(where));
	if (n >= (int)sizeof(where) && sizeof(where) > 4)
		memcpy(where + sizeof(where) - 4, "...", 4);
	snprintf(c->catalog_notice, sizeof(c->catalog_notice),
		 "no catalog applies to platform %s (%s/%s); looked in %s: DEs have only their firmware names, and signed values may read wrong (give one with -c PATH or $STLM_CATALOG_PATH)",
		 pi.uuid_str, pi.vendor, pi.sub_vendor,
		 n > 0 ? where : "(nowhere)");
	if (!c->quiet)
		fprintf(stderr, "stlm: %s\n", c->catalog_notice);
}

/*
 * The built-in platform runs in this process and ends with this command:
 * whatever enable/config changed on it is gone for the next command. The
 * change did happen (exit 0), but the user must not believe it lasts.
 */
void cli_builtin_settings_notice(struct cli *c)
{
	if (!c->is_builtin || c->builtin_notice[0])
		return;
	snprintf(c->builtin_notice, sizeof(c->builtin_notice),
		 "the built-in platform lives only for this command: its settings end with it (for settings that last, run 'stlm-platform --listen unix:PATH' or stlmd and use -p)");
	if (!c->quiet)
		fprintf(stderr, "stlm: %s\n", c->builtin_notice);
}

/* Open the platform, then apply --catalog (a failure to load it fails). */
int cli_open(struct cli *c, const struct stlm_open_opts *opts)
{
	char err[512] = "";
	bool opened = c->s != NULL;
	int r;

	r = open_platform(c, opts);
	if (r < 0 || opened)
		return r;
	if (c->catalog) {
		r = stlm_catalog_load(c->s, c->catalog, err, sizeof(err));
		if (r < 0) {
			cli_err(c, "catalog %s: %s", c->catalog,
				err[0] ? err : cli_strerror(r));
			cli_close(c);
			return r;
		}
	}
	catalog_notice(c);
	return 0;
}

static int open_platform(struct cli *c, const struct stlm_open_opts *opts)
{
	struct stlm_open_opts o = { .size = sizeof(o) };
	const char *uri = c->platform;
	const char *why = "no platform configured";
	char whybuf[256];
	struct stat st;
	int r;

	if (c->s)
		return 0;
	if (opts)
		o = *opts;
	o.size = sizeof(o);
	if (!o.log) {
		o.log = log_stderr;
		o.log_data = c;
	}
	if (!o.progress && cli_progress_wanted(c)) {
		o.progress = cli_lib_progress;
		o.progress_data = c;
	}
	install_signals();
	if (!uri || !uri[0])
		uri = getenv("STLM_PLATFORM");
	if (uri && uri[0]) {
		r = open_uri(c, uri, &o);
		if (r == -ENOENT)
			cli_err(c, "cannot open platform '%s': nothing there (no socket or directory)",
				uri);
		else if (r == -EINVAL && stlm_uri_check(uri, whybuf, sizeof(whybuf)) < 0)
			cli_err(c, "cannot open platform '%s': %s", uri, whybuf);
		else if (r < 0)
			cli_err(c, "cannot open platform '%s': %s", uri,
				cli_open_strerror(r));
		return r;
	}
	if (stat(STLMD_DEFAULT_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode)) {
		r = open_uri(c, "stlmd:" STLMD_DEFAULT_SOCKET, &o);
		if (r >= 0)
			return 0;
		snprintf(whybuf, sizeof(whybuf), "stlmd at %s not usable (%s)",
			 STLMD_DEFAULT_SOCKET, cli_open_strerror(r));
		why = whybuf;
	}
	{
		const char *root = getenv("STLM_CHARDEV_ROOT");

		if (!root || !root[0])
			root = CHARDEV_DEFAULT_ROOT;
		r = open_chardev(c, root, &o, whybuf, sizeof(whybuf));
		if (r == 0)
			return 0;
		if (r < 0)
			why = whybuf;
	}
	{
		const char *root = getenv("STLM_STLMFS_ROOT");
		char fsuri[PATH_MAX + 8];

		if (!root || !root[0])
			root = STLMFS_DEFAULT_ROOT;
		if (stlmfs_present(root) &&
		    snprintf(fsuri, sizeof(fsuri), "stlmfs:%s", root) <
			    (int)sizeof(fsuri)) {
			r = open_uri(c, fsuri, &o);
			if (r >= 0) {
				if (!c->quiet)
					fprintf(stderr,
						"stlm: %s; using the kernel telemetry tree %s\n",
						why, fsuri);
				return 0;
			}
			snprintf(whybuf, sizeof(whybuf),
				 "telemetry tree at %s not usable (%s)", root,
				 cli_open_strerror(r));
			why = whybuf;
		}
	}
	if (!c->quiet)
		fprintf(stderr, "stlm: %s; " BUILTIN_NOTICE "\n", why);
	return open_builtin(c, &o);
}

void cli_close(struct cli *c)
{
	stlm_session_close(c->s);
	c->s = NULL;
	stlmp_platform_free(c->builtin);
	c->builtin = NULL;
	remove_builtin_files(c->builtin_dir);
	c->builtin_dir[0] = '\0';
	sig_dir[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* DEs                                                                 */

int cli_parse_u32(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		v = strtoull(s + 2, &end, 16);
	else
		v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX ||
	    ((s[1] == 'x' || s[1] == 'X') && !s[2]))
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

/* Catalog accessors (libstlm catalog support). */
const char *cli_catalog_name(struct stlm_session *s)
{
	return stlm_catalog_name(s);
}

int cli_catalog_load(struct stlm_session *s, const char *path, char *err,
		     size_t errlen)
{
	return stlm_catalog_load(s, path, err, errlen);
}

int cli_de_kind(const struct stlm_de *de)
{
	return stlm_de_kind(de);
}

const char *cli_kind_name(int kind)
{
	switch (kind) {
	case STLM_KIND_COUNTER:
		return "counter";
	case STLM_KIND_STATE:
		return "state";
	default:
		return "gauge";
	}
}

const char *cli_de_state_name(const struct stlm_de *de, int64_t v)
{
	return stlm_de_state_name(de, v);
}

const char *cli_de_name(const struct stlm_de *de)
{
	return stlm_de_name(de);
}

const char *cli_de_unit(const struct stlm_de *de)
{
	const char *u = stlm_de_unit_name(de);

	if (!strcmp(u, "none") || !strcmp(u, "unspecified") ||
	    !strcmp(u, "reserved"))
		return "";
	return u;
}

const char *cli_sample_problem(const struct stlm_sample *v)
{
	if (!v)
		return "unreachable";
	if (v->flags & STLM_SAMPLE_VALID)
		return NULL;
	if (v->flags & STLM_SAMPLE_DISABLED)
		return "disabled";
	if (v->flags & STLM_SAMPLE_TORN)
		return "torn";
	if (v->flags & STLM_SAMPLE_INVALID)
		return "invalid";
	if (v->flags & STLM_SAMPLE_UNREACHABLE)
		return "unreachable";
	return "no data";
}

/* ------------------------------------------------------------------ */
/* Values and intervals                                                */

/* Units that take SI prefixes. */
static bool si_unit(const char *u)
{
	static const char *const si[] = { "W", "V", "A", "Hz", "J", "s", "C",
					  "VA", "B", "B/s", "W/s", "J/s" };

	for (size_t i = 0; i < sizeof(si) / sizeof(si[0]); i++)
		if (!strcmp(u, si[i]))
			return true;
	return false;
}

static void format_number(double v, const char *unit, bool integer,
			  bool any_prefix, char *buf, size_t len)
{
	static const struct {
		double f;
		const char *p;
	} pfx[] = { { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
		    { 1, "" },	   { 1e-3, "m" }, { 1e-6, "µ" }, { 1e-9, "n" } };
	double a = fabs(v);

	if (any_prefix && a >= 1e4 && !si_unit(unit)) {
		size_t i;

		for (i = 0; i < 4; i++)
			if (a >= pfx[i].f * 0.9995)
				break;
		snprintf(buf, len, "%.2f %s%s%s", v / pfx[i].f, pfx[i].p,
			 unit[0] ? " " : "", unit);
		return;
	}
	if (unit[0] && si_unit(unit) && a != 0) {
		size_t i;

		for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]) - 1; i++)
			if (a >= pfx[i].f * 0.9995)
				break;
		snprintf(buf, len, "%.2f %s%s", v / pfx[i].f, pfx[i].p, unit);
		return;
	}
	if (integer || (v == floor(v) && a < 1e15))
		snprintf(buf, len, "%.0f%s%s", v, unit[0] ? " " : "", unit);
	else
		snprintf(buf, len, "%.2f%s%s", v, unit[0] ? " " : "", unit);
}

void cli_format_value(const struct stlm_de *de, const struct stlm_sample *v,
		      char *buf, size_t len)
{
	const char *problem = cli_sample_problem(v);
	const char *unit = de ? cli_de_unit(de) : "";

	if (problem) {
		snprintf(buf, len, "(%s)", problem);
		return;
	}
	if (de && cli_de_kind(de) == STLM_KIND_STATE) {
		const char *st = cli_de_state_name(de, (int64_t)v->value);

		if (st) {
			snprintf(buf, len, "%s (%.0f)", st, v->value);
			return;
		}
		snprintf(buf, len, "%.0f", v->value);
		return;
	}
	format_number(v->value, unit,
		      de && cli_de_kind(de) == STLM_KIND_COUNTER &&
			      !si_unit(unit),
		      false, buf, len);
}

/* Exported for watch (delta/rate values with their own unit). */
void cli_format_number(double v, const char *unit, char *buf, size_t len);
void cli_format_number(double v, const char *unit, char *buf, size_t len)
{
	format_number(v, unit, false, true, buf, len);
}

int cli_parse_interval(const char *s, uint64_t *ret_ns)
{
	/* bare numbers are ms; at most an hour */
	return cli_parse_duration(s, 1e6, 3600e9, ret_ns);
}

void cli_format_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns && ns % 1000000000ull == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ns / 1000000000ull));
	else if (ns && ns % 1000000ull == 0)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000ull));
	else if (ns && ns % 1000ull == 0)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000ull));
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
}

/* ------------------------------------------------------------------ */
/* Collection for read / watch                                         */

int cli_ensure_collection(struct cli *c, const uint32_t *ids, size_t n,
			  bool force, uint64_t interval_ns)
{
	struct stlm_collection col = { 0 };
	bool any = false;
	int count = stlm_de_count(c->s);
	int r;

	if (count < 0) {
		cli_err(c, "cannot list DEs: %s", cli_strerror(count));
		return count;
	}
	for (int i = 0; i < count && !any; i++)
		any = stlm_de_enabled(stlm_de_at(c->s, (size_t)i));
	r = stlm_collection_get(c->s, STLM_GROUP_ALL, &col);
	if (r < 0) {
		cli_err(c, "cannot read the collection state: %s", cli_strerror(r));
		return r;
	}
	if (!force && (!c->is_builtin || any || col.enabled))
		return 0;
	if (!force && !c->quiet)
		fprintf(stderr, "stlm: nothing enabled on the built-in platform; "
				"enabling every DE and starting collection\n");
	if (ids && n) {
		for (size_t i = 0; i < n; i++) {
			const struct stlm_de *de = stlm_de_get(c->s, ids[i]);

			if (de && stlm_de_enabled(de))
				continue;
			r = stlm_de_set(c->s, ids[i], true, true);
			if (r == -EPERM)
				r = 0; /* enabled through its group */
			if (r < 0) {
				cli_err(c, "cannot enable DE 0x%08x: %s", ids[i],
					cli_strerror(r));
				return r;
			}
		}
	} else if (force || !any) {
		r = stlm_all_set(c->s, true, true);
		if (r < 0) {
			cli_err(c, "cannot enable the DEs: %s", cli_strerror(r));
			return r;
		}
	}
	if (!col.enabled || interval_ns) {
		r = stlm_collection_set(c->s, STLM_GROUP_ALL, true,
					col.enabled ? col.mode : STLM_MODE_ON_DEMAND,
					interval_ns);
		if (r < 0) {
			cli_err(c, "cannot start collection: %s", cli_strerror(r));
			return r;
		}
	}
	c->auto_enabled = true;
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int cli_take(struct cli *c, struct stlm_snapshot *snap, unsigned int flags,
	     int timeout_ms)
{
	uint64_t deadline = mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	int r;

	/*
	 * After a fresh enable the first values appear with the platform's
	 * next update, which writes every enabled DE at once: wait until
	 * some value is valid, then take once more.
	 */
	for (;;) {
		const struct stlm_sample *v;
		size_t n;
		bool any = false;

		r = stlm_snapshot_take(snap, flags);
		if (r < 0 || timeout_ms <= 0)
			return r;
		v = stlm_snapshot_samples(snap, &n);
		for (size_t i = 0; i < n && !any; i++)
			any = v[i].flags & STLM_SAMPLE_VALID;
		if (any) {
			usleep(2000);
			return stlm_snapshot_take(snap, flags);
		}
		if (!n || mono_ms() >= deadline || cli_stop)
			return r;
		usleep(5000);
	}
}
