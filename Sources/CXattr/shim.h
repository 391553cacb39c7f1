// Extended attributes (listxattr, getxattr, setxattr), which the Glibc module does not export.
#include <sys/types.h>
#include <sys/xattr.h>
