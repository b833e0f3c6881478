#!/usr/bin/env bash
# Times vmlinux.h generation from this machine's kernel BTF: bpfj's pure-Java generator (a fresh
# JVM per run, from process start to the file written, as a command-line tool runs) against
# `bpftool btf dump file /sys/kernel/btf/vmlinux format c`. Runs alternate (bpftool, java,
# bpftool, java, ...) so that both see the same machine load; prints the median and min-max of
# the wall-clock time and of the CPU time (user+sys) of each, and the Java/bpftool ratios.
#
#   benchmarks/vmlinux-time.sh [--runs N] [--btf FILE] [--aot] [--default-jvm] [--maven] [--no-build]
#
#   --runs N       runs of each (default 7, at least 5)
#   --btf FILE     BTF file to read (default /sys/kernel/btf/vmlinux)
#   --aot          also time java with a JDK 25 AOT cache (made first by one training run)
#   --default-jvm  also time java without the launcher's JVM options
#   --maven        also time the bpf:vmlinux goal inside Maven's JVM: the goal's own time as it
#                  logs it (reading the BTF to writing the header, in a JVM whose JDK classes
#                  Maven has already warmed up), without and with the header cache; needs the
#                  plugin installed (mvn install -DskipTests)
#   --no-build     use the toolchain classes as they are (BPFJ_TOOLCHAIN_CP, or the jar/classes found)
#
# Java comes from BPFJ_JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64). The JVM options
# (BPFJ_VMLINUX_JVM_OPTS) default to what a short-lived command-line tool should use: the serial
# collector, the C1 compiler only (C2 compiles cost more CPU than they return in a one-second
# run) and transparent huge pages for the heap (a run allocates ~40 MB; with 4 KiB pages the
# page faults alone cost a fifth of the run). Not part of the test run; needs python3 and bpftool.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs=7
btf=/sys/kernel/btf/vmlinux
aot=0
default_jvm=0
maven=0
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --btf) btf="$2"; shift 2 ;;
        --aot) aot=1; shift ;;
        --default-jvm) default_jvm=1; shift ;;
        --maven) maven=1; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$runs" -ge 5 ] || { echo "--runs must be at least 5" >&2; exit 2; }

java_home="${BPFJ_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$java_home/bin/java"
[ -x "$java" ] || { echo "no java at $java (set BPFJ_JAVA_HOME to a JDK 25)" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "bpftool is not installed (apt-get install linux-tools-common or bpftool)" >&2; exit 1; }
[ -r "$btf" ] || { echo "cannot read $btf (run as root, on a kernel with CONFIG_DEBUG_INFO_BTF)" >&2; exit 1; }
jvm_opts="${BPFJ_VMLINUX_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+UseTransparentHugePages}"

work="$(mktemp -d /tmp/bpfj-vmlinux-time.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# The toolchain as a jar (an AOT cache only accepts jars on the class path).
jar="$here/build/bpf-toolchain.jar"
if [ -n "${BPFJ_TOOLCHAIN_CP:-}" ]; then
    jar="$BPFJ_TOOLCHAIN_CP"
elif [ "$build" = 1 ]; then
    echo "building bpf-toolchain (mvn -o package into bpf-toolchain/target-bench) ..." >&2
    (cd "$root" && JAVA_HOME="$java_home" mvn -B -ntp -o -q -pl bpf-toolchain -Dbpfj.buildDirectory=target-bench \
        package -DskipTests >&2)
    mkdir -p "$here/build"
    cp "$(ls "$root"/bpf-toolchain/target-bench/bpf-toolchain-*.jar | grep -v -- '-sources\|-javadoc' | head -1)" "$jar"
fi
[ -e "$jar" ] || { echo "no toolchain at $jar (drop --no-build, or set BPFJ_TOOLCHAIN_CP)" >&2; exit 1; }
main=dev.bpfj.toolchain.vmlinux.VmlinuxGenerator

# name|command (the output file is removed before each run, so every run generates it in full)
variants=("bpftool|bpftool btf dump file $btf format c > $work/bpftool.h")
variants+=("java|$java $jvm_opts -cp $jar $main --btf $btf $work/java.h")
if [ "$default_jvm" = 1 ]; then
    variants+=("java (default JVM options)|$java -cp $jar $main --btf $btf $work/java-default.h")
fi
if [ "$maven" = 1 ]; then
    version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)
    mkdir -p "$work/maven"
    cat > "$work/maven/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>vmlinux-time</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <properties>
    <header.cache>none</header.cache>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>dev.bpfj</groupId>
        <artifactId>bpf-maven-plugin</artifactId>
        <version>$version</version>
        <configuration>
          <btfFile>$btf</btfFile>
          <output>$work/maven.h</output>
          <vmlinuxCache>\${header.cache}</vmlinuxCache>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
    goal="cd $work/maven && JAVA_HOME=$java_home mvn -B -ntp -o dev.bpfj:bpf-maven-plugin:$version:vmlinux"
    variants+=("bpf:vmlinux in Maven|$goal")
    # The same goal when the machine's header cache already holds this BTF's header (filled here
    # first), as for every build after the first on this kernel.
    sh -c "$goal -Dheader.cache=$work/cache" >/dev/null
    variants+=("bpf:vmlinux in Maven, cached|$goal -Dheader.cache=$work/cache")
fi
if [ "$aot" = 1 ]; then
    echo "training the AOT cache ..." >&2
    $java $jvm_opts -XX:AOTCacheOutput="$work/vmlinux.aot" -cp "$jar" $main --btf "$btf" "$work/train.h" \
        >"$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
    variants+=("java + AOT cache|$java $jvm_opts -XX:AOTCache=$work/vmlinux.aot -cp $jar $main --btf $btf $work/java-aot.h")
fi

echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$runs runs each, alternating; BTF $btf ($(stat -c %s "$btf") bytes)"
echo "java: $("$java" -version 2>&1 | head -1), options: $jvm_opts"
printf '%s\n' "${variants[@]}" > "$work/variants"
python3 - "$runs" "$work" <<'PY'
import os, re, statistics, subprocess, sys, time

runs, work = int(sys.argv[1]), sys.argv[2]
with open(os.path.join(work, "variants")) as lines:
    variants = [line.rstrip("\n").split("|", 1) for line in lines if line.strip()]
wall = {name: [] for name, _ in variants}
cpu = {name: [] for name, _ in variants}
outputs = {}
for _ in range(runs):
    for name, command in variants:
        maven = name.startswith("bpf:vmlinux in Maven")
        for f in os.listdir(work):
            if f.endswith(".h") and f != "train.h":
                os.remove(os.path.join(work, f))
        start = time.perf_counter()
        with open(os.path.join(work, "stderr"), "wb") as log:
            process = subprocess.Popen(["/bin/sh", "-c", command], stdout=subprocess.PIPE if maven else subprocess.DEVNULL,
                                       stderr=log)
            printed = process.stdout.read().decode(errors="replace") if maven else ""
            _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        with open(os.path.join(work, "stderr"), "rb") as log:
            error = log.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{name} failed: {command}\n{error}{printed}")
        if maven:
            # The goal's own time, as it logs it; Maven's start-up is not the generator's.
            found = re.search(r"\[INFO\] (?:Generated|Copied) .* \((?:\d+ declarations, )?(\d+) ms\)", printed)
            if not found:
                sys.exit(f"{name}: no 'Generated' line in:\n{printed}")
            elapsed = int(found.group(1)) / 1000
            usage = None
        wall[name].append(elapsed)
        if usage is not None:
            cpu[name].append(usage.ru_utime + usage.ru_stime)
        for f in os.listdir(work):
            if f.endswith(".h") and f != "train.h":
                with open(os.path.join(work, f), "rb") as h:
                    text = h.read()
                lines = text.count(b"\n")
                outputs[name] = f"{len(text)} bytes, {lines} lines"

for name, _ in variants:
    print(f"  {name} writes {outputs.get(name, 'nothing')}")

def fmt(values):
    if not values:
        return "-"
    return f"{statistics.median(values) * 1000:7.0f} ms ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"

print(f"{'':28} {'wall median (min-max)':>28} {'CPU median (min-max)':>28}")
for name, _ in variants:
    print(f"{name:28} {fmt(wall[name]):>28} {fmt(cpu[name]):>28}")
base = variants[0][0]
for name, _ in variants[1:]:
    cpu_ratio = f"{statistics.median(cpu[name]) / statistics.median(cpu[base]):.2f}" if cpu[name] else "-"
    print(f"ratio {name}/{base}: wall {statistics.median(wall[name]) / statistics.median(wall[base]):.2f}, CPU {cpu_ratio}")
PY
