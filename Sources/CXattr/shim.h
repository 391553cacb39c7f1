// Extended attributes (listxattr, getxattr, setxattr), which the Glibc module does not export.
#include <sys/types.h>
#include <sys/xattr.h>

// A directory's entries in one system call (glibc 2.30), which the Glibc module does not export
// either: fdopendir would add an fstat and two fcntl calls to every listing.
extern ssize_t getdents64(int fd, void *buffer, size_t length);

// Processor affinity (GNU extensions the Glibc module does not export either): a short-lived
// thread is started on another processor than its parent's. `mask` is a cpu_set_t.
#include <pthread.h>
extern int sched_getcpu(void);
extern int sched_getaffinity(int pid, size_t size, void *mask);
extern int pthread_attr_setaffinity_np(pthread_attr_t *attributes, size_t size, const void *mask);
