//! A per-run cache of facts, shared by every trigger a command gathers: each distinct fact
//! (the caller, a role with its policies, a managed policy's default version, a KMS key and
//! its policy, a queue, a function) is read once, and concurrent readers of the same fact wait
//! for the one read in flight instead of sending their own.
//!
//! It is a layer the `gather` functions call, keyed by what identifies the resource (an ARN,
//! or the reference and region for names), so every command that gathers through them gets it.
//! It lives in `Clients`, which belong to exactly one account's credentials: a fact read with
//! one account's credentials is never handed to another account. It is off (every call reads)
//! unless a command turns it on: commands that change what they read (setup, `--fix`) must not
//! see an answer from before their own write.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::error::AwsError;
use crate::model::facts::{CallerFacts, Fact, FunctionFacts, KeyLookup, QueueFacts, RoleFacts};
use crate::policy::PolicyDocument;

/// One kind of fact, by key: the first reader reads, the others wait for its answer.
pub struct Memo<V> {
    cells: Mutex<HashMap<String, Arc<OnceCell<V>>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo { cells: Mutex::new(HashMap::new()) }
    }
}

impl<V: Clone> Memo<V> {
    /// The answer for `key`: read by `read` the first time, the same answer afterwards (also
    /// to readers that asked while the first read was in flight).
    pub async fn get_or_read<F, Fut>(&self, key: &str, read: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
            cells.entry(key.to_owned()).or_default().clone()
        };
        cell.get_or_init(read).await.clone()
    }

    /// How many distinct keys were asked for.
    pub fn len(&self) -> usize {
        self.cells.lock().map(|c| c.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every fact the gatherers share within one account, for one run.
#[derive(Default)]
pub struct FactCache {
    enabled: bool,
    pub caller: Memo<Result<CallerFacts, AwsError>>,
    /// Roles (trust policy, inline and attached policies, boundary), by role ARN.
    pub roles: Memo<Result<Fact<RoleFacts>, AwsError>>,
    /// Managed policies' default version documents (as text), by policy ARN (shared by every
    /// role that attaches them, and by boundaries).
    pub managed_policies: Memo<Result<String, AwsError>>,
    /// DescribeKey, by region and key id, alias or ARN.
    pub keys: Memo<Result<KeyLookup, AwsError>>,
    /// Key policies, by key ARN.
    pub key_policies: Memo<Result<Fact<PolicyDocument>, AwsError>>,
    /// Queues, by region and reference (name, URL or ARN).
    pub queues: Memo<Result<Option<QueueFacts>, AwsError>>,
    /// Functions, by region and reference (name or ARN).
    pub functions: Memo<Result<Option<FunctionFacts>, AwsError>>,
}

impl std::fmt::Debug for FactCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FactCache").field("enabled", &self.enabled).finish_non_exhaustive()
    }
}

impl FactCache {
    /// A cache that keeps nothing: every call reads.
    pub fn off() -> Arc<Self> {
        Arc::new(FactCache::default())
    }

    /// A cache that keeps every answer for the rest of the run.
    pub fn on() -> Arc<Self> {
        Arc::new(FactCache { enabled: true, ..FactCache::default() })
    }

    pub fn is_on(&self) -> bool {
        self.enabled
    }

    /// Reads through `memo` when the cache is on, else just reads.
    pub async fn read<V, F, Fut>(&self, memo: &Memo<V>, key: &str, read: F) -> V
    where
        V: Clone,
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        if self.enabled { memo.get_or_read(key, read).await } else { read().await }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_readers_of_one_key_share_one_read() {
        let cache = FactCache::on();
        let reads = AtomicUsize::new(0);
        let read = |n: u32| {
            let reads = &reads;
            let cache = &cache;
            async move {
                cache
                    .read(&cache.functions, if n.is_multiple_of(2) { "a" } else { "b" }, || async {
                        reads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok(None)
                    })
                    .await
            }
        };
        let answers = futures::future::join_all((0..20).map(read)).await;
        assert!(answers.iter().all(|a| matches!(a, Ok(None))));
        assert_eq!(reads.load(Ordering::SeqCst), 2, "one read per key");
        assert_eq!(cache.functions.len(), 2);
    }

    #[tokio::test]
    async fn off_reads_every_time() {
        let cache = FactCache::off();
        let reads = AtomicUsize::new(0);
        for _ in 0..3 {
            let _ = cache
                .read(&cache.queues, "q", || async {
                    reads.fetch_add(1, Ordering::SeqCst);
                    Ok(None)
                })
                .await;
        }
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }
}
