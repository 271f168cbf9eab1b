#!/usr/bin/env bash
# Builds perfcell's libFuzzer targets with clang (outside Bazel, whose cc
# toolchain here is gcc) and runs each for a bounded time.
#
#   tools/fuzz.sh [SECONDS] [FUZZER...]   # default: 60 s for every fuzzer
#   tools/fuzz.sh 300 multipart_fuzzer    # one fuzzer, five minutes
#
# The fuzzers, each with its checked-in corpus (<package>/fuzz_corpus/<name>,
# also replayed by that package's fuzz_replay test on every `bazel test`):
#   manifest_loader_fuzzer  images/ext4        mkext4's manifest loader
#   plan_fuzzer             images/initramfs   the cpio plan and newc writer
#   http_request_fuzzer     examples/chunkstore  request head and body framing
#   multipart_fuzzer        examples/chunkstore  multipart/form-data reader
#   result_loader_fuzzer    analysis           result.pb / .json / outputs.zip
#
# Needs clang-14 and libclang-rt-14-dev (libFuzzer, ASan, UBSan; not in
# tools/setup.sh: CI does not fuzz) and the -dev packages Bazel already links
# against (protobuf, abseil, openssl, re2, libzip). Work goes to
# ${FUZZ_WORKDIR:-/tmp/perfcell-fuzz}. Each fuzzer starts from a scratch copy
# of its corpus and adds nothing to the checked-in one; a crash leaves
# crash-* in the work directory and the script exits non-zero: minimize it
# (./<fuzzer> -minimize_crash=1 -runs=10000 crash-...), copy it into the
# corpus as a regression input and fix the bug.
set -euo pipefail
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${FUZZ_WORKDIR:-/tmp/perfcell-fuzz}"
CXX="${CXX:-clang++-14}"
mkdir -p "$work/gen"
cd "$root"

all=(manifest_loader_fuzzer plan_fuzzer http_request_fuzzer multipart_fuzzer
  result_loader_fuzzer)
wanted=("$@")
[[ ${#wanted[@]} -gt 0 ]] || wanted=("${all[@]}")

# Sources and corpus of each fuzzer (the fuzzer's own file first).
sources() {
  case "$1" in
    manifest_loader_fuzzer)
      echo images/ext4/manifest_loader_fuzzer.cc images/ext4/manifest_loader.cc \
        images/ext4/tree.cc images/ext4/dir_scanner.cc tools/cc/sha256.cc \
        tools/cc/text_proto.cc "$work/gen/images/manifest/manifest.pb.cc" ;;
    plan_fuzzer)
      echo images/initramfs/plan_fuzzer.cc images/initramfs/plan.cc \
        images/initramfs/newc.cc tools/cc/text_proto.cc \
        "$work/gen/images/manifest/manifest.pb.cc" ;;
    http_request_fuzzer)
      echo examples/chunkstore/http_request_fuzzer.cc \
        tools/cc/http_request.cc \
        examples/chunkstore/body_reader.cc ;;
    multipart_fuzzer)
      echo examples/chunkstore/multipart_fuzzer.cc \
        examples/chunkstore/multipart_parser.cc ;;
    result_loader_fuzzer)
      echo analysis/result_loader_fuzzer.cc analysis/result_loader.cc \
        analysis/invocations.cc analysis/zip_reader.cc \
        "$work/gen/proto/cell.pb.cc" \
        "$work/gen/contract/guest_metrics.pb.cc" ;;
    *) echo "tools/fuzz.sh: unknown fuzzer $1 (one of: ${all[*]})" >&2
      return 1 ;;
  esac
}
corpus() {
  case "$1" in
    manifest_loader_fuzzer) echo images/ext4/fuzz_corpus/manifest_loader ;;
    plan_fuzzer) echo images/initramfs/fuzz_corpus/plan ;;
    http_request_fuzzer) echo examples/chunkstore/fuzz_corpus/http_request ;;
    multipart_fuzzer) echo examples/chunkstore/fuzz_corpus/multipart ;;
    result_loader_fuzzer) echo analysis/fuzz_corpus/result_loader ;;
  esac
}

protoc --cpp_out="$work/gen" images/manifest/manifest.proto proto/cell.proto \
  contract/guest_metrics.proto

mapfile -t absl_libs < <(sed -n 's/^ *"\(-labsl_[a-z_0-9]*\)",$/\1/p' \
  third_party/BUILD.bazel)
# shellcheck disable=SC2054  # the commas are inside -fsanitize's value
cxxflags=(-std=c++17 -O1 -g -fno-omit-frame-pointer
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -I"$root" -I"$work/gen")
libs=("${absl_libs[@]}" -lprotobuf -lre2 -lzip -lcrypto -lpthread)

status=0
for name in "${wanted[@]}"; do
  srcs=$(sources "$name")
  echo "building $name"
  # shellcheck disable=SC2086  # word splitting of the source list
  "$CXX" "${cxxflags[@]}" -o "$work/$name" $srcs \
    tools/cc/atomic_file.cc tools/cc/errno_status.cc "${libs[@]}"
done
for name in "${wanted[@]}"; do
  # A scratch copy: the checked-in corpus only changes by hand.
  rm -rf "$work/corpus-$name"
  cp -r "$(corpus "$name")" "$work/corpus-$name"
  echo "running $name for ${seconds}s"
  (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "./$name" \
    -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 "corpus-$name") \
    >"$work/$name.log" 2>&1 || {
    status=1
    echo "$name FAILED: see $work/$name.log and $work/crash-*"
  }
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' \
    "$work/$name.log" || true
done
exit $status
