#!/usr/bin/env bash
# Measures the agent + tray at rest (docs/panel.md, "Measuring idle cost"):
#   - time from starting the program to its socket accepting (median of N starts),
#   - RSS and CPU over a quiet period with two printers: the virtual one and a
#     configured network printer pointing at a local TCP listener.
# The tray runs against a private D-Bus session (dbus-daemon), so its menu is
# live the whole time; without dbus-daemon the app runs headless.
#
#   scripts/measure-idle.sh            # 60 s quiet period, 5 starts
#   DURATION=10 STARTS=3 scripts/measure-idle.sh
#   BIN=bin/labelbridge scripts/measure-idle.sh   # measure an existing build
#   NO_TRAY=1 scripts/measure-idle.sh             # the agent alone, for comparison
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60}
STARTS=${STARTS:-5}
work=$(mktemp -d)
bus_pid=""
cleanup() {
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then
  BIN=$work/labelbridge
  echo "building $BIN" >&2
  go build -ldflags "-s -w" -o "$BIN" ./app
fi
if ! command -v python3 >/dev/null; then
  echo "python3 is needed to measure" >&2
  exit 1
fi

bus_addr=""
if [ -n "${NO_TRAY:-}" ]; then
  echo "NO_TRAY set: measuring the headless agent" >&2
elif command -v dbus-daemon >/dev/null; then
  out=$(dbus-daemon --session --address="unix:abstract=/labelbridge-measure-$$" --fork --print-address=1 --print-pid=1)
  bus_addr=$(sed -n 1p <<<"$out")
  bus_pid=$(sed -n 2p <<<"$out")
else
  echo "dbus-daemon not found: measuring the headless agent only" >&2
fi

BIN=$BIN WORK=$work BUS="$bus_addr" DURATION=$DURATION STARTS=$STARTS python3 - <<'EOF'
import json, os, signal, socket, statistics, subprocess, threading, time

BIN, WORK, BUS = os.environ["BIN"], os.environ["WORK"], os.environ["BUS"]
DURATION, STARTS = float(os.environ["DURATION"]), int(os.environ["STARTS"])
TICK = os.sysconf("SC_CLK_TCK")

# The "network printer": a TCP listener that swallows what it gets.
printer = socket.socket()
printer.bind(("127.0.0.1", 0))
printer.listen(8)
def drain():
    while True:
        try:
            c, _ = printer.accept()
        except OSError:
            return
        with c:
            while c.recv(65536):
                pass
threading.Thread(target=drain, daemon=True).start()

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

home = os.path.join(WORK, "home")
os.makedirs(os.path.join(home, "config"), exist_ok=True)
with open(os.path.join(home, "config", "config.json"), "w") as f:
    json.dump({"networkPrinters": [{"name": "Dock printer", "address": "127.0.0.1:%d" % printer.getsockname()[1], "language": "zpl"}]}, f)

def start():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABELBRIDGE_", "DBUS_", "XDG_"))}
    env.update(LABELBRIDGE_HOME=home, LABELBRIDGE_PORT=str(port), LABELBRIDGE_POLICY=os.path.join(home, "none.json"),
               XDG_RUNTIME_DIR=WORK, XDG_CONFIG_HOME=os.path.join(WORK, "xdg"))
    if BUS:
        env["DBUS_SESSION_BUS_ADDRESS"] = BUS
    log = open(os.path.join(WORK, "agent.log"), "ab")
    t0 = time.perf_counter()
    p = subprocess.Popen([BIN], env=env, stdout=log, stderr=log)
    accepted = None
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                if accepted is None:
                    accepted = time.perf_counter() - t0
                # ... and answering: a full HTTP exchange on /healthz.
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port)
                if c.recv(12).startswith(b"HTTP/1.1 200"):
                    return p, port, accepted, time.perf_counter() - t0
        except OSError:
            if p.poll() is not None:
                with open(os.path.join(WORK, "agent.log")) as f:
                    raise SystemExit("the agent exited:\n" + f.read()[-2000:])
            time.sleep(0.0005)

def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=20)

def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime

def status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # MiB

accepts, answers = [], []
for _ in range(STARTS):
    p, _, accepted, answered = start()
    accepts.append(accepted * 1000)
    answers.append(answered * 1000)
    stop(p)
for what, ms in (("socket accepting", accepts), ("first /healthz answer", answers)):
    print("start to %s: median %.1f ms (min %.1f, max %.1f, %d starts)" % (
        what, statistics.median(ms), min(ms), max(ms), len(ms)))

p, port, _, _ = start()
time.sleep(2)  # let start-up settle before the quiet period
# The agent must be idle, not just alive: both printers attached.
c0, w0 = cpu_seconds(p.pid), time.perf_counter()
rss_max = 0.0
end = w0 + DURATION
while time.perf_counter() < end:
    rss_max = max(rss_max, status(p.pid, "VmRSS"))
    time.sleep(min(5, max(0.0, end - time.perf_counter())))
c1, w1 = cpu_seconds(p.pid), time.perf_counter()
rss_end, hwm = status(p.pid, "VmRSS"), status(p.pid, "VmHWM")
threads = status(p.pid, "Threads") * 1024
stop(p)
mode = "agent + tray (private D-Bus session)" if BUS else "headless agent"
print("%s, 2 printers, %.0f s quiet:" % (mode, w1 - w0))
print("  CPU  %.3f %% (%.2f s of CPU)" % (100 * (c1 - c0) / (w1 - w0), c1 - c0))
print("  RSS  %.1f MiB at the end, %.1f MiB max while idle, %.1f MiB peak (VmHWM)" % (rss_end, rss_max, hwm))
print("  threads %d" % threads)
EOF
