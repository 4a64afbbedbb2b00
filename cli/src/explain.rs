//! `hapolicy explain CODE`: the documentation of a diagnostic code, found by its code (`HP2016`)
//! or its name (`role-needs-promotable`), in any case.

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
                let hint = codes::suggest(query).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                eprintln!("error: unknown code `{query}`{hint}; run `hapolicy explain` to list every code");
                2
            }
        },
    }
}
