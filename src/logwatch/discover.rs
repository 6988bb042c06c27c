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
        Ok(None) => Err(Error::Aws(AwsError {
            action: "lambda:GetFunction",
            resource: function.to_string(),
            kind: AwsErrorKind::NotFound,
            code: Some("ResourceNotFoundException".to_owned()),
            message: format!("no function `{function}` in {}", clients.region),
            hint: Some("check the name, the account and the region (--region) of the function".to_owned()),
        })),
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
