//! Every parser at the edge of the CLI: no input may panic, and what parses displays back
//! to something that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqs_trigger::model::{Arn, FunctionRef, HumanDuration, KeyRef, QueueName, QueueRef, QueueUrl};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(q) = text.parse::<QueueRef>() {
        assert_eq!(q.to_string().parse::<QueueRef>().unwrap(), q);
    }
    if let Ok(f) = text.parse::<FunctionRef>() {
        assert_eq!(f.to_string().parse::<FunctionRef>().unwrap(), f);
    }
    if let Ok(d) = text.parse::<HumanDuration>() {
        assert_eq!(d.to_string().parse::<HumanDuration>().unwrap(), d);
    }
    if let Ok(a) = text.parse::<Arn>() {
        assert_eq!(a.to_string(), text);
    }
    let _ = text.parse::<QueueName>();
    let _ = text.parse::<QueueUrl>();
    let _ = text.parse::<KeyRef>();
});
