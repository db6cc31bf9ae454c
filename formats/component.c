// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The stlm authors
 *
 * The one table of SCMI component types (component.h).
 */
#include <string.h>

#include "component.h"

/**
 * struct compo_row - one component type (protocol §5)
 * @tree:    the STLMFS by-components/ name (docs/stlmfs.md), as the
 *           kernel's tree spells it; also stlm_de_component_name()
 * @keyword: the platform description keyword (docs/platform-format.md)
 */
struct compo_row {
	const char *tree;
	const char *keyword;
};

static const struct compo_row compo[STLM_COMPONENT_N] = {
	[0x00] = { "unspec", "unspecified" },
	[0x01] = { "cpu", "cpu" },
	[0x02] = { "cluster", "cluster" },
	[0x03] = { "gpu", "gpu" },
	[0x04] = { "npu", "npu" },
	[0x05] = { "interconnnect", "interconnect" },	/* sic, as the kernel tree */
	[0x06] = { "mem_cntrl", "memory_controller" },
	[0x07] = { "l1_cache", "l1_cache" },
	[0x08] = { "l2_cache", "l2_cache" },
	[0x09] = { "l3_cache", "l3_cache" },
	[0x0A] = { "ll_cache", "last_level_cache" },
	[0x0B] = { "sys_cache", "system_cache" },
	[0x0C] = { "disp_cntrl", "display_controller" },
	[0x0D] = { "ipu", "ipu" },
	[0x0E] = { "chiplet", "chiplet" },
	[0x0F] = { "package", "package" },
	[0x10] = { "soc", "soc" },
	[0x11] = { "system", "system" },
	[0x12] = { "smcu", "smcu" },
	[0x13] = { "accel", "accelerator" },
	[0x14] = { "battery", "battery" },
	[0x15] = { "charger", "charger" },
	[0x16] = { "pmic", "pmic" },
	[0x17] = { "board", "board" },
	[0x18] = { "memory", "memory" },
	[0x19] = { "periph", "peripheral" },
	[0x1A] = { "periph_subc", "peripheral_subcomponent" },
	[0x1B] = { "lid", "lid" },
	[0x1C] = { "display", "display" },
};

/* Tree names of the codes without a row: reserved, then OEM (0xE0..). */
#define RES(n) [(n) - STLM_COMPONENT_N] = "res_" #n
#define OEM(n) [(n) - STLM_COMPONENT_N] = "oem_" #n
static const char *const tree_other[256 - STLM_COMPONENT_N] = {
	RES(29), RES(30), RES(31), RES(32), RES(33), RES(34), RES(35),
	RES(36), RES(37), RES(38), RES(39), RES(40), RES(41), RES(42),
	RES(43), RES(44), RES(45), RES(46), RES(47), RES(48), RES(49),
	RES(50), RES(51), RES(52), RES(53), RES(54), RES(55), RES(56),
	RES(57), RES(58), RES(59), RES(60), RES(61), RES(62), RES(63),
	RES(64), RES(65), RES(66), RES(67), RES(68), RES(69), RES(70),
	RES(71), RES(72), RES(73), RES(74), RES(75), RES(76), RES(77),
	RES(78), RES(79), RES(80), RES(81), RES(82), RES(83), RES(84),
	RES(85), RES(86), RES(87), RES(88), RES(89), RES(90), RES(91),
	RES(92), RES(93), RES(94), RES(95), RES(96), RES(97), RES(98),
	RES(99), RES(100), RES(101), RES(102), RES(103), RES(104), RES(105),
	RES(106), RES(107), RES(108), RES(109), RES(110), RES(111), RES(112),
	RES(113), RES(114), RES(115), RES(116), RES(117), RES(118), RES(119),
	RES(120), RES(121), RES(122), RES(123), RES(124), RES(125), RES(126),
	RES(127), RES(128), RES(129), RES(130), RES(131), RES(132), RES(133),
	RES(134), RES(135), RES(136), RES(137), RES(138), RES(139), RES(140),
	RES(141), RES(142), RES(143), RES(144), RES(145), RES(146), RES(147),
	RES(148), RES(149), RES(150), RES(151), RES(152), RES(153), RES(154),
	RES(155), RES(156), RES(157), RES(158), RES(159), RES(160), RES(161),
	RES(162), RES(163), RES(164), RES(165), RES(166), RES(167), RES(168),
	RES(169), RES(170), RES(171), RES(172), RES(173), RES(174), RES(175),
	RES(176), RES(177), RES(178), RES(179), RES(180), RES(181), RES(182),
	RES(183), RES(184), RES(185), RES(186), RES(187), RES(188), RES(189),
	RES(190), RES(191), RES(192), RES(193), RES(194), RES(195), RES(196),
	RES(197), RES(198), RES(199), RES(200), RES(201), RES(202), RES(203),
	RES(204), RES(205), RES(206), RES(207), RES(208), RES(209), RES(210),
	RES(211), RES(212), RES(213), RES(214), RES(215), RES(216), RES(217),
	RES(218), RES(219), RES(220), RES(221), RES(222), RES(223),
	OEM(224), OEM(225), OEM(226), OEM(227), OEM(228), OEM(229), OEM(230),
	OEM(231), OEM(232), OEM(233), OEM(234), OEM(235), OEM(236), OEM(237),
	OEM(238), OEM(239), OEM(240), OEM(241), OEM(242), OEM(243), OEM(244),
	OEM(245), OEM(246), OEM(247), OEM(248), OEM(249), OEM(250), OEM(251),
	OEM(252), OEM(253), OEM(254), OEM(255),
};
#undef RES
#undef OEM

const char *stlm__component_name(uint8_t code)
{
	if (code < STLM_COMPONENT_N)
		return compo[code].tree;
	return tree_other[code - STLM_COMPONENT_N];
}

const char *stlm__component_keyword(int code)
{
	return code >= 0 && code < STLM_COMPONENT_N ? compo[code].keyword :
						      NULL;
}

int stlm__component_code(const char *keyword)
{
	if (!keyword)
		return -1;
	for (int i = 0; i < STLM_COMPONENT_N; i++)
		if (!strcmp(compo[i].keyword, keyword))
			return i;
	return -1;
}
