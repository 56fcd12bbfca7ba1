//! The repository layer: every SQL statement the edge runs lives under `db/`, one file per
//! domain, each an `impl Store` block. Handlers never write SQL; they call these methods.
//!
//! D1 is the source of truth, and `batch` is its only transaction. A batch's results are read
//! by name through [`Batch`]: each statement whose rows matter is given a typed [`Slot`] when it
//! is added, and its rows are read back through that slot, never by position.

pub mod act;
pub mod boards;
pub mod claims;
pub mod drain;
pub mod export_jobs;
pub mod exports;
pub mod hub;
pub mod integrations;
pub mod ladder;
pub mod osdi;
pub mod outbox;
pub mod overview;
pub mod people;
pub mod push;
pub mod roster;
pub mod settings;
pub mod staff;
pub mod teams;
pub mod turnstile;
pub mod views;
pub mod widgets;

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use crate::error::{AppError, AppResult};

pub struct Store {
    db: Db,
    /// The invocation's counter (`crate::meter`).
    meter: crate::meter::Shared,
}

pub fn text(v: &str) -> JsValue {
    JsValue::from_str(v)
}

pub fn opt(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_str)
}

pub fn num(v: impl Into<f64>) -> JsValue {
    JsValue::from_f64(v.into())
}

/// The database a store asks: the primary, or a session that may read from the nearest read
/// replica (D1's Sessions API, `first-unconstrained`).
enum Db {
    Primary(D1Database),
    Replica(worker::D1DatabaseSession),
}

impl Store {
    pub fn new(db: D1Database, meter: crate::meter::Shared) -> Self {
        Store {
            db: Db::Primary(db),
            meter,
        }
    }

    /// A store for reads that may lag the primary by a little (a replica's): the shard path's
    /// one read (issue 25), so the primary's single writer sees only drains. Where the database
    /// has no replicas (locally, or replication off) the session reads the primary.
    pub fn replica(env: &worker::Env, meter: &crate::meter::Shared) -> AppResult<Self> {
        let db = env
            .d1("DB")
            .map_err(|e| AppError::Internal(format!("D1 binding DB: {e}")))?;
        let session = db
            .with_session_constraint(worker::D1SessionConstraint::FirstUnconstrained)
            .map_err(|e| AppError::Internal(format!("D1 session: {e}")))?;
        Ok(Store {
            db: Db::Replica(session),
            meter: meter.clone(),
        })
    }

    /// The store of the environment's `DB` binding, counted by `meter`.
    pub fn open(env: &worker::Env, meter: &crate::meter::Shared) -> AppResult<Self> {
        let db = env
            .d1("DB")
            .map_err(|e| AppError::Internal(format!("D1 binding DB: {e}")))?;
        Ok(Store::new(db, meter.clone()))
    }

    pub fn stmt(&self, sql: &str, args: &[JsValue]) -> AppResult<D1PreparedStatement> {
        self.meter.statement_sql(sql);
        let prepared = match &self.db {
            Db::Primary(db) => db.prepare(sql),
            Db::Replica(session) => session.prepare(sql),
        };
        Ok(prepared.bind(args)?)
    }

    /// The first row of a query, if any.
    pub async fn first<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> AppResult<Option<T>> {
        Ok(self.stmt(sql, args)?.first(None).await?)
    }

    /// Every row of a query.
    pub async fn all<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> AppResult<Vec<T>> {
        Ok(self.stmt(sql, args)?.all().await?.results()?)
    }

    /// Statements run as one transaction (D1's only kind).
    pub async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> AppResult<Vec<worker::D1Result>> {
        self.meter.batch(statements.len());
        Ok(match &self.db {
            Db::Primary(db) => db.batch(statements).await?,
            Db::Replica(session) => session.batch(statements).await?,
        })
    }
}

/// Statements to run as one D1 transaction, with typed handles on the results that matter.
#[derive(Default)]
pub struct Batch {
    statements: Vec<D1PreparedStatement>,
}

/// Where the rows of one statement of a [`Batch`] will be, and what they are.
pub struct Slot<T> {
    index: usize,
    rows: PhantomData<fn() -> T>,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Slot<T> {}

impl Batch {
    pub fn new() -> Self {
        Batch::default()
    }

    /// Adds a statement whose results nobody reads.
    pub fn add(&mut self, statement: D1PreparedStatement) -> &mut Self {
        self.statements.push(statement);
        self
    }

    /// Adds statements whose results nobody reads.
    pub fn extend(&mut self, statements: impl IntoIterator<Item = D1PreparedStatement>) {
        self.statements.extend(statements);
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Adds a statement and returns the slot its rows (as `T`) will be read from.
    pub fn read<T>(&mut self, statement: D1PreparedStatement) -> Slot<T> {
        self.statements.push(statement);
        Slot {
            index: self.statements.len() - 1,
            rows: PhantomData,
        }
    }

    /// Runs every statement in one transaction.
    pub async fn run(self, store: &Store) -> AppResult<Results> {
        let expected = self.statements.len();
        let results = store.batch(self.statements).await?;
        if results.len() != expected {
            return Err(AppError::Internal(format!(
                "a batch of {expected} statements returned {} results",
                results.len()
            )));
        }
        Ok(Results(results))
    }
}

/// The results of a [`Batch`], read through its slots.
pub struct Results(Vec<D1Result>);

impl Results {
    /// Every row of the slot's statement.
    pub fn rows<T: DeserializeOwned>(&self, slot: Slot<T>) -> AppResult<Vec<T>> {
        Ok(self.0[slot.index].results()?)
    }

    /// The first row of the slot's statement, if any.
    pub fn first<T: DeserializeOwned>(&self, slot: Slot<T>) -> AppResult<Option<T>> {
        Ok(self.rows(slot)?.into_iter().next())
    }

    /// Whether the slot's statement returned any row (`RETURNING` of a claim that held).
    pub fn any<T>(&self, slot: Slot<T>) -> AppResult<bool> {
        Ok(!self.0[slot.index].results::<Any>()?.is_empty())
    }
}

/// A row we only count, whatever its columns.
#[derive(serde::Deserialize)]
pub struct Any {}
