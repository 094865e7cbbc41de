//! The one streaming import of a register extract, shared by the CLI (`register import`,
//! `load`, `demo`, `bench register-floor`) and the CEC's register page.
//!
//! The reader (parsing and, when compiling, assessing eligibility) runs on a thread of its own
//! while the store takes the previous batch, so both cores work; a bounded channel keeps at
//! most a few batches in flight. All or nothing: the first bad row, a refusal of the store or
//! a reader that dies drops the import session, which stores nothing.

use super::{
    Compiler, DuplicatedPin, ImportBatch, ImportBatcher, ImportOptions, ImportReport,
    VoterListError, VoterListStore, calendar_of,
};
use crate::setup::SetupStore;
use futures::channel::mpsc::{Receiver, Sender};
use futures::{SinkExt, StreamExt};
use rustc_hash::FxHashSet;
use shailoo_domain::TerritoryId;
use shailoo_domain::calendar::Action;
use shailoo_domain::register::RegisterRecord;
use std::ops::ControlFlow;
use std::sync::Arc;

/// Records per batch handed to the store: large enough to amortize each statement, small
/// enough that the reader stays only a few batches ahead.
pub const IMPORT_BATCH: usize = 10_000;

/// How far an import has got: records read, and bytes of the source read when it knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub records: u64,
    pub bytes: u64,
}

/// What to do with an extract that holds no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyExtract {
    /// Import it: the register becomes empty, and the import is in the history.
    Import,
    /// Record nothing (`load` of a dataset whose register file is only its header).
    Skip,
}

/// What the reader thread hands the batcher thread.
enum Read<E> {
    /// Records in file order, and the bytes of the source read after them.
    Records(Vec<RegisterRecord>, u64),
    /// The row that stops the import.
    Failed(E),
    /// The source is exhausted.
    Done,
}

/// Why a streamed import stopped. Nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum StreamedImportError<E> {
    /// The source could not give a record (a malformed row, with its line number in `E`).
    #[error("bad row: {0}")]
    BadRow(E),
    /// The store refused or failed (frozen lists, database error…).
    #[error(transparent)]
    Refused(VoterListError),
    /// The reader thread ended without finishing (it panicked).
    #[error("the register reader stopped unexpectedly")]
    ReaderStopped,
}

/// What the batcher thread hands the store's side.
enum Batched<E> {
    Batch(ImportBatch, ImportProgress),
    BadRow(E),
    Refused(VoterListError),
}

/// A source of records: called once, on the reader thread, with a sink that takes each record
/// (or the error that stops the import) and the bytes of the source read so far, and answers
/// whether to go on.
pub trait RecordSource<E>:
    FnOnce(&mut dyn FnMut(Result<RegisterRecord, E>, u64) -> ControlFlow<()>) + Send + 'static
{
}

impl<E, F> RecordSource<E> for F where
    F: FnOnce(&mut dyn FnMut(Result<RegisterRecord, E>, u64) -> ControlFlow<()>) + Send + 'static
{
}

/// The reader thread: the records of `source` in chunks of [`IMPORT_BATCH`], then the row
/// that stops the import or the end.
fn read_records<E>(source: impl RecordSource<E>, mut raw_tx: Sender<Read<E>>) {
    let mut send = |message| futures::executor::block_on(raw_tx.send(message)).is_ok();
    let mut chunk = Vec::with_capacity(IMPORT_BATCH);
    let mut stopped = false;
    let mut bytes = 0;
    source(&mut |record, read| {
        bytes = read;
        match record {
            Ok(r) => {
                chunk.push(r);
                if chunk.len() == IMPORT_BATCH {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(IMPORT_BATCH));
                    if !send(Read::Records(full, bytes)) {
                        // The importer gave up; its reason is reported there.
                        stopped = true;
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            }
            Err(e) => {
                send(Read::Failed(e));
                stopped = true;
                ControlFlow::Break(())
            }
        }
    });
    if !stopped && send(Read::Records(chunk, bytes)) {
        send(Read::Done);
    }
}

/// The batcher thread: drops repeated PINs and assesses eligibility, handing on batches with
/// the progress they mark. The PINs found more than once, or `None` when the import stopped.
fn batch_records<E>(
    raw_rx: Receiver<Read<E>>,
    mut tx: Sender<Batched<E>>,
    compiler: Option<Arc<Compiler>>,
    known: &FxHashSet<TerritoryId>,
    expected: u64,
) -> Option<Vec<DuplicatedPin>> {
    let mut batcher = ImportBatcher::new(compiler, IMPORT_BATCH, expected);
    let mut send = |message| futures::executor::block_on(tx.send(message)).is_ok();
    let mut bytes = 0;
    for message in futures::executor::block_on_stream(raw_rx) {
        match message {
            Read::Records(records, read) => {
                bytes = read;
                for r in records {
                    // An error of the extract, as a malformed row is: the setup must know
                    // every settlement the register names.
                    if !known.contains(&r.settlement) {
                        send(Batched::Refused(VoterListError::UnknownSettlement {
                            record: batcher.records() + 1,
                            settlement: r.settlement,
                        }));
                        return None;
                    }
                    if let Some(batch) = batcher.add(r) {
                        let done = ImportProgress {
                            records: batcher.records(),
                            bytes,
                        };
                        if !send(Batched::Batch(batch, done)) {
                            return None;
                        }
                    }
                }
            }
            Read::Failed(e) => {
                send(Batched::BadRow(e));
                return None;
            }
            Read::Done => {
                let done = ImportProgress {
                    records: batcher.records(),
                    bytes,
                };
                let (last, duplicates) = batcher.finish();
                return send(Batched::Batch(last, done)).then_some(duplicates);
            }
        }
    }
    // The reader stopped without saying why (it panicked, or the importer gave up).
    None
}

/// The settlements the setup knows (every record must name one), after the calendar allowed
/// compiling when the import compiles (until the end of CAL-12).
async fn known_settlements<S: SetupStore + VoterListStore + ?Sized>(
    store: &S,
    options: &ImportOptions,
) -> Result<FxHashSet<TerritoryId>, VoterListError> {
    if let Some(c) = &options.compile {
        calendar_of(store, c.election())
            .await?
            .check(Action::CompileVoterLists, options.at)?;
    }
    Ok(store.territory_ids().await?.into_iter().collect())
}

/// Imports the records of `source` as one register import (compiling the lists in the same
/// transaction when `options.compile` is set, which the calendar allows until the end of
/// CAL-12), or previews it (`options.mode`). A record whose settlement the setup does not know
/// stops the import ([`VoterListError::UnknownSettlement`]). `expected` sizes the duplicate
/// check (an estimate is fine); `progress` is called after each batch is stored. `None` when
/// the extract was empty and `if_empty` is [`EmptyExtract::Skip`].
pub async fn import_register<E: Send + 'static, S: SetupStore + VoterListStore + ?Sized>(
    store: &S,
    options: ImportOptions,
    expected: u64,
    if_empty: EmptyExtract,
    source: impl RecordSource<E>,
    mut progress: impl FnMut(ImportProgress) + Send,
) -> Result<Option<ImportReport>, StreamedImportError<E>> {
    let compiler = options.compile.clone();
    let known = known_settlements(store, &options)
        .await
        .map_err(StreamedImportError::Refused)?;
    // Begin first: a refusal (frozen lists) comes before a byte of the extract is read.
    let mut session = store
        .begin_register_import(options)
        .await
        .map_err(StreamedImportError::Refused)?;
    // Two threads before the store: the reader parses, the batcher drops repeated PINs and
    // assesses eligibility. On the national register each is about half of the work that one
    // thread did, so with the store's own work they keep both cores busy.
    let (raw_tx, raw_rx) = futures::channel::mpsc::channel::<Read<E>>(2);
    let (tx, mut rx) = futures::channel::mpsc::channel::<Batched<E>>(2);
    let reader = std::thread::Builder::new()
        .name("register-reader".into())
        .spawn(move || read_records(source, raw_tx));
    let batcher = std::thread::Builder::new()
        .name("register-batcher".into())
        .spawn(move || batch_records(raw_rx, tx, compiler, &known, expected));
    // A thread that cannot start (out of resources) is a reader that stopped.
    let (reader, batcher) = match (reader, batcher) {
        (Ok(r), Ok(b)) => (r, b),
        _ => return Err(StreamedImportError::ReaderStopped),
    };
    let mut done = ImportProgress::default();
    let pushed = async {
        while let Some(message) = rx.next().await {
            let (batch, at) = match message {
                Batched::Batch(batch, at) => (batch, at),
                Batched::BadRow(e) => return Err(StreamedImportError::BadRow(e)),
                Batched::Refused(e) => return Err(StreamedImportError::Refused(e)),
            };
            if !batch.records.is_empty() {
                session
                    .push(&batch)
                    .await
                    .map_err(StreamedImportError::Refused)?;
            }
            done = at;
            progress(at);
        }
        Ok(())
    }
    .await;
    // Let a reader blocked on a full channel see the end, then wait for it.
    drop(rx);
    let read = reader.join();
    let duplicates = batcher
        .join()
        .map_err(|_| StreamedImportError::ReaderStopped)?;
    read.map_err(|_| StreamedImportError::ReaderStopped)?;
    pushed?;
    let duplicates = duplicates.ok_or(StreamedImportError::ReaderStopped)?;
    if done.records == 0 && if_empty == EmptyExtract::Skip {
        // Dropping the session rolls it back.
        return Ok(None);
    }
    session
        .finish(&duplicates)
        .await
        .map(Some)
        .map_err(StreamedImportError::Refused)
}
