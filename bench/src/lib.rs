//! hapolicy-bench: compile a generated large policy with `hapolicy` and compare its time with
//! Pacemaker's own `crm_verify` on the resulting CIB. The binary (`src/main.rs`) runs the
//! measurements; this library holds the policy generator (tested cheaply) and the language
//! server latency measurement.

pub mod generate;
pub mod lsp;
