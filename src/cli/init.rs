//! `bucketbridge init`: write a commented starter blueprint with a fresh random external ID.

use std::io::Write;
use std::path::PathBuf;

use super::{DEFAULT_BLUEPRINT_FOLDER, EXIT_OK, Failure, Project, print_diagnostics};

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The scenario kind (see `bucketbridge scenarios`).
    pub scenario: String,
    /// The blueprint's name, which names its output folder [default: the scenario kind]
    #[arg(long)]
    pub name: Option<String>,
    /// Where to write it; `-` for standard output [default: `<blueprint folder>/<name>.yaml`]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A fresh external ID: 128 random bits from the operating system, as 32 lowercase hex digits. The only
/// randomness in bucketbridge; the library receives the result.
fn fresh_external_id() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| format!("could not get random bytes for an external ID: {error}"))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

pub(super) fn init(project: &Project, args: &InitArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, Failure> {
    let offered: Vec<&str> = crate::init::starters().iter().map(|starter| starter.scenario).collect();
    let Some(starter) = crate::init::starter(&args.scenario) else {
        let hint = match crate::diagnostic::suggest(&args.scenario, &offered) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("starters exist for {}", offered.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")),
        };
        return Err(Failure::Usage(format!("unknown scenario `{}`; {hint}", args.scenario)));
    };
    let name = args.name.clone().unwrap_or_else(|| starter.scenario.to_owned());
    let external_id = if starter.needs_external_id() { fresh_external_id()? } else { String::new() };
    let text = starter.render(&name, &external_id);

    let out = match &args.out {
        Some(path) if path.as_os_str() == "-" => None,
        Some(path) => Some(project.command_line_path(path)),
        None => {
            let folder = match project.config.as_ref().and_then(|config| config.blueprints.as_deref()) {
                Some(folder) => project.config_path(folder),
                None => project.base.join(DEFAULT_BLUEPRINT_FOLDER),
            };
            Some(folder.join(format!("{name}.yaml")))
        }
    };
    let shown = out.as_deref().map_or_else(|| "<stdout>".to_owned(), |path| project.show(path));
    if let Err(diagnostics) = crate::compile(&shown, &text, crate::emit::Targets::ALL) {
        print_diagnostics(stderr, &diagnostics, &text);
        return Err(Failure::Usage(format!("the starter named `{name}` would not be a valid blueprint; choose another --name")));
    }
    let Some(path) = out else {
        let _ = stdout.write_all(text.as_bytes());
        return Ok(EXIT_OK);
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|error| format!("could not create folder `{}`: {error}", project.show(parent)))?;
    }
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::Usage(format!("`{shown}` already exists; init never overwrites a file: choose another --name or --out")));
        }
        Err(error) => return Err(Failure::Usage(format!("could not create `{shown}`: {error}"))),
    };
    file.write_all(text.as_bytes()).map_err(|error| format!("could not write `{shown}`: {error}"))?;
    let _ = writeln!(stdout, "wrote a starter {} blueprint to `{shown}`; edit it, then run `bucketbridge build`", starter.scenario);
    Ok(EXIT_OK)
}
