#ifndef HOSTDEV_CLIBVIRT_H
#define HOSTDEV_CLIBVIRT_H

/*
 * libvirt, loaded on first use.
 *
 * The binary does not link libvirt: offline work (snapshots, sysfs, linting) never pays for
 * loading its 57 shared libraries. The first hostdev_vir* call dlopens libvirt.so.0, initialises
 * it for threads and silences its stderr printing. Every libvirt function hostdev uses has a
 * hostdev_ twin here with the same signature; calling the plain name does not link, by design.
 */

#include <stddef.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* Why libvirt could not be loaded, or NULL when it is loaded (or loading was never tried). */
const char *hostdev_virt_load_error(void);

int hostdev_virInitialize(void);
virErrorPtr hostdev_virGetLastError(void);
void hostdev_virResetLastError(void);

virConnectPtr hostdev_virConnectOpen(const char *name);
virConnectPtr hostdev_virConnectOpenReadOnly(const char *name);
int hostdev_virConnectClose(virConnectPtr conn);
char *hostdev_virConnectGetURI(virConnectPtr conn);
char *hostdev_virConnectGetCapabilities(virConnectPtr conn);
int hostdev_virConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices, unsigned int flags);
int hostdev_virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags);

virNodeDevicePtr hostdev_virNodeDeviceLookupByName(virConnectPtr conn, const char *name);
int hostdev_virNodeDeviceFree(virNodeDevicePtr dev);
const char *hostdev_virNodeDeviceGetName(virNodeDevicePtr dev);
const char *hostdev_virNodeDeviceGetParent(virNodeDevicePtr dev);
int hostdev_virNodeDeviceNumOfCaps(virNodeDevicePtr dev);
int hostdev_virNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames);
char *hostdev_virNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags);
int hostdev_virNodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName, unsigned int flags);
int hostdev_virNodeDeviceReset(virNodeDevicePtr dev);
int hostdev_virNodeDeviceReAttach(virNodeDevicePtr dev);

virDomainPtr hostdev_virDomainLookupByName(virConnectPtr conn, const char *name);
virDomainPtr hostdev_virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
int hostdev_virDomainFree(virDomainPtr domain);
const char *hostdev_virDomainGetName(virDomainPtr domain);
int hostdev_virDomainGetUUIDString(virDomainPtr domain, char *buf);
int hostdev_virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags);
int hostdev_virDomainIsActive(virDomainPtr domain);
char *hostdev_virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags);
int hostdev_virDomainUndefine(virDomainPtr domain);

#endif
