//! Work tree → tree: exact, incremental snapshots (DESIGN.md invariants 1–3).
