//! Pacemaker's own rules, checked statically. One file per check: its code, its documentation
//! and its logic. Checks read the semantic model and never change it. Most take a `Scope` (the
//! items to look at): a build checks everything, and after an edit the language server checks
//! only what the edit may have changed (`incremental`).

use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::Model;
use scope::Scope;

mod agent_actions;
mod agent_parameters;
mod agent_promotable;
mod agent_unique;
mod agent_unknown;
mod duplicate_operation;
mod fail_count;
mod fail_count_above_threshold;
mod fail_count_fatal;
pub(crate) mod failure_policy;
mod failure_timeout_with_block;
mod fencing_required;
pub mod incremental;
mod interval_origin_with_start_delay;
mod iso_duration;
mod location_rules;
mod migration;
mod node_condition_context;
mod on_fail;
mod recurring_action;
mod references_clone_child;
mod removed_in_pacemaker3;
mod role_without_promotable;
mod rsc_expression_provider;
pub mod scope;
mod self_order;
mod set_score_tie;
mod stop_failure_ignored;
pub mod test_references;
mod threshold_never_applies;

/// A check that looks only at the items in scope.
type ScopedCheck = fn(&Model, Target, &Scope, &mut Vec<Diagnostic>);

/// The checks that look only at the items in scope (`scope`), but `migration`, which `run` adds
/// (on a thread of its own for large models).
const SCOPED: &[ScopedCheck] = &[
    duplicate_operation::check,
    recurring_action::check,
    on_fail::check,
    interval_origin_with_start_delay::check,
    iso_duration::check,
    references_clone_child::check,
    self_order::check,
    fail_count::check,
    location_rules::check,
    role_without_promotable::check,
    set_score_tie::check,
    removed_in_pacemaker3::check,
    agent_unknown::check,
    agent_parameters::check,
    agent_actions::check,
    agent_promotable::check,
    node_condition_context::check,
    // Failure handling (HP23xx).
    threshold_never_applies::check,
    failure_timeout_with_block::check,
    fail_count_above_threshold::check,
    fail_count_fatal::check,
    stop_failure_ignored::check,
];

/// The checks whose findings about one item depend on items unrelated to it by name (the first
/// primitive of the project, the providers of every agent): always run over the whole model.
/// They are cheap; `agent_unique`, which compares every primitive with every other of its
/// agent, is not, and `run_unique` runs it apart.
const WHOLE: &[fn(&Model, Target, &mut Vec<Diagnostic>)] = &[fencing_required::check, rsc_expression_provider::check];

/// The codes the checks report.
pub static CODES: &[&Code] = &[
    &duplicate_operation::CODE,
    &recurring_action::CODE,
    &on_fail::CODE_DEMOTE,
    &on_fail::CODE_STOP,
    &on_fail::CODE_FENCE,
    &interval_origin_with_start_delay::CODE,
    &iso_duration::CODE,
    &references_clone_child::CODE,
    &self_order::CODE,
    &fail_count::CODE_CLONE,
    &fail_count::CODE_OP,
    &fail_count::CODE_SUM,
    &fail_count::CODE_ABSENT,
    &fencing_required::CODE,
    &location_rules::CODE_SCORE,
    &location_rules::CODE_ONE_RULE,
    &role_without_promotable::CODE,
    &role_without_promotable::CODE_STOPPED,
    &set_score_tie::CODE,
    &removed_in_pacemaker3::CODE,
    &agent_unknown::CODE,
    &agent_parameters::CODE_UNKNOWN,
    &agent_parameters::CODE_REQUIRED,
    &agent_parameters::CODE_TYPE,
    &agent_unique::CODE,
    &agent_parameters::CODE_DEPRECATED,
    &agent_actions::CODE_ACTION,
    &agent_actions::CODE_TIMEOUT,
    &agent_promotable::CODE,
    &migration::CODE_CANNOT,
    &migration::CODE_RESTARTS,
    &node_condition_context::CODE,
    &threshold_never_applies::CODE,
    &failure_timeout_with_block::CODE,
    &fail_count_above_threshold::CODE,
    &fail_count_fatal::CODE,
    &rsc_expression_provider::CODE,
    &stop_failure_ignored::CODE,
    &test_references::CODE_RESOURCE,
    &test_references::CODE_OPERATION,
    &test_references::CODE_NODE,
    &test_references::CODE_ROLE,
];

/// Runs every check over the whole model.
pub fn run(model: &Model, target: Target) -> Vec<Diagnostic> {
    let mut out = run_scoped(model, target, &Scope::everything());
    out.extend(run_whole(model, target));
    out.extend(run_unique(model, target));
    out
}

/// Runs the checks that take a scope. The migration analysis costs about as much as all the
/// other checks together: over a large model it runs on a second thread (diagnostics are sorted
/// later, so the order they are found in does not matter).
pub(crate) fn run_scoped(model: &Model, target: Target, scope: &Scope) -> Vec<Diagnostic> {
    const THREAD_FROM: usize = 500;
    let others = |out: &mut Vec<Diagnostic>| SCOPED.iter().for_each(|check| check(model, target, scope, out));
    let mut out = Vec::new();
    if !scope.is_everything() || model.primitives.len() < THREAD_FROM {
        others(&mut out);
        migration::check(model, target, scope, &mut out);
        return out;
    }
    std::thread::scope(|threads| {
        let migration = threads.spawn(|| {
            let mut found = Vec::new();
            migration::check(model, target, scope, &mut found);
            found
        });
        others(&mut out);
        match migration.join() {
            Ok(found) => out.extend(found),
            // It cannot panic in practice; if it did, run it here so the panic surfaces as usual.
            Err(_) => migration::check(model, target, scope, &mut out),
        }
    });
    out
}

/// Runs the cheap checks that always look at the whole model.
pub(crate) fn run_whole(model: &Model, target: Target) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    WHOLE.iter().for_each(|check| check(model, target, &mut out));
    out
}

/// Runs `agent_unique` over the whole model.
pub(crate) fn run_unique(model: &Model, target: Target) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    agent_unique::check(model, target, &mut out);
    out
}
