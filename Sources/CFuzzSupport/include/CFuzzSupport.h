#ifndef HOSTDEV_CFUZZSUPPORT_H
#define HOSTDEV_CFUZZSUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver, linked in by -sanitize=fuzzer; referenced only in fuzzing builds. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
