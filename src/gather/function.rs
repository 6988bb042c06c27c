//! Function facts: configuration, reserved concurrency and log group, from one GetFunction.

use crate::aws::errors::is_not_found;
use crate::aws::traffic::limited;
use crate::aws::{AwsResultExt, Clients, errors::to_aws_error};
use crate::error::AwsError;
use crate::model::facts::{AccountConcurrency, FunctionFacts, LoggingFacts, RecursiveLoop};
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
    let default_group = arn.name().default_log_group();
    let log_group = config
        .logging_config()
        .and_then(|l| l.log_group())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| default_group.clone());
    let logging = LoggingFacts {
        json: config
            .logging_config()
            .and_then(|l| l.log_format())
            .is_some_and(|f| f.as_str().eq_ignore_ascii_case("json")),
        system_log_level: config.logging_config().and_then(|l| l.system_log_level()).map(|l| l.as_str().to_owned()),
        custom_group: log_group != default_group,
    };
    // GetFunction reports `Concurrency` exactly when a reservation exists (0 included).
    let reserved_concurrency = out.concurrency().and_then(|c| c.reserved_concurrent_executions());
    Ok(Some(FunctionFacts {
        timeout_secs: config.timeout().unwrap_or(3).max(0) as u32,
        state: config.state().map(|s| s.as_str().to_owned()),
        state_reason: config.state_reason().map(str::to_owned),
        state_reason_code: config.state_reason_code().map(|c| c.as_str().to_owned()),
        last_update_status: config.last_update_status().map(|s| s.as_str().to_owned()),
        role,
        runtime: config.runtime().map(|r| r.as_str().to_owned()),
        reserved_concurrency,
        log_group,
        logging,
        // Exact identity: the alias or version the user named stays part of the ARN, so its
        // mappings (and not those of another alias) are the ones matched.
        arn: arn.unqualified().with_qualifier(function.qualifier()),
    }))
}

/// Whether the function's log group exists (`logs:DescribeLogGroups` by prefix, exact name).
pub async fn log_group_exists(clients: &Clients, group: &str) -> Result<bool, AwsError> {
    let mut pages = clients.logs.describe_log_groups().log_group_name_prefix(group).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws_err("logs:DescribeLogGroups", &group)?;
        if page.log_groups().iter().any(|g| g.log_group_name() == Some(group)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The account's concurrency quota and what is left unreserved in this region
/// (`GetAccountSettings`).
pub async fn account_concurrency(clients: &Clients) -> Result<AccountConcurrency, AwsError> {
    let out =
        clients.lambda.get_account_settings().send().await.aws_err("lambda:GetAccountSettings", &"the account")?;
    let limit = out.account_limit();
    Ok(AccountConcurrency {
        limit: limit.map(|l| l.concurrent_executions()).unwrap_or_default(),
        unreserved: limit.and_then(|l| l.unreserved_concurrent_executions()).unwrap_or_default(),
    })
}

/// The function's recursive loop setting (`GetFunctionRecursionConfig`; Lambda's default is
/// `Terminate`).
pub async fn recursive_loop(clients: &Clients, function: &FunctionArn) -> Result<RecursiveLoop, AwsError> {
    let unqualified = function.unqualified();
    let out = clients
        .lambda
        .get_function_recursion_config()
        .function_name(unqualified.to_string())
        .send()
        .await
        .aws_err("lambda:GetFunctionRecursionConfig", &unqualified)?;
    Ok(out.recursive_loop().map(|r| RecursiveLoop::parse(r.as_str())).unwrap_or(RecursiveLoop::Terminate))
}
