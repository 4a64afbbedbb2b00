//! The embedded agent declarations: `(file name, .hapolicy text)` pairs, regenerated with
//! `hapolicy agents import --installed -o stdlib/agents` (a test compares them with the agents
//! installed on the machine, so drift is caught).

pub static AGENT_LIBRARY: &[(&str, &str)] = &[
    ("ocf-heartbeat.hapolicy", include_str!("../agents/ocf-heartbeat.hapolicy")),
    ("ocf-pacemaker.hapolicy", include_str!("../agents/ocf-pacemaker.hapolicy")),
    ("stonith.hapolicy", include_str!("../agents/stonith.hapolicy")),
];
