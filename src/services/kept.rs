//! Figures kept a while in each instance, by key: read again once older than their age.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Values by key, each with the instant it was read.
#[derive(Debug)]
pub struct Kept<V> {
    age: Duration,
    values: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> Kept<V> {
    pub fn new(age: Duration) -> Kept<V> {
        Kept {
            age,
            values: Mutex::new(HashMap::new()),
        }
    }

    /// The value kept for `key`, unless older than the age.
    pub fn get(&self, key: &str) -> Option<V> {
        let values = self.values.lock().ok()?;
        values
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.age)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: &str, value: V) {
        if let Ok(mut values) = self.values.lock() {
            values.insert(key.to_string(), (Instant::now(), value));
        }
    }
}
