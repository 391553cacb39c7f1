/*
 * hostdev: PCI host-device passthrough for libvirt guests, made safe.
 *
 * The C interface of libhostdev.so. Every string is UTF-8 and NUL-terminated; every string the
 * library returns through an out parameter is the caller's, to free with hostdev_free. The calls
 * return the exit codes of the hostdev command:
 *
 *   HOSTDEV_OK       0  done
 *   HOSTDEV_REFUSED  1  refused; the report says why
 *   HOSTDEV_INPUT    2  bad input (XML, JSON, options, a missing host); the report holds the error
 *   HOSTDEV_HOST     3  the host or libvirt failed; the report holds the error
 *
 * A host is "snapshot:PATH" (a libvirt test-driver <node> file), "sysfs:ROOT" (a sysfs tree, "/" for
 * this host), any other string a libvirt URI, or NULL (LIBVIRT_DEFAULT_URI when it is set, else no
 * host). An empty host ("", "snapshot:" or "sysfs:") is not NULL: it is bad input (2), as is a host
 * that is not valid UTF-8 (its bytes are never replaced, so no other path is read). options_json and
 * request_json may be at most 8 MiB; a longer one is bad input (2). The calls may run from several
 * threads at once, keep nothing between calls and print nothing. Link with
 * `pkg-config --cflags --libs hostdev`.
 */
#ifndef HOSTDEV_H
#define HOSTDEV_H

#ifdef __cplusplus
extern "C" {
#endif

#define HOSTDEV_OK 0
#define HOSTDEV_REFUSED 1
#define HOSTDEV_INPUT 2
#define HOSTDEV_HOST 3

/*
 * Adds the host devices of a vmCreate request to a domain, checked, and marks it non-migratable.
 * domain_xml: the domain, or NULL to build a minimal one from the request.
 * request_json: vmCreate parameters ({"devices": [{"type": "hostdev", "device": "pci_..."}], ...}),
 *   or NULL for none.
 * options_json: NULL, "{}" or {"includeGroup": bool, "schema": bool, "schemas": "DIR",
 *   "virtType": "kvm", "source": "NAME"}.
 * out_xml: the new domain, or NULL when refused or failed.
 * out_report_json: the plan and findings (as `hostdev transform --report json`), or {"error": ...,
 *   "exitCode": N} for codes 2 and 3. Either out parameter may be NULL.
 */
int hostdev_transform(const char *domain_xml, const char *request_json, const char *host,
                      const char *options_json, char **out_xml, char **out_report_json);

/*
 * Lints one domain: libvirt's schema and the passthrough rules (the host rules when a host is given).
 * options_json: NULL, "{}" or {"schema": bool, "schemas": "DIR", "select": [ID, ...],
 *   "ignore": [ID, ...], "source": "NAME"}.
 * out_report_json: as `hostdev lint --format json`. Returns 1 when any error was found.
 */
int hostdev_lint(const char *domain_xml, const char *host, const char *options_json, char **out_report_json);

/*
 * Lists a host's devices in VDSM's shape, {NAME: {"params": {...}, "vmId": UUID}}.
 * options_json: NULL, "{}" or {"capabilities": ["pci", ...], "domain": "NAME or UUID"}. The
 *   capabilities are libvirt's node-device names (those `virsh nodedev-list --cap` takes); an unknown
 *   one is bad input (2), and the report names it and the known ones.
 */
int hostdev_list(const char *host, const char *options_json, char **out_json);

/* Frees a string the library returned; NULL is ignored. */
void hostdev_free(char *string);

/* The library's release, as `hostdev --version` prints it; static, not to be freed. */
const char *hostdev_version(void);

#ifdef __cplusplus
}
#endif

#endif /* HOSTDEV_H */
