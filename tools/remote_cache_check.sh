#!/usr/bin/env bash
# Proves that perfcell's images are shared through a real remote cache.
#
#   tools/remote_cache_check.sh [--port=N] [--targets='//images:base ...'] [--keep]
#
# 1. Starts Debian's nginx (tools/setup.sh installs it) as a Bazel HTTP cache
#    (WebDAV PUT) on a free loopback port: config, cache and logs in a temp
#    dir, as the current user, no system service.
# 2. Clone 1 (git clone of this repository's HEAD, its own output base) builds
#    the demo's images with --remote_cache=http://127.0.0.1:PORT: the kernel,
#    initramfs, base image and //examples:demo's payloads.
# 3. Clone 2 (another clean clone, a fresh output base) builds the same: every
#    action should be a remote cache hit. Prints actions executed, cache size
#    on disk, bytes fetched.
# 4. In clone 2, one branch's server argument changes (big-chunks'
#    --chunk_size): only that branch's payload is rebuilt. Prints the actions
#    that ran.
# Exits 1 when clone 2 executed an action or the branch change rebuilt
# anything but that payload. Builds only; runs no test and no VM. Leaves the
# main checkout's Bazel server alone (the clones have their own servers,
# which it shuts down).
set -euo pipefail

port="" keep=0
targets=""
for arg in "$@"; do
  case "$arg" in
    --port=*) port=${arg#--port=} ;;
    --targets=*) targets=${arg#--targets=} ;;
    --keep) keep=1 ;;
    *)
      echo "usage: $0 [--port=N] [--targets='LABEL ...'] [--keep]" >&2
      exit 2
      ;;
  esac
done

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [[ ! -x "$nginx" ]]; then
  echo "remote_cache_check: nginx is not installed: run tools/setup.sh (Debian's nginx)" >&2
  exit 1
fi
for tool in bazel git python3; do
  command -v "$tool" >/dev/null || {
    echo "remote_cache_check: $tool is not installed: run tools/setup.sh" >&2
    exit 1
  }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/perfcell-remote-cache.XXXXXX")
servers=()
cleanup() {
  local ob
  for ob in "${servers[@]}"; do
    bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
  done
  if [[ -f "$work/nginx/nginx.pid" ]]; then
    kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  fi
  if ((keep)); then
    echo "remote_cache_check: kept $work"
  else
    chmod -R u+w "$work" 2>/dev/null || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

# --- 1. nginx as a WebDAV cache ----------------------------------------------
start_nginx() { # start_nginx PORT: 0 when it listens
  local p=$1 n=$work/nginx user_line=""
  mkdir -p "$n/cache" "$n/tmp"
  # As root nginx's workers would switch to nobody; keep the current user.
  if (($(id -u) == 0)); then user_line="user $(id -un) $(id -gn);"; fi
  cat >"$n/nginx.conf" <<EOF
$user_line
worker_processes 2;
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections 512; }
http {
  log_format cache '\$request_method \$status \$body_bytes_sent \$request_length \$uri';
  access_log $n/access.log cache;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$p;
    root $n/cache;
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }
  }
}
EOF
  rm -f "$n/nginx.pid"
  "$nginx" -e "$n/error.log" -p "$n" -c "$n/nginx.conf" 2>>"$n/error.log" || return 1
  local i
  for i in $(seq 50); do
    [[ -s "$n/nginx.pid" ]] && curl -s -o /dev/null "http://127.0.0.1:$p/" && return 0
    sleep 0.1
  done
  return 1
}
if [[ -n "$port" ]]; then
  start_nginx "$port" || {
    cat "$work/nginx/error.log" >&2
    echo "remote_cache_check: nginx could not listen on 127.0.0.1:$port" >&2
    exit 1
  }
else
  for try in $(seq 20); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
    start_nginx "$port" && break
    port=""
  done
  [[ -n "$port" ]] || {
    cat "$work/nginx/error.log" >&2
    echo "remote_cache_check: nginx found no free loopback port" >&2
    exit 1
  }
fi
cache_url=http://127.0.0.1:$port
say "nginx $("$nginx" -v 2>&1 | sed 's/.*version: //') as a WebDAV cache at $cache_url ($work/nginx/cache)"
printf 'x' >"$work/probe"
curl -sf -T "$work/probe" "$cache_url/cas/probe" && curl -sf "$cache_url/cas/probe" >/dev/null \
  && rm -f "$work/nginx/cache/cas/probe" && : >"$work/nginx/access.log" \
  || {
    echo "remote_cache_check: nginx does not accept PUT (dav_methods)" >&2
    exit 1
  }

# --- helpers -------------------------------------------------------------------
# log_stats FROM_LINE: "<GET hits> <GET bytes> <GET misses> <PUTs> <PUT bytes>"
# over the access log from line FROM_LINE on.
log_stats() {
  tail -n +"$1" "$work/nginx/access.log" | awk '
    $1 == "GET" && $2 == 200 {hits++; got += $3}
    $1 == "GET" && $2 == 404 {misses++}
    $1 == "PUT" {puts++; put += $4}
    END {printf "%d %d %d %d %d\n", hits, got, misses, puts, put}'
}
log_lines() { wc -l <"$work/nginx/access.log"; }
human() { numfmt --to=iec-i --suffix=B --format=%.1f "$1"; }

# build CLONE NAME TARGETS...: bazel build in CLONE (its own output base)
# with the remote cache and an execution log NAME.exec.json; prints Bazel's
# process line.
build() {
  local clone=$1 name=$2
  shift 2
  local ob=$work/ob-$(basename "$clone")
  servers+=("$ob")
  (cd "$clone" && bazel --output_base="$ob" --max_idle_secs=300 build \
    --remote_cache="$cache_url" --execution_log_json_file="$work/$name.exec.json" \
    --color=no --curses=no --noshow_progress "$@") >"$work/$name.log" 2>&1 || {
    tail -40 "$work/$name.log" >&2
    echo "remote_cache_check: the build in $clone failed (log: $work/$name.log)" >&2
    keep=1
    exit 1
  }
  grep -E '^INFO: [0-9]+ process' "$work/$name.log" | tail -1
  grep -E '^INFO: Elapsed time' "$work/$name.log" | tail -1
}

# executed NAME: "<mnemonic> <first output>" of every spawn that ran (not a
# remote cache hit), from the execution log.
executed() {
  python3 - "$work/$1.exec.json" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
dec, i = json.JSONDecoder(), 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    spawn, i = dec.raw_decode(text, i)
    if spawn.get("remoteCacheHit"):
        continue
    outs = spawn.get("listedOutputs") or ["?"]
    print(spawn.get("mnemonic", "?"), outs[0])
EOF
}

# process_count LOG WHAT: the number before WHAT in Bazel's process line.
process_count() {
  grep -E '^INFO: [0-9]+ process' "$work/$1.log" | tail -1 \
    | grep -oE "[0-9]+ $2" | grep -oE '^[0-9]+' || echo 0
}

# --- 2. clone 1 fills the cache ------------------------------------------------
head_commit=$(git -C "$repo" rev-parse --short HEAD)
git clone -q "$repo" "$work/clone1"
git clone -q "$repo" "$work/clone2"
if [[ -z "$targets" ]]; then
  targets=$(cd "$work/clone1" && bazel --output_base="$work/ob-clone1" --max_idle_secs=300 \
    query --noshow_progress 'kind("ext4_image", attr(name, "^demo_.*_payload$", //examples:all))' 2>/dev/null \
    | tr '\n' ' ')
  servers+=("$work/ob-clone1")
  targets="//images:kernel //images:initramfs //images:base $targets"
fi
say "clone 1 ($head_commit, clean output base) builds: $targets"
build "$work/clone1" clone1 $targets
read -r _ _ _ puts put_bytes < <(log_stats 1)
echo "uploaded to the cache: $puts PUTs, $(human "$put_bytes")"

# --- 3. clone 2 gets everything from the cache ---------------------------------
from=$(($(log_lines) + 1))
say "clone 2 (another clean clone, fresh output base) builds the same"
build "$work/clone2" clone2 $targets
read -r hits got misses _ _ < <(log_stats "$from")
ran=$(executed clone2)
n_ran=$(grep -c . <<<"$ran" || true)
image_ran=$(grep -cE '^(Ext4Image|GuestInitramfs|Ext4Manifest|Genrule) ' <<<"$ran" || true)
echo "actions executed in clone 2: $n_ran (image actions: $image_ran); remote cache hits: $(process_count clone2 'remote cache hit')"
[[ -z "$ran" ]] || sed 's/^/  ran: /' <<<"$ran"
echo "fetched from the cache: $hits GETs, $(human "$got") ($misses misses)"
echo "cache on disk: $(du -sb "$work/nginx/cache" | cut -f1 | xargs -I{} numfmt --to=iec-i --suffix=B --format=%.1f {}) ($(find "$work/nginx/cache/ac" -type f | wc -l) action results, $(find "$work/nginx/cache/cas" -type f | wc -l) blobs)"
largest=$(find "$work/nginx/cache/cas" -type f -printf '%s\n' | sort -n | tail -1)
echo "largest blob: $(human "${largest:-0}")"

# --- 4. a branch change rebuilds only that branch's payload ---------------------
say "clone 2: big-chunks' --chunk_size=1048576 becomes --chunk_size=2097152"
sed -i 's/"--chunk_size=1048576"/"--chunk_size=2097152"/' "$work/clone2/examples/BUILD.bazel"
git -C "$work/clone2" diff --stat | sed 's/^/  /'
from=$(($(log_lines) + 1))
build "$work/clone2" branch $targets
ran_branch=$(executed branch)
echo "actions that ran:"
sed 's/^/  /' <<<"${ran_branch:-(none)}"
read -r hits got misses _ _ < <(log_stats "$from")
echo "fetched from the cache: $hits GETs, $(human "$got") ($misses misses)"

status=0
if [[ -n "$ran" ]]; then
  echo "remote_cache_check: FAIL: clone 2 executed $n_ran actions; expected every one from the cache" >&2
  status=1
fi
if [[ -z "$ran_branch" ]] || grep -qv 'big-chunks' <<<"$ran_branch"; then
  echo "remote_cache_check: FAIL: the branch change should rebuild only demo_big-chunks_payload" >&2
  status=1
fi
((status)) || say "OK: clone 2 took every action from the cache; the branch change rebuilt only its payload"
exit $status
