//! Reading facts from AWS. Each function reads one resource and returns a plain fact struct
//! (or an `AwsError`); commands run them concurrently and hand the facts to `checks`.

pub mod cache;
pub mod function;
pub mod key;
pub mod mapping;
pub mod metrics;
pub mod producers;
pub mod queue;
pub mod reads;
pub mod role;
pub mod trigger;

use crate::aws::traffic::limited;
use crate::aws::{AwsResultExt, Clients};
use crate::error::AwsError;
use crate::model::facts::CallerFacts;

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
