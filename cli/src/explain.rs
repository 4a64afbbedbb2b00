//! `hapolicy explain CODE`: the documentation of a diagnostic code.

use hapolicy_compiler::diagnostics::codes;

pub fn run(code: Option<&str>) -> u8 {
    match code {
        None => {
            for c in codes::all() {
                println!("{}  {:<8} {:<36} {}", c.code, c.severity.as_str(), c.name, c.summary);
            }
            0
        }
        Some(query) => match codes::find(query) {
            Some(c) => {
                println!("{}", c.doc.trim_end());
                println!("\nDefault level: {}", c.severity.as_str());
                0
            }
            None => {
                eprintln!("error: unknown code `{query}`; run `hapolicy explain` to list every code");
                2
            }
        },
    }
}
