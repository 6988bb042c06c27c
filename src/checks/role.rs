//! role checks. (Placeholder: filled in by the issue that builds them.)

use super::TriggerFacts;
use crate::model::Finding;

/// What iam:SimulatePrincipalPolicy decided for each required action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simulation;

pub fn check(_facts: &TriggerFacts) -> Vec<Finding> {
    Vec::new()
}
