#include "CLibvirt.h"

#include <dlfcn.h>
#include <pthread.h>

static void *handle;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void ignore_error(void *userData, virErrorPtr error) {
    (void)userData;
    (void)error;
}

static void load(void) {
    handle = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        load_error = reason != NULL ? reason : "libvirt.so.0 could not be loaded";
        return;
    }
    __typeof__(&virInitialize) initialize = (__typeof__(&virInitialize))dlsym(handle, "virInitialize");
    __typeof__(&virSetErrorFunc) setErrorFunc = (__typeof__(&virSetErrorFunc))dlsym(handle, "virSetErrorFunc");
    if (initialize == NULL || setErrorFunc == NULL || initialize() < 0) {
        load_error = "libvirt.so.0 is not a usable libvirt";
        return;
    }
    /* libvirt prints every error to stderr unless its callback is replaced. */
    setErrorFunc(NULL, ignore_error);
}

static void *symbol(const char *name) {
    pthread_once(&once, load);
    return handle != NULL && load_error == NULL ? dlsym(handle, name) : NULL;
}

const char *hostdev_virt_load_error(void) {
    pthread_once(&once, load);
    return load_error;
}

#define LAZY(type, name, parameters, arguments, failure)                                                          \
    type hostdev_##name parameters {                                                                              \
        __typeof__(&name) function = (__typeof__(&name))symbol(#name);                                            \
        return function != NULL ? function arguments : failure;                                                   \
    }

LAZY(int, virInitialize, (void), (), -1)
LAZY(virErrorPtr, virGetLastError, (void), (), NULL)

void hostdev_virResetLastError(void) {
    __typeof__(&virResetLastError) function = (__typeof__(&virResetLastError))symbol("virResetLastError");
    if (function != NULL) function();
}

LAZY(virConnectPtr, virConnectOpen, (const char *name), (name), NULL)
LAZY(virConnectPtr, virConnectOpenReadOnly, (const char *name), (name), NULL)
LAZY(int, virConnectClose, (virConnectPtr conn), (conn), -1)
LAZY(char *, virConnectGetURI, (virConnectPtr conn), (conn), NULL)
LAZY(char *, virConnectGetCapabilities, (virConnectPtr conn), (conn), NULL)
LAZY(int, virConnectListAllNodeDevices, (virConnectPtr conn, virNodeDevicePtr **devices, unsigned int flags),
     (conn, devices, flags), -1)
LAZY(int, virConnectListAllDomains, (virConnectPtr conn, virDomainPtr **domains, unsigned int flags),
     (conn, domains, flags), -1)

LAZY(virNodeDevicePtr, virNodeDeviceLookupByName, (virConnectPtr conn, const char *name), (conn, name), NULL)
LAZY(int, virNodeDeviceFree, (virNodeDevicePtr dev), (dev), -1)
LAZY(const char *, virNodeDeviceGetName, (virNodeDevicePtr dev), (dev), NULL)
LAZY(const char *, virNodeDeviceGetParent, (virNodeDevicePtr dev), (dev), NULL)
LAZY(int, virNodeDeviceNumOfCaps, (virNodeDevicePtr dev), (dev), -1)
LAZY(int, virNodeDeviceListCaps, (virNodeDevicePtr dev, char **const names, int maxnames), (dev, names, maxnames),
     -1)
LAZY(char *, virNodeDeviceGetXMLDesc, (virNodeDevicePtr dev, unsigned int flags), (dev, flags), NULL)
LAZY(int, virNodeDeviceDetachFlags, (virNodeDevicePtr dev, const char *driverName, unsigned int flags),
     (dev, driverName, flags), -1)
LAZY(int, virNodeDeviceReset, (virNodeDevicePtr dev), (dev), -1)
LAZY(int, virNodeDeviceReAttach, (virNodeDevicePtr dev), (dev), -1)

LAZY(virDomainPtr, virDomainLookupByName, (virConnectPtr conn, const char *name), (conn, name), NULL)
LAZY(virDomainPtr, virDomainDefineXMLFlags, (virConnectPtr conn, const char *xml, unsigned int flags),
     (conn, xml, flags), NULL)
LAZY(int, virDomainFree, (virDomainPtr domain), (domain), -1)
LAZY(const char *, virDomainGetName, (virDomainPtr domain), (domain), NULL)
LAZY(int, virDomainGetUUIDString, (virDomainPtr domain, char *buf), (domain, buf), -1)
LAZY(int, virDomainGetState, (virDomainPtr domain, int *state, int *reason, unsigned int flags),
     (domain, state, reason, flags), -1)
LAZY(int, virDomainIsActive, (virDomainPtr domain), (domain), -1)
LAZY(char *, virDomainGetXMLDesc, (virDomainPtr domain, unsigned int flags), (domain, flags), NULL)
LAZY(int, virDomainUndefine, (virDomainPtr domain), (domain), -1)
