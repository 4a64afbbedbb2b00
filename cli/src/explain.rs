//! `hapolicy explain CODE`: the documentation of a diagnostic code.

use hapolicy_compiler::diagnostics::codes;

pub fn run(code: Option<&str>) -> u8 {
    match code {
        None => {
            let listing: Vec<String> = codes::all().iter().map(|c| format!("{}  {:<8} {:<36} {}", c.code, c.severity.as_str(), c.name, c.summary)).collect();
            crate::report::emit(&listing.join("\n"));
            0
        }
        Some(query) => match codes::find(query) {
            Some(c) => {
                crate::report::emit(&format!("{}\n\nDefault level: {}", c.doc.trim_end(), c.severity.as_str()));
                0
            }
            None => {
                eprintln!("error: unknown code `{query}`; run `hapolicy explain` to list every code");
                2
            }
        },
    }
}
