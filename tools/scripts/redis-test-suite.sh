#!/usr/bin/env bash
# Runs Redis's own test suite (tests/unit of the Debian redis 7.0.15 source) against the ObjectBox
# cache, as Redis runs it against an external server: one unit at a time, each against a freshly
# started cache (a unit that ends early leaves settings behind), with
#   --tags -needs:repl       no replication here
#   --ignore-encoding        the cache reports Redis 7.2's encodings (listpack sets and small lists)
#   --skipfile               tests that need what the cache does not have, generated below by pattern
# Prints one line per unit (ok / err / exception counts) and a total; logs stay in $OUT.
# Needs: a build (npm run build), tclsh (Debian tcl), python3, and the source package (fetched with
# apt-get source from deb-src when absent; run as root). Dev tool, not part of `npm test`.
#
# usage: tools/scripts/redis-test-suite.sh [unit ...]   (default: every unit of test_helper.tcl)
#        tools/scripts/redis-test-suite.sh --fetch-only  (only fetch and prepare the source; .ci/run)
# env:   REDIS_SUITE_DIR (source, default /tmp/redis-suite-src), OUT (logs), PORT, HTTP_PORT, GRPC_PORT, BASEPORT, REPO
# Failed tests are also listed in $OUT/failures.txt as `<unit><TAB><test name>`, exceptions as
# `<unit><TAB>exception: <message>`.
set -euo pipefail
repo=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
work=${REDIS_SUITE_DIR:-/tmp/redis-suite-src}
out=${OUT:-/tmp/redis-suite-logs}
port=${PORT:-7611}
http_port=${HTTP_PORT:-$((port + 1))}
grpc_port=${GRPC_PORT:-$((port + 2))}
# The Tcl test server listens just below --baseport; two runs at once need different ones.
baseport=${BASEPORT:-21111}
src="$work/redis-7.0.15"

fetch_source() {
  mkdir -p "$work"
  if [ ! -d "$src/tests" ]; then
    local list=/etc/apt/sources.list.d/objectbox-redis-src.sources
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$list"
    apt-get update -qq >/dev/null
    (cd "$work" && apt-get source --download-only -qq redis >/dev/null 2>&1) || true
    rm -f "$list"
    apt-get update -qq >/dev/null || true
    tar xzf "$work"/redis_7.0.15.orig.tar.gz -C "$work"
  fi
  command -v tclsh >/dev/null || apt-get install -y -qq tcl >/dev/null
}

# Server blocks that turn AOF on are tagged external:skip upstream, except in the stream units and
# scripting.tcl: mark those too (CONFIG SET appendonly yes is refused here: the data is in memory only).
patch_source() {
  sed -i -E 's/^( *)start_server \{(tags \{"stream needs:debug)("\} overrides \{appendonly yes)/\1start_server {\2 external:skip\3/' \
    "$src/tests/unit/type/stream.tcl" "$src/tests/unit/type/stream-cgroups.tcl"
  sed -i -E 's/^( *)start_server \{overrides \{appendonly yes aof-use-rdb-preamble no\}\} \{/\1start_server {tags {external:skip} overrides {appendonly yes aof-use-rdb-preamble no}} {/' \
    "$src/tests/unit/scripting.tcl"
}

# Tests that need scripting (EVAL/FUNCTION: a later issue), the replication stream or its settings,
# AOF/RDB files or their dirty counter, MIGRATE, WAIT, or DEBUG commands about Redis's own memory layout.
write_skipfile() {
  python3 - "$src" "$out/skip.txt" <<'PY'
import glob, re, sys
src, target = sys.argv[1], sys.argv[2]
needs = re.compile(r'attach_to_replication_stream|\br eval\b|\bevalsha\b|\$r\w* eval\b|\br function\b|\bfcall\b|\bscript load\b|'
                   r'appendonly|rdb-key-save-delay|debug loadaof|\br save\b|bgsave|\bmigrate\b|debug replybuffer|'
                   r'debug quicklist|debug listpack|debug ziplist|debug stringmatch-len|debug set-disable-deny-scripts|'
                   r'latency histogram|\br wait\b|repl-backlog-size|rdb_changes_since_last_save', re.I)
names = set()
for path in glob.glob(f'{src}/tests/unit/**/*.tcl', recursive=True):
    current = None
    for line in open(path, errors='replace'):
        match = re.match(r'\s*test\s+[{"](.*?)[}"]\s*\{?\s*$', line)
        if match: current = match.group(1)
        if current and 'proc ' not in line and needs.search(line): names.add(current)
def pattern(name):
    if '$' not in name and '[' not in name: return name
    return '/^' + re.sub(r'\\\$\w+|\\\$\\\{\w+\\\}|\\\[[^\]]*\\\]', '.*', re.escape(name)) + '$'
# A name made only of variables would skip everything (those tests are external:skip anyway).
patterns = sorted(p for p in {pattern(n) for n in names} if p != '/^.*$')
open(target, 'w').write('\n'.join(patterns) + '\n')
print(f'{len(names)} tests skipped by pattern', file=sys.stderr)
PY
}

start_cache() {
  rm -rf "$out/data" && mkdir -p "$out/data"
  OBJECTBOX_SERVICES_CACHE_RESP_PORT=$port setsid "$repo/node_modules/.bin/node" "$repo/tools/cli/bin/objectbox.js" start cache \
    --data-dir "$out/data" --host 127.0.0.1 --http-port "$http_port" --grpc-port "$grpc_port" --log-level warn > "$out/cache.log" 2>&1 &
  cache_pid=$!
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "the cache did not start: $(tail -5 "$out/cache.log")" >&2
  return 1
}

stop_cache() {
  kill -- "-$cache_pid" 2>/dev/null || true
  wait "$cache_pid" 2>/dev/null || true
}

fetch_source
patch_source
if [ "${1:-}" = "--fetch-only" ]; then exit 0; fi
mkdir -p "$out"
: > "$out/failures.txt"
write_skipfile
units=("$@")
if [ ${#units[@]} -eq 0 ]; then
  mapfile -t units < <(sed -n '/^set ::all_tests {/,/^}/p' "$src/tests/test_helper.tcl" | grep -o 'unit/[a-z0-9/_-]*')
fi
trap stop_cache EXIT
total_ok=0; total_err=0; total_exc=0
for unit in "${units[@]}"; do
  log="$out/$(echo "$unit" | tr / _).log"
  start_cache
  (cd "$src" && timeout 600 tclsh tests/test_helper.tcl --host 127.0.0.1 --port "$port" --baseport "$baseport" --tags -needs:repl \
    --ignore-encoding --skipfile "$out/skip.txt" --single "$unit" > "$log" 2>&1) || true
  stop_cache
  ok=$(grep -c '\[.*ok.*\]:' "$log" || true); err=$(grep -c '^\[.*err.*\]:' "$log" || true); exc=$(grep -c '^\[.*exception.*\]:' "$log" || true)
  total_ok=$((total_ok + ok)); total_err=$((total_err + err)); total_exc=$((total_exc + exc))
  sed -n 's/^\[.*err.*\]: \(.*\) in tests\/unit\/.*$/\1/p' "$log" | sort -u | sed "s|^|$unit\t|" >> "$out/failures.txt"
  sed -n 's/^\[.*exception.*\]: \(.*\)$/exception: \1/p' "$log" | sed "s|^|$unit\t|" >> "$out/failures.txt"
  printf '%-28s ok %4d  err %3d  exception %d\n' "$unit" "$ok" "$err" "$exc"
done
printf 'total: ok %d, err %d, units ended by an exception %d (logs in %s)\n' "$total_ok" "$total_err" "$total_exc" "$out"
