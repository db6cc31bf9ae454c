// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 */
#include "daemon.h"
int main(void) { return 0; }
