"""Unit tests of perf_matrix's naming and argument checks, run at loading time.

perf_matrix_test(name) evaluates the checks when the BUILD file loads and
makes a test that fails, listing every mismatch, when any check failed.
"""

load("//tools/cc:testdata/byte_sizes.bzl", "BYTE_SIZE_CASES")
load(":images.bzl", "shell_quote")
load(":perf_matrix.bzl", "cell_timeout", "parse_duration_ms", "parse_size", "perf_matrix_baseline", "perf_matrix_cells", "perf_matrix_design_errors", "perf_matrix_errors", "perf_matrix_interleave_errors", "perf_matrix_iterations", "perf_matrix_load_errors", "perf_matrix_load_profile", "perf_matrix_stop_errors", "perf_matrix_threshold_errors", "perf_matrix_thresholds_flag", "perf_matrix_tmp_errors")

def _check(failures, what, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (what, got, want))

def _check_error(failures, what, errors, fragment):
    for e in errors:
        if fragment in e:
            return
    failures.append("%s: no error mentions %r; errors were %r" % (what, fragment, errors))

def _run_checks():
    failures = []
    names = [c.name for c in perf_matrix_cells("demo", ["baseline", "batch-reads"], [256, 512], ["8M", "32M"], ["upload", "download"])]
    _check(failures, "cell count", len(names), 16)
    _check(failures, "first cell name", names[0], "demo_baseline_256mib_8m_upload")
    _check(failures, "last cell name", names[-1], "demo_batch-reads_512mib_32m_download")
    _check(failures, "names are unique", len({n: True for n in names}), 16)

    cells = perf_matrix_cells("demo", ["baseline", "batch-reads"], [256, 512], ["8M", "32M"], ["upload", "download"], "interleaved")
    _check(failures, "interleaved cell count", len(cells), 8)
    _check(failures, "interleaved cell name", cells[0].name, "demo_256mib_8m_upload")
    _check(failures, "an interleaved cell holds every branch", cells[0].branches, ["baseline", "batch-reads"])
    _check(failures, "default baseline", perf_matrix_baseline({"a": 1, "main": 2}, None), "main")
    _check(failures, "named baseline", perf_matrix_baseline({"a": 1, "main": 2}, "a"), "a")
    _check(failures, "timeout of 40 runs of 8 MiB", cell_timeout(8 * 1024 * 1024, 2, 1, "upload", 10, 40), "eternal")
    _check(failures, "timeout of 4 runs of 1 MiB", cell_timeout(1024 * 1024, 2, 1, "upload", 10, 4), "moderate")
    _check(failures, "timeout of 120 host runs of 8 MiB", cell_timeout(8 * 1024 * 1024, 3, 1, "download", 10, 120, False), "long")

    good = perf_matrix_design_errors({"baseline": "//x"}, "interleaved", "vm", 10, None, True, "auto", "qemu")
    _check(failures, "a good design has no errors", good, [])
    bad = perf_matrix_design_errors({"a~b": "//x"}, "mixed", "container", 0, "main", "yes", "hvf", "host")
    for fragment in ['mode "mixed"', 'isolation "container"', "blocks 0", 'baseline "main"', 'aa_check "yes"', 'accel "hvf"', "reserved for the A/A copy"]:
        _check_error(failures, "bad design", bad, fragment)
    bad = perf_matrix_design_errors({"a": "//x"}, "sequential", "session", 1, None, True, "tcg", "host")
    for fragment in ['isolation "session" needs mode "interleaved"', 'accel "tcg" applies to the qemu backend only']:
        _check_error(failures, "sequential design", bad, fragment)

    _check(failures, "iterations per workload", perf_matrix_iterations({"upload": 20, "download": 100}, "download"), 100)
    _check(failures, "iterations for all", perf_matrix_iterations(7, "upload"), 7)
    _check(failures, "iterations per workload have no errors", [e for e in perf_matrix_errors("m", {"a": "//x"}, [256], ["8M"], ["upload", "download"], {"upload": 20, "download": 100}, 1, "host") if "iterations" in e], [])
    bad = perf_matrix_errors("m", {"a": "//x"}, [256], ["8M"], ["upload", "download"], {"upload": 0, "load": 5}, 1, "host")
    for fragment in ['iterations["upload"] 0', 'iterations names workload "load"', 'iterations names no count for workload "download"']:
        _check_error(failures, "bad iterations per workload", bad, fragment)

    _check(failures, "requests interleave by default", perf_matrix_interleave_errors("interleaved", "requests"), [])
    _check(failures, "runs one after another", perf_matrix_interleave_errors("interleaved", "runs"), [])
    _check_error(failures, "bad interleave", perf_matrix_interleave_errors("interleaved", "packets"), 'interleave "packets"')
    _check_error(failures, "interleave in a sequential matrix", perf_matrix_interleave_errors("sequential", "runs"), 'interleave "runs" needs mode "interleaved"')

    _check(failures, "a good stopping rule has no errors", perf_matrix_stop_errors("interleaved", "adaptive", 4, 40, 0.05, 0.05, 0), [])
    bad = perf_matrix_stop_errors("sequential", "adaptive", 50, 40, 1.5, 0.9, -1, 0.7)
    for fragment in ['stop "adaptive" needs mode "interleaved"', "min_blocks 50 is more than max_blocks 40", "min_effect 1.5", "alpha 0.9", "max_cell_seconds -1", "futility 0.7"]:
        _check_error(failures, "bad stopping rule", bad, fragment)
    bad = perf_matrix_stop_errors("interleaved", "sometimes", 1, 1000, 0, 0.05, 0)
    for fragment in ['stop "sometimes"', "min_blocks 1", "max_blocks 1000", "min_effect 0"]:
        _check_error(failures, "bad stopping values", bad, fragment)
    _check(failures, "the signed-rank method and the median", perf_matrix_stop_errors("interleaved", "adaptive", 2, 40, 0.05, 0.05, 0, 0.1, "median", "signed-rank"), [])
    bad = perf_matrix_stop_errors("interleaved", "adaptive", 2, 40, 0.05, 0.05, 0, 0.1, "mean", "t")
    for fragment in ["run_statistic \"mean\"", "sequential_method \"t\""]:
        _check_error(failures, "bad statistic or method", bad, fragment)
    _check_error(failures, "mean-t from 2 blocks", perf_matrix_stop_errors("interleaved", "adaptive", 2, 40, 0.05, 0.05, 0), "min_blocks 2 with sequential_method \"mean-t\"")

    # The cases ParseByteSize (tools/cc/byte_size_test) runs too.
    for text, want in BYTE_SIZE_CASES:
        _check(failures, "parse_size %r" % (text,), parse_size(text), want)
    _check(failures, "the shared size cases", len(BYTE_SIZE_CASES) > 40, True)
    _check(failures, "parse_size of a number", parse_size(8), None)

    _check(failures, "timeout of a small cell", cell_timeout(8 * 1024 * 1024, 3, 1, "upload"), "moderate")
    _check(failures, "timeout of a 1G cell", cell_timeout(1024 * 1024 * 1024, 10, 1, "upload"), "eternal")
    _check(failures, "timeout of a long load cell", cell_timeout(1024 * 1024, 10, 1, "load", 30), "long")

    ok = perf_matrix_errors("demo", {"baseline": "//x"}, [256], ["8M"], ["upload"], 3, 1, "qemu")
    _check(failures, "a good call has no errors", ok, [])
    bad = perf_matrix_errors("demo", {}, [], [], [], 0, -1, "docker")
    for fragment in ["branches is empty", "memory_mib is empty", "sizes is empty", "workloads is empty", "iterations 0", "warmup -1", 'backend "docker"']:
        _check_error(failures, "empty call", bad, fragment)
    bad = perf_matrix_errors("demo", {"my branch": "//x"}, [64, "512"], ["8 MB", "8M", "8m"], ["uploads"], 3, 1, "qemu")
    for fragment in ['branch "my branch"', "memory_mib value 64", "memory_mib value \"512\"", "size \"8 MB\"", "listed twice", 'workload "uploads"']:
        _check_error(failures, "bad values", bad, fragment)
    bad = perf_matrix_errors("demo", {"upload": "//x", "8m": "//y", "512mib": "//z", "..": "//w"}, [512], ["8M"], ["upload"], 3, 1, "qemu")
    for fragment in ['branch "upload" has the name of a workload', 'branch "8m" has the name of a size', 'branch "512mib" has the name of a memory size', 'branch ".."']:
        _check_error(failures, "colliding branch names", bad, fragment)

    bad = perf_matrix_errors("demo", {"a": "//x"}, [100000000, 256, 256], ["9999999G"], ["upload", "upload"], 3, 1, "qemu")
    for fragment in ["memory_mib value 100000000", "lists a memory size twice", 'size "9999999G": at most', "lists a workload twice"]:
        _check_error(failures, "out-of-range values", bad, fragment)

    _check(failures, "tmp on disk is fine", perf_matrix_tmp_errors("disk", "qemu"), [])
    _check(failures, "tmp on disk is fine on the host", perf_matrix_tmp_errors("disk", "host"), [])
    _check(failures, "tmpfs in a VM is fine", perf_matrix_tmp_errors("tmpfs", "qemu"), [])
    _check_error(failures, "unknown tmp", perf_matrix_tmp_errors("ram", "qemu"), 'tmp "ram": must be one of')
    _check_error(failures, "tmpfs on the host", perf_matrix_tmp_errors("tmpfs", "host"), 'tmp "tmpfs" applies to VM backends only')
    _check(failures, "download_cold is a workload", perf_matrix_errors("demo", {"a": "//x"}, [256], ["8M"], ["download", "download_cold"], 3, 1, "qemu"), [])
    _check(failures, "timeout of a cold download cell", cell_timeout(8 * 1024 * 1024, 2, 1, "download_cold", 10, 4), "moderate")

    _check(failures, "duration 10s", parse_duration_ms("10s"), 10000)
    _check(failures, "duration 1m30s", parse_duration_ms("1m30s"), 90000)
    _check(failures, "duration 500ms", parse_duration_ms("500ms"), 500)
    _check(failures, "duration 2h", parse_duration_ms("2h"), 7200000)
    _check(failures, "duration in seconds", parse_duration_ms(5), 5000)
    for bad in ["10", "s", "1.5s", "10 s", "0s", "10x", "", -1]:
        _check(failures, "duration %r" % (bad,), parse_duration_ms(bad), None)

    k6 = [("10s", 4), ("30s", 16), ("10s", 0)]
    _check(failures, "k6 stages are fine", perf_matrix_load_errors(["load"], k6, 0, {}, 1), [])
    _check(failures, "a constant rate is fine", perf_matrix_load_errors(["load"], [], 200, {"download": 0.9, "upload": 0.1}, 1), [])
    _check(failures, "rate stages are fine", perf_matrix_load_errors(["load"], [], [("10s", 100), ("30s", 200)], {}, 1), [])
    bad = perf_matrix_load_errors(["upload"], [("10", 4), ("5s", 300), ("1s", 0), ("1s", 0), "x"], 200, {"delete": 1, "upload": 0}, 5)
    for fragment in [
        'stages and arrival_rate and mix apply to the "load" workload',
        'stages[0]: duration "10": write whole numbers with units',
        "stages[1]: clients 300: a number from 0 to 256",
        "stages[3]: from 0 to 0 clients: nothing would run",
        'stages[4] "x": write (duration, clients)',
        "stages (clients) and arrival_rate exclude each other",
        "warmup 5 leaves none of the 5 load stages measured",
        'mix operation "delete": must be one of',
        'mix weight 0 of "upload"',
    ]:
        _check_error(failures, "bad load profile", bad, fragment)
    bad = perf_matrix_load_errors(["load"], [], -5, [], 0)
    for fragment in ["arrival_rate -5: requests per second", "mix []: a dict"]:
        _check_error(failures, "bad rate and mix", bad, fragment)
    _check_error(failures, "bad rate stage", perf_matrix_load_errors(["load"], [], [("1m", 2000000)], {}, 0), "arrival_rate[0]: requests/s 2000000")

    p = perf_matrix_load_profile(k6, 0, {"download": 0.9, "upload": 0.1})
    _check(failures, "k6 stages as text", p.text, 'stages { seconds: 10.0 concurrency: 4 ramp: true } stages { seconds: 30.0 concurrency: 16 ramp: true } stages { seconds: 10.0 concurrency: 0 ramp: true } mix { operation: "download" weight: 0.9 } mix { operation: "upload" weight: 0.1 }')
    _check(failures, "k6 stages last", p.seconds, 50.0)
    p = perf_matrix_load_profile([], [("500ms", 50), ("1m", 200)], {})
    _check(failures, "rate stages as text", p.text, "stages { seconds: 0.5 arrival_rate: 50 ramp: true } stages { seconds: 60.0 arrival_rate: 200 ramp: true }")
    _check(failures, "a constant rate as text", perf_matrix_load_profile([], 200, {}).text, "arrival_rate: 200")
    _check(failures, "no profile", perf_matrix_load_profile([], 0, {}), struct(text = "", seconds = 0))

    seed = {"download.p95": "< 200ms", "upload.throughput": "> 50MiB/s", "errors.rate": "< 0.1%", "server.rss_max": "< 128MiB"}
    _check(failures, "the issue's thresholds are fine", perf_matrix_threshold_errors(seed, ["upload", "download"], {}), [])
    _check(failures, "thresholds of a mixed load", perf_matrix_threshold_errors({"upload.p99.9": "<= 2s", "download.max": ">=1us", "tmp.leftover_max": "< 0 B", "disk.used_max": "< 1GiB"}, ["load"], {"download": 0.9, "upload": 0.1}), [])
    _check(failures, "thresholds as a flag", perf_matrix_thresholds_flag({"errors.rate": " < 0.1% ", "download.p95": "< 200ms"}), "download.p95 < 200ms; errors.rate < 0.1%")
    bad = perf_matrix_threshold_errors({
        "download.p97": "< 200ms",
        "download.p95": "= 200ms",
        "download.p99": "< 200MB",
        "server.rss_max": "< lots",
        "errors.rate": "< 120%",
        "upload.max": "< 1s",
    }, ["download"], {})
    for fragment in [
        'threshold "download.p97": unknown metric; use download.<stat>',
        'threshold "download.p95": "= 200ms": start with <, <=, > or >=',
        'threshold "download.p99": "< 200MB": unit "MB": download.p99 is a latency; use us, ms, s',
        'threshold "server.rss_max": "< lots": "lots" is not a number and a unit',
        'threshold "errors.rate": "< 120%": a rate is at most 100%',
        'threshold "upload.max" applies to no cell: workloads ["download"] make no upload requests',
    ]:
        _check_error(failures, "bad thresholds", bad, fragment)
    _check(failures, "one message per bad threshold", len(bad), 6)
    _check_error(failures, "thresholds not a dict", perf_matrix_threshold_errors(["download.p95 < 1s"], ["download"], {}), "a dict {metric: condition}")
    _check_error(failures, "a load without a mix only downloads", perf_matrix_threshold_errors({"upload.p50": "< 1s"}, ["load"], {}), "make no upload requests")

    _check(failures, "shell_quote plain", shell_quote("--chunk_size=1"), "'--chunk_size=1'")
    _check(failures, "shell_quote quote", shell_quote("it's"), "'it'\\''s'")
    return failures

def perf_matrix_test(name):
    """A test target that passes when every check above holds.

    Args:
      name: test name.
    """
    failures = _run_checks()
    native.genrule(
        name = name + "_results",
        outs = [name + "_results.txt"],
        cmd = "printf '%s' > $@" % "".join([f.replace("'", "") + "\\n" for f in failures]),
        testonly = True,
    )
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["//tools:starlark_results_test.sh"],
        args = ["$(rootpath :%s_results)" % name],
        data = [":%s_results" % name],
    )
