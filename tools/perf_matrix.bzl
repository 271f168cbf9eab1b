"""perf_matrix: the `bazel test` targets of a performance matrix.

    perf_matrix(
        name = "demo",
        branches = {
            "baseline": "//examples/chunkstore:chunkstore",
            "batch-reads": "//examples/chunkstore:chunkstore",
        },
        server_args = {"batch-reads": ["--download_batch_chunks=8"]},
        memory_mib = [256, 512],
        sizes = ["8M", "32M"],
        workloads = ["upload", "download"],
        blocks = 10,
        iterations = 3,
        warmup = 1,
    )

Interleaved (the default): one test per memory x size x workload,
`demo_<memory_mib>mib_<size>_<workload>` (size in lower case: demo_256mib_8m_upload),
holding every branch and, with `aa_check`, a second copy of the baseline
(`baseline~aa`). It runs `blocks` blocks; each block runs every branch once,
in a random order drawn from `seed`, each run `warmup` + `iterations`
requests on a fresh VM (isolation "vm") or on the branch's own VM kept for
the cell (isolation "session"). Sequential (`mode = "sequential"`): one test
per branch x memory x size x workload, `demo_<branch>_<memory_mib>mib_<size>_<workload>`,
each one run of `warmup` + `iterations` requests.

Every cell is tagged `external` (never a cached result), `exclusive` (cells
don't share the machine; `exclusive = False` for remote workers) and with
its axis values (`branch:<each branch it holds>`, `memory:256mib`, `size:8m`,
`workload:upload`), so `--test_tag_filters=workload:download` picks a
slice; the test suites `demo` (all cells), `demo_<branch>` (the cells
holding that branch), `demo_<memory_mib>mib`, `demo_<size>` and `demo_<workload>`
group them. For the qemu and firecracker backends each branch also gets its
payload disk `demo_<branch>_payload` (server, libraries, config); the
kernel, initramfs and base image are shared by every branch, and each run
makes its own empty data disk.
"""

load("//tools:images.bzl", "payload_image", "shell_quote")

_WORKLOADS = ["upload", "download", "download_cold", "load"]
_TMPS = ["disk", "tmpfs"]
_BACKENDS = ["qemu", "firecracker", "host"]
_SIZE_UNITS = {"K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024}
_MAX_SIZE = 9223372036854775807  # 2^63 - 1 bytes
_SIZE_GRAMMAR = "a whole number of bytes, optionally followed by K, M, G or T, binary units"

def parse_size(size):
    """Returns the bytes of a size ("8M", "1G", "512K", "8MiB", "65536"), or None.

    The grammar is tools/cc/byte_size.h's (the cell's --bytes and
    --data_disk_size, mkext4's --size), case for case: both parsers run the
    table tools/cc/testdata/byte_sizes.bzl. Digits, optionally followed by
    K, M, G or T (binary units, either case) with optional "iB"; more than
    0, below 2^63; no spaces, decimals, "B" alone or "MB".
    """
    if type(size) != "string":
        return None
    digits, unit = size, 1
    for suffix_length in (3, 1):  # "MiB", "M"
        suffix = size[-suffix_length:].upper()
        if len(size) > suffix_length and suffix[0] in _SIZE_UNITS and (suffix_length == 1 or suffix[1:] == "IB"):
            digits, unit = size[:-suffix_length], _SIZE_UNITS[suffix[0]]
            break
    if not digits:
        return None
    for c in digits.elems():
        if c not in "0123456789":
            return None
    digits = digits.lstrip("0")
    if not digits or len(digits) > 19 or int(digits) > _MAX_SIZE // unit:
        return None
    return int(digits) * unit

def _valid_name(s):
    for c in s.elems():
        if not (c.isalnum() or c in "-_."):
            return False
    return len(s) > 0 and s.strip(".") != ""

def perf_matrix_errors(name, branches, memory_mib, sizes, workloads, iterations, warmup, backend):
    """Everything wrong with a perf_matrix call, as a list of messages (empty if fine)."""
    errors = []
    if not _valid_name(name):
        errors.append("name %r: use letters, digits, '-', '_' and '.'" % name)
    if not branches:
        errors.append("branches is empty: give at least one {branch: label}")
    for branch in branches:
        if not _valid_name(branch):
            errors.append("branch %r: use letters, digits, '-', '_' and '.' (it becomes part of target names)" % branch)
    if not memory_mib:
        errors.append("memory_mib is empty: give VM memory sizes in MiB, e.g. [256, 512]")
    for r in memory_mib or []:
        if type(r) != "int" or r < 128 or r > 65536:
            errors.append("memory_mib value %r: give an int from 128 to 65536 (MiB)" % (r,))
    if memory_mib and len({r: True for r in memory_mib}) != len(memory_mib):
        errors.append("memory_mib %r lists a memory size twice" % (memory_mib,))
    if len({w: True for w in workloads}) != len(workloads):
        errors.append("workloads %r lists a workload twice" % (workloads,))
    if not sizes:
        errors.append("sizes is empty: give request sizes like \"8M\"")
    for s in sizes:
        if parse_size(s) == None:
            errors.append("size %r: write a size like \"512K\", \"8M\" or \"1G\" (%s)" % (s, _SIZE_GRAMMAR))
        elif parse_size(s) > 64 * 1024 * 1024 * 1024:
            errors.append("size %r: at most \"64G\" per request (a request is one upload or download)" % (s,))
    if not workloads:
        errors.append("workloads is empty: give some of %s" % _WORKLOADS)
    for w in workloads:
        if w not in _WORKLOADS:
            errors.append("workload %r: must be one of %s" % (w, _WORKLOADS))
    if type(iterations) == "dict":
        for w in workloads:
            if w not in iterations:
                errors.append("iterations names no count for workload %r: give every workload of %s, e.g. {\"upload\": 20, \"download\": 100}" % (w, workloads))
        for w, n in iterations.items():
            if w not in workloads:
                errors.append("iterations names workload %r, which is not in workloads %s" % (w, workloads))
            elif type(n) != "int" or n < 1:
                errors.append("iterations[%r] %r: must be an int of at least 1" % (w, n))
    elif type(iterations) != "int" or iterations < 1:
        errors.append("iterations %r: must be an int of at least 1, or {workload: int}" % (iterations,))
    if type(warmup) != "int" or warmup < 0:
        errors.append("warmup %r: must be an int of at least 0" % (warmup,))
    if backend not in _BACKENDS:
        errors.append("backend %r: must be one of %s" % (backend, _BACKENDS))
    suffixes = {w: "a workload" for w in _WORKLOADS}
    for v in sizes:
        if type(v) == "string":
            suffixes[v.lower()] = "a size"
    for r in memory_mib or []:
        if type(r) == "int":
            suffixes["%dmib" % r] = "a memory size"
    for branch in branches:
        if branch in suffixes:
            errors.append("branch %r has the name of %s: the test suites %s_%s would collide; rename the branch" % (branch, suffixes[branch], name, branch))
    seen = {}
    for v in sizes:
        key = v.lower() if type(v) == "string" else v
        if key in seen:
            errors.append("size %r is listed twice" % (v,))
        seen[key] = True
    return errors

def perf_matrix_tmp_errors(tmp, backend):
    """Everything wrong with where the server's /tmp goes, as a list of messages."""
    errors = []
    if tmp not in _TMPS:
        errors.append("tmp %r: must be one of %s (\"disk\": a directory of the run's data disk, as in production; \"tmpfs\": guest RAM)" % (tmp, _TMPS))
    elif tmp == "tmpfs" and backend == "host":
        errors.append("tmp \"tmpfs\" applies to VM backends only: the host backend's TMPDIR is a directory of TEST_TMPDIR, on disk; write tmp = \"disk\" or a VM backend")
    return errors

_OPERATIONS = ["download", "upload"]
_DURATION_UNITS = {"ms": 1, "s": 1000, "m": 60 * 1000, "h": 3600 * 1000}

def parse_duration_ms(d):
    """Milliseconds of "10s", "500ms", "1m30s", "2h" (k6's form; whole
    numbers) or of a number of seconds; None if malformed or not positive."""
    if type(d) == "int" or type(d) == "float":
        return int(d * 1000) if d > 0 else None
    if type(d) != "string" or not d:
        return None
    total = 0
    digits = ""
    unit = ""
    for c in (d + "#").elems():
        if c.isdigit():
            if unit:
                if unit not in _DURATION_UNITS or not digits:
                    return None
                total += int(digits) * _DURATION_UNITS[unit]
                digits, unit = "", ""
            digits += c
        elif c == "#":
            if unit not in _DURATION_UNITS or not digits:
                return None
            total += int(digits) * _DURATION_UNITS[unit]
        else:
            unit += c
    return total if total > 0 else None

def _load_stage_errors(what, stages, unit, most):
    """What is wrong with a list of (duration, target) stages."""
    errors = []
    if type(stages) != "list" or not stages:
        return ["%s %r: give a non-empty list of (duration, %s) pairs, e.g. [(\"10s\", 4), (\"30s\", 16), (\"10s\", 0)]" % (what, stages, unit)]
    previous = 0
    for i, stage in enumerate(stages):
        if type(stage) not in ("tuple", "list") or len(stage) != 2:
            errors.append("%s[%d] %r: write (duration, %s), e.g. (\"30s\", 16)" % (what, i, stage, unit))
            continue
        duration, target = stage
        ms = parse_duration_ms(duration)
        if ms == None:
            errors.append("%s[%d]: duration %r: write whole numbers with units, e.g. \"10s\", \"500ms\", \"1m30s\"" % (what, i, duration))
        elif ms > 3600 * 1000:
            errors.append("%s[%d]: duration %r: at most one hour per stage" % (what, i, duration))
        if type(target) not in ("int", "float") or target < 0 or target > most or (unit == "clients" and type(target) != "int"):
            errors.append("%s[%d]: %s %r: a number from 0 to %d" % (what, i, unit, target, most))
        elif target == 0 and previous == 0:
            errors.append("%s[%d]: from 0 to 0 %s: nothing would run" % (what, i, unit))
        else:
            previous = target
    return errors

def perf_matrix_load_errors(workloads, stages, arrival_rate, mix, warmup):
    """Everything wrong with the load profile (stages, arrival_rate, mix)."""
    errors = []
    given = [n for n, v in [("stages", stages), ("arrival_rate", arrival_rate), ("mix", mix)] if v]
    if given and "load" not in workloads:
        errors.append("%s apply to the \"load\" workload, which workloads %s lacks" % (" and ".join(given), workloads))
    if stages:
        errors += _load_stage_errors("stages", stages, "clients", 256)
        if arrival_rate:
            errors.append("stages (clients) and arrival_rate exclude each other: for an open model with stages of rates write arrival_rate = [(\"10s\", 100), (\"30s\", 200)]")
    if type(arrival_rate) == "list":
        errors += _load_stage_errors("arrival_rate", arrival_rate, "requests/s", 100000)
    elif type(arrival_rate) not in ("int", "float") or arrival_rate < 0 or arrival_rate > 100000:
        errors.append("arrival_rate %r: requests per second (0: closed model), at most 100000, or a list of (duration, rate) stages" % (arrival_rate,))
    staged = stages or (arrival_rate if type(arrival_rate) == "list" else [])
    if staged and type(warmup) == "int" and warmup >= len(staged):
        errors.append("warmup %d leaves none of the %d load stages measured (the first `warmup` stages are warm-up)" % (warmup, len(staged)))
    if type(mix) != "dict":
        errors.append("mix %r: a dict {operation: weight}, e.g. {\"download\": 0.9, \"upload\": 0.1}" % (mix,))
    else:
        for op, weight in mix.items():
            if op not in _OPERATIONS:
                errors.append("mix operation %r: must be one of %s" % (op, _OPERATIONS))
            if type(weight) not in ("int", "float") or weight <= 0:
                errors.append("mix weight %r of %r: a number above 0" % (weight, op))
    return errors

_THRESHOLD_STATS = ["throughput", "p50", "p90", "p95", "p99", "p99.9", "max"]
_THRESHOLD_UNITS = {
    "latency": ["us", "ms", "s"],
    "throughput": ["B/s", "KiB/s", "MiB/s", "GiB/s"],
    "size": ["B", "KiB", "MiB", "GiB"],
    "rate": ["%"],
}
_THRESHOLD_METRICS = "download.<stat> or upload.<stat> (stat: %s), errors.rate, server.rss_max, tmp.leftover_max or disk.used_max" % ", ".join(_THRESHOLD_STATS)

def _threshold_kind(metric):
    """"latency", "throughput", "size", "rate", or None for an unknown metric."""
    if metric == "errors.rate":
        return "rate"
    if metric in ("server.rss_max", "tmp.leftover_max", "disk.used_max"):
        return "size"
    operation, _, stat = metric.partition(".")
    if operation not in _OPERATIONS or stat not in _THRESHOLD_STATS:
        return None
    return "throughput" if stat == "throughput" else "latency"

def _is_number(text):
    whole, dot, fraction = text.partition(".")
    return whole.isdigit() and (not dot or fraction.isdigit())

def perf_matrix_threshold_errors(thresholds, workloads, mix):
    """Everything wrong with `thresholds` ({metric: "< 200ms"}), one
    message per mistake; the grammar is contract/thresholds.h's."""
    if type(thresholds) != "dict":
        return ["thresholds %r: a dict {metric: condition}, e.g. {\"download.p95\": \"< 200ms\"}" % (thresholds,)]
    performed = {}
    for w in workloads:
        if w == "upload":
            performed["upload"] = True
        elif w in ("download", "download_cold"):
            performed["download"] = True
        elif w == "load":
            for op in (mix if type(mix) == "dict" and mix else {"download": 1}):
                performed[op] = True
    errors = []
    for metric, condition in thresholds.items():
        kind = _threshold_kind(metric) if type(metric) == "string" else None
        if kind == None:
            errors.append("threshold %r: unknown metric; use %s" % (metric, _THRESHOLD_METRICS))
            continue
        operation = metric.partition(".")[0]
        if operation in _OPERATIONS and operation not in performed:
            errors.append("threshold %r applies to no cell: workloads %s make no %s requests" % (metric, workloads, operation))
        if type(condition) != "string":
            errors.append("threshold %r: %r: write a condition string like \"< 200ms\"" % (metric, condition))
            continue
        text = condition.strip()
        op = ""
        for candidate in ("<=", ">=", "<", ">"):
            if text.startswith(candidate):
                op = candidate
                break
        if not op:
            errors.append("threshold %r: %r: start with <, <=, > or >=, e.g. \"< 200ms\"" % (metric, condition))
            continue
        rest = text[len(op):].strip()
        digits = 0
        for c in rest.elems():
            if not (c.isdigit() or c == "."):
                break
            digits += 1
        number, unit = rest[:digits], rest[digits:].strip()
        if not _is_number(number):
            errors.append("threshold %r: %r: %r is not a number and a unit, e.g. \"%s 200%s\"" % (metric, condition, rest, op, _THRESHOLD_UNITS[kind][0]))
        elif unit not in _THRESHOLD_UNITS[kind]:
            errors.append("threshold %r: %r: unit %r: %s is a %s; use %s" % (metric, condition, unit, metric, kind, ", ".join(_THRESHOLD_UNITS[kind])))
        elif kind == "rate" and float(number) > 100:
            errors.append("threshold %r: %r: a rate is at most 100%%" % (metric, condition))
    return errors

def perf_matrix_thresholds_flag(thresholds):
    """The --thresholds value of the cell: "download.p95 < 200ms; ..."."""
    return "; ".join(["%s %s" % (metric, thresholds[metric].strip()) for metric in sorted(thresholds.keys())])

def _number(x):
    return ("%d" % x) if type(x) == "int" else ("%r" % x)

def perf_matrix_load_profile(stages, arrival_rate, mix):
    """The Workload fields (text format) that --load_profile passes to the
    cell, and the seconds all its stages take (0: one per iteration)."""
    parts = []
    seconds = 0
    for duration, clients in stages:
        ms = parse_duration_ms(duration)
        seconds += ms / 1000.0
        parts.append("stages { seconds: %s concurrency: %d ramp: true }" % (_number(ms / 1000.0), clients))
    if type(arrival_rate) == "list":
        for duration, rate in arrival_rate:
            ms = parse_duration_ms(duration)
            seconds += ms / 1000.0
            parts.append("stages { seconds: %s arrival_rate: %s ramp: true }" % (_number(ms / 1000.0), _number(rate)))
    elif arrival_rate:
        parts.append("arrival_rate: %s" % _number(arrival_rate))
    for op, weight in mix.items():
        parts.append("mix { operation: \"%s\" weight: %s }" % (op, _number(weight)))
    return struct(text = " ".join(parts), seconds = seconds)

_MODES = ["interleaved", "sequential"]
_STOPS = ["fixed", "adaptive"]
_ISOLATIONS = ["vm", "session"]
_INTERLEAVES = ["requests", "runs"]
_ACCELS = ["auto", "kvm", "tcg"]

# The A/A copy of the baseline in an interleaved cell: same binary, same
# arguments, its own runs. "~" cannot appear in a branch name.
AA_SUFFIX = "~aa"

_RUN_STATISTICS = ["geometric-mean", "median"]
_SEQUENTIAL_METHODS = ["mean-t", "signed-rank"]

def perf_matrix_stop_errors(mode, stop, min_blocks, max_blocks, min_effect, alpha, max_cell_seconds, futility = 0.1, run_statistic = "geometric-mean", sequential_method = "mean-t"):
    """Everything wrong with the stopping rule's arguments, as a list of messages."""
    errors = []
    if run_statistic not in _RUN_STATISTICS:
        errors.append("run_statistic %r: must be one of %s" % (run_statistic, _RUN_STATISTICS))
    if sequential_method not in _SEQUENTIAL_METHODS:
        errors.append("sequential_method %r: must be one of %s" % (sequential_method, _SEQUENTIAL_METHODS))
    if stop == "adaptive" and sequential_method == "mean-t" and type(min_blocks) == "int" and min_blocks == 2:
        errors.append("min_blocks 2 with sequential_method \"mean-t\": its t interval needs the spread of at least 3 blocks; write min_blocks = 3 or more, e.g. 4")
    if stop not in _STOPS:
        errors.append("stop %r: must be one of %s" % (stop, _STOPS))
    if stop == "adaptive" and mode != "interleaved":
        errors.append("stop \"adaptive\" needs mode \"interleaved\": it decides after each block, and sequential cells have none; write mode = \"interleaved\" or stop = \"fixed\"")
    if type(min_blocks) != "int" or min_blocks < 2:
        errors.append("min_blocks %r: must be an int of at least 2" % (min_blocks,))
    if type(max_blocks) != "int" or max_blocks < 2 or max_blocks > 200:
        errors.append("max_blocks %r: must be an int from 2 to 200" % (max_blocks,))
    if type(min_blocks) == "int" and type(max_blocks) == "int" and min_blocks > max_blocks:
        errors.append("min_blocks %d is more than max_blocks %d: write min_blocks <= max_blocks, e.g. min_blocks = 4, max_blocks = 40" % (min_blocks, max_blocks))
    if type(min_effect) not in ("float", "int") or min_effect <= 0 or min_effect >= 1:
        errors.append("min_effect %r: the smallest relative change that matters, above 0 and below 1, e.g. 0.05 for 5 %%" % (min_effect,))
    if type(alpha) not in ("float", "int") or alpha <= 0 or alpha >= 0.5:
        errors.append("alpha %r: above 0 and below 0.5, e.g. 0.05" % (alpha,))
    if type(max_cell_seconds) not in ("float", "int") or max_cell_seconds < 0:
        errors.append("max_cell_seconds %r: seconds (0: no limit)" % (max_cell_seconds,))
    if type(futility) not in ("float", "int") or futility < 0 or futility >= 0.5:
        errors.append("futility %r: the chance of faster/slower below which an open comparison stops as inconclusive, from 0 (never) to below 0.5, e.g. 0.1" % (futility,))
    return errors

def perf_matrix_design_errors(branches, mode, isolation, blocks, baseline, aa_check, accel, backend):
    """Everything wrong with the design arguments, as a list of messages."""
    errors = []
    if mode not in _MODES:
        errors.append("mode %r: must be one of %s" % (mode, _MODES))
    if isolation not in _ISOLATIONS:
        errors.append("isolation %r: must be one of %s" % (isolation, _ISOLATIONS))
    if type(blocks) != "int" or blocks < 1:
        errors.append("blocks %r: must be an int of at least 1 (10 or more to reach a verdict)" % (blocks,))
    if mode == "sequential" and isolation != "vm":
        errors.append("isolation %r needs mode \"interleaved\": a sequential cell runs one branch in one VM" % isolation)
    if baseline != None and baseline not in branches:
        errors.append("baseline %r is not in branches %s" % (baseline, sorted(branches.keys())))
    if type(aa_check) != "bool":
        errors.append("aa_check %r: must be True or False" % (aa_check,))
    if accel not in _ACCELS:
        errors.append("accel %r: must be one of %s" % (accel, _ACCELS))
    if accel != "auto" and backend != "qemu":
        errors.append("accel %r applies to the qemu backend only, not %r" % (accel, backend))
    for branch in branches:
        if "~" in branch:
            errors.append("branch %r: '~' is reserved for the A/A copy (%s)" % (branch, AA_SUFFIX))
    return errors

def perf_matrix_iterations(iterations, workload):
    """The measured requests per run of `workload`'s cells: `iterations`
    itself, or its entry for that workload."""
    if type(iterations) == "dict":
        return iterations[workload]
    return iterations

def perf_matrix_interleave_errors(mode, interleave):
    """What is wrong with `interleave`, as a list of messages."""
    if interleave not in _INTERLEAVES:
        return ["interleave %r: must be one of %s" % (interleave, _INTERLEAVES)]
    if mode == "sequential" and interleave != "requests":
        return ["interleave %r needs mode \"interleaved\": a sequential cell holds one branch" % interleave]
    return []

def perf_matrix_baseline(branches, baseline):
    """The branch the others are compared with: `baseline`, else "baseline"
    or "main" when present, else the first in sorted order."""
    if baseline:
        return baseline
    for b in ("baseline", "main"):
        if b in branches:
            return b
    return sorted(branches.keys())[0]

def perf_matrix_cells(name, branch_order, memory_mib, sizes, workloads, mode = "sequential"):
    """The cells of a matrix in a fixed order: a list of structs with the
    target name, the branches it holds and the value of each axis."""
    cells = []
    groups = [[b] for b in branch_order] if mode == "sequential" else [branch_order]
    for group in groups:
        for ram in memory_mib:
            for size in sizes:
                for workload in workloads:
                    prefix = name if mode != "sequential" else "%s_%s" % (name, group[0])
                    cells.append(struct(
                        name = "%s_%dmib_%s_%s" % (prefix, ram, size.lower(), workload),
                        branches = group,
                        ram = ram,
                        size = size,
                        workload = workload,
                    ))
    return cells

def cell_timeout(size_bytes, iterations, warmup, workload, load_seconds = 10, runs = 1, vm = True):
    """Bazel timeout that fits a cell in the slow case: under TCG emulation
    (vm), per run a boot plus every request at 4 MiB/s (seen here: 5 to 27
    MiB/s); on the host backend, a start plus every request at 20 MiB/s;
    every load stage half again as long as planned; with room to spare."""
    requests = iterations + warmup + (2 if workload in ("download", "download_cold", "load") else 1)
    per_run = (30 + requests * size_bytes / (4 * 1024 * 1024)) if vm else (2 + requests * size_bytes / (20 * 1024 * 1024))
    if workload == "load":
        per_run += 1.5 * (iterations + warmup) * load_seconds
    seconds = 90 + runs * per_run
    if seconds < 300:
        return "moderate"
    if seconds < 900:
        return "long"
    if seconds > 3600:
        # buildifier: disable=print
        print(("perf_matrix: a %s cell of %d runs may need %d s in the slow case, more " +
               "than Bazel's longest timeout; use fewer blocks, iterations or smaller " +
               "sizes, or run with --test_timeout=%d") % (workload, runs, seconds, int(seconds)))
    return "eternal"

def _textproto_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

def _branch_textproto(branch, label, commit, args, server_rootpath, payload_rootpath):
    """One BranchFiles (runner/cell/cell_inputs.proto) in text format.

    Server arguments take one route: without a payload (host backend) the
    cell passes `args` to the server (binary { args }); with one (VM
    backends) the payload holds them and the cell only checks what the
    guest reports against them (expected_args).
    """
    binary = "branch: %s label: %s commit: %s" % (
        _textproto_string(branch),
        _textproto_string(label),
        _textproto_string(commit),
    )
    quoted = [_textproto_string(a.replace("$", "$$")) for a in args]
    if not payload_rootpath:
        for a in quoted:
            binary += " args: " + a
    text = "branch { binary { %s } server_binary: %s" % (binary, _textproto_string(server_rootpath))
    if payload_rootpath:
        text += " payload_image: " + _textproto_string(payload_rootpath)
        for a in quoted:
            text += " expected_args: " + a
    return text + " }"

def perf_matrix(
        name,
        branches = None,
        memory_mib = None,
        sizes = None,
        workloads = None,
        iterations = 3,
        warmup = 1,
        mode = "interleaved",
        isolation = "vm",
        interleave = "requests",
        blocks = 10,
        stop = "fixed",
        min_blocks = 4,
        max_blocks = 40,
        min_effect = 0.05,
        alpha = 0.05,
        max_cell_seconds = 0,
        futility = 0.1,
        run_statistic = "geometric-mean",
        sequential_method = "mean-t",
        baseline = None,
        aa_check = True,
        backend = "qemu",
        server_args = {},
        commits = {},
        api_profile = "chunkstore",
        shared_secret = "perfcell",
        seed = 1,
        concurrency = 4,
        load_seconds = 10,
        stages = [],
        arrival_rate = 0,
        mix = {},
        thresholds = {},
        vcpus = 1,
        images = "//images",
        data_disk_size = "50G",
        tmp = "disk",
        cache_mode = "",
        accel = "auto",
        exclusive = True,
        exec_properties = {},
        manual = False,
        tags = [],
        binaries = None,
        ram_mb = None):
    """Generates the cell tests and suites of a performance matrix.

    Args:
      name: matrix name, the prefix of every target.
      branches: {branch name: label of the server executable}. (Formerly
        `binaries`, which is refused with the new name.)
      memory_mib: VM memory sizes in MiB (ints >= 128); cells are named
        `<matrix>_<N>mib_<size>_<workload>` after them. (Formerly `ram_mb`,
        which is refused with the new name.)
      sizes: bytes per request, e.g. ["8M", "32M"], at most "64G": a whole
        number of bytes, or of K, M, G or T (binary units; 8M and 8MiB are
        the same), the grammar of every perfcell size (tools/cc/byte_size.h).
      workloads: some of "upload", "download" (warm reads: the file is in
        the page cache after the first), "download_cold" (the page cache is
        dropped before each download: every read comes from the disk),
        "load".
      iterations: measured requests per run (per load stage for "load"):
        an int, or one per workload, e.g. {"upload": 20, "download": 100}
        (a 16 MiB download takes a tenth of an upload's time; more
        requests per run make each block's ratio steadier).
      warmup: warm-up requests per run, run first and flagged.
      mode: "interleaved" (every branch in one cell, in blocks; the default)
        or "sequential" (one cell per branch, one run each: for a quick look;
        its verdicts stay inconclusive below 3 sessions per branch).
      isolation: interleaved cells: "vm" (a fresh VM and data disk for every
        run; the default) or "session" (one VM per branch for the whole
        cell, runs alternating between them: cheaper under TCG, but the VM
        instance becomes part of the branch).
      interleave: interleaved cells: "requests" (the default: the runs of a
        block are all started, then take turns one iteration at a time, so
        every branch meets the same moments of the machine's noise; with
        isolation "vm" the block's VMs are up together, and a cell whose
        VMs would not fit in free memory falls back to "runs") or "runs"
        (one whole run after another).
      blocks: interleaved cells: blocks to run; each block runs every branch
        once. With n blocks the smallest two-sided p is 2/2^n: 10 blocks
        reach 0.002, enough for a few corrected comparisons.
      stop: interleaved cells: "fixed" (exactly `blocks` blocks) or
        "adaptive": after each block from `min_blocks` on, the cell stops as
        soon as every comparison (the A/A copy included) is decided, on
        intervals that stay valid however often they are looked at
        (analysis/README.md); a branch whose comparison is settled runs in
        no later block; at `max_blocks` or `max_cell_seconds` what is still
        open is inconclusive.
      min_blocks: adaptive: blocks before the first look.
      max_blocks: adaptive: the most blocks a cell runs.
      min_effect: the smallest relative change that matters (0.05: 5 %):
        "faster"/"slower" needs the estimate beyond it (and the interval
        beyond no change), "no difference" the interval wholly inside.
      alpha: adaptive: the chance of any wrong decision in a cell (split
        evenly over its comparisons, the A/A copy included).
      max_cell_seconds: adaptive: start no block after this many seconds
        (0: no limit).
      futility: adaptive: an open comparison stops as inconclusive when its
        chance (conditional power if its estimate and spread held; under
        mean-t predictive power, the estimate's own uncertainty counted) of
        faster/slower by max_blocks falls below this and of no difference
        below 50 %; 0 never stops one early.
      run_statistic: interleaved: each run's one number in its block, from
        its measured throughputs: "geometric-mean" (default; on runs of many
        requests it spreads less than the median, so fewer blocks decide) or
        "median" (less pulled by a wild request in runs of very few).
      sequential_method: adaptive: the intervals the stopping rule looks at:
        "mean-t" (default; Student t on the block log-ratios, can decide from
        min_blocks on) or "signed-rank" (distribution-free, but no exact
        sign test can decide before ~9 blocks).
      baseline: the branch the others are compared with (default:
        "baseline" or "main" when present, else the first in sorted order).
      aa_check: interleaved cells: add "<baseline>~aa", a second copy of the
        baseline (same binary and arguments, its own runs) that the report
        compares like any branch: it must come out "no difference".
      backend: "qemu" (default), "firecracker" or "host".
      server_args: {branch: [extra server arguments]}, e.g. variant switches.
        VM backends bake them into the branch's payload (the guest reads
        them there; the cell records what the guest reports and warns when
        it differs); the host backend's cell passes them itself.
      commits: {branch: git commit} recorded in results (git_branch_binaries'
        branches.bzl gives them).
      api_profile: how the workload logs in and resets the server
        ("chunkstore": debug clear route; "picoshare": DELETE per entry).
      shared_secret: the server's PS_SHARED_SECRET.
      seed: PRNG seed of the request bodies (same bytes for every branch) and
        of the branch order in each block.
      concurrency: clients of a "load" cell, each downloading back to back.
      load_seconds: length of each stage of a "load" run (one stage per
        iteration, warm-up stages first).
      stages: "load" cells, closed model as k6 users know it: a list of
        (duration, clients) pairs, e.g. [("10s", 4), ("30s", 16), ("10s",
        0)]; each stage ramps the number of clients linearly from the
        previous stage's target (0 before the first) to its own over its
        duration ("500ms", "10s", "1m30s"). One Iteration and latency
        histogram per stage; the first `warmup` stages are warm-up;
        `iterations` and `load_seconds` are then unused.
      arrival_rate: "load" cells, open model: requests per second started
        on a fixed schedule whether or not earlier ones have finished, sent
        by a pool of up to `concurrency` clients; each latency counts from
        the request's intended start (so a stalled server is charged for
        every request it kept waiting: coordinated omission corrected, as
        wrk2 does). A number: constant, one stage of `load_seconds` per
        iteration. A list of (duration, rate) pairs: stages ramping from the
        previous rate (0 before the first) like `stages`. Requests queued
        behind busy clients count as "late" (and are measured); those still
        queued at a stage's end are "dropped" (never sent). Excludes `stages`.
      mix: "load" cells: the operations requests draw from, with weights,
        e.g. {"download": 0.9, "upload": 0.1} (seeded by `seed`); downloads
        read one uploaded file, uploads send `sizes` bytes; one latency
        histogram per operation and stage. Empty: downloads only.
      thresholds: limits the cell test checks per branch over its measured
        iterations once every block ran, k6-style: {metric: condition},
        e.g. {"download.p95": "< 200ms", "upload.throughput": "> 50MiB/s",
        "errors.rate": "< 0.1%", "server.rss_max": "< 128MiB"}. Metrics:
        download.<stat> and upload.<stat> (stat: throughput, p50, p90, p95,
        p99, p99.9, max; they apply to the cells making such requests),
        errors.rate, server.rss_max, tmp.leftover_max, disk.used_max
        (proto/cell.proto, Threshold, says what each measures). A broken
        threshold fails the cell with one line naming it, by how much and
        for which branch, after its results are saved; the report has a
        targets table.
      vcpus: VM vCPUs.
      images: package holding the shared guest images (kernel, kernel_pin,
        initramfs, base targets).
      data_disk_size: apparent size of each run's fresh data disk, a size
        as in `sizes` (sparse; made by the cell in its TEST_TMPDIR, never a
        Bazel output); it holds the server's data and, with tmp "disk", its
        spooled uploads.
      tmp: where the server's TMPDIR (/tmp, where servers spool uploads)
        lives: "disk" (a directory of the run's fresh data disk, as in
        production; the default) or "tmpfs" (VM backends: a tmpfs of half
        the VM's memory, so spooled uploads take RAM).
      cache_mode: disk cache mode passed to the backend ("" = its default).
      accel: qemu accelerator: "auto" (KVM, falling back to TCG when KVM
        cannot run a guest), "kvm" (fail instead) or "tcg". The environment
        variable PERFCELL_ACCEL (bazel test --test_env=PERFCELL_ACCEL=tcg)
        overrides it without editing BUILD files.
      exclusive: tag cells `exclusive` (never two at once on one machine).
        Bazel 4.2 never runs exclusive tests remotely: set False together
        with `exec_properties` that send cells to workers running one test
        at a time.
      exec_properties: for remote execution, e.g. {"Pool": "kvm"}.
      manual: tag cells and suites `manual`, so `bazel test //...` skips
        them (measurements, not tests); they run when named.
      tags: extra tags on every cell.
    """
    if binaries != None:
        fail("perf_matrix(name = %r): binaries is now branches ({branch: label of its server}), the name the cell, the result and the report use: write branches = %r" % (name, binaries))
    if ram_mb != None:
        fail("perf_matrix(name = %r): ram_mb is now memory_mib, the name the cell, the result and the report use: write memory_mib = %r" % (name, ram_mb))
    branches = branches or {}
    errors = perf_matrix_errors(name, branches, memory_mib, sizes or [], workloads or [], iterations, warmup, backend)
    errors += perf_matrix_design_errors(branches, mode, isolation, blocks, baseline, aa_check, accel, backend)
    errors += perf_matrix_interleave_errors(mode, interleave)
    errors += perf_matrix_stop_errors(mode, stop, min_blocks, max_blocks, min_effect, alpha, max_cell_seconds, futility, run_statistic, sequential_method)
    errors += perf_matrix_tmp_errors(tmp, backend)
    if type(concurrency) != "int" or concurrency < 1 or concurrency > 256:
        errors.append("concurrency %r: clients of a load cell, an int from 1 to 256" % (concurrency,))
    if type(load_seconds) not in ("int", "float") or load_seconds <= 0 or load_seconds > 3600:
        errors.append("load_seconds %r: seconds per load stage, above 0 and at most 3600" % (load_seconds,))
    errors += perf_matrix_load_errors(workloads, stages, arrival_rate, mix, warmup)
    errors += perf_matrix_threshold_errors(thresholds, workloads, mix)
    if type(vcpus) != "int" or vcpus < 1 or vcpus > 64:
        errors.append("vcpus %r: an int from 1 to 64" % (vcpus,))
    if parse_size(data_disk_size) == None:
        errors.append("data_disk_size %r: write a size like \"50G\" (%s)" % (data_disk_size, _SIZE_GRAMMAR))
    if not _valid_name(shared_secret):
        errors.append("shared_secret: use letters, digits, '-', '_' and '.' (it is passed on command lines)")
    for branch in server_args:
        if branch not in branches:
            errors.append("server_args names branch %r, which is not in branches %s" % (branch, sorted(branches.keys())))
    if errors:
        fail("perf_matrix(name = %r):\n  %s" % (name, "\n  ".join(errors)))

    base = perf_matrix_baseline(branches, baseline)
    branch_order = [base] + [b for b in sorted(branches.keys()) if b != base]
    interleaved = mode == "interleaved"
    load_profile = perf_matrix_load_profile(stages, arrival_rate, mix)
    adaptive = stop == "adaptive"
    blocks_run = (max_blocks if adaptive else blocks) if interleaved else 1
    args_common = [
        "--matrix=" + name,
        "--backend=" + backend,
        "--mode=" + mode,
        "--isolation=" + isolation,
        "--interleave=" + interleave,
        "--blocks=%d" % blocks_run,
        "--stop=" + stop,
        "--min_blocks=%d" % (min_blocks if adaptive else blocks_run),
        "--min_effect=%s" % min_effect,
        "--alpha=%s" % alpha,
        "--max_cell_seconds=%s" % max_cell_seconds,
        "--futility=%s" % futility,
        "--run_statistic=" + run_statistic,
        "--sequential_method=" + sequential_method,
        "--block_seed=%d" % seed,
        "--warmup=%d" % warmup,
        "--seed=%d" % seed,
        "--concurrency=%d" % concurrency,
        "--load_seconds=%s" % load_seconds,
        shell_quote("--load_profile=" + load_profile.text),
        "--vcpus=%d" % vcpus,
        "--api_profile=" + api_profile,
        "--shared_secret=" + shared_secret,
        "--accel=" + accel,
        "--tmp=" + tmp,
    ]
    if thresholds:
        args_common.append(shell_quote("--thresholds=" + perf_matrix_thresholds_flag(thresholds)))
    if cache_mode:
        args_common.append("--cache_mode=" + cache_mode)
    vm = backend != "host"
    image_args = []
    image_data = []
    if vm:
        kernel = images + ":kernel"
        pin = images + ":kernel_pin"
        initramfs = images + ":initramfs"
        base_image = images + ":base"
        mkext4 = "//images/ext4:mkext4"
        image_args = [
            "--kernel=$(rootpath %s)" % kernel,
            "--kernel_pin=$(rootpath %s)" % pin,
            "--initramfs=$(rootpath %s)" % initramfs,
            "--base_image=$(rootpath %s)" % base_image,
            "--mkext4=$(rootpath %s)" % mkext4,
            "--data_disk_size=" + data_disk_size,
        ]
        image_data = [kernel, pin, initramfs, base_image, mkext4]
        for branch in branch_order:
            payload_image(
                name = "%s_%s_payload" % (name, branch),
                binary = branches[branch],
                server_args = server_args.get(branch, []),
                shared_secret = shared_secret,
            )

    # (name in the cell, branch whose binary and payload it runs)
    runs_of = {b: b for b in branch_order}
    if interleaved and aa_check:
        runs_of[base + AA_SUFFIX] = base
    extra_tags = ["manual"] if manual else []
    if exclusive:
        extra_tags.append("exclusive")
    suites = {}
    for cell in perf_matrix_cells(name, branch_order, memory_mib, sizes, workloads, mode):
        size_bytes = parse_size(cell.size)
        held = list(cell.branches)
        if interleaved and aa_check:
            held.insert(1, base + AA_SUFFIX)
        texts = []
        data = []
        for b in held:
            source = runs_of[b]
            payload = ":%s_%s_payload" % (name, source) if vm else None
            texts.append(_branch_textproto(
                b,
                str(branches[source]),
                commits.get(source, ""),
                server_args.get(source, []),
                "$(rootpath %s)" % branches[source],
                "$(rootpath %s)" % payload if payload else "",
            ))
            if branches[source] not in data:
                data.append(branches[source])
            if payload and payload not in data:
                data.append(payload)
        args = args_common + [
            "--cell=" + cell.name,
            "--baseline=" + (base if interleaved else cell.branches[0]),
            "--memory_mib=%d" % cell.ram,
            "--bytes=%d" % size_bytes,
            "--workload=" + cell.workload,
            "--iterations=%d" % perf_matrix_iterations(iterations, cell.workload),
            shell_quote("--branches=" + " ".join(texts)),
        ] + image_args
        native.sh_test(
            name = cell.name,
            srcs = ["//runner:cell_test.sh"],
            args = args,
            data = data + image_data + ["//runner/cell"],
            size = "large" if vm else "small",
            timeout = cell_timeout(size_bytes, perf_matrix_iterations(iterations, cell.workload), warmup, cell.workload, load_profile.seconds or load_seconds, blocks_run * len(held), vm),
            tags = [
                "external",
                "perfcell",
                "memory:%dmib" % cell.ram,
                "size:" + cell.size.lower(),
                "workload:" + cell.workload,
            ] + ["branch:" + b for b in held] + extra_tags + tags,
            exec_properties = exec_properties,
        )
        for suite in [
            name,
            "%s_%dmib" % (name, cell.ram),
            "%s_%s" % (name, cell.size.lower()),
            "%s_%s" % (name, cell.workload),
        ] + ["%s_%s" % (name, b) for b in cell.branches]:
            suites.setdefault(suite, []).append(":" + cell.name)
    for suite in sorted(suites.keys()):
        native.test_suite(
            name = suite,
            tests = suites[suite],
            tags = ["perfcell"] + (["manual"] if manual else []),
        )
