//! The `kubeward` command line: finds files and configuration, runs the core, prints a
//! format, and sets the exit code (0 clean, 1 findings or a chart that fails to render, 2
//! usage or input errors).

mod args;
mod charts;
mod files;
mod helm_args;
mod output;
mod settings;
mod template;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use args::{Args, Command, LintArgs, RuleFormat, RulesArgs};

/// Exit code when a finding reaches the fail-on level.
const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage errors and unreadable input.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Lint(lint) => run_lint(&lint),
        Command::Rules(rules) => run_rules(&rules),
        Command::Template(template) => template::run(&template),
        Command::Explain { rule, policy } => run_explain(&rule, &policy),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A failure that ends the run with exit code 2, already formatted for the terminal.
type Failure = String;

fn run_lint(args: &LintArgs) -> Result<u8, Failure> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|err| format!("error: cannot start {threads} threads: {err}"))?;
    }
    let settings = settings::Settings::load(args)?;
    let linter = settings.linter()?;
    let inputs = files::collect(
        &args.paths,
        &settings.excludes,
        args.stdin_filename.as_deref(),
    )?;
    if inputs.sources.is_empty() && inputs.unreadable.is_empty() {
        eprintln!("warning: no manifest files (.yaml, .yml, .json) found");
    }
    let mut sources = inputs.sources;
    sources.render_charts(&settings.chart_settings()?);
    let report = linter.lint(&sources);
    let fail_on = args
        .fail_on
        .map(lint_core::Severity::from)
        .or(settings.config.fail_on)
        .unwrap_or(lint_core::Severity::Warning);
    let rendered = output::render(&report, &sources, args.format, args.color);
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(rendered.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // A closed pipe (e.g. `| head`) is not an error of the linted files.
        return Ok(if report.fails(fail_on) {
            EXIT_FINDINGS
        } else {
            0
        });
    }
    for problem in &inputs.unreadable {
        eprintln!("error: {problem}");
    }
    if !inputs.unreadable.is_empty() {
        return Ok(EXIT_ERROR);
    }
    Ok(if report.fails(fail_on) {
        EXIT_FINDINGS
    } else {
        0
    })
}

fn run_rules(args: &RulesArgs) -> Result<u8, Failure> {
    let catalog = settings::catalog(&args.policy)?;
    let text = match args.format {
        RuleFormat::Table => output::rules_table(&catalog),
        RuleFormat::Json => output::rules_json(&catalog),
        RuleFormat::Markdown => output::rules_markdown(&catalog),
    };
    print!("{text}");
    Ok(0)
}

fn run_explain(rule: &str, policy: &[std::path::PathBuf]) -> Result<u8, Failure> {
    let catalog = settings::catalog(policy)?;
    let Some(found) = catalog.find(rule) else {
        return Err(format!(
            "error: `{rule}` is not a rule; `kubeward rules` lists them"
        ));
    };
    print!("{}", lint_core::rules::markdown(found));
    Ok(0)
}
