//! What a converging command did to one resource, and what differed: shared by `queue create`,
//! `mapping create` and `setup`.

use serde::Serialize;

/// What happened (or would happen) to one resource a command creates or updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// It exists and differs, and `--update` was not given.
    Refused,
    WouldCreate,
    WouldUpdate,
    /// Not attempted because an earlier step refused.
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Refused => "refused",
            Outcome::WouldCreate => "would create",
            Outcome::WouldUpdate => "would update",
            Outcome::Skipped => "skipped",
        }
    }
    pub fn changed(self) -> bool {
        matches!(self, Outcome::Created | Outcome::Updated)
    }
}

/// One attribute that differs between an existing resource and the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub attribute: String,
    pub current: String,
    pub requested: String,
    /// A change that weakens security (replaces or removes encryption, drops the DLQ).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub security: bool,
}

impl Difference {
    pub fn new(attribute: &str, current: String, requested: String) -> Self {
        Difference { attribute: attribute.to_owned(), current, requested, security: false }
    }
}
