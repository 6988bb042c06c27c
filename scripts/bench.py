#!/usr/bin/env python3
"""Benchmarks of docs/performance.md, measured side by side in one run on the local emulator.

1. `sqs-trigger setup` (queue + DLQ, role check, mapping, probe) versus the same job done with
   the AWS CLI (create DLQ, read its ARN, create the queue with a redrive policy, read its ARN,
   read the function, attach the role policy, create the mapping, send a message, look for
   the log line).
2. The AWS requests each command makes (from the emulator's request log) and the depth of the
   longest chain of dependent requests (requests that started after another ended).
3. `doctor --all` over N queue/function/mapping triples.
4. Start-up time (`--help`) and the release binary's size.
6. `doctor --all` at organization scale (`--only fleet`): `--fleet-triggers` triggers over
   `--fleet-roles` roles and `--fleet-managed` managed policies, IAM limited to
   `--fleet-iam-rate` requests/s and `--fleet-latency-ms` per request, at --concurrency 8 and
   32: requests per trigger, IAM requests, throttled answers and wall time beside the
   one-read-per-fact minimum and the floor IAM's rate allows.
7. Two builds side by side (`--only builds --binary A --compare B`, e.g. the static musl binary
   against the glibc one): start-up, `doctor --all` over `--triples` triggers (runs alternated),
   sizes, and whether both give the same answers: the same `doctor --all` JSON (timings left out)
   and the same `lint` output and exit code on every fixture of tests/fixtures/lint.
5. Critical paths with network-like latency (`--path-latency-ms`, 50 by default): per command, the
   requests, the longest chain of dependent requests, the minimum chain its dependencies allow
   (MINIMUM_CHAIN, reasoned in docs/performance.md) and the median wall time.

Usage: scripts/bench.py --binary target/release/sqs-trigger [--runs 10] [--triples 300]
       scripts/bench.py --only paths [--path-runs 5] [--show-requests]
       scripts/bench.py --only fleet [--fleet-triggers 2000]
       scripts/bench.py --only builds --binary A --compare B [--triples 300] [--runs 10]
Prints a Markdown report on stdout. Needs .venv (make venv); the AWS CLI comparison installs
awscli into target/bench-venv on first use.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PY = os.path.join(ROOT, ".venv", "bin", "python")
BENCH_VENV = os.path.join(ROOT, "target", "bench-venv")
ECHO = "import json\n\ndef handler(event, context):\n    print(json.dumps(event))\n    return {'ok': True}\n"
POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
    ],
})
TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


class Emulator:
    def __init__(self, latency_ms: float = 0.0, extra: list[str] | None = None) -> None:
        self.dir = tempfile.mkdtemp(prefix="sqs-trigger-bench-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [VENV_PY, os.path.join(ROOT, "tests/emulator/launcher.py"), "--port", "0", "--port-file", port_file,
             "--exit-with-parent", str(os.getpid()), "--latency-ms", str(latency_ms), *(extra or [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(400):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.port = int(open(port_file).read())
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(400):
            try:
                urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=1)
                break
            except Exception:
                time.sleep(0.05)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for k in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "CI"]:
            env.pop(k, None)
        env.update({
            "AWS_ENDPOINT_URL": self.url, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_EC2_METADATA_DISABLED": "true",
            "NO_COLOR": "1", "RUST_BACKTRACE": "0",
        })
        return env

    def requests(self) -> list[dict]:
        with urllib.request.urlopen(self.url + "/_emulator/requests") as r:
            return json.load(r)

    def clear(self) -> None:
        req = urllib.request.Request(self.url + "/_emulator/requests", method="DELETE")
        urllib.request.urlopen(req).read()

    def stop(self) -> None:
        self.proc.kill()


def boto(emu: Emulator, service: str):
    import boto3  # from .venv (moto depends on it)

    return boto3.client(service, endpoint_url=emu.url, region_name="us-east-1",
                        aws_access_key_id="bench", aws_secret_access_key="bench")


def make_function(emu: Emulator, name: str, full: bool = False) -> str:
    iam, lam = boto(emu, "iam"), boto(emu, "lambda")
    policy = POLICY
    if full:
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": "*"}]})
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.put_role_policy(RoleName=f"{name}-role", PolicyName="logs", PolicyDocument=policy)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", ECHO)
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Timeout=10,
                        Code={"ZipFile": buf.getvalue()})
    return role


def seed_triples(emu: Emulator, count: int) -> None:
    """`count` queue/function/mapping triples, made directly on the emulator."""
    sqs, lam = boto(emu, "sqs"), boto(emu, "lambda")
    role = make_function(emu, f"bench-all-seed-{uuid.uuid4().hex[:6]}", full=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", ECHO)
    for i in range(count):
        name = f"bench-all-{i}"
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                            Timeout=10, Code={"ZipFile": buf.getvalue()})
        url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)


def timed(cmd: list[str], env: dict[str, str], check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc


def chain_depth(requests: list[dict], latency: float = 0.0) -> int:
    """Longest chain of requests each starting after the previous one ended.

    The emulator stamps `arrived` before its added latency (`latency`, in seconds; an older
    log has only `time`, after it): only a request that arrived after another's answer
    depends on it.
    """
    reqs = sorted((arrival(r, latency), r.get("end", r["time"])) for r in requests)
    best: list[int] = []
    for i, (start, _) in enumerate(reqs):
        prev = [best[j] for j in range(i) if reqs[j][1] <= start]
        best.append(1 + max(prev, default=0))
    return max(best, default=0)


def arrival(request: dict, latency: float) -> float:
    """When a logged request reached the emulator."""
    return request.get("arrived", request["time"] - latency)


def tool_requests(emu: Emulator) -> list[dict]:
    return [r for r in emu.requests() if "app/sqs-trigger" in r.get("user_agent", "")]


def aws_cli() -> str:
    aws = os.path.join(BENCH_VENV, "bin", "aws")
    if not os.path.exists(aws):
        subprocess.run([sys.executable, "-m", "venv", BENCH_VENV], check=True)
        subprocess.run([os.path.join(BENCH_VENV, "bin", "pip"), "install", "-q", "awscli"], check=True)
    return aws


def cli_flow(aws: str, env: dict[str, str], queue: str, function: str, role: str) -> float:
    """The same job as `setup`, with the AWS CLI: ten invocations."""
    start = time.perf_counter()

    def call(*args: str) -> dict:
        # awscli v1 ignores AWS_ENDPOINT_URL: name the endpoint on every call.
        cmd = [aws, *args, "--output", "json", "--endpoint-url", env["AWS_ENDPOINT_URL"]]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout) if out.stdout.strip() else {}

    dlq_url = call("sqs", "create-queue", "--queue-name", f"{queue}-dlq")["QueueUrl"]
    dlq_arn = call("sqs", "get-queue-attributes", "--queue-url", dlq_url, "--attribute-names", "QueueArn")["Attributes"]["QueueArn"]
    attrs = json.dumps({"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})
    url = call("sqs", "create-queue", "--queue-name", queue, "--attributes", attrs)["QueueUrl"]
    arn = call("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")["Attributes"]["QueueArn"]
    call("lambda", "get-function", "--function-name", function)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Resource": arn}]})
    call("iam", "put-role-policy", "--role-name", role.rsplit("/", 1)[-1], "--policy-name", "sqs", "--policy-document", policy)
    call("lambda", "create-event-source-mapping", "--function-name", function, "--event-source-arn", arn)
    marker = uuid.uuid4().hex
    call("sqs", "send-message", "--queue-url", url, "--message-body", json.dumps({"probe": marker}))
    for _ in range(100):
        events = call("logs", "filter-log-events", "--log-group-name", f"/aws/lambda/{function}")["events"]
        if any(marker in e["message"] for e in events):
            break
    else:
        raise SystemExit("the AWS CLI flow never saw its log line")
    return time.perf_counter() - start


# The minimum chain of dependent requests each command's dependencies allow, for the fixtures
# of `critical_paths` (a function whose role has one inline policy and no managed policy, an
# SSE-SQS queue with a DLQ). The reasoning, request by request, is in docs/performance.md.
MINIMUM_CHAIN = {
    "doctor --queue": 4,
    "doctor --function": 4,
    "setup --fix (fresh)": 8,
    "setup (converged)": 5,
    "probe": 4,
    "mapping create (converged)": 3,
    "role check": 3,
    "queue create (converged)": 2,
}


def critical_paths(binary: str, latency_ms: float, runs: int, show: bool) -> list[str]:
    """Every command's requests, longest dependent chain and median wall time, with
    `latency_ms` added to every request (standing in for the round trip to AWS)."""
    # Mappings are Enabled as soon as they are made (issue 11's measuring conditions): the
    # chain then shows the tool's own round trips, not the emulator's state machine.
    emu = Emulator(latency_ms=latency_ms, extra=["--mapping-transition-ms", "0"])
    env = emu.env()
    latency = latency_ms / 1000.0
    fn = f"bench-path-{uuid.uuid4().hex[:6]}"
    q = f"bench-path-q-{uuid.uuid4().hex[:6]}"
    out = [f"## critical paths at {latency_ms:.0f} ms per request\n",
           f"Medians of {runs} runs (wall time, requests and chain; the last two do not vary).\n",
           "| command | requests | longest dependent chain | minimum chain | wall time (median) |",
           "|---|---|---|---|---|"]
    shown: list[str] = []
    try:
        make_function(emu, fn, full=True)
        # Converge the queue and the mapping first: the commands below find them in place.
        timed([binary, "queue", "create", q], env)
        timed([binary, "mapping", "create", "--function", fn, "--queue", q], env)
        fresh = iter(range(10_000))

        def fresh_setup() -> list[str]:
            i = next(fresh)
            f = f"bench-fresh-{i}-{uuid.uuid4().hex[:6]}"
            make_function(emu, f)  # logs only: --fix attaches the SQS permissions
            return ["setup", "--function", f, "--queue", f"bench-fresh-q-{i}-{uuid.uuid4().hex[:6]}", "--fix",
                    "--yes", "--probe-timeout", "30s"]

        commands = [
            ("doctor --queue", lambda: ["doctor", "--queue", q]),
            ("doctor --function", lambda: ["doctor", "--function", fn]),
            ("setup --fix (fresh)", fresh_setup),
            ("setup (converged)", lambda: ["setup", "--function", fn, "--queue", q, "--probe-timeout", "30s"]),
            ("probe", lambda: ["probe", "--function", fn, "--queue", q, "--timeout", "30s"]),
            ("mapping create (converged)", lambda: ["mapping", "create", "--function", fn, "--queue", q]),
            ("role check", lambda: ["role", "check", "--function", fn, "--queue", q]),
            ("queue create (converged)", lambda: ["queue", "create", q]),
        ]
        for label, make_cmd in commands:
            times, counts, depths, codes = [], [], [], set()
            for _ in range(runs):
                cmd = make_cmd()
                emu.clear()
                launched = time.time()
                t, proc = timed([binary, *cmd], env, check=False)
                reqs = tool_requests(emu)
                times.append(t)
                counts.append(len(reqs))
                depths.append(chain_depth(reqs, latency))
                codes.add(proc.returncode)
                if show and len(times) == 1:
                    base = min((arrival(r, latency) for r in reqs), default=0.0)
                    last = max((r.get("end", r["time"]) for r in reqs), default=base)
                    shown.append(f"\n{label}: first request {(base - launched) * 1000:.0f} ms after launch, "
                                 f"exit {(launched + t - last) * 1000:.0f} ms after the last answer")
                    for r in sorted(reqs, key=lambda r: arrival(r, latency)):
                        start, end = (arrival(r, latency) - base) * 1000, (r.get("end", r["time"]) - base) * 1000
                        shown.append(f"  {start:7.1f} → {end:7.1f} ms  {r['service']}:{r['operation']}")
            depth = statistics.median(depths)
            minimum = MINIMUM_CHAIN[label]
            exits = ",".join(str(c) for c in sorted(codes))
            out.append(f"| `{label}` (exit {exits}) | {statistics.median(counts):g} | {depth:g} | {minimum} | "
                       f"{statistics.median(times)*1000:.0f} ms |")
    finally:
        emu.stop()
    return out + shown


def metrics_beside_all(binary: str, emu: Emulator, triples: int) -> list[str]:
    """`doctor --all --metrics` beside `doctor --all` on the same seeded triples: requests per
    trigger, GetMetricData calls (up to 500 queries each, shared across triggers), wall time."""
    out = [f"\n## doctor --all --metrics beside doctor --all ({triples} triples, concurrency 8)\n",
           "| command | wall time | requests | per trigger | GetMetricData calls | triggers |",
           "|---|---|---|---|---|---|"]
    for label, extra in [("doctor --all", []), ("doctor --all --metrics", ["--metrics"])]:
        emu.clear()
        t, proc = timed([binary, "doctor", "--all", *extra, "--output", "json"], emu.env(), check=False)
        reqs = tool_requests(emu)
        n = json.loads(proc.stdout)["summary"]["triggers"]
        calls = sum(1 for r in reqs if r.get("operation") == "GetMetricData")
        out.append(f"| `{label}` | {t:.2f} s | {len(reqs)} | {len(reqs) / max(n, 1):.2f} | {calls} | {n} |")
    return out


def fleet(binary: str, triggers: int, roles: int, managed: int, iam_rate: float, latency_ms: float,
          concurrencies: list[int]) -> list[str]:
    """doctor --all over a fleet sharing few roles, IAM rate-limited (section 6)."""
    emu = Emulator(extra=["--rate-limit", f"iam={iam_rate:g}", "--no-pollers"])
    out = [f"## doctor --all at organization scale: {triggers} triggers, {roles} roles, {managed} managed policies\n"]
    try:
        start = time.perf_counter()
        subprocess.run([VENV_PY, os.path.join(ROOT, "tests/emulator/fleet.py"), "--endpoint-url", emu.url,
                        "--triggers", str(triggers), "--roles", str(roles), "--managed", str(managed),
                        "--attach", "2", "--prefix", "org"], check=True, stdout=subprocess.DEVNULL)
        seeded = time.perf_counter() - start
        req = urllib.request.Request(emu.url + "/_emulator/latency", data=json.dumps({"ms": latency_ms}).encode(),
                                     method="POST")
        urllib.request.urlopen(req).read()
        out.append(f"Emulator IAM limited to {iam_rate:g} requests/s (per account, answering `Throttling` beyond), "
                   f"{latency_ms:g} ms added to every request; seeding took {seeded:.0f} s. Each role has one inline "
                   f"and two of the {managed} managed policies attached. `requests` counts what the emulator "
                   "received from the tool, throttled attempts included; `answered` leaves those out. The "
                   "one-read-per-fact minimum: the mapping pages, the caller, 4 reads per role (GetRole, "
                   "ListRolePolicies, ListAttachedRolePolicies, GetRolePolicy), 2 per managed policy (GetPolicy, "
                   "GetPolicyVersion), and per trigger its queue (GetQueueUrl, GetQueueAttributes, ListQueueTags), "
                   "its function (GetFunction) and the simulations it was answered (one per resource). The floor: "
                   "the IAM requests answered, at the rate limit.\n")
        out.append("| concurrency | wall time | requests (per trigger) | answered | one-read-per-fact minimum | "
                   "IAM requests (answered) | throttled | IAM floor | wall / floor | exit |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for concurrency in concurrencies:
            time.sleep(2)  # the rate limiter's bucket refills between runs
            emu.clear()
            t, proc = timed([binary, "doctor", "--all", "--concurrency", str(concurrency), "--output", "json"],
                            emu.env(), check=False)
            reqs = tool_requests(emu)
            answered = [r for r in reqs if not r.get("faulted")]
            iam = [r for r in reqs if r["service"] == "iam"]
            iam_answered = [r for r in iam if not r.get("faulted")]
            throttled = len(reqs) - len(answered)
            count = lambda op: sum(1 for r in answered if r["operation"] == op)  # noqa: E731
            minimum = (count("ListEventSourceMappings") + 1 + 4 * roles + 2 * managed
                       + 4 * triggers + count("SimulatePrincipalPolicy"))
            floor = len(iam_answered) / iam_rate
            try:
                report = json.loads(proc.stdout)
                seen = report["summary"]["triggers"]
            except ValueError:
                seen = "?"
            out.append(f"| {concurrency} | {t:.1f} s | {len(reqs)} ({len(reqs) / triggers:.2f}) | {len(answered)} | "
                       f"{minimum} ({len(answered) / minimum:.2f}×) | {len(iam)} ({len(iam_answered)}) | {throttled} | "
                       f"{floor:.1f} s | {t / floor:.2f}× | {proc.returncode} ({seen} triggers) |")
    finally:
        emu.stop()
    return out


def strip_timings(value):
    """A report without what differs from run to run (durations, timestamps)."""
    if isinstance(value, dict):
        return {k: strip_timings(v) for k, v in value.items()
                if not (k.endswith("_ms") or k in ("timestamp", "elapsed", "generated_at"))}
    if isinstance(value, list):
        return [strip_timings(v) for v in value]
    return value


def builds(binary: str, other: str, triples: int, runs: int) -> list[str]:
    """Two builds of the same source side by side: speed, size and answers."""
    names = [binary, other]
    out = [f"## two builds side by side: {os.path.basename(os.path.dirname(binary)) or binary} vs "
           f"{os.path.basename(os.path.dirname(other)) or other}\n"]
    same = True
    # lint: every fixture, text and JSON, exit codes.
    fixtures = os.path.join(ROOT, "tests", "fixtures", "lint")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    lint_cases = 0
    for name in sorted(os.listdir(fixtures)):
        path = os.path.join("tests", "fixtures", "lint", name)
        for fmt in ("text", "json"):
            answers = []
            for b in names:
                proc = subprocess.run([b, "lint", path, "--output", fmt], env=env, cwd=ROOT, capture_output=True,
                                      text=True)
                answers.append((proc.returncode, proc.stdout, proc.stderr))
            lint_cases += 1
            if answers[0] != answers[1]:
                same = False
                out.append(f"- lint {name} ({fmt}): DIFFERENT (exit {answers[0][0]} vs {answers[1][0]})")
    out.append(f"- lint: {lint_cases} runs (each fixture, text and json): "
               f"{'same stdout, stderr and exit code' if same else 'see the differences above'}")

    # Mappings Enabled as soon as made: otherwise a run sees some still Creating, the next not.
    emu = Emulator(extra=["--mapping-transition-ms", "0"])
    env = emu.env()
    try:
        start = time.perf_counter()
        seed_triples(emu, triples)
        out.append(f"- seeded {triples} queue/function/mapping triples in {time.perf_counter() - start:.1f} s")
        reports, times = {b: [] for b in names}, {b: [] for b in names}
        for _ in range(runs):
            for b in names:  # alternated, so both see the same machine load
                t, proc = timed([b, "doctor", "--all", "--output", "json"], env, check=False)
                times[b].append(t)
                report = strip_timings(json.loads(proc.stdout))
                report.pop("requests", None)  # how many requests it took: a measurement, not an answer
                reports[b].append((proc.returncode, report))
        answers_same = all(r == reports[binary][0] for b in names for r in reports[b])
        same = same and answers_same
        out.append(f"- doctor --all: {runs} runs each, "
                   f"{'the same JSON (timings aside) and exit code in every run' if answers_same else 'DIFFERENT answers'}"
                   f"; {reports[binary][0][1]['summary']['triggers']} triggers reported\n")
        starts = {b: [] for b in names}
        for _ in range(50):
            for b in names:
                starts[b].append(timed([b, "--version"], env)[0])
        out.append("| build | size | `--version` (median of 50) | `doctor --all` median | min | max |")
        out.append("|---|---|---|---|---|---|")
        for b in names:
            out.append(f"| `{os.path.relpath(b, ROOT)}` | {os.path.getsize(b) / 1e6:.1f} MB | "
                       f"{statistics.median(starts[b]) * 1000:.1f} ms | {statistics.median(times[b]):.2f} s | "
                       f"{min(times[b]):.2f} s | {max(times[b]):.2f} s |")
        ratio = statistics.median(times[binary]) / statistics.median(times[other])
        out.append(f"\n`doctor --all`: the first build takes {ratio:.3f}× the time of the second "
                   f"({(ratio - 1) * 100:+.1f}%).")
    finally:
        emu.stop()
    out.append(f"\nanswers: {'SAME' if same else 'DIFFERENT'}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/sqs-trigger"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--triples", type=int, default=300)
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added latency for the concurrency run")
    parser.add_argument("--latency-triples", type=int, default=100)
    parser.add_argument("--skip-cli", action="store_true", help="skip the AWS CLI comparison")
    parser.add_argument("--path-latency-ms", type=float, default=50.0, help="added latency for the critical paths")
    parser.add_argument("--path-runs", type=int, default=5, help="runs per command for the critical paths")
    parser.add_argument("--show-requests", action="store_true", help="list each command's requests with times")
    parser.add_argument("--only", choices=["paths", "metrics", "fleet", "builds"], help="run one section only")
    parser.add_argument("--compare", help="with --only builds: the other binary")
    parser.add_argument("--fleet-triggers", type=int, default=2000)
    parser.add_argument("--fleet-roles", type=int, default=20)
    parser.add_argument("--fleet-managed", type=int, default=5)
    parser.add_argument("--fleet-iam-rate", type=float, default=20.0, help="IAM requests/s the emulator allows")
    parser.add_argument("--fleet-latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if args.only == "builds":
        if not args.compare:
            parser.error("--only builds needs --compare OTHER_BINARY")
        lines = builds(binary, os.path.abspath(args.compare), args.triples, args.runs)
        print("\n".join(lines))
        return 0 if lines[-1].endswith("SAME") else 1
    if args.only == "paths":
        print("\n".join(critical_paths(binary, args.path_latency_ms, args.path_runs, args.show_requests)))
        return 0
    if args.only == "metrics":
        emu = Emulator()
        try:
            seed_triples(emu, args.triples)
            print("\n".join(metrics_beside_all(binary, emu, args.triples)))
        finally:
            emu.stop()
        return 0
    fleet_args = (binary, args.fleet_triggers, args.fleet_roles, args.fleet_managed, args.fleet_iam_rate,
                  args.fleet_latency_ms, [8, 32])
    if args.only == "fleet":
        print("\n".join(fleet(*fleet_args)))
        return 0
    out: list[str] = []
    emu = Emulator()
    env = emu.env()
    try:
        # 1. setup + probe versus the AWS CLI.
        tool_times, cli_times = [], []
        aws = None if args.skip_cli else aws_cli()
        for i in range(args.runs):
            fn = f"bench-fn-{i}-{uuid.uuid4().hex[:6]}"
            make_function(emu, fn)
            t, _ = timed([binary, "setup", "--function", fn, "--queue", f"bench-q-{i}-{uuid.uuid4().hex[:6]}",
                          "--fix", "--yes", "--probe-timeout", "30s"], env)
            tool_times.append(t)
            if aws:
                fn2 = f"bench-cli-{i}-{uuid.uuid4().hex[:6]}"
                role = make_function(emu, fn2)
                cli_times.append(cli_flow(aws, env, f"bench-cq-{i}-{uuid.uuid4().hex[:6]}", fn2, role))
        tool_median = statistics.median(tool_times)
        out.append("## setup + probe versus the AWS CLI\n")
        out.append(f"{args.runs} runs each, on the local emulator, same machine, same run.\n")
        out.append("| flow | median | min | max |\n|---|---|---|---|")
        out.append(f"| `sqs-trigger setup --fix --yes` (queue+DLQ, role check+fix, mapping, probe) | "
                   f"{tool_median*1000:.0f} ms | {min(tool_times)*1000:.0f} ms | {max(tool_times)*1000:.0f} ms |")
        if cli_times:
            cli_median = statistics.median(cli_times)
            out.append(f"| AWS CLI, 10 invocations (same job, no checks) | {cli_median*1000:.0f} ms | "
                       f"{min(cli_times)*1000:.0f} ms | {max(cli_times)*1000:.0f} ms |")
            out.append(f"\n**sqs-trigger is {cli_median / tool_median:.1f}× faster** than the AWS CLI flow.\n")

        # 2. Requests and chain depth per command.
        fn = f"bench-req-{uuid.uuid4().hex[:6]}"
        make_function(emu, fn, full=True)
        q = f"bench-req-q-{uuid.uuid4().hex[:6]}"
        commands = [
            ("queue create", ["queue", "create", q]),
            ("queue create (again, unchanged)", ["queue", "create", q]),
            ("role check", ["role", "check", "--function", fn, "--queue", q]),
            ("mapping create", ["mapping", "create", "--function", fn, "--queue", q]),
            ("probe", ["probe", "--function", fn, "--queue", q, "--timeout", "30s"]),
            ("doctor --queue", ["doctor", "--queue", q]),
            ("setup (converged: every step unchanged)", ["setup", "--function", fn, "--queue", q, "--probe-timeout", "30s"]),
            ("teardown", ["teardown", "--queue", q, "--function", fn, "--yes"]),
        ]
        out.append("## AWS requests per command\n")
        out.append("| command | requests | longest dependent chain | wall time |\n|---|---|---|---|")
        for label, cmd in commands:
            emu.clear()
            t, proc = timed([binary, *cmd], env, check=False)
            reqs = tool_requests(emu)
            out.append(f"| `{label}` (exit {proc.returncode}) | {len(reqs)} | {chain_depth(reqs)} | {t*1000:.0f} ms |")

        # 3. doctor --all over many triples.
        start = time.perf_counter()
        seed_triples(emu, args.triples)
        seeded = time.perf_counter() - start
        out.append(f"\n## doctor --all over {args.triples} triples\n")
        out.append(f"(seeding {args.triples} queue/function/mapping triples took {seeded:.1f} s)\n")
        out.append("| concurrency | wall time | requests | triggers reported |\n|---|---|---|---|")
        for concurrency in [1, 8, 16]:
            emu.clear()
            t, proc = timed([binary, "doctor", "--all", "--concurrency", str(concurrency), "--output", "json"], env,
                            check=False)
            report = json.loads(proc.stdout)
            out.append(f"| {concurrency} | {t:.2f} s | {len(tool_requests(emu))} | {report['summary']['triggers']} |")

        # 3a. doctor --all --metrics beside doctor --all.
        out.extend(metrics_beside_all(binary, emu, args.triples))

        # 3b. The same audit with network-like latency: what concurrency buys against AWS.
        out.append(f"\nWith {args.latency_ms:.0f} ms of added latency per request (standing in for the network to AWS), "
                   f"{args.latency_triples} triples:\n")
        out.append("| concurrency | wall time | requests |\n|---|---|---|")
        slow = Emulator(latency_ms=args.latency_ms)
        try:
            seed_triples(slow, args.latency_triples)
            for concurrency in [1, 8, 16]:
                slow.clear()
                t, proc = timed([binary, "doctor", "--all", "--concurrency", str(concurrency), "--output", "json"],
                                slow.env(), check=False)
                out.append(f"| {concurrency} | {t:.2f} s | {len(tool_requests(slow))} |")
        finally:
            slow.stop()

        # 4. Start-up and size.
        starts = [timed([binary, "--help"], env)[0] for _ in range(30)]
        size = os.path.getsize(binary)
        out.append("\n## start-up and size\n")
        out.append(f"- `sqs-trigger --help`: median {statistics.median(starts)*1000:.1f} ms over 30 runs")
        out.append(f"- binary: {size / 1e6:.1f} MB ({os.path.relpath(binary, ROOT)})")
    finally:
        emu.stop()
    # 5. Critical paths with network-like latency.
    out.append("")
    out.extend(critical_paths(binary, args.path_latency_ms, args.path_runs, args.show_requests))
    out.append("")
    out.extend(fleet(*fleet_args))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
