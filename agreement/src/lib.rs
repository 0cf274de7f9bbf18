//! No library: this package holds the tests and benchmarks of the generated crate (`tests/`, `benches/`).
