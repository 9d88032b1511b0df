#!/usr/bin/env bash
# Proxy load test (issue 8): webfilter vs Squid vs no proxy, same nginx origin, same clients, one run.
#
#   benchmarks/bench/proxy-load.sh [SECONDS_PER_RUN] [CONNECTIONS] [ROUNDS]      (defaults 10 50 2)
#
# Needs: wrk, squid, nginx-light, openssl (apt-get install -y wrk squid nginx-light openssl) and the
# app jar (./webfilter --help builds it). Everything listens on 127.0.0.1 only and stops by itself.
#
# Targets:
#   direct     no proxy (the ceiling; for tunnels: TLS straight to nginx)
#   squid      Squid 5.7, one worker per core, no cache, access log ON (as a school would run it)
#   wf-proxy   ./webfilter proxy alone, events to a broker in its own JVM (Broker.java)
#   wf-noev    the same proxy with access events thrown away (ProxyNoEvents.java): events on vs off
#   wf-run     the all-in-one (proxy + logs UI + embedded Kafka in one JVM)
#   relay      only when named in TARGETS: a second nginx as a plain HTTP relay (no filtering, no log,
#              keep-alive upstream, one worker per proxy core): the floor any proxy hop costs here
#   wf-alt     only with ALT_OPTS="<JVM options>": wf-proxy again, with those JVM options instead of
#              the launcher's, measured in the same rounds (A/B of JVM settings); ALT_JAR=other.jar
#              runs that build instead (A/B of a code change; give ALT_OPTS the shipped options,
#              ./webfilter --java-command proxy prints them)
# Both webfilters: the shipped conf/ (pupil policy for loopback clients) with every UT1-layout list
# of /work/shared/data (or $WEBFILTER_SHARED_DATA) loaded; the origin host is in no list, so each
# request is identified, categorised, decided and published as an event. Each webfilter JVM runs with
# the launcher's options for its command (./webfilter --java-command proxy|run), so RSS is what ships.
#
# Loads, each run in interleaved rounds (direct squid wf-proxy wf-noev wf-run, then again):
#   1k-keepalive  1 KiB page, keep-alive                     (wrk)
#   1k-close      1 KiB page, "Connection: close" sent        (wrk: a new connection per request)
#   100k          100 KiB responses, keep-alive                (wrk)
#   tunnel        CONNECT + TLS + keep-alive GETs of 1 KiB    (TunnelLoad.java; wrk cannot CONNECT)
#   tunnel-new    only when named in LOADS: a new CONNECT + TLS tunnel for every 1 KiB GET (latency
#                 includes the CONNECT and the handshake), as browsers open tunnels
#   1k-paced      1 KiB keep-alive, each connection pausing 10 ms between requests (~5,000 req/s
#                 offered at 50 connections): latency added below saturation (p99 minus direct's)
# Reported per run: req/s, MB/s, p50, p99, the proxy's RSS after the run (all its processes), the
# proxy's CPU time per request (user + system, all its processes; for tunnels including the 3 s
# warm-up), and req/s as a share of Squid's and of direct's in the same round.
#
# Environment: LOADS="1k-keepalive tunnel" runs only those loads; TARGETS="direct wf-proxy" measures
# (and starts) only those targets, for quick experiments on a quieter machine; PIN=1 splits the cores:
# the proxy under test (Squid, webfilter) on the last core, everything else (wrk, nginx, the broker,
# TunnelLoad) on the others, as if the proxy had a box of its own (Squid then gets one worker per
# proxy core); JFR_DIR=/some/dir records a JFR
# profile (settings=profile) of each webfilter JVM for the whole run, written there on exit
# (wf-proxy.jfr, wf-run.jfr); summarise with `jfr print --events jdk.ExecutionSample`.
# INTERCEPT=1: webfilter decrypts the tunnels (the pupil role gets tls-interception; the webfilter JVMs
# trust the origin's self-signed certificate through javax.net.ssl.trustStore), so the tunnel loads
# measure TLS interception; Squid and wf-noev still only relay the bytes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$here/benchmarks/bench"
duration="${1:-10}"
conns="${2:-50}"
rounds="${3:-2}"
data="${WEBFILTER_SHARED_DATA:-$(cd "$here/.." && pwd)/shared/data}"
[ -d "$data/ut1" ] || data=/work/shared/data
jar="$here/app/target/webfilter.jar"
[ -f "$jar" ] || { echo "build the app jar first: ./webfilter --help"; exit 1; }
work="$(mktemp -d /tmp/webfilter-bench.XXXXXX)"
chmod 777 "$work"   # squid drops root privileges to its own user and writes its logs here
origin_port=18080; tls_port=18443; squid_port=13128; wfp_port=13129; wfr_port=13130; wfn_port=13131
wfa_port=13132; relay_port=13133
broker_port=19092; controller_port=19093
targets="${TARGETS:-direct squid wf-proxy wf-noev wf-run}"
[ -z "${ALT_OPTS:-}" ] || targets="$targets wf-alt"
proxy_on=(); rest_on=(); squid_workers=$(nproc)
if [ -n "${PIN:-}" ]; then
  last=$(($(nproc) - 1))
  proxy_on=(taskset -c "$last"); rest_on=(taskset -c "0-$((last - 1))"); squid_workers=1
fi
# Each server runs in a session of its own, as the daemons (nginx, Squid) put themselves: with the
# kernel's autogroup scheduling (kernel.sched_autogroup_enabled=1) CPU is shared fairly between
# sessions first, so a JVM left in this script's session would share one slice with wrk and the
# broker while nginx and Squid each had their own.
own_session=(setsid)
wanted() { [[ " $targets " == *" $1 "* ]]; }
pids=()
cleanup() {
  [ -f "$work/squid.pid" ] && squid -k shutdown -f "$work/squid.conf" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -f "$work/relay.pid" ] && kill "$(cat "$work/relay.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2; rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # file pattern what
  for _ in $(seq 1 240); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "$3 did not start"; cat "$1" "$1.err" 2>/dev/null | tail -20; exit 1
}

# --- origin: nginx, plain and TLS, 1 KiB and 100 KiB -------------------------------------------
mkdir -p "$work/www"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/1k.html"
head -c 102400 /dev/zero | tr '\0' 'x' > "$work/www/100k.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=origin.test" -addext "subjectAltName=DNS:origin.test" \
  -keyout "$work/origin.key" -out "$work/origin.crt" 2>/dev/null
trust_opts=()
if [ -n "${INTERCEPT:-}" ]; then
  keytool -importcert -noprompt -alias origin -file "$work/origin.crt" -keystore "$work/trust.p12" \
    -storetype PKCS12 -storepass changeit > /dev/null 2>&1
  trust_opts=(-Djavax.net.ssl.trustStore="$work/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit)
fi
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; daemon on; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 8192; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:$origin_port; root $work/www; }
  server { listen 127.0.0.1:$tls_port ssl; root $work/www;
           ssl_certificate $work/origin.crt; ssl_certificate_key $work/origin.key; }
}
NGINX
"${rest_on[@]}" nginx -c "$work/nginx.conf"
if wanted relay; then
  cat > "$work/relay.conf" <<NGINX
worker_processes $squid_workers; daemon on; pid $work/relay.pid; error_log $work/relay.err;
events { worker_connections 8192; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 120s;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  server { listen 127.0.0.1:$relay_port;
           location / { proxy_pass http://origin; proxy_http_version 1.1;
                        proxy_set_header Connection ""; proxy_set_header Host \$http_host; } }
}
NGINX
  "${proxy_on[@]}" nginx -c "$work/relay.conf"
fi

# --- Squid: 2 workers, no cache, access log on; origin.test from a hosts file -------------------
echo "127.0.0.1 origin.test" > "$work/hosts"
cat > "$work/squid.conf" <<SQUID
http_port 127.0.0.1:$squid_port
acl SSL_ports port $tls_port 443
acl CONNECT method CONNECT
http_access deny CONNECT !SSL_ports
http_access allow localhost
http_access deny all
cache deny all
cache_mem 8 MB
hosts_file $work/hosts
pid_filename $work/squid.pid
access_log daemon:$work/squid-access.log squid
cache_log $work/squid-cache.log
coredump_dir $work
workers $squid_workers
visible_hostname localhost
shutdown_lifetime 1 seconds
SQUID
if wanted squid; then
# a Squid from a run just before may still be shutting down on the same port
for _ in $(seq 1 60); do
  ss -ltn "sport = :$squid_port" | grep -q LISTEN || break
  sleep 0.5
done
"${proxy_on[@]}" squid -f "$work/squid.conf" 2> "$work/squid.err"   # daemon mode: SMP workers need it (-N is 1 process)
for _ in $(seq 1 60); do
  curl -sf -o /dev/null -x http://127.0.0.1:$squid_port "http://origin.test:$origin_port/1k.html" && break
  sleep 0.5
done
fi

# --- webfilter: a copy of the shipped conf/ that lets pupils tunnel to the TLS origin's port ----
cp -r "$here/conf" "$work/conf"
sed -i "s|^  resolve: {}|  resolve: {}\n  connect-ports: [443, $tls_port]|" "$work/conf/webfilter.yaml"
[ -z "${INTERCEPT:-}" ] || sed -i '/^  pupil:$/,/^    extends:/ s|^    extends: pupil-secondary$|&\n    tls-interception: true|' \
  "$work/conf/webfilter.yaml"
lists=()
for root in "$data/ut1" "$data"/hosts/*; do [ -d "$root" ] && lists+=(--lists "$root"); done
common=(--config "$work/conf/webfilter.yaml" --resolve origin.test=127.0.0.1 "${lists[@]}")
wf_java() { "$here/webfilter" --java-command "$1"; } # "env [MALLOC_ARENA_MAX=..] java -Xmx.." as shipped
jfr() { [ -n "${JFR_DIR:-}" ] && echo "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$JFR_DIR/$1.jfr"; true; }
if wanted wf-proxy || wanted wf-alt; then
  "${rest_on[@]}" "${own_session[@]}" java -Xmx512m -cp "$jar" "$bench/Broker.java" "$work/broker" $broker_port $controller_port \
    > "$work/broker.out" 2> "$work/broker.out.err" & pids+=($!)
  wait_for "$work/broker.out" "broker ready" broker
  "${proxy_on[@]}" "${own_session[@]}" $(wf_java proxy) "${trust_opts[@]}" $(jfr wf-proxy) -jar "$jar" proxy "${common[@]}" --data-dir "$work/wfp" --proxy-port $wfp_port \
    --kafka 127.0.0.1:$broker_port > "$work/wfp.out" 2> "$work/wfp.out.err" & pids+=($!)
  wfp_pid=$!
fi
if wanted wf-alt; then
  # shellcheck disable=SC2086 # ALT_OPTS is a list of options
  "${proxy_on[@]}" "${own_session[@]}" env MALLOC_ARENA_MAX=2 java $ALT_OPTS "${trust_opts[@]}" $(jfr wf-alt) -jar "${ALT_JAR:-$jar}" proxy "${common[@]}" \
    --data-dir "$work/wfa" --proxy-port $wfa_port --kafka 127.0.0.1:$broker_port \
    > "$work/wfa.out" 2> "$work/wfa.out.err" & pids+=($!)
  wfa_pid=$!
fi
if wanted wf-run; then
  "${proxy_on[@]}" "${own_session[@]}" $(wf_java run) "${trust_opts[@]}" $(jfr wf-run) -jar "$jar" run "${common[@]}" --data-dir "$work/wfr" --proxy-port $wfr_port \
    --ui-port 0 > "$work/wfr.out" 2> "$work/wfr.out.err" & pids+=($!)
  wfr_pid=$!
fi
if wanted wf-noev; then
  "${proxy_on[@]}" "${own_session[@]}" $(wf_java proxy) -cp "$jar" "$bench/ProxyNoEvents.java" "$work/conf/webfilter.yaml" "$work/wfn" $wfn_port \
    "$data/ut1" "$data"/hosts/* > "$work/wfn.out" 2> "$work/wfn.out.err" & pids+=($!)
  wfn_pid=$!
fi
! wanted wf-noev || wait_for "$work/wfn.out" "webfilter ready" "webfilter proxy (events off)"
! wanted wf-proxy || wait_for "$work/wfp.out" "webfilter ready" "webfilter proxy"
! wanted wf-run || wait_for "$work/wfr.out" "webfilter ready" "webfilter run"
! wanted wf-alt || wait_for "$work/wfa.out" "webfilter ready" "webfilter proxy (ALT_OPTS)"

port_of() { case $1 in squid) echo $squid_port;; wf-proxy) echo $wfp_port;; wf-noev) echo $wfn_port;; wf-run) echo $wfr_port;; wf-alt) echo $wfa_port;; relay) echo $relay_port;; esac; }
processes() { # target -> its process and their descendants (Squid's and nginx's workers)
  local p
  case $1 in squid) p=$(cat "$work/squid.pid");; wf-proxy) p=$wfp_pid;; wf-noev) p=$wfn_pid;; wf-run) p=$wfr_pid;; wf-alt) p=$wfa_pid;; relay) p=$(cat "$work/relay.pid");; *) return;; esac
  echo $p $(pgrep -P "$p" || true) $(for c in $(pgrep -P "$p" || true); do pgrep -P "$c" || true; done)
}
rss_mb() { # total RSS of a target's processes, MB
  local total=0
  [ "$1" = direct ] && { echo -; return; }
  for q in $(processes "$1"); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$q/status" 2>/dev/null || echo 0)))
  done
  echo $((total / 1024))
}
cpu_ticks() { # CPU time (user + system, clock ticks) of a target's processes so far
  local total=0
  for q in $(processes "$1"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$q/stat" 2>/dev/null || echo 0)))
  done
  echo $total
}
hz=$(getconf CLK_TCK)

cat > "$work/keepalive.lua" <<'LUA'
LUA
printf 'wrk.headers["Connection"] = "close"\n' > "$work/close.lua"
# paced: each connection waits 10 ms after each answer, so 50 connections offer ~5,000 req/s (a large
# school's peak) and the CPU is not saturated: the latency a proxy adds, not its queueing at overload
printf 'function delay()\n  return 10\nend\n' > "$work/paced.lua"
# every load also prints its 99.9th percentile (wrk's --latency stops at 99 %)
for f in keepalive close paced; do
  printf 'function done(summary, latency, requests)\n  io.write(string.format("p99.9 %%.3fms\\n", latency:percentile(99.9) / 1000))\nend\n' >> "$work/$f.lua"
done
# wrk sends origin-form to the "server" it connects to; through a proxy the path must be absolute
for f in keepalive close paced; do
  for size in 1k 100k; do
    { printf 'wrk.path = "http://origin.test:%s/%s.html"\nwrk.headers["Host"] = "origin.test:%s"\n' \
        $origin_port $size $origin_port; cat "$work/$f.lua"; } > "$work/$f-$size-proxy.lua"
    { printf 'wrk.path = "/%s.html"\nwrk.headers["Host"] = "origin.test:%s"\n' $size $origin_port
      cat "$work/$f.lua"; } > "$work/$f-$size-direct.lua"
  done
done

to_mb() { # wrk's Transfer/sec (e.g. 1.23MB, 512.00KB, 1.10GB) in MB/s
  awk '{v=$1; u=v; gsub(/[0-9.]/,"",u); gsub(/[A-Za-z]/,"",v);
        m=(u=="GB")?1024:(u=="MB")?1:(u=="KB")?1/1024:1/1048576; printf "%.1f", v*m}' <<< "$1"
}
to_ms() { # wrk's latency (e.g. 812.00us, 2.34ms, 1.02s) in ms
  awk '{v=$1; u=v; gsub(/[0-9.]/,"",u); gsub(/[A-Za-z]/,"",v);
        m=(u=="s")?1000:(u=="ms")?1:(u=="us")?0.001:1; printf "%.2f", v*m}' <<< "$1"
}

measure() { # load target -> "rps mbs p50 p99 p99.9 cpu-us-per-request"
  local load=$1 target=$2 port url lua out cpu0 requests
  port=$(port_of "$target")
  if [ "$load" = tunnel ] || [ "$load" = tunnel-new ]; then
    local via=direct per_tunnel=; [ "$target" = direct ] || via=127.0.0.1:$port
    [ "$load" = tunnel-new ] && per_tunnel=1
    cpu0=$(cpu_ticks "$target")
    "${rest_on[@]}" java -Xmx256m "$bench/TunnelLoad.java" $via origin.test $tls_port /1k.html \
      "$conns" "$duration" 3 $per_tunnel > "$work/out.txt" 2>&1
    echo "$(awk '{print $1, $3, $6, $9, "-"}' "$work/out.txt")" \
      "$(per_request "$target" "$cpu0" "$(awk '{print $NF}' "$work/out.txt")")"
    return
  fi
  case $load in 1k-keepalive) lua=keepalive-1k;; 1k-close) lua=close-1k;; 100k) lua=keepalive-100k;;
    1k-paced) lua=paced-1k;; esac
  if [ "$target" = direct ]; then url=http://127.0.0.1:$origin_port; lua=$lua-direct
  else url=http://127.0.0.1:$port; lua=$lua-proxy; fi
  "${rest_on[@]}" wrk -t2 -c"$conns" -d3s -s "$work/$lua.lua" "$url" > /dev/null       # warm-up (JIT, connections)
  cpu0=$(cpu_ticks "$target")
  "${rest_on[@]}" wrk -t2 -c"$conns" -d"${duration}s" --latency -s "$work/$lua.lua" "$url" > "$work/out.txt"
  requests=$(awk '/requests in/ {print $1}' "$work/out.txt")
  echo "$(awk '/Requests\/sec/ {print $2}' "$work/out.txt")" \
    "$(to_mb "$(awk '/Transfer\/sec/ {print $2}' "$work/out.txt")")" \
    "$(to_ms "$(awk '$1=="50%" {print $2}' "$work/out.txt")")" \
    "$(to_ms "$(awk '$1=="99%" {print $2}' "$work/out.txt")")" \
    "$(to_ms "$(awk '$1=="p99.9" {print $2}' "$work/out.txt")")" \
    "$(per_request "$target" "$cpu0" "$requests")"
}
per_request() { # target cpu-ticks-before requests -> the target's CPU microseconds per request
  [ "$1" = direct ] && { echo -; return; }
  awk -v t="$(( $(cpu_ticks "$1") - $2 ))" -v n="$3" -v hz="$hz" 'BEGIN{if (n>0) printf "%.0f", t*1e6/hz/n; else print "-"}'
}

# sanity: every proxy relays both kinds before anything is measured
for t in relay squid wf-proxy wf-noev wf-run wf-alt; do
  wanted $t || continue
  curl -sf -o /dev/null -x "http://127.0.0.1:$(port_of $t)" "http://origin.test:$origin_port/1k.html" \
    || { echo "$t: no answer over HTTP"; exit 1; }
  [ "$t" = relay ] && continue   # nginx does not CONNECT
  curl -sfk -o /dev/null -x "http://127.0.0.1:$(port_of $t)" --resolve origin.test:$tls_port:127.0.0.1 \
    "https://origin.test:$tls_port/1k.html" || { echo "$t: no answer through a tunnel"; exit 1; }
done

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); ${duration}s runs, $conns connections, $rounds rounds"
echo "# squid: $(squid -v | head -1 | sed 's/.*Version //'), workers $squid_workers, access log on; lists from $data"
[ -z "${ALT_OPTS:-}" ] || echo "# wf-alt: java $ALT_OPTS -jar ${ALT_JAR:-$jar}; wf-proxy: $(wf_java proxy)"
[ -z "${INTERCEPT:-}" ] || echo "# INTERCEPT: webfilter (not wf-noev) decrypts the tunnels; Squid relays them"
[ -z "${PIN:-}" ] || echo "# PIN: proxies on core ${proxy_on[2]}, clients, origin and broker on ${rest_on[2]}"
printf "%-13s %-9s %5s %10s %8s %8s %8s %8s %7s %7s %8s %8s\n" load target round req/s MB/s p50ms p99ms p99.9ms RSS_MB cpu_us "/squid" "/direct"
for load in ${LOADS:-1k-keepalive 1k-close 100k tunnel 1k-paced}; do
  for round in $(seq 1 "$rounds"); do
    for target in direct relay squid wf-proxy wf-noev wf-run wf-alt; do
      wanted $target || continue
      [[ "$load" = tunnel* ]] && [ "$target" = relay ] && continue
      read -r rps mbs p50 p99 p999 cpu <<< "$(measure $load $target)"
      [ "$target" = direct ] && direct_rps=$rps
      [ "$target" = squid ] && squid_rps=$rps
      ratio_s=$(awk -v a="$rps" -v b="${squid_rps:-0}" 'BEGIN{if (b>0) printf "%.2f", a/b; else print "-"}')
      ratio_d=$(awk -v a="$rps" -v b="${direct_rps:-0}" 'BEGIN{if (b>0) printf "%.2f", a/b; else print "-"}')
      printf "%-13s %-9s %5s %10s %8s %8s %8s %8s %7s %7s %8s %8s\n" \
        $load $target $round "$rps" "$mbs" "$p50" "$p99" "$p999" "$(rss_mb $target)" "$cpu" "$ratio_s" "$ratio_d"
    done
    squid_rps=0
  done
done
! wanted squid || echo "# squid access log lines: $(wc -l < "$work/squid-access.log")"
