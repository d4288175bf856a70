//! The CLI reference in Markdown, generated from the clap definitions so the book cannot drift from the tool.

use clap::CommandFactory;

use super::Cli;

/// The reference page: one section per command with its usage, arguments and options, from clap.
pub fn markdown() -> String {
    let mut command = Cli::command();
    command.build();
    let mut text = String::from("# Command-line reference\n\n");
    text.push_str("Generated from the tool's own argument definitions; `bucketbridge <command> --help` prints the same.\n");
    text.push_str(
        "`cargo bucketbridge <command>` works the same way once `cargo install --path .` has installed `cargo-bucketbridge`.\n\n",
    );
    text.push_str(
        "Exit codes: 0 success, 1 an invalid blueprint (or, for `eval`, an expectation that does not hold), 2 a usage or I/O error.\n",
    );
    for subcommand in command.get_subcommands().filter(|subcommand| subcommand.get_name() != "help") {
        let mut subcommand = subcommand.clone().bin_name(format!("bucketbridge {}", subcommand.get_name()));
        text.push_str(&format!("\n## `bucketbridge {}`\n\n", subcommand.get_name()));
        if let Some(about) = subcommand.get_about() {
            text.push_str(&format!("{about}.\n\n"));
        }
        let usage = subcommand.render_usage().to_string();
        text.push_str(&format!("```text\n{}\n```\n", usage.trim()));
        let arguments: Vec<_> =
            subcommand.get_arguments().filter(|argument| !argument.is_hide_set() && argument.get_id() != "help").collect();
        if !arguments.is_empty() {
            text.push('\n');
            text.push_str("| argument | meaning |\n|---|---|\n");
            for argument in arguments {
                let flag = !argument.get_action().takes_values();
                let value_name = argument.get_value_names().map_or_else(
                    || argument.get_id().as_str().to_uppercase(),
                    |values| values.iter().map(|value| value.as_str()).collect::<Vec<_>>().join(" "),
                );
                let name = match argument.get_long() {
                    Some(long) if flag => format!("`--{long}`"),
                    Some(long) => format!("`--{long} <{value_name}>`"),
                    None => format!("`<{value_name}>`"),
                };
                // clap drops a help text's final period; put it back so the sentences below read as sentences.
                let mut meaning = argument.get_help().map(|help| format!("{help}.")).unwrap_or_default();
                let possible: Vec<String> = argument.get_possible_values().iter().map(|value| format!("`{}`", value.get_name())).collect();
                if !possible.is_empty() {
                    meaning.push_str(&format!(" One of {}.", possible.join(", ")));
                }
                let defaults: Vec<String> =
                    argument.get_default_values().iter().map(|value| format!("`{}`", value.to_string_lossy())).collect();
                if !defaults.is_empty() && !flag {
                    meaning.push_str(&format!(" Default {}.", defaults.join(", ")));
                }
                text.push_str(&format!("| {name} | {} |\n", meaning.replace('|', "\\|")));
            }
        }
        let _ = subcommand.render_help();
    }
    text
}
