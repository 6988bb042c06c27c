# sqs-trigger — the two commands a fresh machine needs:
#   make demo   run the whole job against the local AWS emulator (no AWS account needed)
#   make test   run every check CI runs: fmt, clippy, unit and integration tests
# Everything else (the emulator's pinned Python packages in .venv, LocalStack's in .venv-localstack)
# is installed by these.
#   make dist-check   what a release ships, checked here (not part of make test; docs/release.md)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
REQUIREMENTS := tests/emulator/requirements.txt tests/report-requirements.txt tests/awscli-requirements.txt
STAMP := $(VENV)/.installed

export RUST_BACKTRACE ?= 0
export CARGO_TERM_COLOR ?= never

# LocalStack community for tests/localstack.rs: its own virtualenv, as it needs Python >= 3.13
# (PYTHON313, else python3.13 on PATH, else pyenv's 3.13) and pins its own dependencies.
LOCALSTACK_VENV := .venv-localstack
LOCALSTACK_STAMP := $(LOCALSTACK_VENV)/.installed
LOCALSTACK_REQUIREMENTS := tests/localstack/requirements.txt

DIST_VENV := .venv-dist
DIST_STAMP := $(DIST_VENV)/.installed

.PHONY: demo test venv localstack-venv test-localstack lint unit generate bench clean-venv dist-check release-workflow

$(STAMP): $(REQUIREMENTS)
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-input $(addprefix -r ,$(REQUIREMENTS))
	@touch $(STAMP)

## venv: the local AWS emulator's pinned Python packages (and the JUnit validator's and the AWS CLI for the printed-commands test), in a project-local virtualenv
venv: $(STAMP)

$(LOCALSTACK_STAMP): $(LOCALSTACK_REQUIREMENTS) scripts/find-python313.sh
	@test -x $(LOCALSTACK_VENV)/bin/python || { py=$$(scripts/find-python313.sh) && "$$py" -m venv $(LOCALSTACK_VENV); }
	$(LOCALSTACK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-input --no-deps -r $(LOCALSTACK_REQUIREMENTS)
	@touch $(LOCALSTACK_STAMP)

## localstack-venv: LocalStack community (localstack-core, pinned with every dependency) in .venv-localstack, for tests/localstack.rs
localstack-venv: $(LOCALSTACK_STAMP)

## test-localstack: the core flows against LocalStack alone (make test runs them too)
test-localstack: $(LOCALSTACK_STAMP)
	cargo test --test localstack

## demo: start the emulator, run sqs-trigger end to end against it, stop the emulator
demo: $(STAMP)
	cargo build --quiet
	scripts/demo.sh target/debug/sqs-trigger

## test: what CI runs (.ci/run): fmt, clippy, the emulator's own tests, all tests (test binaries side by side,
## tests/localstack.rs against LocalStack among them)
test: $(STAMP) $(LOCALSTACK_STAMP)
	cargo fmt --all --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	rm -rf target/tmp/emulator-requests
	$(VENV)/bin/python -m unittest discover -s tests/emulator -p 'test_*.py'
	scripts/run-tests.sh
	$(VENV)/bin/python scripts/check_request_log.py target/tmp/emulator-requests

## generate: rewrite the committed completions/ and docs/sqs-trigger.1 from the CLI definition
generate:
	SQS_TRIGGER_UPDATE_GENERATED=1 cargo test --quiet --test generated

## bench: the benchmarks of docs/performance.md (needs a release build)
bench: $(STAMP)
	cargo build --release --quiet
	scripts/bench.sh

## dist-check: build the static x86_64 musl release with dist and check what it ships: static,
## --version, lint, the installer from a file:// release, actionlint/zizmor/shellcheck/hadolint,
## release.yml, the action in a harness, the container image (docs/release.md). Needs musl-tools
## and `rustup target add x86_64-unknown-linux-musl` (README); its tools go into .venv-dist.
dist-check: $(DIST_STAMP)
	scripts/dist-check.sh

$(DIST_STAMP): tools/dist-requirements.txt
	@test -x $(DIST_VENV)/bin/python || $(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-input --only-binary=:all: -r tools/dist-requirements.txt
	@touch $(DIST_STAMP)

## release-workflow: regenerate .github/workflows/release.yml (dist generate + tools/release-workflow.patch)
release-workflow: $(DIST_STAMP)
	PATH="$(CURDIR)/$(DIST_VENV)/bin:$$PATH" scripts/release-workflow.sh

clean-venv:
	rm -rf $(VENV) $(DIST_VENV) $(LOCALSTACK_VENV)
