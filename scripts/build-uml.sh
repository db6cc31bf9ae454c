#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The stlm authors
#
# Build a User-Mode Linux kernel (ARCH=um) from Debian's linux-source-6.12
# package with the SCMI core, the virtio SCMI transport, SCMI raw mode,
# debugfs, hostfs and virtio_uml, plus a device tree blob that declares an
# "arm,scmi-virtio" SCMI instance with protocol@1b (docs/virtio.md).
#
# Output (cache keyed by this script's hash, rebuilt when it changes):
#   $STLM_CACHE/uml-6.12/linux      the UML kernel (a host executable)
#   $STLM_CACHE/uml-6.12/scmi.dtb   the device tree (boot with dtb=FILE)
#   $STLM_CACHE/uml-6.12/key        the hash the build was made from
# STLM_CACHE defaults to ~/.cache/stlm.
#
# Usage: scripts/build-uml.sh [--print-dir] [--jobs N]
#   --print-dir  print the output directory and exit 0 if it is built,
#                exit 1 if not (builds nothing)
# Exit status 77 when a prerequisite (the source package, a compiler tool)
# is missing and cannot be installed: callers in the test suite skip then.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${STLM_CACHE:-${HOME:-/tmp}/.cache/stlm}
out=$cache/uml-6.12
tarball=/usr/src/linux-source-6.12.tar.xz
jobs=2
print_dir=0

while [ $# -gt 0 ]; do
	case $1 in
	--print-dir) print_dir=1 ;;
	--jobs) jobs=$2; shift ;;
	*) echo "build-uml.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done

key=$(sha256sum "$0" | cut -d' ' -f1)

if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] &&
   [ -x "$out/linux" ] && [ -f "$out/scmi.dtb" ]; then
	[ $print_dir = 1 ] && echo "$out"
	exit 0
fi
[ $print_dir = 1 ] && exit 1

pkgs="linux-source-6.12 busybox-static flex bison bc libelf-dev gcc make"
if [ "$(id -u)" -eq 0 ]; then
	"$here/install-deps.sh" $pkgs || true
fi
for t in flex bison bc gcc make xz; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "build-uml.sh: SKIP: '$t' is missing (install: $pkgs)" >&2
		exit 77
	fi
done
if [ ! -f "$tarball" ]; then
	echo "build-uml.sh: SKIP: $tarball is missing (install linux-source-6.12)" >&2
	exit 77
fi

mkdir -p "$out"
rm -f "$out/key" "$out/linux" "$out/scmi.dtb"
src=$out/src
if [ ! -f "$src/.stlm-extracted" ] ||
   [ "$(cat "$src/.stlm-extracted")" != "$(stat -c %Y "$tarball")" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	echo "build-uml.sh: extracting $tarball" >&2
	tar -xJf "$tarball" -C "$src" --strip-components=1
	stat -c %Y "$tarball" > "$src/.stlm-extracted"
fi

# The smallest kernel that boots busybox over hostfs and talks SCMI over
# virtio_uml. ARM_SCMI_PROTOCOL needs COMPILE_TEST on UML, and HAS_IOMEM,
# which UML only has with UML_PCI_OVER_VIRTIO (UML_IOMEM_EMULATION). Raw
# mode with COEX: without it the SCMI core stops after setting up raw mode
# and never runs its own Base discovery.
cat > "$out/stlm.config" <<'EOF'
CONFIG_64BIT=y
CONFIG_PRINTK=y
CONFIG_TTY=y
CONFIG_STDERR_CONSOLE=y
CONFIG_NULL_CHAN=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_HOSTFS=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_TMPFS=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y
CONFIG_MULTIUSER=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SIGNALFD=y
CONFIG_TIMERFD=y
CONFIG_EVENTFD=y
CONFIG_SHMEM=y
CONFIG_DEBUG_FS=y
CONFIG_DEBUG_FS_ALLOW_ALL=y
CONFIG_COMPILE_TEST=y
CONFIG_VIRTIO_UML=y
CONFIG_UML_PCI_OVER_VIRTIO=y
CONFIG_OF=y
CONFIG_ARM_SCMI_PROTOCOL=y
CONFIG_ARM_SCMI_RAW_MODE_SUPPORT=y
CONFIG_ARM_SCMI_RAW_MODE_SUPPORT_COEX=y
CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=y
CONFIG_ARM_SCMI_TRANSPORT_VIRTIO_VERSION1_COMPLIANCE=y
CONFIG_ARM_SCMI_DEBUG_COUNTERS=y
CONFIG_WERROR=n
CONFIG_GCC_PLUGINS=n
EOF

cd "$src"
echo "build-uml.sh: configuring" >&2
make -s ARCH=um tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$out/stlm.config" >/dev/null
make -s ARCH=um olddefconfig >/dev/null
for sym in VIRTIO_UML UML_PCI_OVER_VIRTIO OF ARM_SCMI_PROTOCOL \
	   ARM_SCMI_RAW_MODE_SUPPORT ARM_SCMI_RAW_MODE_SUPPORT_COEX \
	   ARM_SCMI_TRANSPORT_VIRTIO DEBUG_FS HOSTFS \
	   DEVTMPFS BINFMT_ELF STDERR_CONSOLE; do
	if ! grep -q "^CONFIG_$sym=y" .config; then
		echo "build-uml.sh: CONFIG_$sym did not stay enabled" >&2
		exit 1
	fi
done

echo "build-uml.sh: building (make -j$jobs ARCH=um)" >&2
start=$(date +%s)
make -s ARCH=um -j"$jobs" linux
echo "build-uml.sh: kernel built in $(( $(date +%s) - start )) s" >&2

# One SCMI instance on the virtio transport; protocol@1b is Telemetry.
cat > "$out/scmi.dts" <<'EOF'
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "stlm,uml";
	model = "stlm UML guest";

	firmware {
		scmi {
			compatible = "arm,scmi-virtio";
			#address-cells = <1>;
			#size-cells = <0>;

			protocol@1b {
				reg = <0x1b>;
			};
		};
	};
};
EOF
scripts/dtc/dtc -I dts -O dtb -o "$out/scmi.dtb" "$out/scmi.dts"
cp linux "$out/linux"
echo "$key" > "$out/key"
echo "build-uml.sh: done: $out" >&2
