// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * Perfetto export for stlm report: the Chrome trace-event JSON format
 * (which ui.perfetto.dev and trace_processor open). Process 1 is the
 * telemetry: one counter track ("ph":"C") per DE or aggregate, named
 * "NAME (UNIT)", one event per kept sample with "ts" in microseconds of
 * the report's clock. Process 2 is the workload, when the recording has
 * one: a complete event ("ph":"X") from its start to its end (an instant
 * event when the end is missing). Names come from metadata events
 * ("ph":"M", process_name / thread_name).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static void meta(struct jw *w, int pid, int tid, const char *what,
		 const char *name)
{
	jw_object_begin(w);
	jw_kv_string(w, "ph", "M");
	jw_kv_int(w, "pid", pid);
	jw_kv_int(w, "tid", tid);
	jw_kv_string(w, "name", what);
	jw_key(w, "args");
	jw_object_begin(w);
	jw_kv_string(w, "name", name);
	jw_object_end(w);
	jw_object_end(w);
}

int rpt_trace_write(FILE *f, const struct rpt_plot *p,
		    const struct rpt_trace *t)
{
	struct jw w;

	jw_init(&w, f, false);
	jw_object_begin(&w);
	jw_kv_string(&w, "displayTimeUnit", "ms");
	jw_key(&w, "metadata");
	jw_object_begin(&w);
	jw_kv_string(&w, "clock", t->clock);
	jw_kv_string(&w, "source", "stlm report");
	jw_object_end(&w);
	jw_key(&w, "traceEvents");
	jw_array_begin(&w);
	meta(&w, 1, 1, "process_name", t->process);
	meta(&w, 1, 1, "thread_name", "telemetry");
	for (size_t i = 0; i < p->n_series; i++) {
		const struct rpt_series *s = p->series[i];
		char name[600];

		snprintf(name, sizeof(name), "%s%s%s%s", s->name,
			 s->unit[0] ? " (" : "", s->unit, s->unit[0] ? ")" : "");
		for (size_t j = 0; j < s->n; j++) {
			jw_object_begin(&w);
			jw_kv_string(&w, "ph", "C");
			jw_kv_int(&w, "pid", 1);
			jw_kv_int(&w, "tid", 1);
			jw_kv_string(&w, "name", name);
			jw_kv_double(&w, "ts", s->t_us[j]);
			jw_key(&w, "args");
			jw_object_begin(&w);
			jw_kv_double(&w, "value", s->v[j]);
			jw_object_end(&w);
			jw_object_end(&w);
		}
	}
	if (t->workload && !isnan(p->ev_start_us)) {
		meta(&w, 2, 1, "process_name", "workload");
		meta(&w, 2, 1, "thread_name", t->workload);
		jw_object_begin(&w);
		jw_kv_int(&w, "pid", 2);
		jw_kv_int(&w, "tid", 1);
		jw_kv_string(&w, "name", t->workload);
		jw_kv_string(&w, "cat", "workload");
		jw_kv_double(&w, "ts", p->ev_start_us);
		if (t->has_end && !isnan(p->ev_end_us)) {
			jw_kv_string(&w, "ph", "X");
			jw_kv_double(&w, "dur", p->ev_end_us - p->ev_start_us);
		} else {
			jw_kv_string(&w, "ph", "i");
			jw_kv_string(&w, "s", "p");
		}
		jw_key(&w, "args");
		jw_object_begin(&w);
		jw_kv_string(&w, "command", t->workload);
		if (t->has_end) {
			if (t->status >= 0)
				jw_kv_int(&w, "exit_status", t->status);
			else
				jw_kv_int(&w, "signal", -t->status);
		}
		jw_object_end(&w);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_end(&w);
	return ferror(f) ? -EIO : 0;
}
