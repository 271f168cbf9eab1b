"""perf_matrix: one `bazel test` target per cell of branch x memory x size x workload.

    perf_matrix(
        name = "demo",
        binaries = {
            "baseline": "//examples/chunkstore:chunkstore",
            "batch-reads": "//examples/chunkstore:chunkstore",
        },
        server_args = {"batch-reads": ["--download_batch_chunks=8"]},
        ram_mb = [256, 512],
        sizes = ["8M", "32M"],
        workloads = ["upload", "download"],
        iterations = 3,
        warmup = 1,
    )

generates the tests `demo_<branch>_<ram>mb_<size>_<workload>` (size in lower
case: demo_baseline_256mb_8m_upload), each tagged `external` (never a cached
result), `exclusive` (cells don't share the machine) and with its axis values
(`branch:baseline`, `ram:256mb`, `size:8m`, `workload:upload`), so
`--test_tag_filters=workload:download` picks a slice; and the test suites
`demo` (all cells), `demo_<branch>`, `demo_<ram>mb`, `demo_<size>` and
`demo_<workload>`. For the qemu and firecracker backends each branch also
gets its payload disk `demo_<branch>_payload` (server, libraries, config); the
kernel, initramfs, base image and empty data disk are shared by every branch.
"""

load("//tools:images.bzl", "payload_image", "shell_quote")

_WORKLOADS = ["upload", "download", "load"]
_BACKENDS = ["qemu", "firecracker", "host"]
_UNITS = {"": 1, "K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024}

def parse_size(size):
    """Returns the bytes of "8M", "1G", "512K" or "65536", or None if malformed."""
    if type(size) != "string" or not size:
        return None
    unit = size[-1].upper()
    digits = size[:-1] if unit in ("K", "M", "G") else size
    if unit not in ("K", "M", "G"):
        unit = ""
    if not digits or not digits.isdigit():
        return None
    return int(digits) * _UNITS[unit]

def _valid_name(s):
    for c in s.elems():
        if not (c.isalnum() or c in "-_."):
            return False
    return len(s) > 0 and s.strip(".") != ""

def perf_matrix_errors(name, binaries, ram_mb, sizes, workloads, iterations, warmup, backend):
    """Everything wrong with a perf_matrix call, as a list of messages (empty if fine)."""
    errors = []
    if not _valid_name(name):
        errors.append("name %r: use letters, digits, '-', '_' and '.'" % name)
    if not binaries:
        errors.append("binaries is empty: give at least one {branch: label}")
    for branch in binaries:
        if not _valid_name(branch):
            errors.append("branch %r: use letters, digits, '-', '_' and '.' (it becomes part of target names)" % branch)
    if not ram_mb:
        errors.append("ram_mb is empty: give VM memory sizes in MiB, e.g. [256, 512]")
    for r in ram_mb:
        if type(r) != "int" or r < 128:
            errors.append("ram_mb value %r: give an int of at least 128 (MiB)" % (r,))
    if not sizes:
        errors.append("sizes is empty: give request sizes like \"8M\"")
    for s in sizes:
        if parse_size(s) == None or parse_size(s) == 0:
            errors.append("size %r: write a size like \"512K\", \"8M\" or \"1G\"" % (s,))
    if not workloads:
        errors.append("workloads is empty: give some of %s" % _WORKLOADS)
    for w in workloads:
        if w not in _WORKLOADS:
            errors.append("workload %r: must be one of %s" % (w, _WORKLOADS))
    if type(iterations) != "int" or iterations < 1:
        errors.append("iterations %r: must be an int of at least 1" % (iterations,))
    if type(warmup) != "int" or warmup < 0:
        errors.append("warmup %r: must be an int of at least 0" % (warmup,))
    if backend not in _BACKENDS:
        errors.append("backend %r: must be one of %s" % (backend, _BACKENDS))
    suffixes = {w: "a workload" for w in _WORKLOADS}
    for v in sizes:
        if type(v) == "string":
            suffixes[v.lower()] = "a size"
    for r in ram_mb:
        if type(r) == "int":
            suffixes["%dmb" % r] = "a memory size"
    for branch in binaries:
        if branch in suffixes:
            errors.append("branch %r has the name of %s: the test suites %s_%s would collide; rename the branch" % (branch, suffixes[branch], name, branch))
    seen = {}
    for v in sizes:
        key = v.lower() if type(v) == "string" else v
        if key in seen:
            errors.append("size %r is listed twice" % (v,))
        seen[key] = True
    return errors

def perf_matrix_cells(name, branches, ram_mb, sizes, workloads):
    """The cells of a matrix in a fixed order: a list of structs with the
    target name and the value of each axis."""
    cells = []
    for branch in branches:
        for ram in ram_mb:
            for size in sizes:
                for workload in workloads:
                    cells.append(struct(
                        name = "%s_%s_%dmb_%s_%s" % (name, branch, ram, size.lower(), workload),
                        branch = branch,
                        ram = ram,
                        size = size,
                        workload = workload,
                    ))
    return cells

def cell_timeout(size_bytes, iterations, warmup, workload, load_seconds = 10):
    """Bazel timeout that fits a cell under TCG emulation (the slow case):
    boot plus every request at 2 MiB/s (or every load stage), with room to
    spare."""
    requests = iterations + warmup + (2 if workload in ("download", "load") else 1)
    seconds = 120 + requests * size_bytes / (2 * 1024 * 1024)
    if workload == "load":
        seconds += 1.5 * (iterations + warmup) * load_seconds
    if seconds < 300:
        return "moderate"
    if seconds < 900:
        return "long"
    if seconds > 3600:
        # buildifier: disable=print
        print(("perf_matrix: a %s cell may need %d s under TCG emulation, more than " +
               "Bazel's longest timeout; use fewer iterations or smaller sizes, or " +
               "run with --test_timeout=%d") % (workload, seconds, int(seconds)))
    return "eternal"

def perf_matrix(
        name,
        binaries,
        ram_mb,
        sizes,
        workloads,
        iterations = 5,
        warmup = 1,
        backend = "qemu",
        server_args = {},
        commits = {},
        api_profile = "chunkstore",
        shared_secret = "perfcell",
        seed = 1,
        concurrency = 4,
        load_seconds = 10,
        vcpus = 1,
        images = "//images",
        cache_mode = "",
        exec_properties = {},
        tags = []):
    """Generates the cell tests and suites of a performance matrix.

    Args:
      name: matrix name, the prefix of every target.
      binaries: {branch name: label of the server executable}.
      ram_mb: VM memory sizes in MiB (ints >= 128).
      sizes: bytes per request, e.g. ["8M", "32M"].
      workloads: some of "upload", "download", "load".
      iterations: measured iterations per cell.
      warmup: warm-up iterations per cell, run first and flagged.
      backend: "qemu" (default), "firecracker" or "host".
      server_args: {branch: [extra server arguments]}, e.g. variant switches.
      commits: {branch: git commit} recorded in results (git_branch_binaries'
        branches.bzl gives them).
      api_profile: how the workload logs in and resets the server
        ("chunkstore": debug clear route; "picoshare": DELETE per entry).
      shared_secret: the server's PS_SHARED_SECRET.
      seed: PRNG seed of the request bodies (same bytes for every branch).
      concurrency: clients of a "load" cell, each downloading back to back.
      load_seconds: length of each stage of a "load" cell (one stage per
        iteration, warm-up stages first).
      vcpus: VM vCPUs.
      images: package holding the shared guest images (kernel, initramfs,
        base, data_disk targets).
      cache_mode: disk cache mode passed to the backend ("" = its default).
      exec_properties: for remote execution, e.g. {"Pool": "kvm"} to send
        cells to workers that run one at a time (exclusive does not apply
        remotely in Bazel 4.2).
      tags: extra tags on every cell.
    """
    errors = perf_matrix_errors(name, binaries, ram_mb, sizes, workloads, iterations, warmup, backend)
    if not _valid_name(shared_secret):
        errors.append("shared_secret: use letters, digits, '-', '_' and '.' (it is passed on command lines)")
    for branch in server_args:
        if branch not in binaries:
            errors.append("server_args names branch %r, which is not in binaries %s" % (branch, sorted(binaries.keys())))
    if errors:
        fail("perf_matrix(name = %r):\n  %s" % (name, "\n  ".join(errors)))

    branches = sorted(binaries.keys())
    args_common = [
        "--matrix=" + name,
        "--backend=" + backend,
        "--iterations=%d" % iterations,
        "--warmup=%d" % warmup,
        "--seed=%d" % seed,
        "--concurrency=%d" % concurrency,
        "--load_seconds=%s" % load_seconds,
        "--vcpus=%d" % vcpus,
        "--api_profile=" + api_profile,
        "--shared_secret=" + shared_secret,
    ]
    if cache_mode:
        args_common.append("--cache_mode=" + cache_mode)
    vm = backend != "host"
    image_args = []
    image_data = []
    if vm:
        kernel = images + ":kernel"
        pin = images + ":kernel_pin"
        initramfs = images + ":initramfs"
        base = images + ":base"
        data_disk = images + ":data_disk"
        image_args = [
            "--kernel=$(rootpath %s)" % kernel,
            "--kernel_pin=$(rootpath %s)" % pin,
            "--initramfs=$(rootpath %s)" % initramfs,
            "--base_image=$(rootpath %s)" % base,
            "--data_image=$(rootpath %s)" % data_disk,
        ]
        image_data = [kernel, pin, initramfs, base, data_disk]
        for branch in branches:
            payload_image(
                name = "%s_%s_payload" % (name, branch),
                binary = binaries[branch],
                server_args = server_args.get(branch, []),
                shared_secret = shared_secret,
            )

    suites = {}
    for cell in perf_matrix_cells(name, branches, ram_mb, sizes, workloads):
        size_bytes = parse_size(cell.size)
        args = args_common + [
            "--cell=" + cell.name,
            "--branch=" + cell.branch,
            "--label=" + str(binaries[cell.branch]),
            "--commit=" + commits.get(cell.branch, ""),
            "--memory_mib=%d" % cell.ram,
            "--bytes=%d" % size_bytes,
            "--workload=" + cell.workload,
            "--server_binary=$(rootpath %s)" % binaries[cell.branch],
        ] + image_args
        data = [binaries[cell.branch]] + image_data
        if vm:
            payload = ":%s_%s_payload" % (name, cell.branch)
            args.append("--payload_image=$(rootpath %s)" % payload)
            data.append(payload)
            args += ["--"] + [shell_quote(a).replace("$", "$$") for a in server_args.get(cell.branch, [])]
        else:
            # The host backend starts the server itself, with these arguments,
            # in a fresh data directory of its own (its working directory).
            args += ["--"] + [shell_quote(a).replace("$", "$$") for a in server_args.get(cell.branch, [])]
        native.sh_test(
            name = cell.name,
            srcs = ["//runner:cell_test.sh"],
            args = args,
            data = data + ["//runner/cell"],
            size = "large",
            timeout = cell_timeout(size_bytes, iterations, warmup, cell.workload, load_seconds),
            tags = [
                "external",
                "exclusive",
                "perfcell",
                "branch:" + cell.branch,
                "ram:%dmb" % cell.ram,
                "size:" + cell.size.lower(),
                "workload:" + cell.workload,
            ] + tags,
            exec_properties = exec_properties,
        )
        for suite in [
            name,
            "%s_%s" % (name, cell.branch),
            "%s_%dmb" % (name, cell.ram),
            "%s_%s" % (name, cell.size.lower()),
            "%s_%s" % (name, cell.workload),
        ]:
            suites.setdefault(suite, []).append(":" + cell.name)
    for suite in sorted(suites.keys()):
        native.test_suite(
            name = suite,
            tests = suites[suite],
            tags = ["perfcell"],
        )
