#!/usr/bin/env bash
# Builds the image tools' libFuzzer targets with clang (outside Bazel, whose
# cc toolchain here is gcc) and runs each for a bounded time.
#
#   images/fuzz.sh [SECONDS]     # default 60 per fuzzer
#
# Needs clang-14 and libclang-rt-14-dev (libFuzzer, ASan, UBSan) and the
# -dev packages Bazel already links against (protobuf, abseil, openssl).
# Work goes to ${FUZZ_WORKDIR:-/tmp/perfcell-fuzz}. Each fuzzer starts from
# its checked-in corpus (images/*/fuzz_corpus/*, also replayed by
# fuzz_replay_test) and adds nothing to it; a crash leaves crash-* in the
# work directory and this script exits non-zero: minimize it, copy it into
# the corpus as a regression input and fix the bug.
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${FUZZ_WORKDIR:-/tmp/perfcell-fuzz}"
mkdir -p "$work/gen"
CXX="${CXX:-clang++-14}"

cd "$root"
protoc --cpp_out="$work/gen" images/manifest.proto

absl_libs=$(sed -n 's/^ *"\(-labsl_[a-z_0-9]*\)",$/\1/p' third_party/BUILD.bazel)
cxxflags=(-std=c++17 -O1 -g -fno-omit-frame-pointer
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -I"$root" -I"$work/gen")
libs=($absl_libs -lprotobuf -lcrypto -lpthread)
common=(tools/cc/text_proto.cc tools/cc/atomic_file.cc
  "$work/gen/images/manifest.pb.cc")

build() {
  local name="$1"
  shift
  echo "building $name"
  "$CXX" "${cxxflags[@]}" -o "$work/$name" "$@" "${common[@]}" "${libs[@]}"
}

build manifest_loader_fuzzer images/ext4/manifest_loader_fuzzer.cc \
  images/ext4/manifest_loader.cc images/ext4/tree.cc \
  images/ext4/dir_scanner.cc tools/cc/sha256.cc
build plan_fuzzer images/initramfs/plan_fuzzer.cc images/initramfs/plan.cc \
  images/initramfs/newc.cc

status=0
run() {
  local name="$1" corpus="$2"
  # A scratch copy: the checked-in corpus only changes by hand.
  rm -rf "$work/corpus-$name"
  cp -r "$corpus" "$work/corpus-$name"
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
}
run manifest_loader_fuzzer "$root/images/ext4/fuzz_corpus/manifest_loader"
run plan_fuzzer "$root/images/initramfs/fuzz_corpus/plan"
exit $status
