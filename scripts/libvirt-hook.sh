#!/bin/sh
# libvirt's QEMU hook for hostdev (libvirt runs every file of /etc/libvirt/hooks/qemu.d with the
# domain XML on stdin). Before a domain hostdev marked non-migratable starts, its managed='no' PCI
# devices are checked and detached to vfio-pci; after it stops they go back to their host drivers.
# A refusal (non-zero exit, the reason on stderr) stops the start. Other domains are left alone.
# "--": libvirt's arguments are never options, even a domain named "--help".
exec @BINDIR@/hostdev hook -- "$@"
