#!/usr/bin/env python3
"""Run action.yml's steps as a GitHub runner would, here, and check what they write.

Each `run:` step of the composite action runs with `bash --noprofile --norc -eo pipefail FILE`
(the runner's command for `shell: bash`), its `env:` evaluated from the inputs and the earlier
steps' outputs, with fake GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ENV and GITHUB_STEP_SUMMARY files,
RUNNER_OS/RUNNER_ARCH/RUNNER_TEMP, GITHUB_ACTIONS=true and GITHUB_ACTION_PATH = the repository.
The action's outputs are then evaluated from the steps' outputs, as the runner does.

Only the expressions action.yml is allowed to use are understood (`inputs.NAME`,
`steps.ID.outputs.NAME`): anything else fails the harness, so a new expression in action.yml
is a deliberate change here too.

    scripts/action-harness.py --release-dir DIR [--version 0.1.0]

DIR is a local release in GitHub's layout (DIR/download/vX.Y.Z/FILES and DIR/latest/download/),
as `make dist-check` lays it out from dist's archives. Exit 0 when every scenario passes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepResult:
    id: str
    code: int
    outputs: dict[str, str]
    stdout: str


@dataclass
class ActionRun:
    steps: list[StepResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    path_added: list[str] = field(default_factory=list)

    @property
    def failed_step(self) -> str | None:
        return next((s.id for s in self.steps if s.code != 0), None)

    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)


def parse_output_file(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's two forms: name=value, and name<<DELIMITER ... DELIMITER."""
    values: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        elif line.strip():
            raise ValueError(f"not a GITHUB_OUTPUT line: {line!r}")
        i += 1
    return values


def evaluate(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        parts = expression.split(".")
        if len(parts) == 2 and parts[0] == "inputs":
            if parts[1] not in inputs:
                raise KeyError(f"action.yml uses an undeclared input: {expression}")
            return inputs[parts[1]]
        if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
            return steps.get(parts[1], {}).get(parts[3], "")
        raise ValueError(f"the harness does not evaluate ${{{{ {expression} }}}}")

    return EXPRESSION.sub(one, text)


def run_action(given: dict[str, str], workdir: Path, runner_temp: Path) -> ActionRun:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", "action.yml must be a composite action"
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    for name, value in given.items():
        if name not in inputs:
            raise KeyError(f"action.yml has no input {name!r}")
        inputs[name] = value
    for name, spec in action["inputs"].items():
        if spec.get("required") and not inputs[name]:
            raise ValueError(f"input {name!r} is required")

    files = {name: runner_temp / f"_{name}" for name in ("output", "path", "env", "summary")}
    for path in files.values():
        path.write_text("")
    base_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "RUNNER_", "INPUT_", "SQS_TRIGGER_", "AWS_"))
    }
    base_env.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(workdir),
            "GITHUB_PATH": str(files["path"]),
            "GITHUB_ENV": str(files["env"]),
            "GITHUB_STEP_SUMMARY": str(files["summary"]),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "RUNNER_TEMP": str(runner_temp),
            "NO_COLOR": "1",
        }
    )

    result = ActionRun()
    step_outputs: dict[str, dict[str, str]] = {}
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        assert step.get("shell") == "bash", f"step {step_id}: every step runs with shell: bash"
        assert "run" in step and "uses" not in step, f"step {step_id}: run steps only"
        assert "if" not in step, f"step {step_id}: the harness does not evaluate if:"
        assert "${{" not in step["run"], f"step {step_id}: no expression inside run:"
        env = dict(base_env)
        env.update(
            {k: evaluate(str(v), inputs, step_outputs) for k, v in step.get("env", {}).items()}
        )
        files["output"].write_text("")
        env["GITHUB_OUTPUT"] = str(files["output"])
        script = runner_temp / f"_step_{step_id}.sh"
        script.write_text(step["run"])
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )
        outputs = parse_output_file(files["output"].read_text())
        step_outputs[step_id] = outputs
        result.steps.append(StepResult(step_id, proc.returncode, outputs, proc.stdout))
        added = [line for line in files["path"].read_text().splitlines() if line]
        result.path_added = added
        base_env["PATH"] = os.pathsep.join(added[::-1] + [os.environ.get("PATH", "")])
        if proc.returncode != 0:
            break  # the runner skips the remaining steps of a failed composite action

    for name, spec in action["outputs"].items():
        result.outputs[name] = evaluate(str(spec["value"]), inputs, step_outputs)
    result.summary = files["summary"].read_text()
    return result


class Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.passed = 0

    def expect(self, scenario: str, condition: bool, what: str, run: ActionRun | None = None) -> None:
        if condition:
            self.passed += 1
            return
        detail = ""
        if run is not None:
            detail = f"\n    outputs: {run.outputs}\n    log:\n" + "\n".join(
                "      " + line for line in run.stdout().splitlines()[-25:]
            )
        self.failures.append(f"{scenario}: {what}{detail}")


def scenarios(release: Path, version: str, checks: Checks) -> None:
    fixtures = REPO / "tests" / "fixtures" / "lint"
    url = release.resolve().as_uri()

    def fresh() -> tuple[Path, Path]:
        root = Path(tempfile.mkdtemp(prefix="action-harness-"))
        work, temp = root / "work", root / "temp"
        work.mkdir()
        temp.mkdir()
        for name in ("visibility-batch.yaml", "healthy.yaml"):
            shutil.copy(fixtures / name, work / name)
        return work, temp

    # 1. lint with errors, SARIF and JUnit asked for, the latest release
    name = "lint finds errors"
    work, temp = fresh()
    run = run_action(
        {
            "command": "lint visibility-batch.yaml",
            "sarif": "reports/lint.sarif",
            "junit": "reports/lint.xml",
            "release-url": url,
        },
        work,
        temp,
    )
    checks.expect(name, run.steps[0].code == 0, "the install step succeeds", run)
    checks.expect(name, run.outputs["version"] == version, f"output version is {version}", run)
    checks.expect(name, run.outputs["exit-code"] == "1", "output exit-code is 1", run)
    checks.expect(name, run.failed_step == "run", "the run step fails with the command", run)
    checks.expect(name, run.outputs["sarif-file"] == "reports/lint.sarif", "output sarif-file", run)
    sarif_path = work / "reports" / "lint.sarif"
    if sarif_path.is_file():
        sarif = json.loads(sarif_path.read_text())
        results = [r for run_ in sarif.get("runs", []) for r in run_.get("results", [])]
        checks.expect(name, sarif.get("version") == "2.1.0", "the SARIF file is SARIF 2.1.0", run)
        checks.expect(name, len(results) > 0, "the SARIF file holds the findings", run)
    else:
        checks.expect(name, False, "the SARIF file was written", run)
    checks.expect(name, (work / "reports" / "lint.xml").is_file(), "the JUnit file was written", run)
    checks.expect(name, "::error " in run.stdout(), "annotations (::error) are printed", run)
    checks.expect(name, run.summary.strip() != "", "the job summary is written", run)
    checks.expect(name, len(run.path_added) == 1, "the binary's folder is added to GITHUB_PATH", run)

    # 2. lint of a healthy template, a pinned version (with its v), no reports
    name = "lint passes"
    work, temp = fresh()
    run = run_action(
        {"command": "lint healthy.yaml", "version": f"v{version}", "release-url": url}, work, temp
    )
    checks.expect(name, run.failed_step is None, "no step fails", run)
    checks.expect(name, run.outputs["exit-code"] == "0", "output exit-code is 0", run)
    checks.expect(name, run.outputs["sarif-file"] == "", "output sarif-file is empty", run)
    checks.expect(name, run.outputs["version"] == version, f"output version is {version}", run)

    # 3. fail-on warning passes through (healthy has no warnings either: still 0), a
    #    multi-line command works
    name = "multi-line command, fail-on warning"
    work, temp = fresh()
    run = run_action(
        {"command": "lint\n  healthy.yaml\n", "fail-on": "warning", "release-url": url}, work, temp
    )
    checks.expect(name, run.outputs["exit-code"] == "0", "output exit-code is 0", run)

    # 4. an archive whose checksum does not match is refused before anything runs
    name = "checksum mismatch"
    work, temp = fresh()
    tampered = Path(tempfile.mkdtemp(prefix="action-harness-release-")) / "release"
    shutil.copytree(release, tampered, symlinks=False)
    for archive in tampered.glob("download/*/*.tar.xz"):
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        archive.write_bytes(bytes(data))
    run = run_action(
        {"command": "lint healthy.yaml", "version": version, "release-url": tampered.as_uri()},
        work,
        temp,
    )
    checks.expect(name, run.failed_step == "install", "the install step fails", run)
    checks.expect(name, "checksum mismatch" in run.stdout(), "it says checksum mismatch", run)
    checks.expect(name, run.outputs["exit-code"] == "", "the run step never ran", run)
    checks.expect(name, run.path_added == [], "nothing is added to GITHUB_PATH", run)

    # 5. inputs are data, never code: a version that is not a version, a command with shell
    #    syntax in it
    name = "hostile inputs"
    work, temp = fresh()
    run = run_action(
        {"command": "lint healthy.yaml", "version": "0.1.0;touch pwned", "release-url": url},
        work,
        temp,
    )
    checks.expect(name, run.failed_step == "install", "a bad version fails the install step", run)
    work, temp = fresh()
    run = run_action(
        {"command": "lint $(touch pwned) `touch pwned2` healthy.yaml; touch pwned3", "release-url": url},
        work,
        temp,
    )
    created = [p.name for p in work.iterdir() if p.name.startswith("pwned")]
    checks.expect(name, created == [], f"no command substitution ran (found {created})", run)
    checks.expect(name, run.outputs["exit-code"] == "2", "sqs-trigger saw the words as paths: exit 2", run)
    work, temp = fresh()
    run = run_action(
        {"command": "lint healthy.yaml", "fail-on": "never", "release-url": url}, work, temp
    )
    checks.expect(name, run.outputs["exit-code"] == "2", "a bad fail-on is exit-code 2", run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--version", required=True, help="the version the release holds")
    args = parser.parse_args()
    checks = Checks()
    scenarios(args.release_dir, args.version, checks)
    for failure in checks.failures:
        print(f"FAIL {failure}")
    print(f"action harness: {checks.passed} passed, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
