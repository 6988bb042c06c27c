//! CloudWatch Logs Live Tail (`StartLiveTail`), where the endpoint supports it.

use super::*;

/// A CloudWatch Logs Live Tail session: events pushed as they are ingested.
#[derive(Debug)]
pub struct LiveTail {
    /// The session; its `response_stream` delivers the events.
    session: aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput,
    group: String,
}

/// The log group's ARN in the form Live Tail takes (no trailing `:*`).
pub fn live_tail_group_arn(partition: &str, region: &str, account: &str, group: &str) -> String {
    format!("arn:{partition}:logs:{region}:{account}:log-group:{group}")
}

impl LiveTail {
    /// Starts a session. Fails when the endpoint has no Live Tail (emulators), the caller
    /// lacks `logs:StartLiveTail`, or the group does not exist; the caller falls back to polling.
    pub async fn start(clients: &Clients, group: &str, group_arn: &str) -> Result<LiveTail, AwsError> {
        let out = clients
            .logs
            .start_live_tail()
            .log_group_identifiers(group_arn)
            .send()
            .await
            .aws_err("logs:StartLiveTail", &group)?;
        let mut session = out;
        // The first frame says whether the session really started.
        match session.response_stream.recv().await {
            Ok(Some(_)) => Ok(LiveTail { session, group: group.to_owned() }),
            Ok(None) => Err(AwsError {
                action: "logs:StartLiveTail",
                resource: group.to_owned(),
                kind: AwsErrorKind::Service,
                code: None,
                message: "the session ended before it started".to_owned(),
                answer: None,
                hint: None,
            }),
            Err(err) => Err(to_aws_error("logs:StartLiveTail", &group, &err)),
        }
    }

    /// The next batch of events; `Ok(None)` when the session has ended (Live Tail sessions
    /// last at most three hours).
    pub async fn next(&mut self) -> Result<Option<Vec<LogEvent>>, AwsError> {
        loop {
            let frame = self
                .session
                .response_stream
                .recv()
                .await
                .map_err(|err| to_aws_error("logs:StartLiveTail", &self.group, &err))?;
            let Some(frame) = frame else { return Ok(None) };
            let Ok(update) = frame.as_session_update() else { continue };
            let events = update
                .session_results()
                .iter()
                .map(|e| LogEvent {
                    timestamp_ms: e.timestamp().unwrap_or_default(),
                    stream: e.log_stream_name().unwrap_or_default().to_owned(),
                    message: e.message().unwrap_or_default().trim_end_matches(['\n', '\r']).to_owned(),
                    event_id: None,
                })
                .collect();
            return Ok(Some(events));
        }
    }
}
