//! The harness every store test file shares: each test is an `async fn(Ctx)` run by
//! [`contract!`] twice, on SQLite (a new file in a temp directory) and on PostgreSQL (a new
//! database created through the admin URL in `SHAILOO_TEST_POSTGRES_URL`, dropped afterwards,
//! even when the test fails).
//!
//! Without `SHAILOO_TEST_POSTGRES_URL` the PostgreSQL half prints a notice and passes, unless
//! `CI` is set: then it fails, because CI must prove both engines. Start a server with
//! `scripts/postgres-test-server.sh`, which prints the URL to use.

#![allow(dead_code, reason = "each test binary uses a part of the harness")]

pub mod fixtures;

use shailoo_store::Db;
use sqlx::{AssertSqlSafe, Connection};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A fresh, empty (not yet migrated) database.
pub struct Ctx {
    pub engine: Engine,
    pub url: String,
}

impl Ctx {
    /// Opens and migrates the database, as `shailoo serve` does.
    pub async fn db(&self) -> Db {
        Db::connect(&self.url).await.expect("connect")
    }

    /// Runs raw SQL on a connection of its own, behind the store's back (to tamper).
    pub async fn raw(&self, sql: &str) {
        self.raw_result(sql).await.expect(sql);
    }

    /// Whether raw SQL fails (a constraint refuses it), run behind the store's back.
    pub async fn raw_fails(&self, sql: &str) -> bool {
        self.raw_result(sql).await.is_err()
    }

    async fn raw_result(&self, sql: &str) -> Result<(), sqlx::Error> {
        match self.engine {
            Engine::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("raw");
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await?;
            }
            Engine::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect("raw");
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await?;
            }
        }
        Ok(())
    }

    /// The names of the indexes on `table`, sorted (primary keys included).
    pub async fn indexes(&self, table: &str) -> Vec<String> {
        let sql = match self.engine {
            Engine::Sqlite => format!(
                "SELECT name, 0 FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' \
                 UNION ALL SELECT '{table}_pkey', 0 FROM pragma_index_list('{table}') \
                 WHERE origin = 'pk' ORDER BY 1"
            ),
            Engine::Postgres => format!(
                "SELECT indexname, CAST(0 AS BIGINT) FROM pg_indexes WHERE tablename = '{table}' \
                 ORDER BY 1"
            ),
        };
        self.raw_pairs(&sql)
            .await
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| !name.starts_with("sqlite_autoindex"))
            .collect()
    }

    /// The single text value a raw query returns.
    pub async fn raw_text(&self, sql: &str) -> String {
        match self.engine {
            Engine::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("raw");
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&mut c)
                    .await
                    .expect(sql)
            }
            Engine::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect("raw");
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&mut c)
                    .await
                    .expect(sql)
            }
        }
    }
    /// (text, integer) rows of a raw query, behind the store's back.
    pub async fn raw_pairs(&self, sql: &str) -> Vec<(String, i64)> {
        match self.engine {
            Engine::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("raw");
                sqlx::query_as(AssertSqlSafe(sql))
                    .fetch_all(&mut c)
                    .await
                    .expect(sql)
            }
            Engine::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect("raw");
                sqlx::query_as(AssertSqlSafe(sql))
                    .fetch_all(&mut c)
                    .await
                    .expect(sql)
            }
        }
    }
}

pub async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("shailoo.db").display());
    test(Ctx {
        engine: Engine::Sqlite,
        url,
    })
    .await;
}

/// The admin URL, or `None` (with a notice) when PostgreSQL tests are not configured here.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("SHAILOO_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "SHAILOO_TEST_POSTGRES_URL is not set, and CI must run the store contract on \
             PostgreSQL too: start a server with scripts/postgres-test-server.sh and export \
             the URL it prints"
        ),
        _ => {
            eprintln!(
                "notice: SHAILOO_TEST_POSTGRES_URL is not set; skipping the PostgreSQL half \
                 (run scripts/postgres-test-server.sh and export the URL it prints)"
            );
            None
        }
    }
}

pub async fn run_postgres<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let db_name = format!(
        "shailoo_test_{}_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed),
        name
    );
    let db_name: String = db_name.chars().take(63).collect();
    let mut admin_conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to SHAILOO_TEST_POSTGRES_URL");
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{db_name}\"")))
        .execute(&mut admin_conn)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(&admin).expect("admin URL parses");
    url.set_path(&format!("/{db_name}"));
    let ctx = Ctx {
        engine: Engine::Postgres,
        url: url.to_string(),
    };
    // Run the test as a task so that a failing test still drops its database.
    let outcome = tokio::spawn(test(ctx)).await;
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)"
    )))
    .execute(&mut admin_conn)
    .await
    .expect("drop test database");
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs each named test on SQLite and on PostgreSQL.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::run_sqlite(super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::run_postgres(stringify!($name), super::$name).await;
                }
            )*
        }
    };
}

/// A register import of `records` through the store's session (batches cut by the app's
/// batcher, assessed when `options.compile` is set), made as the register page and the CLI
/// make it: a preview first, then the import confirmed with the difference the preview
/// showed, overriding the removal limit when the preview says it is passed (the guard itself
/// is tested in `voters.rs`). `options.mode` is ignored.
pub async fn import_confirmed(
    db: &Db,
    options: shailoo_app::voters::ImportOptions,
    records: &[shailoo_domain::register::RegisterRecord],
) -> Result<shailoo_app::voters::ImportReport, shailoo_app::voters::VoterListError> {
    use shailoo_app::voters::{Confirmation, ImportMode, ImportOptions};
    let preview = import_once(db, options.clone().preview(), records).await?;
    let confirmation = preview.difference.clone().map(|difference| Confirmation {
        difference,
        override_removal_limit: preview.removal_over_limit,
    });
    let options = ImportOptions {
        mode: ImportMode::Apply(confirmation),
        ..options
    };
    import_once(db, options, records).await
}

/// One import session of `records` with `options` as they are.
pub async fn import_once(
    db: &Db,
    options: shailoo_app::voters::ImportOptions,
    records: &[shailoo_domain::register::RegisterRecord],
) -> Result<shailoo_app::voters::ImportReport, shailoo_app::voters::VoterListError> {
    use shailoo_app::VoterListStore;
    use shailoo_app::voters::ImportBatcher;
    let mut session = db.begin_register_import(options.clone()).await?;
    let mut batcher = ImportBatcher::new(options.compile.clone(), 1_000, 0);
    for r in records {
        if let Some(batch) = batcher.add(r.clone()) {
            session.push(&batch).await?;
        }
    }
    let (last, duplicates) = batcher.finish();
    session.push(&last).await?;
    session.finish(&duplicates).await
}
