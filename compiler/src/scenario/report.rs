//! Renders test results: a compact human report (each failed expectation with what was found,
//! and the transitions Pacemaker planned) and the JSON report for CI.

use serde::Serialize;

use super::judge::TestReport;

/// The human report: one line per test, details for the failed ones, a summary line.
pub fn render_human(reports: &[TestReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let mark = if report.passed { "ok    " } else { "FAILED" };
        out.push_str(&format!("{mark} {}:{} test \"{}\"\n", report.file, report.line, report.name));
        if report.passed {
            continue;
        }
        if let Some(error) = &report.error {
            out.push_str(&format!("  could not run: {error}\n"));
        }
        for outcome in report.outcomes.iter().filter(|o| !o.passed) {
            out.push_str(&format!("  expected: {}\n  actual:   {}\n", outcome.expected, outcome.actual));
        }
        if !report.transition.is_empty() {
            out.push_str("  transitions Pacemaker planned:\n");
            for line in &report.transition {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    let failed = reports.iter().filter(|r| !r.passed).count();
    out.push_str(&format!("{} passed, {failed} failed\n", reports.len() - failed));
    out
}

#[derive(Serialize)]
struct JsonTest<'a> {
    name: &'a str,
    file: &'a str,
    line: u32,
    passed: bool,
    expected: Vec<&'a str>,
    actual: Vec<&'a str>,
    transition: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    passed: usize,
    failed: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tests: Vec<JsonTest<'a>>,
    summary: JsonSummary,
}

/// `{"tests":[{"name","file","line","passed","expected","actual","transition"}],"summary":{...}}`:
/// `expected` and `actual` are parallel, one entry per expectation.
pub fn render_json(reports: &[TestReport]) -> String {
    let failed = reports.iter().filter(|r| !r.passed).count();
    let report = JsonReport {
        tests: reports
            .iter()
            .map(|r| JsonTest {
                name: &r.name,
                file: &r.file,
                line: r.line,
                passed: r.passed,
                expected: r.outcomes.iter().map(|o| o.expected.as_str()).collect(),
                actual: r.outcomes.iter().map(|o| o.actual.as_str()).collect(),
                transition: &r.transition,
                error: r.error.as_deref(),
            })
            .collect(),
        summary: JsonSummary { passed: reports.len() - failed, failed },
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
