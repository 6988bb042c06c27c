//! The committed shell completions and man page match the binary's CLI definition.
//! Regenerate with `make generate` (SQS_TRIGGER_UPDATE_GENERATED=1).

use std::path::PathBuf;

use sqs_trigger::commands::completions::{SHELLS, completion, completion_file_name, man_page};

fn check_or_update(path: PathBuf, fresh: &[u8]) {
    if std::env::var_os("SQS_TRIGGER_UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(committed == fresh, "{} is stale or missing: run `make generate` and commit the result", path.display());
}

#[test]
fn completions_are_fresh() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for shell in SHELLS {
        check_or_update(root.join("completions").join(completion_file_name(shell)), &completion(shell));
    }
}

#[test]
fn man_page_is_fresh() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    check_or_update(root.join("docs/sqs-trigger.1"), &man_page().unwrap());
}

#[test]
fn completions_command_prints_the_committed_script() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_sqs-trigger")).args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, completion(clap_complete::Shell::Bash));
    let bad =
        std::process::Command::new(env!("CARGO_BIN_EXE_sqs-trigger")).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn every_finding_code_has_a_page_and_an_index_entry() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/findings");
    let index = std::fs::read_to_string(root.join("README.md")).unwrap();
    for code in sqs_trigger::model::FindingCode::ALL {
        let page = root.join(format!("{}.md", code.as_str()));
        let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("{} is missing", page.display()));
        assert!(text.starts_with(&format!("# `{}`", code.as_str())), "{} has the code as its title", page.display());
        assert!(index.contains(&format!("[{}]({}.md)", code.as_str(), code.as_str())), "the index lists {code}");
    }
}
