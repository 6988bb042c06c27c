//! Reading facts from AWS. Each function reads one resource and returns a plain fact struct
//! (or an `AwsError`); commands run them concurrently and hand the facts to `checks`.

pub mod cache;
pub mod function;
pub mod key;
pub mod mapping;
pub mod metrics;
pub mod queue;
pub mod role;
pub mod trigger;

use crate::aws::traffic::limited;
use crate::aws::{AwsResultExt, Clients};
use crate::error::{AwsError, AwsErrorKind};
use crate::model::facts::{CallerFacts, Unreadable};

/// Who is calling, from STS (needs no permission); asked once per run when the cache is on.
pub async fn caller(clients: &Clients) -> Result<CallerFacts, AwsError> {
    clients.cache.read(&clients.cache.caller, "caller", || read_caller(clients)).await
}

async fn read_caller(clients: &Clients) -> Result<CallerFacts, AwsError> {
    let request = clients.sts.get_caller_identity().send();
    let out = limited(&clients.limits.sts, request).await.aws_err("sts:GetCallerIdentity", &"the caller")?;
    Ok(CallerFacts {
        account: out.account().unwrap_or_default().to_owned(),
        arn: out.arn().unwrap_or_default().to_owned(),
    })
}

/// The partition of an ARN (`aws` unless the caller is in China or GovCloud).
pub fn partition_of(arn: &str) -> &str {
    arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws")
}

/// Like [`unreadable_if_denied`], for a read an endpoint may not offer at all (a newer API such
/// as `GetFunctionRecursionConfig`): "not found" is unreadable too, never the end of the run.
pub fn unreadable_if_denied_or_missing<T>(
    fact: impl Into<String>,
    result: Result<T, AwsError>,
) -> Result<Result<T, Unreadable>, AwsError> {
    match result {
        Err(err) if err.kind == AwsErrorKind::NotFound => Ok(Err(Unreadable {
            kind: Default::default(),
            fact: fact.into(),
            permission: format!("{} (the endpoint must offer it)", err.action),
            detail: err.message,
        })),
        other => unreadable_if_denied(fact, other),
    }
}

/// Turns "access denied" into an `Unreadable` fact (so checks are skipped, not the run),
/// and passes every other error on.
pub fn unreadable_if_denied<T>(
    fact: impl Into<String>,
    result: Result<T, AwsError>,
) -> Result<Result<T, Unreadable>, AwsError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(err) if err.kind == AwsErrorKind::AccessDenied => Ok(Err(Unreadable {
            kind: Default::default(),
            fact: fact.into(),
            permission: err.action.to_owned(),
            detail: err.message,
        })),
        Err(err) => Err(err),
    }
}
