"""hostdev: PCI host-device passthrough for libvirt guests, made safe.

A ctypes binding of libhostdev.so (no compiler needed). The functions return the findings as
data: a refusal is a result with ``ok`` false, bad input raises ``InputError`` and a failing host
``HostError``.

    import hostdev
    result = hostdev.transform(domain_xml, {"devices": [{"type": "hostdev", "device": "pci_0000_01_00_0"}]},
                               snapshot="host.xml")
    if not result.ok:
        for finding in result.diagnostics:
            print(finding["severity"], finding["rule"], finding["message"])

Paths (``snapshot``, ``sysfs``, ``schemas``) may be str, bytes or os.PathLike. A string argument
holding a NUL character, or an empty host (``sysfs=""``), raises ``InputError``: it is never cut
short or taken for no host.

The library is looked up in ``HOSTDEV_LIBRARY`` (a path), then where ``make install`` put it, then
by the dynamic loader's search (``libhostdev.so.0``).
"""

import ctypes
import json
import os

__all__ = ["Result", "HostdevError", "InputError", "HostError", "transform", "lint", "list_devices", "version"]

# Replaced by `make install` with the installed library's path.
_INSTALLED_LIBRARY = "@HOSTDEV_LIBRARY@"

OK, REFUSED, INPUT, HOST = 0, 1, 2, 3


class HostdevError(Exception):
    """A call that could not run; ``code`` is the hostdev exit code (2 or 3)."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


class InputError(HostdevError, ValueError):
    """Bad input: the XML, the request, the options, or a host that is needed but not given (code 2)."""


class HostError(HostdevError):
    """The host or libvirt failed (code 3)."""


class Result:
    """The outcome of ``transform`` or ``lint``.

    ``ok``: nothing refused; ``code``: 0 or 1; ``xml``: the new domain (``transform``, when ok);
    ``report``: the whole JSON report as a dict; ``diagnostics``: its findings, dicts with
    ``severity``, ``rule``, ``message``, ``line``, ``column``, ``file`` and (transform) ``fixIt``.
    """

    def __init__(self, code, xml, report):
        self.code = code
        self.ok = code == OK
        self.xml = xml
        self.report = report
        self.diagnostics = report.get("diagnostics", [])

    @property
    def errors(self):
        """The findings of severity ``error``."""
        return [d for d in self.diagnostics if d.get("severity") == "error"]

    def __repr__(self):
        return "Result(ok=%r, %d diagnostics)" % (self.ok, len(self.diagnostics))


def _load():
    candidates = []
    if os.environ.get("HOSTDEV_LIBRARY"):
        candidates.append(os.environ["HOSTDEV_LIBRARY"])
    if not _INSTALLED_LIBRARY.startswith("@"):
        candidates.append(_INSTALLED_LIBRARY)
    candidates.append("libhostdev.so.0")
    failures = []
    for candidate in candidates:
        try:
            library = ctypes.CDLL(candidate)
            break
        except OSError as error:
            failures.append(str(error))
    else:
        raise ImportError("cannot load libhostdev: " + "; ".join(failures))
    out = ctypes.POINTER(ctypes.c_void_p)
    text = ctypes.c_char_p
    library.hostdev_transform.argtypes = [text, text, text, text, out, out]
    library.hostdev_transform.restype = ctypes.c_int
    library.hostdev_lint.argtypes = [text, text, text, out]
    library.hostdev_lint.restype = ctypes.c_int
    library.hostdev_list.argtypes = [text, text, out]
    library.hostdev_list.restype = ctypes.c_int
    library.hostdev_free.argtypes = [ctypes.c_void_p]
    library.hostdev_free.restype = None
    library.hostdev_version.argtypes = []
    library.hostdev_version.restype = text
    return library


_library = _load()


def version():
    """The library's release, as ``hostdev --version`` prints it."""
    return _library.hostdev_version().decode()


__version__ = version()


def _text(name, value):
    """A str or bytes argument as the bytes of a C string; None stays None.

    A NUL would end the C string early and the library would read less than was given: it raises
    ``InputError`` naming the argument.
    """
    if value is None:
        return None
    data = value if isinstance(value, bytes) else str(value).encode()
    if b"\0" in data:
        raise InputError("%s contains a NUL character" % name, INPUT)
    return data


def _json(name, value):
    if value is None or isinstance(value, (str, bytes)):
        return _text(name, value)
    return json.dumps(value).encode()


def _names(value):
    """A list of names from a list (or any iterable) of them, or from one name alone."""
    return [value] if isinstance(value, str) else list(value)


def _path(name, value):
    """A path option (str, bytes or os.PathLike) as a str for the options JSON."""
    path = os.fsdecode(value)
    if "\0" in path:
        raise InputError("%s contains a NUL character" % name, INPUT)
    return path


def _host(snapshot, sysfs, uri):
    given = [(name, prefix, value) for name, prefix, value in
             (("snapshot", "snapshot:", snapshot), ("sysfs", "sysfs:", sysfs), ("uri", "", uri)) if value is not None]
    if len(given) > 1:
        raise InputError("give one of snapshot, sysfs, uri, not several", INPUT)
    if not given:
        return None
    name, prefix, value = given[0]
    data = os.fsencode(value)
    if not data:
        raise InputError("%s is empty: give a host, or leave it out for none (LIBVIRT_DEFAULT_URI when set)" % name,
                         INPUT)
    return _text(name, prefix.encode() + data)


def _take(pointer):
    if not pointer.value:
        return None
    try:
        return ctypes.string_at(pointer.value).decode()
    finally:
        _library.hostdev_free(pointer.value)


def _check(code, report_text):
    report = json.loads(report_text) if report_text else {}
    if code == INPUT:
        raise InputError(report.get("error", "bad input"), code)
    if code not in (OK, REFUSED):
        raise HostError(report.get("error", "the host failed"), code)
    return report


def transform(domain_xml, request, *, snapshot=None, sysfs=None, uri=None, include_group=False, schema=True,
              schemas=None, virt_type=None, source=None):
    """Adds the requested host devices to a domain, checked, and marks it non-migratable.

    ``domain_xml``: the domain (str or bytes), or None to build a minimal one from the request.
    ``request``: vmCreate parameters, a dict or a JSON string. The host: at most one of ``snapshot``
    (a test-driver file), ``sysfs`` (a sysfs root, "/" for this host) or ``uri`` (libvirt); without
    one, ``LIBVIRT_DEFAULT_URI`` when set; an empty one is bad input. ``schema``: check input and
    result against libvirt's domain.rng (in ``schemas``, default /usr/share/libvirt/schemas).
    """
    options = {"includeGroup": bool(include_group), "schema": bool(schema)}
    if schemas is not None:
        options["schemas"] = _path("schemas", schemas)
    if virt_type is not None:
        options["virtType"] = virt_type
    if source is not None:
        options["source"] = source
    xml = ctypes.c_void_p()
    report = ctypes.c_void_p()
    code = _library.hostdev_transform(
        _text("domain_xml", domain_xml), _json("request", request), _host(snapshot, sysfs, uri),
        json.dumps(options).encode(), ctypes.byref(xml), ctypes.byref(report))
    xml_text = _take(xml)
    return Result(code, xml_text, _check(code, _take(report)))


def lint(domain_xml, *, snapshot=None, sysfs=None, uri=None, schema=True, schemas=None, select=None, ignore=None,
         source=None):
    """Lints one domain: libvirt's schema and the passthrough rules (the host rules with a host).

    ``select`` and ``ignore`` are lists of rule ids (or one id). ``ok`` is false when any error was
    found.
    """
    options = {"schema": bool(schema)}
    if schemas is not None:
        options["schemas"] = _path("schemas", schemas)
    if select is not None:
        options["select"] = _names(select)
    if ignore is not None:
        options["ignore"] = _names(ignore)
    if source is not None:
        options["source"] = source
    report = ctypes.c_void_p()
    code = _library.hostdev_lint(
        _text("domain_xml", domain_xml), _host(snapshot, sysfs, uri), json.dumps(options).encode(),
        ctypes.byref(report))
    return Result(code, None, _check(code, _take(report)))


def list_devices(*, snapshot=None, sysfs=None, uri=None, capabilities=None, domain=None):
    """A host's devices in VDSM's shape: ``{name: {"params": {...}, "vmId": uuid}}``.

    ``capabilities``: keep these (``["pci"]``, …, or one name, ``"pci"``; libvirt's names, an unknown
    one is bad input); ``domain``: keep the devices this domain uses.
    """
    options = {}
    if capabilities is not None:
        options["capabilities"] = _names(capabilities)
    if domain is not None:
        options["domain"] = domain
    listing = ctypes.c_void_p()
    code = _library.hostdev_list(_host(snapshot, sysfs, uri), json.dumps(options).encode(), ctypes.byref(listing))
    return _check(code, _take(listing))
