// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The built-in default SoC and generated scale-test platforms.
 *
 * The default SoC is a JSON description parsed by our own parser, so the
 * default platform also exercises the format. The string below is
 * platform/default-soc.json verbatim (tests-platform-config checks that
 * they are identical): edit the file, then regenerate the string with one
 * line of C per line of JSON.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* BEGIN default-soc.json */
const char stlmp_default_soc_json[] =
	"{\n"
	"\t\"$schema\": \"schema/platform.schema.json\",\n"
	"\t\"comment\": \"stlm built-in default SoC: 3 CPU clusters (4+4+2), 4 memory controllers, interconnect, system cache, GPU, 2 NPUs, PMIC, battery. Keep identical to the string in platform/default.c.\",\n"
	"\t\"name\": \"default-soc\",\n"
	"\t\"vendor\": \"stlm\",\n"
	"\t\"sub_vendor\": \"default-soc\",\n"
	"\t\"impl_version\": \"0x00010000\",\n"
	"\t\"agent_name\": \"OSPM\",\n"
	"\t\"uuid\": \"2B6D8F3A-5C1E-4E7B-9A41-0D5C1E5A7001\",\n"
	"\t\"capabilities\": {\"notifications\": true, \"single_sample\": true, \"reset\": true, \"per_group\": true},\n"
	"\t\"max_msg_size\": 104,\n"
	"\t\"max_page_items\": 0,\n"
	"\t\"default_blk_ts_rate\": 19200,\n"
	"\t\"intervals\": [\"1ms\", \"2ms\", \"5ms\", \"10ms\", \"20ms\", \"50ms\", \"100ms\", \"200ms\", \"500ms\", \"1s\"],\n"
	"\t\"default_interval\": \"100ms\",\n"
	"\t\"boot_on\": false,\n"
	"\t\"shmti\": {\"sizes\": [4096, 4096, 2048, 2048]},\n"
	"\t\"groups\": [\n"
	"\t\t{\"name\": \"cpu_cl0\"},\n"
	"\t\t{\"name\": \"cpu_cl1\"},\n"
	"\t\t{\"name\": \"cpu_cl2\"},\n"
	"\t\t{\"name\": \"memory\"},\n"
	"\t\t{\"name\": \"interconnect\"},\n"
	"\t\t{\"name\": \"gpu\", \"intervals\": [\"10ms\", \"20ms\", \"50ms\", \"100ms\", \"1s\"]},\n"
	"\t\t{\"name\": \"npu\"},\n"
	"\t\t{\"name\": \"soc\"},\n"
	"\t\t{\"name\": \"power\"}\n"
	"\t],\n"
	"\t\"de_defaults\": {\"line_ts_rate\": 19200},\n"
	"\t\"des\": [\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"cluster 0: 4 cores, 12 DEs each (0x0001CCmm: core CC, metric mm)\",\n"
	"\t\t\t\"repeat\": {\"count\": 4, \"first\": 0, \"id_step\": \"0x100\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"cpu\", \"component_instance\": \"{i}\", \"group\": \"cpu_cl0\", \"shmti\": 0},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00010000\", \"name\": \"cpu{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"generator\": {\"kind\": \"step\", \"states\": [600000000, 1000000000, 1400000000, 1800000000, 1400000000, 1000000000], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00010001\", \"name\": \"cpu{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 300, \"amplitude\": 120, \"period\": \"2s\", \"min\": 10, \"max\": 900}},\n"
	"\t\t\t\t{\"id\": \"0x00010002\", \"name\": \"cpu{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"block\", \"generator\": {\"kind\": \"random_walk\", \"start\": 52000, \"min\": 45000, \"max\": 70000, \"step\": 300}},\n"
	"\t\t\t\t{\"id\": \"0x00010003\", \"name\": \"cpu{i}_cycles\", \"type\": \"accumulated\", \"unit\": \"cycles\", \"generator\": {\"kind\": \"counter\", \"rate\": 1200000000}},\n"
	"\t\t\t\t{\"id\": \"0x00010004\", \"name\": \"cpu{i}_idle_us\", \"type\": \"accumulated_idle_residency\", \"unit\": \"seconds\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 350000}},\n"
	"\t\t\t\t{\"id\": \"0x00010005\", \"type\": \"accumulated_idle_counts\", \"unit\": \"counts\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 120}},\n"
	"\t\t\t\t{\"id\": \"0x00010006\", \"name\": \"cpu{i}_cstate\", \"type\": \"instantaneous_idle_state\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 1, 0, 2, 0, 3], \"dwell\": \"40ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00010007\", \"name\": \"cpu{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 4500, \"amplitude\": 3500, \"period\": \"5s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00010008\", \"name\": \"cpu{i}_instr\", \"type\": \"accumulated\", \"unit\": \"counts\", \"generator\": {\"kind\": \"counter\", \"rate\": 1680000000}},\n"
	"\t\t\t\t{\"id\": \"0x00010009\", \"name\": \"cpu{i}_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"step\", \"states\": [650, 700, 775, 850, 775, 700], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x0001000A\", \"type\": \"accumulated\", \"unit\": \"misses\", \"generator\": {\"kind\": \"counter\", \"rate\": 4500000}},\n"
	"\t\t\t\t{\"id\": \"0x0001000B\", \"name\": \"cpu{i}_curr\", \"type\": \"instantaneous\", \"unit\": \"amps\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 900, \"amplitude\": 450, \"period\": \"2s\", \"min\": 10, \"max\": 2700}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"cluster 0: cluster-wide DEs (0x000110Cm); frequency on a FastChannel\",\n"
	"\t\t\t\"repeat\": {\"count\": 1, \"first\": 0},\n"
	"\t\t\t\"defaults\": {\"component\": \"cluster\", \"component_instance\": \"{i}\", \"group\": \"cpu_cl0\", \"shmti\": 0},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00011000\", \"name\": \"cl{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 1200, \"amplitude\": 480, \"period\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011001\", \"name\": \"cl{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"line\", \"generator\": {\"kind\": \"random_walk\", \"start\": 55000, \"min\": 45000, \"max\": 70000, \"step\": 200}},\n"
	"\t\t\t\t{\"id\": \"0x00011002\", \"name\": \"cl{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"timestamps\": \"line\", \"fastchannel\": true, \"generator\": {\"kind\": \"step\", \"states\": [600000000, 1000000000, 1400000000, 1800000000, 1400000000, 1000000000], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011003\", \"name\": \"cl{i}_throttle\", \"type\": \"status\", \"unit\": \"binary_state\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 0, 1], \"dwell\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011004\", \"name\": \"cl{i}_energy\", \"type\": \"accumulated\", \"unit\": \"joules\", \"unit_exp\": -6, \"timestamps\": \"line\", \"persistent\": true, \"generator\": {\"kind\": \"counter\", \"rate\": 1200000}},\n"
	"\t\t\t\t{\"id\": \"0x00011005\", \"type\": \"accumulated\", \"unit\": \"hits\", \"component\": \"l2_cache\", \"generator\": {\"kind\": \"counter\", \"rate\": 90000000}},\n"
	"\t\t\t\t{\"id\": \"0x00011006\", \"type\": \"accumulated\", \"unit\": \"misses\", \"component\": \"l2_cache\", \"generator\": {\"kind\": \"counter\", \"rate\": 2500000}},\n"
	"\t\t\t\t{\"id\": \"0x00011007\", \"name\": \"cl{i}_idle_us\", \"type\": \"accumulated_idle_residency\", \"unit\": \"seconds\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 200000}},\n"
	"\t\t\t\t{\"id\": \"0x00011008\", \"name\": \"cl{i}_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"step\", \"states\": [650, 700, 775, 850, 775, 700], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011009\", \"name\": \"cl{i}_opp\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 1, 2, 3, 2, 1], \"dwell\": \"250ms\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"cluster 1: 4 cores, 12 DEs each (0x0001CCmm: core CC, metric mm)\",\n"
	"\t\t\t\"repeat\": {\"count\": 4, \"first\": 4, \"id_step\": \"0x100\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"cpu\", \"component_instance\": \"{i}\", \"group\": \"cpu_cl1\", \"shmti\": 0},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00010400\", \"name\": \"cpu{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"generator\": {\"kind\": \"step\", \"states\": [800000000, 1400000000, 2000000000, 2400000000, 2000000000, 1400000000], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00010401\", \"name\": \"cpu{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 900, \"amplitude\": 500, \"period\": \"2s\", \"min\": 10, \"max\": 2700}},\n"
	"\t\t\t\t{\"id\": \"0x00010402\", \"name\": \"cpu{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"block\", \"generator\": {\"kind\": \"random_walk\", \"start\": 52000, \"min\": 45000, \"max\": 70000, \"step\": 300}},\n"
	"\t\t\t\t{\"id\": \"0x00010403\", \"name\": \"cpu{i}_cycles\", \"type\": \"accumulated\", \"unit\": \"cycles\", \"generator\": {\"kind\": \"counter\", \"rate\": 1800000000}},\n"
	"\t\t\t\t{\"id\": \"0x00010404\", \"name\": \"cpu{i}_idle_us\", \"type\": \"accumulated_idle_residency\", \"unit\": \"seconds\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 350000}},\n"
	"\t\t\t\t{\"id\": \"0x00010405\", \"type\": \"accumulated_idle_counts\", \"unit\": \"counts\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 120}},\n"
	"\t\t\t\t{\"id\": \"0x00010406\", \"name\": \"cpu{i}_cstate\", \"type\": \"instantaneous_idle_state\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 1, 0, 2, 0, 3], \"dwell\": \"40ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00010407\", \"name\": \"cpu{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 4500, \"amplitude\": 3500, \"period\": \"5s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00010408\", \"name\": \"cpu{i}_instr\", \"type\": \"accumulated\", \"unit\": \"counts\", \"generator\": {\"kind\": \"counter\", \"rate\": 2520000000}},\n"
	"\t\t\t\t{\"id\": \"0x00010409\", \"name\": \"cpu{i}_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"step\", \"states\": [650, 750, 850, 925, 850, 750], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x0001040A\", \"type\": \"accumulated\", \"unit\": \"misses\", \"generator\": {\"kind\": \"counter\", \"rate\": 4500000}},\n"
	"\t\t\t\t{\"id\": \"0x0001040B\", \"name\": \"cpu{i}_curr\", \"type\": \"instantaneous\", \"unit\": \"amps\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 1400, \"amplitude\": 700, \"period\": \"2s\", \"min\": 10, \"max\": 4200}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"cluster 1: cluster-wide DEs (0x000110Cm); frequency on a FastChannel\",\n"
	"\t\t\t\"repeat\": {\"count\": 1, \"first\": 1},\n"
	"\t\t\t\"defaults\": {\"component\": \"cluster\", \"component_instance\": \"{i}\", \"group\": \"cpu_cl1\", \"shmti\": 0},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00011100\", \"name\": \"cl{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 3600, \"amplitude\": 2000, \"period\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011101\", \"name\": \"cl{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"line\", \"generator\": {\"kind\": \"random_walk\", \"start\": 55000, \"min\": 45000, \"max\": 70000, \"step\": 200}},\n"
	"\t\t\t\t{\"id\": \"0x00011102\", \"name\": \"cl{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"timestamps\": \"line\", \"fastchannel\": true, \"generator\": {\"kind\": \"step\", \"states\": [800000000, 1400000000, 2000000000, 2400000000, 2000000000, 1400000000], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011103\", \"name\": \"cl{i}_throttle\", \"type\": \"status\", \"unit\": \"binary_state\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 0, 1], \"dwell\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011104\", \"name\": \"cl{i}_energy\", \"type\": \"accumulated\", \"unit\": \"joules\", \"unit_exp\": -6, \"timestamps\": \"line\", \"persistent\": true, \"generator\": {\"kind\": \"counter\", \"rate\": 3600000}},\n"
	"\t\t\t\t{\"id\": \"0x00011105\", \"type\": \"accumulated\", \"unit\": \"hits\", \"component\": \"l2_cache\", \"generator\": {\"kind\": \"counter\", \"rate\": 90000000}},\n"
	"\t\t\t\t{\"id\": \"0x00011106\", \"type\": \"accumulated\", \"unit\": \"misses\", \"component\": \"l2_cache\", \"generator\": {\"kind\": \"counter\", \"rate\": 2500000}},\n"
	"\t\t\t\t{\"id\": \"0x00011107\", \"name\": \"cl{i}_idle_us\", \"type\": \"accumulated_idle_residency\", \"unit\": \"seconds\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 200000}},\n"
	"\t\t\t\t{\"id\": \"0x00011108\", \"name\": \"cl{i}_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"step\", \"states\": [650, 750, 850, 925, 850, 750], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011109\", \"name\": \"cl{i}_opp\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 1, 2, 3, 2, 1], \"dwell\": \"250ms\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"cluster 2: 2 cores, 12 DEs each (0x0001CCmm: core CC, metric mm)\",\n"
	"\t\t\t\"repeat\": {\"count\": 2, \"first\": 8, \"id_step\": \"0x100\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"cpu\", \"component_instance\": \"{i}\", \"group\": \"cpu_cl2\", \"shmti\": 1},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00010800\", \"name\": \"cpu{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"generator\": {\"kind\": \"step\", \"states\": [1000000000, 1800000000, 2600000000, 3000000000, 2600000000, 1800000000], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00010801\", \"name\": \"cpu{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 1600, \"amplitude\": 900, \"period\": \"2s\", \"min\": 10, \"max\": 4800}},\n"
	"\t\t\t\t{\"id\": \"0x00010802\", \"name\": \"cpu{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"block\", \"generator\": {\"kind\": \"random_walk\", \"start\": 52000, \"min\": 45000, \"max\": 70000, \"step\": 300}},\n"
	"\t\t\t\t{\"id\": \"0x00010803\", \"name\": \"cpu{i}_cycles\", \"type\": \"accumulated\", \"unit\": \"cycles\", \"generator\": {\"kind\": \"counter\", \"rate\": 2400000000}},\n"
	"\t\t\t\t{\"id\": \"0x00010804\", \"name\": \"cpu{i}_idle_us\", \"type\": \"accumulated_idle_residency\", \"unit\": \"seconds\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 350000}},\n"
	"\t\t\t\t{\"id\": \"0x00010805\", \"type\": \"accumulated_idle_counts\", \"unit\": \"counts\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 120}},\n"
	"\t\t\t\t{\"id\": \"0x00010806\", \"name\": \"cpu{i}_cstate\", \"type\": \"instantaneous_idle_state\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 1, 0, 2, 0, 3], \"dwell\": \"40ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00010807\", \"name\": \"cpu{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 4500, \"amplitude\": 3500, \"period\": \"5s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00010808\", \"name\": \"cpu{i}_instr\", \"type\": \"accumulated\", \"unit\": \"counts\", \"generator\": {\"kind\": \"counter\", \"rate\": 3360000000}},\n"
	"\t\t\t\t{\"id\": \"0x00010809\", \"name\": \"cpu{i}_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"step\", \"states\": [700, 800, 900, 1000, 900, 800], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x0001080A\", \"type\": \"accumulated\", \"unit\": \"misses\", \"generator\": {\"kind\": \"counter\", \"rate\": 4500000}},\n"
	"\t\t\t\t{\"id\": \"0x0001080B\", \"name\": \"cpu{i}_curr\", \"type\": \"instantaneous\", \"unit\": \"amps\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 2100, \"amplitude\": 1050, \"period\": \"2s\", \"min\": 10, \"max\": 6300}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"cluster 2: cluster-wide DEs (0x000110Cm); frequency on a FastChannel\",\n"
	"\t\t\t\"repeat\": {\"count\": 1, \"first\": 2},\n"
	"\t\t\t\"defaults\": {\"component\": \"cluster\", \"component_instance\": \"{i}\", \"group\": \"cpu_cl2\", \"shmti\": 1},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00011200\", \"name\": \"cl{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 3200, \"amplitude\": 1800, \"period\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011201\", \"name\": \"cl{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"line\", \"generator\": {\"kind\": \"random_walk\", \"start\": 55000, \"min\": 45000, \"max\": 70000, \"step\": 200}},\n"
	"\t\t\t\t{\"id\": \"0x00011202\", \"name\": \"cl{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"timestamps\": \"line\", \"fastchannel\": true, \"generator\": {\"kind\": \"step\", \"states\": [1000000000, 1800000000, 2600000000, 3000000000, 2600000000, 1800000000], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011203\", \"name\": \"cl{i}_throttle\", \"type\": \"status\", \"unit\": \"binary_state\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 0, 1], \"dwell\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011204\", \"name\": \"cl{i}_energy\", \"type\": \"accumulated\", \"unit\": \"joules\", \"unit_exp\": -6, \"timestamps\": \"line\", \"persistent\": true, \"generator\": {\"kind\": \"counter\", \"rate\": 3200000}},\n"
	"\t\t\t\t{\"id\": \"0x00011205\", \"type\": \"accumulated\", \"unit\": \"hits\", \"component\": \"l2_cache\", \"generator\": {\"kind\": \"counter\", \"rate\": 90000000}},\n"
	"\t\t\t\t{\"id\": \"0x00011206\", \"type\": \"accumulated\", \"unit\": \"misses\", \"component\": \"l2_cache\", \"generator\": {\"kind\": \"counter\", \"rate\": 2500000}},\n"
	"\t\t\t\t{\"id\": \"0x00011207\", \"name\": \"cl{i}_idle_us\", \"type\": \"accumulated_idle_residency\", \"unit\": \"seconds\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 200000}},\n"
	"\t\t\t\t{\"id\": \"0x00011208\", \"name\": \"cl{i}_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"step\", \"states\": [700, 800, 900, 1000, 900, 800], \"dwell\": \"250ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00011209\", \"name\": \"cl{i}_opp\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 1, 2, 3, 2, 1], \"dwell\": \"250ms\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"4 memory controllers (0x000120Mm)\",\n"
	"\t\t\t\"repeat\": {\"count\": 4, \"id_step\": \"0x100\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"memory_controller\", \"component_instance\": \"{i}\", \"group\": \"memory\", \"shmti\": 2},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00012000\", \"name\": \"mc{i}_rd_bw\", \"type\": \"average\", \"unit\": \"bytes_per_second\", \"timestamps\": \"block\", \"generator\": {\"kind\": \"periodic\", \"base\": 6000000000, \"amplitude\": 4000000000, \"period\": \"3s\", \"min\": 0, \"max\": 12800000000}},\n"
	"\t\t\t\t{\"id\": \"0x00012001\", \"name\": \"mc{i}_wr_bw\", \"type\": \"average\", \"unit\": \"bytes_per_second\", \"timestamps\": \"block\", \"generator\": {\"kind\": \"periodic\", \"base\": 3500000000, \"amplitude\": 2500000000, \"period\": \"4s\", \"min\": 0, \"max\": 12800000000}},\n"
	"\t\t\t\t{\"id\": \"0x00012002\", \"name\": \"mc{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 48000, \"min\": 40000, \"max\": 65000, \"step\": 150}},\n"
	"\t\t\t\t{\"id\": \"0x00012003\", \"name\": \"mc{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 450, \"amplitude\": 250, \"period\": \"3s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00012004\", \"name\": \"mc{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 5000, \"amplitude\": 3000, \"period\": \"3s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00012005\", \"type\": \"accumulated\", \"unit\": \"bytes\", \"generator\": {\"kind\": \"counter\", \"rate\": 6000000000}},\n"
	"\t\t\t\t{\"id\": \"0x00012006\", \"type\": \"accumulated\", \"unit\": \"bytes\", \"generator\": {\"kind\": \"counter\", \"rate\": 3500000000}},\n"
	"\t\t\t\t{\"id\": \"0x00012007\", \"name\": \"mc{i}_ecc_ce\", \"type\": \"accumulated\", \"unit\": \"corrected_errors\", \"data_size\": 4, \"persistent\": true, \"generator\": {\"kind\": \"counter\", \"rate\": 0.05}},\n"
	"\t\t\t\t{\"id\": \"0x00012008\", \"name\": \"mc{i}_refresh\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [1, 1, 1, 2], \"dwell\": \"10s\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"DRAM devices\",\n"
	"\t\t\t\"repeat\": {\"count\": 2, \"id_step\": \"0x10\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"memory\", \"component_instance\": \"{i}\", \"group\": \"memory\", \"shmti\": 2},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00012800\", \"name\": \"dram{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 45000, \"min\": 35000, \"max\": 60000, \"step\": 100}},\n"
	"\t\t\t\t{\"id\": \"0x00012801\", \"name\": \"dram{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 700, \"amplitude\": 300, \"period\": \"3s\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\"id\": \"0x00013000\", \"name\": \"noc_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"component\": \"interconnect\", \"group\": \"interconnect\", \"shmti\": 2, \"generator\": {\"kind\": \"step\", \"states\": [400000000, 800000000, 1200000000, 800000000], \"dwell\": \"500ms\"}},\n"
	"\t\t{\"id\": \"0x00013001\", \"name\": \"noc_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"component\": \"interconnect\", \"group\": \"interconnect\", \"shmti\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 900, \"amplitude\": 400, \"period\": \"2s\"}},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"interconnect ports (de_instance = port)\",\n"
	"\t\t\t\"repeat\": {\"count\": 8, \"id_step\": \"0x10\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"interconnect\", \"component_instance\": 0, \"de_instance\": \"{i}\", \"group\": \"interconnect\", \"shmti\": 2},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00013100\", \"name\": \"noc_p{i}_rd\", \"type\": \"average\", \"unit\": \"bytes_per_second\", \"generator\": {\"kind\": \"periodic\", \"base\": 2000000000, \"amplitude\": 1500000000, \"period\": \"2s\", \"min\": 0, \"max\": 8000000000}},\n"
	"\t\t\t\t{\"id\": \"0x00013101\", \"name\": \"noc_p{i}_wr\", \"type\": \"average\", \"unit\": \"bytes_per_second\", \"generator\": {\"kind\": \"periodic\", \"base\": 1200000000, \"amplitude\": 900000000, \"period\": \"3s\", \"min\": 0, \"max\": 8000000000}},\n"
	"\t\t\t\t{\"id\": \"0x00013102\", \"name\": \"noc_p{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 3000, \"amplitude\": 2500, \"period\": \"2s\", \"min\": 0, \"max\": 10000}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"system-level cache slices\",\n"
	"\t\t\t\"repeat\": {\"count\": 8, \"id_step\": \"0x10\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"system_cache\", \"component_instance\": \"{i}\", \"group\": \"interconnect\", \"shmti\": 2},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00016000\", \"name\": \"slc{i}_hits\", \"type\": \"accumulated\", \"unit\": \"hits\", \"generator\": {\"kind\": \"counter\", \"rate\": 40000000}},\n"
	"\t\t\t\t{\"id\": \"0x00016001\", \"name\": \"slc{i}_misses\", \"type\": \"accumulated\", \"unit\": \"misses\", \"generator\": {\"kind\": \"counter\", \"rate\": 3000000}},\n"
	"\t\t\t\t{\"id\": \"0x00016002\", \"type\": \"instantaneous\", \"unit\": \"bytes\", \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 1048576, \"min\": 0, \"max\": 2097152, \"step\": 16384}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"GPU (power on a FastChannel)\",\n"
	"\t\t\t\"repeat\": {\"count\": 1},\n"
	"\t\t\t\"defaults\": {\"component\": \"gpu\", \"component_instance\": 0, \"group\": \"gpu\", \"shmti\": 1},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00014000\", \"name\": \"gpu_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"generator\": {\"kind\": \"step\", \"states\": [300000000, 500000000, 700000000, 900000000, 700000000], \"dwell\": \"200ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00014001\", \"name\": \"gpu_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"fastchannel\": true, \"generator\": {\"kind\": \"periodic\", \"base\": 2500, \"amplitude\": 2000, \"period\": \"4s\", \"min\": 100, \"max\": 8000}},\n"
	"\t\t\t\t{\"id\": \"0x00014002\", \"name\": \"gpu_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"timestamps\": \"line\", \"generator\": {\"kind\": \"random_walk\", \"start\": 50000, \"min\": 42000, \"max\": 75000, \"step\": 250}},\n"
	"\t\t\t\t{\"id\": \"0x00014003\", \"name\": \"gpu_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 5500, \"amplitude\": 4000, \"period\": \"6s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00014004\", \"name\": \"gpu_energy\", \"type\": \"accumulated\", \"unit\": \"joules\", \"unit_exp\": -6, \"persistent\": true, \"generator\": {\"kind\": \"counter\", \"rate\": 2500000}},\n"
	"\t\t\t\t{\"id\": \"0x00014005\", \"name\": \"gpu_throttle\", \"type\": \"status\", \"unit\": \"binary_state\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 0, 0, 1], \"dwell\": \"2s\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"GPU shader cores (de_instance = core)\",\n"
	"\t\t\t\"repeat\": {\"count\": 8, \"id_step\": \"0x10\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"gpu\", \"component_instance\": 0, \"de_instance\": \"{i}\", \"group\": \"gpu\", \"shmti\": 1},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00014100\", \"name\": \"gpu_sc{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 5500, \"amplitude\": 4000, \"period\": \"6s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00014101\", \"type\": \"accumulated\", \"unit\": \"cycles\", \"generator\": {\"kind\": \"counter\", \"rate\": 600000000}},\n"
	"\t\t\t\t{\"id\": \"0x00014102\", \"name\": \"gpu_sc{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 50000, \"min\": 42000, \"max\": 75000, \"step\": 250}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"NPUs\",\n"
	"\t\t\t\"repeat\": {\"count\": 2, \"id_step\": \"0x100\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"npu\", \"component_instance\": \"{i}\", \"group\": \"npu\", \"shmti\": 1},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00015000\", \"name\": \"npu{i}_freq\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"generator\": {\"kind\": \"step\", \"states\": [200000000, 600000000, 1000000000, 600000000], \"dwell\": \"500ms\"}},\n"
	"\t\t\t\t{\"id\": \"0x00015001\", \"name\": \"npu{i}_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 1200, \"amplitude\": 1000, \"period\": \"5s\", \"min\": 50, \"max\": 4000}},\n"
	"\t\t\t\t{\"id\": \"0x00015002\", \"name\": \"npu{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 47000, \"min\": 40000, \"max\": 72000, \"step\": 200}},\n"
	"\t\t\t\t{\"id\": \"0x00015003\", \"name\": \"npu{i}_util\", \"type\": \"average\", \"unit\": \"percentage\", \"unit_exp\": -2, \"data_size\": 2, \"generator\": {\"kind\": \"periodic\", \"base\": 4000, \"amplitude\": 4000, \"period\": \"5s\", \"min\": 0, \"max\": 10000}},\n"
	"\t\t\t\t{\"id\": \"0x00015004\", \"name\": \"npu{i}_energy\", \"type\": \"accumulated\", \"unit\": \"joules\", \"unit_exp\": -6, \"generator\": {\"kind\": \"counter\", \"rate\": 1200000}},\n"
	"\t\t\t\t{\"id\": \"0x00015005\", \"name\": \"npu{i}_infer\", \"type\": \"accumulated\", \"unit\": \"counts\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 850}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\"id\": \"0x00017000\", \"name\": \"soc_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"component\": \"soc\", \"group\": \"soc\", \"fastchannel\": true, \"timestamps\": \"line\", \"generator\": {\"kind\": \"periodic\", \"base\": 6500, \"amplitude\": 3000, \"period\": \"4s\", \"min\": 500, \"max\": 20000}},\n"
	"\t\t{\"id\": \"0x00017001\", \"name\": \"soc_energy\", \"type\": \"accumulated\", \"unit\": \"joules\", \"unit_exp\": -6, \"component\": \"soc\", \"group\": \"soc\", \"shmti\": 3, \"timestamps\": \"line\", \"persistent\": true, \"generator\": {\"kind\": \"counter\", \"rate\": 6500000}},\n"
	"\t\t{\"id\": \"0x00017002\", \"name\": \"pkg_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"component\": \"package\", \"group\": \"soc\", \"shmti\": 3, \"timestamps\": \"block\", \"generator\": {\"kind\": \"random_walk\", \"start\": 55000, \"min\": 45000, \"max\": 70000, \"step\": 200}},\n"
	"\t\t{\"id\": \"0x00017003\", \"name\": \"soc_throttle\", \"type\": \"status\", \"unit\": \"binary_state\", \"data_size\": 1, \"component\": \"soc\", \"group\": \"soc\", \"shmti\": 3, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 0, 0, 0, 1, 1], \"dwell\": \"2s\"}},\n"
	"\t\t{\"id\": \"0x00017004\", \"name\": \"thermal_level\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"component\": \"soc\", \"group\": \"soc\", \"shmti\": 3, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 1, 2, 1, 0, 3, 0], \"dwell\": \"1500ms\"}},\n"
	"\t\t{\"id\": \"0x00017005\", \"name\": \"hotspot_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"component\": \"soc\", \"group\": \"soc\", \"shmti\": 3, \"generator\": {\"kind\": \"random_walk\", \"start\": 60000, \"min\": 50000, \"max\": 85000, \"step\": 400}},\n"
	"\t\t{\"id\": \"0x00017006\", \"name\": \"soc_volt\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"component\": \"soc\", \"group\": \"soc\", \"shmti\": 3, \"generator\": {\"kind\": \"const\", \"value\": 800}},\n"
	"\t\t{\"id\": \"0x00017007\", \"type\": \"instantaneous\", \"unit\": \"amps\", \"unit_exp\": -3, \"data_size\": 4, \"component\": \"soc\", \"group\": \"soc\", \"shmti\": 3, \"generator\": {\"kind\": \"periodic\", \"base\": 8000, \"amplitude\": 3500, \"period\": \"4s\"}},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"SoC thermal sensors (de_instance = sensor)\",\n"
	"\t\t\t\"repeat\": {\"count\": 8},\n"
	"\t\t\t\"defaults\": {\"component\": \"soc\", \"component_instance\": 0, \"de_instance\": \"{i}\", \"group\": \"soc\", \"shmti\": 3},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00017100\", \"name\": \"tz{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 52000, \"min\": 42000, \"max\": 80000, \"step\": 250}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"display controller\",\n"
	"\t\t\t\"repeat\": {\"count\": 1},\n"
	"\t\t\t\"defaults\": {\"component\": \"display_controller\", \"component_instance\": 0, \"group\": \"soc\", \"shmti\": 3},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00019000\", \"name\": \"dpu_pclk\", \"type\": \"instantaneous\", \"unit\": \"hertz\", \"data_size\": 4, \"generator\": {\"kind\": \"const\", \"value\": 148500000}},\n"
	"\t\t\t\t{\"id\": \"0x00019001\", \"name\": \"dpu_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 350, \"amplitude\": 100, \"period\": \"10s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00019002\", \"name\": \"dpu_underruns\", \"type\": \"accumulated\", \"unit\": \"underruns\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 0.2}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"notification / single-sample only: no SHMTI line, no FastChannel\",\n"
	"\t\t\t\"repeat\": {\"count\": 1},\n"
	"\t\t\t\"defaults\": {\"component\": \"soc\", \"component_instance\": 0, \"shmti\": \"none\"},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00017F00\", \"name\": \"trip_events\", \"type\": \"accumulated\", \"unit\": \"counts\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 0.1}},\n"
	"\t\t\t\t{\"id\": \"0x00017F01\", \"name\": \"ocp_events\", \"type\": \"accumulated\", \"unit\": \"counts\", \"data_size\": 4, \"generator\": {\"kind\": \"counter\", \"rate\": 0.02}},\n"
	"\t\t\t\t{\"id\": \"0x00017F02\", \"name\": \"soc_health\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"const\", \"value\": 0}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"PMIC rails (de_instance = rail)\",\n"
	"\t\t\t\"repeat\": {\"count\": 12, \"id_step\": \"0x10\"},\n"
	"\t\t\t\"defaults\": {\"component\": \"pmic\", \"component_instance\": 0, \"de_instance\": \"{i}\", \"group\": \"power\", \"shmti\": 3},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00018000\", \"name\": \"rail{i}_mv\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"random_walk\", \"start\": 900, \"min\": 850, \"max\": 950, \"step\": 2}},\n"
	"\t\t\t\t{\"id\": \"0x00018001\", \"name\": \"rail{i}_ma\", \"type\": \"instantaneous\", \"unit\": \"amps\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 1500, \"amplitude\": 1000, \"period\": \"3s\", \"min\": 0, \"max\": 6000}},\n"
	"\t\t\t\t{\"id\": \"0x00018002\", \"name\": \"rail{i}_mw\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 1350, \"amplitude\": 900, \"period\": \"3s\", \"min\": 0, \"max\": 6000}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"battery (current is signed: negative = discharging)\",\n"
	"\t\t\t\"repeat\": {\"count\": 1},\n"
	"\t\t\t\"defaults\": {\"component\": \"battery\", \"component_instance\": 0, \"group\": \"power\", \"shmti\": 3},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00019100\", \"name\": \"batt_mv\", \"type\": \"instantaneous\", \"unit\": \"volts\", \"unit_exp\": -3, \"data_size\": 2, \"generator\": {\"kind\": \"random_walk\", \"start\": 3950, \"min\": 3700, \"max\": 4200, \"step\": 3}},\n"
	"\t\t\t\t{\"id\": \"0x00019101\", \"name\": \"batt_ma\", \"type\": \"instantaneous\", \"unit\": \"amps\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": -800, \"amplitude\": 600, \"period\": \"8s\"}},\n"
	"\t\t\t\t{\"id\": \"0x00019102\", \"name\": \"batt_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 32000, \"min\": 25000, \"max\": 45000, \"step\": 50}},\n"
	"\t\t\t\t{\"id\": \"0x00019103\", \"name\": \"batt_soc\", \"type\": \"instantaneous\", \"unit\": \"percentage\", \"data_size\": 1, \"generator\": {\"kind\": \"replay\", \"samples\": [80, 80, 80, 79, 79, 79, 78, 78, 78, 79, 79, 80]}},\n"
	"\t\t\t\t{\"id\": \"0x00019104\", \"name\": \"batt_state\", \"type\": \"status\", \"unit\": \"none\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [1, 1, 1, 2], \"dwell\": \"15s\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"charger\",\n"
	"\t\t\t\"repeat\": {\"count\": 1},\n"
	"\t\t\t\"defaults\": {\"component\": \"charger\", \"component_instance\": 0, \"group\": \"power\", \"shmti\": 3},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00019200\", \"name\": \"chg_power\", \"type\": \"instantaneous\", \"unit\": \"watts\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"periodic\", \"base\": 4000, \"amplitude\": 4000, \"period\": \"30s\", \"min\": 0, \"max\": 15000}},\n"
	"\t\t\t\t{\"id\": \"0x00019201\", \"name\": \"chg_online\", \"type\": \"status\", \"unit\": \"binary_state\", \"data_size\": 1, \"generator\": {\"kind\": \"step\", \"states\": [0, 0, 0, 1], \"dwell\": \"15s\"}}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"comment\": \"board sensors (no group)\",\n"
	"\t\t\t\"repeat\": {\"count\": 4},\n"
	"\t\t\t\"defaults\": {\"component\": \"board\", \"component_instance\": \"{i}\", \"shmti\": 3},\n"
	"\t\t\t\"des\": [\n"
	"\t\t\t\t{\"id\": \"0x00019300\", \"name\": \"board{i}_temp\", \"type\": \"instantaneous\", \"unit\": \"celsius\", \"unit_exp\": -3, \"data_size\": 4, \"generator\": {\"kind\": \"random_walk\", \"start\": 38000, \"min\": 30000, \"max\": 50000, \"step\": 100}}\n"
	"\t\t\t]\n"
	"\t\t}\n"
	"\t]\n"
	"}\n";
/* END default-soc.json */

int stlmp_config_default(struct stlmp_config **ret)
{
	char err[256];
	int r;

	if (!ret)
		return -EINVAL;
	r = stlmp_config_parse(stlmp_default_soc_json, "default-soc.json", ret,
			       err, sizeof(err));
	/* The embedded description is tested; failing here is a bug. */
	assert(r != -EINVAL);
	return r;
}

/* ---------------------------------------------------------------- */
/* Generated platforms                                              */

#define GEN_DES_PER_SHMTI 4096u
#define GEN_DES_PER_GROUP 256u
#define GEN_ID_BASE 0x01000000u

static const uint8_t gen_uuid[16] = {
	0x53, 0x54, 0x4C, 0x4D, 0x47, 0x45, 0x4E, 0x00,
	0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* Component types cycled through by blocks of 64 DEs. */
static const uint8_t gen_compo[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
				     0x0B, 0x10, 0x16, 0x17 };

static void gen_de(struct stlmp_de_cfg *d, uint32_t i, uint32_t n_shmti)
{
	struct scmi_tlm_de_desc *e = &d->desc;
	struct stlmp_gen *g = &d->gen;
	uint32_t blk = i / 64;

	memset(d, 0, sizeof(*d));
	e->id = GEN_ID_BASE + i;
	e->group_id = i / GEN_DES_PER_GROUP;
	e->data_size = 8;
	e->compo_type = gen_compo[blk % sizeof(gen_compo)];
	e->compo_instance = (uint16_t)(blk / sizeof(gen_compo));
	e->instance_id = (uint8_t)(i % 64);
	if (i % 2 == 0) {
		e->has_name = true;
		snprintf(e->name, sizeof(e->name), "de%07u", i);
	}
	d->shmti = i / GEN_DES_PER_SHMTI;
	if (d->shmti >= n_shmti)
		d->shmti = n_shmti - 1;

	switch (i % 8) {
	case 0: /* temperature, m°C */
		e->type = 5;
		e->unit = 2;
		e->unit_exp = -3;
		e->data_size = 4;
		g->kind = STLMP_GEN_RANDOM_WALK;
		g->base = 50000;
		g->min = 40000;
		g->max = 80000;
		g->step = 250;
		break;
	case 1: /* power, mW */
		e->type = 5;
		e->unit = 7;
		e->unit_exp = -3;
		e->data_size = 4;
		g->kind = STLMP_GEN_PERIODIC;
		g->base = 1000 + (int64_t)(i % 1000);
		g->amplitude = 500;
		g->period_ms = 1000 + (i % 7) * 500;
		break;
	case 2: /* energy, µJ, line timestamps */
		e->type = 3;
		e->unit = 8;
		e->unit_exp = -6;
		e->ts_support = SCMI_TLM_TS_LINE;
		e->line_ts_rate = 1000000;
		g->kind = STLMP_GEN_COUNTER;
		g->rate = 1000000 + (double)(i % 100) * 1000;
		break;
	case 3: /* frequency */
		e->type = 5;
		e->unit = 20;
		g->kind = STLMP_GEN_STEP;
		g->n_states = 4;
		g->states[0] = 600000000;
		g->states[1] = 1200000000;
		g->states[2] = 1800000000;
		g->states[3] = 1200000000;
		g->dwell_ms = 250;
		break;
	case 4: /* event counter */
		e->type = 3;
		e->unit = 67;
		g->kind = STLMP_GEN_COUNTER;
		g->rate = (double)(1 + i % 5000);
		break;
	case 5: /* utilisation, 0.01 % */
		e->type = 6;
		e->unit = 65;
		e->unit_exp = -2;
		e->data_size = 2;
		g->kind = STLMP_GEN_PERIODIC;
		g->base = 5000;
		g->amplitude = 4000;
		g->period_ms = 3000;
		g->min = 0;
		g->max = 10000;
		break;
	case 6: /* bandwidth, block timestamps */
		e->type = 6;
		e->unit = 95;
		e->ts_support = SCMI_TLM_TS_BLOCK;
		g->kind = STLMP_GEN_PERIODIC;
		g->base = 2000000000;
		g->amplitude = 1000000000;
		g->period_ms = 2000;
		break;
	default: /* throttle state */
		e->type = 7;
		e->unit = 94;
		e->data_size = 1;
		g->kind = STLMP_GEN_STEP;
		g->n_states = 2;
		g->states[1] = 1;
		g->dwell_ms = 1000 + (i % 3) * 1000;
		break;
	}
	/* one FastChannel DE per 4096 (the second of each SHMTI block) */
	if (i % GEN_DES_PER_SHMTI == 1) {
		e->has_fc = true;
		e->fc_size = 16;
		d->shmti = STLMP_NO_SHMTI;
	}
}

int stlmp_config_generate(uint32_t n, struct stlmp_config **ret)
{
	static const struct scmi_tlm_interval iv[] = {
		{ 1, -3 }, { 10, -3 }, { 100, -3 }, { 1, 0 },
	};
	struct stlmp_config *c;
	uint64_t *need;
	int r = -ENOMEM;

	if (!ret || n > STLMP_MAX_DES)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->name, sizeof(c->name), "generated-%u", n);
	strcpy(c->vendor, "stlm");
	strcpy(c->sub_vendor, "generated");
	strcpy(c->agent_name, "OSPM");
	c->impl_version = n;
	memcpy(c->uuid, gen_uuid, sizeof(gen_uuid));
	c->notifications = c->single_sample = c->reset = c->per_group = true;
	c->max_msg_size = 4096;
	c->default_blk_ts_rate = 1000000;
	c->intervals.n = ARRAY_SIZE(iv);
	c->intervals.v = malloc(sizeof(iv));
	if (!c->intervals.v)
		goto fail;
	memcpy(c->intervals.v, iv, sizeof(iv));
	c->default_interval = iv[2];
	c->n_shmti = n ? (n + GEN_DES_PER_SHMTI - 1) / GEN_DES_PER_SHMTI : 1;
	c->n_groups = (n + GEN_DES_PER_GROUP - 1) / GEN_DES_PER_GROUP;
	c->shmti_size = calloc(c->n_shmti, sizeof(*c->shmti_size));
	if (c->n_groups)
		c->groups = calloc(c->n_groups, sizeof(*c->groups));
	if (n)
		c->des = calloc(n, sizeof(*c->des));
	if (!c->shmti_size || (c->n_groups && !c->groups) || (n && !c->des))
		goto fail;
	c->n_des = n;
	for (uint32_t i = 0; i < n; i++)
		gen_de(&c->des[i], i, c->n_shmti);

	need = calloc(c->n_shmti, sizeof(*need));
	if (!need)
		goto fail;
	stlmp_shmti_needs(c, true, need);
	for (uint32_t s = 0; s < c->n_shmti; s++)
		c->shmti_size[s] = (uint32_t)((need[s] + 4095) & ~4095ull);
	free(need);

	r = stlmp_config_validate(c, NULL, 0);
	if (r < 0)
		goto fail;
	*ret = c;
	return 0;

fail:
	stlmp_config_free(c);
	return r;
}
