//! Errors from reading policy documents.

/// A policy document that cannot be understood. The message names the policy (as the caller
/// described it, e.g. "inline policy sqs-access of role r") and the place in the document that is
/// wrong, so the user can find and fix it in the console without re-reading the whole JSON.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// `reason` starts with the location when there is one, e.g.
    /// `Statement[2]: Effect must be "Allow" or "Deny", found "Alow"`.
    #[error("policy `{policy}` is not valid: {reason}")]
    Invalid { policy: String, reason: String },
}

impl PolicyError {
    pub(crate) fn invalid(policy: &str, reason: String) -> PolicyError {
        PolicyError::Invalid { policy: policy.to_owned(), reason }
    }

    /// The name of the policy that failed to parse.
    pub fn policy(&self) -> &str {
        match self {
            PolicyError::Invalid { policy, .. } => policy,
        }
    }

    /// What is wrong, without the policy name.
    pub fn reason(&self) -> &str {
        match self {
            PolicyError::Invalid { reason, .. } => reason,
        }
    }
}
