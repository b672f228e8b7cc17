#!/usr/bin/env bash
# Builds the Strata test guest from Debian packages only:
#   kernel   linux-image-cloud-amd64 (/boot/vmlinuz-*-cloud-amd64, or $STRATA_GUEST_KERNEL)
#   userland busybox-static (/bin/busybox), a few kernel modules from /lib/modules
#   boot     syslinux (disk, installed with mtools: no loop mounts, no root-only steps) and isolinux (ISO)
# Outputs, in $STRATA_GUEST_DIR (default ${XDG_CACHE_HOME:-~/.cache}/strata/guest):
#   guest.qcow2  bootable disk template (MBR + FAT partition + syslinux + kernel + initramfs)
#   guest.iso    bootable ISO (isolinux, hybrid) with the same kernel and initramfs
# The guest prints "STRATA-GUEST READY" on ttyS0 and runs a root shell on ttyS0 and tty1 (VGA).
# Idempotent: a stamp of the inputs is kept; an up-to-date cache is left alone. A flock serializes
# concurrent callers (parallel test workers). Usage: build-guest.sh [--force]; prints the output dir.
set -euo pipefail

# mkfs.vfat, sfdisk and modprobe live in sbin, which a normal user's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
OUT="${STRATA_GUEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata/guest}"
FORCE="${1:-}"
mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock -w 300 9 || { echo "build-guest: could not lock $OUT/.lock" >&2; exit 1; }

die() { echo "build-guest: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "missing $1 (apt-get install -y $2)"; }
need busybox busybox-static
need mkfs.vfat dosfstools
need mcopy mtools
need syslinux syslinux
need sfdisk fdisk
need xorriso xorriso
need cpio cpio
need qemu-img qemu-utils
need modprobe kmod

KERNEL="${STRATA_GUEST_KERNEL:-$(ls -1 /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)}"
[ -n "$KERNEL" ] || KERNEL="$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)"
[ -r "$KERNEL" ] || die "no kernel found (apt-get install -y linux-image-cloud-amd64)"
KVER="${KERNEL##*/vmlinuz-}"
[ -d "/lib/modules/$KVER" ] || die "no modules for kernel $KVER in /lib/modules (install its linux-image package)"
BUSYBOX="$(command -v busybox)"
# ldd fails on a static binary: the guest has no libc, so a dynamic busybox would not run there.
if ldd "$BUSYBOX" >/dev/null 2>&1; then die "$BUSYBOX is not static (apt-get install -y busybox-static)"; fi
MBR=/usr/lib/syslinux/mbr/mbr.bin
ISOLINUX=/usr/lib/ISOLINUX/isolinux.bin
ISOHYBRID=/usr/lib/ISOLINUX/isohdpfx.bin
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in "$MBR" "$ISOLINUX" "$ISOHYBRID" "$LDLINUX"; do [ -r "$f" ] || die "missing $f (apt-get install -y syslinux-common isolinux)"; done

# Modules the guest loads: virtio disks (hot-plug included), IDE CD-ROM + iso9660 for ISOs on the pc machine
# (the cloud kernel has no AHCI, hence no q35), and evdev + button so busybox acpid sees the ACPI power button.
MODULES="virtio_pci virtio_blk virtio_net ata_piix sr_mod isofs evdev button"

stamp() {
  sha256sum "$0" | cut -d' ' -f1
  stat -c '%n %s %Y' "$KERNEL" "$BUSYBOX" "$MBR" "$ISOLINUX" "$LDLINUX"
  echo "$MODULES"
}
STAMP="$(stamp | sha256sum | cut -d' ' -f1)"
if [ "$FORCE" != "--force" ] && [ -f "$OUT/guest.qcow2" ] && [ -f "$OUT/guest.iso" ] \
   && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$STAMP" ]; then
  echo "$OUT"; exit 0
fi

WORK="$(mktemp -d "$OUT/.build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# ---- initramfs -------------------------------------------------------------------------------------------
ROOT="$WORK/root"
# /var/log and /var/run: busybox acpid exits silently without its log and pid file directories.
mkdir -p "$ROOT"/{bin,sbin,etc/acpi/PWRF,proc,sys,dev,tmp,root,mnt,lib/modules,var/log,var/run}
cp "$BUSYBOX" "$ROOT/bin/busybox"
: > "$ROOT/etc/modules.order"
for m in $MODULES; do
  modprobe -S "$KVER" --show-depends "$m" | awk '$1=="insmod"{print $2}' | while read -r ko; do
    base="$(basename "$ko")"
    if [ ! -f "$ROOT/lib/modules/$base" ]; then
      case "$ko" in
        *.xz) xz -dc "$ko" > "$ROOT/lib/modules/${base%.xz}"; base="${base%.xz}" ;;
        *.zst) zstd -qdc "$ko" > "$ROOT/lib/modules/${base%.zst}"; base="${base%.zst}" ;;
        *) cp "$ko" "$ROOT/lib/modules/$base" ;;
      esac
      echo "/lib/modules/$base" >> "$ROOT/etc/modules.order"
    fi
  done
done

cat > "$ROOT/init" <<'EOF'
#!/bin/busybox sh
# Runs as PID 1 from the initramfs, then hands over to busybox init (so poweroff/reboot work).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
# devtmpfs creates /dev/vdX itself, also for disks hot-added later: no mdev daemon needed.
while read -r ko; do insmod "$ko" 2>/dev/null; done < /etc/modules.order
hostname strata-guest
exec /bin/init
EOF
chmod 755 "$ROOT/init"
ln -s ../bin/busybox "$ROOT/sbin/init" && ln -s busybox "$ROOT/bin/init"

cat > "$ROOT/etc/inittab" <<'EOF'
::sysinit:/bin/acpid -c /etc/acpi
ttyS0::respawn:-/bin/sh
tty1::respawn:-/bin/sh
::ctrlaltdel:/bin/reboot
::shutdown:/bin/sync
EOF
# busybox acpid runs /etc/acpi/<event dir>/<code> for the power button event "PWRF 00000080".
printf '#!/bin/sh\n/bin/poweroff\n' > "$ROOT/etc/acpi/PWRF/00000080"
chmod 755 "$ROOT/etc/acpi/PWRF/00000080"
cat > "$ROOT/etc/profile" <<'EOF'
export PATH=/bin:/sbin HOME=/root PS1='strata-guest# '
cd /root
[ "$(tty)" = /dev/ttyS0 ] && echo "STRATA-GUEST READY"
EOF
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"

INITRD="$WORK/initrd.img"
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) > "$INITRD"

# nokaslr: with under 128 MB the decompressor finds no room for randomization and says so on the screen.
CMDLINE="console=tty0 console=ttyS0,115200 quiet nokaslr panic=5"

# ---- disk template: MBR + one FAT16 partition at 1 MiB with syslinux ----------------------------------------
DISK_MB=64
PART_OFF=$((1024 * 1024))
RAW="$WORK/disk.raw"
truncate -s "${DISK_MB}M" "$RAW"
dd if="$MBR" of="$RAW" bs=440 count=1 conv=notrunc status=none
echo 'start=2048, type=6, bootable' | sfdisk -q "$RAW" >/dev/null
PART_SECTORS=$(( (DISK_MB * 1024 * 1024 - PART_OFF) / 512 ))
PART="$WORK/part.img"
mkfs.vfat -C -F 16 -n STRATA -h 2048 "$PART" $((PART_SECTORS / 2)) >/dev/null
dd if="$PART" of="$RAW" bs=1M seek=1 conv=notrunc status=none
cat > "$WORK/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT strata
PROMPT 0
TIMEOUT 0
LABEL strata
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND $CMDLINE
EOF
export MTOOLS_SKIP_CHECK=1
mcopy -i "$RAW@@$PART_OFF" "$KERNEL" ::/vmlinuz
mcopy -i "$RAW@@$PART_OFF" "$INITRD" ::/initrd.img
mcopy -i "$RAW@@$PART_OFF" "$WORK/syslinux.cfg" ::/syslinux.cfg
syslinux --install --offset "$PART_OFF" "$RAW"
qemu-img convert -q -f raw -O qcow2 "$RAW" "$WORK/guest.qcow2"

# ---- ISO: isolinux, hybrid MBR so it also boots when written to a disk ------------------------------------------
ISO="$WORK/iso"
mkdir -p "$ISO/isolinux"
cp "$ISOLINUX" "$LDLINUX" "$ISO/isolinux/"
cp "$KERNEL" "$ISO/vmlinuz"
cp "$INITRD" "$ISO/initrd.img"
sed 's/^SERIAL.*/SERIAL 0 115200/' "$WORK/syslinux.cfg" > "$ISO/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -o "$WORK/guest.iso" -V STRATA_GUEST -isohybrid-mbr "$ISOHYBRID" \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$ISO" 2>/dev/null

# Atomic replace: readers never see a half-written template.
mv -f "$WORK/guest.qcow2" "$OUT/guest.qcow2"
mv -f "$WORK/guest.iso" "$OUT/guest.iso"
echo "$STAMP" > "$OUT/stamp"
echo "$OUT"
