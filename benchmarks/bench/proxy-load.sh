#!/usr/bin/env bash
# Proxy load test: webfilter vs Squid, side by side, same origin, same client, one run.
#
#   benchmarks/bench/proxy-load.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Needs: wrk, squid, nginx-light (apt-get install -y wrk squid nginx-light) and the app jar
# (./webfilter --help builds it). Everything listens on 127.0.0.1 only and stops by itself.
# webfilter runs as the whole product (proxy + UI + embedded Kafka, events on), the client is a
# pupil (loopback), the origin host is not in any list, so each request is decided and logged.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-20}"
conns="${2:-50}"
work="$(mktemp -d /tmp/webfilter-bench.XXXXXX)"
chmod 777 "$work"   # squid drops root privileges to its own user and must write its log here
origin_port=18080; squid_port=13128; webfilter_port=13129
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pkill -f "$work/" 2>/dev/null || true   # squid's and nginx's own children
  sleep 1; rm -rf "$work"
}
trap cleanup EXIT

# 1 KiB origin page
mkdir -p "$work/www" && head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/1k.html"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$origin_port; root $work/www; keepalive_requests 1000000; } }
NGINX
nginx -c "$work/nginx.conf" & pids+=($!)

# Squid: one worker, no cache, loopback clients only; origin.test resolved from a hosts file
echo "127.0.0.1 origin.test" > "$work/hosts"
cat > "$work/squid.conf" <<SQUID
http_port 127.0.0.1:$squid_port
http_access allow localhost
http_access deny all
cache deny all
cache_mem 8 MB
hosts_file $work/hosts
pid_filename $work/squid.pid
access_log none
cache_log $work/squid-cache.log
coredump_dir $work
workers 1
visible_hostname localhost
SQUID
squid -N -f "$work/squid.conf" 2> "$work/squid.err" & pids+=($!)

java -Xmx512m -jar "$here/app/target/webfilter.jar" run --config "$here/conf/webfilter.yaml" \
  --data-dir "$work/data" --proxy-port $webfilter_port --ui-port 0 --resolve origin.test=127.0.0.1 \
  > "$work/webfilter.out" 2> "$work/webfilter.err" & pids+=($!)
for _ in $(seq 1 120); do grep -q "webfilter ready" "$work/webfilter.out" 2>/dev/null && break; sleep 0.5; done
grep -q "webfilter ready" "$work/webfilter.out" || { echo "webfilter did not start"; cat "$work/webfilter.err"; exit 1; }

cat > "$work/proxy.lua" <<'LUA'
wrk.path = "http://origin.test:18080/1k.html"
wrk.headers["Host"] = "origin.test:18080"
LUA

run() { # name port
  local url="http://127.0.0.1:$2"
  curl -sf -o /dev/null -x "$url" http://origin.test:$origin_port/1k.html || { echo "$1: no answer"; return 1; }
  wrk -t2 -c"$conns" -d5s -s "$work/proxy.lua" "$url" > /dev/null   # warm-up (JIT, connections)
  wrk -t2 -c"$conns" -d"${duration}s" --latency -s "$work/proxy.lua" "$url" > "$work/$1.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$1.txt")
  printf "%-10s %12s %10s %10s\n" "$1" "$rps" "$p50" "$p99"
}

echo "plain HTTP, 1 KiB responses, keep-alive, $conns connections, ${duration}s, wrk -t2 (2 cores shared by all)"
printf "%-10s %12s %10s %10s\n" proxy "req/s" p50 p99
run squid $squid_port
run webfilter $webfilter_port
