//! Keeps credentials out of everything this tool prints. The SDK's debug and trace logs
//! (`-vv`, `-vvv`) show access key ids, signing headers and identities; every log line and
//! every error message passes through `redact` on its way to stderr.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

const REDACTED: &str = "** redacted **";

/// Markers after which a secret value follows, and the character that ends it.
const MARKERS: &[(&str, char)] = &[
    ("access_key_id: \"", '"'),
    ("secret_access_key: \"", '"'),
    ("session_token: \"", '"'),
    ("Credential=", '/'),
    ("Signature=", ','),
    ("(\"authorization\", \"", '"'),
    ("(\"x-amz-security-token\", \"", '"'),
    ("x-amz-security-token:", '\n'),
    ("X-Amz-Security-Token=", '&'),
    ("X-Amz-Credential=", '&'),
];

/// The credential values of this process's environment, which must never be printed.
fn env_secrets() -> Vec<String> {
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .filter(|v| v.len() >= 8)
        .collect()
}

/// Replaces every credential in `text` with a placeholder.
pub fn redact(text: &str) -> String {
    redact_with(text, &env_secrets())
}

fn redact_with(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for (marker, end) in MARKERS {
        let mut from = 0;
        while let Some(pos) = out[from..].find(marker) {
            let start = from + pos + marker.len();
            let stop = out[start..].find(*end).map(|i| start + i).unwrap_or(out.len());
            if out[start..stop] != *REDACTED {
                out.replace_range(start..stop, REDACTED);
            }
            from = start + REDACTED.len();
            if from >= out.len() {
                break;
            }
        }
    }
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    out
}

/// A `MakeWriter` for tracing that redacts each event before it reaches stderr.
#[derive(Clone, Copy, Debug, Default)]
pub struct RedactingStderr;

pub struct RedactingWriter(Vec<u8>);

impl Write for RedactingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingWriter {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = io::stderr().lock().write_all(redact(&text).as_bytes());
    }
}

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingWriter;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_sdk_debug_output() {
        let line = r#"Credentials { provider_name: "Env", access_key_id: "AKIAEXAMPLE1234", secret_access_key: "** redacted **" }"#;
        let out = redact_with(line, &[]);
        assert!(!out.contains("AKIAEXAMPLE1234"), "{out}");
        let auth = r#"("authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE1234/20260101/us-east-1/sqs/aws4_request, Signature=abc")"#;
        assert!(!redact_with(auth, &[]).contains("AKIAEXAMPLE1234"));
        let token = r#"headers: [("x-amz-security-token", "FQoGZXIvYXdzEXAMPLETOKEN")]"#;
        assert!(!redact_with(token, &[]).contains("FQoGZXIvYXdzEXAMPLETOKEN"));
    }

    #[test]
    fn redacts_known_values_anywhere() {
        let secrets = vec!["verysecretvalue".to_owned()];
        assert_eq!(redact_with("a verysecretvalue b", &secrets), format!("a {REDACTED} b"));
    }

    #[test]
    fn leaves_other_text_alone() {
        let text = "sqs:CreateQueue on orders failed: AccessDenied";
        assert_eq!(redact_with(text, &[]), text);
        assert_eq!(redact_with("Credential=", &[]), format!("Credential={REDACTED}"));
    }
}
