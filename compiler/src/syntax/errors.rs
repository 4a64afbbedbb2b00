//! Pest errors reworded for people: "expected `=` or `{`, found `10s`", never rule names.

use hapolicy_grammar::pest::error::{Error, ErrorVariant, InputLocation};
use hapolicy_grammar::Rule;

use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;

/// How an expected rule is named in a message; `None` hides it (whitespace, internals).
fn describe_rule(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        eq => "`=`",
        colon => "`:`",
        lbrace => "`{`",
        rbrace => "`}`",
        lbrack => "`[`",
        rbrack => "`]`",
        lparen => "`(`",
        rparen => "`)`",
        comma => "`,`",
        name | node_name => "a name",
        key | key_plain | assign | prop | rule_prop => "a name followed by `=`",
        value | word | rule_word | string | typed_value => "a value",
        score | score_clause => "a score (a number, `inf` or `-inf`)",
        agent_spec => "an agent such as `ocf:heartbeat:IPaddr2`",
        op_name => "an operation name such as `monitor`",
        name_list => "a list such as `[a, b]`",
        attr_set | set_kind => "`params`, `meta` or `utilization`",
        op_stmt | kw_op => "`op`",
        kw_from => "`from`",
        kw_with => "`with`",
        kw_then => "`then`",
        kw_requires => "`requires`",
        kw_prefers | kw_avoids | location_node => "`prefers` or `avoids`",
        location_body => "a `{` with rules",
        location_rule | kw_rule => "`rule`",
        rsc_set | kw_set => "`set`",
        kw_when | when_clause => "`when`",
        kw_use | set_ref => "`use`",
        expr | cmp_cond | paren_expr => "a condition",
        kw_and => "`and`",
        kw_or => "`or`",
        cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        attr_name => "a node attribute name",
        role => "a role (Promoted, Unpromoted, Started, Stopped)",
        action => "an action (start, stop, promote, demote)",
        set_body | rsc_body | op_body | container_body | node_body | bundle_body | alert_body | acl_role_body | set_block => "`{`",
        kw_to | kw_for => "`to` or `for`",
        kw_in => "`in`",
        location_target => "a resource name or `pattern \"...\"`",
        fencing_target => "a node name, `pattern \"...\"` or `attribute NAME = VALUE`",
        acl_permission | kw_permission => "`read`, `write` or `deny`",
        container_decl | kw_container => "`docker`, `podman` or `rkt`",
        network_decl | kw_network => "`network`",
        port_mapping | kw_port_mapping => "`port-mapping`",
        storage_mapping | kw_storage_mapping => "`storage-mapping`",
        recipient | kw_recipient => "`recipient`",
        select_stmt | kw_select | select_kind => "`select`",
        value_ref => "`param(...)` or `meta(...)`",
        value_type => "a type (string, integer, number, version)",
        kw_given | given_clause => "`given`",
        kw_expect | expect_clause => "`expect`",
        event_clause => "`when`",
        test_body => "`{` with `given`, `when` and `expect`",
        node_status => "`online`, `offline` or `standby`",
        rsc_state => "`running`, `promoted`, `unpromoted` or `stopped`",
        action_verb => "an action (`migrates`, `moves`, `restarts`, `recovers`, `reloads`, `starts`, `stops`, `promotes`, `demotes`, `re-promotes`)",
        kw_on => "`on`",
        kw_of => "`of`",
        kw_fails => "`fails`",
        kw_times => "`times`",
        kw_passes => "`passes`",
        kw_banned => "`banned`",
        kw_test_from => "`from`",
        count => "a number",
        test_nodes => "node names",
        EOI => "the end of the item (a new line, or `;` inside braces)",
        _ => return None,
    })
}

fn join_expected(mut words: Vec<&'static str>) -> String {
    words.sort_unstable();
    words.dedup();
    match words.as_slice() {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// The token at `offset`, for "found `...`".
fn found_at(source: &str, offset: usize) -> String {
    let rest = source.get(offset..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the item".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' => {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || "_-.:/".contains(c))).unwrap_or(rest.len());
            format!("`{}`", rest.get(..end).unwrap_or(rest))
        }
        Some(c) => format!("`{c}`"),
    }
}

/// A hint for the commonest mistakes, judged from what was expected.
fn hint(expected: &[Rule], source: &str, offset: usize) -> Option<String> {
    let rest = source.get(offset..).unwrap_or("");
    if rest.starts_with("and ") || rest.starts_with("or ") || rest.starts_with("and\n") || rest.starts_with("or\n") {
        return Some("`and` and `or` cannot be mixed without parentheses: write `(a and b) or c` or `a and (b or c)`".to_string());
    }
    if expected.contains(&Rule::colon) && expected.contains(&Rule::kw_from) {
        return Some("a primitive names its agent after a colon: `primitive web: ocf:heartbeat:apache`".to_string());
    }
    if (expected.contains(&Rule::EOI) || expected.contains(&Rule::rbrace)) && rest.starts_with(|c: char| c.is_alphabetic()) {
        return Some("each statement goes on its own line (or ends with `;`); inside `{ }` write one `key = value` per line".to_string());
    }
    if expected.contains(&Rule::eq) {
        return Some("write `name = value`; quote values that contain spaces or `#`".to_string());
    }
    if expected.contains(&Rule::rbrace) || expected.contains(&Rule::EOI) {
        return Some("statements in a body end at a new line or `;`; check for a missing `}` or a stray character".to_string());
    }
    None
}

pub(super) fn describe(error: &Error<Rule>, source: &str, base: usize) -> Diagnostic {
    let (start, end) = match error.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    let (message, expected) = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let words: Vec<_> = positives.iter().filter_map(|r| describe_rule(*r)).collect();
            (format!("expected {}, found {}", join_expected(words), found_at(source, start)), positives.clone())
        }
        ErrorVariant::CustomError { message } => (message.clone(), Vec::new()),
    };
    // Point at the offending token, at least one character wide when there is one.
    let token_end = if end > start {
        end
    } else {
        let rest = source.get(start..).unwrap_or("");
        let word = rest.find(|c: char| !(c.is_alphanumeric() || "_-.:/".contains(c))).unwrap_or(rest.len());
        if word > 0 {
            start + word
        } else {
            rest.chars().next().map_or(start, |c| start + c.len_utf8())
        }
    };
    let span = Span::new(base + start, base + token_end);
    let mut diagnostic = Diagnostic::new(&codes::SYNTAX, span, message);
    if let Some(help) = hint(&expected, source, start) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}
