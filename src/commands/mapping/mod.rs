//! `mapping create | list | delete`: the SQS → Lambda event source mapping.
//!
//! `create` is a preflight, then a converging change: it gathers every fact concurrently,
//! runs every check, and refuses on an error-level finding (nothing is created). An existing
//! mapping of the same pair is updated with only what differs (or reported unchanged), never
//! duplicated. Then it waits until the mapping settles. `plan` (read-only, for `--dry-run`)
//! and `apply` are separate so `setup` can run them as steps of its pipeline.
//!
//! One file per job: `args` (flags → settings), `plan` (facts → decision), `apply` (create or
//! update, retry, wait), `list`, `delete`.

mod apply;
mod args;
mod delete;
mod list;
mod plan;
#[cfg(test)]
mod tests;

pub use apply::*;
pub use args::*;
pub use delete::*;
pub use list::*;
pub use plan::*;

use std::future::Future;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use aws_sdk_lambda::types::{
    EventSourceMappingMetric, EventSourceMappingMetricsConfig, Filter, FilterCriteria, FunctionResponseType,
    ProvisionedPollerConfig, ScalingConfig,
};
use serde::Serialize;

use crate::aws::AwsResultExt;
use crate::aws::errors::{is_resource_in_use, is_role_not_ready};
use crate::checks::{self, mapping::DEFAULT_BATCH_SIZE, placement};
use crate::cli::{MappingCreateArgs, MappingDeleteArgs, MappingListArgs, MappingOptions, TargetArgs};
use crate::commands::outcome::{Difference, Outcome};
use crate::commands::{Change, Ctx};
use crate::error::{AwsError, Error, ExitStatus};
use crate::gather;
use crate::model::facts::TriggerFacts;
use crate::model::facts::{FactKind, MappingFacts, MappingFlags, MappingRequest, ProvisionedPollers};
use crate::model::finding::has_errors;
use crate::model::names::shorten;
use crate::model::{Finding, FunctionArn, FunctionRef, HumanDuration, QueueArn, QueueRef, Severity};
use crate::output::{Progress, Report, Style, count_summary, write_findings};
use crate::settings::{duration_flag, function_flag, queue_flag};

/// How long a freshly granted execution role may take to reach Lambda before we give up.
pub const ROLE_PROPAGATION_BOUND: Duration = Duration::from_secs(120);
/// How long to keep retrying while a mapping is busy (`ResourceInUseException`) under `--no-wait`.
pub(crate) const IN_USE_BOUND: Duration = Duration::from_secs(120);
/// Filter patterns are at most 4096 characters (Lambda's FilterCriteria limit).
pub(crate) const MAX_FILTER_LEN: usize = 4096;
