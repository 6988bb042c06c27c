//! Where `doctor --all` looks: accounts × regions. Each account is reached with its own
//! credentials (the caller's, or a role assumed in it with STS), and gets its own fact cache,
//! shared by its regions: an answer read with one account's credentials is never used for
//! another. A region or account that cannot be reached (opt-in region, SCP deny, a role that
//! cannot be assumed, throttled past retries) is a `check-skipped` row, not an abort.

use std::time::SystemTime;

use aws_config::{Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};

use crate::aws::{AwsResultExt, Clients};
use crate::error::{AwsError, Error};
use crate::gather;
use crate::gather::cache::FactCache;
use crate::model::facts::Unreadable;

/// Which regions to audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionChoice {
    /// The configured region (flag, environment or profile).
    Configured,
    Listed(Vec<String>),
    /// Every region enabled in each account (account:ListRegions).
    All,
}

/// Which accounts to audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountChoice {
    /// The caller's own account, with the caller's credentials.
    Caller,
    /// These accounts, through `role`.
    Listed(Vec<String>),
    /// The organization's active accounts, through `role`.
    Organization,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeSettings {
    pub regions: RegionChoice,
    pub accounts: AccountChoice,
    /// The role name assumed in each account.
    pub role: Option<String>,
    pub external_id: Option<String>,
}

impl Default for ScopeSettings {
    fn default() -> Self {
        ScopeSettings {
            regions: RegionChoice::Configured,
            accounts: AccountChoice::Caller,
            role: None,
            external_id: None,
        }
    }
}

/// The STS session name of every assumed role (CloudTrail shows it).
pub const SESSION_NAME: &str = "sqs-trigger";

/// One account in one region: the clients for it, or why it cannot be audited.
pub struct Scope {
    /// The account id (None when not even the caller's could be read).
    pub account: Option<String>,
    /// None for an account skipped before its regions were known.
    pub region: Option<String>,
    pub reach: Result<Clients, Unreadable>,
}

impl Scope {
    fn skipped(account: Option<String>, region: Option<String>, why: Unreadable) -> Scope {
        Scope { account, region, reach: Err(why) }
    }
}

/// Every (account, region) the settings name, each with its clients or its reason.
pub async fn resolve(base: &Clients, s: &ScopeSettings) -> Result<Vec<Scope>, Error> {
    let caller = gather::caller(base).await;
    let partition = caller.as_ref().map(|c| gather::partition_of(&c.arn).to_owned()).unwrap_or_else(|_| "aws".into());
    let accounts: Vec<String> = match &s.accounts {
        AccountChoice::Caller => {
            let account = caller.as_ref().ok().map(|c| c.account.clone());
            return regions_of(account, base.clone(), &s.regions).await;
        }
        AccountChoice::Listed(ids) => ids.clone(),
        AccountChoice::Organization => organization_accounts(base).await?,
    };
    let role = s.role.as_deref().unwrap_or_default();
    let partition = &partition;
    let reads = accounts.iter().map(|account| async move {
        match assume(base, partition, account, role, s.external_id.as_deref()).await {
            Ok(clients) => regions_of(Some(account.clone()), clients, &s.regions).await,
            Err(why) => Ok(vec![Scope::skipped(Some(account.clone()), None, why)]),
        }
    });
    let per_account = futures::future::try_join_all(reads).await?;
    Ok(per_account.into_iter().flatten().collect())
}

/// The regions of one account, each with clients sharing the account's cache.
async fn regions_of(account: Option<String>, clients: Clients, regions: &RegionChoice) -> Result<Vec<Scope>, Error> {
    let names = match regions {
        RegionChoice::Configured => {
            return Ok(vec![Scope { account, region: Some(clients.region.clone()), reach: Ok(clients) }]);
        }
        RegionChoice::Listed(names) => names.clone(),
        RegionChoice::All => match enabled_regions(&clients).await {
            Ok(names) => names,
            Err(err) => {
                let why = unreadable(format!("the regions of account {}", label(&account)), err);
                return Ok(vec![Scope::skipped(account, None, why)]);
            }
        },
    };
    Ok(names
        .into_iter()
        .map(|region| {
            let config = clients.config.to_builder().region(Region::new(region.clone())).build();
            let reach = Ok(in_config(&clients, &config));
            Scope { account: account.clone(), region: Some(region), reach }
        })
        .collect())
}

/// Clients for `config` sharing `like`'s account cache, bounds and counter.
fn in_config(like: &Clients, config: &SdkConfig) -> Clients {
    Clients::with_shared(config, like.cache.clone(), like.limits.clone(), like.stats.clone())
}

fn label(account: &Option<String>) -> &str {
    account.as_deref().unwrap_or("of the caller")
}

/// Assumes `arn:PARTITION:iam::ACCOUNT:role/ROLE` with the caller's credentials; the clients
/// of the account use only the credentials STS returned, and a cache of their own.
async fn assume(
    base: &Clients,
    partition: &str,
    account: &str,
    role: &str,
    external_id: Option<&str>,
) -> Result<Clients, Unreadable> {
    let arn = format!("arn:{partition}:iam::{account}:role/{role}");
    let request = base
        .sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name(SESSION_NAME)
        .set_external_id(external_id.map(str::to_owned))
        .send();
    let out = crate::aws::traffic::limited(&base.limits.sts, request)
        .await
        .aws_err("sts:AssumeRole", &arn)
        .map_err(|err| unreadable(format!("account {account} (role {arn})"), err))?;
    let Some(c) = out.credentials() else {
        let err = AwsError::unexpected("sts:AssumeRole", &arn, "no credentials in the answer");
        return Err(unreadable(format!("account {account} (role {arn})"), err));
    };
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        expiry,
        "sqs-trigger-assume-role",
    );
    let config = base.config.to_builder().credentials_provider(SharedCredentialsProvider::new(credentials)).build();
    Ok(Clients::with_shared(&config, FactCache::on(), base.limits.clone(), base.stats.clone()))
}

/// The regions enabled in the account of `clients` (enabled by default or opted in).
async fn enabled_regions(clients: &Clients) -> Result<Vec<String>, AwsError> {
    use aws_sdk_account::types::RegionOptStatus;
    let account = aws_sdk_account::Client::from_conf(
        aws_sdk_account::config::Builder::from(&clients.config).interceptor(clients.stats.counter()).build(),
    );
    let mut names = Vec::new();
    let mut token = None;
    loop {
        let out = account
            .list_regions()
            .region_opt_status_contains(RegionOptStatus::Enabled)
            .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
            .set_next_token(token)
            .send()
            .await
            .aws_err("account:ListRegions", &"the account's regions")?;
        names.extend(out.regions().iter().filter_map(|r| r.region_name()).map(str::to_owned));
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(names);
        }
    }
}

/// The organization's active accounts (organizations:ListAccounts).
async fn organization_accounts(base: &Clients) -> Result<Vec<String>, Error> {
    use aws_sdk_organizations::types::AccountStatus;
    let organizations = aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&base.config).interceptor(base.stats.counter()).build(),
    );
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let out = organizations
            .list_accounts()
            .set_next_token(token)
            .send()
            .await
            .aws_err("organizations:ListAccounts", &"the organization's accounts")?;
        #[allow(deprecated)]
        ids.extend(
            out.accounts()
                .iter()
                .filter(|a| a.status() == Some(&AccountStatus::Active))
                .filter_map(|a| a.id())
                .map(str::to_owned),
        );
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(ids);
        }
    }
}

/// Why a scope is skipped, as the `check-skipped` finding shows it.
pub fn unreadable(fact: String, err: AwsError) -> Unreadable {
    let detail = match &err.code {
        Some(code) => format!("{code}: {}", err.message),
        None => err.message.clone(),
    };
    Unreadable {
        kind: Default::default(),
        cause: Default::default(),
        feeds: &[],
        fact,
        permission: err.action.to_owned(),
        detail,
    }
}
