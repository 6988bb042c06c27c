
use builtin;
use str;

set edit:completion:arg-completer[sqs-trigger] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sqs-trigger'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sqs-trigger'= {
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand queue 'Create queues with a dead-letter queue, encryption and tags'
            cand role 'Check that a function''s execution role may do what the SQS poller needs'
            cand mapping 'Create, list and delete SQS event source mappings'
            cand probe 'Send one marked message and confirm from the function''s logs that it ran'
            cand logs 'Show a function''s log lines; with --until, wait for a line and exit 0'
            cand doctor 'Explain why a queue is not polled: gather every fact, run every check'
            cand setup 'Queue, DLQ, role check, mapping and probe, as one converging pipeline'
            cand teardown 'Remove the mapping and the queues that sqs-trigger created'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;queue'= {
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;queue;create'= {
            cand --dlq 'Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo)'
            cand --max-receive-count 'Receives before a message moves to the DLQ (1-1000) [default: 5]'
            cand --visibility-timeout 'How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s]'
            cand --kms-key 'Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled'
            cand --tag 'Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --fifo 'Create a FIFO queue (the name must end in `.fifo`)'
            cand --no-dlq 'Do not create or attach a dead-letter queue'
            cand --sse-sqs 'Encrypt with SQS-managed keys (the default)'
            cand --no-encryption 'Do not encrypt the queue at rest'
            cand --update 'Change an existing queue''s attributes that the flags name and that differ, instead of refusing. Attributes whose flags are not given are kept'
            cand -y 'Do not ask before a security change (replacing or removing encryption, dropping the DLQ); required for one when not on a terminal'
            cand --yes 'Do not ask before a security change (replacing or removing encryption, dropping the DLQ); required for one when not on a terminal'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;queue;help'= {
            cand create 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;queue;help;create'= {
        }
        &'sqs-trigger;queue;help;help'= {
        }
        &'sqs-trigger;role'= {
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;role;check'= {
            cand -f 'The Lambda function: name or ARN'
            cand --function 'The Lambda function: name or ARN'
            cand -Q 'The SQS queue: name, URL or ARN'
            cand --queue 'The SQS queue: name, URL or ARN'
            cand --role 'Check this role instead of the function''s execution role'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --print-policy 'Print a least-privilege inline policy granting what is missing'
            cand --fix 'Attach that policy to the role as the inline policy sqs-trigger-QUEUE, then check again'
            cand -y 'Do not ask for confirmation (required with --fix when not on a terminal)'
            cand --yes 'Do not ask for confirmation (required with --fix when not on a terminal)'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;role;help'= {
            cand check 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;role;help;check'= {
        }
        &'sqs-trigger;role;help;help'= {
        }
        &'sqs-trigger;mapping'= {
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Check everything first, then create (or update) the mapping and wait until it is Enabled'
            cand list 'List SQS mappings, optionally for one queue or function'
            cand delete 'Delete the mapping between a queue and a function'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;mapping;create'= {
            cand -f 'The Lambda function: name or ARN'
            cand --function 'The Lambda function: name or ARN'
            cand -Q 'The SQS queue: name, URL or ARN'
            cand --queue 'The SQS queue: name, URL or ARN'
            cand --batch-size 'Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10]'
            cand --batch-window 'How long to gather records before invoking (0s-300s); needed above 10 records'
            cand --max-concurrency 'Most concurrent invocations this mapping starts (2-1000)'
            cand --filter 'Event filter pattern as JSON (repeatable); replaces the mapping''s filters. Messages no filter matches are DELETED'
            cand --wait-timeout 'How long to wait for the mapping to settle'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --report-batch-item-failures 'Let the function report partial batch failures (ReportBatchItemFailures)'
            cand --no-report-batch-item-failures 'Turn ReportBatchItemFailures off on an existing mapping'
            cand --clear-filters 'Remove every filter of an existing mapping (it then processes every message)'
            cand --disabled 'Create the mapping disabled, or disable an existing one'
            cand --enable 'Enable an existing disabled mapping (it is never enabled as a side effect)'
            cand --no-wait 'Return once the create or update call is accepted, without waiting for Enabled'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;mapping;list'= {
            cand -Q 'Only mappings of this queue'
            cand --queue 'Only mappings of this queue'
            cand -f 'Only mappings of this function'
            cand --function 'Only mappings of this function'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;mapping;delete'= {
            cand -f 'The Lambda function: name or ARN'
            cand --function 'The Lambda function: name or ARN'
            cand -Q 'The SQS queue: name, URL or ARN'
            cand --queue 'The SQS queue: name, URL or ARN'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -y 'Do not ask for confirmation (required when not on a terminal)'
            cand --yes 'Do not ask for confirmation (required when not on a terminal)'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;mapping;help'= {
            cand create 'Check everything first, then create (or update) the mapping and wait until it is Enabled'
            cand list 'List SQS mappings, optionally for one queue or function'
            cand delete 'Delete the mapping between a queue and a function'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;mapping;help;create'= {
        }
        &'sqs-trigger;mapping;help;list'= {
        }
        &'sqs-trigger;mapping;help;delete'= {
        }
        &'sqs-trigger;mapping;help;help'= {
        }
        &'sqs-trigger;probe'= {
            cand -f 'The Lambda function: name or ARN'
            cand --function 'The Lambda function: name or ARN'
            cand -Q 'The SQS queue: name, URL or ARN'
            cand --queue 'The SQS queue: name, URL or ARN'
            cand --timeout 'How long to watch the logs before giving up (real log delivery can take tens of seconds)'
            cand --body 'Message body to send instead of the default JSON; `{probe_id}` is replaced'
            cand --body-file 'Read the message body from a file; `{probe_id}` is replaced'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --require-marker 'Fail (exit 1) unless the probe id itself shows up in the logs'
            cand --live-tail 'Use CloudWatch Logs Live Tail where the endpoint supports it (falls back to polling)'
            cand --allow-other-consumers 'Send even when another enabled mapping reads the queue: its function may take the probe message, and the verdict then says nothing about this one'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;logs'= {
            cand -f 'The Lambda function: name or ARN'
            cand --function 'The Lambda function: name or ARN'
            cand --since 'Start this far back, e.g. 10m, 1h'
            cand --filter 'CloudWatch Logs filter pattern, e.g. ERROR or ''"order 42"'''
            cand --until 'Exit 0 as soon as a line contains this text (implies --follow)'
            cand --timeout 'With --until or --follow: give up after this long (exit 1 if --until never matched)'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --follow 'Keep printing new lines as they arrive'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;doctor'= {
            cand -Q 'The queue to diagnose: name, URL or ARN'
            cand --queue 'The queue to diagnose: name, URL or ARN'
            cand -f 'The function to diagnose: name or ARN'
            cand --function 'The function to diagnose: name or ARN'
            cand --concurrency 'With --all: how many mappings to diagnose at once'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --all 'Audit every SQS mapping in the region'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;setup'= {
            cand -f 'The Lambda function: name or ARN'
            cand --function 'The Lambda function: name or ARN'
            cand -Q 'The SQS queue: name, URL or ARN'
            cand --queue 'The SQS queue: name, URL or ARN'
            cand --dlq 'Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo)'
            cand --max-receive-count 'Receives before a message moves to the DLQ (1-1000) [default: 5]'
            cand --visibility-timeout 'How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s]'
            cand --kms-key 'Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled'
            cand --tag 'Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates'
            cand --batch-size 'Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10]'
            cand --batch-window 'How long to gather records before invoking (0s-300s); needed above 10 records'
            cand --max-concurrency 'Most concurrent invocations this mapping starts (2-1000)'
            cand --filter 'Event filter pattern as JSON (repeatable); replaces the mapping''s filters. Messages no filter matches are DELETED'
            cand --probe-timeout 'How long the probe watches the logs'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand --fifo 'Create a FIFO queue (the name must end in `.fifo`)'
            cand --no-dlq 'Do not create or attach a dead-letter queue'
            cand --sse-sqs 'Encrypt with SQS-managed keys (the default)'
            cand --no-encryption 'Do not encrypt the queue at rest'
            cand --report-batch-item-failures 'Let the function report partial batch failures (ReportBatchItemFailures)'
            cand --no-report-batch-item-failures 'Turn ReportBatchItemFailures off on an existing mapping'
            cand --clear-filters 'Remove every filter of an existing mapping (it then processes every message)'
            cand --disabled 'Create the mapping disabled, or disable an existing one'
            cand --enable 'Enable an existing disabled mapping (it is never enabled as a side effect)'
            cand --fix 'Attach the missing permissions to the role as an inline policy'
            cand -y 'Do not ask for confirmation (required with --fix when not on a terminal)'
            cand --yes 'Do not ask for confirmation (required with --fix when not on a terminal)'
            cand --update 'Change an existing queue''s attributes that the queue flags name and that differ, instead of refusing. Attributes whose flags are not given are kept'
            cand --no-probe 'Skip the probe'
            cand --probe 'Probe even a queue that existed before this run (by default only after asking on a terminal: a live queue''s consumer would process the probe message)'
            cand --allow-other-consumers 'Probe even when another mapping reads the queue (it may take the probe message)'
            cand --dry-run 'Print the plan and change nothing'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;teardown'= {
            cand -Q 'The queue: name, URL or ARN'
            cand --queue 'The queue: name, URL or ARN'
            cand -f 'Only mappings of this function (default: every mapping of the queue)'
            cand --function 'Only mappings of this function (default: every mapping of the queue)'
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -y 'Do not ask for confirmation (required when not on a terminal)'
            cand --yes 'Do not ask for confirmation (required when not on a terminal)'
            cand --force 'Delete queues even if they still hold messages'
            cand --dry-run 'List what would be deleted and delete nothing'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;completions'= {
            cand --region 'AWS region (default: AWS_REGION, then the profile''s region)'
            cand --profile 'Named profile from ~/.aws/config (default: AWS_PROFILE)'
            cand --endpoint-url 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)'
            cand --max-attempts 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)'
            cand --connect-timeout 'How long to wait for a connection to the endpoint'
            cand --operation-timeout 'How long one attempt of one request may take before it is abandoned'
            cand -o 'Output format: human-readable text, or one JSON document on stdout'
            cand --output 'Output format: human-readable text, or one JSON document on stdout'
            cand -q 'Print only results and errors: no progress, no notes'
            cand --quiet 'Print only results and errors: no progress, no notes'
            cand -v 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --verbose 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
            cand --no-color 'No colors (also NO_COLOR=1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sqs-trigger;help'= {
            cand queue 'Create queues with a dead-letter queue, encryption and tags'
            cand role 'Check that a function''s execution role may do what the SQS poller needs'
            cand mapping 'Create, list and delete SQS event source mappings'
            cand probe 'Send one marked message and confirm from the function''s logs that it ran'
            cand logs 'Show a function''s log lines; with --until, wait for a line and exit 0'
            cand doctor 'Explain why a queue is not polled: gather every fact, run every check'
            cand setup 'Queue, DLQ, role check, mapping and probe, as one converging pipeline'
            cand teardown 'Remove the mapping and the queues that sqs-trigger created'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sqs-trigger;help;queue'= {
            cand create 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged'
        }
        &'sqs-trigger;help;queue;create'= {
        }
        &'sqs-trigger;help;role'= {
            cand check 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?'
        }
        &'sqs-trigger;help;role;check'= {
        }
        &'sqs-trigger;help;mapping'= {
            cand create 'Check everything first, then create (or update) the mapping and wait until it is Enabled'
            cand list 'List SQS mappings, optionally for one queue or function'
            cand delete 'Delete the mapping between a queue and a function'
        }
        &'sqs-trigger;help;mapping;create'= {
        }
        &'sqs-trigger;help;mapping;list'= {
        }
        &'sqs-trigger;help;mapping;delete'= {
        }
        &'sqs-trigger;help;probe'= {
        }
        &'sqs-trigger;help;logs'= {
        }
        &'sqs-trigger;help;doctor'= {
        }
        &'sqs-trigger;help;setup'= {
        }
        &'sqs-trigger;help;teardown'= {
        }
        &'sqs-trigger;help;completions'= {
        }
        &'sqs-trigger;help;help'= {
        }
    ]
    $completions[$command]
}
