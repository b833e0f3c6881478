#!/usr/bin/env python3
"""bpfj benchmarks: Java against C on the same BPF object, side by side (issue 9).

Run through benchmarks/run (as root). Builds what it needs into benchmarks/build and the
modules' target-bench folders, runs every measurement, prints a table and writes
benchmarks/results/latest.json. A measurement whose inputs are missing (no opensnoop jar, no
skeleton goal, ...) is reported as "unavailable: <reason>" and the rest still runs.

Method: every figure is measured in separate runs (a fresh process each), Java and C runs
alternate (A B A B ...), and the median with min and max over the runs is reported. Consumer CPU
is utime+stime from /proc/<pid>/stat between the moment the load starts and the moment the
consumer has gone idle after it, so start-up (JVM, load, attach) is not in it.
"""

import argparse
import datetime
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(HERE, "build")
BIN = os.path.join(BUILD, "bin")
CLASSES = os.path.join(BUILD, "classes")
RESULTS = os.path.join(HERE, "results")
JAVA_HOME = os.environ.get("BPFJ_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
JAVA = os.path.join(JAVA_HOME, "bin", "java")
JAVAC = os.path.join(JAVA_HOME, "bin", "javac")
BUILD_DIR_NAME = "target-bench"
LAUNCHER_CACHE = os.path.join(BUILD, "xdg-cache")
PERF_WAKEUP = 64  # default samples per wake-up of the batched Java perf reader (--perf-wakeup)
OPENSNOOP = os.path.join(ROOT, "examples", "opensnoop")
OPENSNOOP_SOURCE = os.path.join(OPENSNOOP, "src", "main", "bpf", "opensnoop.bpf.c")
OPENSNOOP_JAR = os.path.join(OPENSNOOP, BUILD_DIR_NAME, "opensnoop.jar")
RUNTIME_JAR_DIR = os.path.join(ROOT, "bpf-runtime", BUILD_DIR_NAME)
CLK_TCK = os.sysconf("SC_CLK_TCK")
NATIVE = "--enable-native-access=ALL-UNNAMED"
GROUPS = ["delivery", "tool", "maps", "startup", "build"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd, cwd=ROOT, env=None, check=True):
    """Runs a command, returns (rc, combined output)."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd[:4]), proc.returncode, last_lines(proc.stdout)))
    return proc.returncode, proc.stdout


def last_lines(text, n=3):
    lines = [l for l in text.strip().splitlines() if l.strip() and not l.startswith("WARNING")]
    return " | ".join(lines[-n:])[-400:]


def maven_env():
    env = dict(os.environ)
    env["JAVA_HOME"] = JAVA_HOME
    env["PATH"] = os.path.join(JAVA_HOME, "bin") + ":" + env.get("PATH", "")
    return env


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def cpu_seconds(pid):
    """utime + stime of a process, from /proc/<pid>/stat, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK


def compiler_cpu_seconds(pid):
    """utime + stime of a JVM's JIT compiler threads ("C1/C2 CompilerThread"), in seconds."""
    total = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, task)) as f:
                text = f.read()
        except OSError:
            continue
        if "CompilerThre" in text[text.index("(") + 1:text.rindex(")")]:
            rest = text.rsplit(")", 1)[1].split()
            total += int(rest[11]) + int(rest[12])
    return total / CLK_TCK


def wait_idle(pid, quiet_polls=3, interval=0.05, cap=10.0):
    """Waits until a process has used no CPU for quiet_polls polls in a row: it has drained its backlog."""
    last, quiet, deadline = cpu_seconds(pid), 0, time.monotonic() + cap
    while quiet < quiet_polls and time.monotonic() < deadline:
        time.sleep(interval)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now == last else 0
        last = now


def read_line(proc, timeout):
    """The next stdout line of proc within timeout seconds, or None."""
    deadline = time.monotonic() + timeout
    buf = b""
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 1)
        if not chunk:
            break
        if chunk == b"\n":
            return buf.decode(errors="replace")
        buf += chunk
    return None


def read_fd_line(fd, timeout):
    """The next line read from a file descriptor (a pty master) within timeout seconds, or None."""
    deadline = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            chunk = os.read(fd, 1)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        if chunk in (b"\n", b"\r") and buf:
            return buf.decode(errors="replace")
        if chunk not in (b"\n", b"\r"):
            buf += chunk
    return None


def anon_fds(pid, kind):
    """How many anonymous-inode fds of a kind ("[eventpoll]", "[perf_event]") a process holds (0 when it is gone)."""
    try:
        names = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return 0
    count = 0
    for name in names:
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, name)) == "anon_inode:" + kind:
                count += 1
        except OSError:
            pass
    return count


class PeakRss(threading.Thread):
    """Follows a process's VmHWM (peak RSS of its current program) every 10 ms until it exits.

    Not wait4's ru_maxrss: the kernel carries the high-water mark of the memory a child had
    before exec into it, and a child forked from this Python starts with Python's RSS (about
    18 MiB), more than a small C tool's whole peak."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.kib, self.done = pid, 0, threading.Event()
        self.start()

    def run(self):
        while not self.done.is_set():
            try:
                with open("/proc/%d/status" % self.pid) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            self.kib = max(self.kib, int(line.split()[1]))
                            break
            except OSError:
                return
            self.done.wait(0.01)


def reap(proc, peak=None):
    """Waits for proc; returns its peak RSS in KiB from `peak` (a PeakRss), else wait4's ru_maxrss."""
    try:
        # a zombie's status still has no VmHWM: read the last value while it is alive
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    except ChildProcessError:
        pass
    if peak:
        peak.done.set()
        peak.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return peak.kib if peak else usage.ru_maxrss


def kv(line):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([-\d.]+)", line or "")}


class Bench:
    def __init__(self, args):
        self.args = args
        self.runs = args.runs
        self.seconds = args.seconds
        self.measurements = []
        self.unavailable = []
        self.inputs = {}
        self.obj = None
        self.offsets = None
        self.java_cp = None
        self.launcher_warm = False

    # ---------------------------------------------------------------- results

    def unavailable_item(self, item, reason):
        log("unavailable: %s: %s" % (item, reason))
        self.unavailable.append({"id": item, "reason": reason})

    def pair(self, mid, group, label, unit, java, c, better, bcc=None):
        """A Java/C comparison; java and c are lists of per-run values. bcc: the real bcc tool's runs
        (--c-opensnoop), a second C column."""
        j, k = stats(java), stats(c)
        ratio = j["median"] / k["median"] if j and k and k["median"] else None
        entry = {"id": mid, "group": group, "label": label, "unit": unit, "java": j, "c": k,
                 "ratio_java_c": ratio, "better": better}
        if bcc is not None:
            b = stats(bcc)
            entry["c_bcc"] = b
            entry["ratio_java_c_bcc"] = j["median"] / b["median"] if j and b and b["median"] else None
        self.measurements.append(entry)

    def single(self, mid, group, label, unit, values, better):
        self.measurements.append({"id": mid, "group": group, "label": label, "unit": unit, "value": stats(values),
                                  "better": better})

    # ---------------------------------------------------------------- build

    def build(self):
        os.makedirs(BIN, exist_ok=True)
        for name, libs in (("loadgen", ["-pthread"]), ("consumer", ["-pthread", "-lbpf"]),
                           ("opensnoop_ref", ["-lbpf"]), ("mapbench", ["-lbpf"])):
            run(["gcc", "-O2", "-Wall", "-o", os.path.join(BIN, name), os.path.join(HERE, "c", name + ".c")] + libs)
        if not self.args.no_build:
            log("building bpf-runtime and examples/opensnoop into %s (mvn -o package -DskipTests) ..." % BUILD_DIR_NAME)
            rc, out = run(["mvn", "-B", "-ntp", "-o", "-q", "-pl", "examples/opensnoop", "-am",
                           "-Dbpfj.buildDirectory=" + BUILD_DIR_NAME, "package", "-DskipTests", "-Dinvoker.skip=true"],
                          env=maven_env(), check=False)
            if rc != 0:
                log("the opensnoop build failed: %s; building bpf-runtime alone" % last_lines(out))
                run(["mvn", "-B", "-ntp", "-o", "-q", "-pl", "bpf-runtime", "-Dbpfj.buildDirectory=" + BUILD_DIR_NAME,
                     "package", "-DskipTests"], env=maven_env(), check=False)
            if self.args.install_plugin:
                # bpf:compile/bpf:skeleton on the command line resolve the plugin from ~/.m2.
                run(["mvn", "-B", "-ntp", "-o", "-q", "-pl", "bpf-toolchain,bpf-maven-plugin", "-am",
                     "-Dbpfj.buildDirectory=" + BUILD_DIR_NAME, "install", "-DskipTests", "-Dinvoker.skip=true"],
                    env=maven_env(), check=False)
        self.inputs["opensnoop_jar"] = OPENSNOOP_JAR if os.path.isfile(OPENSNOOP_JAR) else None
        self.inputs["c_opensnoop"] = self.args.c_opensnoop
        # The BPF object: the one the Java tool ships (from its jar), else a bare clang build of the same source.
        obj = os.path.join(BUILD, "opensnoop.bpf.o")
        if self.inputs["opensnoop_jar"]:
            with zipfile.ZipFile(OPENSNOOP_JAR) as jar:
                entry = next((n for n in jar.namelist() if n.endswith("opensnoop.bpf.o")), None)
                if entry:
                    with open(obj, "wb") as f:
                        f.write(jar.read(entry))
                    self.inputs["object"] = "opensnoop.jar!/" + entry
        if "object" not in self.inputs and os.path.isfile(OPENSNOOP_SOURCE):
            run(clang_command(OPENSNOOP_SOURCE, obj))
            self.inputs["object"] = "clang " + os.path.relpath(OPENSNOOP_SOURCE, ROOT)
        if "object" in self.inputs:
            self.obj = obj
            self.offsets = kv(run([os.path.join(BIN, "consumer"), "offsets", obj])[1])
        jars = sorted(f for f in os.listdir(RUNTIME_JAR_DIR) if re.fullmatch(r"bpf-runtime-[\d.]+(-SNAPSHOT)?\.jar", f)) \
            if os.path.isdir(RUNTIME_JAR_DIR) else []
        if jars:
            runtime_jar = os.path.join(RUNTIME_JAR_DIR, jars[-1])
            sources = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(HERE, "java")) for f in fs if f.endswith(".java")]
            shutil.rmtree(CLASSES, ignore_errors=True)
            run([JAVAC, "-d", CLASSES, "-cp", runtime_jar] + sources)
            self.java_cp = runtime_jar + ":" + CLASSES
            self.inputs["runtime_jar"] = runtime_jar

    # ---------------------------------------------------------------- 1. event delivery

    def consumer_command(self, kind, pid):
        mode = "perf" if "perf" in kind else "ring"
        if kind.startswith("c_"):
            wakeup = [str(self.args.perf_wakeup)] if kind == "c_perf_wakeup" else []
            return [os.path.join(BIN, "consumer"), mode, self.obj, str(pid)] + wakeup
        wakeup = ["-Dbpfj.bench.wakeup=%d" % self.args.perf_wakeup] if kind == "java_perf_wakeup" else []
        return [JAVA, NATIVE] + wakeup + ["-cp", self.java_cp, "dev.bpfj.bench.EventConsumer", mode, self.obj, str(pid),
                str(int(self.offsets["targ_pid"])), str(int(self.offsets["use_perf_buffer"]))]

    def delivery_run(self, kind, threads):
        """One load-generator run with consumer `kind` (None: no consumer). Returns a dict of figures."""
        lg_cmd = [os.path.join(BIN, "loadgen"), "-t", str(threads), "-d", str(self.seconds), "--wait"]
        if self.args.pin:
            lg_cmd.append("--pin")
        lg = subprocess.Popen(lg_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        consumer = None
        try:
            if kind:
                consumer = subprocess.Popen(self.consumer_command(kind, lg.pid), stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                if read_line(consumer, 60) != "ready":
                    raise RuntimeError("consumer %s did not get ready: %s" % (kind, consumer.stderr.read1(2000).decode()))
                cpu0 = cpu_seconds(consumer.pid)
                jit0 = compiler_cpu_seconds(consumer.pid)
            lg.stdin.write(b"go\n")
            lg.stdin.close()
            load = kv(lg.stdout.read().decode())
            lg.wait()
            result = {"ops_per_s": load["ops_per_s"], "ops": load["ops"], "seconds": load["seconds"]}
            if consumer:
                wait_idle(consumer.pid)
                cpu = cpu_seconds(consumer.pid) - cpu0
                jit = compiler_cpu_seconds(consumer.pid) - jit0
                consumer.stdin.write(b"stop\n")
                consumer.stdin.close()
                line = read_line(consumer, 30)
                reap(consumer)
                counts = kv(line)
                if "events" not in counts:
                    raise RuntimeError("consumer %s printed %r" % (kind, line))
                lost = max(counts["lost_output"], counts["lost_perf"]) + counts["lost_inflight"]
                result.update(events=counts["events"], events_per_s=counts["events"] / load["seconds"], lost=lost,
                              cpu_s=cpu, cpu_per_m=cpu / counts["events"] * 1e6 if counts["events"] else None,
                              jit_per_m=jit / counts["events"] * 1e6 if counts["events"] else None,
                              missing=load["ops"] - counts["events"] - lost)
            return result
        finally:
            for p in (lg, consumer):
                if p and p.poll() is None and p.returncode is None:
                    p.kill()

    def delivery(self):
        if not self.obj:
            return self.unavailable_item("delivery", "no opensnoop BPF object: %s is missing" % OPENSNOOP_SOURCE)
        kinds = ["java_ring", "c_ring", "java_perf", "c_perf", "java_perf_wakeup", "c_perf_wakeup"]
        if not self.java_cp:
            self.unavailable_item("delivery.java", "bpf-runtime jar not built (%s)" % RUNTIME_JAR_DIR)
            kinds = [k for k in kinds if k.startswith("c_")]
        for threads in (1, 2):
            runs = {k: [] for k in [None] + kinds}
            for r in range(self.runs):
                for kind in [None] + kinds:
                    log("delivery: %d thread(s), run %d/%d, consumer %s" % (threads, r + 1, self.runs, kind or "none"))
                    runs[kind].append(self.delivery_run(kind, threads))
            # How much of a Java consumer's CPU its JIT compilers took (part of cpu_per_m above).
            for kind in [k for k in kinds if k.startswith("java_")]:
                self.single("delivery.t%d.%s.jit_cpu_per_m" % (threads, kind), "delivery",
                            "%s, %d thread(s): of its CPU per million events, the JIT compiler threads'" % (kind, threads),
                            "CPU s/M events", [x.get("jit_per_m") for x in runs[kind]], "lower")
            base = [x["ops_per_s"] for x in runs[None]]
            self.single("delivery.t%d.baseline.ops_per_s" % threads, "delivery",
                        "load generator alone, %d thread(s)" % threads, "opens/s", base, "higher")
            base_median = statistics.median(base)
            get = lambda rs, key: [x.get(key) for x in rs]
            for buffer in ("ring", "perf"):
                j, c = runs.get("java_" + buffer, []), runs["c_" + buffer]
                prefix = "delivery.t%d.%s." % (threads, buffer)
                name = "%s buffer, %d thread(s)" % (buffer, threads)
                self.delivery_pairs(prefix, name, j, c)
                self.pair(prefix + "slowdown", "delivery", name + ": load generator slowdown vs no consumer", "%",
                          [100 * (1 - x["ops_per_s"] / base_median) for x in j],
                          [100 * (1 - x["ops_per_s"] / base_median) for x in c], "lower")
                self.pair(prefix + "unaccounted", "delivery", name + ": opens neither delivered nor counted lost",
                          "events", get(j, "missing"), get(c, "missing"), "lower")
            # The perf reader woken once per --perf-wakeup samples (PerfBuffer.Builder.wakeupEvents),
            # against C with the same policy (perf_buffer__new_raw, wakeup_events = N).
            wakeup = self.args.perf_wakeup
            self.delivery_pairs("delivery.t%d.perf_wakeup%d." % (threads, wakeup),
                                "perf buffer woken once per %d samples (Java wakeupEvents, C wakeup_events), %d thread(s)"
                                % (wakeup, threads), runs.get("java_perf_wakeup", []), runs["c_perf_wakeup"])

    def delivery_pairs(self, prefix, name, j, c):
        """Events delivered, lost and the consumer's CPU per million events: Java runs j against C runs c."""
        get = lambda rs, key: [x.get(key) for x in rs]
        self.pair(prefix + "events_per_s", "delivery", name + ": events delivered", "events/s",
                  get(j, "events_per_s"), get(c, "events_per_s"), "higher")
        self.pair(prefix + "lost", "delivery", name + ": events lost", "events", get(j, "lost"), get(c, "lost"), "lower")
        self.pair(prefix + "cpu_per_m", "delivery", name + ": consumer CPU per million events", "CPU s/M events",
                  get(j, "cpu_per_m"), get(c, "cpu_per_m"), "lower")

    # ---------------------------------------------------------------- 2. whole tool

    def tool_command(self, side, *args):
        """The opensnoop command of one side: java (java -jar), launcher (examples/opensnoop/opensnoop,
        the recommended way, with its AOT cache in build/xdg-cache), c (the reference here), bcc."""
        if side == "java":
            return [JAVA, "-jar", OPENSNOOP_JAR] + list(args)
        if side == "launcher":
            return [os.path.join(OPENSNOOP, "opensnoop")] + list(args)
        if side == "bcc":
            return [self.args.c_opensnoop] + list(args)
        return [os.path.join(BIN, "opensnoop_ref"), self.obj] + list(args)

    def tool_env(self, side):
        if side != "launcher":
            return None
        return dict(os.environ, OPENSNOOP_JAR=OPENSNOOP_JAR, JAVA_HOME=JAVA_HOME, XDG_CACHE_HOME=LAUNCHER_CACHE)

    def warm_launcher(self):
        """Makes the launcher's AOT cache for this jar: one training run, then waits (up to 180 s) until
        the cache it creates in the background is in place, so that every measured run maps it."""
        if self.launcher_warm:
            return
        self.startup_run(self.tool_command("launcher", "-p", str(os.getpid())), self.tool_env("launcher"))
        folder = os.path.join(LAUNCHER_CACHE, "bpfj")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            names = os.listdir(folder) if os.path.isdir(folder) else []
            if any(n.endswith((".aot", ".jsa")) for n in names) and not any(".aot." in n for n in names):
                break
            time.sleep(0.2)
        else:
            log("the launcher's cache did not appear in %s; its runs start without it" % folder)
        self.startup_run(self.tool_command("launcher", "-p", str(os.getpid())), self.tool_env("launcher"))
        self.launcher_warm = True

    def tool_run(self, side, threads=1):
        out_path = os.path.join(BUILD, "tool-%s.out" % side)
        lg = subprocess.Popen([os.path.join(BIN, "loadgen"), "-t", str(threads), "-d", str(self.seconds), "--wait"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        err_path = os.path.join(BUILD, "tool-%s.err" % side)
        # stderr to a file too: a tool reporting many losses must not block on a full pipe
        with open(out_path, "wb") as out, open(err_path, "wb") as err_file:
            tool = subprocess.Popen(self.tool_command(side, "-p", str(lg.pid)), stdout=out, stderr=err_file,
                                    env=self.tool_env(side))
        peak = PeakRss(tool.pid)
        read_err = lambda: open(err_path, errors="replace").read()
        try:
            deadline = time.monotonic() + 60
            # bcc's opensnoop writes its header through a full stdio buffer: it is attached once its
            # ring/perf buffer's epoll fd exists (it opens the buffer after attaching, and sets its
            # SIGINT handler just after that).
            while (anon_fds(tool.pid, "[eventpoll]") == 0) if side == "bcc" else os.path.getsize(out_path) == 0:
                if tool.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("%s opensnoop did not start: %s" % (side, read_err()[-400:]))
                time.sleep(0.01)
            if side == "bcc":
                time.sleep(0.1)
            cpu0 = cpu_seconds(tool.pid)
            lg.stdin.write(b"go\n")
            lg.stdin.close()
            load = kv(lg.stdout.read().decode())
            lg.wait()
            wait_idle(tool.pid, quiet_polls=4)
            cpu = cpu_seconds(tool.pid) - cpu0
            tool.send_signal(signal.SIGINT)
            rss_kib = reap(tool, peak)
            err = read_err()
            with open(out_path, "rb") as f:
                lines = sum(1 for _ in f) - 1
            m = re.search(r"lost (\d+) events in total", err)
            lost = int(m.group(1)) if m else 0
            if side == "bcc":
                lost = sum(int(n) for n in re.findall(r"Lost (\d+) events on CPU", err))
            return {"events_per_s": lines / load["seconds"], "lost": lost, "cpu_per_m": cpu / lines * 1e6 if lines else None,
                    "max_rss_mib": rss_kib / 1024.0, "lines": lines, "ops": load["ops"],
                    "not_traced_pct": 100.0 * max(0, load["ops"] - lines) / load["ops"] if load["ops"] else None}
        finally:
            for p in (lg, tool):
                if p.returncode is None and p.poll() is None:
                    p.kill()

    def tool(self):
        if not self.obj:
            return self.unavailable_item("tool", "no opensnoop BPF object")
        if not self.inputs.get("opensnoop_jar"):
            return self.unavailable_item("tool", "examples/opensnoop/%s/opensnoop.jar not built" % BUILD_DIR_NAME)
        self.warm_launcher()
        sides = ["launcher", "c"] + (["bcc"] if self.args.c_opensnoop else [])
        for threads in (1, 2):
            runs = {side: [] for side in sides}
            for r in range(self.runs):
                for side in sides:
                    log("tool: %d thread(s), run %d/%d, %s opensnoop" % (threads, r + 1, self.runs, side))
                    runs[side].append(self.tool_run(side, threads))
            for key, label, unit, better in (("events_per_s", "opens traced (lines written)", "events/s", "higher"),
                                             ("lost", "events lost, as the tool reports them", "events", "lower"),
                                             ("not_traced_pct", "opens not traced (load's opens - lines)", "%", "lower"),
                                             ("cpu_per_m", "CPU per million events", "CPU s/M events", "lower"),
                                             ("max_rss_mib", "max RSS", "MiB", "lower")):
                self.pair("tool.t%d.%s" % (threads, key), "tool",
                          "opensnoop -p LOAD to a file, %d thread(s): %s" % (threads, label), unit,
                          [x[key] for x in runs["launcher"]], [x[key] for x in runs["c"]], better,
                          bcc=[x[key] for x in runs["bcc"]] if "bcc" in runs else None)

    # ---------------------------------------------------------------- 3. map operations

    def maps(self):
        if not self.java_cp:
            self.unavailable_item("maps.java", "bpf-runtime jar not built")
        runs = {"c": [], "java": []}
        for r in range(self.runs):
            for side in ("c", "java"):
                if side == "java" and not self.java_cp:
                    continue
                log("maps: run %d/%d, %s" % (r + 1, self.runs, side))
                cmd = [os.path.join(BIN, "mapbench")] if side == "c" else [JAVA, NATIVE, "-cp", self.java_cp, "dev.bpfj.bench.MapBench"]
                out = run(cmd)[1]
                runs[side].append({(m.group(1), m.group(2)): float(m.group(3))
                                   for m in re.finditer(r"^(\w+) (\w+) ([\d.]+)$", out, re.M)})
        cval = lambda op: [x.get(("c", op)) for x in runs["c"]]
        jval = lambda path, op: [x.get((path, op)) for x in runs["java"]]
        for op, label in (("lookup", "lookup"), ("update", "update"), ("delete", "delete")):
            for path in ("segment", "typed"):
                self.pair("maps.%s.%s" % (op, path), "maps", "hash u32 -> 16-byte struct: %s, Java %s path" % (label, path),
                          "ns/op", jval(path, op), cval(op), "lower")
            self.pair("maps.%s_u64.long" % op, "maps", "hash u32 -> u64: %s, Java long path" % label, "ns/op",
                      jval("long", op + "_u64"), cval(op + "_u64"), "lower")
        for path in ("segment", "typed"):
            self.pair("maps.iterate.%s" % path, "maps", "iterate 10,000 entries (C: lookup_batch), Java %s path" % path,
                      "ns/iteration", jval(path, "iterate"), cval("iterate"), "lower")
        self.single("maps.iterate.c_next_key", "maps", "iterate 10,000 entries, C get_next_key + lookup", "ns/iteration",
                    cval("iterate_next_key"), "lower")

    # ---------------------------------------------------------------- 4. start-up

    def startup_run(self, cmd, env=None, tty=False):
        """Process start to the header line (printed once attached), in ms. tty: stdout is a
        pseudo-terminal, so that a tool using stdio (bcc's) writes the header line at once."""
        master = slave = None
        if tty:
            import pty
            master, slave = os.openpty()
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=slave if tty else subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            if tty:
                os.close(slave)
                header = read_fd_line(master, 60)
            else:
                header = read_line(proc, 60)
            elapsed = time.monotonic() - start
            if header is None or "PID" not in header:
                raise RuntimeError("no header from %s: %s" % (cmd[0], proc.stderr.read1(2000).decode()))
            proc.send_signal(signal.SIGINT)
            if tty:
                proc.wait(timeout=30)
            else:
                proc.communicate(timeout=30)
            return elapsed * 1000
        finally:
            if proc.poll() is None:
                proc.kill()
            if master is not None:
                os.close(master)

    def duration_run(self, side):
        """`opensnoop -d 1` with default options (tracing every process), output to /dev/null:
        (wall ms from process start to exit, max RSS MiB)."""
        start = time.monotonic()
        with open(os.devnull, "wb") as null:
            proc = subprocess.Popen(self.tool_command(side, "-d", "1"), stdout=null, stderr=subprocess.PIPE,
                                    env=self.tool_env(side))
        peak = PeakRss(proc.pid)
        try:
            rss_kib = reap(proc, peak)
            wall = (time.monotonic() - start) * 1000
            # bcc's tool exits with 1 when its last poll before the deadline read events (it returns
            # the poll's count): only a death by signal is a failure there.
            if proc.returncode < 0 if side == "bcc" else proc.returncode != 0:
                raise RuntimeError("%s opensnoop -d 1 exited with %d: %s" % (side, proc.returncode,
                                                                             proc.stderr.read().decode()[-400:]))
            return wall, rss_kib / 1024.0
        finally:
            if proc.returncode is None and proc.poll() is None:
                proc.kill()

    def phase_run(self, side):
        """`opensnoop -d 1` under strace (seccomp-filtered, so only the traced calls stop): ms from the
        first execve to the opening of libbpf.so (for Java: the JVM's start and main until the runtime
        binds libbpf; for C: the dynamic loader), to the first bpf() call, to the last BPF_PROG_LOAD,
        to the last attach call."""
        trace = os.path.join(BUILD, "phases-%s.strace" % side)
        cmd = ["strace", "-f", "--seccomp-bpf", "-ttt", "-e", "trace=execve,openat,bpf,perf_event_open,ioctl", "-o", trace]
        with open(os.devnull, "wb") as null:
            rc = subprocess.call(cmd + self.tool_command(side, "-d", "1"), stdout=null, stderr=null,
                                 env=self.tool_env(side))
        if rc < 0 or (rc != 0 and side != "bcc"):
            raise RuntimeError("%s opensnoop -d 1 under strace exited with %d" % (side, rc))
        start = libbpf = first_bpf = loaded = attached = None
        with open(trace, errors="replace") as f:
            for line in f:
                m = re.match(r"\d+\s+(\d+\.\d+)\s+(.*)", line)
                if not m:
                    continue
                t, call = float(m.group(1)) * 1000, m.group(2)
                if start is None and call.startswith("execve("):
                    start = t
                if libbpf is None and call.startswith("openat(") and "libbpf.so" in call and "ENOENT" not in call:
                    libbpf = t
                if call.startswith("bpf(") and first_bpf is None:
                    first_bpf = t
                if "BPF_PROG_LOAD" in call:
                    loaded = t
                if call.startswith("perf_event_open(") or "BPF_LINK_CREATE" in call \
                        or "BPF_RAW_TRACEPOINT_OPEN" in call or "PERF_EVENT_IOC_SET_BPF" in call:
                    attached = t
        if None in (start, libbpf, first_bpf, loaded, attached) or not start <= libbpf <= first_bpf <= loaded <= attached:
            raise RuntimeError("cannot find exec, libbpf, load and attach calls in %s" % trace)
        return {"to_libbpf": libbpf - start, "libbpf_to_bpf": first_bpf - libbpf, "load": loaded - first_bpf,
                "attach": attached - loaded, "total": attached - start}

    def startup_phases(self):
        """Where the time to attached goes: the launcher against bcc's tool, phase by phase."""
        if not shutil.which("strace"):
            return self.unavailable_item("startup.phases", "strace is not installed (apt-get install strace)")
        sides = ["launcher"] + (["bcc"] if self.args.c_opensnoop else [])
        runs = {side: [] for side in sides}
        for r in range(self.runs):
            for side in sides:
                log("startup phases: run %d/%d, %s" % (r + 1, self.runs, side))
                runs[side].append(self.phase_run(side))
        for key, label in (("to_libbpf", "from exec to opening libbpf.so (Java: JVM start, main, reading the object)"),
                           ("libbpf_to_bpf", "from opening libbpf.so to the first bpf() call (binding, libbpf open)"),
                           ("load", "from the first bpf() call to the last program load (probes, maps, verifier)"),
                           ("attach", "from the last program load to the last attach call"),
                           ("total", "from exec to the last attach call")):
            values = {side: [x[key] for x in runs[side]] for side in sides}
            self.pair("startup.phases." + key, "startup", "opensnoop -d 1 under strace: " + label + ", launcher", "ms",
                      values["launcher"], [], "lower", bcc=values.get("bcc"))

    def startup(self):
        if not self.obj:
            return self.unavailable_item("startup", "no opensnoop BPF object")
        if not self.inputs.get("opensnoop_jar"):
            return self.unavailable_item("startup", "examples/opensnoop/%s/opensnoop.jar not built" % BUILD_DIR_NAME)
        me = str(os.getpid())  # a quiet filter: this harness opens nothing while it waits
        # The launcher runs the same jar with its JVM options and the AOT cache of a training run
        # (made first, so that every measured run maps a current cache).
        self.warm_launcher()
        bcc = self.args.c_opensnoop
        java, launcher, c, b = [], [], [], []
        wall = {"java": [], "launcher": [], "bcc": []}
        rss = {"java": [], "launcher": [], "bcc": []}
        for r in range(self.runs):
            log("startup: run %d/%d" % (r + 1, self.runs))
            java.append(self.startup_run(self.tool_command("java", "-p", me)))
            launcher.append(self.startup_run(self.tool_command("launcher", "-p", me), self.tool_env("launcher")))
            c.append(self.startup_run(self.tool_command("c", "-p", me)))
            if bcc:
                b.append(self.startup_run(self.tool_command("bcc", "-p", me), tty=True))
            for side in ("java", "launcher") + (("bcc",) if bcc else ()):
                ms, mib = self.duration_run(side)
                wall[side].append(ms)
                rss[side].append(mib)
        bcc_or_none = lambda values: values if bcc else None
        self.pair("startup.attached", "startup", "process start to attached (header printed), java -jar", "ms",
                  java, c, "lower", bcc=bcc_or_none(b))
        self.pair("startup.attached_launcher", "startup",
                  "process start to attached, through examples/opensnoop/opensnoop (AOT cache)", "ms",
                  launcher, c, "lower", bcc=bcc_or_none(b))
        # -d 1 has no C reference here (opensnoop_ref has no -d): the C column is bcc's alone.
        self.pair("startup.d1_wall", "startup", "opensnoop -d 1 (all processes), whole wall time, launcher", "ms",
                  wall["launcher"], [], "lower", bcc=bcc_or_none(wall["bcc"]))
        self.pair("startup.d1_wall_java_jar", "startup", "opensnoop -d 1, whole wall time, java -jar", "ms",
                  wall["java"], [], "lower", bcc=bcc_or_none(wall["bcc"]))
        self.pair("memory.d1.max_rss", "startup", "opensnoop -d 1, default options: peak RSS, launcher", "MiB",
                  rss["launcher"], [], "lower", bcc=bcc_or_none(rss["bcc"]))
        self.pair("memory.d1.max_rss_java_jar", "startup", "opensnoop -d 1, default options: peak RSS, java -jar", "MiB",
                  rss["java"], [], "lower", bcc=bcc_or_none(rss["bcc"]))
        self.startup_phases()

    # ---------------------------------------------------------------- 5. build

    def mvn_goals(self, goals):
        """Runs mvn goals on the opensnoop module; returns (wall ms, {goal: plugin's own ms}) or raises."""
        cmd = ["mvn", "-B", "-ntp", "-o", "-pl", "examples/opensnoop", "-Dbpfj.buildDirectory=" + BUILD_DIR_NAME,
               "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"] + goals
        start = time.monotonic()
        rc, out = run(cmd, env=maven_env(), check=False)
        wall = (time.monotonic() - start) * 1000
        if rc != 0 or "BUILD SUCCESS" not in out:
            raise RuntimeError(last_lines(re.sub(r"^\d\d:\d\d:\d\d\.\d+ ", "", out, flags=re.M), 4))
        stamps = []
        for line in out.splitlines():
            m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) (.*)", line)
            if m:
                ms = ((int(m.group(1)) * 60 + int(m.group(2))) * 60 + int(m.group(3))) * 1000 + int(m.group(4))
                stamps.append((ms, m.group(5)))
        mojos, current = {}, None
        for ms, text in stamps:
            header = re.search(r"--- [\w.-]+:[\w.-]+:(\w+) \(.*\) @", text)
            boundary = header or "BUILD SUCCESS" in text or re.search(r"\[INFO\] -{20,}", text)
            if boundary and current:
                mojos[current[0]] = mojos.get(current[0], 0) + ms - current[1]
                current = None
            if header:
                current = (header.group(1), ms)
        return wall, mojos

    def build_times(self):
        if not os.path.isfile(OPENSNOOP_SOURCE):
            return self.unavailable_item("build", "%s is missing" % OPENSNOOP_SOURCE)
        out_dir = os.path.join(OPENSNOOP, BUILD_DIR_NAME)
        # The module's own execution ("bpf") supplies the configuration, as in its real build.
        generated = [os.path.join(out_dir, d) for d in ("bpf", "generated-sources/bpf", "generated-resources/bpf")]
        cold_wall, cold_plugin, clang_ms, noop, skeleton = [], [], [], [], []
        noop_wall, skip_wall = [], []
        try:
            for r in range(self.runs):
                log("build: run %d/%d" % (r + 1, self.runs))
                for d in generated:
                    shutil.rmtree(d, ignore_errors=True)
                wall, mojos = self.mvn_goals(["bpf:compile@bpf", "bpf:skeleton@bpf"])
                cold_wall.append(wall)
                cold_plugin.append(mojos.get("compile", 0) + mojos.get("skeleton", 0))
                start = time.monotonic()
                run(clang_command(OPENSNOOP_SOURCE, os.path.join(BUILD, "clang-only.bpf.o")))
                clang_ms.append((time.monotonic() - start) * 1000)
            for r in range(self.runs):
                # alternating: the no-op build, and Maven's floor for the same goals (-Dbpf.skip=true)
                wall, mojos = self.mvn_goals(["bpf:compile@bpf", "bpf:skeleton@bpf"])
                noop.append(mojos.get("compile", 0) + mojos.get("skeleton", 0))
                noop_wall.append(wall)
                wall, _ = self.mvn_goals(["bpf:compile@bpf", "bpf:skeleton@bpf", "-Dbpf.skip=true"])
                skip_wall.append(wall)
            for r in range(self.runs):
                shutil.rmtree(generated[1], ignore_errors=True)
                _, mojos = self.mvn_goals(["bpf:skeleton@bpf"])
                skeleton.append(mojos.get("skeleton"))
        except RuntimeError as e:
            self.unavailable_item("build.plugin", "mvn bpf:compile bpf:skeleton failed: %s" % e)
        if clang_ms:
            self.pair("build.compile_skeleton.plugin", "build", "bpf:compile + bpf:skeleton, plugin's own time (Java) vs bare clang (C)",
                      "ms", cold_plugin, clang_ms, "lower")
            self.pair("build.compile_skeleton.mvn_wall", "build", "whole mvn bpf:compile bpf:skeleton (Java) vs bare clang (C)",
                      "ms", cold_wall, clang_ms, "lower")
        if noop:
            self.single("build.noop.plugin", "build", "no-op incremental bpf:compile + bpf:skeleton, plugin's own time", "ms", noop, "lower")
            self.single("build.noop.mvn_wall", "build", "no-op bpf:compile + bpf:skeleton, whole mvn wall", "ms", noop_wall, "lower")
            self.single("build.skip.mvn_wall", "build", "the same goals with -Dbpf.skip=true (Maven's floor), whole mvn wall",
                        "ms", skip_wall, "lower")
            self.single("build.noop.over_floor", "build", "no-op build minus Maven's floor, per run pair (goal: <= 20 ms)",
                        "ms", [a - b for a, b in zip(noop_wall, skip_wall)], "lower")
        if skeleton:
            self.single("build.skeleton.plugin", "build", "bpf:skeleton alone (object up to date), plugin's own time", "ms",
                        skeleton, "lower")

    # ---------------------------------------------------------------- report

    def report(self, started):
        host = {"kernel": os.uname().release, "cpus": os.cpu_count(), "load_average_at_start": self.load_at_start,
                "load_average_at_end": os.getloadavg()[0],
                "java": run([JAVA, "-version"], check=False)[1].splitlines()[0] if os.path.exists(JAVA) else None,
                "libbpf": libbpf_version()}
        doc = {"schema": 1, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "duration_s": round(time.monotonic() - started, 1), "host": host,
               "config": {"runs": self.runs, "load_seconds": self.seconds, "load_threads_pinned": self.args.pin,
                          "groups": self.args.only, "inputs": self.inputs},
               "measurements": self.measurements, "unavailable": self.unavailable}
        os.makedirs(RESULTS, exist_ok=True)
        with open(os.path.join(RESULTS, "latest.json"), "w") as f:
            json.dump(doc, f, indent=2)
        print_table(doc)


def clang_command(source, output):
    arch = {"x86_64": "x86", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    multiarch = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu"}.get(os.uname().machine, "")
    return ["clang", "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_" + arch, "-I/usr/include/" + multiarch,
            "-c", source, "-o", output]


def libbpf_version():
    rc, out = run(["sh", "-c", "ls /usr/lib/*/libbpf.so.* /usr/lib64/libbpf.so.* 2>/dev/null | head -1"], check=False)
    target = out.strip()
    return os.path.basename(os.path.realpath(target)) if target else None


def fmt(value):
    if value is None:
        return "-"
    a = abs(value)
    return "%.0f" % value if a >= 100 else "%.1f" % value if a >= 10 else "%.2f" % value if a >= 0.1 else "%.3g" % value


def fmt_stats(s):
    if not s:
        return "-"
    return "%s [%s-%s]" % (fmt(s["median"]), fmt(s["min"]), fmt(s["max"]))


def print_table(doc):
    bcc = any("c_bcc" in m for m in doc["measurements"])
    rows = [("measurement", "unit", "Java median [min-max]", "C median [min-max]", "Java/C")
            + (("bcc opensnoop median [min-max]", "Java/bcc") if bcc else ())]
    ratio_text = lambda r: "%.2f" % r if r is not None else "-"
    for m in doc["measurements"]:
        if "value" in m:
            row = (m["label"], m["unit"], fmt_stats(m["value"]), "", "")
        else:
            row = (m["label"], m["unit"], fmt_stats(m["java"]), fmt_stats(m["c"]), ratio_text(m["ratio_java_c"]))
        if bcc:
            row += (fmt_stats(m.get("c_bcc")), ratio_text(m.get("ratio_java_c_bcc"))) if "c_bcc" in m else ("", "")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print("bpfj benchmarks, %s, kernel %s, %d CPUs, %d runs per figure, %s s load, load average %.1f at start, %.1f at end" % (
        doc["date"], doc["host"]["kernel"], doc["host"]["cpus"], doc["config"]["runs"], doc["config"]["load_seconds"],
        doc["host"]["load_average_at_start"], doc["host"]["load_average_at_end"]))
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for u in doc["unavailable"]:
        print("unavailable: %s: %s" % (u["id"], u["reason"]))
    print("(Java/C: for events/s higher is better, for everything else lower is better)")
    print("wrote %s in %.0f s" % (os.path.relpath(os.path.join(RESULTS, "latest.json"), os.getcwd()), doc["duration_s"]))


def main():
    parser = argparse.ArgumentParser(description="bpfj benchmarks: Java against C on the same BPF object")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--seconds", type=float, default=5, help="load generator duration per run (default 5)")
    parser.add_argument("--quick", action="store_true", help="debugging: 3 runs of 2 s")
    parser.add_argument("--pin", action="store_true", help="pin load generator thread i to CPU i")
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups: " + ",".join(GROUPS))
    parser.add_argument("--no-build", action="store_true", help="skip the Maven builds, use what target-bench holds")
    parser.add_argument("--perf-wakeup", type=int, default=PERF_WAKEUP, metavar="N",
                        help="samples per wake-up of the batched Java perf consumer (default %d)" % PERF_WAKEUP)
    parser.add_argument("--c-opensnoop", metavar="PATH",
                        help="bcc's libbpf-based opensnoop binary: adds it as a second C column to the tool and "
                             "startup groups (benchmarks/README.md says how to build it)")
    parser.add_argument("--no-install-plugin", dest="install_plugin", action="store_false",
                        help="do not install bpf-toolchain and bpf-maven-plugin into ~/.m2 (the build group then "
                             "measures the plugin found there)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds = 3, 2
    if os.geteuid() != 0:
        sys.exit("benchmarks/run must run as root (it loads BPF programs)")
    if not 1 <= args.perf_wakeup <= 65536:
        sys.exit("--perf-wakeup %d: must be between 1 and 65536" % args.perf_wakeup)
    if args.c_opensnoop:
        args.c_opensnoop = os.path.abspath(args.c_opensnoop)
        if not (os.path.isfile(args.c_opensnoop) and os.access(args.c_opensnoop, os.X_OK)):
            sys.exit("--c-opensnoop %s: not an executable file; build bcc's libbpf-based opensnoop first "
                     "(benchmarks/README.md)" % args.c_opensnoop)
    unknown = set(args.only.split(",")) - set(GROUPS)
    if unknown:
        sys.exit("unknown group(s) %s; choose from %s" % (",".join(sorted(unknown)), ",".join(GROUPS)))
    started = time.monotonic()
    bench = Bench(args)
    bench.load_at_start = os.getloadavg()[0]
    bench.build()
    groups = args.only.split(",")
    for group, method in (("delivery", bench.delivery), ("tool", bench.tool), ("maps", bench.maps),
                          ("startup", bench.startup), ("build", bench.build_times)):
        if group in groups:
            try:
                method()
            except Exception as e:  # one broken group must not lose the others' figures
                bench.unavailable_item(group, "failed: %s" % e)
    bench.report(started)


if __name__ == "__main__":
    main()
