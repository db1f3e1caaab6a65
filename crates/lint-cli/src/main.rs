//! The `kubeward` command line: finds files and configuration, runs the core, prints a
//! format, and sets the exit code (0 clean, 1 findings or a chart that fails to render, 2
//! usage or input errors).

mod args;
mod cache;
mod charts;
mod files;
mod helm_args;
mod output;
mod scope;
mod settings;
mod template;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use args::{Args, Command, LintArgs, RuleFormat, RulesArgs};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let cwd =
        std::env::current_dir().map_err(|err| format!("error: no current directory: {err}"))?;
    let (settings, catalog) = settings::Settings::load(args)?;
    // The rules are made ready (read from the cache, or compiled) while the files are read
    // and the charts rendered: both take a few milliseconds of a small run.
    let (ready, gathered) = std::thread::scope(|threads| {
        let ready = threads.spawn(|| -> Result<(lint_core::Linter, bool), Failure> {
            let mut linter = settings.linter(catalog)?;
            let cached = !args.no_cache && cache::load(&mut linter);
            Ok((linter, cached))
        });
        let gathered = gather(args, &cwd, &settings);
        (ready.join(), gathered)
    });
    let (linter, cached) =
        ready.map_err(|_| "error: the rules could not be made ready".to_owned())??;
    let (scope, inputs) = gathered?;
    if let Some(reason) = &scope.empty_reason {
        eprintln!("kubeward: {reason}; nothing to lint");
    } else if inputs.sources.is_empty() && inputs.unreadable.is_empty() {
        eprintln!("warning: no manifest files (.yaml, .yml, .json) found");
    }
    let sources = inputs.sources;
    huge_pages_for(&sources);
    let mut report = linter.lint_before_exit(&sources);
    let base = scope::path_base(&cwd);
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("error: cannot read the baseline {}: {err}", path.display()))?;
        let baseline = lint_core::report::Baseline::from_json(&text)
            .map_err(|err| format!("error: {}: {err}", path.display()))?;
        report.apply_baseline(&baseline, &sources, &base, &path.display().to_string());
    }
    if let Some(path) = &args.write_baseline {
        let baseline = lint_core::report::Baseline::from_report(&report, &sources, &base);
        write_file(path, |file| file.write_all(baseline.to_json().as_bytes()))?;
        eprintln!(
            "kubeward: recorded {} findings in {}",
            baseline.findings.len(),
            path.display()
        );
        report.apply_baseline(&baseline, &sources, &base, &path.display().to_string());
    }
    let fail_on = args
        .fail_on
        .map(lint_core::Severity::from)
        .or(settings.config.fail_on)
        .unwrap_or(lint_core::Severity::Warning);
    let view = output::View {
        sources: &sources,
        catalog: linter.catalog(),
        base: &base,
        fail_on,
    };
    for target in &args.output {
        write_file(&target.path, |file| {
            output::write(&report, &view, target.format, args.color, false, file)
        })?;
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if output::write(&report, &view, args.format, args.color, true, &mut stdout)
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
    if !cached && !args.no_cache {
        cache::store(&linter);
    }
    let code = if !inputs.unreadable.is_empty() {
        EXIT_ERROR
    } else if report.fails(fail_on) {
        EXIT_FINDINGS
    } else {
        0
    };
    // The process ends here. Freeing the compiled rules, the files and the findings one
    // allocation at a time takes longer than the operating system's taking the memory back
    // (2 ms of the 45 ms that linting one small file takes).
    std::mem::forget((linter, sources, report));
    Ok(code)
}

/// The scope's files, read, with the charts among them rendered.
fn gather(
    args: &LintArgs,
    cwd: &std::path::Path,
    settings: &settings::Settings,
) -> Result<(scope::Scope, files::Inputs), Failure> {
    let scope = scope::Scope::resolve(args, cwd, &settings.excludes)?;
    let mut inputs = match &scope.empty_reason {
        Some(_) => scope::nothing(),
        None => files::collect(
            &scope.paths,
            &settings.excludes,
            args.stdin_filename.as_deref(),
        )?,
    };
    if let Some(dir) = &scope.context
        && !inputs.sources.is_empty()
    {
        scope::add_context(&mut inputs, dir, &settings.excludes)?;
    }
    inputs.sources.render_charts(&settings.chart_settings()?);
    Ok((scope, inputs))
}

/// Source bytes above which a lint turns transparent huge pages off for the rest of the run.
const HUGE_PAGES_UP_TO: usize = 16 << 20;

/// mimalloc advises huge pages for its arenas, so the kernel backs every 2 MiB of them that is
/// touched with one zeroed huge page. A small run allocates its memory in many places at once
/// (the compiled rules, the schemas, the files): huge pages spare it most of its page faults
/// (shared manifests: ~500 faults instead of ~7,000, some 15 ms less system time, in
/// docs/benchmarks.md). A large run gains nothing from them, and its peak memory (RSS) is about
/// 10% higher; past `HUGE_PAGES_UP_TO` of sources, what is allocated from then on is in small
/// pages. Failure (an old kernel) changes nothing else.
fn huge_pages_for(sources: &lint_core::SourceSet) {
    let bytes: usize = sources.iter().map(|(_, file)| file.text().len()).sum();
    #[cfg(target_os = "linux")]
    if bytes > HUGE_PAGES_UP_TO {
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// Writes a report or baseline file, creating its directory.
/// Creates `path` (and its directory) and writes it with `write`.
fn write_file(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|err| format!("error: cannot create {}: {err}", parent.display()))?;
    }
    std::fs::File::create(path)
        .and_then(|file| {
            let mut file = std::io::BufWriter::new(file);
            write(&mut file)?;
            file.flush()
        })
        .map_err(|err| format!("error: cannot write {}: {err}", path.display()))
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
