//! `sqs-trigger completions SHELL`, and the generators for the committed completion files
//! and man page (checked fresh by a test).

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;

pub const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish];

pub fn run(args: &CompletionsArgs) -> Result<(), Error> {
    let text = completion(args.shell);
    io::stdout().lock().write_all(&text).map_err(|e| Error::io("the completions to stdout", e))
}

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "sqs-trigger", &mut buf);
    buf
}

/// The file name each shell expects.
pub fn completion_file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "sqs-trigger.bash",
        Shell::Zsh => "_sqs-trigger",
        Shell::Fish => "sqs-trigger.fish",
        Shell::PowerShell => "_sqs-trigger.ps1",
        Shell::Elvish => "sqs-trigger.elv",
        _ => "sqs-trigger.completion",
    }
}

/// The roff man page for the whole command, subcommands included.
pub fn man_page() -> io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    for sub in cmd.get_subcommands() {
        render_sub(sub, "sqs-trigger", &mut buf)?;
    }
    Ok(buf)
}

fn render_sub(cmd: &clap::Command, parent: &str, buf: &mut Vec<u8>) -> io::Result<()> {
    let name = format!("{parent} {}", cmd.get_name());
    let sub = cmd.clone().name(name.clone()).bin_name(name.clone());
    writeln!(buf, ".SH \"{}\"", name.to_uppercase())?;
    let mut section = Vec::new();
    clap_mangen::Man::new(sub).render_description_section(&mut section)?;
    buf.extend(section);
    let mut options = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render_options_section(&mut options)?;
    buf.extend(options);
    for nested in cmd.get_subcommands() {
        render_sub(nested, &name, buf)?;
    }
    Ok(())
}
