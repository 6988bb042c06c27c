//! Test support: the local AWS emulator (moto + our launcher) on a free loopback port, the
//! real `sqs-trigger` binary pointed at it, and SDK helpers to build and read back
//! resources. One emulator per test binary; each test uses unique resource names.
//!
//! A library of its own (a dev-dependency), so each test binary uses what it needs of it.

pub mod schema;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// A CreateEventSourceMapping request being built.
pub type MappingRequest =
    aws_sdk_lambda::operation::create_event_source_mapping::builders::CreateEventSourceMappingFluentBuilder;

/// How to install what the emulator needs; printed whenever it is missing.
pub const INSTALL_HINT: &str =
    "run `make venv` (creates .venv with the pinned packages of tests/emulator/requirements.txt)";

pub fn repo_root() -> PathBuf {
    // This crate lives in tests/support.
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("tests/support is two levels down").to_path_buf()
}

/// The build's profile directory (`target/debug`): a test binary runs from its `deps`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors().nth(2).expect("a test binary lives in target/PROFILE/deps").to_path_buf()
}

/// The `sqs-trigger` binary cargo built beside the test binaries (`SQS_TRIGGER_BIN` overrides).
pub fn binary() -> PathBuf {
    match std::env::var_os("SQS_TRIGGER_BIN") {
        Some(path) => PathBuf::from(path),
        None => profile_dir().join(format!("sqs-trigger{}", std::env::consts::EXE_SUFFIX)),
    }
}

/// Cargo's scratch directory for tests (`target/tmp`).
pub fn target_tmpdir() -> PathBuf {
    profile_dir().parent().expect("target/PROFILE has a parent").join("tmp")
}

/// A running emulator. Dropping it (or the test process ending: the launcher watches its
/// parent) stops it.
pub struct Emulator {
    child: Child,
    pub port: u16,
    pub endpoint: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

static SHARED: OnceLock<Emulator> = OnceLock::new();

/// The emulator shared by every test of this binary.
pub fn emulator() -> &'static Emulator {
    SHARED.get_or_init(Emulator::start)
}

/// How to install LocalStack for `Emulator::start_localstack`; printed whenever it is missing.
pub const LOCALSTACK_INSTALL_HINT: &str = "run `make localstack-venv` (creates .venv-localstack with Python >= 3.13 \
     and the pinned packages of tests/localstack/requirements.txt; PYTHON313=/path/to/python3.13 if it is not found)";

fn localstack_python() -> PathBuf {
    if let Ok(p) = std::env::var("SQS_TRIGGER_LOCALSTACK_PYTHON") {
        return PathBuf::from(p);
    }
    repo_root().join(".venv-localstack/bin/python")
}

fn venv_python() -> PathBuf {
    if let Ok(p) = std::env::var("SQS_TRIGGER_EMULATOR_PYTHON") {
        return PathBuf::from(p);
    }
    repo_root().join(".venv/bin/python")
}

impl Emulator {
    /// Starts a private emulator (for tests that count requests or arm broad faults).
    pub fn start() -> Emulator {
        Emulator::start_with(&[])
    }

    /// A private emulator with extra environment for the launcher (e.g. moto settings).
    pub fn start_with(env: &[(&str, &str)]) -> Emulator {
        let python = venv_python();
        assert!(
            python.exists(),
            "the local AWS emulator is not installed: {} is missing; {INSTALL_HINT}",
            python.display()
        );
        let check = Command::new(&python).args(["-c", "import moto, werkzeug"]).output();
        match check {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "moto is not importable from {}: {}; {INSTALL_HINT}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => panic!("cannot run {}: {e}; {INSTALL_HINT}", python.display()),
        }
        let dir = std::env::temp_dir().join(format!("sqs-trigger-emu-{}-{}", std::process::id(), unique_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let port_file = dir.join("port");
        let log = std::fs::File::create(dir.join("emulator.log")).expect("log file");
        // Every request is also logged to a file, so the suite can prove afterwards that the
        // tool never received, deleted or purged messages (scripts/check_request_log.py).
        let log_dir = target_tmpdir().join("emulator-requests");
        std::fs::create_dir_all(&log_dir).expect("request log dir");
        let request_log = log_dir.join(format!("{}-{}.jsonl", std::process::id(), unique_suffix()));
        let child = Command::new(&python)
            .arg(repo_root().join("tests/emulator/launcher.py"))
            .arg("--request-log")
            .arg(&request_log)
            .args(["--host", "127.0.0.1", "--port", "0", "--port-file"])
            .arg(&port_file)
            .args(["--exit-with-parent", &std::process::id().to_string()])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the emulator with {}: {e}; {INSTALL_HINT}", python.display()));
        Emulator::wait_ready(child, &dir, || std::fs::read_to_string(&port_file).ok()?.trim().parse().ok())
    }

    /// moto's own server as shipped (`moto.server`, moto's entry point): none of
    /// tests/emulator's additions (no Lambda runner, poller twin, fault injector, request log,
    /// AWS-fidelity patches, managed policies). The core flows must work against it too.
    pub fn start_plain_moto() -> Emulator {
        let python = venv_python();
        assert!(python.exists(), "moto is not installed: {} is missing; {INSTALL_HINT}", python.display());
        let dir = std::env::temp_dir().join(format!("sqs-trigger-moto-{}-{}", std::process::id(), unique_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let log = std::fs::File::create(dir.join("emulator.log")).expect("log file");
        let port =
            std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).expect("a free port").port();
        // moto.server's main as it is; the only thing added is that it ends with this process
        // (a test binary that dies must not leave a server behind).
        let watchdog = "import os, sys, threading, time\n\
             parent = int(sys.argv[1])\n\
             def watch():\n    while os.getppid() == parent: time.sleep(0.5)\n    os._exit(0)\n\
             threading.Thread(target=watch, daemon=True).start()\n\
             from moto.server import main\n\
             main(sys.argv[2:])\n";
        let child = Command::new(&python)
            .args(["-c", watchdog, &std::process::id().to_string(), "-H", "127.0.0.1", "-p", &port.to_string()])
            .env_remove("MOTO_IAM_LOAD_MANAGED_POLICIES")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto_server with {}: {e}; {INSTALL_HINT}", python.display()));
        Emulator::wait_ready(child, &dir, || Some(port))
    }

    /// LocalStack community as shipped (`localstack-core`, pinned in
    /// tests/localstack/requirements.txt, installed by `make localstack-venv` into
    /// .venv-localstack), in host mode (no Docker) on a free loopback port, with the services
    /// sqs-trigger talks to. Stopped by its PID when dropped; it also ends with this process.
    pub fn start_localstack() -> Emulator {
        let python = localstack_python();
        assert!(
            python.exists(),
            "LocalStack is not installed: {} is missing; {LOCALSTACK_INSTALL_HINT}",
            python.display()
        );
        let check = Command::new(&python)
            .args(["-c", "import sys, localstack.runtime.main; assert sys.version_info >= (3, 13), sys.version"])
            .output();
        match check {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "LocalStack is not usable from {}: {}; {LOCALSTACK_INSTALL_HINT}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => panic!("cannot run {}: {e}; {LOCALSTACK_INSTALL_HINT}", python.display()),
        }
        let dir =
            std::env::temp_dir().join(format!("sqs-trigger-localstack-{}-{}", std::process::id(), unique_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let log = std::fs::File::create(dir.join("emulator.log")).expect("log file");
        let port =
            std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).expect("a free port").port();
        // localstack.runtime.main as it is; the only thing added is that it ends with this
        // process (a test binary that dies must not leave a server behind).
        let watchdog = "import os, runpy, sys, threading, time\n\
             parent = int(sys.argv[1])\n\
             def watch():\n    while os.getppid() == parent: time.sleep(0.5)\n    os._exit(0)\n\
             threading.Thread(target=watch, daemon=True).start()\n\
             sys.argv = sys.argv[:1]\n\
             runpy.run_module('localstack.runtime.main', run_name='__main__')\n";
        let child = Command::new(&python)
            .args(["-c", watchdog, &std::process::id().to_string()])
            .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
            .env("SERVICES", "sqs,lambda,iam,kms,logs,sts,cloudwatch,sns,events,s3")
            // Host mode: everything it writes stays in this run's directory (not /var/lib/localstack).
            .env("OVERRIDE_IN_DOCKER", "0")
            .env("FILESYSTEM_ROOT", dir.join("fs"))
            .env("TMPDIR", &dir)
            // Nothing leaves the machine: no DNS server, no certificate download, no analytics,
            // and no download of Lambda's runtime (a proxy that is not there; LocalStack's calls
            // to itself go direct).
            .env("DNS_ADDRESS", "0")
            .env("SKIP_SSL_CERT_DOWNLOAD", "1")
            .env("DISABLE_EVENTS", "1")
            .env("HTTP_PROXY", "http://127.0.0.1:9")
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("NO_PROXY", "127.0.0.1,localhost,.localstack.cloud")
            // No Docker, even where there is one: functions end Failed wherever the suite runs.
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start LocalStack with {}: {e}; {LOCALSTACK_INSTALL_HINT}", python.display())
            });
        Emulator::wait_ready_at(child, &dir, "/_localstack/health", LOCALSTACK_INSTALL_HINT, || Some(port))
    }

    /// Waits until the server answers on the port `port` yields (60 s at most).
    fn wait_ready(child: Child, dir: &Path, port: impl Fn() -> Option<u16>) -> Emulator {
        Emulator::wait_ready_at(child, dir, "/moto-api/data.json", INSTALL_HINT, port)
    }

    /// Waits until `GET path` answers 200 on the port `port` yields (60 s at most).
    fn wait_ready_at(child: Child, dir: &Path, path: &str, hint: &str, port: impl Fn() -> Option<u16>) -> Emulator {
        let mut emu = Emulator { child, port: 0, endpoint: String::new() };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(port) = port() {
                emu.port = port;
                emu.endpoint = format!("http://127.0.0.1:{port}");
                if emu.http("GET", path, None).is_ok_and(|(status, _)| status == 200) {
                    return emu;
                }
            }
            if let Ok(Some(status)) = emu.child.try_wait() {
                let log = std::fs::read_to_string(dir.join("emulator.log")).unwrap_or_default();
                panic!("the emulator exited ({status}) before it was ready:\n{log}\n{hint}");
            }
            assert!(
                Instant::now() < deadline,
                "the emulator did not become ready within 60 s; log in {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A raw HTTP/1.1 request to the emulator; returns (status, body).
    pub fn http(&self, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        Ok((status, body))
    }

    /// Arms a fault: the next `count` requests of `operation` (whose path or body contains
    /// `matching`, when given) fail with `error` (throttling, 500, access-denied or a code).
    pub fn arm_fault(&self, operation: &str, error: &str, count: u32, matching: Option<&str>) {
        let spec = serde_json::json!({"operation": operation, "error": error, "count": count, "match": matching});
        let (status, body) = self.http("POST", "/_emulator/faults", Some(&spec.to_string())).expect("arm fault");
        assert_eq!(status, 201, "arming a fault failed: {body}");
    }

    /// Reserves `executions` concurrent executions for `function` (0: Lambda throttles every
    /// invocation).
    pub fn reserve_concurrency(&self, function: &str, executions: i32) {
        self.block_on(async {
            self.lambda()
                .put_function_concurrency()
                .function_name(function)
                .reserved_concurrent_executions(executions)
                .send()
                .await
        })
        .expect("PutFunctionConcurrency");
    }

    /// Every API request the emulator has served.
    pub fn requests(&self) -> Vec<Value> {
        let (_, body) = self.http("GET", "/_emulator/requests", None).expect("request log");
        serde_json::from_str(&body).expect("request log is JSON")
    }

    /// Requests made by the sqs-trigger binary (its user agent names it).
    pub fn tool_requests(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["user_agent"].as_str().is_some_and(|ua| ua.contains("app/sqs-trigger")))
            .collect()
    }

    /// The binary, configured for this emulator, with no ambient AWS configuration.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(binary());
        for var in [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_MAX_ATTEMPTS",
            "AWS_RETRY_MODE",
            "AWS_DEFAULT_REGION",
            "CI",
            "RUST_LOG",
            // The suite may itself run in GitHub Actions: no annotations, no step summary.
            "GITHUB_ACTIONS",
            "GITHUB_STEP_SUMMARY",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_REGION", REGION)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/sqs-trigger-test-config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sqs-trigger-test-credentials")
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary with `args` and collects what it did.
    pub fn run(&self, args: &[&str]) -> Run {
        run_cmd(self.cmd().args(args))
    }

    /// A tokio runtime for SDK calls made by tests.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        runtime().block_on(f)
    }

    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        let creds = aws_sdk_sqs::config::Credentials::new("testing", "testing", None, None, "tests");
        aws_config::SdkConfig::builder()
            .region(aws_config::Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_sqs::config::SharedCredentialsProvider::new(creds))
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build()
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk_config())
    }
    pub fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.sdk_config())
    }
    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config())
    }
    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.sdk_config())
    }
    pub fn kms(&self) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.sdk_config())
    }

    /// The queue's attributes (all of them), or None when it does not exist.
    pub fn queue_attributes(&self, name: &str) -> Option<std::collections::HashMap<String, String>> {
        self.block_on(async {
            let sqs = self.sqs();
            let url = sqs.get_queue_url().queue_name(name).send().await.ok()?.queue_url()?.to_owned();
            let out = sqs
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
                .send()
                .await
                .ok()?;
            Some(out.attributes()?.iter().map(|(k, v)| (k.as_str().to_owned(), v.clone())).collect())
        })
    }

    pub fn queue_tags(&self, name: &str) -> std::collections::HashMap<String, String> {
        self.block_on(async {
            let sqs = self.sqs();
            let url = sqs.get_queue_url().queue_name(name).send().await.unwrap().queue_url().unwrap().to_owned();
            sqs.list_queue_tags().queue_url(url).send().await.unwrap().tags().cloned().unwrap_or_default()
        })
    }

    pub fn queue_url(&self, name: &str) -> Option<String> {
        self.block_on(async {
            self.sqs().get_queue_url().queue_name(name).send().await.ok()?.queue_url().map(str::to_owned)
        })
    }

    /// Creates an IAM role that Lambda may assume, with `policy` (a JSON document) inline and
    /// the given managed policy ARNs attached; returns its ARN.
    pub fn create_role(&self, name: &str, trust_service: &str, inline: Option<&str>, managed: &[&str]) -> String {
        self.block_on(async {
            let iam = self.iam();
            let trust = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": trust_service}, "Action": "sts:AssumeRole"}]
            });
            let arn = iam
                .create_role()
                .role_name(name)
                .assume_role_policy_document(trust.to_string())
                .send()
                .await
                .expect("create role")
                .role()
                .expect("role")
                .arn()
                .to_owned();
            if let Some(doc) = inline {
                iam.put_role_policy()
                    .role_name(name)
                    .policy_name("inline")
                    .policy_document(doc)
                    .send()
                    .await
                    .expect("put policy");
            }
            for policy in managed {
                iam.attach_role_policy().role_name(name).policy_arn(*policy).send().await.expect("attach policy");
            }
            arn
        })
    }

    /// Creates a Python function whose module `app.py` holds `source`; returns its ARN.
    pub fn create_function(&self, name: &str, role_arn: &str, source: &str, timeout_secs: i32) -> String {
        let zip = zip_single_file("app.py", source.as_bytes());
        self.block_on(async {
            self.lambda()
                .create_function()
                .function_name(name)
                .runtime(aws_sdk_lambda::types::Runtime::Python312)
                .role(role_arn)
                .handler("app.handler")
                .timeout(timeout_secs)
                .code(aws_sdk_lambda::types::FunctionCode::builder().zip_file(zip.into()).build())
                .send()
                .await
                .expect("create function")
                .function_arn()
                .expect("function arn")
                .to_owned()
        })
    }

    /// Every message of the function's log group, oldest first.
    pub fn log_lines(&self, function: &str) -> Vec<String> {
        self.block_on(async {
            let logs = self.logs();
            let mut lines = Vec::new();
            let mut token = None;
            loop {
                let out = match logs
                    .filter_log_events()
                    .log_group_name(format!("/aws/lambda/{function}"))
                    .set_next_token(token)
                    .send()
                    .await
                {
                    Ok(out) => out,
                    Err(e) => {
                        eprintln!("log_lines({function}): {}", aws_sdk_sqs::error::DisplayErrorContext(&e));
                        return lines;
                    }
                };
                lines.extend(out.events().iter().filter_map(|e| e.message().map(str::to_owned)));
                token = out.next_token().map(str::to_owned);
                if token.is_none() {
                    return lines;
                }
            }
        })
    }

    /// The SQS event source mappings of a queue (by ARN).
    pub fn mappings_of(&self, queue_arn: &str) -> Vec<aws_sdk_lambda::types::EventSourceMappingConfiguration> {
        self.block_on(async {
            self.lambda()
                .list_event_source_mappings()
                .event_source_arn(queue_arn)
                .send()
                .await
                .expect("list mappings")
                .event_source_mappings()
                .to_vec()
        })
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
    })
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON, validated against the schema it names (docs/schema/).
    #[track_caller]
    pub fn json(&self) -> Value {
        let doc = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr));
        schema::validate(&doc);
        doc
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code {} (expected {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    pub fn finding_codes(&self) -> Vec<String> {
        self.findings().iter().map(|f| f["code"].as_str().unwrap_or_default().to_owned()).collect()
    }

    /// Every finding object of the JSON document, wherever it stands (a step's, a trigger's).
    pub fn findings(&self) -> Vec<Value> {
        let mut out = Vec::new();
        collect_findings(&self.json(), &mut out);
        out
    }
}

fn collect_findings(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(_)), Some(Value::String(_))) = (map.get("code"), map.get("severity")) {
                out.push(v.clone());
            }
            map.values().for_each(|value| collect_findings(value, out));
        }
        Value::Array(items) => items.iter().for_each(|i| collect_findings(i, out)),
        _ => {}
    }
}

pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run sqs-trigger");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{}{n}{:x}", std::process::id() % 10_000, nanos % 0xffff)
}

/// A name unique to this test run: `prefix-<pid><n><time>`.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", unique_suffix())
}

/// A zip archive (stored, not compressed) holding one file: what Lambda takes as code.
pub fn zip_single_file(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let mut out = Vec::new();
    let name_bytes = name.as_bytes();
    let local = |out: &mut Vec<u8>| {
        out.extend(0x04034b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes()); // version needed
        out.extend(0u16.to_le_bytes()); // flags
        out.extend(0u16.to_le_bytes()); // stored
        out.extend(0u32.to_le_bytes()); // time, date
        out.extend(crc.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((name_bytes.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name_bytes);
    };
    local(&mut out);
    out.extend(data);
    let central_offset = out.len() as u32;
    out.extend(0x02014b50u32.to_le_bytes());
    out.extend(20u16.to_le_bytes()); // made by
    out.extend(20u16.to_le_bytes()); // needed
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(crc.to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out.extend((name_bytes.len() as u16).to_le_bytes());
    out.extend([0u8; 2 + 2 + 2 + 2]); // extra, comment, disk, internal attrs
    out.extend(0o100644u32.wrapping_shl(16).to_le_bytes()); // external attrs
    out.extend(0u32.to_le_bytes()); // local header offset
    out.extend(name_bytes);
    let central_size = out.len() as u32 - central_offset;
    out.extend(0x06054b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(1u16.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Python handlers used across tests.
pub mod handlers {
    /// Prints the event (so the probe id shows up in the logs).
    pub const ECHO: &str =
        "import json\n\ndef handler(event, context):\n    print(json.dumps(event))\n    return {'ok': True}\n";
    /// Raises on every message.
    pub const FAIL: &str = "def handler(event, context):\n    raise RuntimeError('boom: cannot process')\n";
    /// Logs nothing about its input.
    pub const SILENT: &str = "def handler(event, context):\n    return {'ok': True}\n";
    /// Sleeps past any short timeout.
    pub const SLOW: &str = "import time\n\ndef handler(event, context):\n    time.sleep(30)\n";
}

/// A role policy granting exactly what the poller needs on any queue and log group.
pub const FULL_POLLER_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"*"},{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;

pub fn path_exists(p: &Path) -> bool {
    p.exists()
}

impl Emulator {
    /// Like `arm_fault` with an error code, but with the message AWS would send (for errors
    /// recognised by their message, such as Lambda's "execution role does not have permissions").
    pub fn arm_fault_with_message(
        &self,
        operation: &str,
        code: &str,
        message: &str,
        count: u32,
        matching: Option<&str>,
    ) {
        let spec = serde_json::json!({
            "operation": operation, "error": code, "message": message, "count": count, "match": matching,
        });
        let (status, body) = self.http("POST", "/_emulator/faults", Some(&spec.to_string())).expect("arm fault");
        assert_eq!(status, 201, "arming a fault failed: {body}");
    }
}

impl Emulator {
    /// Creates an SQS event source mapping directly with the SDK (not through `mapping
    /// create`), enabled or not; returns its UUID.
    pub fn create_sqs_mapping(&self, queue_arn: &str, function: &str, enabled: bool) -> String {
        self.create_sqs_mapping_with(queue_arn, function, |r| r.enabled(enabled))
    }

    /// A mapping made directly on the emulator (as another tool would), with `tune` setting
    /// what the test needs (filters, scaling, metrics); returns its UUID once it has settled.
    pub fn create_sqs_mapping_with(
        &self,
        queue_arn: &str,
        function: &str,
        tune: impl FnOnce(MappingRequest) -> MappingRequest,
    ) -> String {
        let uuid = self.block_on(async {
            let request =
                self.lambda().create_event_source_mapping().event_source_arn(queue_arn).function_name(function);
            tune(request).send().await.expect("create mapping").uuid().expect("mapping uuid").to_owned()
        });
        self.wait_mapping_settled(&uuid);
        uuid
    }

    /// Waits until the mapping is Enabled or Disabled (a new or changed mapping is Creating,
    /// Enabling, Updating or Disabling for a moment, as on AWS); returns that state.
    pub fn wait_mapping_settled(&self, uuid: &str) -> String {
        let mut state = String::new();
        wait_until(&format!("mapping {uuid} to settle"), Duration::from_secs(30), || {
            state = self.block_on(async {
                let m = self.lambda().get_event_source_mapping().uuid(uuid).send().await.expect("get mapping");
                m.state().unwrap_or_default().to_owned()
            });
            matches!(state.as_str(), "Enabled" | "Disabled")
        });
        state
    }

    /// `ApproximateNumberOfMessages` (+ not visible) of a queue, as numbers.
    pub fn queue_depth(&self, name: &str) -> (u64, u64) {
        let attrs = self.queue_attributes(name).unwrap_or_else(|| panic!("queue {name} exists"));
        let n = |k: &str| attrs.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
        (n("ApproximateNumberOfMessages"), n("ApproximateNumberOfMessagesNotVisible"))
    }
}

/// Waits until `cond` holds, checking every 100 ms, and panics naming `what` when it still does
/// not after `within`: for what the emulator's Lambda poller does in the background (it polls
/// like Lambda, so a sent message is handled moments later, not inside SendMessage).
#[track_caller]
pub fn wait_until(what: &str, within: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !cond() {
        assert!(Instant::now() < deadline, "waited {within:?} for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An execution-role policy allowing `actions` on every resource, plus the logs actions (so
/// the function's output is seen).
pub fn poller_policy(actions: &[&str]) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": "*"},
            {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}
        ]
    })
    .to_string()
}

impl Emulator {
    /// What each mapping's poller did (the emulator's own record, never shown to the tool).
    pub fn pollers(&self) -> Value {
        let (status, body) = self.http("GET", "/_emulator/pollers", None).expect("pollers");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("pollers is JSON")
    }

    /// One mapping's poller record.
    pub fn poller(&self, uuid: &str) -> Value {
        self.pollers()[uuid].clone()
    }
}

/// Upstream of a queue: the services that send to it (doctor follows them).
impl Emulator {
    pub fn sns(&self) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.sdk_config())
    }
    pub fn events(&self) -> aws_sdk_eventbridge::Client {
        aws_sdk_eventbridge::Client::new(&self.sdk_config())
    }
    /// Path-style requests: the emulator is one host, not one per bucket.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.sdk_config()).force_path_style(true).build(),
        )
    }
}

impl Emulator {
    /// Every SNS / EventBridge / S3 delivery attempt to a queue, delivered or refused:
    /// `{producer, source, queue, delivered, code, message, ...}`.
    pub fn deliveries(&self) -> Vec<Value> {
        let (_, body) = self.http("GET", "/_emulator/deliveries", None).expect("deliveries");
        serde_json::from_str(&body).expect("deliveries are JSON")
    }
}
