"""Every package that comes from outside and goes into a guest image.

One entry per package: the Debian package name, the exact version and the
sha256 of its .deb. tools/repin.sh rewrites this file when a pin has left
Debian's archive (see DESIGN.md "Pins that stay valid"); a .deb fetched once
stays in the cache ($PERFCELL_DEB_CACHE, default ~/.cache/perfcell/debs),
keyed by sha256, so an old pin keeps building where it was fetched.
"""

# The kernel comes from bookworm's main suite (older ABIs stay there for a
# while; the security suite replaces versions). Cloud kernel: virtio drivers
# are modules, ext4 is built in.
KERNEL_ABI = "6.1.0-50-cloud-amd64"

DEBIAN_PINS = {
    "busybox_static": struct(
        package = "busybox-static",
        version = "1:1.35.0-4+deb12u1+b1",
        sha256 = "3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744",
    ),
    "linux_image": struct(
        package = "linux-image-6.1.0-50-cloud-amd64",
        version = "6.1.176-1",
        sha256 = "efe19f605b6f54a8352e68d85a629abb2d30b72a085faef603a9152590baa791",
    ),
}
