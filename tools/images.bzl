"""Rules that build guest images: ext4_image, guest_initramfs.

Both run perfcell's own writers (//images/ext4:mkext4, //images/initramfs:
mkinitramfs), which need no root and no loop device and give byte-identical
output for the same inputs, so Bazel caches and shares them (also through a
remote cache).
"""

def _quote(s):
    if '"' in s or "\\" in s or "\n" in s:
        fail("image path %r: quotes, backslashes and newlines are not supported" % s)
    return '"%s"' % s

def _check_dest(what, dest):
    if not dest or dest.startswith("/") or ".." in dest.split("/"):
        fail("%s: %r must be a relative path inside the image, without '..'" % (what, dest))

def _mode_of(ctx, target, f, dest):
    if dest in ctx.attr.modes:
        return ctx.attr.modes[dest]
    files_to_run = target[DefaultInfo].files_to_run
    if files_to_run and files_to_run.executable == f:
        return "0755"
    return "0644"

def _ext4_manifest(ctx):
    """The mkext4 manifest (text proto) for the rule's attributes."""
    lines = []
    inputs = []
    for d in sorted(ctx.attr.dirs):
        _check_dest("dirs", d)
        lines.append("entry { path: %s type: DIR mode: 0755 }" % _quote(d))
    for target, dest in ctx.attr.files.items():
        _check_dest("files", dest)
        files = target.files.to_list()
        if len(files) != 1:
            fail("files: %s gives %d files; each entry must give exactly one" % (target.label, len(files)))
        f = files[0]
        inputs.append(f)
        lines.append("entry { path: %s type: FILE source: %s mode: %s }" % (
            _quote(dest),
            _quote(f.path),
            _mode_of(ctx, target, f, dest),
        ))
    for dest in sorted(ctx.attr.symlinks):
        _check_dest("symlinks", dest)
        lines.append("entry { path: %s type: SYMLINK target: %s }" % (
            _quote(dest),
            _quote(ctx.attr.symlinks[dest]),
        ))
    for dest in sorted(ctx.attr.content):
        _check_dest("content", dest)
        lines.append("entry { path: %s type: FILE content: %s mode: 0644 }" % (
            _quote(dest),
            _quote(ctx.attr.content[dest]),
        ))
    return "\n".join(sorted(lines)) + "\n", inputs

def _ext4_image_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".ext4")
    manifest = ctx.actions.declare_file(ctx.label.name + ".manifest.textproto")
    text, inputs = _ext4_manifest(ctx)
    ctx.actions.write(manifest, text)
    inputs.append(manifest)
    if ctx.files.manifests:
        # mkext4 takes one manifest; text protos concatenate.
        combined = ctx.actions.declare_file(ctx.label.name + ".combined.textproto")
        ctx.actions.run_shell(
            outputs = [combined],
            inputs = [manifest] + ctx.files.manifests,
            command = 'cat "$@" > ' + combined.path,
            arguments = [manifest.path] + [m.path for m in ctx.files.manifests],
            mnemonic = "Ext4Manifest",
        )
        manifest = combined
        inputs.append(combined)
    if ctx.attr.base:
        inputs.append(ctx.file.base)
    _mkext4_action(ctx, out, manifest, inputs, rebuild = False)
    rebuild = ctx.actions.declare_file(ctx.label.name + ".rebuild.ext4")
    _mkext4_action(ctx, rebuild, manifest, inputs, rebuild = True)
    return [
        DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out])),
        OutputGroupInfo(rebuild = depset([rebuild])),
    ]

# The "rebuild" output group of an image rule: the same image written by a
# second action, a second later, with glibc filling fresh memory with 0xa5.
# Only built when asked for (//images:determinism_test compares the two).
_REBUILD_ENV = {"MALLOC_PERTURB_": "165"}
_REBUILD_PREFIX = "sleep 1; "

def _mkext4_action(ctx, out, manifest, inputs, rebuild):
    args = ctx.actions.args()
    args.add("--out", out)
    args.add("--manifest", manifest)
    args.add("--owner", "0:0")
    if ctx.attr.label:
        args.add("--label", ctx.attr.label)
    if ctx.attr.read_only:
        args.add("--read_only")
    if not ctx.attr.journal:
        args.add("--journal=false")
    if ctx.attr.base:
        args.add("--base", ctx.file.base)
    else:
        args.add("--size", ctx.attr.image_size)
    env = {"SOURCE_DATE_EPOCH": "0"}
    if not rebuild:
        ctx.actions.run(
            outputs = [out],
            inputs = inputs + ctx.files.data,
            executable = ctx.executable._mkext4,
            arguments = [args],
            env = env,
            mnemonic = "Ext4Image",
            progress_message = "Writing ext4 image %s (%s)" % (ctx.label, ctx.attr.image_size),
        )
        return
    env.update(_REBUILD_ENV)
    ctx.actions.run_shell(
        outputs = [out],
        inputs = inputs + ctx.files.data,
        tools = [ctx.executable._mkext4],
        command = _REBUILD_PREFIX + 'exec "$@"',
        arguments = [ctx.executable._mkext4.path, args],
        env = env,
        mnemonic = "Ext4ImageRebuild",
        progress_message = "Rebuilding ext4 image %s to compare" % ctx.label,
    )

ext4_image = rule(
    implementation = _ext4_image_impl,
    doc = """An ext4 image file (<name>.ext4), written through libext2fs. Its
"rebuild" output group writes the image again in a second action (a second
later, MALLOC_PERTURB_) for //images:determinism_test to compare.

Example:
    ext4_image(
        name = "base",
        image_size = "fit+10%",
        dirs = ["proc", "sys", "dev", "tmp"],
        files = {"//images/guest:perfcell-init": "sbin/perfcell-init"},
        symlinks = {"sbin/init": "perfcell-init"},
    )
""",
    attrs = {
        "image_size": attr.string(mandatory = True, doc = """Apparent size: "fit" (content and
metadata), "fit+10%" or "fit+4M" (with that much free space), or a fixed 64M, 1G, ...
Keep outputs near their content: Bazel hashes and caches an output at its apparent size,
holes included (a test checks that no image is over twice its allocated size).
An empty data disk belongs in the test that uses it (mkext4 --size=50G at run time)."""),
        "files": attr.label_keyed_string_dict(allow_files = True, doc = "Single-file targets to their path in the image."),
        "modes": attr.string_dict(doc = "Image path to octal mode, overriding 0755 for executables and 0644 otherwise."),
        "dirs": attr.string_list(doc = "Directories to create (mode 0755)."),
        "symlinks": attr.string_dict(doc = "Image path to symlink target."),
        "content": attr.string_dict(doc = "Image path to inline file content."),
        "manifests": attr.label_list(allow_files = [".textproto"], doc = "Further mkext4 manifests (generated ones)."),
        "data": attr.label_list(allow_files = True, doc = "Files the manifests refer to."),
        "base": attr.label(allow_single_file = True, doc = "An image to copy and add to, instead of starting empty."),
        "label": attr.string(doc = "Volume label."),
        "read_only": attr.bool(default = False, doc = "Set the read-only feature flag."),
        "journal": attr.bool(default = True, doc = "Create a journal."),
        "_mkext4": attr.label(default = "//images/ext4:mkext4", executable = True, cfg = "exec"),
    },
)

def _guest_initramfs_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".cpio.gz")
    modules = ctx.files.modules
    kernel_dirs = {}
    for f in modules:
        if "/kernel/" not in f.path:
            fail("modules: %s is not under a kernel/ module tree" % f.path)
        kernel_dirs[f.path.split("/kernel/")[0] + "/kernel"] = True
    if len(kernel_dirs) != 1:
        fail("modules: expected one kernel module tree, found %s" % kernel_dirs.keys())
    modules_dir = kernel_dirs.keys()[0]
    script = """set -euo pipefail
modorder="$1"; mkinitramfs="$2"; modules_dir="$3"; want="$4"; init="$5"; busybox="$6"; out="$7"
order="$out.order"
# Plain .ko copies, decompressed where the package compresses them (.ko.xz,
# .ko.zst): busybox insmod loads plain files whatever its build.
plain="$out.ko.d"
rm -rf "$plain"
"$modorder" --modules_dir="$modules_dir" --want="$want" --decompress_to="$plain" > "$order"
modules_dir="$plain"
flags=(--output="$out" --gzip
  --file=init="$init":0755 --file=bin/busybox="$busybox":0755
  --dir=proc --dir=sys --dir=dev --dir=newroot --dir=etc
  --node=dev/console=c:5:1:0600)
names=""
while read -r rel; do
  [ -n "$rel" ] || continue
  name=$(basename "$rel")
  flags+=(--file=lib/modules/"$name"="$modules_dir/$rel":0644)
  names="$names$name
"
done < "$order"
printf '%s' "$names" > "$order.names"
flags+=(--file=etc/modules.order="$order.names":0644)
"$mkinitramfs" "${flags[@]}"
rm -rf "$order" "$order.names" "$plain"
"""
    rebuild = ctx.actions.declare_file(ctx.label.name + ".rebuild.cpio.gz")
    for output, again in [(out, False), (rebuild, True)]:
        ctx.actions.run_shell(
            outputs = [output],
            inputs = modules + [ctx.file.init, ctx.file.busybox],
            tools = [ctx.executable._modorder, ctx.executable._mkinitramfs],
            command = (_REBUILD_PREFIX if again else "") + script,
            arguments = [
                ctx.executable._modorder.path,
                ctx.executable._mkinitramfs.path,
                modules_dir,
                ",".join(ctx.attr.want_modules),
                ctx.file.init.path,
                ctx.file.busybox.path,
                output.path,
            ],
            env = dict({"SOURCE_DATE_EPOCH": "0"}, **(_REBUILD_ENV if again else {})),
            mnemonic = "GuestInitramfsRebuild" if again else "GuestInitramfs",
            progress_message = ("Rebuilding initramfs %s to compare" if again else "Writing initramfs %s") % ctx.label,
        )
    return [
        DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out])),
        OutputGroupInfo(rebuild = depset([rebuild])),
    ]

guest_initramfs = rule(
    implementation = _guest_initramfs_impl,
    doc = """A gzip newc initramfs: busybox, an /init script, and the wanted kernel
modules with their dependencies, listed in load order in /etc/modules.order.
Its "rebuild" output group writes it again, as ext4_image's does.""",
    attrs = {
        "init": attr.label(mandatory = True, allow_single_file = True),
        "busybox": attr.label(mandatory = True, allow_single_file = True),
        "modules": attr.label(mandatory = True, doc = "The kernel's module tree (a filegroup of .ko files)."),
        "want_modules": attr.string_list(mandatory = True, doc = "Module names; dependencies are added."),
        "_modorder": attr.label(default = "//images/elf:modorder", executable = True, cfg = "exec"),
        "_mkinitramfs": attr.label(default = "//images/initramfs:mkinitramfs", executable = True, cfg = "exec"),
    },
)

def shell_quote(s):
    """Quotes `s` as one word for a shell command line (and for the Bourne-
    shell tokenizing of test `args`)."""
    return "'" + s.replace("'", "'\\''") + "'"

_HOST_LIBRARIES = "@host_libraries//:sha256sums"

# Read-only images are sized to their content: Bazel hashes and caches an
# output at its apparent size, holes included.
FIT_SIZE = "fit+10%"

def payload_image(name, binary, server_args = [], shared_secret = "perfcell", image_size = FIT_SIZE, **kwargs):
    """A branch's payload disk <name>.ext4: the server at bin/server, its shared
    libraries (ELF closure) under lib/, and perfcell/guest.textproto telling the
    guest init how to start it.

    Args:
      name: target name.
      binary: label of the server executable.
      server_args: arguments after the binary (variant switches).
      shared_secret: PS_SHARED_SECRET in the server's environment.
      image_size: the image's size (default: its content plus 10%).
      **kwargs: passed to the ext4_image (e.g. visibility, testonly).
    """
    manifest = name + "_manifest"

    # The manifest names host libraries (the closure) with their sha256, and
    # this action takes the host's library digests as an input: a library
    # that changes on the host rebuilds the manifest and so the image.
    native.genrule(
        name = manifest,
        srcs = [binary, _HOST_LIBRARIES],
        outs = [manifest + ".textproto"],
        tools = ["//images/payload:mkpayload_manifest"],
        cmd = ("$(location //images/payload:mkpayload_manifest) --binary=$(location %s) " +
               "--host_libraries=$(location %s) " +
               "--out=$@ --server_env=PS_SHARED_SECRET=%s -- %s") % (
            binary,
            _HOST_LIBRARIES,
            shell_quote(shared_secret),
            " ".join([shell_quote(a).replace("$", "$$") for a in server_args]),
        ),
        **{k: v for k, v in kwargs.items() if k in ("testonly", "visibility")}
    )
    ext4_image(
        name = name,
        image_size = image_size,
        manifests = [":" + manifest],
        data = [binary],
        read_only = True,
        journal = False,
        label = "payload",
        **kwargs
    )

def vm_image(
        kernel = "@debian_linux_image//:vmlinuz",
        kernel_pin = "@debian_linux_image//:PIN",
        kernel_modules = "@debian_linux_image//:modules",
        busybox = "@debian_busybox_static//:bin/busybox",
        init = "//images/guest:perfcell-init",
        initramfs_init = "//images:initramfs_init.sh",
        want_modules = ["virtio_pci", "virtio_blk", "virtio_net"],
        base_size = FIT_SIZE,
        visibility = ["//visibility:public"]):
    """The images every cell of a matrix boots, shared by all its branches.

    Defines, in the calling package (one set per package; perf_matrix's
    `images` argument names the package):
      kernel, kernel_pin   the guest kernel and "<package> <version> <sha256>"
      initramfs            busybox, the wanted modules (dependencies first), /init
      base                 read-only root: perfcell-init at /sbin/init, busybox

    There is no data disk among them: an empty disk is all holes, and Bazel
    would hash and cache it at its apparent size (50 GiB). Each run makes
    its own with `mkext4 --out=PATH --size=50G --label=perfcell-data`.

    Args:
      kernel: the kernel image (bzImage).
      kernel_pin: a file naming the kernel package, for provenance.
      kernel_modules: the kernel's module tree (a filegroup of .ko files).
      busybox: a static busybox.
      init: the guest's PID 1 after switch_root.
      initramfs_init: the initramfs's /init script.
      want_modules: modules the initramfs loads; dependencies are added.
      base_size: size of the base image (default: its content plus 10%).
      visibility: of the targets.
    """
    native.alias(name = "kernel", actual = kernel, visibility = visibility)
    native.alias(name = "kernel_pin", actual = kernel_pin, visibility = visibility)
    guest_initramfs(
        name = "initramfs",
        busybox = busybox,
        init = initramfs_init,
        modules = kernel_modules,
        want_modules = want_modules,
        visibility = visibility,
    )
    ext4_image(
        name = "base",
        image_size = base_size,
        dirs = ["data", "dev", "etc", "payload", "proc", "run", "sys", "tmp"],
        files = {init: "sbin/perfcell-init", busybox: "bin/busybox"},
        label = "perfcell-base",
        modes = {"bin/busybox": "0755"},
        read_only = True,
        symlinks = {"bin/sh": "busybox", "sbin/init": "perfcell-init"},
        visibility = visibility,
    )
