//! Dashboards kept between requests. A dashboard (its rows, tab counts and unread messages) is
//! kept under the version of the data it was read at ([`crate::db::dashboard::ListsVersion`],
//! read with the session on every request) and used only while that version is still the
//! database's: any change of a submitted demande or a message moves the version on in its own
//! transaction, and a message read moves the reader's own version (part of the key), so a kept
//! dashboard is never older than the database. Each instance
//! keeps its own; none needs telling about the others' writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::listing::DashboardQuery;

/// Whose dashboard, for what: the person (their unread messages are theirs) with the version
/// of their reads, the providers they see, and the query as the URL gave it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoardKey {
    pub user: i64,
    pub reads: i64,
    pub providers: Vec<String>,
    pub query: DashboardQuery,
}

/// At most this many dashboards are kept (about 60 kB each with their rendered rows, 12 MB in
/// all); past it, all are dropped.
const CAPACITY: usize = 200;

#[derive(Debug)]
struct Kept<B> {
    /// The version every kept dashboard was read at: only the newest seen is kept.
    version: i64,
    boards: HashMap<BoardKey, Arc<B>>,
}

/// The dashboards `B` of the current data version (`enabled = false`: none kept, every
/// request reads the database, as the benchmark's uncached figures do).
#[derive(Debug)]
pub struct BoardCache<B> {
    enabled: bool,
    kept: Mutex<Kept<B>>,
}

impl<B> BoardCache<B> {
    pub fn new(enabled: bool) -> BoardCache<B> {
        BoardCache {
            enabled,
            kept: Mutex::new(Kept {
                version: 0,
                boards: HashMap::new(),
            }),
        }
    }

    /// The dashboard kept for `key`, when it was read at `version`.
    pub fn get(&self, key: &BoardKey, version: i64) -> Option<Arc<B>> {
        if !self.enabled {
            return None;
        }
        let kept = self.kept.lock().ok()?;
        if kept.version != version {
            return None;
        }
        kept.boards.get(key).cloned()
    }

    /// Keeps a dashboard read after `version` was: a newer version drops every older
    /// dashboard; an older one (a slow request overtaken by a change) is not kept.
    pub fn put(&self, key: BoardKey, version: i64, board: Arc<B>) {
        if !self.enabled {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if version < kept.version {
            return;
        }
        if version > kept.version || kept.boards.len() >= CAPACITY {
            kept.boards.clear();
            kept.version = version;
        }
        kept.boards.insert(key, board);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(n: i64) -> Arc<i64> {
        Arc::new(n)
    }

    fn key(user: i64) -> BoardKey {
        BoardKey {
            user,
            reads: 0,
            providers: vec!["api-particulier".into()],
            query: DashboardQuery::default(),
        }
    }

    #[test]
    fn a_board_is_used_only_at_the_version_it_was_read_at() {
        let cache = BoardCache::new(true);
        cache.put(key(1), 7, board(3));
        assert_eq!(cache.get(&key(1), 7).as_deref(), Some(&3));
        assert!(
            cache.get(&key(1), 8).is_none(),
            "a newer version is a new read"
        );
        assert!(
            cache.get(&key(2), 7).is_none(),
            "another person's board is theirs"
        );
    }

    #[test]
    fn a_newer_version_drops_the_older_boards_and_an_older_one_is_not_kept() {
        let cache = BoardCache::new(true);
        cache.put(key(1), 7, board(3));
        cache.put(key(2), 8, board(4));
        assert!(cache.get(&key(1), 7).is_none());
        cache.put(key(1), 7, board(5));
        assert!(
            cache.get(&key(1), 7).is_none(),
            "a board read before a change is not kept"
        );
        assert_eq!(cache.get(&key(2), 8).as_deref(), Some(&4));
    }

    #[test]
    fn past_its_capacity_the_cache_starts_again() {
        let cache = BoardCache::new(true);
        for user in 0..CAPACITY as i64 {
            cache.put(key(user), 7, board(user));
        }
        assert_eq!(cache.get(&key(0), 7).as_deref(), Some(&0));
        cache.put(key(-1), 7, board(-1));
        assert!(cache.get(&key(0), 7).is_none());
        assert_eq!(cache.get(&key(-1), 7).as_deref(), Some(&-1));
    }

    #[test]
    fn a_disabled_cache_keeps_nothing() {
        let cache = BoardCache::new(false);
        cache.put(key(1), 7, board(3));
        assert!(cache.get(&key(1), 7).is_none());
    }
}
