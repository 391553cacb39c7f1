// Extended attributes (listxattr, getxattr, setxattr), which the Glibc module does not export.
#include <sys/types.h>
#include <sys/xattr.h>

// A directory's entries in one system call (glibc 2.30), which the Glibc module does not export
// either: fdopendir would add an fstat and two fcntl calls to every listing.
extern ssize_t getdents64(int fd, void *buffer, size_t length);
