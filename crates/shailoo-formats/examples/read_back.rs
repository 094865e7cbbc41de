//! Reads a dataset back and reports the speed:
//! `cargo run --release -p shailoo-formats --example read_back -- DIR`.

use shailoo_formats::{RegisterReader, files, read_setup};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "dataset".into()));
    let start = Instant::now();
    let dataset = read_setup(&dir)?;
    println!(
        "setup: {} territories, {} stations, {} station areas in {:.2?}",
        dataset.setup.territories.len(),
        dataset.setup.stations.len(),
        dataset.station_areas.len(),
        start.elapsed()
    );
    let start = Instant::now();
    let (mut rows, mut errors) = (0u64, 0u64);
    for record in RegisterReader::open(&dir.join(files::REGISTER))? {
        match record {
            Ok(_) => rows += 1,
            Err(e) => {
                errors += 1;
                if errors <= 5 {
                    eprintln!("{e}");
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "register: {rows} rows, {errors} errors in {secs:.2} s = {:.0} rows/s",
        rows as f64 / secs
    );
    Ok(())
}
