//! Analyses that explain, per resource, what Pacemaker will do with a configuration (and, for a
//! CIB, with its recorded state). They read the model (and the status section) and return plain
//! data; checks report from them and the CLI prints them.

pub mod migration;
