//! The emulator really runs Python functions behind a queue mapping and writes their logs:
//! what the probe work builds on. Its Lambda poller works in the background, as Lambda's
//! does, so each test waits for what the poller does.

use sqs_trigger_test_support as support;

use std::time::Duration;

use support::{FULL_POLLER_POLICY, emulator, handlers, unique, wait_until};

#[test]
fn a_message_on_a_mapped_queue_runs_the_function_and_logs_it() {
    let emu = emulator();
    let function = unique("echo");
    let role = emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::ECHO, 3);
    let queue = unique("q");
    emu.run(&["queue", "create", &queue, "--no-dlq"]).expect_code(0);
    let queue_url = emu.queue_url(&queue).unwrap();
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    let marker = unique("marker");
    emu.block_on(async {
        emu.lambda()
            .create_event_source_mapping()
            .event_source_arn(&queue_arn)
            .function_name(&function)
            .send()
            .await
            .unwrap();
        emu.sqs()
            .send_message()
            .queue_url(&queue_url)
            .message_body(format!("{{\"m\":\"{marker}\"}}"))
            .send()
            .await
            .unwrap();
    });
    wait_until("the REPORT line", Duration::from_secs(30), || {
        emu.log_lines(&function).iter().any(|l| l.starts_with("REPORT RequestId: "))
    });
    let lines = emu.log_lines(&function);
    assert!(lines.iter().any(|l| l.starts_with("START RequestId: ")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains(&marker)), "the handler's output is logged: {lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("REPORT RequestId: ") && l.contains("Duration: ")), "{lines:?}");
    wait_until("the processed message to be deleted", Duration::from_secs(30), || emu.queue_depth(&queue) == (0, 0));
}

#[test]
fn a_failing_function_logs_the_error_and_the_message_goes_back() {
    let emu = emulator();
    let function = unique("fail");
    let role = emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::FAIL, 3);
    let queue = unique("qf");
    emu.run(&["queue", "create", &queue, "--max-receive-count", "1"]).expect_code(0);
    let queue_url = emu.queue_url(&queue).unwrap();
    let queue_arn = emu.queue_attributes(&queue).unwrap()["QueueArn"].clone();
    emu.block_on(async {
        emu.lambda()
            .create_event_source_mapping()
            .event_source_arn(&queue_arn)
            .function_name(&function)
            .send()
            .await
            .unwrap();
        emu.sqs().send_message().queue_url(&queue_url).message_body("x").send().await.unwrap();
    });
    wait_until("the error in the logs", Duration::from_secs(30), || {
        emu.log_lines(&function).iter().any(|l| l.contains("[ERROR] RuntimeError: boom"))
    });
    // Not deleted: the message waits out its visibility timeout in flight, then comes back.
    wait_until("the failed invocation to end", Duration::from_secs(30), || {
        emu.log_lines(&function).iter().any(|l| l.starts_with("REPORT RequestId: "))
    });
    assert_eq!(emu.queue_depth(&queue), (0, 1));
}

#[test]
fn a_function_past_its_timeout_is_stopped_and_logged() {
    let emu = emulator();
    let function = unique("slow");
    let role = emu.create_role(&unique("role"), "lambda.amazonaws.com", Some(FULL_POLLER_POLICY), &[]);
    emu.create_function(&function, &role, handlers::SLOW, 1);
    emu.block_on(async {
        emu.lambda().invoke().function_name(&function).send().await.unwrap();
    });
    let lines = emu.log_lines(&function);
    assert!(lines.iter().any(|l| l.contains("Task timed out after 1.00 seconds")), "{lines:?}");
}
