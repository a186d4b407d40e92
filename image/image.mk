# image/image.mk: the bootable USB image (included by the top Makefile).
#   make image         build/image/exhume.img (BIOS + UEFI + Secure Boot)
#   make iso           build/image/exhume.iso, the same system as a hybrid
#                      ISO for virtual CD drives (image/mkiso.sh)
#   make check-image   boot it in qemu against a suspect disk (TAP); the
#                      last stage of `make check` (and so of .ci/run)
# Host tools are installed with apt-get if missing; the kernel, shim and
# grub are fetched with `apt-get download` by image/build.sh, never
# installed on the host.

IMAGE_HOST_PKGS := busybox-static mtools syslinux syslinux-common dosfstools \
                   exfatprogs fdisk cpio kmod zstd ncurses-base ntfs-3g
ISO_HOST_PKGS := xorriso isolinux syslinux-common mtools dosfstools
CHECK_IMAGE_PKGS := qemu-system-x86 ovmf seabios sleuthkit ntfs-3g binutils

# The binary only exists once the CLI is there; before that build.sh says
# what is missing (or EXHUME_BIN=image/stub-exhume for the boot test).
IMAGE_DEPS := $(if $(wildcard src/cli/*.c),all $(if $(wildcard tests/tools/mkfixture.c),tools))

image: $(IMAGE_DEPS)
	@sh image/deps.sh $(IMAGE_HOST_PKGS)
	@sh image/build.sh

# The ISO reuses build.sh's kernel, initramfs and signed loaders.
iso: image
	@sh image/deps.sh $(ISO_HOST_PKGS)
	@sh image/mkiso.sh

check-image: iso
	@sh image/deps.sh $(CHECK_IMAGE_PKGS)
	@sh image/check-image.sh
