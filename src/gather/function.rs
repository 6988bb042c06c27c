//! Function facts: configuration, reserved concurrency and log group, from one GetFunction.

use crate::aws::errors::is_not_found;
use crate::aws::{Clients, errors::to_aws_error};
use crate::error::{AwsError, AwsErrorKind};
use crate::model::facts::FunctionFacts;
use crate::model::{FunctionArn, FunctionRef, RoleArn};

/// Reads the function; None when it does not exist.
pub async fn read(clients: &Clients, function: &FunctionRef) -> Result<Option<FunctionFacts>, AwsError> {
    let result = clients.lambda.get_function().function_name(function.api_id()).send().await;
    let out = match result {
        Ok(out) => out,
        Err(err) if is_not_found(&err) => return Ok(None),
        Err(err) => return Err(to_aws_error("lambda:GetFunction", function, &err)),
    };
    let bad = |why: String| AwsError {
        action: "lambda:GetFunction",
        resource: function.to_string(),
        kind: AwsErrorKind::Service,
        code: None,
        message: format!("unexpected answer: {why}"),
        hint: None,
    };
    let config = out.configuration().ok_or_else(|| bad("no configuration".into()))?;
    let arn: FunctionArn = config.function_arn().unwrap_or_default().parse().map_err(|e| bad(format!("{e}")))?;
    let role: RoleArn = config.role().unwrap_or_default().parse().map_err(|e| bad(format!("{e}")))?;
    let log_group = config
        .logging_config()
        .and_then(|l| l.log_group())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| arn.name().default_log_group());
    let reserved_concurrency = match out.concurrency().and_then(|c| c.reserved_concurrent_executions()) {
        Some(n) => Some(n),
        None => reserved_concurrency(clients, function).await,
    };
    Ok(Some(FunctionFacts {
        timeout_secs: config.timeout().unwrap_or(3).max(0) as u32,
        state: config.state().map(|s| s.as_str().to_owned()),
        state_reason: config.state_reason().map(str::to_owned),
        last_update_status: config.last_update_status().map(|s| s.as_str().to_owned()),
        role,
        runtime: config.runtime().map(|r| r.as_str().to_owned()),
        reserved_concurrency,
        log_group,
        arn: arn.unqualified(),
    }))
}

/// GetFunction omits `Concurrency` when none is reserved, and some endpoints (moto) also omit
/// a reservation of 0, the one that matters most (the function is throttled). So when it is
/// absent, ask GetFunctionConcurrency; when that cannot be read either, it stays unknown.
async fn reserved_concurrency(clients: &Clients, function: &FunctionRef) -> Option<i32> {
    let out = clients.lambda.get_function_concurrency().function_name(function.api_id()).send().await;
    match out {
        Ok(out) => out.reserved_concurrent_executions(),
        Err(err) => {
            tracing::debug!(error = %aws_sdk_lambda::error::DisplayErrorContext(&err), "GetFunctionConcurrency failed");
            None
        }
    }
}
