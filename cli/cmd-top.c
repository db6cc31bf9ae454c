// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * stlm top: a full-screen live view of DE values (ncurses), or one frame
 * of plain text for scripts (--once, --batch). Keys sort, filter by name
 * glob, collapse components, pause, change the interval and show one DE's
 * full description. The view reads only: the platform's configuration is
 * changed only by the E key (enable the shown DEs and start collection),
 * and what E changed is put back when top ends, also on SIGINT, SIGTERM,
 * SIGHUP or an error. The terminal is restored the same way.
 */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "top.h"

enum { OPT_ONCE = 0x2001, OPT_SORT, OPT_FILTER, OPT_REVERSE };

static const struct option top_longopts[] = {
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "batch", no_argument, NULL, 'b' },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ 0 }
};
const struct cli_optab cli_top_optab = { .shortopts = "i:n:b",
					 .longopts = top_longopts };

static const char top_help[] =
	"A live view of the platform's DEs, grouped by component: value and\n"
	"unit, rate of counters, min / max / mean since start, a sparkline of\n"
	"recent values (Unicode blocks in a UTF-8 locale, ASCII otherwise),\n"
	"state names, and <stale>, <invalid>, <unreachable>, <disabled>.\n"
	"DE arguments (ids, names, globs) limit the view to them.\n"
	"\n"
	"Options:\n"
	"  -i, --interval T   sample every T (default 1s; 500ms, 2s, 1m)\n"
	"  -n, --count N      stop after N samples\n"
	"  -b, --batch        plain-text frames on stdout, no terminal control\n"
	"                     (until -n or Ctrl-C)\n"
	"      --once         one plain-text frame (two samples, one interval\n"
	"                     apart, for the rates); with --json one document\n"
	"      --sort KEY     id (default), name, value or rate\n"
	"      --reverse      reverse the sort\n"
	"      --filter GLOB  only DEs whose name matches (a word: contains it)\n"
	"\n"
	"Keys: q quit, / filter, s sort, r reverse, c collapse / expand the\n"
	"component, C collapse / expand all, p or space pause, + and -\n"
	"interval, Up / Down / PgUp / PgDn move, Enter the DE's description,\n"
	"E enable the shown DEs and start collection (put back at exit).\n"
	"top never changes the platform's configuration otherwise.\n";

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_sort(const char *s, enum top_sort *ret)
{
	for (int i = 0; i < TOP_SORT_N; i++)
		if (!strcmp(s, top_sort_name((enum top_sort)i))) {
			*ret = (enum top_sort)i;
			return 0;
		}
	return -EINVAL;
}

/* Sleep up to @ns, in short steps so that a signal ends it soon. */
static void nap(uint64_t ns)
{
	uint64_t end = mono_ns() + ns;

	while (!cli_stop) {
		uint64_t now = mono_ns(), step;
		struct timespec ts;

		if (now >= end)
			return;
		step = end - now < 50000000ull ? end - now : 50000000ull;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)step;
		nanosleep(&ts, NULL);
	}
}

/* ------------------------------------------------------------------ */
/* The E key and its undo                                              */

static int configure(struct top *t)
{
	struct stlm_session *s = t->c->s;
	struct stlm_collection col;
	uint32_t *mine;
	size_t n = 0;
	int r;

	if (t->configured)
		return 0;
	r = stlm_collection_get(s, STLM_GROUP_ALL, &col);
	if (r < 0)
		return r;
	mine = calloc(t->n_des ? t->n_des : 1, sizeof(*mine));
	if (!mine)
		return -ENOMEM;
	t->configured = true;
	t->col_saved_enabled = col.enabled;
	t->col_saved_mode = col.mode;
	t->col_saved_ns = col.interval.ns;
	t->enabled_by_us = mine;
	for (size_t i = 0; i < t->n_des; i++) {
		const struct stlm_de *de = t->des[i].de;

		if (!t->des[i].shown || !de || stlm_de_enabled(de))
			continue;
		r = stlm_de_set(s, t->des[i].id, true, false);
		if (r == -EPERM)
			continue; /* enabled through its group */
		if (r < 0)
			break;
		mine[n++] = t->des[i].id;
		t->n_enabled_by_us = n;
	}
	if (r >= 0 && !col.enabled)
		r = stlm_collection_set(s, STLM_GROUP_ALL, true,
					STLM_MODE_ON_DEMAND, 0);
	return r < 0 ? r : 0;
}

/* Put back what the E key changed. 0 or the first error. */
static int restore(struct top *t)
{
	struct stlm_session *s = t->c->s;
	int r, err = 0;

	if (!t->configured)
		return 0;
	for (size_t i = 0; i < t->n_enabled_by_us; i++) {
		r = stlm_de_set(s, t->enabled_by_us[i], false, false);
		if (r < 0 && !err)
			err = r;
	}
	if (!t->col_saved_enabled) {
		r = stlm_collection_set(s, STLM_GROUP_ALL, false,
					t->col_saved_mode, 0);
		if (r < 0 && !err)
			err = r;
	}
	t->configured = false;
	t->n_enabled_by_us = 0;
	return err;
}

/* ------------------------------------------------------------------ */
/* Plain-text frames                                                   */

static int out_cols(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	if (env && atoi(env) > 20)
		return atoi(env);
	return 120;
}

static void print_frame(struct top *t)
{
	struct top_line *lines;
	size_t n;

	top_layout(t);
	/* in pages: a large platform's frame is never all in memory */
	t->page_len = 4096;
	for (t->page_from = 0; t->page_from == 0 || t->page_from < t->n_order;
	     t->page_from += t->page_len) {
		n = top_frame(t, out_cols(), 0, false, &lines);
		for (size_t i = 0; i < n; i++) {
			/* the header once; no trailing blanks */
			size_t len = strlen(lines[i].text);

			if (t->page_from && lines[i].kind != TL_DE &&
			    lines[i].kind != TL_COMP)
				continue;
			while (len && lines[i].text[len - 1] == ' ')
				len--;
			fprintf(t->c->out, "%.*s\n", (int)len, lines[i].text);
		}
		free(lines);
	}
	t->page_from = t->page_len = 0;
}

static int run_batch(struct top *t, uint64_t count, bool once)
{
	uint64_t frames = 0;
	int r;

	/* the first sample only starts the rates */
	r = top_sample(t);
	if (r < 0) {
		cli_err(t->c, "cannot read the platform: %s", cli_strerror(r));
		return 1;
	}
	while (!cli_stop) {
		nap(t->interval_ns);
		if (cli_stop)
			break;
		r = top_sample(t);
		if (r < 0) {
			cli_err(t->c, "cannot read the platform: %s",
				cli_strerror(r));
			return 1;
		}
		if (once && t->c->json) {
			top_layout(t);
			top_json(t);
			return 0;
		}
		if (frames)
			fputc('\n', t->c->out);
		print_frame(t);
		fflush(t->c->out);
		if (++frames >= count && count)
			break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The full-screen view                                                */

struct screen {
	bool detail;
	size_t detail_de;
	bool prompt;		/* reading a filter */
	char input[128];
	size_t input_len;
};

static void draw(struct top *t, struct screen *sc)
{
	struct top_line *lines = NULL;
	size_t n;
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	erase();
	if (sc->detail)
		n = top_detail(t, sc->detail_de, cols, &lines);
	else
		n = top_frame(t, cols, rows, true, &lines);
	for (size_t i = 0; i < n && (int)i < rows; i++) {
		struct top_line *l = &lines[i];
		int y = (int)i;
		attr_t a = A_NORMAL;

		if (l->kind == TL_FOOTER)
			y = rows - 1;
		if (l->kind == TL_HEADER || l->kind == TL_COLUMNS ||
		    l->kind == TL_COMP)
			a = A_BOLD;
		if (!sc->detail && (l->kind == TL_DE || l->kind == TL_COMP) &&
		    t->n_order && t->sel < t->n_order &&
		    ((l->kind == TL_DE && t->order[t->sel] == l->row) ||
		     (l->kind == TL_COMP && t->order[t->sel] == -1 - l->row)))
			a |= A_REVERSE;
		if (l->kind == TL_FOOTER)
			a = A_REVERSE;
		attrset(a);
		mvaddnstr(y, 0, l->text, -1);
		clrtoeol();
	}
	attrset(A_NORMAL);
	if (sc->prompt) {
		mvprintw(rows - 1, 0, "filter (glob, Enter applies, Esc cancels): %s",
			 sc->input);
		clrtoeol();
	}
	free(lines);
	refresh();
}

static void set_interval(struct top *t, bool up)
{
	uint64_t ns = up ? t->interval_ns * 2 : t->interval_ns / 2;
	char buf[32];

	if (ns < 10000000ull)
		ns = 10000000ull;
	if (ns > 3600000000000ull)
		ns = 3600000000000ull;
	t->interval_ns = ns;
	cli_format_ns(ns, buf, sizeof(buf));
	snprintf(t->status, sizeof(t->status), "interval %s", buf);
}

static long selected_comp(struct top *t)
{
	long o;

	if (!t->n_order)
		return -1;
	o = t->order[t->sel];
	return o < 0 ? -1 - o : t->des[o].comp;
}

/* 1: quit */
static int key(struct top *t, struct screen *sc, int ch, uint64_t *next)
{
	int rows = getmaxy(stdscr), page = rows > 6 ? rows - 5 : 1;
	long comp;

	if (sc->prompt) {
		if (ch == '\n' || ch == KEY_ENTER) {
			snprintf(t->filter, sizeof(t->filter), "%s", sc->input);
			sc->prompt = false;
			t->sel = 0;
		} else if (ch == 27) {
			sc->prompt = false;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) &&
			   sc->input_len) {
			sc->input[--sc->input_len] = '\0';
		} else if (ch >= ' ' && ch < 127 &&
			   sc->input_len + 1 < sizeof(sc->input)) {
			sc->input[sc->input_len++] = (char)ch;
			sc->input[sc->input_len] = '\0';
		}
		return 0;
	}
	if (sc->detail) {
		/* any key returns to the list */
		sc->detail = false;
		return 0;
	}
	t->status[0] = '\0';
	switch (ch) {
	case 'q':
	case 'Q':
		return 1;
	case '/':
	case 'f':
		sc->prompt = true;
		snprintf(sc->input, sizeof(sc->input), "%s", t->filter);
		sc->input_len = strlen(sc->input);
		break;
	case 's':
		t->sort = (enum top_sort)((t->sort + 1) % TOP_SORT_N);
		snprintf(t->status, sizeof(t->status), "sort by %s",
			 top_sort_name(t->sort));
		break;
	case 'r':
		t->reverse = !t->reverse;
		break;
	case 'c':
		comp = selected_comp(t);
		if (comp >= 0) {
			t->comps[comp].collapsed = !t->comps[comp].collapsed;
			/* keep the selection on the component's row */
			top_layout(t);
			for (size_t i = 0; i < t->n_order; i++)
				if (t->order[i] == -1 - comp)
					t->sel = i;
		}
		break;
	case 'C': {
		bool any = false;

		for (size_t i = 0; i < t->n_comps; i++)
			any |= !t->comps[i].collapsed;
		for (size_t i = 0; i < t->n_comps; i++)
			t->comps[i].collapsed = any;
		t->sel = 0;
		break;
	}
	case 'p':
	case ' ':
		t->paused = !t->paused;
		break;
	case '+':
	case '=':
		set_interval(t, true);
		*next = mono_ns() + t->interval_ns;
		break;
	case '-':
		set_interval(t, false);
		*next = mono_ns() + t->interval_ns;
		break;
	case KEY_UP:
	case 'k':
		if (t->sel)
			t->sel--;
		break;
	case KEY_DOWN:
	case 'j':
		if (t->sel + 1 < t->n_order)
			t->sel++;
		break;
	case KEY_PPAGE:
		t->sel = t->sel > (size_t)page ? t->sel - (size_t)page : 0;
		break;
	case KEY_NPAGE:
		t->sel += (size_t)page;
		if (t->sel >= t->n_order)
			t->sel = t->n_order ? t->n_order - 1 : 0;
		break;
	case KEY_HOME:
	case 'g':
		t->sel = 0;
		break;
	case KEY_END:
	case 'G':
		t->sel = t->n_order ? t->n_order - 1 : 0;
		break;
	case '\n':
	case KEY_ENTER:
	case 'd':
		if (t->n_order && t->order[t->sel] >= 0) {
			sc->detail = true;
			sc->detail_de = (size_t)t->order[t->sel];
		} else if ((comp = selected_comp(t)) >= 0) {
			t->comps[comp].collapsed = !t->comps[comp].collapsed;
		}
		break;
	case 'E': {
		int r = configure(t);

		snprintf(t->status, sizeof(t->status), r < 0 ?
			 "cannot enable: %s" : "enabled %s DEs and started collection; put back at exit",
			 r < 0 ? cli_strerror(r) : t->filter[0] ? "the shown" : "all");
		*next = mono_ns();
		break;
	}
	case '?':
	case 'h':
		snprintf(t->status, sizeof(t->status),
			 "q quit / filter s sort r reverse c collapse C all p pause +/- interval Enter detail E enable");
		break;
	default:
		break;
	}
	return 0;
}

static int run_screen(struct top *t, uint64_t count)
{
	struct screen sc = { 0 };
	uint64_t next = 0, drawn = 0;
	bool dirty = true;
	int ch, quit = 0;
	SCREEN *scr;

	/* newterm, not initscr: an unknown terminal is an error, not exit() */
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		cli_err(t->c, "cannot start the terminal view (TERM=%s); try --batch",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(100);
	while (!quit && !cli_stop) {
		uint64_t now = mono_ns();

		if (!t->paused && now >= next) {
			top_sample(t);
			next = now + t->interval_ns;
			if (count && t->samples >= count)
				quit = 1;
			dirty = true;
		}
		/* redraw on news, and every second for the sample's age */
		if (dirty || now - drawn >= 1000000000ull) {
			top_layout(t);
			draw(t, &sc);
			drawn = now;
			dirty = false;
		}
		ch = getch();
		if (ch == ERR)
			continue;
		dirty = true;
		if (ch == KEY_RESIZE)
			continue;
		quit |= key(t, &sc, ch, &next);
	}
	endwin();
	delscreen(scr);
	return 0;
}

int stlm_cmd_top_main(struct cli *c, int argc, char **argv)
{
	struct top t = { 0 };
	uint64_t count = 0;
	bool batch = false, once = false, configured;
	const char *cs;
	char *end;
	int opt, rc = 1, r;

	t.interval_ns = 1000000000ull;
	while ((opt = cli_getopt(c, argc, argv, &cli_top_optab)) != -1) {
		switch (opt) {
		case 'h':
			return cli_help(c, top_help);
		case 'i':
			if (cli_parse_interval(optarg, &t.interval_ns) < 0)
				return cli_usage_err("top", "top: bad interval '%s' (e.g. 500ms, 2s, 1m)",
						     optarg);
			break;
		case 'n':
			errno = 0;
			count = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || !count ||
			    optarg[0] == '-')
				return cli_usage_err("top", "top: bad count '%s' (a positive number)",
						     optarg);
			break;
		case 'b':
			batch = true;
			break;
		case OPT_ONCE:
			once = true;
			break;
		case OPT_SORT:
			if (parse_sort(optarg, &t.sort) < 0)
				return cli_usage_err("top", "top: bad --sort '%s' (id, name, value or rate)",
						     optarg);
			break;
		case OPT_REVERSE:
			t.reverse = true;
			break;
		case OPT_FILTER:
			if (strlen(optarg) >= sizeof(t.filter))
				return cli_usage_err("top", "top: --filter: at most %zu characters",
						     sizeof(t.filter) - 1);
			snprintf(t.filter, sizeof(t.filter), "%s", optarg);
			break;
		default:
			if (!cli_common_opt(c, opt))
				return cli_bad_option(c, argv);
		}
	}
	if (c->json && !once)
		return cli_usage_err("top", "top: --json needs --once");
	if (once)
		count = 1;
	if (!batch && !once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		return cli_usage_err("top", "top: the live view needs a terminal; use --once or --batch");
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t.utf8 = cs && !strcmp(cs, "UTF-8");
	cli_catch_stop();
	if (cli_open(c, NULL) < 0)
		return 1;
	/* only the private built-in platform is set up to collect */
	if (cli_ensure_collection(c, NULL, 0, false, 0) < 0)
		goto out;
	if (top_init(&t, c, &argv[optind], argc - optind) < 0)
		goto out;
	if (batch || once)
		rc = run_batch(&t, count, once);
	else
		rc = run_screen(&t, count);
out:
	configured = t.configured;
	r = restore(&t);
	if (r < 0) {
		cli_err(c, "cannot put back the configuration: %s",
			cli_strerror(r));
		rc = 1;
	} else if (configured && !c->quiet) {
		fprintf(stderr, "stlm: top: the configuration E changed is put back\n");
	}
	top_free(&t);
	return rc;
}
