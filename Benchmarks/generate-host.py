#!/usr/bin/env python3
"""Generates a large fake host for the inventory benchmark, two ways that describe the same host.

    generate-host.py DEVICES OUT_DIR

writes OUT_DIR/host.xml (a libvirt test-driver <node> file, for --snapshot and --connect test:///)
and OUT_DIR/root/ (a sysfs tree laid out as the kernel lays it out, for --sysfs). PCI devices come
in IOMMU groups of nine behind root ports, with SR-IOV physical and virtual functions; a tenth of
the devices are USB and SCSI. OUT_DIR must be new or empty.
"""
import os
import sys

VENDORS = [(0x8086, "Intel Corporation"), (0x10de, "NVIDIA Corporation"), (0x15b3, "Mellanox Technologies")]


def main():
    total = int(sys.argv[1])
    out = sys.argv[2]
    root = os.path.join(out, "root")
    usb_total = total // 20
    scsi_total = total // 20
    pci_total = total - usb_total - scsi_total
    groups = max(1, pci_total // 9)
    xml = ["<node>", "  <device>", "    <name>computer</name>", "    <capability type='system'>",
           "      <hardware>", "        <uuid>5b1f9c7e-2d4a-4e8b-9c3d-1a2b3c4d5e6f</uuid>", "      </hardware>",
           "    </capability>", "  </device>"]

    # Run as root over a directory someone else may have touched, the generator never writes
    # through a link or over a file: it fills a new directory only, and creates each file anew.
    if os.path.lexists(out) and (os.path.islink(out) or not os.path.isdir(out) or os.listdir(out)):
        sys.exit(f"generate-host.py: {out} exists and is not an empty directory; give a new one")

    def write(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)

    def link(target, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)

    sys_dir = os.path.join(root, "sys")
    for driver in ["vfio-pci", "ixgbe", "nvidia", "pcieport", "mlx5_core"]:
        os.makedirs(os.path.join(sys_dir, "bus/pci/drivers", driver), exist_ok=True)
    os.makedirs(os.path.join(sys_dir, "class/iommu/dmar0"), exist_ok=True)
    os.makedirs(os.path.join(root, "dev/vfio"), exist_ok=True)
    write(os.path.join(root, "dev/vfio/vfio"), "")
    write(os.path.join(root, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro intel_iommu=on iommu=pt\n")

    made = 0
    for group in range(groups):
        domain, bus = group // 200, group % 200 + 1
        port = (domain, 0, group % 32, group // 32 % 8)
        members = [port] + [(domain, bus, slot, function) for slot in range(2) for function in range(4)]
        members = members[: min(9, pci_total - made)]
        for index, (d, b, s, f) in enumerate(members):
            name = f"pci_{d:04x}_{b:02x}_{s:02x}_{f:x}"
            sysname = f"{d:04x}:{b:02x}:{s:02x}.{f:x}"
            is_port = index == 0
            vendor, vendor_name = VENDORS[group % len(VENDORS)]
            klass = 0x060400 if is_port else 0x020000
            driver = "pcieport" if is_port else ("vfio-pci" if group % 5 == 0 else "ixgbe")
            port_name = f"pci_{port[0]:04x}_{port[1]:02x}_{port[2]:02x}_{port[3]:x}"
            parent = "computer" if is_port else port_name
            addresses = "".join(
                f"        <address domain='0x{a:04x}' bus='0x{b2:02x}' slot='0x{c:02x}' function='0x{e:x}'/>\n"
                for a, b2, c, e in members)
            sriov = ""
            if not is_port and f == 0:
                vfs = [m for m in members[1:] if m[2] == s and m[3] != 0]
                sriov = (f"      <capability type='virt_functions' maxCount='{len(vfs)}'>\n" + "".join(
                    f"        <address domain='0x{a:04x}' bus='0x{b2:02x}' slot='0x{c:02x}' function='0x{e:x}'/>\n"
                    for a, b2, c, e in vfs) + "      </capability>\n")
            elif not is_port:
                sriov = (f"      <capability type='phys_function'>\n        <address domain='0x{d:04x}' "
                         f"bus='0x{b:02x}' slot='0x{s:02x}' function='0x0'/>\n      </capability>\n")
            bridge = "      <capability type='pci-bridge'/>\n" if is_port else ""
            xml.append(f"""  <device>
    <name>{name}</name>
    <parent>{parent}</parent>
    <driver>
      <name>{driver}</name>
    </driver>
    <capability type='pci'>
      <class>0x{klass:06x}</class>
      <domain>{d}</domain>
      <bus>{b}</bus>
      <slot>{s}</slot>
      <function>{f}</function>
      <product id='0x{0x1000 + group % 4096:04x}'>Device {group}</product>
      <vendor id='0x{vendor:04x}'>{vendor_name}</vendor>
{sriov}{bridge}      <iommuGroup number='{group}'>
{addresses}      </iommuGroup>
      <numa node='{group % 2}'/>
    </capability>
  </device>""")
            # sysfs: the device directory where the kernel puts it, and the links it makes.
            port_sys = f"{port[0]:04x}:{port[1]:02x}:{port[2]:02x}.{port[3]:x}"
            rel = f"devices/pci{d:04x}:00/{port_sys}" + ("" if is_port else f"/{sysname}")
            device_dir = os.path.join(sys_dir, rel)
            os.makedirs(device_dir, exist_ok=True)
            write(os.path.join(device_dir, "vendor"), f"0x{vendor:04x}\n")
            write(os.path.join(device_dir, "device"), f"0x{0x1000 + group % 4096:04x}\n")
            write(os.path.join(device_dir, "class"), f"0x{klass:06x}\n")
            write(os.path.join(device_dir, "numa_node"), f"{group % 2}\n")
            depth = rel.count("/") + 1
            up = "../" * depth
            link(f"{up}kernel/iommu_groups/{group}", os.path.join(device_dir, "iommu_group"))
            link(f"{up}bus/pci/drivers/{driver}", os.path.join(device_dir, "driver"))
            link(f"../../../{rel}", os.path.join(sys_dir, "bus/pci/devices", sysname))
            link(f"../../../../{rel}", os.path.join(sys_dir, "kernel/iommu_groups", str(group), "devices", sysname))
            if not is_port and f != 0:
                link(f"../{sysname[:-1]}0", os.path.join(device_dir, "physfn"))
                link(f"../{sysname}", os.path.join(os.path.dirname(device_dir), sysname[:-1] + "0", f"virtfn{f}"))
            if not is_port and f == 0:
                write(os.path.join(device_dir, "sriov_totalvfs"), "2\n")
            made += 1
        write(os.path.join(root, "dev/vfio", str(group)), "")
    for index in range(usb_total):
        bus, number = index // 100 + 1, index % 100 + 2
        xml.append(f"""  <device>
    <name>usb_{bus}_{number}</name>
    <parent>computer</parent>
    <capability type='usb_device'>
      <bus>{bus}</bus>
      <device>{number}</device>
      <product id='0xc52b'>Unifying Receiver</product>
      <vendor id='0x046d'>Logitech, Inc.</vendor>
    </capability>
  </device>""")
        usb_dir = os.path.join(sys_dir, f"devices/pci0000:00/0000:00:14.0/usb{bus}/{bus}-{number}")
        os.makedirs(usb_dir, exist_ok=True)
        for key, value in [("busnum", bus), ("devnum", number), ("idVendor", "046d"), ("idProduct", "c52b")]:
            write(os.path.join(usb_dir, key), f"{value}\n")
        link(f"../../../devices/pci0000:00/0000:00:14.0/usb{bus}/{bus}-{number}",
             os.path.join(sys_dir, "bus/usb/devices", f"{bus}-{number}"))
    for index in range(scsi_total):
        host, target = index // 64, index % 64
        xml.append(f"""  <device>
    <name>scsi_{host}_0_{target}_0</name>
    <parent>computer</parent>
    <capability type='scsi'>
      <host>{host}</host>
      <bus>0</bus>
      <target>{target}</target>
      <lun>0</lun>
      <type>disk</type>
    </capability>
  </device>""")
        scsi_rel = f"devices/pci0000:00/0000:00:17.0/host{host}/target{host}:0:{target}/{host}:0:{target}:0"
        os.makedirs(os.path.join(sys_dir, scsi_rel), exist_ok=True)
        write(os.path.join(sys_dir, scsi_rel, "type"), "0\n")
        link(f"../../../{scsi_rel}", os.path.join(sys_dir, "bus/scsi/devices", f"{host}:0:{target}:0"))
    xml.append("</node>\n")
    write(os.path.join(out, "host.xml"), "\n".join(xml))
    print(f"{made} PCI devices in {groups} IOMMU groups, {usb_total} USB, {scsi_total} SCSI -> {out}")


if __name__ == "__main__":
    main()
