//! IAM policy documents: parsing and a deliberately conservative evaluator.
//!
//! The poller role needs `sqs:ReceiveMessage`, `sqs:DeleteMessage` and `sqs:GetQueueAttributes`
//! on the queue, `kms:Decrypt` on an encrypted queue's key, and the `logs:` actions on its log
//! group; the key policy and queue policy must let the role in; the trust policy must let Lambda
//! assume the role. This module answers those questions from documents already fetched — it makes
//! no AWS calls.
//!
//! What is deliberately not modelled: condition evaluation (conditions are reported by key),
//! SCPs, session policies, and assumed-role session principals. Whenever something we cannot
//! evaluate could change the answer, the answer says so (`AllowedUnderConditions`, condition keys
//! on a [`ResourceGrant`]) instead of guessing.

mod document;
mod error;
mod evaluate;
mod glob;

pub use document::{Condition, Effect, MatchResult, Matcher, PolicyDocument, PrincipalClause, Principals, Statement};
pub use error::PolicyError;
pub use evaluate::{
    Decision, KnownContext, NamedPolicy, ResourceGrant, condition_holds, evaluate_identity, evaluate_resource_policy,
    evaluate_service_grant, resolve_conditions, trusts_service,
};
pub use glob::{CaseRule, Pattern, wildcard_match};
