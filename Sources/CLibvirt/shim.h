#ifndef HOSTDEV_CLIBVIRT_SHIM_H
#define HOSTDEV_CLIBVIRT_SHIM_H

#include <stddef.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static void hostdev_virt_ignore_error(void *userData, virErrorPtr error) {
    (void)userData;
    (void)error;
}

/* libvirt prints every error to stderr unless its callback is replaced. */
static inline void hostdev_virt_silence_errors(void) { virSetErrorFunc(NULL, hostdev_virt_ignore_error); }

#endif
