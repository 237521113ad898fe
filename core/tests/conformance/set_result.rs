//! The outcome of one conformance data set, shared by the native runner and the wasm tests.

/// The outcome of one data set.
pub struct SetResult {
    pub name: String,
    pub passed: usize,
    pub total: usize,
    /// Failing case ids with what went wrong.
    pub failures: Vec<(String, String)>,
    /// Counted and printed, never failing the run (the suite's optional tests).
    pub informational: bool,
}

impl SetResult {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            passed: 0,
            total: 0,
            failures: Vec::new(),
            informational: false,
        }
    }

    pub fn record(&mut self, id: String, outcome: Result<(), String>) {
        self.total += 1;
        match outcome {
            Ok(()) => self.passed += 1,
            Err(why) => self.failures.push((id, why)),
        }
    }
}
