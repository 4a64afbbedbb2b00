//! Policy tests as scheduler runs: a `test` block's givens become the status section of a CIB,
//! its `when` clauses become `crm_simulate` runs (operation results injected with `-i`, node
//! events with `-u/-d/-f`, time with `-t`, node attributes set between runs), and its
//! expectations are judged against what the scheduler planned and the state it left.
//!
//! This module only builds text and reads XML: the shell runs `crm_simulate` (the compiler never
//! spawns processes) and hands each run's output back to `judge`.

pub mod judge;
pub mod plan;
pub mod report;
pub mod resolve;
