// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Plots for stlm report: a small SVG writer and a gnuplot driver.
 *
 * Theory of operation: series are grouped by unit; each unit gets a
 * panel (a grid of one column) with the time since the first record on
 * x (seconds) and the value on y, "nice" ticks (1, 2 or 5 times a power
 * of ten) on both axes, the unit as the y label, a legend on the right
 * and the workload's run as a shaded band. Each series is one <path>
 * (class "series"). Text is XML-escaped. The PNG path writes the same
 * panels as a gnuplot script plus a data file in a private temporary
 * directory and runs gnuplot on them.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stlm/stlm.h>

#include "report.h"

#define PANEL_W 900
#define PANEL_H 320
#define PLOT_X 80
#define PLOT_Y 40
#define PLOT_W 560
#define PLOT_H 230
#define MAX_LEGEND 24

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};
#define N_PALETTE (sizeof(palette) / sizeof(palette[0]))

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static double nice_step(double range, int ticks)
{
	double raw = range / ticks, p, m;

	if (!(raw > 0) || !isfinite(raw))
		return 1;
	p = pow(10, floor(log10(raw)));
	m = raw / p;
	if (m < 1.5)
		return p;
	if (m < 3)
		return 2 * p;
	if (m < 7)
		return 5 * p;
	return 10 * p;
}

struct axis {
	double lo, hi, step;
};

static void axis_fit(struct axis *a, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (hi <= lo) {
		double d = fabs(lo) > 0 ? fabs(lo) * 0.05 : 1;

		lo -= d;
		hi += d;
	}
	a->step = nice_step(hi - lo, 5);
	a->lo = floor(lo / a->step) * a->step;
	a->hi = ceil(hi / a->step) * a->step;
	if (a->hi <= a->lo)
		a->hi = a->lo + a->step;
}

static void tick_label(char *buf, size_t len, double v, double step)
{
	int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);

	if (dec > 9)
		dec = 9;
	if (fabs(v) < step * 1e-9)
		v = 0;
	if (fabs(v) >= 1e7 || (fabs(v) > 0 && fabs(v) < 1e-4))
		snprintf(buf, len, "%.3g", v);
	else
		snprintf(buf, len, "%.*f", dec, v);
}

/* Distinct units in display order. */
static size_t units_of(const struct rpt_plot *p, const char **units)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_series; i++) {
		size_t j;

		for (j = 0; j < n; j++)
			if (!strcmp(units[j], p->series[i]->unit))
				break;
		if (j == n)
			units[n++] = p->series[i]->unit;
	}
	return n;
}

static void panel(FILE *f, const struct rpt_plot *p, const char *unit,
		  int y0, bool only_one, size_t one)
{
	double tmin = INFINITY, tmax = -INFINITY, vmin = INFINITY,
	       vmax = -INFINITY;
	struct axis ax, ay;
	size_t k = 0;
	char lbl[64];

	for (size_t i = 0; i < p->n_series; i++) {
		const struct rpt_series *s = p->series[i];

		if (only_one ? i != one : strcmp(s->unit, unit))
			continue;
		for (size_t j = 0; j < s->n; j++) {
			double t = (s->t_us[j] - p->t0_us) / 1e6;

			tmin = fmin(tmin, t);
			tmax = fmax(tmax, t);
			vmin = fmin(vmin, s->v[j]);
			vmax = fmax(vmax, s->v[j]);
		}
	}
	if (tmin > 0)
		tmin = 0;
	axis_fit(&ax, tmin, tmax);
	axis_fit(&ay, vmin, vmax);

	fprintf(f, "<g class=\"panel\" transform=\"translate(0,%d)\">\n", y0);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#444\"/>\n",
		PLOT_X, PLOT_Y, PLOT_W, PLOT_H);
	/* The workload's run. */
	if (!isnan(p->ev_start_us)) {
		double s = (p->ev_start_us - p->t0_us) / 1e6;
		double e = isnan(p->ev_end_us) ? ax.hi :
						 (p->ev_end_us - p->t0_us) / 1e6;
		double xs = PLOT_X + (fmax(s, ax.lo) - ax.lo) / (ax.hi - ax.lo) * PLOT_W;
		double xe = PLOT_X + (fmin(e, ax.hi) - ax.lo) / (ax.hi - ax.lo) * PLOT_W;

		if (xe > xs)
			fprintf(f, "<rect class=\"workload\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"#f0f0f0\"><title>workload</title></rect>\n",
				xs, PLOT_Y, xe - xs, PLOT_H);
	}
	/* Ticks and grid. */
	for (double t = ax.lo; t <= ax.hi + ax.step * 1e-6; t += ax.step) {
		double x = PLOT_X + (t - ax.lo) / (ax.hi - ax.lo) * PLOT_W;

		tick_label(lbl, sizeof(lbl), t, ax.step);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#ddd\"/>"
			   "<text x=\"%.2f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
			x, PLOT_Y, x, PLOT_Y + PLOT_H, x, PLOT_Y + PLOT_H + 15, lbl);
	}
	for (double v = ay.lo; v <= ay.hi + ay.step * 1e-6; v += ay.step) {
		double y = PLOT_Y + PLOT_H - (v - ay.lo) / (ay.hi - ay.lo) * PLOT_H;

		tick_label(lbl, sizeof(lbl), v, ay.step);
		fprintf(f, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#ddd\"/>"
			   "<text x=\"%d\" y=\"%.2f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
			PLOT_X, y, PLOT_X + PLOT_W, y, PLOT_X - 5, y + 4, lbl);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">time (s)</text>\n",
		PLOT_X + PLOT_W / 2, PLOT_Y + PLOT_H + 32);
	fprintf(f, "<text x=\"20\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 20 %d)\">",
		PLOT_Y + PLOT_H / 2, PLOT_Y + PLOT_H / 2);
	xml_text(f, unit[0] ? unit : "value");
	fputs("</text>\n", f);

	for (size_t i = 0; i < p->n_series; i++) {
		const struct rpt_series *s = p->series[i];
		const char *color = palette[k % N_PALETTE];

		if (only_one ? i != one : strcmp(s->unit, unit))
			continue;
		fprintf(f, "<path class=\"series\" data-name=\"");
		xml_text(f, s->name);
		fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s d=\"",
			color, s->aggregate ? " stroke-dasharray=\"6 3\"" : "");
		for (size_t j = 0; j < s->n; j++) {
			double t = (s->t_us[j] - p->t0_us) / 1e6;
			double x = PLOT_X + (t - ax.lo) / (ax.hi - ax.lo) * PLOT_W;
			double y = PLOT_Y + PLOT_H -
				   (s->v[j] - ay.lo) / (ay.hi - ay.lo) * PLOT_H;

			/* States hold their value until the next sample:
			 * steps (horizontal, then vertical), not slopes. */
			if (j && s->kind == STLM_KIND_STATE)
				fprintf(f, " H%.2f V%.2f", x, y);
			else
				fprintf(f, "%s%.2f %.2f", j ? " L" : "M", x, y);
		}
		fputs("\"><title>", f);
		xml_text(f, s->name);
		fputs("</title></path>\n", f);
		if (k < MAX_LEGEND) {
			int ly = PLOT_Y + 10 + (int)k * 16;

			fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
				   "<text class=\"legend\" x=\"%d\" y=\"%d\" font-size=\"11\">",
				PLOT_X + PLOT_W + 15, ly, PLOT_X + PLOT_W + 35, ly,
				color, PLOT_X + PLOT_W + 40, ly + 4);
			xml_text(f, s->name);
			fputs("</text>\n", f);
		} else if (k == MAX_LEGEND) {
			fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">...</text>\n",
				PLOT_X + PLOT_W + 40, PLOT_Y + 14 + (int)k * 16);
		}
		k++;
	}
	fprintf(f, "<text x=\"%d\" y=\"25\" font-size=\"13\" font-weight=\"bold\">",
		PLOT_X);
	xml_text(f, only_one ? p->series[one]->name : unit[0] ? unit : "(no unit)");
	fputs("</text>\n</g>\n", f);
}

static void svg_begin(FILE *f, int panels, const char *title)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		   "<title>",
		PANEL_W, PANEL_H * panels + 30, PANEL_W, PANEL_H * panels + 30);
	xml_text(f, title ? title : "stlm report");
	fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>\n"
	      "<text x=\"10\" y=\"18\" font-size=\"13\">", f);
	xml_text(f, title ? title : "stlm report");
	fputs("</text>\n", f);
}

int rpt_svg_write(FILE *f, const struct rpt_plot *p)
{
	const char **units = calloc(p->n_series + 1, sizeof(*units));
	size_t n;

	if (!units)
		return -ENOMEM;
	n = units_of(p, units);
	svg_begin(f, n ? (int)n : 1, p->title);
	for (size_t i = 0; i < n; i++)
		panel(f, p, units[i], 30 + (int)i * PANEL_H, false, 0);
	fputs("</svg>\n", f);
	free(units);
	return ferror(f) ? -EIO : 0;
}

int rpt_svg_write_dir(const char *dir, const struct rpt_plot *p, char *err,
		      size_t errlen)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < p->n_series; i++) {
		char name[256], path[4096];
		size_t k = 0;
		FILE *f;
		int bad;

		for (const char *s = p->series[i]->name; *s && k < sizeof(name) - 1; s++)
			name[k++] = (isalnum((unsigned char)*s) || *s == '.' ||
				     *s == '-' || *s == '_') ? *s : '_';
		name[k] = '\0';
		snprintf(path, sizeof(path), "%s/%s.svg", dir, name);
		f = fopen(path, "we");
		if (!f) {
			snprintf(err, errlen, "cannot create %s: %s", path,
				 strerror(errno));
			return -errno;
		}
		svg_begin(f, 1, p->title);
		panel(f, p, p->series[i]->unit, 30, true, i);
		fputs("</svg>\n", f);
		bad = ferror(f);
		if (fclose(f) || bad) {
			snprintf(err, errlen, "cannot write %s", path);
			return -EIO;
		}
	}
	return 0;
}

/* gnuplot string: double quotes with \" and \\ escaped. */
static void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

int rpt_png_write(const char *path, const struct rpt_plot *p, char *err,
		  size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], script[4200], data[4200];
	const char **units = NULL;
	char *argv[] = { (char *)"gnuplot", script, NULL };
	FILE *sf = NULL, *df = NULL;
	int r = 0, st, devnull;
	size_t n, idx = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	extern char **environ;

	snprintf(dir, sizeof(dir), "%s/stlm-plot.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a temporary directory: %s",
			 strerror(errno));
		return -errno;
	}
	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	units = calloc(p->n_series + 1, sizeof(*units));
	sf = fopen(script, "we");
	df = fopen(data, "we");
	if (!units || !sf || !df) {
		snprintf(err, errlen, "cannot write the gnuplot script: %s",
			 strerror(errno));
		r = -EIO;
		goto out;
	}
	n = units_of(p, units);
	fprintf(sf, "set terminal png size %d,%d\nset output ", PANEL_W,
		PANEL_H * (n ? (int)n : 1));
	gp_str(sf, path);
	fputs("\nset encoding utf8\nset key outside right\nset grid\n"
	      "set xlabel \"time (s)\"\n", sf);
	fprintf(sf, "set multiplot layout %zu,1 title ", n ? n : 1);
	gp_str(sf, p->title ? p->title : "stlm report");
	fputc('\n', sf);
	for (size_t u = 0; u < n; u++) {
		bool first = true;

		fputs("set ylabel ", sf);
		gp_str(sf, units[u][0] ? units[u] : "value");
		fputs("\nplot ", sf);
		for (size_t i = 0; i < p->n_series; i++) {
			const struct rpt_series *s = p->series[i];

			if (strcmp(s->unit, units[u]))
				continue;
			for (size_t j = 0; j < s->n; j++)
				fprintf(df, "%.6f %.17g\n",
					(s->t_us[j] - p->t0_us) / 1e6, s->v[j]);
			fputs("\n\n", df);
			fprintf(sf, "%s", first ? "" : ", ");
			gp_str(sf, data);
			fprintf(sf, " index %zu using 1:2 with %s title ", idx++,
				s->kind == STLM_KIND_STATE ? "steps" : "lines");
			gp_str(sf, s->name);
			first = false;
		}
		fputc('\n', sf);
	}
	fputs("unset multiplot\n", sf);
	if (fclose(sf) | fclose(df)) {
		sf = df = NULL;
		snprintf(err, errlen, "cannot write the gnuplot script");
		r = -EIO;
		goto out;
	}
	sf = df = NULL;
	posix_spawn_file_actions_init(&fa);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0)
		posix_spawn_file_actions_adddup2(&fa, devnull, STDIN_FILENO);
	r = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (devnull >= 0)
		close(devnull);
	if (r) {
		if (r == ENOENT)
			snprintf(err, errlen, "--png needs gnuplot, which is not installed (Debian: apt-get install gnuplot-nox); --svg needs nothing");
		else
			snprintf(err, errlen, "cannot run gnuplot: %s", strerror(r));
		r = -r;
		goto out;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "gnuplot failed to write %s (exit status %d)",
			 path, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		r = -EIO;
	}
out:
	if (sf)
		fclose(sf);
	if (df)
		fclose(df);
	unlink(script);
	unlink(data);
	rmdir(dir);
	free(units);
	return r;
}
