//! The run's connection (endpoint, region, profile), added at render time to every `aws ...`
//! command the tool prints, so a command runs as printed against what the tool itself talked
//! to. The checks stay pure: their fix commands never know the connection.

use std::sync::OnceLock;

/// Where this run sent its requests, as the AWS CLI's global options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
}

/// The services whose commands the tool prints (`aws SERVICE OPERATION ...`).
const SERVICES: [&str; 8] = ["sqs", "lambda", "iam", "kms", "logs", "sts", "cloudwatch", "organizations"];

static RUN: OnceLock<Connection> = OnceLock::new();

/// Sets this run's connection, once (before anything is rendered).
pub fn set(connection: Connection) {
    let _ = RUN.set(connection);
}

/// This run's connection, when it talks to AWS (`lint` and `completions` never do).
pub fn current() -> Option<&'static Connection> {
    RUN.get()
}

/// A word as the shell reads it: bare when it needs no quoting.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '%' | '+' | '=' | ',')
        });
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', r"'\''")) }
}

impl Connection {
    /// The global options, e.g. `--endpoint-url http://127.0.0.1:4566 --region us-east-1`;
    /// `region` (the resource's own, when the command is about one) wins over the run's.
    pub fn options(&self, region: Option<&str>) -> String {
        let mut words = Vec::new();
        if let Some(url) = &self.endpoint_url {
            words.push(format!("--endpoint-url {}", shell_word(url)));
        }
        if let Some(region) = region.or(self.region.as_deref()) {
            words.push(format!("--region {}", shell_word(region)));
        }
        if let Some(profile) = &self.profile {
            words.push(format!("--profile {}", shell_word(profile)));
        }
        words.join(" ")
    }

    /// `text` with the connection's options after every `aws` that starts a command
    /// (`aws sqs ...`, `aws lambda ...`), for a finding about `resource` (its region, when it
    /// is an ARN, is the command's). Text without such a command is returned as it is.
    pub fn apply(&self, text: &str, resource: Option<&str>) -> String {
        let region =
            resource.and_then(|r| r.parse::<crate::model::Arn>().ok()).map(|a| a.region).filter(|r| !r.is_empty());
        let options = self.options(region.as_deref());
        if options.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len() + options.len());
        let mut rest = text;
        while let Some(at) = rest.find("aws ") {
            let starts_word = at == 0 || rest[..at].ends_with([' ', '`', '(', '\n', '\'', '"', '>']);
            let after = &rest[at + 4..];
            let service = after.split(' ').next().unwrap_or_default();
            let is_command = starts_word && SERVICES.contains(&service) && after.len() > service.len();
            out.push_str(&rest[..at + 4]);
            if is_command {
                out.push_str(&options);
                out.push(' ');
            }
            rest = after;
        }
        out.push_str(rest);
        out
    }
}

/// `text` as printed by this run: with the connection's options in every `aws` command.
pub fn render(text: &str, resource: Option<&str>) -> String {
    match current() {
        Some(connection) => connection.apply(text, resource),
        None => text.to_owned(),
    }
}

/// Every `remediation` of a JSON document, rendered (the finding's `resource` names its region).
pub fn render_json(value: &mut serde_json::Value) {
    let Some(connection) = current() else { return };
    render_json_with(connection, value);
}

fn render_json_with(connection: &Connection, value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let resource = map.get("resource").and_then(|r| r.as_str()).map(str::to_owned);
            if let Some(serde_json::Value::String(fix)) = map.get_mut("remediation") {
                *fix = connection.apply(fix, resource.as_deref());
            }
            for (key, child) in map.iter_mut() {
                if key != "remediation" {
                    render_json_with(connection, child);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| render_json_with(connection, i)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emulator() -> Connection {
        Connection {
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            region: Some("eu-west-1".into()),
            profile: None,
        }
    }

    #[test]
    fn every_printed_command_gets_the_connection() {
        let c = emulator();
        assert_eq!(
            c.apply("aws sqs set-queue-attributes --queue-url http://q --attributes VisibilityTimeout=60", None),
            "aws --endpoint-url http://127.0.0.1:4566 --region eu-west-1 sqs set-queue-attributes --queue-url http://q --attributes VisibilityTimeout=60"
        );
        let two = c.apply(
            "cancel it: aws kms cancel-key-deletion --key-id K && aws kms enable-key --key-id K",
            Some("arn:aws:kms:us-east-2:123456789012:key/K"),
        );
        assert_eq!(two.matches("--region us-east-2 kms").count(), 2, "{two}");
        let quoted = c.apply("look at it with `aws lambda get-event-source-mapping --uuid U`", None);
        assert!(
            quoted.contains("`aws --endpoint-url http://127.0.0.1:4566 --region eu-west-1 lambda get-"),
            "{quoted}"
        );
    }

    #[test]
    fn prose_and_aliases_are_left_alone() {
        let c = emulator();
        for text in ["the key alias/aws/sqs", "create the key (aws kms) or not", "raws sqs", "aws sqs"] {
            assert_eq!(c.apply(text, None), text);
        }
        let none = Connection::default();
        assert_eq!(none.apply("aws sqs list-queues", None), "aws sqs list-queues");
    }

    #[test]
    fn a_profile_and_an_odd_endpoint_are_quoted() {
        let c = Connection { endpoint_url: Some("http://h:1/a b".into()), region: None, profile: Some("dev".into()) };
        assert_eq!(
            c.apply("aws iam get-role --role-name r", None),
            "aws --endpoint-url 'http://h:1/a b' --profile dev iam get-role --role-name r"
        );
    }

    #[test]
    fn json_remediations_are_rendered_with_their_resource_region() {
        let mut doc = serde_json::json!({"findings": [{
            "resource": "arn:aws:lambda:ap-south-1:123456789012:function:f",
            "remediation": "aws lambda delete-function-concurrency --function-name f"
        }]});
        render_json_with(&emulator(), &mut doc);
        assert_eq!(
            doc["findings"][0]["remediation"],
            "aws --endpoint-url http://127.0.0.1:4566 --region ap-south-1 lambda delete-function-concurrency --function-name f"
        );
    }
}
