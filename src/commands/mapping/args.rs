//! The mapping flags, validated: the pair, the settings, filters that mean something.

use super::*;

/// The queue and function a mapping connects, as the user named them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub queue: QueueRef,
    pub function: FunctionRef,
}

impl Target {
    pub fn from_args(args: &TargetArgs) -> Result<Self, Error> {
        Ok(Target { queue: queue_flag(&args.queue)?, function: function_flag(&args.function)? })
    }
}

/// Turns the mapping flags (shared with `setup`) into a request. Limits that depend on the
/// queue (batch size on FIFO, ...) are checks, reported as findings once the queue is read;
/// what cannot mean anything (a window of `5x`, a filter that is not a JSON object) is a
/// usage error here, before anything is sent.
pub fn request_from_options(options: &MappingOptions) -> Result<MappingFlags, Error> {
    let batch_window_secs = match &options.batch_window {
        Some(text) => {
            let d = duration_flag("batch-window", text)?;
            if d.subsec_nanos() != 0 {
                return Err(Error::usage(format!(
                    "--batch-window: `{}` is not a whole number of seconds (Lambda counts the window in seconds)",
                    shorten(text)
                )));
            }
            Some(i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
        }
        None => None,
    };
    let mut filters = Vec::new();
    for (i, text) in options.filters.iter().enumerate() {
        filters.push(validate_filter(i + 1, options.filters.len(), text)?);
    }
    // Each switch has an on and an off flag; neither means "keep what the mapping has".
    let switch = |on: bool, off: bool| match (on, off) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let provisioned_pollers = match &options.provisioned_pollers {
        Some(text) => Some(
            ProvisionedPollers::parse(text)
                .map_err(|why| Error::usage(format!("--provisioned-pollers: `{}`: {why}", shorten(text))))?,
        ),
        None => None,
    };
    let filter_kms_key = match options.filter_kms_key.as_deref().map(str::trim) {
        Some("") => return Err(Error::usage("--filter-kms-key: name a key (its ARN, id or alias/NAME)")),
        Some(key) if key.starts_with("alias/aws/") => {
            return Err(Error::usage(format!(
                "--filter-kms-key: `{}` is an AWS managed key; Lambda encrypts filter criteria only with a customer managed key",
                shorten(key)
            )));
        }
        Some(key) => Some(key.to_owned()),
        None => None,
    };
    Ok(MappingFlags {
        batch_size: options.batch_size,
        batch_window_secs,
        max_concurrency: options.max_concurrency,
        report_batch_item_failures: switch(options.report_batch_item_failures, options.no_report_batch_item_failures),
        filters: if options.clear_filters { Some(vec![]) } else { (!filters.is_empty()).then_some(filters) },
        enabled: switch(options.enable, options.disabled),
        provisioned_pollers,
        metrics: switch(options.metrics, options.no_metrics),
        filter_kms_key,
    })
}

pub(crate) fn validate_filter(n: usize, total: usize, text: &str) -> Result<String, Error> {
    let which = if total == 1 { "--filter".to_owned() } else { format!("--filter #{n}") };
    let text = text.trim();
    if text.chars().count() > MAX_FILTER_LEN {
        return Err(Error::usage(format!("{which}: a filter pattern is at most {MAX_FILTER_LEN} characters")));
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) if !map.is_empty() => match non_array_leaf(&map, "") {
            // Lambda (like EventBridge) matches a field against a list of values: `"type":
            // "order"` is refused by CreateEventSourceMapping, so refuse it before sending.
            Some((path, value)) => Err(Error::usage(format!(
                "{which}: `{}` is {}; the values to match are a JSON array, e.g. {{\"body\":{{\"type\":[\"order\"]}}}}",
                shorten(&path),
                json_kind(value)
            ))),
            None => Ok(text.to_owned()),
        },
        Ok(serde_json::Value::Object(_)) => Err(Error::usage(format!(
            "{which}: `{{}}` is an empty pattern; name a field, e.g. {{\"body\":{{\"type\":[\"order\"]}}}}"
        ))),
        Ok(other) => Err(Error::usage(format!(
            "{which}: a filter pattern is a JSON object such as {{\"body\":{{\"type\":[\"order\"]}}}}, not {}",
            json_kind(&other)
        ))),
        Err(e) => Err(Error::usage(format!(
            "{which}: not valid JSON ({e}); quote the pattern for your shell, e.g. --filter '{{\"body\":{{\"type\":[\"order\"]}}}}'"
        ))),
    }
}

/// The first field (as a dotted path) whose value is neither an object nor an array.
pub(crate) fn non_array_leaf<'a>(
    map: &'a serde_json::Map<String, serde_json::Value>,
    prefix: &str,
) -> Option<(String, &'a serde_json::Value)> {
    map.iter().find_map(|(key, value)| {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            serde_json::Value::Object(inner) => non_array_leaf(inner, &path),
            serde_json::Value::Array(_) => None,
            other => Some((path, other)),
        }
    })
}

pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// `mapping create`, validated.
#[derive(Clone, Debug)]
pub struct CreateSettings {
    pub target: Target,
    pub request: MappingFlags,
    /// How long to wait for the mapping to settle; None with `--no-wait`.
    pub wait: Option<Duration>,
}

impl CreateSettings {
    pub fn from_args(args: &MappingCreateArgs) -> Result<Self, Error> {
        let target = Target::from_args(&args.target)?;
        let request = request_from_options(&args.mapping)?;
        let timeout = duration_flag("wait-timeout", &args.wait_timeout)?;
        if timeout.is_zero() {
            return Err(Error::usage("--wait-timeout: must be longer than zero (use --no-wait not to wait)"));
        }
        Ok(CreateSettings { target, request, wait: (!args.no_wait).then_some(timeout) })
    }
}

/// `mapping list`, validated.
#[derive(Clone, Debug)]
pub struct ListSettings {
    pub queue: Option<QueueRef>,
    pub function: Option<FunctionRef>,
}

impl ListSettings {
    pub fn from_args(args: &MappingListArgs) -> Result<Self, Error> {
        Ok(ListSettings {
            queue: args.queue.as_deref().map(queue_flag).transpose()?,
            function: args.function.as_deref().map(function_flag).transpose()?,
        })
    }
}

/// `mapping delete`, validated.
#[derive(Clone, Debug)]
pub struct DeleteSettings {
    pub target: Target,
    pub yes: bool,
}

impl DeleteSettings {
    /// Without a terminal to confirm on, `--yes` is required (exit 2, nothing sent).
    pub fn from_args(args: &MappingDeleteArgs, interactive: bool) -> Result<Self, Error> {
        let target = Target::from_args(&args.target)?;
        if !args.yes && !interactive {
            return Err(Error::usage(
                "mapping delete deletes the mapping: pass --yes to confirm when not on a terminal",
            ));
        }
        Ok(DeleteSettings { target, yes: args.yes })
    }
}
