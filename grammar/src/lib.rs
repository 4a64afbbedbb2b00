//! The `.hapolicy` grammar, and nothing else.
//!
//! This crate owns `hapolicy.pest` and is the only user of `pest_derive`, so the slow grammar code
//! generation is compiled once and kept out of the compiler's rebuilds. It must not know about
//! spans, diagnostics, salsa or the CIB: the compiler's `syntax` module turns pest pairs into its
//! own tree and wording.

#[derive(pest_derive::Parser)]
#[grammar = "../hapolicy.pest"]
pub struct HapolicyParser;

pub use pest;
