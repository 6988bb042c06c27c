use super::*;
use crate::model::FindingCode;

fn scopes(args: &[&str]) -> Result<ScopeSettings, Error> {
    use clap::Parser;
    let cli = crate::cli::Cli::try_parse_from([&["sqs-trigger", "doctor"][..], args].concat()).unwrap();
    let crate::cli::Command::Doctor(d) = &cli.command else { unreachable!() };
    Settings::from_args(d, &cli.global.region).map(|s| s.scopes)
}

#[test]
fn scope_flags_become_accounts_and_regions() {
    assert_eq!(scopes(&["--all"]).unwrap(), ScopeSettings::default());
    assert_eq!(scopes(&["--all", "--regions", "all"]).unwrap().regions, RegionChoice::All);
    let listed = scopes(&["--all", "--region", "eu-west-1", "--region", "us-east-1", "--region", "eu-west-1"]);
    assert_eq!(listed.unwrap().regions, RegionChoice::Listed(vec!["eu-west-1".into(), "us-east-1".into()]));
    let s = scopes(&["--all", "--accounts", "111111111111,222222222222,111111111111", "--assume-role", "Audit"]);
    let s = s.unwrap();
    assert_eq!(s.accounts, AccountChoice::Listed(vec!["111111111111".into(), "222222222222".into()]));
    assert_eq!(s.role.as_deref(), Some("Audit"));
    let org = scopes(&["--all", "--accounts-from", "organizations", "--assume-role", "Audit"]).unwrap();
    assert_eq!(org.accounts, AccountChoice::Organization);
    for bad in [
        &["--all", "--regions", "us-east-1,nowhere"][..],
        &["--all", "--regions", "all", "--region", "us-east-1"],
        &["--queue", "q", "--region", "us-east-1", "--region", "eu-west-1"],
        &["--all", "--assume-role", "Audit"],
        &["--all", "--accounts", "1234", "--assume-role", "Audit"],
        &["--all", "--accounts", "111111111111", "--assume-role", "role/Audit"],
        &["--all", "--accounts", "111111111111", "--assume-role", "Audit", "--external-id", "x"],
    ] {
        assert!(matches!(scopes(bad), Err(Error::Usage(_))), "{bad:?}");
    }
}

#[test]
fn findings_map_to_links() {
    let f = |code, msg: &str| Finding::error(code, "r", msg);
    assert_eq!(link_of(&f(FindingCode::KmsKeyNotEnabled, "")), Link::Queue);
    assert_eq!(link_of(&f(FindingCode::MappingDisabled, "")), Link::Mapping);
    assert_eq!(link_of(&f(FindingCode::FunctionThrottled, "")), Link::Function);
    let role = |action: &str| f(FindingCode::RoleMissingPermission, "").about(action, None);
    assert_eq!(link_of(&role("sqs:DeleteMessage")), Link::Function);
    assert_eq!(link_of(&role("logs:PutLogEvents")), Link::LogGroup);
    // Decided by the permission, never by the wording of the message.
    assert_eq!(link_of(&f(FindingCode::RoleMissingPermission, "mentions logs:PutLogEvents")), Link::Function);
}

#[test]
fn the_first_broken_link_is_marked() {
    let facts = TriggerFacts::default();
    let d = diagnose(
        &facts,
        vec![
            Finding::error(FindingCode::FunctionThrottled, "f", "x"),
            Finding::error(FindingCode::MappingDisabled, "m", "y"),
        ],
    );
    assert_eq!(d.broken_link, Some(Link::Mapping));
    assert_eq!(d.verdict, TriggerVerdict::Broken);
    let healthy = diagnose(&facts, vec![Finding::info(FindingCode::FilterDeletesUnmatched, "m", "z")]);
    assert_eq!(healthy.verdict, TriggerVerdict::Healthy);
}
