"""debian_package: a pinned Debian package, fetched with apt-get, checked, unpacked.

    debian_package(
        name = "busybox_static",
        package = "busybox-static",
        version = "1:1.35.0-4+deb12u1+b1",
        sha256 = "3d3f...",
        build_file_content = 'exports_files(["bin/busybox"])',
    )

The .deb is looked up first in a cache keyed by sha256 ($PERFCELL_DEB_CACHE,
default ~/.cache/perfcell/debs, outside Bazel's output base so `bazel clean
--expunge` keeps it), else fetched with `apt-get download NAME=VERSION`. Its
sha256 must equal the pin; then `dpkg-deb -x` unpacks it into the repository.
"""

_REPIN_HINT = ("Debian's archive keeps only current versions, so a pin can " +
               "leave it: run `sudo tools/repin.sh` to pin what the archive has now " +
               "(it rewrites tools/pins.bzl), then build again.")

def _cache_dir(ctx):
    cache = ctx.os.environ.get("PERFCELL_DEB_CACHE", "")
    if not cache:
        home = ctx.os.environ.get("HOME", "/root")
        cache = home + "/.cache/perfcell/debs"
    return cache

def _sha256(ctx, path):
    res = ctx.execute(["sha256sum", path])
    if res.return_code != 0:
        fail("debian_package: sha256sum %s failed: %s" % (path, res.stderr))
    return res.stdout.split(" ")[0]

def _fetch(ctx, cache, cached):
    spec = "%s=%s" % (ctx.attr.package, ctx.attr.version)
    tmp = "download.tmp"
    ctx.execute(["rm", "-rf", tmp])
    ctx.execute(["mkdir", "-p", tmp])
    res = ctx.execute(["apt-get", "download", "-q", spec], working_directory = tmp, timeout = 600)
    if res.return_code != 0:
        fail(("debian_package %s: `apt-get download %s` failed:\n%s\n" +
              "If apt-get cannot find it, run `apt-get update` first. %s") %
             (ctx.name, spec, res.stderr.strip(), _REPIN_HINT))
    found = ctx.execute(["sh", "-c", "ls %s/*.deb" % tmp]).stdout.strip().split("\n")
    if len(found) != 1 or not found[0]:
        fail("debian_package %s: apt-get download %s left no single .deb" % (ctx.name, spec))
    got = _sha256(ctx, found[0])
    if got != ctx.attr.sha256:
        fail(("debian_package %s: %s has sha256 %s, but tools/pins.bzl pins %s. " +
              "The archive rebuilt the package under the same version; check " +
              "why, then run tools/repin.sh.") % (ctx.name, spec, got, ctx.attr.sha256))
    ctx.execute(["mkdir", "-p", cache])

    # Copy then rename, so a half-copied file is never taken for the package.
    res = ctx.execute(["sh", "-c", 'cp "$1" "$2.part.$$" && mv "$2.part.$$" "$2"', "_", found[0], cached])
    if res.return_code != 0:
        # An unwritable cache only costs a refetch next time.
        print("debian_package %s: could not cache %s: %s" % (ctx.name, cached, res.stderr))
        return found[0]
    ctx.execute(["rm", "-rf", tmp])
    return cached

def _debian_package_impl(ctx):
    cache = _cache_dir(ctx)
    cached = "%s/%s.deb" % (cache, ctx.attr.sha256)
    deb = cached
    if ctx.execute(["test", "-f", cached]).return_code != 0 or _sha256(ctx, cached) != ctx.attr.sha256:
        deb = _fetch(ctx, cache, cached)
    res = ctx.execute(["dpkg-deb", "-x", deb, "."])
    if res.return_code != 0:
        fail("debian_package %s: dpkg-deb -x %s failed: %s" % (ctx.name, deb, res.stderr))
    ctx.execute(["rm", "-rf", "download.tmp"])
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.file("BUILD.bazel", ctx.attr.build_file_content)
    ctx.file("PIN", "%s %s %s\n" % (ctx.attr.package, ctx.attr.version, ctx.attr.sha256))

debian_package = repository_rule(
    implementation = _debian_package_impl,
    attrs = {
        "package": attr.string(mandatory = True, doc = "Debian package name."),
        "version": attr.string(mandatory = True, doc = "Exact version, epoch included."),
        "sha256": attr.string(mandatory = True, doc = "sha256 of the .deb file."),
        "build_file_content": attr.string(mandatory = True, doc = "BUILD file for the unpacked tree."),
    },
    environ = ["PERFCELL_DEB_CACHE", "HOME"],
    doc = "A pinned Debian package, unpacked. See tools/pins.bzl.",
)

def debian_pinned_package(name, pin, build_file_content):
    """debian_package for an entry of DEBIAN_PINS.

    Args:
      name: repository name.
      pin: a struct(package, version, sha256) from tools/pins.bzl.
      build_file_content: BUILD file for the unpacked tree.
    """
    debian_package(
        name = name,
        package = pin.package,
        version = pin.version,
        sha256 = pin.sha256,
        build_file_content = build_file_content,
    )
