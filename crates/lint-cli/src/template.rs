//! `kubeward template`: renders a chart and prints exactly what `helm template` prints for
//! the same arguments, or fails with helm's message. Steps run in helm's order (Kubernetes
//! version, chart path, values, chart, render) so that a command with several problems
//! reports the one helm reports.

use std::io::Write as _;
use std::path::Path;

use helm_render::objects::KubeVersion;

use crate::args::TemplateArgs;
use crate::{Failure, charts};

/// Exit code when the chart does not load or render, where helm fails too.
const EXIT_RENDER_FAILED: u8 = 1;

/// The release name `helm template` uses when given none.
const DEFAULT_RELEASE_NAME: &str = "release-name";

pub fn run(args: &TemplateArgs) -> Result<u8, Failure> {
    // Failures of the command line or of what it names: exit code 2.
    let failure = |message: &str| format!("Error: {message}");
    if let Some(version) = &args.kube_version {
        KubeVersion::parse(version)
            .map_err(|err| failure(&format!("invalid kube version '{version}': {err}")))?;
    }
    let (release, chart) = match args.names.as_slice() {
        [chart] => (DEFAULT_RELEASE_NAME, chart),
        [_, _] if args.generate_name => {
            return Err(failure(
                "cannot set --generate-name and also specify a name",
            ));
        }
        [name, chart] => (name.as_str(), chart),
        _ => return Err(failure("expected [NAME] CHART")),
    };
    let source = charts::read(Path::new(chart)).map_err(|message| failure(&message))?;
    let mut options = args
        .helm
        .template_options()
        .map_err(|message| failure(&message))?;
    // Bad `--set` syntax and unparsable values files are errors of the command line, found
    // before the chart is looked at, as helm finds them.
    options
        .values
        .merge()
        .map_err(|message| failure(&message))?;
    options.release_name = release.to_owned();
    options.namespace.clone_from(&args.namespace);
    options.kube_version.clone_from(&args.kube_version);
    options.include_crds = args.include_crds;
    options.skip_tests = args.skip_tests;
    options.no_hooks = args.no_hooks;
    options.show_only.clone_from(&args.show_only);
    let rendered = source
        .load()
        .map_err(|err| err.message)
        .and_then(|chart| helm_render::template(chart, &options).map_err(|err| err.message));
    match rendered {
        Ok(release) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not a failure of the chart.
            let _ = stdout
                .write_all(release.output.as_bytes())
                .and_then(|()| stdout.flush());
            Ok(0)
        }
        Err(message) => {
            eprintln!("Error: {message}");
            Ok(EXIT_RENDER_FAILED)
        }
    }
}
