use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{AttrSet, ItemKind, SetKind};

pub static CODE: Code = Code {
    code: "HP2018",
    name: "set-score-tie",
    severity: Severity::Warning,
    summary: "sibling attribute sets with the same score",
    doc: r#"# HP2018 set-score-tie

When several attribute sets of one kind apply to the same resource (or the cluster), Pacemaker
takes each value from the set with the highest score. With equal scores, Pacemaker 2.1 and 3.0
actually let the *last* set in the document win — the opposite of what their documentation
says. hapolicy writes distinct scores so the CIB does not depend on that (it keeps Pacemaker's
actual behaviour: the later set wins), and warns so that the intent is made explicit.

```
meta day score=10 { when date-spec(hours=8-17); resource-stickiness = 100 }
meta night score=10 { resource-stickiness = 0 }      # warning: same score as `day`
```

Give the sets different scores; the higher one wins.
"#,
};

fn check_sets<'a>(file: crate::diagnostics::FileId, sets: impl Iterator<Item = &'a AttrSet>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(SetKind, i64, &AttrSet)> = Vec::new();
    for set in sets {
        let Some(score) = set.props.iter().find(|p| p.key.text == "score") else { continue };
        let Ok(value) = crate::values::parse_score(&score.value.text) else { continue };
        if let Some((_, _, first)) = seen.iter().find(|(k, v, _)| *k == set.kind && *v == value) {
            out.push(
                Diagnostic::new(
                    &CODE,
                    score.value.span,
                    format!("another set of this kind also has score {}; Pacemaker would let the later one win, against its documentation", score.value.text),
                )
                .in_file(file)
                .with_label(file, first.span, "the other set")
                .with_help("give the sets distinct scores: the higher score wins"),
            );
        }
        seen.push((set.kind, value, set));
    }
}

/// Top-level sets of one kind (cluster options, op defaults, resource defaults) are siblings too.
fn top_level(model: &Model, scope: &Scope, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, i64)> = Vec::new();
    for (file, item) in scope.items(model) {
        let (kind, props) = match &item.kind {
            ItemKind::Cluster { props, .. } => ("cluster", props),
            ItemKind::Defaults { kind: crate::syntax::ast::DefaultsKind::Op, props, .. } => ("op-defaults", props),
            ItemKind::Defaults { props, .. } => ("rsc-defaults", props),
            _ => continue,
        };
        let Some(score) = props.iter().find(|p| p.key.text == "score") else { continue };
        let Ok(value) = crate::values::parse_score(&score.value.text) else { continue };
        if seen.contains(&(kind, value)) {
            out.push(
                Diagnostic::new(
                    &CODE,
                    score.value.span,
                    format!("another `{kind}` set also has score {}; Pacemaker would let the later one win, against its documentation", score.value.text),
                )
                .in_file(*file)
                .with_help("give the sets distinct scores: the higher score wins"),
            );
        }
        seen.push((kind, value));
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    top_level(model, scope, out);
    for (file, item) in scope.items(model) {
        match &item.kind {
            ItemKind::Primitive { body, .. }
            | ItemKind::Template { body, .. }
            | ItemKind::Group { body, .. }
            | ItemKind::Clone { body, .. }
            | ItemKind::Bundle { body, .. }
            | ItemKind::Node { body, .. } => {
                check_sets(*file, body.sets.iter(), out);
                for op in &body.ops {
                    check_sets(*file, op.sets.iter(), out);
                }
            }
            _ => {}
        }
    }
}
