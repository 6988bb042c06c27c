//! Which identity-policy verdict a permission gets when there are two sources: what
//! `iam:SimulatePrincipalPolicy` answered and what our evaluator decides over the policies the
//! tool read. The one place that rule lives:
//!
//! - An answer AWS would never give is not believed (`SimulatorAnswer::not_an_aws_answer`: an
//!   `allowed` naming no statement, an `explicitDeny` naming no Deny statement and no
//!   Organizations or boundary detail; LocalStack's simulator stub answers so). The evaluator's
//!   verdict stands, with a note naming the simulator's answer; without readable policies the
//!   permission is undecided.
//! - An answer AWS would give decides (the simulator sees SCPs, boundaries and conditions with
//!   their context), unless the evaluator plainly disagrees: one allows and the other does not,
//!   and the simulator gave no Organizations or boundary detail that explains why. Then both
//!   verdicts are kept and reported as one `role-simulator-disagrees` finding.

use serde::Serialize;

use crate::model::access::{Access, Decider, SimulatorAnswer, SimulatorDecision};
use crate::policy::Decision;

/// What decides the role's own policies for one permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// One source decides; `note` says why the simulator's answer was set aside, when it was.
    Decided { access: Access, by: Decider, note: Option<SimulatorNote> },
    /// Both answered as AWS would, and they disagree: the simulator's verdict is kept (it sees
    /// what the tool cannot read), and the disagreement is reported.
    Disputed { simulator: Access, evaluator: Access, note: SimulatorNote },
    /// Neither source can decide: the simulator's answer is not believed and the policies could
    /// not be read.
    Undecided(String),
}

/// What the simulator said, for the report, when it did not simply decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimulatorNote {
    pub decision: SimulatorDecision,
    /// The statements it named (`SourcePolicyId`).
    pub statements: Vec<String>,
    /// Whether its answer was taken as an AWS answer.
    pub believed: bool,
    /// Why it was not believed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_not: Option<String>,
}

impl SimulatorNote {
    fn of(answer: &SimulatorAnswer, why_not: Option<String>) -> SimulatorNote {
        SimulatorNote {
            decision: answer.decision,
            statements: answer.statements.clone(),
            believed: why_not.is_none(),
            why_not,
        }
    }

    /// "iam:SimulatePrincipalPolicy answered explicitDeny …: not an AWS answer".
    pub fn sentence(&self) -> String {
        match &self.why_not {
            Some(why) => format!("iam:SimulatePrincipalPolicy answered {why}: not an AWS answer, not believed"),
            None => format!(
                "iam:SimulatePrincipalPolicy answered `{}`{}",
                self.decision.as_str(),
                statements_label(&self.statements)
            ),
        }
    }
}

fn statements_label(statements: &[String]) -> String {
    if statements.is_empty() { String::new() } else { format!(" naming {}", statements.join(", ")) }
}

/// Whether a verdict lets the poller act: yes, no, or it depends on conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stance {
    Yes,
    Maybe,
    No,
}

fn stance(access: &Access) -> Stance {
    match access {
        Access::Decided(Decision::Allowed { .. }) => Stance::Yes,
        Access::Decided(Decision::AllowedUnderConditions { .. }) => Stance::Maybe,
        _ => Stance::No,
    }
}

/// The rule. `simulated`: the simulator's answer for this permission (None: not asked, not
/// available, or it did not answer for it); `evaluated`: our evaluator's verdict (None: the
/// role's policies could not be read). None when neither exists.
pub fn identity(simulated: Option<&SimulatorAnswer>, evaluated: Option<Access>) -> Option<Identity> {
    let Some(answer) = simulated else {
        return evaluated.map(|access| Identity::Decided { access, by: Decider::Evaluator, note: None });
    };
    if let Some(why) = answer.not_an_aws_answer() {
        let note = SimulatorNote::of(answer, Some(why));
        return Some(match evaluated {
            Some(access) => Identity::Decided { access, by: Decider::Evaluator, note: Some(note) },
            None => Identity::Undecided(format!("{}, and the role's policies could not be read", note.sentence())),
        });
    }
    let simulator = answer.access();
    let Some(evaluator) = evaluated else {
        return Some(Identity::Decided { access: simulator, by: Decider::Simulator, note: None });
    };
    // What only the simulator can see, and says it saw, explains its "no".
    let explained =
        matches!(simulator, Access::DeniedByOrganizations | Access::Decided(Decision::DeniedByBoundary { .. }));
    let disagree =
        matches!((stance(&simulator), stance(&evaluator)), (Stance::Yes, Stance::No) | (Stance::No, Stance::Yes));
    if disagree && !explained {
        return Some(Identity::Disputed { simulator, evaluator, note: SimulatorNote::of(answer, None) });
    }
    Some(Identity::Decided { access: simulator, by: Decider::Simulator, note: None })
}

/// What could explain a disagreement, in one sentence: when the simulator says no, what it sees
/// and the tool cannot; when it says yes, what the tool may have missed.
pub fn explanation(simulator: &Access) -> &'static str {
    match stance(simulator) {
        Stance::Yes => {
            "a policy the tool did not read (attached or changed since it read the role), or a condition or \
             wildcard our evaluator reads differently"
        }
        _ => {
            "a service control or resource control policy of the organization, a permissions boundary, a \
             condition on the request's context, or a change to the role's policies since they were read"
        }
    }
}

#[cfg(test)]
mod tests;
