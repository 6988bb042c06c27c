//! sqs-trigger: provision and verify Amazon SQS -> AWS Lambda triggers end to end.
#![allow(clippy::result_large_err)] // AwsError keeps the raw answer of a skipped read (boxed); one size for every result
//!
//! The flow of every command: `cli` (clap types) -> `settings` (validated, typed) ->
//! `commands` (gather facts concurrently -> pure `checks` -> a typed report) -> `output`.

pub mod aws;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod connection;
pub mod error;
pub mod gather;
pub mod lint;
pub mod logwatch;
pub mod model;
pub mod output;
pub mod policy;
pub mod policy_gen;
pub mod redact;
pub mod report;
pub mod settings;

/// The tag that marks resources this tool created; `teardown` deletes nothing without it.
pub const MANAGED_BY_TAG: &str = "managed-by";
pub const MANAGED_BY_VALUE: &str = "sqs-trigger";
/// The app name sent in every request's user agent.
pub const APP_NAME: &str = "sqs-trigger";
/// AWS's own recommendation for maxReceiveCount: at least 5, so a throttled batch is not
/// sent to the DLQ too early.
pub const DEFAULT_MAX_RECEIVE_COUNT: u32 = 5;

pub use error::{Error, ExitStatus};
