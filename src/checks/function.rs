//! function checks. (Placeholder: filled in by the issue that builds them.)

use super::TriggerFacts;
use crate::model::Finding;

pub fn check(_facts: &TriggerFacts) -> Vec<Finding> {
    Vec::new()
}
