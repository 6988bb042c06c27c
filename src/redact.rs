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
    // IAM Identity Center (SSO): the portal's bearer token header, and SSO-OIDC's token and
    // client registration answers (CreateToken, RegisterClient), in the SDK's header debug
    // format, as a raw header, and as JSON bodies.
    ("(\"x-amz-sso_bearer_token\", \"", '"'),
    ("x-amz-sso_bearer_token:", '\n'),
    ("\"accessToken\":\"", '"'),
    ("\"accessToken\": \"", '"'),
    ("\"refreshToken\":\"", '"'),
    ("\"refreshToken\": \"", '"'),
    ("\"clientSecret\":\"", '"'),
    ("\"clientSecret\": \"", '"'),
    ("\"idToken\":\"", '"'),
    ("\"idToken\": \"", '"'),
    ("\"secretAccessKey\":\"", '"'),
    ("\"sessionToken\":\"", '"'),
    ("access_token: \"", '"'),
    ("refresh_token: \"", '"'),
    ("client_secret: \"", '"'),
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

/// Redacts every string inside a JSON value.
pub fn redact_json(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(redact(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_json).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, redact_json(v))).collect()),
        other => other,
    }
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

    /// An SSO-shaped request (the portal's bearer token header) and SSO-OIDC answers
    /// (CreateToken, RegisterClient), as the SDK's wire logs print them.
    #[test]
    fn redacts_sso_tokens_and_client_secrets() {
        let request =
            r#"headers: [("x-amz-sso_bearer_token", "aoaAAAAAGSsoBearerSECRET1"), ("user-agent", "aws-sdk-rust")]"#;
        let response = r#"body: {"accessToken":"aoaSsoAccessSECRET2","expiresIn":28800,"refreshToken": "aorSsoRefreshSECRET3","tokenType":"Bearer"}"#;
        let register = r#"{"clientId":"abc","clientSecret":"eyJraWQiClientSECRET4","clientSecretExpiresAt":1}"#;
        let raw = "x-amz-sso_bearer_token: aoaRawHeaderSECRET5\nhost: portal.sso.us-east-1.amazonaws.com";
        for text in [request, response, register, raw] {
            let out = redact_with(text, &[]);
            assert!(!out.contains("SECRET"), "{out}");
        }
        assert!(redact_with(register, &[]).contains("\"clientId\":\"abc\""), "other fields stay");
        let json = serde_json::json!({"aws": {"message": "denied for x-amz-sso_bearer_token: aoaJsonSECRET6\n"}});
        assert!(!redact_json(json).to_string().contains("SECRET6"));
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
