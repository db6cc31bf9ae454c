// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The SIGBUS recovery point (session.h, stlm__mem_guard_push()). One process-wide SIGBUS
 * handler, installed by the library the first time a guard is pushed; the
 * handler that was there before (the program's, or the default action) is
 * kept and still gets every SIGBUS that is not a guarded read's.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "session.h"

static __thread struct stlm_mem_guard *guard_top;
static struct sigaction guard_prev;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

static void guard_chain(int sig, siginfo_t *si, void *uc)
{
	if (guard_prev.sa_flags & SA_SIGINFO) {
		if (guard_prev.sa_sigaction) {
			guard_prev.sa_sigaction(sig, si, uc);
			return;
		}
	} else if (guard_prev.sa_handler != SIG_DFL &&
		   guard_prev.sa_handler != SIG_IGN) {
		guard_prev.sa_handler(sig);
		return;
	}
	/* Default (a fault cannot be ignored): restore it and return; the
	 * faulting load runs again and the default action is taken, with the
	 * right address in the core file. A SIGBUS sent by kill() is not
	 * repeated: raise it again. */
	signal(SIGBUS, SIG_DFL);
	if (si->si_code <= 0)
		raise(SIGBUS);
}

static void guard_handler(int sig, siginfo_t *si, void *uc)
{
	struct stlm_mem_guard *g = guard_top;
	uintptr_t a = (uintptr_t)si->si_addr;

	if (g && a >= (uintptr_t)g->base &&
	    a - (uintptr_t)g->base < g->len) {
		guard_top = g->prev;
		siglongjmp(g->env, 1);
	}
	guard_chain(sig, si, uc);
}

static void guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guard_handler;
	/* SA_NODEFER: the jump out leaves SIGBUS unblocked without a
	 * sigprocmask() per guard (sigsetjmp(env, 0)). */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &guard_prev);
}

void stlm__mem_guard_push(struct stlm_mem_guard *g, const void *base,
			  size_t len)
{
	pthread_once(&guard_once, guard_install);
	g->base = base;
	g->len = len;
	g->prev = guard_top;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	guard_top = g;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void stlm__mem_guard_pop(struct stlm_mem_guard *g)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	guard_top = g->prev;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

int stlm__mem_fault(struct stlm_session *s)
{
	int none = 0;

	if (__atomic_compare_exchange_n(&s->mem_err, &none, -EIO, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		stlm__log(s, STLM_LOG_ERR,
			  "the platform memory file shrank under its mapping (%zu bytes mapped; SIGBUS reading SHMTI or FastChannel memory): platform lost",
			  s->mem_size);
	return -EIO;
}
