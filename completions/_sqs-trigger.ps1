
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sqs-trigger' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sqs-trigger'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sqs-trigger' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Create queues with a dead-letter queue, encryption and tags')
            [CompletionResult]::new('role', 'role', [CompletionResultType]::ParameterValue, 'Check that a function''s execution role may do what the SQS poller needs')
            [CompletionResult]::new('mapping', 'mapping', [CompletionResultType]::ParameterValue, 'Create, list and delete SQS event source mappings')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Send one marked message and confirm from the function''s logs that it ran')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show a function''s log lines; with --until, wait for a line and exit 0')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Explain why a queue is not polled: gather every fact, run every check')
            [CompletionResult]::new('redrive', 'redrive', [CompletionResultType]::ParameterValue, 'Move a queue''s dead-letter messages back with SQS''s own move task (server-side)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Queue, DLQ, role check, mapping and probe, as one converging pipeline')
            [CompletionResult]::new('teardown', 'teardown', [CompletionResultType]::ParameterValue, 'Remove the mapping and the queues that sqs-trigger created')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check CloudFormation/SAM templates, cdk.out and Terraform plans before deploy (offline)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;queue' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;queue;create' {
            [CompletionResult]::new('--dlq', '--dlq', [CompletionResultType]::ParameterName, 'Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo)')
            [CompletionResult]::new('--max-receive-count', '--max-receive-count', [CompletionResultType]::ParameterName, 'Receives before a message moves to the DLQ (1-1000) [default: 5]')
            [CompletionResult]::new('--visibility-timeout', '--visibility-timeout', [CompletionResultType]::ParameterName, 'How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s]')
            [CompletionResult]::new('--kms-key', '--kms-key', [CompletionResultType]::ParameterName, 'Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--fifo', '--fifo', [CompletionResultType]::ParameterName, 'Create a FIFO queue (the name must end in `.fifo`)')
            [CompletionResult]::new('--no-dlq', '--no-dlq', [CompletionResultType]::ParameterName, 'Do not create or attach a dead-letter queue')
            [CompletionResult]::new('--sse-sqs', '--sse-sqs', [CompletionResultType]::ParameterName, 'Encrypt with SQS-managed keys (the default)')
            [CompletionResult]::new('--no-encryption', '--no-encryption', [CompletionResultType]::ParameterName, 'Do not encrypt the queue at rest')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Change an existing queue''s attributes that the flags name and that differ, instead of refusing. Attributes whose flags are not given are kept')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before a security change (replacing or removing encryption, dropping the DLQ); required for one when not on a terminal')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before a security change (replacing or removing encryption, dropping the DLQ); required for one when not on a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;queue;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;queue;help;create' {
            break
        }
        'sqs-trigger;queue;help;help' {
            break
        }
        'sqs-trigger;role' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;role;check' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Check this role instead of the function''s execution role')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--print-policy', '--print-policy', [CompletionResultType]::ParameterName, 'Print a least-privilege inline policy granting what is missing')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Attach that policy to the role as the inline policy sqs-trigger-QUEUE, then check again')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required with --fix when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required with --fix when not on a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;role;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;role;help;check' {
            break
        }
        'sqs-trigger;role;help;help' {
            break
        }
        'sqs-trigger;mapping' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Check everything first, then create (or update) the mapping and wait until it is Enabled')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List SQS mappings, optionally for one queue or function')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the mapping between a queue and a function')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;mapping;create' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10]')
            [CompletionResult]::new('--batch-window', '--batch-window', [CompletionResultType]::ParameterName, 'How long to gather records before invoking (0s-300s); needed above 10 records')
            [CompletionResult]::new('--max-concurrency', '--max-concurrency', [CompletionResultType]::ParameterName, 'Most concurrent invocations this mapping starts (2-1000)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Event filter pattern as JSON (repeatable); replaces the mapping''s filters. Messages no filter matches are DELETED')
            [CompletionResult]::new('--provisioned-pollers', '--provisioned-pollers', [CompletionResultType]::ParameterName, 'Provisioned mode: the minimum (2-200) and maximum (2-10000) number of event pollers (ProvisionedPollerConfig); not with --max-concurrency')
            [CompletionResult]::new('--filter-kms-key', '--filter-kms-key', [CompletionResultType]::ParameterName, 'Encrypt the filter criteria with this customer managed KMS key (ARN, id or alias)')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the mapping to settle')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--report-batch-item-failures', '--report-batch-item-failures', [CompletionResultType]::ParameterName, 'Let the function report partial batch failures (ReportBatchItemFailures)')
            [CompletionResult]::new('--no-report-batch-item-failures', '--no-report-batch-item-failures', [CompletionResultType]::ParameterName, 'Turn ReportBatchItemFailures off on an existing mapping')
            [CompletionResult]::new('--clear-filters', '--clear-filters', [CompletionResultType]::ParameterName, 'Remove every filter of an existing mapping (it then processes every message)')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Create the mapping disabled, or disable an existing one')
            [CompletionResult]::new('--enable', '--enable', [CompletionResultType]::ParameterName, 'Enable an existing disabled mapping (it is never enabled as a side effect)')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Turn on the mapping''s event-count metrics (MetricsConfig EventCount)')
            [CompletionResult]::new('--no-metrics', '--no-metrics', [CompletionResultType]::ParameterName, 'Turn the mapping''s event-count metrics off on an existing mapping')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return once the create or update call is accepted, without waiting for Enabled')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;mapping;list' {
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'Only mappings of this queue')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only mappings of this queue')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Only mappings of this function')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'Only mappings of this function')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;mapping;delete' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;mapping;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Check everything first, then create (or update) the mapping and wait until it is Enabled')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List SQS mappings, optionally for one queue or function')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the mapping between a queue and a function')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;mapping;help;create' {
            break
        }
        'sqs-trigger;mapping;help;list' {
            break
        }
        'sqs-trigger;mapping;help;delete' {
            break
        }
        'sqs-trigger;mapping;help;help' {
            break
        }
        'sqs-trigger;probe' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to watch the logs before giving up (real log delivery can take tens of seconds)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Message body to send instead of the default JSON; `{probe_id}` is replaced')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'Read the message body from a file; `{probe_id}` is replaced')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--require-marker', '--require-marker', [CompletionResultType]::ParameterName, 'Fail (exit 1) unless the probe id itself shows up in the logs')
            [CompletionResult]::new('--live-tail', '--live-tail', [CompletionResultType]::ParameterName, 'Use CloudWatch Logs Live Tail where the endpoint supports it (falls back to polling)')
            [CompletionResult]::new('--allow-other-consumers', '--allow-other-consumers', [CompletionResultType]::ParameterName, 'Send even when another enabled mapping reads the queue: its function may take the probe message, and the verdict then says nothing about this one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;logs' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start this far back, e.g. 10m, 1h')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'CloudWatch Logs filter pattern, e.g. ERROR or ''"order 42"''')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Exit 0 as soon as a line contains this text (implies --follow)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --until or --follow: give up after this long (exit 1 if --until never matched)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new lines as they arrive')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;doctor' {
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The queue to diagnose: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The queue to diagnose: name, URL or ARN')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The function to diagnose: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The function to diagnose: name or ARN')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With --all: how many mappings to diagnose at once (IAM gets at most 4 requests in flight)')
            [CompletionResult]::new('--regions', '--regions', [CompletionResultType]::ParameterName, 'With --all: every region enabled in each account (`all`, from account:ListRegions), or these regions (comma-separated; --region may also be repeated)')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'With --all: audit these accounts (comma-separated 12-digit ids) through --assume-role')
            [CompletionResult]::new('--accounts-from', '--accounts-from', [CompletionResultType]::ParameterName, 'With --all: audit every active account of the organization through --assume-role')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'The role to assume in each account (arn:aws:iam::ID:role/NAME; STS session `sqs-trigger`)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'The external id the assumed role''s trust policy asks for')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'With --metrics: how far back to look (5m to 7d)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Audit every SQS mapping in the region')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Also read what CloudWatch recorded (is the queue polled, backlog, throttles, errors, DLQ growth, filtered events), without sending anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;redrive' {
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The source queue whose dead-letter queue is emptied: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The source queue whose dead-letter queue is emptied: name, URL or ARN')
            [CompletionResult]::new('--max-per-second', '--max-per-second', [CompletionResultType]::ParameterName, 'Move at most this many messages a second (1-500; default: SQS optimizes the rate)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'With --confirm: the function to probe (default: the one mapped to the queue)')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'With --confirm: the function to probe (default: the one mapped to the queue)')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'With --confirm: how long the probe watches the logs')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Move the messages even while doctor reports an error for the trigger')
            [CompletionResult]::new('--confirm', '--confirm', [CompletionResultType]::ParameterName, 'After the move, probe once to show the trigger works')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;setup' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'The Lambda function: name or ARN')
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The SQS queue: name, URL or ARN')
            [CompletionResult]::new('--dlq', '--dlq', [CompletionResultType]::ParameterName, 'Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo)')
            [CompletionResult]::new('--max-receive-count', '--max-receive-count', [CompletionResultType]::ParameterName, 'Receives before a message moves to the DLQ (1-1000) [default: 5]')
            [CompletionResult]::new('--visibility-timeout', '--visibility-timeout', [CompletionResultType]::ParameterName, 'How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s]')
            [CompletionResult]::new('--kms-key', '--kms-key', [CompletionResultType]::ParameterName, 'Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10]')
            [CompletionResult]::new('--batch-window', '--batch-window', [CompletionResultType]::ParameterName, 'How long to gather records before invoking (0s-300s); needed above 10 records')
            [CompletionResult]::new('--max-concurrency', '--max-concurrency', [CompletionResultType]::ParameterName, 'Most concurrent invocations this mapping starts (2-1000)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Event filter pattern as JSON (repeatable); replaces the mapping''s filters. Messages no filter matches are DELETED')
            [CompletionResult]::new('--provisioned-pollers', '--provisioned-pollers', [CompletionResultType]::ParameterName, 'Provisioned mode: the minimum (2-200) and maximum (2-10000) number of event pollers (ProvisionedPollerConfig); not with --max-concurrency')
            [CompletionResult]::new('--filter-kms-key', '--filter-kms-key', [CompletionResultType]::ParameterName, 'Encrypt the filter criteria with this customer managed KMS key (ARN, id or alias)')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'How long the probe watches the logs')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('--fifo', '--fifo', [CompletionResultType]::ParameterName, 'Create a FIFO queue (the name must end in `.fifo`)')
            [CompletionResult]::new('--no-dlq', '--no-dlq', [CompletionResultType]::ParameterName, 'Do not create or attach a dead-letter queue')
            [CompletionResult]::new('--sse-sqs', '--sse-sqs', [CompletionResultType]::ParameterName, 'Encrypt with SQS-managed keys (the default)')
            [CompletionResult]::new('--no-encryption', '--no-encryption', [CompletionResultType]::ParameterName, 'Do not encrypt the queue at rest')
            [CompletionResult]::new('--report-batch-item-failures', '--report-batch-item-failures', [CompletionResultType]::ParameterName, 'Let the function report partial batch failures (ReportBatchItemFailures)')
            [CompletionResult]::new('--no-report-batch-item-failures', '--no-report-batch-item-failures', [CompletionResultType]::ParameterName, 'Turn ReportBatchItemFailures off on an existing mapping')
            [CompletionResult]::new('--clear-filters', '--clear-filters', [CompletionResultType]::ParameterName, 'Remove every filter of an existing mapping (it then processes every message)')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Create the mapping disabled, or disable an existing one')
            [CompletionResult]::new('--enable', '--enable', [CompletionResultType]::ParameterName, 'Enable an existing disabled mapping (it is never enabled as a side effect)')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Turn on the mapping''s event-count metrics (MetricsConfig EventCount)')
            [CompletionResult]::new('--no-metrics', '--no-metrics', [CompletionResultType]::ParameterName, 'Turn the mapping''s event-count metrics off on an existing mapping')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Attach the missing permissions to the role as an inline policy')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required with --fix when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required with --fix when not on a terminal)')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Change an existing queue''s attributes that the queue flags name and that differ, instead of refusing. Attributes whose flags are not given are kept')
            [CompletionResult]::new('--no-probe', '--no-probe', [CompletionResultType]::ParameterName, 'Skip the probe')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Probe even a queue that existed before this run (by default only after asking on a terminal: a live queue''s consumer would process the probe message)')
            [CompletionResult]::new('--allow-other-consumers', '--allow-other-consumers', [CompletionResultType]::ParameterName, 'Probe even when another mapping reads the queue (it may take the probe message)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;teardown' {
            [CompletionResult]::new('-Q', '-Q ', [CompletionResultType]::ParameterName, 'The queue: name, URL or ARN')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The queue: name, URL or ARN')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Only mappings of this function (default: every mapping of the queue)')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'Only mappings of this function (default: every mapping of the queue)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not on a terminal)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Delete queues even if they still hold messages')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be deleted and delete nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;lint' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What the files are (auto: a plan has `terraform_version`, a template `Resources`)')
            [CompletionResult]::new('--parameter', '--parameter', [CompletionResultType]::ParameterName, 'A CloudFormation parameter''s value (repeatable); others take their Default')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account id for AWS::AccountId and placeholder ARNs (default: the account of the file''s literal ARNs, else 123456789012)')
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'The stack name for AWS::StackName and generated resource names')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;completions' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (default: AWS_REGION, then the profile''s region); repeatable with doctor --all')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from ~/.aws/config (default: AWS_PROFILE)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection to the endpoint')
            [CompletionResult]::new('--operation-timeout', '--operation-timeout', [CompletionResultType]::ParameterName, 'How long one attempt of one request may take before it is abandoned')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 on error-level findings (default), or on warnings too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no progress, no notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colors (also NO_COLOR=1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sqs-trigger;help' {
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Create queues with a dead-letter queue, encryption and tags')
            [CompletionResult]::new('role', 'role', [CompletionResultType]::ParameterValue, 'Check that a function''s execution role may do what the SQS poller needs')
            [CompletionResult]::new('mapping', 'mapping', [CompletionResultType]::ParameterValue, 'Create, list and delete SQS event source mappings')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Send one marked message and confirm from the function''s logs that it ran')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show a function''s log lines; with --until, wait for a line and exit 0')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Explain why a queue is not polled: gather every fact, run every check')
            [CompletionResult]::new('redrive', 'redrive', [CompletionResultType]::ParameterValue, 'Move a queue''s dead-letter messages back with SQS''s own move task (server-side)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Queue, DLQ, role check, mapping and probe, as one converging pipeline')
            [CompletionResult]::new('teardown', 'teardown', [CompletionResultType]::ParameterValue, 'Remove the mapping and the queues that sqs-trigger created')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check CloudFormation/SAM templates, cdk.out and Terraform plans before deploy (offline)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sqs-trigger;help;queue' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged')
            break
        }
        'sqs-trigger;help;queue;create' {
            break
        }
        'sqs-trigger;help;role' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?')
            break
        }
        'sqs-trigger;help;role;check' {
            break
        }
        'sqs-trigger;help;mapping' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Check everything first, then create (or update) the mapping and wait until it is Enabled')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List SQS mappings, optionally for one queue or function')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the mapping between a queue and a function')
            break
        }
        'sqs-trigger;help;mapping;create' {
            break
        }
        'sqs-trigger;help;mapping;list' {
            break
        }
        'sqs-trigger;help;mapping;delete' {
            break
        }
        'sqs-trigger;help;probe' {
            break
        }
        'sqs-trigger;help;logs' {
            break
        }
        'sqs-trigger;help;doctor' {
            break
        }
        'sqs-trigger;help;redrive' {
            break
        }
        'sqs-trigger;help;setup' {
            break
        }
        'sqs-trigger;help;teardown' {
            break
        }
        'sqs-trigger;help;lint' {
            break
        }
        'sqs-trigger;help;completions' {
            break
        }
        'sqs-trigger;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
