//! The AWS managed policies and SAM policy templates lint must know, kept as data with their
//! source, so a role that attaches them is evaluated like one whose policies were read.
//!
//! Managed policies: the AWS Managed Policy Reference,
//! <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html>
//! and <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaSQSQueueExecutionRole.html>
//! (default versions v1: the logs actions, and the three SQS actions the poller needs, on `*`).
//!
//! SAM policy templates: `samtranslator/policy_templates_data/policy_templates.json` in
//! github.com/aws/serverless-application-model (`SQSPollerPolicy` with parameter `QueueName`,
//! `KMSDecryptPolicy` with parameter `KeyId`), and the implicit role SAM gives a function
//! without `Role`: trusting lambda.amazonaws.com, with `AWSLambdaBasicExecutionRole`, plus
//! `AWSLambdaSQSQueueExecutionRole` when the function has an `SQS` event
//! (`samtranslator/model/eventsources/pull.py`).

/// An AWS managed policy: its name (the ARN's last part) and its document.
pub struct ManagedPolicy {
    pub name: &'static str,
    pub arn_suffix: &'static str,
    pub document: &'static str,
}

pub const BASIC_EXECUTION_ROLE: ManagedPolicy = ManagedPolicy {
    name: "AWSLambdaBasicExecutionRole",
    arn_suffix: ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
};

pub const SQS_QUEUE_EXECUTION_ROLE: ManagedPolicy = ManagedPolicy {
    name: "AWSLambdaSQSQueueExecutionRole",
    arn_suffix: ":iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
};

pub const MANAGED: [&ManagedPolicy; 2] = [&BASIC_EXECUTION_ROLE, &SQS_QUEUE_EXECUTION_ROLE];

/// The managed policy an ARN (any partition) or a bare name (SAM `Policies: [Name]`) names.
pub fn managed(arn_or_name: &str) -> Option<&'static ManagedPolicy> {
    MANAGED.into_iter().find(|p| {
        arn_or_name == p.name
            || (arn_or_name.starts_with("arn:")
                && arn_or_name.split_once(':').is_some_and(|(_, rest)| {
                    rest.split_once(':').is_some_and(|(_partition, tail)| format!(":{tail}") == p.arn_suffix)
                }))
    })
}

/// A SAM policy template as a policy document, with its parameters substituted; None for a
/// template lint does not know.
pub fn sam_template(name: &str, parameter: &str, partition: &str, region: &str, account: &str) -> Option<String> {
    let statement = match name {
        "SQSPollerPolicy" => serde_json::json!({
            "Effect": "Allow",
            "Action": ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
                       "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
            "Resource": format!("arn:{partition}:sqs:{region}:{account}:{parameter}"),
        }),
        "SQSSendMessagePolicy" => serde_json::json!({
            "Effect": "Allow",
            "Action": ["sqs:SendMessage*"],
            "Resource": format!("arn:{partition}:sqs:{region}:{account}:{parameter}"),
        }),
        "KMSDecryptPolicy" => serde_json::json!({
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": format!("arn:{partition}:kms:{region}:{account}:key/{parameter}"),
        }),
        _ => return None,
    };
    Some(serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}).to_string())
}

/// The parameter each known template takes.
pub fn sam_template_parameter(name: &str) -> Option<&'static str> {
    match name {
        "SQSPollerPolicy" | "SQSSendMessagePolicy" => Some("QueueName"),
        "KMSDecryptPolicy" => Some("KeyId"),
        _ => None,
    }
}

/// Every action a SAM policy template that `sam_template` does not render grants; None for a
/// name SAM does not have.
pub fn sam_template_actions(name: &str) -> Option<Vec<&'static str>> {
    SAM_TEMPLATE_ACTIONS.iter().find(|(n, _)| *n == name).map(|(_, actions)| actions.split(' ').collect())
}

/// SAM policy templates by name, with every action each grants (from
/// aws/serverless-application-model `samtranslator/policy_templates_data/policy_templates.json`
/// at 7000d0a3b0e5e0d9fca014ce135850718aad1290, Apache-2.0). Only the names and actions are
/// kept: lint needs no resource of a template whose actions the checks never decide, since
/// it can grant or deny none of them whatever its parameters are (see `sam_template_actions`).
const SAM_TEMPLATE_ACTIONS: &[(&str, &str)] = &[
    ("AMIDescribePolicy", "ec2:DescribeImages"),
    ("AWSSecretsManagerGetSecretValuePolicy", "secretsmanager:GetSecretValue"),
    (
        "AWSSecretsManagerRotationPolicy",
        "secretsmanager:DescribeSecret secretsmanager:GetSecretValue secretsmanager:PutSecretValue secretsmanager:UpdateSecretVersionStage secretsmanager:GetRandomPassword",
    ),
    ("AcmGetCertificatePolicy", "acm:GetCertificate"),
    (
        "AthenaQueryPolicy",
        "athena:ListWorkGroups athena:GetExecutionEngine athena:GetExecutionEngines athena:GetNamespace athena:GetCatalogs athena:GetNamespaces athena:GetTables athena:GetTable athena:StartQueryExecution athena:GetQueryResults athena:DeleteNamedQuery athena:GetNamedQuery athena:ListQueryExecutions athena:StopQueryExecution athena:GetQueryResultsStream athena:ListNamedQueries athena:CreateNamedQuery athena:GetQueryExecution athena:BatchGetNamedQuery athena:BatchGetQueryExecution athena:GetWorkGroup",
    ),
    ("CloudFormationDescribeStacksPolicy", "cloudformation:DescribeStacks"),
    (
        "CloudWatchDashboardPolicy",
        "cloudwatch:GetDashboard cloudwatch:ListDashboards cloudwatch:PutDashboard cloudwatch:ListMetrics",
    ),
    ("CloudWatchDescribeAlarmHistoryPolicy", "cloudwatch:DescribeAlarmHistory"),
    ("CloudWatchPutMetricPolicy", "cloudwatch:PutMetricData"),
    (
        "CodeCommitCrudPolicy",
        "codecommit:GitPull codecommit:GitPush codecommit:CreateBranch codecommit:DeleteBranch codecommit:GetBranch codecommit:ListBranches codecommit:MergeBranchesByFastForward codecommit:MergeBranchesBySquash codecommit:MergeBranchesByThreeWay codecommit:UpdateDefaultBranch codecommit:BatchDescribeMergeConflicts codecommit:CreateUnreferencedMergeCommit codecommit:DescribeMergeConflicts codecommit:GetMergeCommit codecommit:GetMergeOptions codecommit:BatchGetPullRequests codecommit:CreatePullRequest codecommit:DescribePullRequestEvents codecommit:GetCommentsForPullRequest codecommit:GetCommitsFromMergeBase codecommit:GetMergeConflicts codecommit:GetPullRequest codecommit:ListPullRequests codecommit:MergePullRequestByFastForward codecommit:MergePullRequestBySquash codecommit:MergePullRequestByThreeWay codecommit:PostCommentForPullRequest codecommit:UpdatePullRequestDescription codecommit:UpdatePullRequestStatus codecommit:UpdatePullRequestTitle codecommit:DeleteFile codecommit:GetBlob codecommit:GetFile codecommit:GetFolder codecommit:PutFile codecommit:DeleteCommentContent codecommit:GetComment codecommit:GetCommentsForComparedCommit codecommit:PostCommentForComparedCommit codecommit:PostCommentReply codecommit:UpdateComment codecommit:BatchGetCommits codecommit:CreateCommit codecommit:GetCommit codecommit:GetCommitHistory codecommit:GetDifferences codecommit:GetObjectIdentifier codecommit:GetReferences codecommit:GetTree codecommit:GetRepository codecommit:UpdateRepositoryDescription codecommit:ListTagsForResource codecommit:TagResource codecommit:UntagResource codecommit:GetRepositoryTriggers codecommit:PutRepositoryTriggers codecommit:TestRepositoryTriggers codecommit:UploadArchive codecommit:GetUploadArchiveStatus codecommit:CancelUploadArchive",
    ),
    (
        "CodeCommitReadPolicy",
        "codecommit:GitPull codecommit:GetBranch codecommit:ListBranches codecommit:BatchDescribeMergeConflicts codecommit:DescribeMergeConflicts codecommit:GetMergeCommit codecommit:GetMergeOptions codecommit:BatchGetPullRequests codecommit:DescribePullRequestEvents codecommit:GetCommentsForPullRequest codecommit:GetCommitsFromMergeBase codecommit:GetMergeConflicts codecommit:GetPullRequest codecommit:ListPullRequests codecommit:GetBlob codecommit:GetFile codecommit:GetFolder codecommit:GetComment codecommit:GetCommentsForComparedCommit codecommit:BatchGetCommits codecommit:GetCommit codecommit:GetCommitHistory codecommit:GetDifferences codecommit:GetObjectIdentifier codecommit:GetReferences codecommit:GetTree codecommit:GetRepository codecommit:ListTagsForResource codecommit:GetRepositoryTriggers codecommit:TestRepositoryTriggers codecommit:GetUploadArchiveStatus",
    ),
    ("CodePipelineLambdaExecutionPolicy", "codepipeline:PutJobSuccessResult codepipeline:PutJobFailureResult"),
    ("CodePipelineReadOnlyPolicy", "codepipeline:ListPipelineExecutions"),
    (
        "ComprehendBasicAccessPolicy",
        "comprehend:BatchDetectKeyPhrases comprehend:DetectDominantLanguage comprehend:DetectEntities comprehend:BatchDetectEntities comprehend:DetectKeyPhrases comprehend:DetectSentiment comprehend:BatchDetectDominantLanguage comprehend:BatchDetectSentiment",
    ),
    (
        "CostExplorerReadOnlyPolicy",
        "ce:GetCostAndUsage ce:GetDimensionValues ce:GetReservationCoverage ce:GetReservationPurchaseRecommendation ce:GetReservationUtilization ce:GetTags",
    ),
    (
        "DynamoDBBackupFullAccessPolicy",
        "dynamodb:CreateBackup dynamodb:DescribeContinuousBackups dynamodb:DeleteBackup dynamodb:DescribeBackup dynamodb:ListBackups",
    ),
    (
        "DynamoDBCrudPolicy",
        "dynamodb:GetItem dynamodb:DeleteItem dynamodb:PutItem dynamodb:Scan dynamodb:Query dynamodb:UpdateItem dynamodb:BatchWriteItem dynamodb:BatchGetItem dynamodb:DescribeTable dynamodb:ConditionCheckItem",
    ),
    (
        "DynamoDBReadPolicy",
        "dynamodb:GetItem dynamodb:Scan dynamodb:Query dynamodb:BatchGetItem dynamodb:DescribeTable",
    ),
    ("DynamoDBReconfigurePolicy", "dynamodb:UpdateTable"),
    (
        "DynamoDBRestoreFromBackupPolicy",
        "dynamodb:RestoreTableFromBackup dynamodb:PutItem dynamodb:UpdateItem dynamodb:DeleteItem dynamodb:GetItem dynamodb:Query dynamodb:Scan dynamodb:BatchWriteItem",
    ),
    (
        "DynamoDBStreamReadPolicy",
        "dynamodb:DescribeStream dynamodb:GetRecords dynamodb:GetShardIterator dynamodb:ListStreams",
    ),
    ("DynamoDBWritePolicy", "dynamodb:PutItem dynamodb:UpdateItem dynamodb:BatchWriteItem"),
    ("EC2CopyImagePolicy", "ec2:CopyImage"),
    ("EC2DescribePolicy", "ec2:DescribeRegions ec2:DescribeInstances"),
    ("EFSWriteAccessPolicy", "elasticfilesystem:ClientMount elasticfilesystem:ClientWrite"),
    ("EKSDescribePolicy", "eks:DescribeCluster eks:ListClusters"),
    ("EcsRunTaskPolicy", "ecs:RunTask"),
    ("ElasticMapReduceAddJobFlowStepsPolicy", "elasticmapreduce:AddJobFlowSteps"),
    ("ElasticMapReduceCancelStepsPolicy", "elasticmapreduce:CancelSteps"),
    (
        "ElasticMapReduceModifyInstanceFleetPolicy",
        "elasticmapreduce:ModifyInstanceFleet elasticmapreduce:ListInstanceFleets",
    ),
    (
        "ElasticMapReduceModifyInstanceGroupsPolicy",
        "elasticmapreduce:ModifyInstanceGroups elasticmapreduce:ListInstanceGroups",
    ),
    ("ElasticMapReduceSetTerminationProtectionPolicy", "elasticmapreduce:SetTerminationProtection"),
    ("ElasticMapReduceTerminateJobFlowsPolicy", "elasticmapreduce:TerminateJobFlows"),
    ("ElasticsearchHttpPostPolicy", "es:ESHttpPost es:ESHttpPut"),
    ("EventBridgePutEventsPolicy", "events:PutEvents"),
    ("FilterLogEventsPolicy", "logs:FilterLogEvents"),
    (
        "FirehoseCrudPolicy",
        "firehose:CreateDeliveryStream firehose:DeleteDeliveryStream firehose:DescribeDeliveryStream firehose:PutRecord firehose:PutRecordBatch firehose:UpdateDestination",
    ),
    ("FirehoseWritePolicy", "firehose:PutRecord firehose:PutRecordBatch"),
    ("KMSEncryptPolicy", "kms:Encrypt"),
    (
        "KMSEncryptPolicy_v2",
        "kms:Encrypt kms:GenerateDataKey kms:GenerateDataKeyWithoutPlaintext kms:GenerateDataKeyPair kms:GenerateDataKeyPairWithoutPlaintext",
    ),
    (
        "KinesisCrudPolicy",
        "kinesis:AddTagsToStream kinesis:CreateStream kinesis:DecreaseStreamRetentionPeriod kinesis:DeleteStream kinesis:DescribeStream kinesis:DescribeStreamSummary kinesis:GetShardIterator kinesis:IncreaseStreamRetentionPeriod kinesis:ListTagsForStream kinesis:MergeShards kinesis:PutRecord kinesis:PutRecords kinesis:SplitShard kinesis:RemoveTagsFromStream",
    ),
    (
        "KinesisStreamReadPolicy",
        "kinesis:ListStreams kinesis:DescribeLimits kinesis:DescribeStream kinesis:DescribeStreamSummary kinesis:GetRecords kinesis:GetShardIterator",
    ),
    ("LambdaInvokePolicy", "lambda:InvokeFunction"),
    ("MobileAnalyticsWriteOnlyAccessPolicy", "mobileanalytics:PutEvents"),
    ("OrganizationsListAccountsPolicy", "organizations:ListAccounts"),
    (
        "PinpointEndpointAccessPolicy",
        "mobiletargeting:GetEndpoint mobiletargeting:UpdateEndpoint mobiletargeting:UpdateEndpointsBatch",
    ),
    (
        "PollyFullAccessPolicy",
        "polly:GetLexicon polly:DeleteLexicon polly:DescribeVoices polly:ListLexicons polly:PutLexicon polly:SynthesizeSpeech",
    ),
    (
        "RekognitionDetectOnlyPolicy",
        "rekognition:DetectFaces rekognition:DetectLabels rekognition:DetectModerationLabels rekognition:DetectText",
    ),
    (
        "RekognitionFacesManagementPolicy",
        "rekognition:IndexFaces rekognition:DeleteFaces rekognition:SearchFaces rekognition:SearchFacesByImage rekognition:ListFaces",
    ),
    ("RekognitionFacesPolicy", "rekognition:CompareFaces rekognition:DetectFaces"),
    ("RekognitionLabelsPolicy", "rekognition:DetectLabels rekognition:DetectModerationLabels"),
    (
        "RekognitionNoDataAccessPolicy",
        "rekognition:CompareFaces rekognition:DetectFaces rekognition:DetectLabels rekognition:DetectModerationLabels",
    ),
    (
        "RekognitionReadPolicy",
        "rekognition:ListCollections rekognition:ListFaces rekognition:SearchFaces rekognition:SearchFacesByImage",
    ),
    ("RekognitionWriteOnlyAccessPolicy", "rekognition:CreateCollection rekognition:IndexFaces"),
    ("Route53ChangeResourceRecordSetsPolicy", "route53:ChangeResourceRecordSets"),
    (
        "S3CrudPolicy",
        "s3:GetObject s3:ListBucket s3:GetBucketLocation s3:GetObjectVersion s3:PutObject s3:PutObjectAcl s3:GetLifecycleConfiguration s3:PutLifecycleConfiguration s3:DeleteObject",
    ),
    (
        "S3FullAccessPolicy",
        "s3:GetObject s3:GetObjectAcl s3:GetObjectVersion s3:PutObject s3:PutObjectAcl s3:DeleteObject s3:DeleteObjectTagging s3:DeleteObjectVersionTagging s3:GetObjectTagging s3:GetObjectVersionTagging s3:PutObjectTagging s3:PutObjectVersionTagging s3:ListBucket s3:GetBucketLocation s3:GetLifecycleConfiguration s3:PutLifecycleConfiguration",
    ),
    (
        "S3ReadPolicy",
        "s3:GetObject s3:ListBucket s3:GetBucketLocation s3:GetObjectVersion s3:GetLifecycleConfiguration",
    ),
    ("S3WritePolicy", "s3:PutObject s3:PutObjectAcl s3:PutLifecycleConfiguration"),
    (
        "SESBulkTemplatedCrudPolicy",
        "ses:GetIdentityVerificationAttributes ses:SendEmail ses:SendRawEmail ses:SendTemplatedEmail ses:SendBulkTemplatedEmail ses:VerifyEmailIdentity",
    ),
    (
        "SESBulkTemplatedCrudPolicy_v2",
        "ses:SendEmail ses:SendRawEmail ses:SendTemplatedEmail ses:SendBulkTemplatedEmail ses:GetIdentityVerificationAttributes ses:VerifyEmailIdentity",
    ),
    ("SESCrudPolicy", "ses:GetIdentityVerificationAttributes ses:SendEmail ses:SendRawEmail ses:VerifyEmailIdentity"),
    (
        "SESEmailTemplateCrudPolicy",
        "ses:CreateTemplate ses:GetTemplate ses:ListTemplates ses:UpdateTemplate ses:DeleteTemplate ses:TestRenderTemplate",
    ),
    ("SESSendBouncePolicy", "ses:SendBounce"),
    ("SNSCrudPolicy", "sns:ListSubscriptionsByTopic sns:CreateTopic sns:SetTopicAttributes sns:Subscribe sns:Publish"),
    ("SNSPublishMessagePolicy", "sns:Publish"),
    ("SSMParameterReadPolicy", "ssm:DescribeParameters ssm:GetParameters ssm:GetParameter ssm:GetParametersByPath"),
    (
        "SSMParameterWithSlashPrefixReadPolicy",
        "ssm:DescribeParameters ssm:GetParameters ssm:GetParameter ssm:GetParametersByPath",
    ),
    ("SageMakerCreateEndpointConfigPolicy", "sagemaker:CreateEndpointConfig"),
    ("SageMakerCreateEndpointPolicy", "sagemaker:CreateEndpoint"),
    (
        "ServerlessRepoReadWriteAccessPolicy",
        "serverlessrepo:CreateApplication serverlessrepo:CreateApplicationVersion serverlessrepo:UpdateApplication serverlessrepo:GetApplication serverlessrepo:ListApplications serverlessrepo:ListApplicationVersions serverlessrepo:ListApplicationDependencies",
    ),
    ("StepFunctionsCallbackPolicy", "states:SendTaskFailure states:SendTaskHeartbeat states:SendTaskSuccess"),
    ("StepFunctionsExecutionPolicy", "states:StartExecution"),
    ("StepFunctionsExecutionPolicy_v2", "states:StartExecution states:StartSyncExecution"),
    (
        "TextractDetectAnalyzePolicy",
        "textract:DetectDocumentText textract:StartDocumentTextDetection textract:StartDocumentAnalysis textract:AnalyzeDocument",
    ),
    ("TextractGetResultPolicy", "textract:GetDocumentTextDetection textract:GetDocumentAnalysis"),
    ("TextractPolicy", "textract:*"),
    (
        "VPCAccessPolicy",
        "ec2:CreateNetworkInterface ec2:DeleteNetworkInterface ec2:DescribeNetworkInterfaces ec2:DetachNetworkInterface",
    ),
];

/// The trust policy of SAM's implicit role.
pub const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_policies_are_found_by_arn_in_any_partition_and_by_name() {
        assert!(managed("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole").is_some());
        assert!(managed("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").is_some());
        assert!(managed("AWSLambdaBasicExecutionRole").is_some());
        assert!(managed("arn:aws:iam::aws:policy/AdministratorAccess").is_none());
        for p in MANAGED {
            crate::policy::PolicyDocument::parse(p.name, p.document).unwrap();
        }
        let doc = sam_template("SQSPollerPolicy", "q", "aws", "us-east-1", "1").unwrap();
        crate::policy::PolicyDocument::parse("t", &doc).unwrap();
        let doc = sam_template("SQSSendMessagePolicy", "q", "aws", "us-east-1", "1").unwrap();
        crate::policy::PolicyDocument::parse("t", &doc).unwrap();
        assert_eq!(sam_template_actions("SNSPublishMessagePolicy"), Some(vec!["sns:Publish"]));
        assert!(sam_template_actions("SQSPollerPolicy").is_none(), "rendered by sam_template");
        assert!(sam_template_actions("NoSuchPolicy").is_none());
    }
}
