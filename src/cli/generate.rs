//! `sponsorlint completions SHELL` and `sponsorlint man`: both generated
//! from the clap definitions, so they never fall behind the flags.

use std::io::Write as _;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_ERROR, write_stdout};

pub fn completions(shell: Shell) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "sponsorlint", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    for (subcommand, values) in positional_values(&command) {
        script = with_positional_values(shell, script, subcommand, &values);
    }
    write_stdout(&script)
}

/// The values a subcommand's positional arguments take (`explain`'s rule
/// ids), by subcommand.
fn positional_values(command: &clap::Command) -> Vec<(&str, Vec<String>)> {
    command
        .get_subcommands()
        .map(|subcommand| {
            let values = subcommand
                .get_positionals()
                .flat_map(|arg| arg.get_possible_values())
                .map(|value| value.get_name().to_owned())
                .collect();
            (subcommand.get_name(), values)
        })
        .filter(|(_, values): &(_, Vec<String>)| !values.is_empty())
        .collect()
}

/// `script` offering `values` after `sponsorlint SUBCOMMAND`. clap's bash,
/// zsh and elvish scripts do already; its fish and PowerShell scripts
/// complete options only, so the values are added to them here.
fn with_positional_values(
    shell: Shell,
    mut script: String,
    subcommand: &str,
    values: &[String],
) -> String {
    match shell {
        Shell::Fish => {
            script.push_str(&format!(
                "complete -c sponsorlint -n \"__fish_sponsorlint_using_subcommand {subcommand}\" -f -a \"{}\"\n",
                values.iter().map(|value| fish_quoted(value)).collect::<Vec<_>>().join(" ")
            ));
            script
        }
        Shell::PowerShell => {
            let block = format!("        'sponsorlint;{subcommand}' {{\n");
            let results: String = values
                .iter()
                .map(|value| {
                    // A single-quoted PowerShell string doubles its quotes.
                    let value = value.replace('\'', "''");
                    format!(
                        "            [CompletionResult]::new('{value}', '{value}', [CompletionResultType]::ParameterValue, '{value}')\n"
                    )
                })
                .collect();
            script.replacen(&block, &format!("{block}{results}"), 1)
        }
        _ => script,
    }
}

/// The EXIT STATUS section of the main page and of `check`'s (roff).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No finding at or above \fB\-\-fail\-on\fR (error by default), or \fB\-\-exit\-zero\fR and the run completed.
.TP
\fB1\fR
Findings at or above \fB\-\-fail\-on\fR.
.TP
\fB2\fR
A usage error, an invalid configuration or rule pack, or an input that could not be read (the other inputs are still checked and reported first; with \fB\-\-exit\-zero\fR, unreadable inputs exit 0).
.PP
A run cut short by a closed output pipe exits with the status its findings so far call for.
"#;

/// `value` inside a double-quoted fish string.
fn fish_quoted(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted
}

/// The main page on stdout, or one page per subcommand written to `dir`.
pub fn man(dir: Option<&Path>) -> u8 {
    let command = Cli::command();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        if let Err(error) = clap_mangen::Man::new(command).render(&mut page) {
            eprintln!("error: cannot render the man page: {error}");
            return EXIT_ERROR;
        }
        page.extend_from_slice(EXIT_STATUS.as_bytes());
        return write_stdout(&String::from_utf8_lossy(&page));
    };
    let with_exit_status = |name: &str| {
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(name))
            .and_then(|mut page| page.write_all(EXIT_STATUS.as_bytes()))
    };
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(command, dir))
        .and_then(|()| with_exit_status("sponsorlint.1"))
        .and_then(|()| with_exit_status("sponsorlint-check.1"));
    match written {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: cannot write man pages to {}: {error}", dir.display());
            EXIT_ERROR
        }
    }
}
