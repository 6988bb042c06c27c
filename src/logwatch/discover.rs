//! Where a function's log lines are: its `LoggingConfig` group, else `/aws/lambda/NAME`.

use super::*;

/// The log group a function writes to: its `LoggingConfig.LogGroup` when set (and not
/// empty), else Lambda's default `/aws/lambda/NAME`.
pub fn log_group_for(name: &FunctionName, configured: Option<&str>) -> String {
    configured.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).unwrap_or_else(|| name.default_log_group())
}

/// Where a function's logs are, and how that was decided.
#[derive(Clone, Debug)]
pub struct LogGroup {
    pub name: String,
    /// The function's configuration, when it could be read.
    pub function: Option<FunctionFacts>,
    /// Said on stderr when the group is a guess (GetFunction was denied).
    pub note: Option<String>,
}

/// Finds the function's log group from its configuration. A missing function is an AWS
/// not-found error (exit 3); when `lambda:GetFunction` is denied the default group is used,
/// with a note, because reading logs needs only the logs permissions.
pub async fn discover(clients: &Clients, function: &FunctionRef) -> Result<LogGroup, Error> {
    match crate::gather::function::read(clients, function).await {
        Ok(Some(facts)) => Ok(LogGroup { name: facts.log_group.clone(), function: Some(facts), note: None }),
        Ok(None) => Err(Error::Aws(AwsError::not_found(
            "lambda:GetFunction",
            function,
            format!("no function `{function}` in {}", clients.region),
        ))),
        Err(err) if err.kind == AwsErrorKind::AccessDenied => {
            let name = log_group_for(&function.name(), None);
            Ok(LogGroup {
                note: Some(format!(
                    "note: cannot read the function's configuration ({}): assuming its default log group {name}",
                    err.action
                )),
                name,
                function: None,
            })
        }
        Err(err) => Err(Error::Aws(err)),
    }
}

/// What a function's log lines look like and which of a group's streams are its own, from its
/// `LoggingConfig` (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html>).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogShape {
    /// Lambda writes START/END/REPORT (or `platform.start`/`platform.report`): false with the
    /// JSON format and `SystemLogLevel` WARN, which hides them.
    pub platform_lines: bool,
    /// In a custom group (which several functions may share), only streams named
    /// `YYYY/MM/DD/<function_name>[<version>]<id>` are this function's; None for its own
    /// `/aws/lambda/NAME` group, every stream of which is its own.
    pub function_streams: Option<String>,
}

impl Default for LogShape {
    fn default() -> Self {
        LogShape { platform_lines: true, function_streams: None }
    }
}

impl LogShape {
    pub fn of(function: &FunctionFacts) -> LogShape {
        LogShape {
            platform_lines: function.logging.platform_lines(),
            function_streams: function.logging.custom_group.then(|| function.arn.name().to_string()),
        }
    }

    /// Whether a line of `stream` is this function's. Log streams in a custom group are named
    /// `YYYY/MM/DD/<function_name>[<function_version>][<execution_environment_GUID>]`
    /// (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html>).
    pub fn keeps(&self, stream: &str) -> bool {
        let Some(name) = &self.function_streams else { return true };
        let mut parts = stream.splitn(4, '/');
        let date = [parts.next(), parts.next(), parts.next()];
        let dated = date.iter().all(|p| p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
        dated
            && parts.next().and_then(|rest| rest.strip_prefix(name.as_str())).is_some_and(|rest| rest.starts_with('['))
    }
}
