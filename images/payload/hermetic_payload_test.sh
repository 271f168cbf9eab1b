#!/usr/bin/env bash
# A payload is keyed on the content of the host libraries it embeds. With a
# copy of a server's libraries in a fake sysroot: changing one library
# changes host_libraries.sh's digests (the payload manifest action's input),
# the manifest refuses the stale digests, the new manifest (the image
# action's input) differs in exactly that library's sha256, and mkext4
# refuses to build from a manifest whose library changed since.
set -uo pipefail
digest_script=$1 mkpayload=$2 mkext4=$3 real_digests=$4
tmp=$TEST_TMPDIR
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
# "<image path> <source>" and "<image path> sha256 <digest>" per file entry.
files_of() {
  awk -F'"' '/^ *path:/ {p = $2} /^ *source:/ {print p, $2} /^ *sha256:/ {print p, "sha256", $2}' "$1"
}

# The "server": mkpayload_manifest itself, a dynamically linked C++ program.
server=$mkpayload
"$mkpayload" --binary="$server" --out="$tmp/host.textproto" || exit 1
sysroot=$tmp/sysroot
mkdir -p "$sysroot"
interp=""
while read -r path src; do
  [[ "$src" == /* ]] || continue # the server itself, the digests
  case "$path" in
    lib/ld-linux*) interp=$(dirname "$src") ;;
    lib/*) cp "$src" "$sysroot/$(basename "$path")" ;;
  esac
done < <(files_of "$tmp/host.textproto")
# The interpreter comes from PT_INTERP, not the search path: digest its
# directory's copy too, as the repository rule does.
sh_digests() { "$digest_script" "$sysroot" "$interp" >"$1"; }
payload() { # payload DIGESTS OUT
  "$mkpayload" --binary="$server" --lib_dirs="$sysroot" --host_libraries="$1" --out="$2" 2>"$tmp/err"
}

sh_digests "$tmp/digests1"
check "the fake sysroot holds the server's libraries" test -s "$sysroot/libstdc++.so.6"
check "digests list every library of the fake sysroot" \
  test "$(grep -c "  $sysroot/" "$tmp/digests1")" -eq "$(ls "$sysroot" | wc -l)"
check "manifest from the fake sysroot" payload "$tmp/digests1" "$tmp/m1.textproto"
check "manifest takes libstdc++ from the fake sysroot" \
  grep -qx "lib/libstdc++.so.6 $sysroot/libstdc++.so.6" <(files_of "$tmp/m1.textproto")
check "manifest records libstdc++'s sha256" \
  grep -qx "lib/libstdc++.so.6 sha256 $(sha256sum "$sysroot/libstdc++.so.6" | cut -c1-64)" <(files_of "$tmp/m1.textproto")
check "the real @host_libraries digests list libc" grep -q '/libc\.so\.6$' "$real_digests"

# A library changes (as an upgrade would): still an ELF file, other bytes.
chmod u+w "$sysroot/libstdc++.so.6"
printf 'upgraded' >>"$sysroot/libstdc++.so.6"
sh_digests "$tmp/digests2"
check "the digests (payload manifest input) change" sh -c "! cmp -s '$tmp/digests1' '$tmp/digests2'"
check "... in the changed library's line only" \
  test "$(diff "$tmp/digests1" "$tmp/digests2" | grep -c '^[<>]')" -eq 2
check "stale digests are refused, naming the library" \
  sh -c "! { $(printf '%q ' "$mkpayload") --binary=$(printf '%q' "$server") --lib_dirs=$(printf '%q' "$sysroot") --host_libraries=$(printf '%q' "$tmp/digests1") --out=$(printf '%q' "$tmp/stale.textproto") 2>'$tmp/err'; } && grep -q 'libstdc++.so.6.*changed since @host_libraries' '$tmp/err'"
check "manifest from the new digests" payload "$tmp/digests2" "$tmp/m2.textproto"
check "the manifest (image action input) changes" sh -c "! cmp -s '$tmp/m1.textproto' '$tmp/m2.textproto'"
check "... in libstdc++'s sha256 only" \
  test "$(diff <(files_of "$tmp/m1.textproto") <(files_of "$tmp/m2.textproto") | grep '^[<>]')" = \
  "< lib/libstdc++.so.6 sha256 $(grep 'libstdc++.so.6$' "$tmp/digests1" | cut -c1-64)
> lib/libstdc++.so.6 sha256 $(grep 'libstdc++.so.6$' "$tmp/digests2" | cut -c1-64)"
check "a library missing from the digests is refused" \
  sh -c "grep -v libm.so.6 '$tmp/digests2' >'$tmp/digests3'; ! $(printf '%q ' "$mkpayload") --binary=$(printf '%q' "$server") --lib_dirs=$(printf '%q' "$sysroot") --host_libraries=$(printf '%q' "$tmp/digests3") --out=$(printf '%q' "$tmp/x.textproto") 2>/dev/null"
export SOURCE_DATE_EPOCH=0
check "mkext4 builds the payload from the current manifest" \
  "$mkext4" --manifest="$tmp/m2.textproto" --size=fit+10% --read_only --journal=false --out="$tmp/p2.ext4"
check "mkext4 refuses the old manifest: its libstdc++ changed" \
  sh -c "! $(printf '%q' "$mkext4") --manifest='$tmp/m1.textproto' --size=fit --out='$tmp/p1.ext4' 2>'$tmp/err' && grep -q 'changed after the manifest was written' '$tmp/err'"
check_exit
