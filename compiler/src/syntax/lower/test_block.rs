//! Lowers a `test_chunk` pair (a policy test) into `TestBlock`. Tests are not items: they never
//! reach the model's configuration or the CIB, only `hapolicy test` and the reference checks.

use hapolicy_grammar::Rule;

use super::{meaningful, Lower, P};
use crate::syntax::ast::*;

/// Lowers the `test_chunk` pair; `base` is the chunk's byte offset in the file.
pub(crate) fn lower_test_chunk(chunk: P<'_>, base: usize) -> Option<TestBlock> {
    let lower = Lower { base };
    let item = chunk.into_inner().find(|p| p.as_rule() == Rule::test_item)?;
    lower.test_block(item)
}

fn node_status(text: &str) -> NodeStatus {
    match text {
        "offline" => NodeStatus::Offline,
        "standby" => NodeStatus::Standby,
        _ => NodeStatus::Online,
    }
}

fn resource_state(text: &str) -> ResourceState {
    match text {
        "promoted" => ResourceState::Promoted,
        "unpromoted" => ResourceState::Unpromoted,
        "stopped" => ResourceState::Stopped,
        _ => ResourceState::Running,
    }
}

impl Lower {
    fn test_block(&self, p: P<'_>) -> Option<TestBlock> {
        let span = self.statement_span(&p);
        let mut it = meaningful(p.into_inner());
        it.next()?; // `test`
        let name = self.spanned(&it.next()?);
        let body = it.next()?;
        let mut block = TestBlock { name, givens: Vec::new(), steps: Vec::new(), expects: Vec::new(), span };
        for clause in meaningful(body.into_inner()) {
            let clause_span = self.statement_span(&clause);
            match clause.as_rule() {
                Rule::given_clause => {
                    for fact in meaningful(clause.into_inner()).skip(1) {
                        block.givens.push(self.given(fact)?);
                    }
                }
                Rule::event_clause => {
                    let events = meaningful(clause.into_inner()).skip(1).map(|e| self.event(e)).collect::<Option<Vec<_>>>()?;
                    block.steps.push(Step { events, span: clause_span });
                }
                Rule::expect_clause => {
                    for expectation in meaningful(clause.into_inner()).skip(1) {
                        block.expects.push(self.expectation(expectation)?);
                    }
                }
                _ => {}
            }
        }
        Some(block)
    }

    fn test_nodes(&self, p: P<'_>) -> Vec<Spanned> {
        meaningful(p.into_inner()).map(|n| self.spanned(&n)).collect()
    }

    fn given(&self, p: P<'_>) -> Option<Given> {
        let span = self.statement_span(&p);
        let rule = p.as_rule();
        let parts: Vec<P<'_>> = meaningful(p.into_inner()).collect();
        Some(match rule {
            Rule::given_nodes => Given::Nodes { nodes: self.test_nodes(parts.get(1)?.clone()), status: node_status(parts.get(2)?.as_str()), span },
            Rule::given_attribute => {
                Given::Attribute { name: self.spanned(parts.get(1)?), value: self.value(parts.get(2)?), nodes: self.test_nodes(parts.get(4)?.clone()), span }
            }
            Rule::given_time => Given::Time { value: self.value(parts.get(1)?), span },
            Rule::given_resource => Given::Resource {
                resource: self.spanned(parts.first()?),
                state: resource_state(parts.get(1)?.as_str()),
                nodes: parts.get(3).map(|n| self.test_nodes(n.clone())).unwrap_or_default(),
                span,
            },
            _ => return None,
        })
    }

    fn event(&self, p: P<'_>) -> Option<Event> {
        let span = self.statement_span(&p);
        let rule = p.as_rule();
        let parts: Vec<P<'_>> = meaningful(p.into_inner()).collect();
        Some(match rule {
            Rule::node_event => {
                let change = parts.get(2)?;
                let change = if change.as_rule() == Rule::kw_fails { NodeChange::Fails } else { NodeChange::Status(node_status(change.as_str())) };
                Event::Node { node: self.spanned(parts.get(1)?), change, span }
            }
            Rule::attribute_event => {
                Event::Attribute { name: self.spanned(parts.get(1)?), value: self.value(parts.get(2)?), node: self.spanned(parts.get(4)?), span }
            }
            Rule::time_event => Event::TimePasses { duration: self.value(parts.get(2)?), span },
            Rule::op_failure => {
                let op = self.spanned(parts.first()?);
                let mut rest = parts.iter().skip(1).peekable();
                let interval = rest.next_if(|x| x.as_rule() == Rule::word).map(|x| self.value(x));
                rest.next(); // `of`
                let resource = self.spanned(rest.next()?);
                rest.next(); // `fails`
                let times = match rest.next_if(|x| x.as_rule() == Rule::count) {
                    Some(count) => {
                        rest.next(); // `times`
                        count.as_str().parse().unwrap_or(u32::MAX)
                    }
                    None => 1,
                };
                rest.next(); // `on`
                let node = self.spanned(rest.next()?);
                let rc = rest.find(|x| x.as_rule() == Rule::prop).and_then(|x| self.assign(x.clone())).map(|a| a.value);
                Event::OpFails { op, interval, resource, times, node, rc, span }
            }
            _ => return None,
        })
    }

    fn expectation(&self, p: P<'_>) -> Option<Expect> {
        let span = self.statement_span(&p);
        let rule = p.as_rule();
        let parts: Vec<P<'_>> = meaningful(p.into_inner()).collect();
        Some(match rule {
            Rule::expect_resource => Expect::Resource {
                resource: self.spanned(parts.first()?),
                state: resource_state(parts.get(1)?.as_str()),
                nodes: parts.get(3).map(|n| self.test_nodes(n.clone())).unwrap_or_default(),
                span,
            },
            Rule::expect_ban => Expect::Banned { resource: self.spanned(parts.first()?), nodes: self.test_nodes(parts.get(3)?.clone()), span },
            Rule::expect_action => Expect::Action { resource: self.spanned(parts.first()?), action: self.spanned(parts.get(1)?), span },
            Rule::expect_fail_count => {
                let resource = self.spanned(parts.get(1)?);
                let mut rest = parts.iter().skip(2).peekable();
                let op = rest.next_if(|x| x.as_rule() == Rule::op_name).map(|x| self.spanned(x));
                let interval = rest.next_if(|x| x.as_rule() == Rule::word).map(|x| self.value(x));
                rest.next(); // `on`
                let node = self.spanned(rest.next()?);
                let value = self.value(rest.next()?);
                Expect::FailCount { resource, op, interval, node, value, span }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use crate::syntax::ast::*;
    use crate::syntax::parse;

    #[test]
    fn a_test_block_is_kept_apart_from_the_items() {
        let text = r#"node n1
test "db moves after three monitor failures" {
  given nodes n1 n2 online; db running on n1
  given attribute rack = r1 on n1 n2
  when monitor 10s of db fails 3 times on n1 with rc=7
  when node n1 fails; time passes 10min
  when attribute ping = 0 on n2
  expect db running on n2   # a comment
  expect db banned from n1; db moves
  expect fail-count db monitor 10s on n1 = 3
}
node n2
"#;
        let parsed = parse(text);
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.items.len(), 2);
        let test = &parsed.tests[0];
        assert_eq!(test.name.text, "db moves after three monitor failures");
        assert_eq!(test.givens.len(), 3);
        assert!(matches!(&test.givens[1], Given::Resource { state: ResourceState::Running, nodes, .. } if nodes.len() == 1));
        assert_eq!(test.steps.len(), 3);
        assert!(matches!(&test.steps[0].events[0], Event::OpFails { times: 3, interval: Some(i), rc: Some(rc), .. } if i.text == "10s" && rc.text == "7"));
        assert_eq!(test.steps[1].events.len(), 2);
        assert_eq!(test.expects.len(), 4);
        assert!(matches!(&test.expects[3], Expect::FailCount { op: Some(op), value, .. } if op.text == "monitor" && value.text == "3"));
        assert_eq!(&text[test.expects[0].span().range()], "db running on n2");
    }

    #[test]
    fn a_mistake_in_a_test_is_a_syntax_error() {
        let parsed = parse("test \"t\" {\n  given nodes n1 n2 up\n}\n");
        assert_eq!(parsed.errors.len(), 1);
        assert!(parsed.errors[0].message.contains("`online`, `offline` or `standby`"), "{}", parsed.errors[0].message);
    }
}
