# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sqs_trigger_global_optspecs
    string join \n region= profile= endpoint-url= max-attempts= connect-timeout= operation-timeout= o/output= q/quiet v/verbose no-color report= fail-on= h/help V/version
end

function __fish_sqs_trigger_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sqs_trigger_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sqs_trigger_using_subcommand
    set -l cmd (__fish_sqs_trigger_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "queue" -d 'Create queues with a dead-letter queue, encryption and tags'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "role" -d 'Check that a function\'s execution role may do what the SQS poller needs'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "mapping" -d 'Create, list and delete SQS event source mappings'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "probe" -d 'Send one marked message and confirm from the function\'s logs that it ran'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "logs" -d 'Show a function\'s log lines; with --until, wait for a line and exit 0'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "doctor" -d 'Explain why a queue is not polled: gather every fact, run every check'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "redrive" -d 'Move a queue\'s dead-letter messages back with SQS\'s own move task (server-side)'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "setup" -d 'Queue, DLQ, role check, mapping and probe, as one converging pipeline'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "teardown" -d 'Remove the mapping and the queues that sqs-trigger created'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "lint" -d 'Check CloudFormation/SAM templates, cdk.out and Terraform plans before deploy (offline)'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c sqs-trigger -n "__fish_sqs_trigger_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l dlq -d 'Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l max-receive-count -d 'Receives before a message moves to the DLQ (1-1000) [default: 5]' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l visibility-timeout -d 'How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s]' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l kms-key -d 'Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l tag -d 'Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l fifo -d 'Create a FIFO queue (the name must end in `.fifo`)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l no-dlq -d 'Do not create or attach a dead-letter queue'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l sse-sqs -d 'Encrypt with SQS-managed keys (the default)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l no-encryption -d 'Do not encrypt the queue at rest'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l update -d 'Change an existing queue\'s attributes that the flags name and that differ, instead of refusing. Attributes whose flags are not given are kept'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -s y -l yes -d 'Do not ask before a security change (replacing or removing encryption, dropping the DLQ); required for one when not on a terminal'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s f -l function -d 'The Lambda function: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s Q -l queue -d 'The SQS queue: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l role -d 'Check this role instead of the function\'s execution role' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l print-policy -d 'Print a least-privilege inline policy granting what is missing'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l fix -d 'Attach that policy to the role as the inline policy sqs-trigger-QUEUE, then check again'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s y -l yes -d 'Do not ask for confirmation (required with --fix when not on a terminal)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from help" -f -a "check" -d 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand role; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -f -a "create" -d 'Check everything first, then create (or update) the mapping and wait until it is Enabled'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -f -a "list" -d 'List SQS mappings, optionally for one queue or function'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -f -a "delete" -d 'Delete the mapping between a queue and a function'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and not __fish_seen_subcommand_from create list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s f -l function -d 'The Lambda function: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s Q -l queue -d 'The SQS queue: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l batch-size -d 'Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10]' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l batch-window -d 'How long to gather records before invoking (0s-300s); needed above 10 records' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l max-concurrency -d 'Most concurrent invocations this mapping starts (2-1000)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l filter -d 'Event filter pattern as JSON (repeatable); replaces the mapping\'s filters. Messages no filter matches are DELETED' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l provisioned-pollers -d 'Provisioned mode: the minimum (2-200) and maximum (2-10000) number of event pollers (ProvisionedPollerConfig); not with --max-concurrency' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l filter-kms-key -d 'Encrypt the filter criteria with this customer managed KMS key (ARN, id or alias)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l wait-timeout -d 'How long to wait for the mapping to settle' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l report-batch-item-failures -d 'Let the function report partial batch failures (ReportBatchItemFailures)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l no-report-batch-item-failures -d 'Turn ReportBatchItemFailures off on an existing mapping'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l clear-filters -d 'Remove every filter of an existing mapping (it then processes every message)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l disabled -d 'Create the mapping disabled, or disable an existing one'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l enable -d 'Enable an existing disabled mapping (it is never enabled as a side effect)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l metrics -d 'Turn on the mapping\'s event-count metrics (MetricsConfig EventCount)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l no-metrics -d 'Turn the mapping\'s event-count metrics off on an existing mapping'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l no-wait -d 'Return once the create or update call is accepted, without waiting for Enabled'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s Q -l queue -d 'Only mappings of this queue' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s f -l function -d 'Only mappings of this function' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s f -l function -d 'The Lambda function: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s Q -l queue -d 'The SQS queue: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when not on a terminal)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from help" -f -a "create" -d 'Check everything first, then create (or update) the mapping and wait until it is Enabled'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from help" -f -a "list" -d 'List SQS mappings, optionally for one queue or function'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete the mapping between a queue and a function'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand mapping; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s f -l function -d 'The Lambda function: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s Q -l queue -d 'The SQS queue: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l timeout -d 'How long to watch the logs before giving up (real log delivery can take tens of seconds)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l body -d 'Message body to send instead of the default JSON; `{probe_id}` is replaced' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l body-file -d 'Read the message body from a file; `{probe_id}` is replaced' -r -F
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l require-marker -d 'Fail (exit 1) unless the probe id itself shows up in the logs'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l live-tail -d 'Use CloudWatch Logs Live Tail where the endpoint supports it (falls back to polling)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l allow-other-consumers -d 'Send even when another enabled mapping reads the queue: its function may take the probe message, and the verdict then says nothing about this one'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand probe" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -s f -l function -d 'The Lambda function: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l since -d 'Start this far back, e.g. 10m, 1h' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l filter -d 'CloudWatch Logs filter pattern, e.g. ERROR or \'"order 42"\'' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l until -d 'Exit 0 as soon as a line contains this text (implies --follow)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l timeout -d 'With --until or --follow: give up after this long (exit 1 if --until never matched)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l follow -d 'Keep printing new lines as they arrive'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand logs" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s Q -l queue -d 'The queue to diagnose: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s f -l function -d 'The function to diagnose: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l concurrency -d 'With --all: how many mappings to diagnose at once (IAM gets at most 4 requests in flight)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l regions -d 'With --all: every region enabled in each account (`all`, from account:ListRegions), or these regions (comma-separated; --region may also be repeated)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l accounts -d 'With --all: audit these accounts (comma-separated 12-digit ids) through --assume-role' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l accounts-from -d 'With --all: audit every active account of the organization through --assume-role' -r -f -a "organizations\t'The organization\'s active accounts (organizations:ListAccounts, from the management or a delegated administrator account)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l assume-role -d 'The role to assume in each account (arn:aws:iam::ID:role/NAME; STS session `sqs-trigger`)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l external-id -d 'The external id the assumed role\'s trust policy asks for' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l window -d 'With --metrics: how far back to look (5m to 7d)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l all -d 'Audit every SQS mapping in the region'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l metrics -d 'Also read what CloudWatch recorded (is the queue polled, backlog, throttles, errors, DLQ growth, filtered events), without sending anything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s Q -l queue -d 'The source queue whose dead-letter queue is emptied: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l max-per-second -d 'Move at most this many messages a second (1-500; default: SQS optimizes the rate)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s f -l function -d 'With --confirm: the function to probe (default: the one mapped to the queue)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l probe-timeout -d 'With --confirm: how long the probe watches the logs' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l force -d 'Move the messages even while doctor reports an error for the trigger'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l confirm -d 'After the move, probe once to show the trigger works'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand redrive" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s f -l function -d 'The Lambda function: name or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s Q -l queue -d 'The SQS queue: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l dlq -d 'Dead-letter queue name (default NAME-dlq, or BASE-dlq.fifo for BASE.fifo)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l max-receive-count -d 'Receives before a message moves to the DLQ (1-1000) [default: 5]' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l visibility-timeout -d 'How long a received message stays hidden (0s-12h), e.g. 30s, 5m [default: 30s]' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l kms-key -d 'Encrypt with this KMS key (alias/NAME, key id or ARN); it must exist and be enabled' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l tag -d 'Tag the queues (repeatable); managed-by=sqs-trigger is added to the queues this command creates' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l batch-size -d 'Records per invocation: 1-10000 (standard), 1-10 (FIFO) [default: 10]' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l batch-window -d 'How long to gather records before invoking (0s-300s); needed above 10 records' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l max-concurrency -d 'Most concurrent invocations this mapping starts (2-1000)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l filter -d 'Event filter pattern as JSON (repeatable); replaces the mapping\'s filters. Messages no filter matches are DELETED' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l provisioned-pollers -d 'Provisioned mode: the minimum (2-200) and maximum (2-10000) number of event pollers (ProvisionedPollerConfig); not with --max-concurrency' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l filter-kms-key -d 'Encrypt the filter criteria with this customer managed KMS key (ARN, id or alias)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l probe-timeout -d 'How long the probe watches the logs' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l fifo -d 'Create a FIFO queue (the name must end in `.fifo`)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l no-dlq -d 'Do not create or attach a dead-letter queue'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l sse-sqs -d 'Encrypt with SQS-managed keys (the default)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l no-encryption -d 'Do not encrypt the queue at rest'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l report-batch-item-failures -d 'Let the function report partial batch failures (ReportBatchItemFailures)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l no-report-batch-item-failures -d 'Turn ReportBatchItemFailures off on an existing mapping'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l clear-filters -d 'Remove every filter of an existing mapping (it then processes every message)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l disabled -d 'Create the mapping disabled, or disable an existing one'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l enable -d 'Enable an existing disabled mapping (it is never enabled as a side effect)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l metrics -d 'Turn on the mapping\'s event-count metrics (MetricsConfig EventCount)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l no-metrics -d 'Turn the mapping\'s event-count metrics off on an existing mapping'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l fix -d 'Attach the missing permissions to the role as an inline policy'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s y -l yes -d 'Do not ask for confirmation (required with --fix when not on a terminal)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l update -d 'Change an existing queue\'s attributes that the queue flags name and that differ, instead of refusing. Attributes whose flags are not given are kept'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l no-probe -d 'Skip the probe'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l probe -d 'Probe even a queue that existed before this run (by default only after asking on a terminal: a live queue\'s consumer would process the probe message)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l allow-other-consumers -d 'Probe even when another mapping reads the queue (it may take the probe message)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l dry-run -d 'Print the plan and change nothing'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand setup" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s Q -l queue -d 'The queue: name, URL or ARN' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s f -l function -d 'Only mappings of this function (default: every mapping of the queue)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s y -l yes -d 'Do not ask for confirmation (required when not on a terminal)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l force -d 'Delete queues even if they still hold messages'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l dry-run -d 'List what would be deleted and delete nothing'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand teardown" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l format -d 'What the files are (auto: a plan has `terraform_version`, a template `Resources`)' -r -f -a "auto\t''
cloudformation\t''
terraform-plan\t''"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l parameter -d 'A CloudFormation parameter\'s value (repeatable); others take their Default' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l account -d 'The account id for AWS::AccountId and placeholder ARNs (default: the account of the file\'s literal ARNs, else 123456789012)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l stack-name -d 'The stack name for AWS::StackName and generated resource names' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand lint" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); repeatable with doctor --all' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l profile -d 'Named profile from ~/.aws/config (default: AWS_PROFILE)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l endpoint-url -d 'Send every request to this endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l max-attempts -d 'Attempts per AWS request, retries included (default: AWS_MAX_ATTEMPTS, else 3)' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l connect-timeout -d 'How long to wait for a connection to the endpoint' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l operation-timeout -d 'How long one attempt of one request may take before it is abandoned' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -s o -l output -d 'Output format: human-readable text, one JSON document on stdout, or (doctor) JSON Lines' -r -f -a "text\t''
json\t''
jsonl\t'doctor: one JSON object per trigger as soon as it is judged, then the summary'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l report -d 'Also write a CI report (repeatable): junit=PATH, github, json=PATH, sarif=PATH (lint), or none' -r
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l fail-on -d 'Exit 1 on error-level findings (default), or on warnings too' -r -f -a "error\t'Error-level findings fail the run; warnings are reported and pass'
warning\t'Warnings fail the run too (check-skipped included: what could not be read)'"
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -s q -l quiet -d 'Print only results and errors: no progress, no notes'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v steps, -vv AWS requests, -vvv everything'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -l no-color -d 'No colors (also NO_COLOR=1)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand completions" -s V -l version -d 'Print version'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "queue" -d 'Create queues with a dead-letter queue, encryption and tags'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "role" -d 'Check that a function\'s execution role may do what the SQS poller needs'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "mapping" -d 'Create, list and delete SQS event source mappings'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "probe" -d 'Send one marked message and confirm from the function\'s logs that it ran'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "logs" -d 'Show a function\'s log lines; with --until, wait for a line and exit 0'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "doctor" -d 'Explain why a queue is not polled: gather every fact, run every check'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "redrive" -d 'Move a queue\'s dead-letter messages back with SQS\'s own move task (server-side)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "setup" -d 'Queue, DLQ, role check, mapping and probe, as one converging pipeline'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "teardown" -d 'Remove the mapping and the queues that sqs-trigger created'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "lint" -d 'Check CloudFormation/SAM templates, cdk.out and Terraform plans before deploy (offline)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and not __fish_seen_subcommand_from queue role mapping probe logs doctor redrive setup teardown lint completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "create" -d 'Create a queue and its dead-letter queue. Idempotent: a second run reports unchanged'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and __fish_seen_subcommand_from role" -f -a "check" -d 'Does the execution role allow sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, kms:Decrypt (SSE-KMS queues) and the logs actions?'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and __fish_seen_subcommand_from mapping" -f -a "create" -d 'Check everything first, then create (or update) the mapping and wait until it is Enabled'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and __fish_seen_subcommand_from mapping" -f -a "list" -d 'List SQS mappings, optionally for one queue or function'
complete -c sqs-trigger -n "__fish_sqs_trigger_using_subcommand help; and __fish_seen_subcommand_from mapping" -f -a "delete" -d 'Delete the mapping between a queue and a function'
