#!/usr/bin/env bash
# A Spark standalone cluster on this machine, for trying Jacobi's Spark jobs with executors in their own JVMs:
#   scripts/spark-standalone.sh start [WORKERS]   a master and WORKERS workers (default 2), prints the master URL
#   scripts/spark-standalone.sh status            what runs, and the master URL
#   scripts/spark-standalone.sh stop              stops exactly the processes start started (and their executors)
# It runs Spark's own Master and Worker classes from the jars the build fetched (target/spark-lib, made by
# ./mvnw -B -Pspark -DskipTests package) with a SPARK_HOME laid out for them under target/, listens on 127.0.0.1
# only, lets the system choose free ports and prints them. Logs: target/spark-standalone/logs. See docs/scale.md.
#
# Settings (environment): SPARK_WORKER_CORES (default 1) and SPARK_WORKER_MEMORY (default 2g) per worker;
# JACOBI_SPARK_CLUSTER_DIR, the folder for its state, logs and work (default target/spark-standalone);
# JACOBI_SPARK_CLASSPATH, a Java class path holding Spark to run the daemons with instead of target/spark-lib
# (the tests pass theirs; executors then get only the class path the application sends).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${JACOBI_SPARK_CLUSTER_DIR:-$here/target/spark-standalone}"
home="$dir/home"
logs="$dir/logs"
spark_lib="$here/target/spark-lib"
master_class=org.apache.spark.deploy.master.Master
worker_class=org.apache.spark.deploy.worker.Worker

# Spark's own JDK 17 module options (spark-launcher's JavaModuleOptions), as ./jacobi passes them.
java_opts=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true)

die() {
  echo "spark-standalone: $*" >&2
  exit 1
}

# True when PID runs one of our daemons: the JVM class and this cluster's SPARK_HOME on its command line.
ours() {
  local pid="$1" class="$2"
  [ -r "/proc/$pid/cmdline" ] || return 1
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  [[ "$cmd" == *"$class"* && "$cmd" == *"-Djacobi.spark.cluster=$dir "* ]]
}

# Waits until FILE holds a line matching PATTERN (the daemon PID must stay alive); prints the line.
await_line() {
  local file="$1" pattern="$2" pid="$3" what="$4"
  for _ in $(seq 1 240); do
    if grep -m1 -E "$pattern" "$file" 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "the $what stopped while starting; see $file"
    sleep 0.5
  done
  die "the $what did not start within 2 minutes; see $file"
}

# Starts CLASS with ARGS in its own session (so that stop can end it with the executors it started).
launch() {
  local name="$1" class="$2"
  shift 2
  SPARK_HOME="$home" SPARK_CONF_DIR="$home/conf" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
    SPARK_LOCAL_DIRS="$dir/local" SPARK_LOG_DIR="$logs" \
    setsid java -Xmx512m "${java_opts[@]}" -Djacobi.spark.cluster="$dir" -cp "$class_path" "$class" "$@" \
      >"$logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

start() {
  local workers="${1:-2}"
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "WORKERS must be a positive number, not '$workers'."
  if [ -f "$dir/master.pid" ] && ours "$(cat "$dir/master.pid")" "$master_class"; then
    die "a cluster already runs from $dir ($(cat "$dir/master.url" 2>/dev/null)); stop it first."
  fi
  if [ -n "${JACOBI_SPARK_CLASSPATH:-}" ]; then
    class_path="$home/conf/:$JACOBI_SPARK_CLASSPATH"
  else
    compgen -G "$spark_lib/spark-core_2.13-*.jar" >/dev/null ||
      die "Spark's jars are not in $spark_lib: build them with ./mvnw -B -Pspark -DskipTests package"
    class_path="$home/conf/:$home/jars/*"
  fi
  rm -rf "$home" "$logs" "$dir/local" "$dir"/work-* "$dir"/*.pid "$dir/master.url"
  mkdir -p "$home/conf" "$home/jars" "$logs" "$dir/local"
  # Spark's launcher puts SPARK_HOME/jars on every executor's class path: Spark's jars, or none when the
  # daemons run from a class path given by the caller (the application then sends its own).
  if [ -z "${JACOBI_SPARK_CLASSPATH:-}" ]; then
    for jar in "$spark_lib"/*.jar; do ln -s "$jar" "$home/jars/"; done
  fi
  # The master's REST submission server would take the fixed port 6066: spark-submit's legacy path, not needed here.
  echo "spark.master.rest.enabled false" >"$home/conf/spark-defaults.conf"
  cat >"$home/conf/log4j2.properties" <<'EOF'
rootLogger.level = info
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex
EOF

  launch master "$master_class" --host 127.0.0.1 --port 0 --webui-port 0
  local line url ui
  line="$(await_line "$logs/master.log" 'Starting Spark master at spark://' "$(cat "$dir/master.pid")" master)"
  url="$(sed -E 's|.*(spark://[^ ]+).*|\1|' <<<"$line")"
  ui="$(await_line "$logs/master.log" 'MasterWebUI.*http://' "$(cat "$dir/master.pid")" master |
    sed -E 's|.*(http://[^ ]+).*|\1|')"
  echo "$url" >"$dir/master.url"
  echo "master   pid $(cat "$dir/master.pid")  $url  web UI $ui  log $logs/master.log"

  for i in $(seq 1 "$workers"); do
    mkdir -p "$dir/work-$i"
    launch "worker-$i" "$worker_class" --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores "${SPARK_WORKER_CORES:-1}" --memory "${SPARK_WORKER_MEMORY:-2g}" --work-dir "$dir/work-$i" "$url"
  done
  for i in $(seq 1 "$workers"); do
    local pid port
    pid="$(cat "$dir/worker-$i.pid")"
    await_line "$logs/worker-$i.log" 'Successfully registered with master' "$pid" "worker $i" >/dev/null
    port="$(grep -m1 -E "Successfully started service 'sparkWorker' on port" "$logs/worker-$i.log" |
      sed -E 's/.*on port ([0-9]+).*/\1/')"
    echo "worker-$i pid $pid  127.0.0.1:$port  ${SPARK_WORKER_CORES:-1} core(s)  log $logs/worker-$i.log"
  done
  echo "MASTER=$url"
}

status() {
  [ -f "$dir/master.pid" ] || { echo "no cluster started from $dir"; return 0; }
  local name class running=0
  for f in "$dir"/master.pid "$dir"/worker-*.pid; do
    [ -f "$f" ] || continue
    name="$(basename "$f" .pid)"
    [ "$name" = master ] && class="$master_class" || class="$worker_class"
    if ours "$(cat "$f")" "$class"; then
      echo "$name pid $(cat "$f") running"
      running=$((running + 1))
    else
      echo "$name pid $(cat "$f") not running"
    fi
  done
  [ "$running" -gt 0 ] && echo "MASTER=$(cat "$dir/master.url" 2>/dev/null)"
  return 0
}

stop() {
  [ -f "$dir/master.pid" ] || { echo "no cluster started from $dir"; return 0; }
  local name class pid stopped=()
  # Workers first (each with the executors it started: same session), then the master.
  for f in "$dir"/worker-*.pid "$dir"/master.pid; do
    [ -f "$f" ] || continue
    name="$(basename "$f" .pid)"
    [ "$name" = master ] && class="$master_class" || class="$worker_class"
    pid="$(cat "$f")"
    if ours "$pid" "$class"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      stopped+=("$pid")
    fi
    rm -f "$f"
  done
  for pid in "${stopped[@]}"; do
    for _ in $(seq 1 20); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -f "$dir/master.url"
  echo "stopped ${#stopped[@]} process(es) started from $dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [WORKERS] | status | stop" >&2; exit 2 ;;
esac
