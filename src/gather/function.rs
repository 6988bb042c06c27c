//! Function facts: configuration, reserved concurrency and log group, from one GetFunction.

use crate::aws::errors::is_not_found;
use crate::aws::traffic::limited;
use crate::aws::{Clients, errors::to_aws_error};
use crate::error::AwsError;
use crate::model::facts::FunctionFacts;
use crate::model::{FunctionArn, FunctionRef, RoleArn};

/// Reads the function; None when it does not exist. Once per run and reference when the
/// cache is on.
pub async fn read(clients: &Clients, function: &FunctionRef) -> Result<Option<FunctionFacts>, AwsError> {
    let key = format!("{}|{function}", clients.region);
    clients.cache.read(&clients.cache.functions, &key, || read_uncached(clients, function)).await
}

async fn read_uncached(clients: &Clients, function: &FunctionRef) -> Result<Option<FunctionFacts>, AwsError> {
    let request = clients.lambda.get_function().function_name(function.api_id()).send();
    let result = limited(&clients.limits.lambda, request).await;
    let out = match result {
        Ok(out) => out,
        Err(err) if is_not_found(&err) => return Ok(None),
        Err(err) => return Err(to_aws_error("lambda:GetFunction", function, &err)),
    };
    let bad = |why: String| AwsError::unexpected("lambda:GetFunction", function, why);
    let config = out.configuration().ok_or_else(|| bad("no configuration".into()))?;
    let arn: FunctionArn = config.function_arn().unwrap_or_default().parse().map_err(|e| bad(format!("{e}")))?;
    let role: RoleArn = config.role().unwrap_or_default().parse().map_err(|e| bad(format!("{e}")))?;
    let log_group = config
        .logging_config()
        .and_then(|l| l.log_group())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| arn.name().default_log_group());
    // GetFunction reports `Concurrency` exactly when a reservation exists (0 included).
    let reserved_concurrency = out.concurrency().and_then(|c| c.reserved_concurrent_executions());
    Ok(Some(FunctionFacts {
        timeout_secs: config.timeout().unwrap_or(3).max(0) as u32,
        state: config.state().map(|s| s.as_str().to_owned()),
        state_reason: config.state_reason().map(str::to_owned),
        last_update_status: config.last_update_status().map(|s| s.as_str().to_owned()),
        role,
        runtime: config.runtime().map(|r| r.as_str().to_owned()),
        reserved_concurrency,
        log_group,
        // Exact identity: the alias or version the user named stays part of the ARN, so its
        // mappings (and not those of another alias) are the ones matched.
        arn: arn.unqualified().with_qualifier(function.qualifier()),
    }))
}
