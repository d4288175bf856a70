//! `bucketbridge.toml`: a repository's settings for `build` and `check`, so a team writes its blueprint folder,
//! output folder, targets and target options once instead of on every command line.
//!
//! ```toml
//! blueprints = "infra/blueprints"   # folder of blueprints, relative to this file
//! out = "infra/generated"           # output folder, relative to this file
//! targets = ["terraform"]           # any of "terraform", "cloudformation"
//!
//! [terraform]
//! aws_provider_version = "~> 5.40"  # the hashicorp/aws constraint written into versions.tf
//! ```
//!
//! This module only parses text the command line found and read: it does not look for the file, read it, or
//! read the environment. Mistakes are [`Diagnostic`]s located in the file, as for blueprints.

use crate::diagnostic::{Diagnostic, FieldPath, Location, suggest};
use crate::emit::{Options, Targets, terraform};

/// The file's name; the command line looks for it in the working folder and each folder above.
pub const FILE_NAME: &str = "bucketbridge.toml";

/// The settings a `bucketbridge.toml` gives; `None` where it says nothing, so flags and defaults apply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The blueprint folder, as written: relative to the file's folder, with `/`.
    pub blueprints: Option<String>,
    /// The output folder, as written: relative to the file's folder, with `/`.
    pub out: Option<String>,
    /// The targets to generate.
    pub targets: Option<Targets>,
    /// Terraform settings.
    pub terraform: TerraformConfig,
}

/// The `[terraform]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TerraformConfig {
    /// The `hashicorp/aws` provider constraint written into `versions.tf`.
    pub aws_provider_version: Option<String>,
}

impl Config {
    /// The emitter options this file asks for, with defaults where it says nothing.
    pub fn options(&self) -> Options {
        let mut options = Options::for_targets(self.targets.unwrap_or(Targets::ALL));
        if let Some(version) = &self.terraform.aws_provider_version {
            options.terraform.aws_provider_version = version.clone();
        }
        options
    }
}

/// The top-level keys, in the order they are documented.
const TOP_LEVEL: &[&str] = &["blueprints", "out", "targets", "terraform"];
/// The keys of `[terraform]`.
const TERRAFORM: &[&str] = &["aws_provider_version"];
/// The words `targets` accepts.
const TARGETS: &[&str] = &["terraform", "cloudformation"];

type Table<'i> = toml::de::DeTable<'i>;
type Value<'i> = toml::Spanned<toml::de::DeValue<'i>>;

/// Parses a `bucketbridge.toml`; `source` is its path as shown in messages.
///
/// # Errors
///
/// Returns every mistake found, sorted by line and column: TOML syntax, unknown keys (with a suggestion),
/// values of the wrong type, unknown targets, absolute paths and malformed version constraints.
pub fn parse(source: &str, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let document = match Table::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let location = Location::from_span(source, text, error.span().unwrap_or(0..0));
            let message = error.message().lines().next().unwrap_or("invalid TOML").trim_end_matches('.').to_owned();
            return Err(vec![Diagnostic::error("toml-syntax", location, FieldPath::root(), format!("invalid TOML: {message}"))]);
        }
    };
    let mut reader = Reader { source, text, diagnostics: Vec::new() };
    let root = FieldPath::root();
    let mut config = Config::default();
    for (key, value) in reader.known_keys(document.get_ref(), &root, TOP_LEVEL) {
        let path = root.field(key);
        match key {
            "blueprints" => config.blueprints = reader.relative_path(value, &path),
            "out" => config.out = reader.relative_path(value, &path),
            "targets" => config.targets = reader.targets(value, &path),
            "terraform" => {
                let Some(table) = reader.table(value, &path, TERRAFORM) else { continue };
                for (key, value) in reader.known_keys(table, &path, TERRAFORM) {
                    let field = path.field(key);
                    config.terraform.aws_provider_version = reader.version_constraint(value, &field);
                }
            }
            _ => unreachable!("`{key}` is listed in TOP_LEVEL but not read; please report this"),
        }
    }
    let mut diagnostics = reader.diagnostics;
    if diagnostics.is_empty() {
        return Ok(config);
    }
    diagnostics.sort_by(|a, b| a.display_order(b));
    Err(diagnostics)
}

/// Reads values out of the parsed document, recording mistakes instead of stopping at the first.
struct Reader<'t> {
    source: &'t str,
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn location(&self, span: std::ops::Range<usize>) -> Location {
        Location::from_span(self.source, self.text, span)
    }

    fn error(&mut self, code: &'static str, span: std::ops::Range<usize>, path: &FieldPath, message: String) -> &mut Diagnostic {
        let location = self.location(span);
        self.diagnostics.push(Diagnostic::error(code, location, path.clone(), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// The entries of `table` whose keys are in `allowed` (as `'static` names), in source order; reports the
    /// others with a suggestion.
    fn known_keys<'a, 'i>(
        &mut self,
        table: &'a Table<'i>,
        path: &FieldPath,
        allowed: &[&'static str],
    ) -> Vec<(&'static str, &'a Value<'i>)> {
        let mut known = Vec::new();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            match allowed.iter().find(|&&candidate| candidate == name) {
                Some(&name) => known.push((name, value, key.span().start)),
                None => {
                    let where_ = if path.is_root() { "at the top level".to_owned() } else { format!("in `[{path}]`") };
                    let help = match suggest(name, allowed) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("keys allowed here: {}", quoted_list(allowed)),
                    };
                    self.error("unknown-field", key.span(), &path.field(name), format!("unknown key `{name}` {where_}")).help = Some(help);
                }
            }
        }
        known.sort_by_key(|&(_, _, start)| start);
        known.into_iter().map(|(name, value, _)| (name, value)).collect()
    }

    fn wrong_type(&mut self, value: &Value<'_>, path: &FieldPath, expected: &str) {
        let message = format!("expected {expected}, found {}", describe(value.get_ref()));
        self.error("wrong-type", value.span(), path, message);
    }

    fn string<'a>(&mut self, value: &'a Value<'_>, path: &FieldPath) -> Option<&'a str> {
        match value.get_ref() {
            toml::de::DeValue::String(text) => Some(text.as_ref()),
            _ => {
                self.wrong_type(value, path, "a string");
                None
            }
        }
    }

    fn table<'a, 'i>(&mut self, value: &'a Value<'i>, path: &FieldPath, fields: &[&str]) -> Option<&'a Table<'i>> {
        match value.get_ref() {
            toml::de::DeValue::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, path, &format!("a table with keys {}", quoted_list(fields)));
                None
            }
        }
    }

    /// A folder relative to the configuration file.
    fn relative_path(&mut self, value: &Value<'_>, path: &FieldPath) -> Option<String> {
        let text = self.string(value, path)?;
        let absolute =
            text.starts_with('/') || text.starts_with('\\') || text.get(1..3).is_some_and(|drive| drive == ":\\" || drive == ":/");
        if text.trim().is_empty() {
            self.error("empty-path", value.span(), path, "expected a folder, found an empty string".to_owned()).help =
                Some("write `.` for the folder holding bucketbridge.toml".to_owned());
            return None;
        }
        if absolute {
            self.error(
                "absolute-path",
                value.span(),
                path,
                format!("expected a folder relative to bucketbridge.toml, found the absolute path `{text}`"),
            )
            .help = Some("paths in bucketbridge.toml are relative to the file, so the repository works wherever it is cloned".to_owned());
            return None;
        }
        Some(text.replace('\\', "/"))
    }

    fn targets(&mut self, value: &Value<'_>, path: &FieldPath) -> Option<Targets> {
        let toml::de::DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, path, "a list of targets, such as [\"terraform\", \"cloudformation\"]");
            return None;
        };
        if items.is_empty() {
            self.error("no-targets", value.span(), path, "expected at least one target, found an empty list".to_owned()).help =
                Some(format!("list any of {}", quoted_list(TARGETS)));
            return None;
        }
        let mut targets = Targets { terraform: false, cloudformation: false };
        let mut all_good = true;
        for (index, item) in items.iter().enumerate() {
            let item_path = path.index(index);
            match self.string(item, &item_path) {
                Some("terraform") => targets.terraform = true,
                Some("cloudformation") => targets.cloudformation = true,
                Some(other) => {
                    let help = match suggest(other, TARGETS) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("write one of {}", quoted_list(TARGETS)),
                    };
                    let message = format!("unknown target `{other}`, expected one of {}", quoted_list(TARGETS));
                    self.error("unknown-value", item.span(), &item_path, message).help = Some(help);
                    all_good = false;
                }
                None => all_good = false,
            }
        }
        all_good.then_some(targets)
    }

    fn version_constraint(&mut self, value: &Value<'_>, path: &FieldPath) -> Option<String> {
        let text = self.string(value, path)?;
        match terraform::check_version_constraint(text) {
            Ok(()) => Some(text.to_owned()),
            Err(problem) => {
                self.error("bad-version-constraint", value.span(), path, format!("invalid Terraform version constraint: {problem}")).help =
                    Some("write a constraint such as \">= 5.0\" or \"~> 5.40\"".to_owned());
                None
            }
        }
    }
}

/// "a string `x`", "an integer `3`", "a table": what a value is, for "expected X, found Y".
fn describe(value: &toml::de::DeValue<'_>) -> String {
    use toml::de::DeValue;
    match value {
        DeValue::String(text) => format!("the string `{text}`"),
        DeValue::Integer(number) => format!("the integer `{}`", number.as_str()),
        DeValue::Float(number) => format!("the float `{}`", number.as_str()),
        DeValue::Boolean(flag) => format!("the boolean `{flag}`"),
        DeValue::Datetime(datetime) => format!("the datetime `{datetime}`"),
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

/// Lists names as `` `a`, `b`, `c` ``.
fn quoted_list(names: &[&str]) -> String {
    names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::render;

    fn errors(text: &str) -> String {
        match parse("bucketbridge.toml", text) {
            Ok(config) => panic!("expected errors, parsed {config:?}"),
            Err(diagnostics) => render(&diagnostics, text),
        }
    }

    #[test]
    fn a_full_file_is_read() {
        let text = "blueprints = \"infra/blueprints\"\nout = \"infra/generated\"\ntargets = [\"terraform\"]\n\n[terraform]\naws_provider_version = \"~> 5.40\"\n";
        let config = parse("bucketbridge.toml", text).expect("valid");
        assert_eq!(config.blueprints.as_deref(), Some("infra/blueprints"));
        assert_eq!(config.out.as_deref(), Some("infra/generated"));
        assert_eq!(config.targets, Some(Targets { terraform: true, cloudformation: false }));
        assert_eq!(config.options().terraform.aws_provider_version, "~> 5.40");
    }

    #[test]
    fn an_empty_file_changes_nothing() {
        let config = parse("bucketbridge.toml", "").expect("valid");
        assert_eq!(config, Config::default());
        assert_eq!(config.options(), Options::default());
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_a_location() {
        let rendered = errors("blueprint = \"bp\"\n[terraform]\naws_provider_verison = \">= 5.0\"\n");
        assert_eq!(
            rendered,
            "error: unknown key `blueprint` at the top level\n --> bucketbridge.toml:1:1 (blueprint)\n  |\n1 | blueprint = \"bp\"\n  | ^^^^^^^^^\n  = help: did you mean `blueprints`?\n\n\
             error: unknown key `aws_provider_verison` in `[terraform]`\n --> bucketbridge.toml:3:1 (terraform.aws_provider_verison)\n  |\n3 | aws_provider_verison = \">= 5.0\"\n  | ^^^^^^^^^^^^^^^^^^^^\n  = help: did you mean `aws_provider_version`?\n"
        );
    }

    #[test]
    fn wrong_types_are_reported_where_they_are_written() {
        let rendered = errors("out = 3\ntargets = \"terraform\"\n");
        assert!(rendered.contains("error: expected a string, found the integer `3`\n --> bucketbridge.toml:1:7 (out)"), "{rendered}");
        assert!(rendered.contains("bucketbridge.toml:2:11 (targets)"), "{rendered}");
    }

    #[test]
    fn unknown_targets_absolute_paths_and_bad_constraints_are_errors() {
        let rendered =
            errors("out = \"/abs\"\ntargets = [\"terraform\", \"cloudformaton\"]\n[terraform]\naws_provider_version = \"at least 5\"\n");
        assert!(rendered.contains("absolute path `/abs`"), "{rendered}");
        assert!(rendered.contains("(targets[1])") && rendered.contains("did you mean `cloudformation`?"), "{rendered}");
        assert!(rendered.contains("bucketbridge.toml:4:24 (terraform.aws_provider_version)"), "{rendered}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let rendered = errors("out = \"generated\"\ntargets = [\n");
        assert!(rendered.starts_with("error: invalid TOML"), "{rendered}");
        assert!(rendered.contains("bucketbridge.toml:"), "{rendered}");
    }
}
