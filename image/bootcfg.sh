#!/bin/sh
# bootcfg.sh DIR CMDLINE: write DIR/syslinux.cfg and DIR/grub.cfg, the boot
# menus of the stick and of the ISO (isolinux reads the same syntax), so
# both media offer the same three entries with the same kernel options.
# Paths are absolute on the medium: /boot/vmlinuz, /boot/initrd.img.
set -eu
dir=$1 cmdline=$2

cat > "$dir/syslinux.cfg" <<EOT
SERIAL 0 115200
PROMPT 1
TIMEOUT 30
DEFAULT exhume
SAY exhume: Enter or wait 3 s: interactive; type auto (unattended) or shell
LABEL exhume
  MENU LABEL exhume (interactive)
  LINUX /boot/vmlinuz
  INITRD /boot/initrd.img
  APPEND $cmdline
LABEL auto
  MENU LABEL exhume (unattended triage, then power off)
  LINUX /boot/vmlinuz
  INITRD /boot/initrd.img
  APPEND $cmdline exhume.auto=1
LABEL shell
  MENU LABEL exhume (shell only)
  LINUX /boot/vmlinuz
  INITRD /boot/initrd.img
  APPEND $cmdline exhume.shell=1
EOT
# The signed grub reads $prefix/grub.cfg with prefix /EFI/debian on the
# device it came from; it never searches other disks for it.
cat > "$dir/grub.cfg" <<EOT
set timeout=3
set default=0
menuentry "exhume (interactive)" {
	linux /boot/vmlinuz $cmdline
	initrd /boot/initrd.img
}
menuentry "exhume (unattended triage, then power off)" {
	linux /boot/vmlinuz $cmdline exhume.auto=1
	initrd /boot/initrd.img
}
menuentry "exhume (shell only)" {
	linux /boot/vmlinuz $cmdline exhume.shell=1
	initrd /boot/initrd.img
}
EOT
